"""Diagnostics as printed: colour on a terminal only, NO_COLOR, grouping by
file with a count per code; the command's names (dossier, python -m dossier,
build.py) and --version."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys

import pytest
from conftest import REPO

from dossier.cli import main
from dossier.console import GROUP_FROM, print_report, use_colour
from dossier.diagnostics import Diagnostics

ANSI = re.compile(r"\x1b\[[0-9;]*m")
BROKEN = {
    "people/a.md": "---\ntitle: A\nborn: never\n---\nSee [[Nobody]].\n",
    "people/b.md": "---\ntitle: B\ntitel: x\n---\n",
}


def _many() -> Diagnostics:
    d = Diagnostics()
    for i in range(1, 8):
        d.error("content/people/a.md", i, 1, "link", f"the link [[X{i}]] matches no page")
    d.error("content/people/b.md", 2, 1, "required", "missing 'title'")
    d.warning("content/people/b.md", 3, 1, "uncited", "no citation")
    d.error("content/sources/s.md", 1, 1, "link", "the link [[Y]] matches no page")
    return d


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color():
    assert use_colour(FakeTTY(), {}) is True
    assert use_colour(io.StringIO(), {}) is False
    assert use_colour(FakeTTY(), {"NO_COLOR": "1"}) is False
    assert use_colour(io.StringIO(), {"FORCE_COLOR": "1"}) is True
    assert use_colour(io.StringIO(), {"FORCE_COLOR": "1", "NO_COLOR": "1"}) is False
    assert use_colour(FakeTTY(), {"TERM": "dumb"}) is False


def test_a_coloured_report_has_the_same_text_as_the_plain_one():
    d = Diagnostics()
    d.error("content/people/a.md", 3, 7, "date", "not a date")
    d.warning("content/sources/s.md", 1, 1, "uncited-source", "no page cites it", "cite it")
    plain, coloured = io.StringIO(), io.StringIO()
    print_report(d, plain, colour=False)
    print_report(d, coloured, colour=True)
    assert "\x1b[" not in plain.getvalue()
    assert plain.getvalue() == d.report() + "\n"  # a few problems: the report as it always was
    text = coloured.getvalue()
    assert ANSI.sub("", text) == plain.getvalue()
    # the error's severity in red (31), the warning's in yellow (33), the path bold (1)
    assert re.search(r"\x1b\[1;31merror\[date\]:", text)
    assert re.search(r"\x1b\[1;33mwarning\[uncited-source\]:", text)
    assert re.search(r"\x1b\[1mcontent/people/a\.md:3:7:", text)


def test_many_problems_are_grouped_by_file_with_a_count_per_code():
    d = _many()
    assert len(d) >= GROUP_FROM
    out = io.StringIO()
    print_report(d, out, colour=False)
    lines = out.getvalue().splitlines()
    assert lines[0] == "content/people/a.md — 7 errors, 0 warnings"
    assert lines[1].startswith("content/people/a.md:1:1: error[link]: ")  # each line still path:line:column
    heads = [line for line in lines if " — " in line]
    assert heads == ["content/people/a.md — 7 errors, 0 warnings", "content/people/b.md — 1 error, 1 warning", "content/sources/s.md — 1 error, 0 warnings"]
    assert lines[-2] == "by code: link 8, required 1, uncited 1"
    assert lines[-1] == "9 errors, 1 warning"


def test_the_cli_colours_diagnostics_on_a_terminal_only(make_site):
    root = make_site(BROKEN)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    env.update(PYTHONPATH=str(REPO), TERM="xterm")
    cmd = [sys.executable, "-m", "dossier", "check", "--quiet", "--root", str(root)]
    piped = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert piped.returncode == 1 and "\x1b[" not in piped.stderr and "error[date]" in piped.stderr

    def on_tty(extra):
        master, slave = pty.openpty()
        proc = subprocess.Popen(cmd, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env={**env, **extra})
        os.close(slave)
        data = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        assert proc.wait(120) == 1
        os.close(master)
        return data.decode("utf-8")

    coloured = on_tty({})
    assert "\x1b[1;31merror[date]:" in coloured
    assert "\x1b[" not in on_tty({"NO_COLOR": "1"})


def test_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"dossier {version('dossier')}\n"


@pytest.mark.parametrize("argv", [["-m", "dossier"], [str(REPO / "build.py")]])
def test_python_m_dossier_and_build_py_are_the_dossier_command(argv):
    proc = subprocess.run([sys.executable, *argv, "--help"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: dossier ")
    assert "build.py" not in proc.stdout
    assert "init DIR" in proc.stdout


def test_the_console_script_is_declared():
    import tomllib

    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["scripts"]["dossier"] == "dossier.cli:main"
    script = os.path.join(os.path.dirname(sys.executable), "dossier")
    if os.path.exists(script):  # installed in this environment
        proc = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and proc.stdout.startswith("dossier ")


@pytest.mark.parametrize("kind", ["person", "group", "event", "place", "source", "article"])
def test_new_scaffolds_every_content_type(tmp_path, capsys, kind):
    from dossier.schema import CONTENT_TYPES

    (tmp_path / "content").mkdir()
    assert main(["new", kind, "Some Title", "--root", str(tmp_path)]) == 0
    path = tmp_path / "content" / CONTENT_TYPES[kind].folder / "some-title.md"
    assert capsys.readouterr().out == f"wrote {path}\n"
    assert path.read_text(encoding="utf-8").startswith('---\ntitle: "Some Title"\n')
