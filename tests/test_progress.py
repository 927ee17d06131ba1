"""Progress, --timings and --verbose: the reporter interface and its faces.

A terminal is faked with a pseudo-terminal (``pty``): the live line is only
drawn on one, and never in a pipe, a file or under CI."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys

import pytest
from conftest import REPO

from dossier.cli import main
from dossier.pipeline import Project, build
from dossier.progress import Collector, LiveReporter, Reporter, StageLines, reporter_for

GOOD = {
    "people/a.md": "---\ntitle: Alpha Person\n---\nSee [[Beta Person]].\n",
    "people/b.md": "---\ntitle: Beta Person\n---\nA page of its own.\n",
    "people/c.md": "---\ntitle: Gamma Person\n---\nUnrelated.\n",
}


class Recorder(Reporter):
    def __init__(self):
        self.events = []

    def start(self, stage, total=None):
        self.events.append(("start", stage))

    def total(self, total):
        self.events.append(("total", total))

    def advance(self, n=1):
        self.events.append(("advance", n))

    def finish(self, stage, seconds):
        self.events.append(("finish", stage))

    def page(self, path, seconds):
        self.events.append(("page", path))

    def rebuilt(self, path, why):
        self.events.append(("rebuilt", path, why))


def test_the_pipeline_announces_its_stages_and_each_page(make_site):
    root = make_site(GOOD)
    rec = Recorder()
    report = build(Project.at(root), reporter=rec)
    stages = [e[1] for e in rec.events if e[0] == "start"]
    assert stages == ["read", "markdown", "resolve", "write", "search"]
    assert [e[1] for e in rec.events if e[0] == "finish"] == stages
    pages = [e[1] for e in rec.events if e[0] == "page"]
    assert len(pages) == report.pages and "people/a/index.html" in pages
    # the rendering stage knows its total before the first page is done
    write = rec.events[rec.events.index(("start", "write")) :]
    assert write[1] == ("total", report.pages)
    # one search shard, announced then done
    search = rec.events[rec.events.index(("start", "search")) :]
    assert search[1:3] == [("total", 1), ("advance", 1)]


def test_an_up_to_date_build_announces_nothing(make_site):
    root = make_site(GOOD)
    build(Project.at(root))
    rec = Recorder()
    assert build(Project.at(root), reporter=rec).up_to_date
    assert rec.events == []


def test_stage_lines_one_per_stage_with_its_count():
    out = io.StringIO()
    r = StageLines(out)
    r.start("write", None)
    r.total(3)
    for _ in range(3):
        r.advance()
    r.finish("write", 1.234)
    r.start("search")
    r.advance()
    r.finish("search", 0.5)
    assert out.getvalue() == "rendering: 1.23s (3 pages)\nsearch index: 0.50s (1 shard)\n"


def test_collector_keeps_the_ten_slowest_pages_slowest_first():
    c = Collector()
    for i in range(25):
        c.page(f"p{i:02d}", (i * 7 % 25) / 100)
    slow = c.slowest()
    assert len(slow) == 10
    assert [s for s, _ in slow] == sorted((s for s, _ in slow), reverse=True)
    assert slow[0] == (0.24, "p07")  # 7 * 7 % 25 == 24, the largest
    assert min(s for s, _ in slow) == 0.15


def test_the_face_depends_on_the_stream_and_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert type(reporter_for(io.StringIO())) is StageLines
    assert type(reporter_for(io.StringIO(), quiet=True)) is Reporter
    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        live = reporter_for(tty)
        assert type(live) is LiveReporter
        live.close()
        monkeypatch.setenv("CI", "true")
        assert type(reporter_for(tty)) is StageLines
        monkeypatch.delenv("CI")
        monkeypatch.setenv("TERM", "dumb")
        assert type(reporter_for(tty)) is StageLines
    os.close(master)


def _read_all(fd: int) -> bytes:
    data = b""
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def test_live_line_on_a_terminal_updates_in_place_and_is_cleared(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    now = [0.0]
    master, slave = pty.openpty()
    tty = os.fdopen(slave, "w")
    r = LiveReporter(tty, delay=1.0, clock=lambda: now[0])
    r.start("write", 40)
    r.advance(5)
    tty.flush()
    assert _read_all(master) == b""  # under a second: nothing drawn
    now[0] = 1.5
    r.advance(5)
    now[0] = 2.0
    r.advance(10)
    tty.flush()
    drawn = _read_all(master).decode("utf-8", "replace")
    assert "rendering" in drawn and "20/40 pages" in drawn
    assert "\n" not in drawn.replace("\r\n", "")  # one line, redrawn in place
    r.close()
    tty.flush()
    cleared = _read_all(master).decode("utf-8", "replace")
    assert "\x1b[2K" in cleared  # the line erased before the summary
    tty.close()
    os.close(master)


def _in_pty(args: list[str], env: dict[str, str], cwd) -> str:
    """Run ``python -m dossier ARGS`` with a pseudo-terminal as its output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dossier", *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    data = b""
    while True:
        ready = select.select([master], [], [], 60)[0]
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        data += chunk
    proc.wait(60)
    os.close(master)
    return data.decode("utf-8", "replace")


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


@pytest.mark.slow
def test_a_build_on_a_terminal_prints_no_stage_lines_but_under_ci_it_does(make_site):
    root = make_site(GOOD)
    text = _in_pty(["build", "--no-search", "--root", str(root)], _env(TERM="xterm"), root)
    assert "built " in text and "reading: " not in text
    text = _in_pty(["build", "--clean", "--no-search", "--root", str(root)], _env(TERM="xterm", CI="true"), root)
    assert re.search(r"^rendering: \d+\.\d\ds \(\d+ pages\)\r?$", text, re.M)
    assert "\x1b[" not in text  # no live line, no colour needed for a clean build


@pytest.mark.slow
def test_timings_and_verbose(make_site, capsys):
    root = make_site(GOOD)
    assert main(["build", "--quiet", "--no-search", "--root", str(root)]) == 0
    capsys.readouterr()
    (root / "content/people/c.md").write_text("---\ntitle: Gamma Person\n---\nChanged.\n", encoding="utf-8")
    assert main(["build", "--quiet", "--verbose", "--timings", "--no-search", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "people/c/index.html: the text of content/people/c.md changed" in out
    assert "people/a/index.html" not in out.split("stage timings:")[0]  # untouched by the edit
    timings = out.split("stage timings:")[1]
    for stage in ("reading", "Markdown", "resolving", "rendering", "total"):
        assert re.search(rf"^  {stage} +\d+\.\d{{3}}s$", timings, re.M), stage
    slow = re.findall(r"^ +\d+\.\d ms  (\S+)$", timings, re.M)
    assert slow and "people/c/index.html" in slow and len(slow) <= 10


@pytest.mark.slow
def test_verbose_names_the_page_an_edit_gives_a_backlink(make_site, capsys):
    root = make_site(GOOD)
    assert main(["build", "--quiet", "--no-search", "--root", str(root)]) == 0
    capsys.readouterr()
    (root / "content/people/c.md").write_text("---\ntitle: Gamma Person\n---\nNow links [[Beta Person]].\n", encoding="utf-8")
    assert main(["build", "--quiet", "--verbose", "--no-search", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "people/b/index.html: content/people/c.md changed and refers to this page" in out
