"""HTML and CSS validity: every generated page and style sheet passes the Nu
HTML Checker.

The real content is built into a temporary folder (without the Pagefind
bundle, which is not ours to validate) and every page and style sheet is
checked by the current checker, ``vnu.jar`` from the npm package ``vnu-jar``
(``package.json``; ``make test`` installs it into ``node_modules/``), in ONE
Java invocation (a JVM per page would take minutes). Every error counts: no
message is filtered out. Java and the jar are needed: without them the test
skips, unless ``DOSSIER_REQUIRE_BROWSER=1`` (CI), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dossier.pipeline import Project, build

REPO = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"pagefind"}
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.slow


def _need(what: str, why: str):
    if os.environ.get("DOSSIER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} is required in CI (DOSSIER_REQUIRE_BROWSER=1): {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    """The command that runs the checker, errors only, answering in JSON."""
    java = shutil.which("java")
    if java is None:
        _need("java", "no Java runtime on PATH: the Nu HTML Checker (vnu.jar) runs on Java")
    if not VNU_JAR.is_file():
        _need("vnu.jar", f"{VNU_JAR.relative_to(REPO)} is missing: run `make test` (or `npm ci --ignore-scripts`) to install the npm package vnu-jar")
    return [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--also-check-css"]


def run_vnu(command: list[str], files: list[Path]) -> list[dict]:
    """The checker's messages about ``files`` (it writes its JSON report to stderr)."""
    done = subprocess.run(command + [str(f) for f in files], capture_output=True, text=True, timeout=900)
    report = done.stderr.strip() or done.stdout.strip()
    try:
        return json.loads(report)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu HTML Checker did not answer in JSON (exit {done.returncode}):\nstdout: {done.stdout[:2000]}\nstderr: {done.stderr[:2000]}")


def test_the_checker_is_current_and_reports_errors(vnu, tmp_path):
    """The jar is the 26.x checker (a 2020 one rejects valid modern CSS and
    CSP), and it does report an error: a clean report means something."""
    version = subprocess.run(vnu[:4] + ["--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.strip().startswith("26."), version.stdout + version.stderr
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></p>", encoding="utf-8")
    css = tmp_path / "bad.css"
    css.write_text("p { colr: red }", encoding="utf-8")
    # what the 2020 checker wrongly rejected: CSS selectors level 4, system
    # colours, CSP level 3's 'wasm-unsafe-eval' (Pagefind's WebAssembly)
    modern_css = tmp_path / "modern.css"
    modern_css.write_text(":is(h1, h2) { color: CanvasText; background: Canvas }", encoding="utf-8")
    modern = tmp_path / "modern.html"
    modern.write_text(
        "<!DOCTYPE html><html lang=en><meta charset=utf-8>"
        "<meta http-equiv=Content-Security-Policy content=\"script-src 'self' 'wasm-unsafe-eval'\"><title>x</title><p>x</p>",
        encoding="utf-8",
    )
    messages = run_vnu(vnu, [bad, css, modern_css, modern])
    by_file = Counter(Path(m.get("url", "")).name for m in messages if m.get("type") == "error")
    assert by_file["bad.html"] and by_file["bad.css"], messages
    assert not by_file["modern.css"] and not by_file["modern.html"], messages


@pytest.fixture(scope="module")
def site_pages(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("validate") / "site"
    project = Project.at(REPO, output=out, use_cache=False)
    project.search = False  # the Pagefind bundle is skipped anyway
    with ThreadPoolExecutor(1) as pool:  # no event loop of the browser tests' Playwright here
        pool.submit(build, project, clean=True).result()
    pages = sorted(p for p in out.rglob("*.html") if p.relative_to(out).parts[0] not in SKIP_DIRS)
    return out, pages


def test_every_page_and_style_sheet_passes_the_nu_html_checker(vnu, site_pages):
    root, pages = site_pages
    kinds = Counter(p.relative_to(root).parts[0] if len(p.relative_to(root).parts) > 1 else p.name for p in pages)
    assert len(pages) > 100, kinds
    for kind in ("index.html", "404.html", "people", "groups", "events", "sources", "articles", "chronology", "search"):
        assert kinds[kind], f"no {kind} page in the build: {dict(kinds)}"

    sheets = sorted(p for p in root.rglob("*.css") if p.relative_to(root).parts[0] not in SKIP_DIRS)
    assert sheets, "no style sheet in the build"
    messages = run_vnu(vnu, pages + sheets)
    print(f"\nNu HTML Checker: {len(pages)} pages and {len(sheets)} style sheets validated ({dict(sorted(kinds.items()))}), {len(messages)} messages")
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal"]
    if errors:
        prefix = root.resolve().as_uri()
        lines = []
        by_message = Counter(m.get("message", "") for m in errors)
        for m in errors[:60]:
            where = m.get("url", "").replace(prefix, "").replace("file:" + str(root.resolve()), "")
            lines.append(f"{where}:{m.get('lastLine', '?')}.{m.get('firstColumn', m.get('lastColumn', '?'))}: {m.get('message')}\n    {m.get('extract', '').strip()[:200]!r}")
        summary = "\n".join(f"{n:4d} × {msg}" for msg, n in by_message.most_common())
        pytest.fail(f"{len(errors)} HTML errors in {len({m.get('url') for m in errors})} pages\n{summary}\n\n" + "\n".join(lines))
