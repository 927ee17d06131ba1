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
  with the reason "<path> exists".
* All or nothing: every entry is read and checked before anything is
  written. Every problem is a diagnostic ``file:line:column: error[code]``
  at the entry's place in the input: a file that cannot be read (missing,
  not UTF-8, too large), a syntax error (JSON, BibTeX, a key used twice), an
  unknown extension, a value of the wrong JSON type, a field over
  ``MAX_FIELD_CHARS`` (BibTeX @string expansion included, and bounded in all
  by ``MAX_EXPANDED_CHARS``); any of them raises :class:`SourceImportError`
  and nothing is written. An entry without a title is skipped (a warning).
  Each file is written whole under a temporary name and linked into place;
  a write that fails (a full disk) removes what the run had written.
  Over-long slugs are cut to ``MAX_SLUG_STEM`` characters.
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

import contextlib
import errno
import json
import os
import re
import secrets
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dossier.diagnostics import Diagnostic, DossierError, Severity
from dossier.text import slugify

__all__ = ["ImportReport", "SourceImportError", "import_sources", "format_report", "main"]


#: An import file larger than this is refused unread (a Zotero library of
#: 10,000 items exports to about 20 MB of CSL-JSON).
MAX_IMPORT_BYTES = 64 * 1024 * 1024
#: A single field longer than this (after BibTeX's @string expansion) is
#: refused: an abstract of 20 pages is 60,000 characters.
MAX_FIELD_CHARS = 100_000
#: All the fields of a BibTeX file together, after @string expansion: an
#: expansion bomb (each macro the concatenation of the last) stops here.
MAX_EXPANDED_CHARS = 64 * 1024 * 1024
#: A slug is cut to this many characters (at a hyphen) before its year: file
#: names stay far below the 255 bytes of most file systems.
MAX_SLUG_STEM = 60


class SourceImportError(DossierError):
    """The import failed: nothing was written. ``diagnostics`` says why,
    each at the position of the entry in the input (``path:line:column``)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (key or title, reason)
    #: warnings with their position in the input (an entry skipped)
    diagnostics: list = field(default_factory=list)


class _Problems:
    """Diagnostics of one import file, positioned by character offset."""

    def __init__(self, shown: str, text: str = ""):
        self.shown = shown
        self.text = text
        self.items: list[Diagnostic] = []
        self._starts: list[int] | None = None

    def position(self, offset: int | None) -> tuple[int, int]:
        if offset is None:
            return 1, 1
        if self._starts is None:
            import bisect  # noqa: F401

            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        import bisect

        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def error(self, offset: int | None, code: str, message: str, hint: str = "") -> None:
        line, col = self.position(offset)
        self.items.append(Diagnostic(self.shown, line, col, code, message, hint))

    def warning(self, offset: int | None, code: str, message: str, hint: str = "") -> None:
        line, col = self.position(offset)
        self.items.append(Diagnostic(self.shown, line, col, code, message, hint, Severity.WARNING))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    def fail(self) -> None:
        if self.errors:
            raise SourceImportError(sorted(self.items, key=Diagnostic.sort_key))


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


_WS = re.compile(r"[ \t\n\r]*")


def _json_kind(value: Any) -> str:
    """A JSON value's kind in JSON's words (never a Python repr)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _array_offsets(text: str, i: int) -> list[int]:
    """The offsets of the items of the JSON array at ``text[i]`` (valid JSON)."""
    dec = json.JSONDecoder()
    out = []
    i = _WS.match(text, i + 1).end()
    if text[i] == "]":
        return out
    while True:
        out.append(i)
        _value, i = dec.raw_decode(text, i)
        i = _WS.match(text, i).end()
        if text[i] == "]":
            return out
        i = _WS.match(text, i + 1).end()  # the comma


def _item_offsets(text: str) -> list[int]:
    """Offsets of the CSL items: of the top array, or of "items" in an object."""
    dec = json.JSONDecoder()
    i = _WS.match(text).end()
    if text[i] == "[":
        return _array_offsets(text, i)
    i = _WS.match(text, i + 1).end()
    found: list[int] = []
    while text[i] != "}":
        key, i = dec.raw_decode(text, i)
        i = _WS.match(text, i).end() + 1  # the colon
        i = _WS.match(text, i).end()
        if key == "items" and text[i] == "[":
            found = _array_offsets(text, i)
        _value, i = dec.raw_decode(text, i)
        i = _WS.match(text, i).end()
        if text[i] == ",":
            i = _WS.match(text, i + 1).end()
    return found


#: CSL variables by the JSON they must hold (the rest are not read).
_CSL_STRINGS = ("title", "type", "container-title", "collection-title", "publisher", "publisher-place", "archive",
                "archive_location", "archive-place", "URL", "DOI", "language", "abstract", "note")
_CSL_NUMBERS = ("id", "volume", "issue", "page")  # text or a number
_CSL_NAMES = ("author", "editor", "collection-editor", "translator", "recipient")
_CSL_DATES = ("issued", "accessed")
_NAME_PARTS = ("family", "given", "literal", "dropping-particle", "non-dropping-particle", "suffix")


def _csl_problems(item: Mapping) -> list[tuple[str, str]]:
    """(code, message) for every value of the wrong type or size in an item."""
    out: list[tuple[str, str]] = []

    def text_ok(name: str, value: Any, numbers: bool = False) -> None:
        if value is None:
            return
        if isinstance(value, str) or (numbers and isinstance(value, (int, float)) and not isinstance(value, bool)):
            if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
                out.append(("too-large", f"'{name}' is {len(value):,} characters long; the limit is {MAX_FIELD_CHARS:,}"))
            return
        want = "text or a number" if numbers else "text"
        out.append(("type", f"'{name}' must be {want}, not {_json_kind(value)}"))

    for name in _CSL_STRINGS:
        text_ok(name, item.get(name))
    for name in _CSL_NUMBERS:
        text_ok(name, item.get(name), numbers=True)
    for name in _CSL_NAMES:
        value = item.get(name)
        if value is None:
            continue
        if not isinstance(value, list):
            out.append(("type", f"'{name}' must be a list of names, not {_json_kind(value)}"))
            continue
        for n, person in enumerate(value, 1):
            if isinstance(person, str):
                text_ok(f"{name}[{n}]", person)
            elif isinstance(person, Mapping):
                for part in _NAME_PARTS:
                    text_ok(f"{name}[{n}].{part}", person.get(part))
            else:
                out.append(("type", f"'{name}[{n}]' must be a name (an object with family and given, or literal), not {_json_kind(person)}"))
    for name in _CSL_DATES:
        value = item.get(name)
        if value is None or isinstance(value, (str, int)) and not isinstance(value, bool):
            text_ok(name, value, numbers=True)
            continue
        if not isinstance(value, Mapping):
            out.append(("type", f"'{name}' must be a date (an object with date-parts, or text), not {_json_kind(value)}"))
            continue
        parts = value.get("date-parts")
        if parts is not None:
            ok = isinstance(parts, list) and all(
                isinstance(p, list) and all(isinstance(x, (int, str)) and not isinstance(x, bool) and len(str(x)) <= 12 for x in p) for p in parts
            )
            if not ok:
                out.append(("type", f"'{name}.date-parts' must be a list of lists of numbers, like [[1932, 12, 24]]"))
        for part in ("raw", "literal", "season"):
            text_ok(f"{name}.{part}", value.get(part), numbers=True)
    return out


def _read_csl(path: Path, text: str, problems: _Problems) -> list[tuple[int | None, _Record | tuple[str, str]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        problems.error(e.pos, "import-syntax", f"not valid JSON ({e.msg})", "a CSL-JSON export is a JSON array of items")
        return []
    except RecursionError:
        problems.error(None, "import-syntax", "the JSON is nested too deeply to be a CSL-JSON export")
        return []
    except ValueError as e:  # an integer of thousands of digits
        problems.error(None, "import-syntax", f"not readable JSON ({e})")
        return []
    offsets: list[int] = []
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        problems.error(_WS.match(text).end(), "import-syntax", f"expected a CSL-JSON array of items, found {_json_kind(data)}")
        return []
    try:
        offsets = _item_offsets(text)
    except (ValueError, IndexError, RecursionError):  # pragma: no cover - valid JSON always scans
        offsets = []
    if len(offsets) != len(data):  # pragma: no cover
        offsets = [None] * len(data)
    out: list[tuple[int | None, _Record | tuple[str, str]]] = []
    for i, (item, offset) in enumerate(zip(data, offsets), 1):
        if not isinstance(item, Mapping):
            problems.error(offset, "type", f"entry {i} must be a CSL-JSON object, not {_json_kind(item)}")
            continue
        found = _csl_problems(item)
        label = item.get("id") if isinstance(item.get("id"), (str, int)) and not isinstance(item.get("id"), bool) else f"entry {i}"
        for code, message in found:
            problems.error(offset, code, f"entry {label}: {message}")
        if not found:
            out.append((offset, _csl_record(item, i)))
    return out


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


class _ExpansionBomb(Exception):
    def __init__(self, offset: int):
        self.offset = offset


def _bib_parser(problems: _Problems):
    """pybtex's BibTeX parser, bounded: no value longer than
    ``MAX_FIELD_CHARS`` and no more than ``MAX_EXPANDED_CHARS`` in all, however
    @string macros are concatenated; every problem, with the offset of the
    entry it is in, goes to ``problems`` (never to stderr)."""
    from pybtex.database.input.bibtex import LowLevelParser, Parser
    from pybtex.exceptions import PybtexError
    from pybtex.scanner import PybtexSyntaxError

    class Bounded(LowLevelParser):
        expanded = 0

        def parse_value(self):
            super().parse_value()
            size = sum(len(part) for part in self.current_value)  # before joining them
            Bounded.expanded += size
            if Bounded.expanded > MAX_EXPANDED_CHARS:
                raise _ExpansionBomb(self.command_start)
            if size > MAX_FIELD_CHARS:
                raise PybtexSyntaxError(f"a value of {size:,} characters (after @string expansion); the limit is {MAX_FIELD_CHARS:,}", self)

    class Reader(Parser):
        offsets: dict[str, int]
        current: int | None = None

        def handle_error(self, error):
            offset = self.current
            info = getattr(error, "error_context_info", None)
            if isinstance(info, tuple) and len(info) == 3 and isinstance(info[2], int):
                offset = info[2]
            text = str(error)
            code = "too-large" if "the limit is" in text else "import-syntax"
            problems.error(offset, code, text)

        def parse_string(self, text):
            # pybtex's own loop, with the bounded scanner and each entry's place
            self.unnamed_entry_counter = 1
            self.offsets = {}
            scanner = Bounded(text, keyless_entries=self.keyless_entries, handle_error=self.handle_error,
                              want_entry=self.data.want_entry, filename=self.filename, macros=self.macros)
            for entry in scanner:
                kind = entry[0].lower()
                self.current = scanner.command_start
                if kind == "preamble":
                    self.process_preamble(*entry[1])
                elif kind != "string":
                    key = entry[1][0]
                    if key in self.data.entries:
                        problems.error(self.current, "import-syntax", f"the key '{key}' is used twice")
                        continue
                    try:
                        self.process_entry(entry[0], *entry[1])
                    except PybtexError as e:  # a name with too many commas, say
                        problems.error(self.current, "import-syntax", f"entry {key}: {e}")
                        continue
                    if key is not None:
                        self.offsets[key] = self.current
            return self.data

    return Reader()


def _read_bib(path: Path, text: str, problems: _Problems) -> list[tuple[int | None, _Record | tuple[str, str]]]:
    from pybtex.exceptions import PybtexError

    reader = _bib_parser(problems)
    try:
        data = reader.parse_string(text)
    except _ExpansionBomb as bomb:
        problems.error(bomb.offset, "too-large", f"the values expand to more than {MAX_EXPANDED_CHARS:,} characters (@string macros concatenated with one another?)")
        return []
    except PybtexError as e:
        problems.error(reader.current, "import-syntax", f"not a readable BibTeX file: {e}")
        return []
    except RecursionError:
        problems.error(reader.current, "import-syntax", "nested too deeply")
        return []
    if not data.entries and "@" in text and not problems.errors:
        problems.error(text.index("@"), "import-syntax", "no BibTeX entries could be read")
    out = []
    for key, entry in data.entries.items():
        offset = reader.offsets.get(key)
        try:
            out.append((offset, _bib_record(key, entry)))
        except RecursionError:
            problems.error(offset, "import-syntax", f"entry {key}: braces nested too deeply")
    return out


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------


def _read_text(path: Path, problems: _Problems) -> str | None:
    try:
        st = path.stat()
        if not path.is_file():
            problems.error(None, "unreadable", "not a regular file")
            return None
        if st.st_size > MAX_IMPORT_BYTES:
            problems.error(None, "too-large", f"the file is {st.st_size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}", "split the export")
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        problems.error(None, "unreadable", "no such file")
        return None
    except OSError as e:
        problems.error(None, "unreadable", f"cannot be read: {e.strerror or e}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        problems.items.append(Diagnostic(problems.shown, line, col, "encoding", f"not UTF-8 (byte 0x{data[e.start]:02x})", "export it as UTF-8"))
        return None


def _slug_base(rec: _Record) -> str:
    if rec.family:
        stem = slugify(rec.family)
    else:  # the title's first words: its Chicago short title ("Moscow Trials")
        from dossier.bibliography import short_title

        words = slugify(short_title({"title": rec.fields.get("title", "")})).split("-")
        stem = "-".join(w for w in words[:4] if w)
    stem = _shorten(stem) or "source"
    return f"{stem}-{slugify(rec.year)[:12] or 'nd'}"


def _shorten(stem: str, limit: int = MAX_SLUG_STEM) -> str:
    """A slug cut to ``limit`` characters, at a hyphen where there is one."""
    if len(stem) <= limit:
        return stem
    cut = stem[:limit]
    return (cut.rsplit("-", 1)[0] if "-" in cut[limit // 2 :] else cut).strip("-")


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
    """Import a CSL-JSON (``.json``) or BibTeX (``.bib``) file into ``sources_dir``.

    All or nothing: every entry is read and checked first; on any error,
    :class:`SourceImportError` lists them all and nothing is written. Each
    file is written whole under a temporary name and then linked into place
    without replacing anything; a failure half way (a full disk) removes what
    this run wrote. An existing file is never overwritten: that entry is
    skipped (importing the same export again is harmless).
    """
    file = Path(file)
    sources_dir = Path(sources_dir)
    problems = _Problems(_display(file))
    ext = file.suffix.lower()
    readers = {".json": _read_csl, ".bib": _read_bib, ".bibtex": _read_bib}
    if ext not in readers:
        problems.error(None, "import-syntax",
                       f"cannot tell the format from the extension {ext or '(none)'!r}",
                       "expected .json (CSL-JSON, e.g. Zotero's 'Export collection → CSL JSON') or .bib (BibTeX)")
        problems.fail()
    text = _read_text(file, problems)
    if text is None:
        problems.fail()
    problems.text = text
    records = readers[ext](file, text, problems)
    problems.fail()

    report = ImportReport()
    taken: dict[str, int] = {}
    planned: list[tuple[Path, str]] = []
    for offset, rec in records:
        if isinstance(rec, tuple):
            label, reason = rec
            report.skipped.append(rec)
            problems.warning(offset, "required", f"entry {label} skipped: {reason}")
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
        if os.path.lexists(target):
            report.skipped.append((rec.label, f"{_display(target)} exists"))
            continue
        planned.append((target, _render(rec)))
    report.diagnostics = list(problems.items)
    try:
        sources_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SourceImportError([Diagnostic(_display(sources_dir), 1, 1, "import-write", f"cannot create the folder: {e.strerror or e}")]) from None
    report.written = _write_all(planned)
    return report


def _write_all(planned: list[tuple[Path, str]]) -> list[Path]:
    """Write every file or none (see :func:`import_sources`)."""
    token = secrets.token_hex(6)
    temps: list[Path] = []
    placed: list[tuple[Path, int]] = []  # (target, inode of what this run put there)
    current: Path | None = None
    try:
        for target, text in planned:
            current = target
            tmp = target.with_name(f".{target.name}.import-{token}")
            temps.append(tmp)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for (target, _text), tmp in zip(planned, temps):
            current = target
            try:
                os.link(tmp, target)  # never replaces: fails if the name was taken meanwhile
            except FileExistsError:
                raise
            except OSError as e:
                if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                    raise
                # no hard links here: claim the name, then rename the whole file onto it
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                os.replace(tmp, target)
            placed.append((target, os.lstat(target).st_ino))
    except BaseException as exc:
        for target, ino in placed:  # undo this run: only the files it made
            with contextlib.suppress(OSError):
                if os.lstat(target).st_ino == ino:
                    os.unlink(target)
        for tmp in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            shown = _display(current) if current is not None else "?"
            why = "exists (made while importing)" if isinstance(exc, FileExistsError) else f"cannot be written: {exc.strerror or exc}"
            raise SourceImportError([Diagnostic(shown, 1, 1, "import-write", f"{why}; nothing was imported")]) from None
        raise
    for tmp in temps:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return [target for target, _ino in placed]


def format_report(report: ImportReport) -> str:
    lines = [f"wrote {_display(p)}" for p in report.written]
    lines += [f"skipped {label}: {reason}" for label, reason in report.skipped]
    lines.append(f"{len(report.written)} written, {len(report.skipped)} skipped")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None, sources_dir: Path = Path("content/sources")) -> int:
    """``import-sources FILE``: 0 on success, 1 if anything failed (nothing written)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: dossier import-sources FILE.json|FILE.bib", file=sys.stderr)
        return 2
    try:
        report = import_sources(Path(args[0]), sources_dir)
    except SourceImportError as e:
        print(e, file=sys.stderr)
        return 1
    print(format_report(report))
    return 0
