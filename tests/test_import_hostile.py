"""import-sources against hostile and broken input: every failure is a
``path:line:column`` diagnostic (never a traceback, never a Python repr),
a run writes all of its files or none, and nothing it reads is unbounded.
The last test imports the real site's own CSL-JSON bibliography and checks
that the sources come back as they were written."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from dossier.importer import MAX_FIELD_CHARS, SourceImportError, import_sources

DIAGNOSTIC = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<code>[a-z-]+)\]: (?P<msg>.+)$")
GOOD = {"id": "good", "type": "book", "title": "A Good Book", "author": [{"family": "Broué", "given": "Pierre"}], "issued": {"date-parts": [[1988]]}}


def cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--root", str(cwd)], cwd=cwd, capture_output=True, text=True, timeout=120)


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")[4:].partition("\n---\n")[0])


def diagnostics(err: str) -> list[re.Match]:
    return [m for line in err.splitlines() if (m := DIAGNOSTIC.match(line))]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "content" / "sources").mkdir(parents=True)
    return tmp_path


# Every failure: a diagnostic and status 1, never a traceback ------------------------


@pytest.mark.parametrize(
    "name, data, where, code, words",
    [
        ("missing.json", None, (1, 1), "unreadable", "no such file"),
        ("bad.json", '[\n  {"id": "a", "title": "T"},\n  {"id": "b" "title": "U"}\n]', (3, 14), "import-syntax", "not valid JSON (Expecting ',' delimiter)"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, (1, 1), "import-syntax", "nested too deeply"),
        ("export.ris", "TY  - BOOK\nER  -\n", (1, 1), "import-syntax", "cannot tell the format from the extension '.ris'"),
        ("export", "[]", (1, 1), "import-syntax", "from the extension '(none)'"),
        ("bad.bib", "@book{a,\n  title = {Fine},\n}\n\n@book{b,\n  title = {Broken\n", (6, 12), "import-syntax", "premature end of file"),
        ("twice.bib", "@book{a, title = {One}}\n@book{a, title = {Two}}\n", (2, 1), "import-syntax", "the key 'a' is used twice"),
        ("undefined.bib", "@book{a, title = nosuchmacro}\n", (1, 29), "import-syntax", "nosuchmacro"),
        ("latin1.bib", "@book{a,\n title = {Brou\xe9}}".encode("latin-1"), (2, 15), "encoding", "not UTF-8 (byte 0xe9)"),
        ("object.json", '{"title": "T"}', (1, 1), "import-syntax", "expected a CSL-JSON array of items, found an object"),
    ],
)
def test_a_broken_import_file_is_one_diagnostic_and_writes_nothing(project, name, data, where, code, words):
    path = project / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif data is not None:
        path.write_text(data, encoding="utf-8")
    proc = cli(["import-sources", str(path)], project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    found = diagnostics(proc.stderr)
    assert found, proc.stderr
    first = found[0]
    assert first["path"].endswith(name) and (int(first["line"]), int(first["col"])) == where and first["code"] == code, proc.stderr
    assert words in first["msg"], first["msg"]
    assert "nothing was imported" in proc.stderr
    assert list((project / "content" / "sources").iterdir()) == []


REPR = re.compile(r"\{'|\['|<class|\bdict\b|\bNoneType\b|\bstr\b|\bint\b|\bbool\b|\bTrue\b|\bFalse\b")


@pytest.mark.parametrize(
    "item, words",
    [
        ({"title": ["Two", "titles"]}, "'title' must be text, not a list"),
        ({"title": {"main": "T"}}, "'title' must be text, not an object"),
        ({"title": True}, "'title' must be text, not true"),
        ({"title": "T", "author": "Broué, Pierre"}, "'author' must be a list of names, not text"),
        ({"title": "T", "author": [{"family": {"x": 1}}]}, "'author[1].family' must be text, not an object"),
        ({"title": "T", "author": [["Broué"]]}, "'author[1]' must be a name"),
        ({"title": "T", "issued": [1932]}, "'issued' must be a date"),
        ({"title": "T", "issued": {"date-parts": "1932"}}, "'issued.date-parts' must be a list of lists of numbers"),
        ({"title": "T", "volume": [3]}, "'volume' must be text or a number, not a list"),
        ({"title": "T", "URL": 12}, "'URL' must be text, not a number"),
    ],
)
def test_values_of_the_wrong_type_are_diagnostics_not_reprs(project, item, words):
    path = project / "export.json"
    path.write_text(json.dumps([GOOD, {"id": "bad", "type": "book", **item}], indent=1), encoding="utf-8")
    with pytest.raises(SourceImportError) as failed:
        import_sources(path, project / "content" / "sources")
    [d] = failed.value.diagnostics
    assert d.code == "type" and words in d.message, d.format()
    assert not REPR.search(d.message), d.message
    # the entry's own position: the second item's opening brace
    assert (d.line, d.column) == (path.read_text().splitlines().index(" {", 2) + 1, 2)
    assert list((project / "content" / "sources").iterdir()) == []  # all or nothing: the good entry neither


def test_an_entry_that_is_not_an_object(project):
    path = project / "export.json"
    path.write_text(json.dumps([GOOD, "a string", 12]), encoding="utf-8")
    with pytest.raises(SourceImportError) as failed:
        import_sources(path, project / "content" / "sources")
    assert [d.message for d in failed.value.diagnostics] == ["entry 2 must be a CSL-JSON object, not text", "entry 3 must be a CSL-JSON object, not a number"]
    text = path.read_text()
    assert [d.column for d in failed.value.diagnostics] == [text.index('"a string"') + 1, text.index("12") + 1]


def test_every_entry_is_checked_before_any_is_written(project):
    path = project / "export.json"
    items = [dict(GOOD, id=f"g{i}", title=f"Good {i}") for i in range(5)] + [{"id": "x", "title": 5}, {"id": "y", "title": "T", "author": 7}]
    path.write_text(json.dumps(items), encoding="utf-8")
    with pytest.raises(SourceImportError) as failed:
        import_sources(path, project / "content" / "sources")
    assert [d.message.split(":")[0] for d in failed.value.diagnostics] == ["entry x", "entry y"]
    assert list((project / "content" / "sources").iterdir()) == []


# Bounded ----------------------------------------------------------------------------


def test_a_string_expansion_bomb_is_refused(project):
    """Each macro the concatenation of the one before, twice: 2^40 characters
    were it expanded. A subprocess with 2 GB of address space: a parser that
    expands it dies instead of taking the machine."""
    lines = ['@string{m0 = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}']
    lines += [f"@string{{m{i} = m{i - 1} # m{i - 1}}}" for i in range(1, 41)]
    lines += ["@book{bomb, title = m40}"]
    path = project / "bomb.bib"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
        f"sys.path.insert(0, {str(REPO)!r}); from dossier.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    proc = subprocess.run([sys.executable, "-c", code, "import-sources", str(path), "--root", str(project)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr[-2000:]
    [first, *_] = diagnostics(proc.stderr)
    assert first["code"] == "too-large" and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert list((project / "content" / "sources").iterdir()) == []


def test_a_20_mb_field_is_refused(project):
    path = project / "big.json"
    path.write_text(json.dumps([GOOD, dict(GOOD, id="big", title="Big", abstract="word " * 4_000_000)]), encoding="utf-8")
    with pytest.raises(SourceImportError) as failed:
        import_sources(path, project / "content" / "sources")
    [d] = failed.value.diagnostics
    assert d.code == "too-large" and "'abstract' is 20,000,000 characters long" in d.message and str(f"{MAX_FIELD_CHARS:,}") in d.message


def test_a_20_mb_bibtex_field_is_refused(project):
    path = project / "big.bib"
    path.write_text("@book{ok, title = {Fine}}\n@book{big, title = {Big}, abstract = {" + "word " * 4_000_000 + "}}\n", encoding="utf-8")
    with pytest.raises(SourceImportError) as failed:
        import_sources(path, project / "content" / "sources")
    assert [(d.code, d.line) for d in failed.value.diagnostics] == [("too-large", 2)]


def test_an_over_long_name_gives_a_short_file_name(project):
    family = "Bolshevik-Leninist-" * 20
    path = project / "long.json"
    path.write_text(json.dumps([dict(GOOD, author=[{"family": family, "given": "A"}]), dict(GOOD, id="t", title="Zz" * 300, author=[])]), encoding="utf-8")
    report = import_sources(path, project / "content" / "sources")
    assert len(report.written) == 2
    for p in report.written:
        assert len(p.name) <= 80 and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.md", p.name), p.name
    assert front(report.written[0])["author"] == [f"{family.strip()}, A"]


# All or nothing, atomic writes --------------------------------------------------------


def test_a_write_that_fails_half_way_leaves_nothing(project, monkeypatch):
    """main left a truncated file that the next import skipped as existing."""
    path = project / "export.json"
    path.write_text(json.dumps([dict(GOOD, id=str(i), title=f"T{i}", issued={"date-parts": [[1900 + i]]}) for i in range(6)]), encoding="utf-8")
    sources = project / "content" / "sources"
    real = os.link
    calls = []

    def link(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    with pytest.raises(SourceImportError) as failed:
        import_sources(path, sources)
    [d] = failed.value.diagnostics
    assert d.code == "import-write" and "No space left on device" in d.message and "nothing was imported" in d.message
    assert sorted(os.listdir(sources)) == []  # neither the three linked nor any temporary file
    monkeypatch.setattr(os, "link", real)
    report = import_sources(path, sources)  # the next run writes every file, whole
    assert len(report.written) == 6 and not report.skipped
    assert all(front(p)["title"].startswith("T") for p in report.written)


def test_a_failing_file_write_leaves_nothing(project, monkeypatch):
    path = project / "export.json"
    path.write_text(json.dumps([dict(GOOD, id=str(i), title=f"T{i}", issued={"date-parts": [[1900 + i]]}) for i in range(3)]), encoding="utf-8")
    sources = project / "content" / "sources"
    real = os.fdopen
    opened = []

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, text):
            self.fh.write(text[: len(text) // 2])  # half of it reaches the disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def flush(self):
            pass

        def fileno(self):
            return self.fh.fileno()

    def fdopen(fd, *args, **kwargs):
        opened.append(fd)
        fh = real(fd, *args, **kwargs)
        return Full(fh) if len(opened) == 2 else fh

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(SourceImportError, match="No space left on device"):
        import_sources(path, sources)
    assert os.listdir(sources) == []


def test_an_existing_file_is_skipped_and_never_replaced(project):
    sources = project / "content" / "sources"
    (sources / "broue-1988.md").write_text("---\ntitle: Mine\nkind: secondary\n---\n", encoding="utf-8")
    path = project / "export.json"
    path.write_text(json.dumps([GOOD]), encoding="utf-8")
    report = import_sources(path, sources)
    assert report.written == [] and report.skipped[0][1].endswith("broue-1988.md exists")
    assert front(sources / "broue-1988.md")["title"] == "Mine"


# The real site's bibliography comes back as it was ----------------------------------------


@pytest.mark.slow
def test_the_sites_own_csl_json_round_trips(tmp_path):
    from dossier.bibliography import parse_name
    from dossier.pipeline import Project, build

    output = tmp_path / "site"
    build(Project.at(REPO, output=output))
    exported = output / "data" / "bibliography.json"
    target = tmp_path / "empty" / "content" / "sources"
    report = import_sources(exported, target)
    assert report.diagnostics == [] and report.skipped == []
    originals = {}
    for p in sorted((REPO / "content" / "sources").glob("*.md")):
        originals[front(p)["title"]] = front(p)
    imported = {front(p)["title"]: front(p) for p in report.written}
    assert sorted(imported) == sorted(originals)

    def people(value) -> list[tuple[str, str]]:
        names = [value] if isinstance(value, str) else list(value or [])
        return [(n.family, n.given) if not n.literal else (n.natural, "") for n in map(parse_name, names)]

    for title, was in originals.items():
        now = imported[title]
        for role in ("author", "editor", "translator"):
            assert people(now.get(role)) == people(was.get(role)), (title, role)
        assert str(now.get("date", "")) == str(was.get("date", "")), title
