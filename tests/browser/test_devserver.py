"""The devserver in Chromium: a saved edit reaches the open page, a broken
file shows the diagnostics over the last good page, and fixing it clears
them; the injected script works under the site's Content-Security-Policy."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, saying why
    expect = None

from dossier.pipeline import Project
from dossier.serve import DevServer, Rebuilder, make_watcher, watch_paths

pytestmark = pytest.mark.browser

A = "---\ntitle: A\nsummary: The first person.\n---\nA body.\n"
B = "---\ntitle: B\n---\nKnows [[A]].\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_devserver_shows_an_edit_then_an_error_overlay_then_the_fix(browser, tmp_path):
    root = tmp_path / "site"
    write(root / "content" / "people" / "a.md", A)
    b = root / "content" / "people" / "b.md"
    write(b, B)
    project = Project.at(root)
    project.search = False
    out = io.StringIO()
    dev = DevServer(project.output, "127.0.0.1", 0).start()
    rebuild = Rebuilder(project, dev, out=out, err=out)
    watcher = None
    context = browser.new_context()
    try:
        assert rebuild()
        watcher = make_watcher(watch_paths(project), rebuild, poll_interval=0.1, exclude=[project.output]).start()  # change events, as serve uses
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(dev.url + "people/b/")
        expect(page.locator("main h1")).to_have_text("B")
        # (a page whose event stream opens after a build still learns of it:
        # the stream starts with the generation it was served from)

        saved = time.monotonic()
        write(b, "---\ntitle: B\n---\nKnows [[A]] very well.\n")
        expect(page.locator(".body")).to_contain_text("very well", timeout=15_000)
        shown_after = time.monotonic() - saved

        write(b, "---\ntitle: B\n---\nKnows [[A]] very well, and [[Nobody]].\n")
        overlay = page.locator("#dossier-overlay")
        expect(overlay).to_be_visible(timeout=15_000)
        expect(overlay).to_contain_text("error[link]")
        expect(overlay).to_contain_text("content/people/b.md:4:")
        expect(page.locator(".body")).to_contain_text("very well")  # the last good page stays
        expect(page.locator(".body")).not_to_contain_text("Nobody")

        write(b, "---\ntitle: B\n---\nKnows [[A]] well enough.\n")
        expect(page.locator(".body")).to_contain_text("well enough", timeout=15_000)
        expect(page.locator("#dossier-overlay")).to_have_count(0)
        assert not [p for p in problems if "dossier-overlay" not in p], problems
        print(f"\ndevserver in Chromium: save → edit on screen {shown_after:.2f}s")
    finally:
        if watcher is not None:
            watcher.stop()
        context.close()
        dev.stop()
    assert "previewed people/b/index.html" in out.getvalue()
