"""Tests for dossier.serve: watching, serving, live reload and the overlay.

Everything talks to 127.0.0.1 on an ephemeral port; every wait is bounded.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dossier.diagnostics import Diagnostics
from dossier.output import tree_digest
from dossier.pipeline import Project, build
from dossier.serve import (
    DevServer,
    EventWatcher,
    Problem,
    Rebuilder,
    Watcher,
    _segments,
    changed,
    changed_paths,
    inject,
    make_watcher,
    serve,
    snapshot,
    watch_paths,
)

REPO = Path(__file__).resolve().parent.parent
A = "---\ntitle: A\n---\nBody.\n"
B = "---\ntitle: B\n---\nKnows [[A]].\n"
B_BROKEN = "---\ntitle: B\n---\nKnows [[A]] and [[Nobody]].\n"
B_FIXED = "---\ntitle: B\n---\nKnows [[A]] well.\n"
WAIT = 15.0  # upper bound for any build-and-notify round trip


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_project(root: Path) -> Project:
    write(root / "content" / "people" / "a.md", A)
    write(root / "content" / "people" / "b.md", B)
    return Project.at(root)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("built") / "site"
    build(make_project(root))
    return root


@pytest.fixture
def project(built_site: Path, tmp_path: Path) -> Project:
    """A freshly built fixture site of its own (a copy of one build)."""
    shutil.copytree(built_site, tmp_path / "site", symlinks=True)
    return Project.at(tmp_path / "site")


@pytest.fixture
def server(project: Project):
    dev = DevServer(project.output, "127.0.0.1", 0).start()
    yield dev
    dev.stop()


def fetch(dev: DevServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    """One raw request (the path is sent exactly as given), no redirects."""
    conn = http.client.HTTPConnection("127.0.0.1", dev.port, timeout=5)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def urlopen(dev: DevServer, path: str, timeout: float = 5):
    return urllib.request.urlopen(f"http://127.0.0.1:{dev.port}{path}", timeout=timeout)


class Events:
    """An open SSE connection, read line by line with a socket timeout."""

    def __init__(self, dev: DevServer, query: str = "", timeout: float = WAIT):
        self.resp = urlopen(dev, "/__dossier__/events" + query, timeout)
        assert self.resp.status == 200
        assert self.resp.headers["Content-Type"].startswith("text/event-stream")

    def next(self, timeout: float = WAIT) -> tuple[str, str]:
        """The next (event, data); comments and retry lines skipped."""
        deadline = time.monotonic() + timeout
        event, data = "message", []
        while time.monotonic() < deadline:
            line = self.resp.readline().decode("utf-8")
            if line == "":
                raise EOFError("the event stream closed")
            line = line.rstrip("\n")
            if line == "":
                if data:
                    return event, "\n".join(data)
                event = "message"
                continue
            if line.startswith("event: "):
                event = line[len("event: ") :]
            elif line.startswith("data: "):
                data.append(line[len("data: ") :])
        raise TimeoutError("no event in time")

    def close(self) -> None:
        self.resp.close()


def wait_for(predicate, timeout: float = WAIT, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("condition not met in time")


# ---------------------------------------------------------------------------
# snapshot / changed / Watcher


def test_snapshot_sees_additions_edits_and_deletions_but_not_swap_files(tmp_path: Path):
    root = tmp_path / "w"
    write(root / "people" / "a.md", "one")
    first = snapshot([root])
    assert set(first) == {str(root / "people" / "a.md")}
    assert first == snapshot([root]) and not changed(first, snapshot([root]))

    write(root / "people" / ".a.md.swp", "swap")
    write(root / "people" / "a.md~", "backup")
    write(root / ".git" / "HEAD", "ref")
    assert not changed(first, snapshot([root]))

    write(root / "people" / "a.md", "one, longer")
    edited = snapshot([root])
    assert changed(first, edited)
    assert changed_paths(first, edited) == [str(root / "people" / "a.md")]

    write(root / "people" / "b.md", "two")
    added = snapshot([root])
    assert changed_paths(edited, added) == [str(root / "people" / "b.md")]
    (root / "people" / "a.md").unlink()
    assert changed_paths(added, snapshot([root])) == [str(root / "people" / "a.md")]


def test_snapshot_takes_single_files_missing_paths_and_exclusions(tmp_path: Path):
    conf = tmp_path / "pelicanconf.py"
    missing = tmp_path / "theme"
    assert snapshot([conf, missing]) == {}
    write(conf, "SITENAME = 'x'\n")
    write(tmp_path / "out" / "index.html", "x")
    write(tmp_path / "out.staging-1" / "index.html", "x")
    write(tmp_path / "content" / "a.md", "x")
    snap = snapshot([conf, missing, tmp_path], exclude=[tmp_path / "out"])
    assert set(snap) == {str(conf), str(tmp_path / "content" / "a.md")}


def test_watch_paths_are_content_theme_templates_and_settings(tmp_path: Path):
    from dossier.project import PACKAGE_THEME

    p = make_project(tmp_path)
    paths = watch_paths(p)
    assert paths[:4] == [p.content, p.root / "theme", p.root / "templates", p.root / "pelicanconf.py"]
    # the package's theme too, when it is a checkout someone works on
    assert paths[4:] == ([] if "site-packages" in PACKAGE_THEME.parts else [PACKAGE_THEME])


WATCHERS = pytest.mark.parametrize("Watcher", [Watcher, EventWatcher], ids=["poll", "events"])


@WATCHERS
def test_watcher_calls_back_once_for_a_burst_of_saves(tmp_path: Path, Watcher):
    target = tmp_path / "content" / "a.md"
    write(target, "0")
    calls: list[list[str]] = []
    called = threading.Event()

    def callback(paths):
        calls.append(paths)
        called.set()

    with Watcher([tmp_path / "content"], callback, poll_interval=0.03, debounce=0.3):
        time.sleep(0.1)  # a few quiet polls: no change, no call
        assert calls == []
        for i in range(6):  # saves spread over several polls, each gap inside the debounce
            write(target, "x" * (i + 2))
            time.sleep(0.05)
        assert calls == []  # still settling
        assert called.wait(5)
        time.sleep(0.2)  # several more poll intervals: nothing new happened
    assert calls == [[str(target)]]


@WATCHERS
def test_watcher_survives_a_failing_callback_and_stops(tmp_path: Path, capsys, Watcher):
    write(tmp_path / "a.md", "0")
    seen = []

    def callback(paths):
        seen.append(paths)
        raise RuntimeError("boom")

    w = Watcher([tmp_path], callback, poll_interval=0.03, debounce=0.03).start()
    try:
        write(tmp_path / "a.md", "11")
        wait_for(lambda: len(seen) == 1, 5)
        write(tmp_path / "a.md", "222")
        wait_for(lambda: len(seen) == 2, 5)
    finally:
        w.stop()
    assert not w.running
    assert "RuntimeError: boom" in capsys.readouterr().err


@WATCHERS
def test_watcher_sees_the_settings_file_a_new_folder_and_ignores_hidden_files_and_the_output(tmp_path: Path, Watcher):
    content, conf, templates, out = tmp_path / "content", tmp_path / "pelicanconf.py", tmp_path / "templates", tmp_path / "output"
    write(content / "a.md", "0")
    write(conf, "SITENAME = 'x'\n")
    seen: list[list[str]] = []
    w = Watcher([content, templates, conf, tmp_path], seen.append, poll_interval=0.05, debounce=0.05, exclude=[out]).start()
    try:
        write(content / ".a.md.swp", "editor")  # hidden: ignored
        write(content / "a.md~", "backup")  # a backup: ignored
        write(out / "index.html", "built")  # the output: ignored
        write(conf, "SITENAME = 'y'\n")
        wait_for(lambda: any(str(conf) in c for c in seen), 5)
        write(templates / "person.md", "---\n")  # a folder that did not exist
        wait_for(lambda: any(str(templates / "person.md") in c or str(templates) in c for c in seen), 5)
        write(templates / "person.md", "---\ntitle: x\n")  # and, now watched, a change inside it
        n = len(seen)
        wait_for(lambda: len(seen) > n and any(str(templates / "person.md") in c for c in seen[n:]), 5)
    finally:
        w.stop()
    everything = {p for c in seen for p in c}
    assert not any(p.endswith((".swp", "~")) or p.startswith(str(out)) for p in everything), everything


def test_make_watcher_uses_events_unless_asked_to_poll(tmp_path: Path):
    assert type(make_watcher([tmp_path], print)) is EventWatcher
    assert type(make_watcher([tmp_path], print, poll=True)) is Watcher


# ---------------------------------------------------------------------------
# inject (pure)


def test_inject_adds_script_and_stylesheet_and_only_then_the_overlay():
    page = "<html><head><title>t</title></head><body class='x'><p>hi</p></body></html>"
    plain = inject(page, generation=7)
    assert plain.index('<link rel="stylesheet" href="/__dossier__/overlay.css">') < plain.index("</head>")
    assert '<script src="/__dossier__/livereload.js" data-generation="7"></script>\n</body>' in plain
    assert "dossier-overlay" not in plain.replace("/__dossier__/overlay.css", "")

    hostile = Problem("content/people/b.md:4:1: error[link]: the link [[<script>alert(1)</script>]] matches no page")
    broken = inject(page, 8, [hostile])
    assert broken.index("<body class='x'>") < broken.index('<div id="dossier-overlay" role="alert">') < broken.index("<p>hi</p>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in broken
    assert "<script>alert" not in broken
    assert "(1 error)" in broken


def test_inject_without_head_or_body_still_appends():
    out = inject("<p>fragment</p>", 1, [Problem("x: error[link]: y")])
    assert out.startswith("<p>fragment</p>")
    assert out.endswith('<script src="/__dossier__/livereload.js" data-generation="1"></script>')
    assert 'id="dossier-overlay"' in out and "overlay.css" in out


# ---------------------------------------------------------------------------
# DevServer


def test_binds_localhost_on_an_ephemeral_port(server: DevServer):
    host, port = server.address
    assert host == "127.0.0.1"
    assert port != 0
    assert server.url == f"http://127.0.0.1:{port}/"


def test_pages_are_served_with_the_livereload_script_injected(server: DevServer, project: Project):
    with urlopen(server, "/people/a/") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
        assert resp.headers["Cache-Control"] == "no-store"
        page = resp.read().decode()
    assert "<h1>A</h1>" in page
    assert '<script src="/__dossier__/livereload.js"' in page
    assert page.index("livereload.js") < page.index("</body>")
    assert 'id="dossier-overlay"' not in page
    # injected only when served: the built file does not have it
    assert "livereload" not in (project.output / "people" / "a" / "index.html").read_text()
    # the home page through "/" too
    status, _, home = fetch(server, "/")
    assert status == 200 and "livereload.js" in home


def test_directory_without_slash_redirects_and_head_has_no_body(server: DevServer):
    status, headers, body = fetch(server, "/people/a?x=1")
    assert status == 301 and headers["location"] == "/people/a/?x=1" and body == ""
    status, headers, body = fetch(server, "/people/a/", method="HEAD")
    assert status == 200 and body == "" and int(headers["content-length"]) > 100


def test_livereload_script_and_overlay_stylesheet(server: DevServer):
    with urlopen(server, "/__dossier__/livereload.js") as resp:
        assert resp.headers["Content-Type"].split(";")[0] in ("text/javascript", "application/javascript")
        js = resp.read().decode()
    assert 'new EventSource("/__dossier__/events' in js
    assert "location.reload()" in js and '"reload"' in js and '"error"' in js
    assert "innerHTML" not in js  # diagnostics are shown as text only
    with urlopen(server, "/__dossier__/overlay.css") as resp:
        assert resp.headers["Content-Type"].startswith("text/css")
        assert "#dossier-overlay" in resp.read().decode()
    assert fetch(server, "/__dossier__/nothing")[0] == 404


def test_missing_path_gives_the_site_404_page(server: DevServer):
    with pytest.raises(urllib.error.HTTPError) as err:
        urlopen(server, "/people/nobody/")
    assert err.value.code == 404
    page = err.value.read().decode()
    assert "Page not found" in page and "livereload.js" in page


def test_no_file_outside_the_output_folder_is_served(server: DevServer, project: Project):
    secret = project.root.parent / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER\n")
    out = project.output
    (out / "inside.txt").write_text("inside-marker\n")
    os.symlink(secret, out / "leak.txt")
    os.symlink(project.root.parent, out / "leakdir")
    os.symlink(out / "inside.txt", out / "alias.txt")

    # the controls: plain and symlinked files inside the folder are served
    assert fetch(server, "/inside.txt")[2] == "inside-marker\n"
    assert fetch(server, "/alias.txt")[2] == "inside-marker\n"

    attempts = [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/people/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/people/..%2f..%2f..%2fsecret.txt",
        "//../secret.txt",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/" + str(secret).lstrip("/"),
        "/.dossier-build.json",
        "/inside.txt%00.html",
        "http://127.0.0.1/../secret.txt",
    ]
    for path in attempts:
        status, _, body = fetch(server, path)
        assert status in (400, 404), path
        assert "TOP-SECRET-MARKER" not in body, path
        assert "root:" not in body, path


def test_url_paths_with_dot_dot_or_nul_are_refused_before_the_file_system():
    assert _segments("/people/a/") == ["people", "a"]
    assert _segments("/people//a/./index.html") == ["people", "a", "index.html"]
    assert _segments("/caf%C3%A9/") == ["café"]
    for bad in ("/../x", "/%2e%2e/x", "/a/..%2fx", "/a%00.html", "/%ff", "x"):
        assert _segments(bad) is None, bad


def test_no_build_yet_page_until_a_build_succeeds(tmp_path: Path):
    with DevServer(tmp_path / "output", "127.0.0.1", 0) as dev:
        status, _, page = fetch(dev, "/people/a/")
        assert status == 503 and "No build yet" in page and "livereload.js" in page
        d = Diagnostics()
        d.error("content/people/a.md", 2, 8, "yaml", "mapping values are not allowed here")
        dev.notify_error(d)
        page = fetch(dev, "/")[2]
        assert 'id="dossier-overlay"' in page
        assert "content/people/a.md:2:8: error[yaml]: mapping values are not allowed here" in page


def test_events_deliver_reload_and_error(server: DevServer):
    events = Events(server)
    try:
        server.notify_reload()
        assert events.next(5)[0] == "reload"
        d = Diagnostics()
        d.error("content/people/b.md", 4, 17, "link", "the link [[Nobody]] matches no page")
        server.notify_error(d)
        name, data = events.next(5)
        report = json.loads(data)
        assert name == "error"
        assert report["diagnostics"][0]["text"] == "content/people/b.md:4:17: error[link]: the link [[Nobody]] matches no page"
        assert report["diagnostics"][0]["code"] == "link" and report["diagnostics"][0]["line"] == 4
        assert "1 error" in report["title"]
        server.notify_reload()
        assert events.next(5)[0] == "reload"
    finally:
        events.close()


def test_events_catch_up_a_page_that_missed_a_build(server: DevServer):
    server.notify_reload()
    page = fetch(server, "/people/a/")[2]
    served = re.search(r'livereload.js" data-generation="([0-9a-f]+\.1)"', page).group(1)
    server.notify_reload()  # the page above is stale now
    current = re.search(r'data-generation="([^"]+)"', fetch(server, "/people/a/")[2]).group(1)
    assert current != served
    for since in (f"?generation={served}", "?generation=0123abcd.2"):  # stale; from an earlier server
        stale = Events(server, since)
        try:
            assert stale.next(5)[0] == "reload", since
        finally:
            stale.close()
    up_to_date = Events(server, f"?generation={current}", timeout=0.3)
    try:
        with pytest.raises(TimeoutError):  # nothing to send
            up_to_date.next(0.3)
    finally:
        up_to_date.close()


def test_stop_ends_open_event_streams(project: Project):
    dev = DevServer(project.output, "127.0.0.1", 0).start()
    events = Events(dev)
    wait_for(lambda: dev.status()["clients"] == 1, 5)
    t = time.monotonic()
    dev.stop()
    assert time.monotonic() - t < 5
    with pytest.raises(EOFError):
        events.next(5)
    events.close()


# ---------------------------------------------------------------------------
# Watcher → Rebuilder → DevServer, as `serve` wires them


def test_broken_content_keeps_the_last_good_page_with_the_overlay_then_fixing_reloads(server: DevServer, project: Project, capsys):
    rebuild = Rebuilder(project, server)
    b = project.content / "people" / "b.md"
    before = tree_digest(project.output)
    events = Events(server)
    watcher = make_watcher(watch_paths(project), rebuild, poll_interval=0.05, exclude=[project.output]).start()
    try:
        saved = time.monotonic()
        b.write_text(B_BROKEN, encoding="utf-8")
        name, data = events.next()
        to_error = time.monotonic() - saved
        assert name == "error"
        assert any(d["code"] == "link" and "Nobody" in d["message"] for d in json.loads(data)["diagnostics"])

        assert tree_digest(project.output) == before  # the failed build wrote nothing
        status, _, page = fetch(server, "/people/b/")
        assert status == 200
        assert "Knows <a" in page and "and [[Nobody]]" not in page  # the last good page
        assert '<div id="dossier-overlay" role="alert">' in page
        assert "content/people/b.md:4:" in page and "error[link]: the link [[Nobody]] matches no page" in page
        assert 'id="dossier-overlay"' in fetch(server, "/people/a/")[2]  # every page shows it

        saved = time.monotonic()
        b.write_text(B_FIXED, encoding="utf-8")
        assert events.next()[0] == "reload"
        to_reload = time.monotonic() - saved
        status, _, page = fetch(server, "/people/b/")
        assert status == 200 and "well." in page
        assert 'id="dossier-overlay"' not in page
        assert tree_digest(project.output) != before
    finally:
        watcher.stop()
        events.close()
    out = capsys.readouterr()
    assert "changed: content/people/b.md" in out.out
    assert "error[link]" in out.err and "build failed: still serving the last good build" in out.err
    assert "rebuilt in " in out.out
    print(f"save → error event {to_error:.2f}s, save → reload event {to_reload:.2f}s")


def test_an_edited_body_is_previewed_before_the_build_and_the_build_makes_it_exact(server: DevServer, project: Project, tmp_path: Path):
    out, err = io.StringIO(), io.StringIO()
    rebuild = Rebuilder(project, server, out=out, err=err)
    assert rebuild()  # an up-to-date site: resolved all the same, for previews
    assert rebuild.state is not None
    events = Events(server)
    try:
        b = project.content / "people" / "b.md"
        b.write_text(B_FIXED, encoding="utf-8")
        assert rebuild([str(b)])
        assert events.next()[0] == "reload"  # the preview
        assert events.next()[0] == "reload"  # the build: A's backlink quotes the new sentence
    finally:
        events.close()
    log = out.getvalue()
    assert "previewed people/b/index.html in " in log and "rebuilt in " in log
    assert "well." in (project.output / "people" / "b" / "index.html").read_text(encoding="utf-8")
    assert "well." in (project.output / "people" / "a" / "index.html").read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    shutil.copytree(project.content, clean / "content")
    build(Project.at(clean))

    def pages(root: Path) -> dict[str, bytes]:  # the search bundle is left stale while serving
        return {f.relative_to(root).as_posix(): f.read_bytes() for f in root.rglob("*") if f.is_file() and "pagefind" not in f.parts and not f.name.startswith(".dossier")}

    assert pages(project.output) == pages(clean / "output")


def test_a_preview_is_skipped_for_a_broken_link_or_a_changed_front_matter(server: DevServer, project: Project):
    out = io.StringIO()
    rebuild = Rebuilder(project, server, out=out, err=io.StringIO())
    rebuild()
    b = project.content / "people" / "b.md"
    b.write_text(B_BROKEN, encoding="utf-8")
    assert not rebuild([str(b)])
    b.write_text(B_FIXED.replace("title: B", "title: B\naliases: [Bee]"), encoding="utf-8")
    assert rebuild([str(b)])
    assert "previewed" not in out.getvalue()


def test_a_previewed_page_is_put_back_when_the_build_fails(tmp_path: Path):
    root = tmp_path / "site"
    make_project(root)
    write(root / "content" / "sources" / "s.md", "---\ntitle: S\nkind: primary\n---\nA source.\n")
    write(root / "content" / "people" / "b.md", "---\ntitle: B\n---\nKnows [[A]] [@s].\n")
    p = Project.at(root, strict=True)
    build(p)
    page = p.output / "people" / "b" / "index.html"
    before = page.read_bytes()
    with DevServer(p.output, "127.0.0.1", 0) as dev:
        out, err = io.StringIO(), io.StringIO()
        rebuild = Rebuilder(p, dev, out=out, err=err)
        assert rebuild()
        # the preview shows it; the build fails: source 's' is now cited by nothing (--strict)
        (root / "content" / "people" / "b.md").write_text("---\ntitle: B\n---\nKnows [[A]].\n", encoding="utf-8")
        assert not rebuild([str(root / "content" / "people" / "b.md")])
        assert "previewed people/b/index.html" in out.getvalue()
        assert "uncited" in err.getvalue()
        assert not dev.status()["ok"]
    assert page.read_bytes() == before


def test_a_template_error_is_shown_too(tmp_path: Path):
    p = make_project(tmp_path / "site")
    shutil.copytree(REPO / "dossier" / "theme", p.root / "theme")
    (p.root / "theme" / "templates" / "entity.html").write_text("{% block broken %}")
    with DevServer(p.output, "127.0.0.1", 0) as dev:
        ok = Rebuilder(p, dev, out=io.StringIO(), err=io.StringIO())()
        assert not ok
        status = dev.status()
        assert not status["ok"] and "entity.html" in status["diagnostics"][0]["text"]


# ---------------------------------------------------------------------------
# serve() as the CLI runs it


@pytest.mark.parametrize("flags", [[], ["--poll"]], ids=["events", "poll"])
def test_serve_command_prints_the_url_and_exits_cleanly_on_ctrl_c(tmp_path: Path, flags):
    root = tmp_path / "site"
    make_project(root)
    code = (
        "import sys; from dossier.cli import main; "
        f"sys.exit(main(['serve', '--root', {str(root)!r}, '--port', '0', *{flags!r}]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("watching"):
                break
        text = "".join(lines)
        assert "serving " in text and "http://127.0.0.1:" in text, text
        assert "built in " in text
        assert lines[-1].rstrip().endswith("(checking every file every 0.3s)" if flags else "(with file-change events)"), lines[-1]
        port = int(text.split("http://127.0.0.1:")[1].split("/")[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/people/a/", timeout=5) as resp:
            assert "livereload.js" in resp.read().decode()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "stopping" in out
    assert "Traceback" not in err


def test_serve_refuses_a_port_in_use_and_an_unsafe_output(project: Project, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert serve(project, "127.0.0.1", taken.getsockname()[1]) == 1
    assert "the port is in use" in capsys.readouterr().err
    unsafe = Project.at(project.root, output=project.content)
    assert serve(unsafe, "127.0.0.1", 0) == 1
    assert "refusing to build into" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Hostile requests: DNS rebinding, too many event streams, a file as a folder


def fetch_as(dev: DevServer, path: str, host: str | None) -> tuple[int, str]:
    """A request with the Host header given (None: no Host header at all)."""
    with socket.create_connection(("127.0.0.1", dev.port), timeout=5) as sock:
        head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "") + "Connection: close\r\n\r\n"
        sock.sendall(head.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.1.nip.io", "10.0.0.1", "[2001:db8::1]:80", "localhost:x", "", "a b"])
def test_a_foreign_host_header_is_refused(server, host):
    for path in ("/__dossier__/status", "/", "/people/a/"):
        status, body = fetch_as(server, path, host)
        assert status == 400, (host, path)
        assert str(server.output) not in body and "generation" not in body


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8000", "localhost.", "dossier.localhost:1234", "127.0.0.1", "127.0.0.2:80", "[::1]:8000", None])
def test_localhost_names_are_served(server, host):
    status, body = fetch_as(server, "/__dossier__/status", host)
    assert status == 200, host
    assert json.loads(body)["generation"] == 0


def test_the_absolute_form_is_checked_too(server):
    assert fetch_as(server, "http://evil.example/__dossier__/status", "localhost")[0] == 400
    assert fetch_as(server, f"http://localhost:{server.port}/__dossier__/status", "localhost")[0] == 200


def test_the_bound_name_and_any_address_when_listening_on_all():
    from dossier.serve import host_allowed

    assert host_allowed("dev.example:8000", "dev.example") and not host_allowed("other.example", "dev.example")
    assert host_allowed("192.168.1.20:8000", "0.0.0.0") and host_allowed("192.168.1.20", "192.168.1.20")
    assert not host_allowed("192.168.1.20", "127.0.0.1") and not host_allowed("evil.example", "0.0.0.0")


def test_a_file_is_not_a_folder(server):
    assert fetch(server, "/people/a/index.html")[0] == 200
    for path in ("/people/a/index.html/", "/people/a/index.html//", "/404.html/"):
        status, _, body = fetch(server, path)
        assert status == 404, path


def test_event_streams_are_capped(project, monkeypatch):
    from dossier import serve as serve_module

    monkeypatch.setattr(serve_module, "MAX_EVENT_STREAMS", 3)
    # a short keep-alive: a closed stream is noticed at the next one
    server = DevServer(project.output, "127.0.0.1", 0, keepalive=0.2).start()
    streams = [Events(server, timeout=5) for _ in range(3)]
    try:
        wait_for(lambda: server.status()["clients"] == 3)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urlopen(server, "/__dossier__/events")
        assert refused.value.code == 503 and refused.value.headers["Retry-After"]
        streams.pop().close()
        wait_for(lambda: server.status()["clients"] == 2)
        streams.append(Events(server, timeout=5))  # a place is free again
    finally:
        for s in streams:
            s.close()
        server.stop()
