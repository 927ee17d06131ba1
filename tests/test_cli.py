"""dossier.cli: commands, exit codes and how diagnostics are printed."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO

from dossier.cli import main

GOOD = {"people/a.md": "---\ntitle: A\n---\nSee [[B]].\n", "people/b.md": "---\ntitle: B\n---\n"}
BROKEN = {
    "people/a.md": "---\ntitle: A\nborn: never\n---\nSee [[Nobody]].\n",
    "people/b.md": "---\ntitle: B\ntitel: x\n---\n",
}
UNCITED = {**GOOD, "sources/s.md": "---\ntitle: S\nkind: primary\n---\n"}


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_ok_exits_0_and_writes_nothing(make_site, capsys):
    root = make_site(GOOD)
    code, out, err = run(capsys, "check", "--root", str(root))
    assert code == 0
    # not a terminal: one line per stage with its time, then the summary
    lines = out.splitlines()
    assert [re.sub(r"\d+\.\d\ds", "Ts", line) for line in lines[:-1]] == ["reading: Ts (2 files)", "Markdown: Ts", "resolving: Ts"]
    assert lines[-1] == "ok: 2 people, 0 groups, 0 events, 0 sources, 0 articles, 0 places; no errors"
    assert err == ""
    assert not (root / "output").exists()


def test_quiet_prints_only_the_summary(make_site, capsys):
    root = make_site(GOOD)
    code, out, err = run(capsys, "check", "--quiet", "--root", str(root))
    assert (code, out, err) == (0, "ok: 2 people, 0 groups, 0 events, 0 sources, 0 articles, 0 places; no errors\n", "")


def test_check_prints_diagnostics_then_a_count_and_exits_1(make_site, capsys):
    root = make_site(BROKEN)
    code, out, err = run(capsys, "check", "--quiet", "--root", str(root))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "content/people/a.md:3:7: error[date]: 'born' must be an EDTF date (levels 0–1) such as 1932-12-24, 1932-12~, 1933? or 1933-01/1933-04, got 'never'",
        "content/people/a.md:5:5: error[link]: the link [[Nobody]] matches no page",
        "content/people/b.md:3:1: error[unknown-field]: unknown field 'titel' for a person; did you mean 'title'?",
        "3 errors, 0 warnings",
    ]


def test_warning_is_printed_but_passes(make_site, capsys):
    root = make_site(UNCITED)
    code, out, err = run(capsys, "check", "--root", str(root))
    assert code == 0
    assert err.splitlines() == [
        "content/sources/s.md:1:1: warning[uncited-source]: no page cites the source 's' (cite it with [@s] or remove it)",
        "0 errors, 1 warning",
    ]


@pytest.mark.parametrize("args", [["check", "--strict"], ["--strict", "check"]])
def test_strict_turns_a_warning_into_exit_1(make_site, capsys, args):
    root = make_site(UNCITED)
    code, _, err = run(capsys, *args, "--root", str(root))
    assert code == 1
    assert "warning[uncited-source]" in err


def test_options_before_the_command_are_kept(make_site, capsys, tmp_path):
    root = make_site(GOOD)
    out_dir = tmp_path / "elsewhere"
    code, _, _ = run(capsys, "--root", str(root), "--output", str(out_dir), "check")
    assert code == 0
    assert not out_dir.exists()


def test_content_option_is_relative_to_the_current_folder(make_site, capsys, tmp_path, monkeypatch):
    root = make_site(BROKEN)
    other = make_site(GOOD, root=tmp_path / "other")
    monkeypatch.chdir(other)
    code, _, _ = run(capsys, "check", "--root", str(root), "--content", "content")
    assert code == 0


def test_missing_content_folder(tmp_path, capsys):
    code, _, err = run(capsys, "check", "--root", str(tmp_path))
    assert code == 1
    assert err.splitlines()[0] == f"{tmp_path.resolve() / 'content'}:1:1: error[folder]: the content folder does not exist"


@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"], ["build", "--help"]])
def test_help_mentions_the_commands_and_options(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for word in ("--content", "--output", "--strict"):
        assert word in text
    if argv == ["--help"]:
        assert "build" in text and "check" in text and "path:line:column: error[code]: message" in text


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["chekc"])
    assert exit_.value.code == 2


def test_unsafe_output_is_an_error(make_site, capsys):
    root = make_site(GOOD)
    code, _, err = run(capsys, "build", "--root", str(root), "--output", str(root))
    assert code == 1
    assert err.startswith("error: refusing to build into")


@pytest.mark.slow
def test_build_then_failed_build(make_site, capsys):
    root = make_site(GOOD)
    code, out, _ = run(capsys, "build", "--root", str(root))
    assert code == 0
    assert out.splitlines()[-1].startswith(f"built {root.resolve() / 'output'}: 2 people")
    assert (root / "output/people/a/index.html").is_file()
    make_site(BROKEN, root=root)
    code, _, err = run(capsys, "build", "--root", str(root))
    assert code == 1
    assert err.splitlines()[-2:] == ["3 errors, 0 warnings", "build failed: the previous output was left as it was"]


@pytest.mark.slow
def test_real_build_py_subprocess(make_site):
    root = make_site(BROKEN)
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "check"], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("content/people/a.md:3:7: error[date]: ")
    assert lines[-1] == "3 errors, 0 warnings"
    make_site(GOOD, root=root)
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "check"], cwd=root, capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (0, "")


@pytest.mark.slow
def test_strict_fails_on_a_warning_even_when_the_output_is_up_to_date(make_site, capsys):
    root = make_site(UNCITED)
    assert run(capsys, "build", "--root", str(root))[0] == 0
    code, _, err = run(capsys, "build", "--strict", "--root", str(root))
    assert code == 1
    assert "warning[uncited-source]" in err


def test_site_url_makes_the_sitemap_and_absolute_addresses(make_site, capsys):
    root = make_site({"people/a.md": "---\ntitle: A\n---\nBody.\n"})
    code, out, err = run(capsys, "--root", str(root), "--no-search", "build")
    assert code == 0 and not (root / "output" / "sitemap.xml").exists()  # no address, no sitemap
    code, out, err = run(capsys, "--root", str(root), "--no-search", "build", "--site-url", "https://example.org/dossier/")
    assert code == 0, err
    sitemap = (root / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/dossier/people/a/</loc>" in sitemap
    assert "Sitemap: https://example.org/dossier/sitemap.xml" in (root / "output" / "robots.txt").read_text(encoding="utf-8")
    page = (root / "output" / "people" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'property="og:url" content="https://example.org/dossier/people/a/"' in page
    assert 'href="../../' in page  # links stay relative: the site works from any folder
    with pytest.raises(SystemExit) as exit_:
        main(["--root", str(root), "build", "--site-url", "javascript:alert(1)"])
    assert exit_.value.code == 2 and "not an http(s) address" in capsys.readouterr().err
