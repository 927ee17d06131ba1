"""import-sources: CSL-JSON and BibTeX files → content/sources/<slug>.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from dossier.bibliography import format_bibliography_text
from dossier.importer import ImportReport, SourceImportError, format_report, import_sources

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXISTING = "---\ntitle: Hand-written, keep me\nkind: secondary\n---\n\nEditor's notes.\n"


def read_source(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(front), body.strip()


def names(report: ImportReport) -> list[str]:
    return [p.name for p in report.written]


# --- CSL-JSON ---------------------------------------------------------------------


@pytest.fixture
def csl_import(tmp_path):
    sources = tmp_path / "content" / "sources"
    sources.mkdir(parents=True)
    (sources / "getty-1985.md").write_text(EXISTING, encoding="utf-8")
    report = import_sources(FIXTURES / "zotero.json", sources)
    return sources, report


def test_csl_writes_and_skips(csl_import):
    sources, report = csl_import
    assert names(report) == ["broue-1980.md", "broue-1980-b.md", "trotsky-1932.md"]
    assert all(p.parent == sources for p in report.written)
    assert len(report.skipped) == 1
    label, reason = report.skipped[0]
    assert label == "http://zotero.org/users/1/items/GETTY85"
    assert reason.endswith("getty-1985.md exists")
    # never overwritten
    assert (sources / "getty-1985.md").read_text(encoding="utf-8") == EXISTING
    assert sorted(p.name for p in sources.iterdir()) == [
        "broue-1980-b.md", "broue-1980.md", "getty-1985.md", "trotsky-1932.md"]


def test_csl_article_round_trip(csl_import):
    sources, _ = csl_import
    front, body = read_source(sources / "broue-1980.md")
    assert front == {
        "title": "Trotsky et le bloc des oppositions de 1932",
        "kind": "secondary",
        "genre": "historiography",
        "entry_type": "article",
        "author": ["Broué, Pierre"],
        "date": "1980",
        "container": "Cahiers Léon Trotsky",
        "issue": "5",
        "pages": "5–37",
        "language": "fr",
    }
    # The abstract is the annotation; its "[see @getty-1986]" must not become a citation.
    assert body.startswith("Publishes the letters found in the Trotsky Papers")
    assert "[see @" not in body and "&#91;see @getty-1986]" in body
    # Dates are written as quoted strings, unicode as is.
    raw = (sources / "broue-1980.md").read_text(encoding="utf-8")
    assert 'date: "1980"' in raw and "Broué" in raw
    # What was imported formats as expected.
    assert format_bibliography_text(front) == (
        "Broué, Pierre. “Trotsky et le bloc des oppositions de 1932.” "
        "Cahiers Léon Trotsky, no. 5 (1980): 5–37."
    )


def test_csl_chapter_duplicate_slug_and_particle(csl_import):
    sources, _ = csl_import
    front, body = read_source(sources / "broue-1980-b.md")
    assert front["entry_type"] == "chapter"
    assert front["editor"] == ["van Heijenoort, Jean"]
    assert front["date"] == "1980-06"  # date-parts given as strings
    assert front["pages"] == "40–52"
    assert front["publisher_place"] == "Grenoble"
    assert body == ""


def test_csl_letter_is_primary(csl_import):
    sources, _ = csl_import
    front, body = read_source(sources / "trotsky-1932.md")
    assert front["kind"] == "primary"
    assert front["genre"] == "letter"
    assert front["entry_type"] == "letter"
    assert front["recipient"] == "Lev Sedov"
    assert front["date"] == "1932-12~"  # circa
    assert front["container"] == "Trotsky Papers"
    assert front["archive"] == "bMS Russ 13.1, 4777, Houghton Library"
    assert body == 'The letter on the bloc: "the liberals" are mentioned.'


def test_reimport_is_idempotent(csl_import):
    sources, _ = csl_import
    before = {p.name: p.read_text(encoding="utf-8") for p in sources.iterdir()}
    again = import_sources(FIXTURES / "zotero.json", sources)
    assert again.written == []
    assert [r.rsplit("/", 1)[-1] for _, r in again.skipped] == [
        "broue-1980.md exists", "broue-1980-b.md exists", "trotsky-1932.md exists",
        "getty-1985.md exists"]
    assert {p.name: p.read_text(encoding="utf-8") for p in sources.iterdir()} == before


def test_report_text(csl_import):
    _, report = csl_import
    text = format_report(report)
    assert text.splitlines()[-1] == "3 written, 1 skipped"
    assert "skipped http://zotero.org/users/1/items/GETTY85: " in text


# --- BibTeX -----------------------------------------------------------------------


@pytest.fixture
def bib_import(tmp_path):
    sources = tmp_path / "sources"  # created by the import
    sources.mkdir()
    (sources / "getty-1985.md").write_text(EXISTING, encoding="utf-8")
    return sources, import_sources(FIXTURES / "sources.bib", sources)


def test_bib_writes_and_skips(bib_import):
    sources, report = bib_import
    assert names(report) == [
        "broue-1980.md", "broue-1980-b.md", "politburo-of-the-central-committee-1932.md"]
    assert report.skipped == [("getty1985", f"{sources / 'getty-1985.md'} exists")]
    assert (sources / "getty-1985.md").read_text(encoding="utf-8") == EXISTING


def test_bib_article_latex_decoded(bib_import):
    sources, _ = bib_import
    front, body = read_source(sources / "broue-1980.md")
    assert front == {
        "title": "Trotsky et le bloc des oppositions de 1932",
        "kind": "secondary",
        "genre": "historiography",
        "entry_type": "article",
        "author": ["Broué, Pierre"],
        "date": "1980",
        "container": "Cahiers Léon Trotsky",
        "issue": "5",
        "pages": "5–37",
        "language": "french",
    }
    assert body == "Publishes the letters that prove the bloc existed."


def test_bib_incollection(bib_import):
    sources, _ = bib_import
    front, _ = read_source(sources / "broue-1980-b.md")
    assert front["title"] == "Le GPU à la chasse aux trotskystes"
    assert front["author"] == ["Broué, Pierre"]  # "Pierre Broué" in the .bib
    assert front["editor"] == ["van Heijenoort, Jean"]
    assert front["entry_type"] == "chapter"
    assert front["container"] == "Cahiers Léon Trotsky: Supplément"
    assert front["date"] == "1980-06"  # year + month = jun
    assert front["publisher"] == "Institut Léon Trotsky"


def test_bib_unpublished_organisation(bib_import):
    sources, _ = bib_import
    front, body = read_source(sources / "politburo-of-the-central-committee-1932.md")
    assert front["kind"] == "primary"
    assert front["genre"] == "archive-document"
    assert front["author"] == ["Politburo of the Central Committee"]
    assert front["title"] == "Protocol no. 118 & resolution on the Riutin group"
    assert front["date"] == "1932-10-02"
    assert body == "Fond 17, opis 3, delo 905."
    assert format_bibliography_text(front) == (
        "Politburo of the Central Committee. “Protocol no. 118 & resolution on the Riutin group.” "
        "October 2, 1932."
    )


# --- edge cases, written inline ----------------------------------------------------


def write_json(tmp_path: Path, data) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_no_author_no_year_slug_and_untitled_entry(tmp_path):
    path = write_json(tmp_path, [
        {"id": "a", "type": "webpage", "title": "The Moscow Trials: A Chronology",
         "URL": "https://example.org/trials", "accessed": {"date-parts": [[2024, 3, 1]]}},
        {"id": "b", "type": "book", "title": ""},
        {"id": "c", "type": "book", "title": "Undated", "author": [{"literal": "Marx-Engels-Lenin Institute"}],
         "issued": {"raw": "sometime in the thirties"}},
        {"id": "d", "type": "article-newspaper", "title": "Verdict", "container-title": "Pravda",
         "author": [{"family": "Radek", "given": "Karl"}], "issued": {"raw": "ca. August 1936"},
         "URL": "www.pravda.ru/1936"},
        {"id": "e", "type": "book", "title": "Two", "author": [{"family": "X", "given": "Y"}],
         "issued": {"date-parts": [[1933, 1], [1933, 4]]}},
    ])
    out = tmp_path / "out"
    report = import_sources(path, out)
    assert names(report) == ["moscow-trials-nd.md",
                             "marx-engels-lenin-institute-nd.md", "radek-1936.md", "x-1933.md"]
    assert report.skipped == [("b", "no title")]
    column = path.read_text(encoding="utf-8").index('{"id": "b"') + 1
    assert [(d.line, d.column, d.format().split(": ", 1)[1]) for d in report.diagnostics] == [(1, column, "warning[required]: entry b skipped: no title")]
    web, _ = read_source(out / "moscow-trials-nd.md")
    assert web["entry_type"] == "webpage" and "genre" not in web
    assert web["accessed"] == "2024-03-01"
    inst, body = read_source(out / "marx-engels-lenin-institute-nd.md")
    assert inst["author"] == ["Marx-Engels-Lenin Institute"] and "date" not in inst
    assert body == "Date in the export: sometime in the thirties"
    radek, body = read_source(out / "radek-1936.md")
    assert radek["date"] == "1936-08~" and radek["genre"] == "press"
    assert "url" not in radek and body == "Address in the export: www.pravda.ru/1936"
    two, _ = read_source(out / "x-1933.md")
    assert two["date"] == "1933-01/1933-04"


def test_literal_names_stay_unsplit(tmp_path):
    path = write_json(tmp_path, [
        {"id": "a", "type": "book", "title": "T1", "author": [{"literal": "Trotsky Archive Team"}]},
        {"id": "b", "type": "book", "title": "T2", "author": [{"literal": "Gruppa Osvobozhdenie Truda"}]},
    ])
    report = import_sources(path, tmp_path / "out")
    fronts = [read_source(p)[0] for p in report.written]
    # A recognisable organisation is written as is; one the formatter would
    # split into "Truda, Gruppa Osvobozhdenie" is braced.
    assert fronts[0]["author"] == ["Trotsky Archive Team"]
    assert fronts[1]["author"] == ["{Gruppa Osvobozhdenie Truda}"]
    assert format_bibliography_text(fronts[1]) == "Gruppa Osvobozhdenie Truda. T2."
    assert names(report) == ["trotsky-archive-team-nd.md", "gruppa-osvobozhdenie-truda-nd.md"]


def test_three_same_slugs_get_b_and_c(tmp_path):
    item = {"type": "book", "author": [{"family": "Broué", "given": "Pierre"}],
            "issued": {"date-parts": [[1988]]}}
    path = write_json(tmp_path, [dict(item, id=str(i), title=f"T{i}") for i in range(3)])
    report = import_sources(path, tmp_path / "out")
    assert names(report) == ["broue-1988.md", "broue-1988-b.md", "broue-1988-c.md"]
    assert [read_source(p)[0]["title"] for p in report.written] == ["T0", "T1", "T2"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("x.json", "[{", "not valid JSON"),
        ("x.json", '{"title": "T"}', "x.json:1:1: error[import-syntax]: expected a CSL-JSON array of items, found an object"),
        ("x.bib", "@book{a, title = {T}", "x.bib:1:21: error[import-syntax]: syntax error in line 1: premature end of file"),
        ("x.ris", "TY  - BOOK", "x.ris:1:1: error[import-syntax]: cannot tell the format from the extension '.ris' (expected .json (CSL-JSON"),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceImportError, match=re.escape(message)):
        import_sources(path, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(SourceImportError, match="no such file"):
        import_sources(tmp_path / "missing.json", tmp_path / "out")
    bad = tmp_path / "latin1.bib"
    bad.write_bytes("@book{a, title = {Brou\xe9}}".encode("latin-1"))
    with pytest.raises(SourceImportError, match="not UTF-8"):
        import_sources(bad, tmp_path / "out")
