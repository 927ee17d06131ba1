"""The content schema: every field of every content type, declared once.

Validation, the "did you mean" for unknown fields, the infobox order and the
editor documentation (``docs/format.md``) and scaffolds are all derived from
the declarations below. A field type knows how to read its raw YAML value
and says what it expected and what it found when it cannot.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .dates import GREGORIAN_REFORM_RUSSIA, Date, DateError, format_range, parse_date

__all__ = [
    "FieldError",
    "FieldType",
    "Field",
    "ContentType",
    "Relation",
    "Edge",
    "Reference",
    "FieldCitation",
    "Cited",
    "Schema",
    "SCHEMA",
    "CONTENT_TYPES",
    "TYPE_BY_FOLDER",
    "GENRES",
    "Citation",
    "parse_citation",
]


class FieldError(Exception):
    """A value that does not fit its type; ``keypath`` is relative to the field."""

    def __init__(self, message: str, keypath: tuple = (), code: str = "type", warning: bool = False):
        super().__init__(message)
        self.message = message
        self.keypath = keypath
        self.code = code
        self.warning = warning  # a warning (an error only under --strict)


def _describe(value: Any) -> str:
    """What the editor wrote, as a message shows it."""
    if isinstance(value, dict) and len(value) == 1:
        (key, item), = value.items()
        if isinstance(key, str) and isinstance(item, str):
            return f"{_describe(f'{key}: {item}')}, which YAML reads as a field and its value (a value that contains ': ' must be quoted)"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return f"the date {value.isoformat()}"
    return type(value).__name__


def is_empty(raw: Any, ftype: FieldType | None = None) -> bool:
    """Whether a raw front-matter value leaves its field empty.

    Nothing after the colon is empty.  An unquoted ``~`` or ``null`` (a
    :class:`~dossier.frontmatter.Plain` whose YAML meaning is "no value") is
    empty only in a list or mapping field: a text or date field reads the
    characters the editor wrote, as it reads every other value.
    """
    if raw is None or raw == "" or raw == [] or raw == {}:
        return True
    return (
        isinstance(raw, str)
        and hasattr(raw, "resolved")
        and raw.resolved is None
        and ftype is not None
        and not ftype.scalar
    )


class FieldType:
    """Base class: ``convert`` reads a raw value or raises :class:`FieldError`.

    Raw values are what :mod:`dossier.frontmatter` gives: strings (the
    characters the editor wrote, quoted or not), lists and dicts of them, and
    None for an empty field.  Unquoted values YAML 1.1 would read as numbers,
    booleans, dates or null arrive as :class:`~dossier.frontmatter.Plain`
    strings; a type that wants the YAML meaning reads ``value.resolved``.
    """

    #: how documentation and messages name the expected value
    expected = "a value"
    #: a single value (text, a date, a slug), read from its characters
    scalar = True
    #: the YAML shown in scaffolds
    example: str = '""'

    def convert(self, value: Any) -> Any:
        raise NotImplementedError

    def fail(self, value: Any, keypath: tuple = (), expected: str | None = None) -> FieldError:
        return FieldError(f"expected {expected or self.expected}, got {_describe(value)}", keypath)


class Text(FieldType):
    expected = "text"

    def __init__(self, numbers: bool = False, pattern: str | None = None, pattern_help: str = ""):
        self.numbers = numbers  # bibliographic numbers: issue: 5 means "5"
        self.pattern = re.compile(pattern) if pattern else None
        if pattern_help:
            self.expected = pattern_help

    def convert(self, value: Any) -> str:
        if self.numbers and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, list):
            # a list item under a text field: "summary:" then "- ..." lines
            raise FieldError(
                f"expected {self.expected}, got a list of {len(value)} item{'s' if len(value) != 1 else ''}"
                " (the lines under it start with '- '; write the text after the colon, in quotes if it starts with '- ')"
            )
        if not isinstance(value, str):
            raise self.fail(value)
        value = value.strip()
        if self.pattern and not self.pattern.fullmatch(value):
            raise self.fail(value)
        return value


class URL(Text):
    expected = "an http:// or https:// URL"
    example = '"https://"'

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if not re.match(r"^https?://[^\s<>\"]+$", text, re.IGNORECASE):
            raise self.fail(value)
        return text


#: RFC 5646 "langtag" (language, extlang, script, region, variants,
#: extensions, private use), or a private-use tag alone; grandfathered tags
#: ("i-klingon") are refused, their modern forms ("tlh") are not.
_LANGTAG_RE = re.compile(
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[Xx](?:-[A-Za-z0-9]{1,8})+"
)


class LanguageTag(Text):
    """A BCP 47 language tag ('ru', 'uk', 'de', 'sr-Latn', 'ru-petr1708').

    The tag must be well-formed (RFC 5646, hyphens, no grandfathered tags)
    and every subtag registered in the IANA Language Subtag Registry, which
    ``langcodes`` ships; it is kept as written.
    """

    expected = "a BCP 47 language tag such as ru, uk, de or sr-Latn"
    example = "ru"

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if not _LANGTAG_RE.fullmatch(text):
            raise self.fail(value)
        import langcodes

        if not langcodes.tag_is_valid(text):
            raise FieldError(f"expected {self.expected}, got {_describe(text)}, which uses a subtag that is not in the IANA registry", code="type")
        return text


#: Scripts that name one language when a native name is written in them
#: alone.  Cyrillic (Russian, Ukrainian, Belarusian, Bulgarian, Serbian, …),
#: Latin, Arabic, Hebrew (Hebrew, Yiddish), Han and Devanagari do not: a name
#: in them is marked with its script only ('und-Cyrl') until the editor says.
_SCRIPT_LANGUAGE = {"GEORGIAN": "ka", "ARMENIAN": "hy", "GREEK": "el", "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "THAI": "th"}
_SCRIPT_CODE = {"CYRILLIC": "Cyrl", "LATIN": "Latn", "ARABIC": "Arab", "HEBREW": "Hebr", "CJK": "Hani", "DEVANAGARI": "Deva",
                "GEORGIAN": "Geor", "ARMENIAN": "Armn", "GREEK": "Grek", "HANGUL": "Hang", "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "THAI": "Thai"}


def default_native_lang(name: str) -> str:
    """The ``lang`` of a native name whose editor gave no ``native_lang``.

    A language only where the script alone says it (Georgian ka, Armenian
    hy, Greek el, Hangul ko, kana ja, Thai th); otherwise the script with an
    undetermined language, 'und-Cyrl' for 'Лев Седов' (honest: Russian,
    Ukrainian and Belarusian share it), and 'und' for mixed scripts.
    """
    import unicodedata

    scripts = set()
    for ch in name:
        if ch.isalpha():
            script = unicodedata.name(ch, "").split(" ", 1)[0]
            scripts.add(script)
    if len(scripts) != 1:
        return "und"
    script = scripts.pop()
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    return f"und-{_SCRIPT_CODE[script]}" if script in _SCRIPT_CODE else "und"


class Choice(FieldType):
    """One word of a vocabulary; ``labels`` give the reader's wording of each
    (the genre ``trial-record`` reads "Trial record")."""

    def __init__(self, *choices: str, labels: dict[str, str] | None = None):
        self.choices = choices
        self.labels = {c: (labels or {}).get(c) or c.replace("-", " ").capitalize() for c in choices}
        self.expected = "one of " + ", ".join(choices)
        self.example = choices[0]

    def label(self, value: str) -> str:
        return self.labels.get(value, value)

    def convert(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            import difflib

            close = difflib.get_close_matches(str(value), self.choices, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            err = self.fail(value)
            raise FieldError(err.message + hint, code="vocabulary")
        return value


class Authority(Text):
    """An identifier of an authority file (Wikidata, VIAF, GND, LCCN, ISNI,
    GeoNames), checked by its format and, where the file has one, its check
    character; ``url`` gives its page. Nothing is looked up over the network."""

    def __init__(self, name: str, pattern: str, example: str, url: str, check: Callable[[str], bool] | None = None, compact: bool = False):
        super().__init__()
        self.name = name
        self.regex = re.compile(pattern)
        # an acronym read letter by letter ("an LCCN") or a word ("a Wikidata")
        vowel = name[0] in ("AEFHILMNORSX" if name.isupper() and name != "VIAF" else "AEIOU")
        self.expected = f"{'an' if vowel else 'a'} {name} identifier such as {example}"
        self.example = f'"{example}"'
        self.template = url
        self.check = check
        self.compact = compact  # spaces are only for reading (ISNI)

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        bare = text.replace(" ", "") if self.compact else text
        if not self.regex.fullmatch(bare):
            raise self.fail(value)
        if self.check is not None and not self.check(bare):
            raise FieldError(f"expected {self.expected}, got {_describe(text)}, whose check character is wrong (a typo?)", code="type")
        return bare

    def url(self, value: str) -> str:
        return self.template.format(value)


def _isni_ok(value: str) -> bool:
    """ISO 7064 MOD 11-2, as ISNI (and ORCID) use it."""
    total = 0
    for ch in value[:15]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return value[15] == ("X" if check == 10 else str(check))


#: The authority files a page can name, in the order the authority-control
#: line lists them (as Wikipedia's does).
AUTHORITIES = {
    "wikidata": Authority("Wikidata", r"Q[1-9][0-9]*", "Q33391", "https://www.wikidata.org/wiki/{}"),
    "viaf": Authority("VIAF", r"[1-9][0-9]{0,21}", "99258624", "https://viaf.org/viaf/{}"),
    "gnd": Authority("GND", r"1[0-9]{7}[0-9X]|1[0-9]{8}[0-9X]|[47][0-9]{6}-[0-9X]|[1-9][0-9]{0,7}-[0-9X]", "118623761", "https://d-nb.info/gnd/{}"),
    "lccn": Authority("LCCN", r"(?:n|nb|nr|no|ns|sh)(?:[4-9][0-9]|00|20[0-9][0-9])[0-9]{6}", "n79021164", "https://id.loc.gov/authorities/{}"),
    "isni": Authority("ISNI", r"[0-9]{15}[0-9X]", "0000 0001 2281 955X", "https://isni.org/isni/{}", _isni_ok, compact=True),
    "geonames": Authority("GeoNames", r"[1-9][0-9]{0,9}", "524901", "https://www.geonames.org/{}"),
}


class ChoiceList(FieldType):
    """One word of a vocabulary, or a list of them: ``basis: confession`` or
    ``basis: [testimony, document]``."""

    scalar = False

    def __init__(self, choice: Choice):
        self.choice = choice
        self.expected = f"{choice.expected}, or a list of them"
        self.example = choice.example

    def label(self, value: str) -> str:
        return self.choice.label(value)

    def convert(self, value: Any) -> list[str]:
        items = value if isinstance(value, list) else [value]
        out = []
        for i, item in enumerate(items):
            try:
                out.append(self.choice.convert(item))
            except FieldError as exc:
                raise FieldError(exc.message, (i,) if isinstance(value, list) else (), exc.code) from None
        return out


class Colour(Text):
    expected = "a CSS colour name or #rrggbb"
    example = "red"
    NAMES = frozenset(
        "black silver gray grey white maroon red purple fuchsia green lime olive yellow navy blue teal aqua "
        "orange crimson darkred firebrick brown tomato coral gold khaki indigo violet orchid plum pink "
        "salmon sienna tan chocolate darkgreen darkblue steelblue slategray slategrey darkslategray "
        "dimgray dimgrey lightgray lightgrey darkgray darkgrey royalblue skyblue seagreen forestgreen "
        "olivedrab goldenrod peru rosybrown midnightblue darkviolet darkorange orangered beige ivory".split()
    )

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if re.fullmatch(r"#[0-9a-fA-F]{6}", text) or text.lower() in self.NAMES:
            return text.lower()
        raise self.fail(value)


class Coordinates(str):
    """A point written "55.7558, 37.6173" (latitude, then longitude, in
    decimal degrees, north and east positive). It is the text as written
    everywhere, with ``lat`` and ``lon``."""

    lat: float
    lon: float

    def __new__(cls, text: str, lat: float, lon: float) -> Coordinates:
        self = super().__new__(cls, text)
        self.lat, self.lon = lat, lon
        return self

    def __reduce__(self):
        return (Coordinates, (str(self), self.lat, self.lon))


_COORD_RE = re.compile(r"(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)")


class CoordinatesType(Text):
    expected = "latitude, then longitude, in decimal degrees, such as \"55.7558, 37.6173\""
    example = '""'

    def convert(self, value: Any) -> Coordinates:
        text = super().convert(value)
        m = _COORD_RE.fullmatch(text)
        if not m:
            raise self.fail(value)
        lat, lon = float(m.group(1)), float(m.group(2))
        if not -90 <= lat <= 90:
            raise FieldError(f"the latitude {m.group(1)} is outside -90 to 90 (latitude comes first: \"55.7558, 37.6173\")", code="type")
        if not -180 <= lon <= 180:
            raise FieldError(f"the longitude {m.group(2)} is outside -180 to 180", code="type")
        return Coordinates(f"{m.group(1)}, {m.group(2)}", lat, lon)


class PlaceRef(Text):
    """Where something happened: a place's slug, title or alias (then linked,
    under the name the place bore at the date ``at`` gives), or plain text."""

    expected = "a place's slug, title or alias, or the place's name as text"

    def __init__(self, at: str = ""):
        super().__init__()
        self.at = at  # the field whose date picks the place's name: "born"


class Cited(str):
    """One value of a list field with citations of its own:

        leaders:
          - leon-trotsky
          - value: lev-sedov
            cite: ["broue-1980, § The Trotskyist group"]

    It is the value (a ``str``) everywhere, and carries ``cites``."""

    cites: tuple

    def __new__(cls, value: str, cites) -> Cited:
        self = super().__new__(cls, value)
        self.cites = tuple(cites)
        return self

    def __repr__(self) -> str:
        return f"Cited({str.__repr__(self)}, {self.cites!r})"

    def __reduce__(self):
        return (Cited, (str(self), self.cites))


def _cited_item(item: Any, i: int, read: Callable[[Any, tuple], str]) -> str:
    """A list item: a plain value, or ``{value: …, cite: […]}``."""
    if not isinstance(item, dict) or not ({"value", "cite"} & set(item)):
        return read(item, (i,))  # a mapping of something else ('- Trotsky: the exile'): the reader explains
    for key in item:
        if key not in ("value", "cite"):
            raise FieldError(f"unknown field '{key}' for a value with its own citation (it takes 'value' and 'cite')", (i, key), "unknown-field")
    if "value" not in item:
        raise FieldError("a value with its own citation needs 'value': - value: … then cite: […]", (i,), "required")
    value = read(item["value"], (i, "value"))
    try:
        cites = CitationList().convert(item.get("cite") or [])
    except FieldError as exc:
        raise FieldError(f"'cite' {exc.message}", (i, "cite") + exc.keypath, exc.code) from None
    return Cited(value, cites) if cites else value


class TextList(FieldType):
    expected = "a list of text"
    example = "[]"
    scalar = False

    def __init__(self, allow_single: bool = False):
        self.allow_single = allow_single  # "author: string or list"

    def convert(self, value: Any) -> list[str]:
        if self.allow_single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(value)
        def read(item: Any, keypath: tuple) -> str:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(item, keypath, "text")
            return item.strip()

        return [_cited_item(item, i, read) for i, item in enumerate(value)]


class Flag(FieldType):
    """``true`` or ``false``, written so."""

    expected = "true or false"
    example = "true"

    def convert(self, value: Any) -> bool:
        text = str(value).strip() if isinstance(value, str) else value
        if text in ("true", "false"):
            return text == "true"
        raise self.fail(value)


class DateType(FieldType):
    expected = "an EDTF date"
    example = '""'

    def convert(self, value: Any):
        try:
            return parse_date(value)
        except DateError as exc:
            message = str(exc)
            if isinstance(value, str) and getattr(value, "resolved", "") is None:
                message += " (to leave a date empty, write nothing after the colon)"
            raise FieldError(message, code="date") from None


_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def a_kind(*kinds: str) -> str:
    """'a person', 'an event', 'a person or group': for messages."""
    words = " or ".join(kinds)
    return ("an " if words[:1] in ("a", "e", "i", "o", "u") else "a ") + words


@dataclass(frozen=True)
class Ref:
    """A reference to another entity, checked after every file is read."""

    kinds: tuple[str, ...]
    slug: str
    keypath: tuple  # from the top of the front matter


class RefType(FieldType):
    """A slug of another entity of one of ``kinds``."""

    def __init__(self, *kinds: str):
        self.kinds = kinds
        self.expected = f"the slug of {a_kind(*kinds)}"
        self.example = '""'

    def convert(self, value: Any) -> str:
        if not isinstance(value, str) or not _SLUG_RE.match(value.strip()):
            raise self.fail(value)
        return value.strip()


class RefList(RefType):
    scalar = False

    def __init__(self, *kinds: str):
        super().__init__(*kinds)
        self.expected = f"a list of {' or '.join(kinds)} slugs"
        self.example = "[]"

    def convert(self, value: Any) -> list[str]:
        if isinstance(value, str):
            raise FieldError(f"expected {self.expected}, got {_describe(value)}", (), "type")
        if not isinstance(value, list):
            raise self.fail(value)
        def read(item: Any, keypath: tuple) -> str:
            if not isinstance(item, str) or not _SLUG_RE.match(item.strip()):
                raise self.fail(item, keypath, f"the slug of {a_kind(*self.kinds)}")
            return item.strip()

        return [_cited_item(item, i, read) for i, item in enumerate(value)]


@dataclass(frozen=True)
class Citation:
    """``broue-1980, p. 12``: a source slug and an optional locator."""

    key: str
    locator: str = ""

    def __str__(self) -> str:
        return f"{self.key}, {self.locator}" if self.locator else self.key


def parse_citation(text: str) -> Citation | None:
    text = text.strip().removeprefix("@")
    key, _, locator = text.partition(",")
    key = key.strip()
    if not _SLUG_RE.match(key):
        return None
    return Citation(key, locator.strip())


class CitationType(FieldType):
    expected = "a source slug with an optional locator, e.g. 'broue-1980, p. 12'"
    example = '""'

    def convert(self, value: Any) -> Citation:
        cite = parse_citation(value) if isinstance(value, str) else None
        if cite is None:
            raise self.fail(value)
        return cite


class CitationList(CitationType):
    expected = "a list of citations such as ['broue-1980, p. 12']"
    scalar = False

    def convert(self, value: Any) -> list[Citation]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(value)
        return [self._one(item, i) for i, item in enumerate(value)]

    def _one(self, item: Any, i: int) -> Citation:
        cite = parse_citation(item) if isinstance(item, str) else None
        if cite is None:
            raise self.fail(item, (i,), "a citation such as 'broue-1980, p. 12'")
        return cite


class Record(FieldType):
    """A mapping with its own declared fields (a membership, a debate position)."""

    scalar = False

    def __init__(self, name: str, fields: list[Field], cited: bool = False):
        self.name = name
        self.fields = {f.name: f for f in fields}
        #: each record must say where it is documented (a warning otherwise)
        self.cited = cited
        self.expected = f"a {name} (a mapping with {', '.join(self.fields)})"

    def convert(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise self.fail(value)
        out: dict[str, Any] = {}
        errors: list[FieldError] = []
        for key, raw in value.items():
            f = self.fields.get(key)
            if f is None:
                errors.append(FieldError(_unknown_message(str(key), self.fields, f"a {self.name}"), (key,), "unknown-field"))
                continue
            if is_empty(raw, f.type):
                continue
            try:
                out[key] = f.type.convert(raw)
            except _Many as many:  # a nested list of records (a debate's positions)
                errors.extend(FieldError(e.message, (key,) + e.keypath, e.code) for e in many.errors)
            except FieldError as exc:
                errors.append(FieldError(f"'{key}' {exc.message}" if exc.message.startswith("expected") else exc.message, (key,) + exc.keypath, exc.code))
        for f in self.fields.values():
            if f.required and f.name not in out and not any(e.keypath[:1] == (f.name,) for e in errors):
                errors.append(FieldError(f"a {self.name} needs '{f.name}'", (), "required"))
        if errors:
            raise _Many(errors)
        return out


class RecordList(FieldType):
    scalar = False

    def __init__(self, record: Record):
        self.record = record
        self.expected = f"a list of {record.name}s"
        self.example = "[]"

    def convert(self, value: Any) -> list[dict]:
        if not isinstance(value, list):
            raise self.fail(value)
        out, errors = [], []
        for i, item in enumerate(value):
            try:
                out.append(self.record.convert(item))
            except _Many as many:
                errors.extend(FieldError(e.message, (i,) + e.keypath, e.code) for e in many.errors)
            except FieldError as exc:
                errors.append(FieldError(exc.message, (i,) + exc.keypath, exc.code))
        if errors:
            raise _Many(errors)
        return out


class FieldSourcesType(FieldType):
    expected = "a mapping of field names to lists of citations"
    example = "{}"
    scalar = False

    def convert(self, value: Any) -> dict[str, list[Citation]]:
        if not isinstance(value, dict):
            raise self.fail(value)
        out, errors = {}, []
        lst = CitationList()
        for key, raw in value.items():
            try:
                out[str(key)] = lst.convert(raw)
            except FieldError as exc:
                errors.append(FieldError(exc.message, (key,) + exc.keypath, exc.code))
        if errors:
            raise _Many(errors)
        return out


class _Many(Exception):
    def __init__(self, errors: list[FieldError]):
        self.errors = errors


def _unknown_message(name: str, known, where: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    msg = f"unknown field '{name}' for {where}"
    if close:
        msg += f"; did you mean '{close[0]}'?"
    return msg


@dataclass(frozen=True)
class Edge:
    """A kind of edge of the network: its name (in GraphML, GEXF and the
    table), its wording and its rank (the order of tables and legends, and
    how close a tie it is when a drawing must leave some out: lower first)."""

    name: str
    label: str
    rank: int


MEMBER = Edge("member", "member", 0)
LEADER = Edge("leader", "led", 1)
PARTICIPANT = Edge("participant", "took part", 2)
GROUP_IN_EVENT = Edge("group-in-event", "took part", 3)
PREDECESSOR = Edge("predecessor", "preceded", 4)
MERGER = Edge("merger", "merged into", 5)
PART_OF = Edge("part-of", "part of", 6)
#: a link in a body (not a field): the weakest tie
MENTION = Edge("mention", "mentions", 100)


@dataclass(frozen=True)
class Relation:
    """What a reference field means, declared beside the field.

    Everything a relation shows is derived from this one declaration: the
    section that lists the holder on the target's page (``inverse``, placed
    by ``place``), the heading of the holders in the target's "What links
    here" (``phrase``: a verb phrase in the plural with ``{}`` for the
    target's title, "list {} as a participant", read as "Events that list
    Leon Trotsky as a participant"),
    the edge of the network (``edge``, drawn from the holder to the target
    unless ``edge_from_target``), the JSON-LD properties of both pages, and
    the row of ``relations.csv`` (named by the field).

    ``converse`` names the target's field that states the same fact from the
    other side (a group's ``members`` and a person's ``memberships``): when
    the target states it too, the inverse item and the edge come from the
    target's side only, so nothing is shown twice. ``note`` says what an
    inverse item adds to the holder's name: ``"record"`` the record's role,
    dates and note (a membership), ``"span"`` the holder's own dates (the
    events a person took part in), ``""`` nothing.
    """

    inverse: str = ""
    phrase: str = ""
    edge: Edge | None = None
    edge_from_target: bool = False
    jsonld: str = ""
    jsonld_inverse: str = ""
    converse: str = ""
    note: str = ""
    place: int = 1000
    #: how the two ends' spans must stand: "overlap", "within" (the holder's
    #: inside the target's), "before"/"after" (the target began no later/no
    #: earlier than the holder), or "" (no check); see ``checks``
    when: str = ""
    #: how a conflict with ``when`` is reported: "warning" or "error"
    severity: str = "warning"
    #: for note="record": the record's fields the inverse item shows, in
    #: order ("dates" is its from–to)
    shows: tuple[str, ...] = ("role", "dates", "note")
    #: the target's infobox lists the holders too, linked, in a row labelled
    #: ``inverse`` (with the target's own field of that label, if it has
    #: one: a group's ``members`` beside the person's own ``memberships``)
    infobox: bool = False

    def __post_init__(self) -> None:
        if self.phrase and (self.phrase.count("{}") != 1 or self.phrase.replace("{}", "").count("{") or "}" in self.phrase.replace("{}", "")):
            raise ValueError(f"Relation.phrase must hold '{{}}' once, for the target's title (\"list {{}} as a participant\"), not {self.phrase!r}")
        if self.note not in ("", "record", "span"):
            raise ValueError(f"Relation.note must be '', 'record' or 'span', not {self.note!r}")
        if self.severity not in ("warning", "error"):
            raise ValueError(f"Relation.severity must be 'warning' or 'error', not {self.severity!r}")
        if self.when not in ("", "overlap", "within", "before", "after"):
            raise ValueError(f"Relation.when must be '', 'overlap', 'within', 'before' or 'after', not {self.when!r}")


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    description: str
    required: bool = False
    label: str = ""  # infobox label; empty means: not shown in the infobox
    #: scaffolds (dossier new) show this example value instead of the type's
    example: str | None = None
    #: for a reference (or a record holding one): what the relation means
    relation: Relation | None = None


# Reusable field types ------------------------------------------------------

GENRES = (
    "letter",
    "trial-record",
    "interrogation-record",
    "memoir",
    "press",
    "archive-document",
    "decree",
    "historiography",
    "reference",
)
#: How pages name each genre.
GENRE_LABELS = {"reference": "Reference work"}
#: How far a debate is settled.
DEBATE_STATUS = Choice("unresolved", "consensus", "settled")
ENTRY_TYPES = ("book", "article", "chapter", "periodical", "letter", "webpage", "document")

MEMBERSHIP = Record(
    "membership",
    [
        Field(
            "group",
            RefType("group"),
            "the group's slug",
            required=True,
            relation=Relation(inverse="Members", phrase="record a membership in {}", edge=MEMBER, jsonld="memberOf", jsonld_inverse="member", note="record", place=30, when="overlap"),
        ),
        Field("role", Text(), "the person's role in it, e.g. 'leader'"),
        Field("from", DateType(), "when the membership began"),
        Field("to", DateType(), "when it ended"),
        Field("note", Text(), "a short remark"),
        Field("cite", CitationList(), "where the membership is attested: ['broue-1980, p. 12']"),
    ],
)
POSITION = Record(
    "position",
    [
        Field("by", RefType("person"), "the historian's (or participant's) person slug", required=True, relation=Relation(phrase="cite a position taken by {}")),
        Field("view", Text(), "their view, in a sentence", required=True),
        Field("cite", CitationType(), "where they say it: a source slug, optionally ', p. 12'"),
    ],
)
DEBATE = Record(
    "debate",
    [
        Field("question", Text(), "the open question", required=True),
        Field("status", DEBATE_STATUS, "how far it is settled"),
        Field("positions", RecordList(POSITION), "each historian's position", required=True),
        Field("note", Text(), "a remark on the state of the question"),
    ],
)

COMMON: list[Field] = [
    Field("title", Text(), "display name ('Lev Sedov', 'Bloc of Oppositions')", required=True, example='""'),
    Field("type", Choice("person", "group", "event", "source", "article", "place"), "restates the type given by the folder (optional)"),
    Field("aliases", TextList(), "other names that resolve to this page in links and search", label="Also known as"),
    Field("native_name", Text(), "the name in the original script ('Лев Львович Седов')", label="Native name"),
    Field("native_lang", LanguageTag(), "the language of native_name, a BCP 47 tag ('ru', 'uk', 'de'); without it the name is marked with its script only ('und-Cyrl'), except for scripts of one language (Georgian 'ka', Armenian 'hy', Greek 'el'); with 'ru', the common romanisations are generated for search and links (see the guide)"),
    Field("summary", Text(), "one sentence, used in indexes, link previews and the page description"),
    Field("tags", TextList(), "free keywords"),
    Field("sources", RefList("source"), "sources that support the page as a whole", relation=Relation(phrase="list {} as a source")),
    Field("wikidata", AUTHORITIES["wikidata"], "Wikidata identifier: the authority-control line and a sameAs link"),
    Field("viaf", AUTHORITIES["viaf"], "VIAF identifier (the Virtual International Authority File)"),
    Field("gnd", AUTHORITIES["gnd"], "GND identifier (the German National Library's authority file)"),
    Field("lccn", AUTHORITIES["lccn"], "Library of Congress name or subject authority identifier, e.g. n79021164"),
    Field("isni", AUTHORITIES["isni"], "ISNI, 16 characters (spaces allowed; its check character is verified)"),
    Field(
        "former_slugs",
        TextList(),
        "the slugs this page had before it was renamed or merged into another ('butov-death', or 'events/butov-death' from another folder): their addresses keep working",
    ),
    Field("debates", RecordList(DEBATE), "contested questions, with each historian's position"),
    Field("field_sources", FieldSourcesType(), "sources for single infobox values: {leaders: ['broue-1980, p. 12']}"),
]

PERSON: list[Field] = [
    Field("born", DateType(), "date of birth (EDTF)", label="Born"),
    Field(
        "birth_place",
        PlaceRef(at="born"),
        "place of birth: a place's slug, title or alias (linked, under its name at the birth) or text",
        label="Birthplace",
        relation=Relation(inverse="Born here", phrase="give {} as the place of birth", jsonld="birthPlace", note="span", place=20),
    ),
    Field("died", DateType(), "date of death (EDTF)", label="Died"),
    Field(
        "death_place",
        PlaceRef(at="died"),
        "place of death: a place's slug, title or alias, or text",
        label="Place of death",
        relation=Relation(inverse="Died here", phrase="give {} as the place of death", jsonld="deathPlace", note="span", place=30),
    ),
    Field("roles", TextList(), "offices and roles, e.g. 'Chairman of the Communist International' (leading or belonging to a group that has a page is a relation: the group's leaders or members, or a membership)", label="Roles"),
    Field("memberships", RecordList(MEMBERSHIP), "groups the person belonged to: {group, role, from, to, note}", label="Member of"),
]

GROUP: list[Field] = [
    Field("colorcode", Colour(), "CSS colour name or #rrggbb", label="Colour"),
    Field(
        "leaders",
        RefList("person"),
        "person slugs",
        label="Leaders",
        relation=Relation(inverse="Led", phrase="name {} as a leader", edge=LEADER, edge_from_target=True, jsonld="member", jsonld_inverse="memberOf", note="span", place=10, when="overlap", infobox=True),
    ),
    Field("founded", DateType(), "date of founding (EDTF)", label="Founded"),
    Field(
        "seat",
        PlaceRef(at="founded"),
        "where it was based: a place's slug, title or alias, or text",
        label="Seat",
        relation=Relation(inverse="Seat of", phrase="give {} as their seat", jsonld="location", note="span", place=40),
    ),
    Field("dissolved", DateType(), "date of dissolution (EDTF)", label="Dissolved"),
    Field(
        "merger",
        RefList("group"),
        "groups that merged to form it",
        label="Merger of",
        relation=Relation(inverse="Merged into", phrase="were formed by a merger including {}", edge=MERGER, edge_from_target=True, place=40, when="before"),
    ),
    Field(
        "predecessor",
        RefList("group"),
        "groups it succeeded",
        label="Preceded by",
        relation=Relation(inverse="Succeeded by", phrase="name {} as a predecessor", edge=PREDECESSOR, edge_from_target=True, converse="successor", place=60, when="before"),
    ),
    Field(
        "successor",
        RefList("group"),
        "groups that succeeded it",
        label="Succeeded by",
        relation=Relation(inverse="Preceded by", phrase="name {} as a successor", edge=PREDECESSOR, converse="predecessor", place=50, when="after"),
    ),
    Field(
        "part_of",
        RefList("group"),
        "larger groups it was a wing or member of",
        label="Part of",
        relation=Relation(inverse="Wings and member groups", phrase="are part of {}", edge=PART_OF, jsonld="parentOrganization", place=70, when="overlap"),
    ),
    Field(
        "members",
        RefList("person"),
        "person slugs, besides memberships declared on person pages",
        label="Members",
        relation=Relation(inverse="Member of", phrase="list {} as a member", edge=MEMBER, edge_from_target=True, jsonld="member", jsonld_inverse="memberOf", converse="memberships", place=20, when="overlap", infobox=True),
    ),
    Field("ideology", TextList(), "ideologies", label="Ideology"),
    Field("position", Text(), "political position", label="Political position"),
    Field("state", Text(), "the state it worked in", label="State"),
]

#: What a charge rested on, and what became of it.
CHARGE_BASIS = Choice("confession", "testimony", "document", "none", labels={"confession": "confession", "testimony": "testimony", "document": "document", "none": "nothing"})
CHARGE_STATUS = Choice(
    "documented",
    "confession-only",
    "retracted",
    "refuted",
    "unresolved",
    labels={"documented": "documented", "confession-only": "confession only", "retracted": "retracted", "refuted": "refuted", "unresolved": "unresolved"},
)
CHARGE = Record(
    "charge",
    [
        Field(
            "accused",
            RefList("person", "group"),
            "who was accused: person or group slugs",
            required=True,
            relation=Relation(
                inverse="Accused", phrase="accuse {}", note="record", shows=("charge", "status"), when="overlap", severity="error", place=96
            ),
        ),
        Field("charge", Text(), "the accusation, in a sentence", required=True),
        Field(
            "claimed_by",
            RefType("person", "group", "source"),
            "who made it: a person, a group, or the text (a source) that made it",
            relation=Relation(inverse="Accusations made", phrase="record an accusation made by {}", note="record", shows=("charge", "status"), place=97),
        ),
        Field("basis", ChoiceList(CHARGE_BASIS), "what it rested on: confession, testimony, document, none, or a list of them"),
        Field("status", CHARGE_STATUS, "what became of it: documented, confession-only, retracted, refuted, unresolved", required=True),
        Field("note", Text(), "what later evidence says, in a sentence or two"),
        Field("cite", CitationList(), "where the charge and its fate are documented: ['getty-1985, p. 123']"),
    ],
    cited=True,
)

EVENT: list[Field] = [
    Field("date", DateType(), "when it happened (EDTF)", required=True, label="Date"),
    Field("end", DateType(), "when it ended (EDTF)", label="Ended"),
    Field(
        "place",
        PlaceRef(at="date"),
        "where it happened: a place's slug, title or alias (linked, under its name at the date) or text",
        label="Place",
        relation=Relation(inverse="Events here", phrase="took place at {}", jsonld="location", note="span", place=10),
    ),
    Field(
        "participants",
        RefList("person"),
        "person slugs",
        label="Participants",
        relation=Relation(inverse="Events", phrase="list {} as a participant", edge=PARTICIPANT, edge_from_target=True, jsonld="about", note="span", place=90, when="overlap"),
    ),
    Field(
        "groups",
        RefList("group"),
        "group slugs",
        label="Groups",
        relation=Relation(inverse="Events", phrase="list {} among the groups involved", edge=GROUP_IN_EVENT, edge_from_target=True, jsonld="about", note="span", place=90, when="overlap"),
    ),
    Field(
        "part_of",
        RefType("event"),
        "the larger event it belongs to",
        label="Part of",
        relation=Relation(inverse="Parts", phrase="are part of {}", edge=PART_OF, jsonld="superEvent", note="span", place=80, when="within"),
    ),
    Field(
        "about",
        RefList("person", "group", "event"),
        "what it concerned without taking part: the group a trial was about, a dissolved movement an archive discovery sheds light on",
        label="About",
        relation=Relation(inverse="Subject of", phrase="are about {}", jsonld="about", note="span", place=92),
    ),
    Field("outcome", Text(), "its outcome", label="Outcome"),
    Field("charges", RecordList(CHARGE), "the accusations made in it: {accused, charge, claimed_by, basis, status, note, cite}"),
]

SOURCE: list[Field] = [
    Field("kind", Choice("primary", "secondary"), "primary (from the time) or secondary (a later study)", required=True, label="Kind"),
    Field("genre", Choice(*GENRES, labels=GENRE_LABELS), "what sort of evidence it is: how much weight to give it", label="Genre"),
    Field("entry_type", Choice(*ENTRY_TYPES), "bibliographic shape (inferred when absent)"),
    Field("author", TextList(allow_single=True), "author or authors ('Broué, Pierre' or 'Pierre Broué')", label="Author"),
    Field("posthumous", Flag(), "true when it was published after its author's death (else a date after the death is a contradiction)"),
    Field("editor", TextList(allow_single=True), "editor or editors"),
    Field("translator", TextList(allow_single=True), "translator or translators"),
    Field("recipient", Text(), "for a letter: to whom"),
    Field("date", DateType(), "date of publication or writing (EDTF)", label="Date"),
    Field("publisher", Text(), "publisher", label="Publisher"),
    Field("publisher_place", Text(), "place of publication"),
    Field("container", Text(), "periodical or collection title", label="In"),
    Field("volume", Text(numbers=True), "volume"),
    Field("issue", Text(numbers=True), "issue number"),
    Field("pages", Text(numbers=True), "page range, e.g. 5–37"),
    Field("archive", Text(), "archive or collection that holds it", label="Archive"),
    Field("url", URL(), "web address"),
    Field("archived_url", URL(), "archived copy of the web address"),
    Field("accessed", DateType(), "when the web address was consulted"),
    Field("language", Text(), "language of the source", label="Language"),
    Field("short_title", Text(), "a short title for shortened notes (Chicago): 'Trotsky et le bloc'"),
]

ARTICLE: list[Field] = [
    Field("date", DateType(), "date of writing (EDTF)", label="Written"),
    Field("author", TextList(allow_single=True), "the article's author or authors", label="Author"),
    Field(
        "about",
        RefList("person", "group", "event", "source", "article"),
        "entities the article is about",
        label="About",
        relation=Relation(inverse="Articles", phrase="are about {}", jsonld="about", place=100),
    ),
]


PLACE_NAME = Record(
    "name",
    [
        Field("name", Text(), "the name, as the place bore it ('Petrograd')", required=True),
        Field("from", DateType(), "when it began to bear it (EDTF)"),
        Field("to", DateType(), "when it stopped (EDTF)"),
        Field("cite", CitationList(), "where the renaming is attested"),
    ],
)
PLACE_KINDS = Choice("city", "town", "village", "building", "prison", "camp", "region", "country", "island", "other")

PLACE: list[Field] = [
    Field("kind", PLACE_KINDS, "what sort of place: city, town, village, building, prison, camp, region, country, island or other", label="Kind"),
    Field("coordinates", CoordinatesType(), "latitude, then longitude, in decimal degrees ('55.7558, 37.6173'): the place on its maps", label="Coordinates"),
    Field(
        "part_of",
        RefType("place"),
        "the larger place it lies in (a city's region, a prison's town)",
        label="Part of",
        relation=Relation(inverse="Places within", phrase="lie within {}", place=5),
    ),
    Field("names", RecordList(PLACE_NAME), "the names it bore over time, each with from and to (EDTF): pages show the name of the date", label="Names"),
    Field("geonames", AUTHORITIES["geonames"], "GeoNames identifier (digits), for the authority-control line and sameAs"),
]


@dataclass(frozen=True)
class ContentType:
    name: str  # person
    folder: str  # people
    plural: str  # People
    fields: dict[str, Field]
    own_fields: tuple[str, ...]  # the type-specific ones, in infobox order
    label: str = ""  # Person
    #: the fields that give its life or activity: (start, end); end may be ""
    span: tuple[str, str] = ("", "")
    #: how a page header words a span with one side unknown: ("born", "died");
    #: empty for a type whose span without an end is a single date (an event)
    open_words: tuple[str, str] = ("", "")
    #: its schema.org type, for JSON-LD
    jsonld: str = ""
    #: how messages say that its span began and ended: ("was born", "died")
    span_verbs: tuple[str, str] = ("began", "ended")

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields.values())

    def unknown_field_message(self, name: str) -> str:
        return _unknown_message(name, self.fields, a_kind(self.name))

    def infobox_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.label]


def _ctype(name: str, folder: str, plural: str, own: list[Field], span: tuple[str, str], open_words: tuple[str, str], jsonld: str, verbs: tuple[str, str]) -> ContentType:
    fields = {f.name: f for f in COMMON}
    fields.update({f.name: f for f in own})
    return ContentType(name, folder, plural, fields, tuple(f.name for f in own), name.capitalize(), span, open_words, jsonld, verbs)


#: The home page (content/index.md, an extension of the format): title,
#: summary and a body, nothing else.
HOME = ContentType("home", "", "Pages", {f.name: f for f in COMMON if f.name in ("title", "summary")}, (), "Home")


@dataclass(frozen=True)
class Reference:
    """One reference to another entity in an entity's fields."""

    keypath: tuple  # from the top of the front matter: ("memberships", 0, "group")
    slug: str
    kinds: tuple[str, ...]  # what it may name
    field: str  # the top-level field: "memberships"
    relation: Relation | None  # what it means (declared on the innermost field)
    record: dict | None = None  # the record holding it (a membership), if any
    record_type: Record | None = None  # that record's declaration
    #: a place written by name or as text (``PlaceRef``): it names an entity
    #: only if a place has that slug, title or alias; otherwise it is text
    loose: bool = False

    @property
    def cites(self) -> tuple:
        """The citations given for this one relation: the record's ``cite``,
        or the value's own (``{value: …, cite: […]}``)."""
        if self.record is not None and self.record.get("cite"):
            return tuple(self.record["cite"])
        return getattr(self.slug, "cites", ())


@dataclass(frozen=True)
class FieldCitation:
    """A citation given in the fields: for a whole field (``field_sources``),
    one value of a list, one record, or a debate position."""

    keypath: tuple  # where the citation is written
    cite: Citation
    field: str  # the top-level field it supports
    value: Any = None  # the value, record or debate position it supports (None: the whole field)


class Schema:
    """The content types of a site, in page order, and what follows from
    their declarations: the one walker over references, the relations."""

    def __init__(self, types: list[ContentType], name: str = "dossier"):
        self.types: dict[str, ContentType] = {t.name: t for t in types}
        self.by_folder: dict[str, ContentType] = {t.folder: t for t in types}
        #: part of every cache key: a site built with another schema never
        #: reads entities validated by this one
        self.name = name

    def __getitem__(self, kind: str) -> ContentType:
        return self.types[kind] if kind != "home" else HOME

    def __contains__(self, kind: str) -> bool:
        return kind in self.types

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every content type's name, in the order pages list them."""
        return tuple(self.types)

    def extend(self, kind: str, *fields: Field, name: str) -> Schema:
        """A copy in which type ``kind`` also has ``fields`` (tests, and sites
        that add fields of their own)."""
        types = []
        for t in self.types.values():
            if t.name == kind:
                more = dict(t.fields)
                more.update({f.name: f for f in fields})
                t = ContentType(t.name, t.folder, t.plural, more, t.own_fields + tuple(f.name for f in fields), t.label, t.span, t.open_words, t.jsonld, t.span_verbs)
            types.append(t)
        return Schema(types, name)

    def relations(self) -> Iterator[tuple[str, str, Relation]]:
        """(kind, field, declaration) of every relation, records included."""
        for t in self.types.values():
            for f in t.fields.values():
                for rel in _relations_of(f):
                    yield t.name, f.name, rel

    def infobox_sections(self) -> list[str]:
        """The titles of the inverse sections that infoboxes show too, in order."""
        shown = {rel.inverse for _k, _f, rel in self.relations() if rel.inverse and rel.infobox}
        return [title for title in self.sections() if title in shown]

    def sections(self) -> list[str]:
        """The titles of the inverse sections, in the order pages show them."""
        places: dict[str, int] = {}
        for _kind, _field, rel in self.relations():
            if rel.inverse:
                places[rel.inverse] = min(rel.place, places.get(rel.inverse, rel.place))
        return sorted(places, key=lambda title: (places[title], title))

    def edges(self) -> list[Edge]:
        """Every kind of network edge, mentions included, by rank."""
        found = {rel.edge.name: rel.edge for _k, _f, rel in self.relations() if rel.edge}
        found[MENTION.name] = MENTION
        return sorted(found.values(), key=lambda e: (e.rank, e.name))

    def mutual(self, kind: str, field_name: str) -> bool:
        """Whether the field's converse names it back as its own converse
        (predecessor and successor): then both sides draw the same edge."""
        rel = _field_relation(self.types.get(kind), field_name)
        if rel is None or not rel.converse:
            return False
        for _k, f, other in self.relations():
            if f == rel.converse and other.converse == field_name:
                return True
        return False

    def references(self, kind: str, values: dict[str, Any]) -> Iterator[Reference]:
        """Every reference in the validated ``values`` of an entity of ``kind``,
        in field order: the one walker every stage uses."""
        if kind not in self.types:
            return
        for name, f in self.types[kind].fields.items():
            if name in values:
                yield from _walk(f, values[name], (name,), name, None)

    def citations(self, kind: str, values: dict[str, Any]) -> Iterator[FieldCitation]:
        """Every citation in the validated ``values``, in field order."""
        ctype = self[kind]
        for name, f in ctype.fields.items():
            if name not in values:
                continue
            value = values[name]
            if isinstance(f.type, FieldSourcesType):
                for field_name, cites in value.items():
                    for i, cite in enumerate(cites):
                        yield FieldCitation((name, field_name, i), cite, field_name)
            else:
                yield from _citations_in(f, value, (name,), name)

    def span(self, kind: str, values: dict[str, Any]) -> tuple[Any, Any]:
        """(start, end) of an entity's life or activity: born–died,
        founded–dissolved, date–end; a source's or article's date. The one
        place that knows which fields those are."""
        first, last = self[kind].span
        return (values.get(first) if first else None, values.get(last) if last else None)

    def span_text(self, kind: str, values: dict[str, Any], header: bool = False) -> str:
        """The reader's wording of the span: '1879–1940', '1923 – ?', an
        event's '1932' or '19–24 August 1936'. ``header`` words a life with
        one side unknown as a page header does: 'born 1899', 'until 1933'."""
        ctype = self[kind]
        a, b = self.span(kind, values)
        if a is None and b is None:
            return ""
        if not ctype.open_words[0]:  # a point in time unless it says when it ended
            return a.human() if b is None and a is not None else format_range(a, b)
        if header and b is None:
            return f"{ctype.open_words[0]} {a.human()}"
        if header and a is None:
            return f"{ctype.open_words[1]} {b.human()}"
        return format_range(a, b)


def _citations_in(f: Field, value: Any, keypath: tuple, top: str) -> Iterator[FieldCitation]:
    t = f.type
    if isinstance(t, (RefList, TextList)):
        for i, item in enumerate(value):
            for j, cite in enumerate(getattr(item, "cites", ())):
                yield FieldCitation(keypath + (i, "cite", j), cite, top, item)
    elif isinstance(t, RecordList):
        for i, rec in enumerate(value):
            for sub, sf in t.record.fields.items():
                if sub not in rec:
                    continue
                if isinstance(sf.type, CitationList):
                    for j, cite in enumerate(rec[sub]):
                        yield FieldCitation(keypath + (i, sub, j), cite, top, rec)
                elif isinstance(sf.type, CitationType):
                    yield FieldCitation(keypath + (i, sub), rec[sub], top, rec)
                else:
                    yield from _citations_in(sf, rec[sub], keypath + (i, sub), top)


def _relations_of(f: Field) -> Iterator[Relation]:
    if f.relation is not None:
        yield f.relation
    if isinstance(f.type, RecordList):
        for sf in f.type.record.fields.values():
            yield from _relations_of(sf)


def _field_relation(ctype: ContentType | None, field_name: str) -> Relation | None:
    f = ctype.fields.get(field_name) if ctype else None
    return next(_relations_of(f), None) if f else None


def _walk(f: Field, value: Any, keypath: tuple, top: str, record: dict | None, rtype: Record | None = None) -> Iterator[Reference]:
    t = f.type
    if isinstance(t, RefList):
        for i, slug in enumerate(value):
            yield Reference(keypath + (i,), slug, t.kinds, top, f.relation, record, rtype)
    elif isinstance(t, RefType):
        yield Reference(keypath, value, t.kinds, top, f.relation, record, rtype)
    elif isinstance(t, PlaceRef):
        yield Reference(keypath, value, ("place",), top, f.relation, record, rtype, loose=True)
    elif isinstance(t, RecordList):
        for i, rec in enumerate(value):
            for sub, sf in t.record.fields.items():
                if sub in rec:
                    yield from _walk(sf, rec[sub], keypath + (i, sub), top, rec, t.record)


SCHEMA = Schema(
    [
        _ctype("person", "people", "People", PERSON, ("born", "died"), ("born", "died"), "Person", ("was born", "died")),
        _ctype("group", "groups", "Groups", GROUP, ("founded", "dissolved"), ("from", "until"), "Organization", ("was founded", "was dissolved")),
        _ctype("event", "events", "Events", EVENT, ("date", "end"), ("", ""), "Event", ("began", "ended")),
        _ctype("source", "sources", "Sources", SOURCE, ("date", ""), ("", ""), "CreativeWork", ("was written", "was written")),
        _ctype("article", "articles", "Articles", ARTICLE, ("date", ""), ("", ""), "Article", ("was written", "was written")),
        _ctype("place", "places", "Places", PLACE, ("", ""), ("", ""), "Place", ("began", "ended")),
    ]
)
#: The default schema's types (what docs and scaffolds describe).
CONTENT_TYPES: dict[str, ContentType] = SCHEMA.types
TYPE_BY_FOLDER = SCHEMA.by_folder


def convert_fields(ctype: ContentType, meta: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Convert every field of ``meta``; return the values and all errors."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, raw in meta.items():
        f = ctype.fields.get(str(name))
        if f is None:
            errors.append(FieldError(ctype.unknown_field_message(str(name)), (name,), "unknown-field"))
            continue
        if is_empty(raw, f.type):
            if f.required:
                errors.append(FieldError(f"'{name}' is required but empty", (name,), "required"))
            continue
        try:
            values[name] = f.type.convert(raw)
        except _Many as many:
            errors.extend(FieldError(e.message, (name,) + e.keypath, e.code) for e in many.errors)
        except FieldError as exc:
            msg = exc.message
            if exc.code in ("type", "date", "vocabulary"):
                msg = f"'{name}' must be {msg[len('expected '):]}" if msg.startswith("expected ") else f"'{name}': {msg}"
            errors.append(FieldError(msg, (name,) + exc.keypath, exc.code))
    for f in ctype.fields.values():
        if f.required and f.name not in meta:
            errors.append(FieldError(f"the required field '{f.name}' is missing", (), "required"))
    errors.extend(_old_style_warnings(values, ()))
    if "native_lang" in values and "native_name" not in values and not any(e.keypath[:1] == ("native_name",) for e in errors):
        errors.append(FieldError("'native_lang' gives the language of 'native_name', which this page does not have", ("native_lang",), "required"))
    elif "native_name" in values and "native_lang" not in values and "native_lang" in ctype.fields:
        values["native_lang"] = default_native_lang(values["native_name"])
    return values, errors


def _old_style_warnings(value: Any, keypath: tuple) -> Iterator[FieldError]:
    """Old Style dates that may fall after Russia's calendar reform.

    31 January 1918 (Julian) was followed by 14 February 1918 (Gregorian):
    a date marked O.S. whose Gregorian equivalent can be on or after that
    day is almost certainly a New Style date marked by mistake.
    """
    if isinstance(value, Date):
        if value.calendar == "julian" and value.upper >= GREGORIAN_REFORM_RUSSIA:
            yield FieldError(
                f"'{value.edtf}' is marked O.S., but Old Style dates end with 31 January 1918: "
                f"its Gregorian equivalent, {value.gregorian_edtf}, is after Russia adopted the Gregorian calendar",
                keypath,
                "old-style",
                warning=True,
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _old_style_warnings(item, keypath + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _old_style_warnings(item, keypath + (i,))
