"""``dossier import-sources FILE``: CSL-JSON or BibTeX → source pages.

Reads a CSL-JSON export (Zotero's "Export collection → CSL JSON": a JSON array
of items) or a BibTeX/BibLaTeX file (parsed with ``pybtex``), chosen by the
file extension (``.json`` / ``.bib``), and writes one
``content/sources/<slug>.md`` per entry: YAML front matter in the fields of
the content format (``title``, ``kind``, ``genre``, ``entry_type``,
``author``…) and the entry's note/abstract as the Markdown body.

* Slug: first author's family name + "-" + year (``broue-1980``), through
  :func:`dossier.text.slugify`; no author → the first words of the title (its
  short title: main title, no initial article, at most four or five words);
  no year → ``nd``. Two entries of the same import with the same slug get
  ``-b``, ``-c``… in the order of the file, so importing the same export
  again gives the same slugs.
* A file that already exists is never overwritten: that entry is skipped
  with the reason "<path> exists" (files are created with exclusive mode).
* An entry without a title, or that is not an object, is skipped with a
  reason; a file that cannot be read at all (missing, not UTF-8, invalid JSON,
  not an array, BibTeX syntax error, unknown extension) raises
  :class:`SourceImportError`.
* Names are written "Family, Given" (the form the content format reads
  unambiguously); an organisation (CSL ``literal``, or a BibTeX name in
  braces) is written as is, in braces only when it would otherwise be read as
  a personal name (``{Marx Engels Lenin Institute}``).
* Dates become EDTF strings (always quoted): CSL ``date-parts`` (with
  ``circa`` → ``~``, ``season`` → 21–24, two parts → an interval), or a
  ``raw``/``literal`` string that is EDTF already or a simple "December 1932",
  "24 December 1932", "December 24, 1932", "ca. 1932"; BibTeX ``date``
  (BibLaTeX, EDTF-like) or ``year`` + ``month``. A date that cannot be read
  is left out of the front matter and kept in the body ("Date in the
  export: …"); so is a URL that is not http(s).
* Mapping of types: see ``_CSL_TYPES`` and ``_BIB_TYPES``; ``kind`` is
  ``primary`` for letters, manuscripts, personal communications and
  interviews, else ``secondary``; ``genre`` is ``letter``, ``archive-document``
  (manuscripts, unpublished), ``press`` (newspaper/magazine articles),
  ``reference`` (encyclopedia/dictionary entries), ``historiography`` (other
  books, articles, chapters, theses, reports) and absent otherwise (web pages,
  periodicals: the editor decides).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from dossier.text import slugify

__all__ = ["ImportReport", "SourceImportError", "import_sources", "format_report", "main"]


class SourceImportError(Exception):
    """The import file cannot be read at all (nothing was written)."""


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (key or title, reason)


# --------------------------------------------------------------------------
# the neutral record both readers produce
# --------------------------------------------------------------------------


@dataclass
class _Record:
    label: str  # key or title, for the report
    fields: dict[str, Any]  # front matter, in output order; None values dropped
    body: list[str]  # annotation paragraphs
    family: str = ""  # first author's family name, for the slug
    year: str = ""


_FIELD_ORDER = (
    "title", "kind", "genre", "entry_type", "author", "editor", "translator",
    "recipient", "date", "container", "volume", "issue", "pages", "publisher",
    "publisher_place", "archive", "url", "archived_url", "accessed", "language",
)

_GENRE_DEFAULT = {
    "book": "historiography",
    "article": "historiography",
    "chapter": "historiography",
    "letter": "letter",
    "document": "archive-document",
}


class _Quoted(str):
    """A string YAML always writes in double quotes (dates)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"')
)


# --------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------


def _literal_name(text: str) -> str:
    """An organisation's name, braced if the formatter would split it."""
    from dossier.bibliography import parse_name

    text = " ".join(text.split())
    if not text:
        return ""
    return text if parse_name(text).literal else "{" + text + "}"


def _person(family: str, given: str = "", particle: str = "", suffix: str = "") -> str:
    family = " ".join(p for p in (particle, family) if p).strip()
    given = given.strip()
    if not family:
        return given
    out = f"{family}, {given}" if given else family
    return f"{out}, {suffix}" if suffix else out


def _natural(family: str, given: str = "", particle: str = "", suffix: str = "") -> str:
    return " ".join(p for p in (given, particle, family, suffix) if p.strip())


# --------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------

_MONTH_NAMES = {
    m: i + 1
    for i, names in enumerate([
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ])
    for m in names
}
_SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}

# EDTF levels 0 and 1, as the content format accepts them.
_EDTF_POINT = r"(?:-?\d{4}(?:-(?:0[1-9]|1[0-2]|2[1-4])(?:-\d{2})?)?|\d{2}XX|\d{3}X|\d{4}-XX(?:-XX)?|\d{4}-\d{2}-XX)[?~%]?"
_EDTF_RE = re.compile(rf"^(?:{_EDTF_POINT}|(?:{_EDTF_POINT}|\.\.)?/(?:{_EDTF_POINT}|\.\.)?)$")


def _valid_edtf(text: str) -> bool:
    if not _EDTF_RE.match(text) or text in ("/", "../..", "/..", "../"):
        return False
    try:
        from edtf import parse_edtf  # a declared dependency; fall back to the regex
    except ImportError:  # pragma: no cover
        return True
    try:
        parse_edtf(text)
    except Exception:
        return False
    return True


def _edtf_point(year: int, month: int | None = None, day: int | None = None) -> str:
    out = f"{year:04d}"
    if month:
        out += f"-{month:02d}"
        if day:
            out += f"-{day:02d}"
    return out


def _raw_date(raw: str) -> str:
    """A free-text date as EDTF, or "" if it cannot be read."""
    s = " ".join(str(raw).split()).strip()
    if not s:
        return ""
    if _valid_edtf(s):
        return s
    qual = ""
    m = re.match(r"^(?:c\.|ca\.|circa|approx\.|about)\s*(.+)$", s, re.IGNORECASE)
    if m:
        s, qual = m.group(1), "~"
    if s.endswith("?"):
        s, qual = s[:-1].strip(), "?"
    s = s.strip(" ,.")
    low = s.casefold().replace(",", " ")
    words = low.split()
    value = ""
    if re.fullmatch(r"\d{4}", s):
        value = s
    elif m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", s):
        value = _edtf_point(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    elif len(words) == 2 and words[0] in _MONTH_NAMES and re.fullmatch(r"\d{4}", words[1]):
        value = _edtf_point(int(words[1]), _MONTH_NAMES[words[0]])
    elif len(words) == 2 and words[0] in _SEASONS and re.fullmatch(r"\d{4}", words[1]):
        value = f"{words[1]}-{_SEASONS[words[0]]}"
    elif len(words) == 3 and words[1] in _MONTH_NAMES and words[0].isdigit() and re.fullmatch(r"\d{4}", words[2]):
        value = _edtf_point(int(words[2]), _MONTH_NAMES[words[1]], int(words[0]))
    elif len(words) == 3 and words[0] in _MONTH_NAMES and words[1].isdigit() and re.fullmatch(r"\d{4}", words[2]):
        value = _edtf_point(int(words[2]), _MONTH_NAMES[words[0]], int(words[1]))
    value = value + qual if value else ""
    return value if value and _valid_edtf(value) else ""


def _csl_date(value: Any) -> tuple[str, str]:
    """(EDTF, text to keep when unreadable) of a CSL date variable."""
    if value is None:
        return "", ""
    if isinstance(value, (str, int)):
        return _raw_date(str(value)), str(value)
    if not isinstance(value, Mapping):
        return "", str(value)
    parts = value.get("date-parts")
    qual = "~" if value.get("circa") in (True, 1, "1", "true") else ""
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        points = []
        for p in parts[:2]:
            try:
                nums = [int(str(x)) for x in p[:3] if str(x).strip()]
            except ValueError:
                nums = []
            if not nums:
                continue
            point = _edtf_point(*nums[:3])
            season = value.get("season")
            if len(nums) == 1 and season and len(parts) == 1:
                code = _SEASONS.get(str(season).casefold())
                if code is None and str(season).isdigit() and 1 <= int(season) <= 4:
                    code = 20 + int(season)
                if code:
                    point = f"{point}-{code}"
            points.append(point + qual)
        edtf = "/".join(points) if len(points) == 2 and points[0] != points[1] else (points[0] if points else "")
        if edtf and _valid_edtf(edtf):
            return edtf, ""
    for key in ("raw", "literal"):
        if value.get(key):
            return _raw_date(str(value[key])), str(value[key])
    return "", json.dumps(value, ensure_ascii=False) if value else ""


def _year_of(edtf: str) -> str:
    m = re.match(r"^(\d{4})", edtf)
    if m:
        return m.group(1)
    m = re.match(r"^(\d{3})X", edtf)
    return (m.group(1) + "0s") if m else ""


# --------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    return " ".join(str(value).split())


def _pages(value: str) -> str:
    return re.sub(r"(?<=[0-9A-Za-z])\s*(?:-{1,3}|—)\s*(?=[0-9A-Za-z])", "–", value)


_URL_RE = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def _escape_markdown(text: str) -> str:
    """Keep imported prose from being read as a cross-link, citation or footnote.

    A "[" that opens ``[[…``, ``[^…`` or a bracket containing "@" (Pandoc
    citations, also "[see @key]") becomes the entity ``&#91;``, which renders
    as "[" but which no link or citation pattern matches; "[sic]" stays.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\[(?=\[|\^|[^\]\n]*@)", "&#91;", text).strip()


# --------------------------------------------------------------------------
# CSL-JSON
# --------------------------------------------------------------------------

# CSL type → (entry_type, kind, genre). None entry_type: inferred at render.
_CSL_TYPES: dict[str, tuple[str | None, str, str | None]] = {
    "book": ("book", "secondary", "historiography"),
    "thesis": ("book", "secondary", "historiography"),
    "report": ("book", "secondary", "historiography"),
    "article-journal": ("article", "secondary", "historiography"),
    "article": ("article", "secondary", "historiography"),
    "paper-conference": ("chapter", "secondary", "historiography"),
    "review": ("article", "secondary", "historiography"),
    "review-book": ("article", "secondary", "historiography"),
    "article-magazine": ("article", "secondary", "press"),
    "article-newspaper": ("article", "secondary", "press"),
    "chapter": ("chapter", "secondary", "historiography"),
    "entry": ("chapter", "secondary", "reference"),
    "entry-encyclopedia": ("chapter", "secondary", "reference"),
    "entry-dictionary": ("chapter", "secondary", "reference"),
    "letter": ("letter", "primary", "letter"),
    "personal_communication": ("letter", "primary", "letter"),
    "manuscript": ("document", "primary", "archive-document"),
    "interview": ("document", "primary", None),
    "webpage": ("webpage", "secondary", None),
    "post": ("webpage", "secondary", None),
    "post-weblog": ("webpage", "secondary", None),
    "periodical": ("periodical", "secondary", None),
}


def _csl_names(value: Any, natural: bool = False) -> list[str]:
    if not isinstance(value, list):
        return []
    out = []
    for n in value:
        if isinstance(n, str):
            out.append(_literal_name(n))
            continue
        if not isinstance(n, Mapping):
            continue
        if n.get("literal"):
            out.append(_literal_name(_clean(n["literal"])))
            continue
        family = _clean(n.get("family"))
        given = _clean(n.get("given"))
        particle = " ".join(
            _clean(n.get(k)) for k in ("dropping-particle", "non-dropping-particle") if n.get(k)
        )
        suffix = _clean(n.get("suffix"))
        if not family and not given:
            continue
        if natural:
            out.append(_natural(family, given, particle, suffix))
        elif family and not given and not particle:
            out.append(_literal_name(family))
        else:
            out.append(_person(family, given, particle, suffix))
    return [x for x in out if x]


def _csl_family(value: Any) -> str:
    if isinstance(value, list) and value:
        n = value[0]
        if isinstance(n, Mapping):
            if n.get("family"):
                particle = _clean(n.get("non-dropping-particle"))
                return " ".join(p for p in (particle, _clean(n["family"])) if p)
            return _clean(n.get("literal") or n.get("given"))
        if isinstance(n, str):
            return n
    return ""


def _csl_record(item: Any, index: int) -> _Record | tuple[str, str]:
    if not isinstance(item, Mapping):
        return (f"entry {index}", f"not a CSL-JSON object but {type(item).__name__}")
    key = _clean(item.get("id")) or f"entry {index}"
    title = _clean(item.get("title"))
    if not title:
        return (key, "no title")
    ctype = _clean(item.get("type"))
    entry_type, kind, genre = _CSL_TYPES.get(ctype, (None, "secondary", None))
    body: list[str] = []

    date, raw = _csl_date(item.get("issued"))
    if raw and not date:
        body.append(f"Date in the export: {raw}")
    accessed, raw_acc = _csl_date(item.get("accessed"))

    url = _clean(item.get("URL"))
    if not url and item.get("DOI"):
        url = "https://doi.org/" + re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", _clean(item["DOI"]))
    if url and not _URL_RE.match(url):
        body.append(f"Address in the export: {url}")
        url = ""

    archive = ", ".join(
        p for p in (_clean(item.get("archive_location")), _clean(item.get("archive")),
                    _clean(item.get("archive-place"))) if p
    )
    editors = _csl_names(item.get("editor")) or _csl_names(item.get("collection-editor"))
    recipient = " and ".join(_csl_names(item.get("recipient"), natural=True))
    container = _clean(item.get("container-title")) or (
        _clean(item.get("collection-title")) if entry_type in ("letter", "document") else ""
    )

    fields = {
        "title": title,
        "kind": kind,
        "genre": genre,
        "entry_type": entry_type,
        "author": _csl_names(item.get("author")),
        "editor": editors,
        "translator": _csl_names(item.get("translator")),
        "recipient": recipient,
        "date": _Quoted(date) if date else None,
        "container": container,
        "volume": _clean(item.get("volume")),
        "issue": _pages(_clean(item.get("issue"))),
        "pages": _pages(_clean(item.get("page"))),
        "publisher": _clean(item.get("publisher")),
        "publisher_place": _clean(item.get("publisher-place")),
        "archive": archive,
        "url": url,
        "accessed": _Quoted(accessed) if accessed and url else None,
        "language": _clean(item.get("language")),
    }
    for k in ("abstract", "note"):
        text = item.get(k)
        if isinstance(text, str) and text.strip():
            body.append(text)
    family = _csl_family(item.get("author"))
    return _Record(key, fields, body, family=family, year=_year_of(date))


def _read_csl(path: Path) -> list[_Record | tuple[str, str]]:
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SourceImportError(
            f"{path}:{e.lineno}:{e.colno}: not valid JSON ({e.msg}); "
            "expected a CSL-JSON export (a JSON array of items)"
        ) from None
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise SourceImportError(
            f"{path}: expected a CSL-JSON array of items, found a JSON {type(data).__name__}"
        )
    return [_csl_record(item, i) for i, item in enumerate(data, 1)]


# --------------------------------------------------------------------------
# BibTeX
# --------------------------------------------------------------------------

_BIB_TYPES: dict[str, tuple[str | None, str, str | None]] = {
    "book": ("book", "secondary", "historiography"),
    "mvbook": ("book", "secondary", "historiography"),
    "collection": ("book", "secondary", "historiography"),
    "proceedings": ("book", "secondary", "historiography"),
    "phdthesis": ("book", "secondary", "historiography"),
    "mastersthesis": ("book", "secondary", "historiography"),
    "thesis": ("book", "secondary", "historiography"),
    "techreport": ("book", "secondary", "historiography"),
    "report": ("book", "secondary", "historiography"),
    "manual": ("book", "secondary", "historiography"),
    "booklet": ("book", "secondary", "historiography"),
    "article": ("article", "secondary", "historiography"),
    "incollection": ("chapter", "secondary", "historiography"),
    "inbook": ("chapter", "secondary", "historiography"),
    "inproceedings": ("chapter", "secondary", "historiography"),
    "inreference": ("chapter", "secondary", "reference"),
    "online": ("webpage", "secondary", None),
    "electronic": ("webpage", "secondary", None),
    "www": ("webpage", "secondary", None),
    "letter": ("letter", "primary", "letter"),
    "unpublished": ("document", "primary", "archive-document"),
    "periodical": ("periodical", "secondary", None),
    "misc": (None, "secondary", None),
}

_LATEX_FORMAT_RE = re.compile(
    r"\\(?:textit|textbf|textsc|textsl|textup|textrm|textmd|emph|mkbibquote|enquote|url|mbox)\s*\{"
)


def _latex(value: str) -> str:
    from pybtex.backends.plaintext import Backend
    from pybtex.richtext import Text

    value = _LATEX_FORMAT_RE.sub("{", value)
    value = re.sub(r"\\href\s*\{([^}]*)\}\s*\{", "{", value)
    try:
        # Backend() directly: render_as("text") looks the plugin up on every call.
        text = Text.from_latex(value).render(Backend())
    except Exception:
        text = value.replace("{", "").replace("}", "")
    return " ".join(text.split())


def _bib_person(person: Any) -> str:
    raw_last = " ".join(person.last_names)
    first = _latex(" ".join(person.first_names + person.middle_names))
    von = _latex(" ".join(person.prelast_names))
    last = _latex(raw_last)
    jr = _latex(" ".join(person.lineage_names))
    if not first and not von and not jr:
        braced = raw_last.startswith("{") and raw_last.endswith("}")
        return _literal_name(last) if (braced or " " not in last) else last
    return _person(last, first, von, jr)


def _bib_record(key: str, entry: Any) -> _Record | tuple[str, str]:
    f = {k.lower(): v for k, v in entry.fields.items()}

    def get(*names: str) -> str:
        for n in names:
            if f.get(n):
                return _latex(str(f[n]))
        return ""

    title = get("title")
    if not title:
        return (key, "no title")
    btype = entry.type.lower()
    entry_type, kind, genre = _BIB_TYPES.get(btype, (None, "secondary", None))
    body: list[str] = []

    date = ""
    raw_date = get("date")
    if raw_date:
        date = _raw_date(raw_date)
        if not date:
            body.append(f"Date in the export: {raw_date}")
    elif get("year"):
        year, month = get("year"), get("month")
        text = f"{month} {year}" if month else year
        if month.isdigit():
            text = f"{year}-{int(month):02d}"
        date = _raw_date(text) or _raw_date(year)
        if not date:
            body.append(f"Date in the export: {text}")

    url = get("url")
    if not url and get("doi"):
        url = "https://doi.org/" + get("doi")
    if url and not _URL_RE.match(url):
        body.append(f"Address in the export: {url}")
        url = ""
    accessed = _raw_date(get("urldate")) if url else ""

    persons = {k.lower(): v for k, v in entry.persons.items()}
    authors = [_bib_person(p) for p in persons.get("author", [])]
    editors = [_bib_person(p) for p in persons.get("editor", [])]
    translators = [_bib_person(p) for p in persons.get("translator", [])]

    container = get("journaltitle", "journal", "booktitle", "maintitle")
    if btype == "inbook" and not container and get("chapter"):
        container, title = title, get("chapter")
    fields = {
        "title": title,
        "kind": kind,
        "genre": genre,
        "entry_type": entry_type,
        "author": [a for a in authors if a],
        "editor": [e for e in editors if e],
        "translator": [t for t in translators if t],
        "recipient": "",
        "date": _Quoted(date) if date else None,
        "container": container,
        "volume": get("volume"),
        "issue": _pages(get("number", "issue")),
        "pages": _pages(get("pages")),
        "publisher": get("publisher", "institution", "school", "organization"),
        "publisher_place": get("location", "address"),
        "archive": get("archive", "library"),
        "url": url,
        "accessed": _Quoted(accessed) if accessed else None,
        "language": get("langid", "language"),
    }
    for k in ("abstract", "annotation", "annote", "note"):
        text = get(k)
        if text:
            body.append(text)
    family = ""
    if persons.get("author"):
        p = persons["author"][0]
        family = _latex(" ".join(p.prelast_names + p.last_names))
    return _Record(key, fields, body, family=family, year=_year_of(date))


def _read_bib(path: Path) -> list[_Record | tuple[str, str]]:
    import pybtex.errors
    from pybtex.database import parse_string
    from pybtex.exceptions import PybtexError

    text = _read_text(path)
    try:
        with pybtex.errors.capture() as problems:  # no printing to stderr
            data = parse_string(text, bib_format="bibtex")
    except PybtexError as e:
        raise SourceImportError(f"{path}: not a readable BibTeX file: {e}") from None
    if problems:
        raise SourceImportError(
            f"{path}: not a readable BibTeX file: " + "; ".join(str(p) for p in problems)
        )
    if not data.entries and "@" in text:
        raise SourceImportError(f"{path}: no BibTeX entries could be read")
    return [_bib_record(key, entry) for key, entry in data.entries.items()]


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceImportError(f"{path}: no such file") from None
    except OSError as e:
        raise SourceImportError(f"{path}: cannot be read: {e.strerror or e}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceImportError(
            f"{path}: not UTF-8 (byte {e.start}); export it as UTF-8"
        ) from None


def _slug_base(rec: _Record) -> str:
    if rec.family:
        stem = slugify(rec.family)
    else:  # the title's first words: its Chicago short title ("Moscow Trials")
        from dossier.bibliography import short_title

        words = slugify(short_title({"title": rec.fields.get("title", "")})).split("-")
        stem = "-".join(w for w in words[:4] if w)
    stem = stem or "source"
    return f"{stem}-{slugify(rec.year) or 'nd'}"


def _suffix(n: int) -> str:
    """1 → "", 2 → "-b", … 26 → "-z", 27 → "-aa"."""
    if n == 1:
        return ""
    n -= 1  # 1 → b
    letters = ""
    while True:
        letters = chr(ord("a") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            break
    return "-" + letters


def _render(rec: _Record) -> str:
    data = {}
    for k in _FIELD_ORDER:
        v = rec.fields.get(k)
        if v is None or v == "" or v == []:
            continue
        data[k] = v
    front = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=100,
    )
    body = "\n\n".join(_escape_markdown(b) for b in rec.body if b.strip())
    return f"---\n{front}---\n" + (f"\n{body}\n" if body else "")


def _display(path: Path) -> str:
    """The path relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def import_sources(file: Path, sources_dir: Path) -> ImportReport:
    """Import a CSL-JSON (``.json``) or BibTeX (``.bib``) file into ``sources_dir``."""
    file = Path(file)
    sources_dir = Path(sources_dir)
    ext = file.suffix.lower()
    if ext == ".json":
        records = _read_csl(file)
    elif ext in (".bib", ".bibtex"):
        records = _read_bib(file)
    else:
        raise SourceImportError(
            f"{file}: cannot tell the format from the extension {ext or '(none)'!r}: "
            "expected .json (CSL-JSON, e.g. Zotero's 'Export collection → CSL JSON') "
            "or .bib (BibTeX)"
        )
    report = ImportReport()
    taken: dict[str, int] = {}
    sources_dir.mkdir(parents=True, exist_ok=True)
    for rec in records:
        if isinstance(rec, tuple):
            report.skipped.append(rec)
            continue
        base = _slug_base(rec)
        n = taken.get(base, 0) + 1
        slug = base + _suffix(n)
        while slug in taken:  # "x-1980-b" may itself be another entry's base
            n += 1
            slug = base + _suffix(n)
        taken[base] = n
        taken.setdefault(slug, 1)
        target = sources_dir / f"{slug}.md"
        try:
            with open(target, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(_render(rec))
        except FileExistsError:
            report.skipped.append((rec.label, f"{_display(target)} exists"))
            continue
        report.written.append(target)
    return report


def format_report(report: ImportReport) -> str:
    lines = [f"wrote {_display(p)}" for p in report.written]
    lines += [f"skipped {label}: {reason}" for label, reason in report.skipped]
    lines.append(f"{len(report.written)} written, {len(report.skipped)} skipped")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None, sources_dir: Path = Path("content/sources")) -> int:
    """``import-sources FILE``: 0 on success, 2 if the file cannot be read."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: dossier import-sources FILE.json|FILE.bib", file=sys.stderr)
        return 2
    try:
        report = import_sources(Path(args[0]), sources_dir)
    except SourceImportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(format_report(report))
    return 0
