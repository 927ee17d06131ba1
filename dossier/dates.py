"""The date model: EDTF levels 0 and 1, bounded, ordered and worded for readers.

Historians write dates in the Library of Congress Extended Date/Time Format
(EDTF).  This module accepts its levels 0 and 1 and nothing else, parses them
with the ``edtf`` package, and turns each into a :class:`Date`:

``edtf``
    the canonical EDTF string (what ``str(date)`` returns);
``lower`` / ``upper``
    the earliest and the latest day the date could be, as ``datetime.date``;
:meth:`Date.human`
    the wording a reader sees ("c. December 1932", "early 1933", "the 1930s").

The model, and the decisions behind it
--------------------------------------
* **Strict bounds.**  ``lower``/``upper`` are the bounds of the value as
  written; the qualifiers ``~`` (approximate), ``?`` (uncertain) and ``%``
  (both) never widen them.  ``1932~`` spans 1932-01-01 … 1932-12-31.
  :func:`certainly_before` compares those strict bounds, so ``1931~`` is
  certainly before ``1932`` while ``1932?`` is not certainly before
  ``1932-06`` (they overlap).
* **Intervals** (``1933-01/1933-04``) mean "some time within", so ``lower`` is
  the start's first day and ``upper`` the end's last day.  An open (``..``) or
  unknown (empty) end has no bound: ``lower`` is ``date.min`` and ``upper`` is
  ``date.max``.  A reader sees "1933 or earlier" for ``../1933`` and ``/1933``
  and "1933 or later" for ``1933/..`` and ``1933/`` (both ends included, which
  "before"/"after" would not say).  ``../..`` and intervals whose start comes
  after their end are rejected.
* **Unspecified digits.**  ``193X`` is 1930-01-01 … 1939-12-31, "the 1930s";
  ``19XX`` is 1900 … 1999, "the 20th century" (the everyday reading of EDTF's
  hundred years 1900-1999, not the strict 1901-2000).  ``-01XX`` (EDTF years
  -199 … -100, i.e. 200-101 BC) is exactly "the 2nd century BC".  BCE decades
  and the decade ``000X`` are worded as explicit year ranges ("200–191 BC").
  ``1932-XX`` / ``1932-XX-XX`` read "1932", ``1932-12-XX`` "December 1932".
  Three or four ``X`` (``1XXX``) are level 2 in the EDTF specification and are
  rejected, as is any ``X`` inside an interval.
* **Seasons** (21-24) follow the Northern-hemisphere convention: spring is
  March-May, summer June-August, autumn September-November, and winter is
  December of its year to the end of February of the next, so ``1929-24``
  reads "winter 1929–1930".  A qualified season (``1929-22~``, "c. summer
  1929") is level 1 but the ``edtf`` package cannot parse it on its own; this
  module parses the season and attaches the qualifier itself.
* **BCE.**  EDTF years are astronomical: ``0000`` is 1 BC and ``-0043`` is
  44 BC, so ``-0043-03-15`` reads "15 March 44 BC".  Leap years follow the
  proleptic Gregorian calendar.  ``datetime.date`` cannot hold years before 1,
  so ``lower``/``upper`` are clamped to ``date.min`` (and to ``date.max`` past
  9999, which only the winter of 9999 reaches); :meth:`Date.sort_key`,
  :func:`certainly_before` and :func:`year_span` use unclamped proleptic day
  numbers and years instead, so ``-0043`` still sorts before ``0001``.
* **Long years** (``Y170000002``) are rejected: a year must have four digits.
* **Times.**  ``1932-12-24T10:00:00`` keeps its time in ``edtf`` but is a day
  everywhere else; a ``datetime.datetime`` value stands for its date only.
* **YAML.**  Unquoted YAML dates arrive as ``datetime.date`` (``1906-02-24``)
  or ``int`` (``1932``, ``-43``); both mean what the quoted string means.
  Surrounding whitespace is ignored; whitespace inside is an error.

Wording is English, deterministic and independent of the locale: days have no
leading zero ("1 December 1934"), ranges use an en dash.

Speed
-----
The ``edtf`` package's pyparsing grammar costs tens of milliseconds a date, which
a site with thousands of people cannot afford.  The forms editors actually write
(days, months, years, seasons, ``X`` digits, qualifiers, negative years,
intervals of those with open or unknown ends, level-0 date-times) are therefore
recognised first by compiled regular expressions that mirror the package's
grammar (:func:`_analyse_fast`); anything else, and every level-2 expression,
goes to the ``edtf`` package (:func:`_analyse_slow`).  Both give the same
:class:`Date` and the same :class:`DateError` messages (a property test checks
it), and :func:`parse_date` remembers the dates of the strings it has seen.
"""

from __future__ import annotations

import calendar
import contextvars
import dataclasses
import datetime as _dt
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache


class _LazyEdtf:
    """The ``edtf`` package, imported on first use: its pyparsing grammar
    costs a tenth of a second to import, and the regular-expression fast
    path below handles most dates without it (an up-to-date build imports
    this module and parses no date at all)."""

    def __getattr__(self, name: str):
        import edtf as module

        globals()["edtf"] = module
        return getattr(module, name)


edtf = _LazyEdtf()

__all__ = [
    "Date",
    "DateError",
    "certainly_before",
    "format_range",
    "parse_date",
    "year_span",
]

# ---------------------------------------------------------------------------
# Errors

#: What a valid value looks like, for error messages.
EXPECTED = (
    "an EDTF date (levels 0–1) such as 1932-12-24, 1932-12~, 1933? or 1933-01/1933-04"
)
EXPECTED_LEVEL = "an EDTF date of level 0 or 1 (level 2 features are not supported)"
EXPECTED_YEAR = "a year from -9999 to 9999"


class DateError(ValueError):
    """A value that is not an accepted date.

    ``str(error)`` (also ``error.reason``) reads "expected X, got Y" and never
    names the field, so callers can prefix it ("'born': expected ...") or build
    their own sentence from ``error.expected`` and ``error.found``
    ("'born' must be {expected}, got {found}").
    """

    def __init__(self, expected: str, found: str) -> None:
        self.expected = expected
        self.found = found
        self.reason = f"expected {expected}, got {found}"
        super().__init__(self.reason)

    def __reduce__(self) -> tuple[type[DateError], tuple[str, str]]:
        return (type(self), (self.expected, self.found))  # picklable across processes


def _quote(text: str) -> str:
    """Quote a value for an error message, shortening very long ones."""
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


def _level_2(text: str) -> DateError:
    return DateError(EXPECTED_LEVEL, f"the level-2 EDTF expression {_quote(text)}")


# ---------------------------------------------------------------------------
# Calendar helpers (proleptic Gregorian, astronomical years: 0 = 1 BC)

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
#: First and last month of each season; winter ends in February of the next year.
SEASON_MONTHS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 2)}
QUALIFIERS = {"": "", "~": "c. ", "?": "possibly ", "%": "possibly c. "}

_DAYS_PER_400_YEARS = 146_097
#: Sort keys for open interval ends: beyond any day of a four-digit year.
_OPEN_START_KEY = -(10**9)
_OPEN_END_KEY = 10**9
#: year_span() values for open interval ends.
_OPEN_START_YEAR = -9999
_OPEN_END_YEAR = 9999

Day = tuple[int, int, int]  # (year, month, day), year astronomical


def _days_in_month(year: int, month: int, julian: bool = False) -> int:
    if month == 2:
        leap = year % 4 == 0 if julian else calendar.isleap(year)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _day_number(day: Day) -> int:
    """Proleptic day number, equal to ``date.toordinal()`` for years 1-9999."""
    year, month, dom = day
    cycles = 0  # shift by whole 400-year cycles into datetime's range
    while year < 1:
        year, cycles = year + 400, cycles - 1
    while year > 9999:
        year, cycles = year - 400, cycles + 1
    return _dt.date(year, month, dom).toordinal() + cycles * _DAYS_PER_400_YEARS


def _clamped(day: Day) -> _dt.date:
    year, month, dom = day
    if year < _dt.MINYEAR:
        return _dt.date.min
    if year > _dt.MAXYEAR:
        return _dt.date.max
    return _dt.date(year, month, dom)


_JULIAN: contextvars.ContextVar[bool] = contextvars.ContextVar("julian", default=False)

#: Old Style dates: "1878-12-06 O.S." is a Julian date (Russia used the Julian
#: calendar until 31 January 1918, which was followed by 14 February 1918).
OLD_STYLE_SUFFIX = " O.S."
#: The first Gregorian day of Soviet Russia: an Old Style date after it is suspect.
GREGORIAN_REFORM_RUSSIA = _dt.date(1918, 2, 14)


def _gregorian(day: Day) -> Day:
    """The Gregorian day of a Julian day (astronomical years), by convertdate."""
    from convertdate import julian

    return julian.to_gregorian(*day)


def _year_label(year: int) -> str:
    """'1932', '476', or '44 BC' for the astronomical year -43."""
    return str(year) if year >= 1 else f"{1 - year} BC"


def _years_label(first: int, last: int) -> str:
    """A span of years: '1929–1930', '200–191 BC', '1 BC – AD 9'."""
    if first >= 1:
        return f"{first}–{last}"
    if last <= 0:
        return f"{1 - first}–{1 - last} BC"
    return f"{1 - first} BC – AD {last}"


def _ordinal(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _check_day(year: int, month: int, day: int, text: str) -> None:
    last = _days_in_month(year, month, _JULIAN.get())
    if not 1 <= day <= last:
        raise DateError(
            f"a day from 01 to {last} in {MONTHS[month - 1]} {_year_label(year)}",
            f"day {day:02d} in {_quote(text)}",
        )


def _check_month(month: int, has_day: bool, text: str) -> None:
    if 1 <= month <= 12 or (not has_day and 21 <= month <= 41):
        return  # 25-41 are level-2 seasons, reported as such by the parser
    expected = "a month from 01 to 12"
    if not has_day:
        expected += " or a season from 21 to 24"
    raise DateError(expected, f"month {month:02d} in {_quote(text)}")


# ---------------------------------------------------------------------------
# The parsed shape of a date


@dataclass(frozen=True)
class _Point:
    """One stated date: a day, month, season, year, decade or century."""

    precision: str  # "day" | "month" | "season" | "year" | "decade" | "century"
    first_year: int  # astronomical; differs from last_year only for X digits
    last_year: int
    month: int | None = None  # 1-12, None when not given or unspecified
    day: int | None = None
    season: int | None = None  # 21-24
    qualifier: str = ""  # "", "~", "?" or "%"
    julian: bool = False  # an Old Style date: the days are Julian

    def first_day(self) -> Day:
        if self.season is not None:
            return (self.first_year, SEASON_MONTHS[self.season][0], 1)
        return (self.first_year, self.month or 1, self.day or 1)

    def last_day(self) -> Day:
        year = self.last_year
        if self.season is not None:
            month = SEASON_MONTHS[self.season][1]
            year += month < SEASON_MONTHS[self.season][0]  # winter ends next year
        else:
            month = self.month or 12
        return (year, month, self.day or _days_in_month(year, month, self.julian))


@dataclass(frozen=True)
class _Shape:
    """A whole date: one point, or an interval whose ends may be open (None)."""

    start: _Point | None
    end: _Point | None
    is_interval: bool

    @property
    def julian(self) -> bool:
        return any(p is not None and p.julian for p in (self.start, self.end))

    @property
    def lower_day(self) -> Day | None:
        """The first day it can be, in the Gregorian calendar."""
        if self.start is None:
            return None
        day = self.start.first_day()
        return _gregorian(day) if self.start.julian else day

    @property
    def upper_day(self) -> Day | None:
        """The last day it can be, in the Gregorian calendar."""
        if self.end is None:
            return None
        day = self.end.last_day()
        return _gregorian(day) if self.end.julian else day

    @property
    def lower_key(self) -> int:
        day = self.lower_day
        return _day_number(day) if day else _OPEN_START_KEY

    @property
    def upper_key(self) -> int:
        day = self.upper_day
        return _day_number(day) if day else _OPEN_END_KEY

    @property
    def lower(self) -> _dt.date:
        day = self.lower_day
        return _clamped(day) if day else _dt.date.min

    @property
    def upper(self) -> _dt.date:
        day = self.upper_day
        return _clamped(day) if day else _dt.date.max


# ---------------------------------------------------------------------------
# From text to shape, via the edtf package

_CALENDAR_RE = re.compile(r"^(-?\d{4})-(\d{2})(?:-(\d{2}))?(?:T.*)?[~?%]?$")


def _diagnose(text: str) -> None:
    """Explain an unparseable string with an impossible month or day."""
    for part in text.split("/"):
        match = _CALENDAR_RE.match(part)
        if not match:
            continue
        year, month = int(match[1]), int(match[2])
        _check_month(month, match[3] is not None, text)
        if match[3] is not None:
            _check_day(year, month, int(match[3]), text)


def _parse_edtf(text: str) -> edtf.EDTFObject:
    """Parse with the edtf package, or raise DateError."""
    if "X" in text and any(c in text for c in "/[]{},"):
        # Unspecified digits only stand alone in level 1.  (The package also
        # crashes with an AttributeError on e.g. '1932-XX/1933'.)
        raise _level_2(text)
    try:
        return edtf.parse_edtf(text)
    except Exception:  # EDTFParseException, or a crash inside the package
        pass
    if text[-1] in "~?%":
        # Level 1 allows a qualified season, which the package cannot parse.
        try:
            stem = edtf.parse_edtf(text[:-1])
        except Exception:
            stem = None
        if type(stem) is edtf.Season:
            return edtf.UncertainOrApproximate(stem, edtf.UA(text[-1]))
    _diagnose(text)
    raise DateError(EXPECTED, _quote(text))


def _qualifier(ua: edtf.UA | None) -> str:
    return str(ua) if ua else ""


def _year_point(
    year: str,
    text: str,
    *,
    month: int | None = None,
    day: int | None = None,
    qualifier: str = "",
) -> _Point:
    """A point whose year may end in one or two unspecified digits (X)."""
    unspecified = year.count("X")
    if unspecified > 2:
        raise _level_2(text)  # level 1 allows only 201X and 20XX
    low, high = int(year.replace("X", "0")), int(year.replace("X", "9"))
    first, last = min(low, high), max(low, high)  # -01XX: -199 … -100
    if day is not None:
        _check_day(first, month or 1, day, text)  # the parser allows 1931-02-29
        precision = "day"
    elif month is not None:
        precision = "month"
    else:
        precision = ("year", "decade", "century")[unspecified]
    return _Point(precision, first, last, month=month, day=day, qualifier=qualifier)


def _number(part: str | None) -> int | None:
    """A month or day of the edtf package as an int; None if absent or XX."""
    return None if part in (None, "XX") else int(part)


def _point(obj: edtf.EDTFObject, text: str) -> _Point:
    """Convert one level 0/1 date (not an interval) from the edtf package."""
    qualifier = ""
    if type(obj) is edtf.UncertainOrApproximate:
        qualifier, obj = _qualifier(obj.ua), obj.date
    if type(obj) is edtf.DateAndTime:
        obj = obj.date
    if type(obj) is edtf.Season:
        year = int(obj.year)
        return _Point("season", year, year, season=int(obj.season), qualifier=qualifier)
    if type(obj) is edtf.Unspecified:
        qualifier = _qualifier(obj.ua)
    elif type(obj) is not edtf.Date or obj.significant_digits:
        raise _level_2(text)  # e.g. significant digits (1950S2), a level-2 season
    return _year_point(
        obj.year, text, month=_number(obj.month), day=_number(obj.day), qualifier=qualifier
    )


def _end(obj: edtf.EDTFObject, text: str) -> _Point | None:
    if type(obj) is edtf.UnspecifiedIntervalSection:
        return None  # open ('..') or unknown ('')
    return _point(obj, text)


def _level_0_1() -> tuple[type, ...]:
    """The package's classes for level 0 and 1 expressions (subclasses are level 2)."""
    return (
        edtf.Date, edtf.DateAndTime, edtf.Interval, edtf.Level1Interval,
        edtf.UncertainOrApproximate, edtf.Unspecified, edtf.Season,
    )  # fmt: skip


def _analyse_slow(text: str) -> _Shape:
    """The shape of a canonical EDTF string, or DateError, via the edtf package."""
    obj = _parse_edtf(text)
    if type(obj) is edtf.LongYear:
        raise DateError(f"{EXPECTED_YEAR} (years of more than four digits, 'Y170000002', are not supported)", _quote(text))
    if type(obj) not in _level_0_1():
        raise _level_2(text)
    if any(c.isspace() for c in text):  # the parser skips spaces between parts
        raise DateError(EXPECTED + ", written without spaces", _quote(text))
    if str(obj) != text:  # the parser ignored a level-2 suffix, e.g. '2001-21^x'
        raise _level_2(text)
    if type(obj) in (edtf.Interval, edtf.Level1Interval):
        shape = _Shape(_end(obj.lower, text), _end(obj.upper, text), True)
        if shape.start is None and shape.end is None:
            raise DateError("an interval with at least one known end", _quote(text))
        if shape.lower_key > shape.upper_key:
            raise DateError("an interval whose start is not after its end", _quote(text))
        return shape
    point = _point(obj, text)
    return _Shape(point, point, False)


# ---------------------------------------------------------------------------
# From text to shape, fast: the common level 0/1 forms without the edtf package
#
# Each function below mirrors what the package's grammar accepts (and where it
# fails, so that _diagnose and the generic message follow exactly as in
# _analyse_slow) and builds the shape with the same helpers.  Whatever these
# regular expressions do not match goes to _analyse_slow.  [0-9], not \d: the
# package only knows ASCII digits.

#: A day, month, season or year, possibly qualified: year, month, day, qualifier.
_POINT_RE = re.compile(r"(-?[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%]?)")
#: 193X, 19XX, -01XX, possibly qualified: year, qualifier.
_X_YEAR_RE = re.compile(r"(-?[0-9]{2}(?:[0-9]X|XX))([~?%]?)")
#: 1932-XX, 1932-XX-XX, 1932-12-XX, possibly qualified: year, month, day, qualifier.
_X_MONTH_RE = re.compile(r"(-?[0-9]{4})-(XX|[0-9]{2})(-XX)?([~?%]?)")
#: A level-0 date and time: year, month, day, h, m, s, zone sign, zone h, zone m.
_DATE_TIME_RE = re.compile(
    r"(-?[0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:Z|([+-])([0-9]{2})(?::([0-9]{2}))?)?"
)
#: The last day of each month in the package's grammar (29 for every February).
_GRAMMAR_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _unparseable(text: str) -> DateError:
    """The error for a string the package's grammar rejects (see _parse_edtf)."""
    _diagnose(text)
    return DateError(EXPECTED, _quote(text))


def _in_grammar(year: str, month: str | None, day: str | None) -> bool:
    """Whether the package parses this date or season (months 21-24) of level 0/1."""
    if year == "-0000":
        return False
    if month is None:
        return True
    number = int(month)
    if day is None:
        return 1 <= number <= 12 or 21 <= number <= 24
    return 1 <= number <= 12 and 1 <= int(day) <= _GRAMMAR_DAYS[number]


def _fast_point(
    year: str, month: str | None, day: str | None, qualifier: str, text: str
) -> _Point:
    """The point of a date or season that _in_grammar accepts, as _point builds it."""
    if month is not None and day is None and int(month) >= 21:
        number = int(year)
        return _Point("season", number, number, season=int(month), qualifier=qualifier)
    return _year_point(
        year,
        text,
        month=None if month is None else int(month),
        day=None if day is None else int(day),
        qualifier=qualifier,
    )


def _time_in_grammar(match: re.Match[str]) -> bool:
    """Whether the package parses the time and zone of a _DATE_TIME_RE match."""
    time = (int(match[4]), int(match[5]), int(match[6]))
    if time != (24, 0, 0) and not (time[0] <= 23 and time[1] <= 59 and time[2] <= 59):
        return False
    if match[7] is None:  # no zone, or Z
        return True
    hour = int(match[8])
    if match[9] is None:
        return 1 <= hour <= 13
    minute = int(match[9])
    if 1 <= hour <= 13:
        return minute <= 59
    return (hour, minute) == (14, 0) or (hour == 0 and 1 <= minute <= 59)


def _fast_interval(text: str) -> _Shape | None:
    lower, _, upper = text.partition("/")
    if "/" in upper:
        return None
    sides: list[tuple[str, ...] | None] = []
    for side in (lower, upper):
        if side in ("", ".."):
            sides.append(None)
            continue
        match = _POINT_RE.fullmatch(side)
        if not match:
            return None
        if not _in_grammar(match[1], match[2], match[3]):
            raise _unparseable(text)
        sides.append(match.groups())
    if lower == "" and upper in ("", "..") or upper == "" and lower == "..":
        raise _unparseable(text)  # '/' fails to parse, '/..' and '../' crash
    start = _fast_point(*sides[0], text) if sides[0] else None
    end = _fast_point(*sides[1], text) if sides[1] else None
    shape = _Shape(start, end, True)
    if start is None and end is None:
        raise DateError("an interval with at least one known end", _quote(text))
    if shape.lower_key > shape.upper_key:
        raise DateError("an interval whose start is not after its end", _quote(text))
    return shape


def _fast_unspecified(text: str) -> _Shape | None:
    """193X, 19XX, 1932-XX, 1932-XX-XX, 1932-12-XX (text has an X, no '/')."""
    match = _X_YEAR_RE.fullmatch(text)
    if match:
        point = _year_point(match[1], text, qualifier=match[2])
        return _Shape(point, point, False)
    match = _X_MONTH_RE.fullmatch(text)
    if not match:
        return None
    year, month, day, qualifier = match.groups()
    if month == "XX":
        month_number = None
    elif day is None:
        return None  # no X after all (cannot happen: text has one)
    else:
        month_number = int(month)
        if not 1 <= month_number <= 12:
            raise _unparseable(text)
    if year == "-0000":
        raise _unparseable(text)
    point = _year_point(year, text, month=month_number, qualifier=qualifier)
    return _Shape(point, point, False)


def _analyse_fast(text: str) -> _Shape | None:
    """The shape of a canonical EDTF string, DateError, or None if not recognised.

    None sends the string to _analyse_slow; otherwise the result is exactly
    what _analyse_slow would give.
    """
    if "X" in text:
        if any(c in text for c in "/[]{},"):
            raise _level_2(text)  # as in _parse_edtf
        return _fast_unspecified(text)
    if "/" in text:
        return _fast_interval(text)
    match = _POINT_RE.fullmatch(text)
    if match:
        year, month, day, qualifier = match.groups()
        if _in_grammar(year, month, day):
            point = _fast_point(year, month, day, qualifier, text)
            return _Shape(point, point, False)
        if (
            not qualifier
            and day is None
            and month is not None
            and year != "-0000"
            and 25 <= int(month) <= 41
        ):
            raise _level_2(text)  # the package parses a level-2 season
        raise _unparseable(text)
    match = _DATE_TIME_RE.fullmatch(text)
    if match:
        if not (_in_grammar(match[1], match[2], match[3]) and _time_in_grammar(match)):
            raise _unparseable(text)
        point = _year_point(match[1], text, month=int(match[2]), day=int(match[3]))
        return _Shape(point, point, False)
    return None


def _as_text(value: object) -> str:
    """The EDTF text of a YAML value: str, int year, date or datetime."""
    if isinstance(value, bool):
        raise DateError(EXPECTED, f"the boolean {str(value).lower()}")
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int):
        if not -9999 <= value <= 9999:
            raise DateError(EXPECTED_YEAR, f"the number {value}")
        return f"{value:04d}" if value >= 0 else f"-{-value:04d}"
    if isinstance(value, str):
        if not value.strip():
            raise DateError(EXPECTED, "an empty string")
        return value.strip()
    if value is None:
        raise DateError(EXPECTED, "no value")
    if isinstance(value, float):
        raise DateError(EXPECTED, f"the number {value!r}")
    if isinstance(value, (list, tuple)):
        raise DateError(EXPECTED, "a list")
    if isinstance(value, dict):
        raise DateError(EXPECTED, "a mapping")
    raise DateError(EXPECTED, f"a value of type {type(value).__name__}")


# ---------------------------------------------------------------------------
# Wording


def _bare(point: _Point) -> str:
    """The unqualified wording of a point."""
    year = _year_label(point.first_year)
    if point.precision == "day":
        return f"{point.day} {MONTHS[point.month - 1]} {year}"
    if point.precision == "month":
        return f"{MONTHS[point.month - 1]} {year}"
    if point.precision == "season":
        if point.season == 24:
            return f"winter {_years_label(point.first_year, point.first_year + 1)}"
        return f"{SEASONS[point.season]} {year}"
    if point.precision == "decade" and point.first_year >= 1:
        return f"the {point.first_year}s"
    if point.precision == "century":
        if point.first_year >= 0:
            return f"the {_ordinal(point.first_year // 100 + 1)} century"
        return f"the {_ordinal(-point.first_year // 100 + 1)} century BC"
    if point.precision == "decade":
        return _years_label(point.first_year, point.last_year)
    return year


#: Qualifiers before "the 1560s", "the 17th century": 'c. the 1560s' is no English.
QUALIFIERS_SPAN = {"": "", "~": "around ", "?": "possibly ", "%": "possibly around "}


def _worded(point: _Point) -> str:
    if point.precision in ("decade", "century") and _bare(point).startswith("the "):
        return QUALIFIERS_SPAN[point.qualifier] + _bare(point)
    return QUALIFIERS[point.qualifier] + _bare(point)


def _join(first: str, second: str) -> str:
    """'1926–1927', but 'November 1926 – February 1927' for longer sides."""
    if any(c in first + second for c in " –"):
        return f"{first} – {second}"
    return f"{first}–{second}"


_PARTS_OF_YEAR = {(1, 4): "early", (5, 8): "mid-", (9, 12): "late"}


def _early_mid_late(start: _Point, end: _Point) -> str | None:
    """'early 1933' for the interval 1933-01/1933-04 (some time within it)."""
    if start.precision != "month" or end.precision != "month" or start.first_year != end.first_year:
        return None
    part = _PARTS_OF_YEAR.get((start.month, end.month))
    if part is None:
        return None
    return f"{part}{'' if part.endswith('-') else ' '}{_year_label(start.first_year)}"


def _interval_words(start: _Point | None, end: _Point | None) -> str:
    if start is None:
        return f"{_worded(end)} or earlier"  # type: ignore[arg-type]
    if end is None:
        return f"{_worded(start)} or later"
    if not start.qualifier and not end.qualifier:
        compact = _early_mid_late(start, end)
        if compact:
            return compact
        if start.precision == end.precision or start.first_year != end.first_year:
            return _span(start, end)  # the same wording as a span of two dates
    return _join(_worded(start), _worded(end))


# ---------------------------------------------------------------------------
# The public model


@dataclass(frozen=True, order=False)
class Date:
    """A parsed EDTF date (levels 0-1); build it with :func:`parse_date`.

    ``lower``/``upper`` are the strict bounds of the written value (see the
    module docstring), clamped to ``datetime.date``'s range.
    """

    edtf: str
    lower: _dt.date
    upper: _dt.date

    @cached_property
    def _shape(self) -> _Shape:
        """The parsed shape (set by the parser; recomputed after unpickling)."""
        return _parse_text(self.edtf)._shape

    def __reduce__(self) -> tuple[type[Date], tuple[str, _dt.date, _dt.date]]:
        # Only the three fields: the cached shape is rebuilt on demand.
        return (type(self), (self.edtf, self.lower, self.upper))

    def __str__(self) -> str:
        return self.edtf

    def human(self) -> str:
        """The wording for readers, e.g. 'c. December 1932' or 'early 1933'.

        An Old Style date shows its Gregorian equivalent first and what was
        written in brackets: '18 December [O.S. 6 December] 1878'.
        """
        shape = self._shape
        if shape.julian:
            return _old_style_words(shape)
        if shape.is_interval:
            return _interval_words(shape.start, shape.end)
        return _worded(shape.start)  # type: ignore[arg-type]

    @property
    def ends(self) -> tuple[_Point | None, _Point | None]:
        """(start, end) as stated (Julian for an Old Style date): for formatters
        such as the bibliography's.  A single date has the same start and end;
        an open or unknown end of an interval is None.  Each has
        ``precision``, ``first_year``, ``last_year``, ``month``, ``day``,
        ``season`` and ``qualifier`` ('', '~', '?' or '%')."""
        shape = self._shape
        return shape.start, shape.end

    @property
    def calendar(self) -> str:
        """'julian' for an Old Style date ('1878-12-06 O.S.'), else 'gregorian'."""
        return "julian" if self._shape.julian else "gregorian"

    @property
    def julian_edtf(self) -> str | None:
        """The Old Style date as written, without ' O.S.' ('1878-12-06'); None otherwise."""
        return self.edtf[: -len(OLD_STYLE_SUFFIX)] if self._shape.julian else None

    @property
    def gregorian_edtf(self) -> str:
        """EDTF of the Gregorian equivalent: what exports give as 'edtf'.

        The date itself when it is not Old Style.  An Old Style day is the
        Gregorian day ('1878-12-06 O.S.' → '1878-12-18'), with its qualifier;
        anything coarser, and an interval, becomes the interval of the
        Gregorian days its bounds fall on ('1917-10 O.S.' →
        '1917-10-14/1917-11-13'); open ('..') and unknown ('') ends stay so.
        """
        shape = self._shape
        if not shape.julian:
            return self.edtf
        body = self.julian_edtf or ""
        if not shape.is_interval and shape.start is not None and shape.start.precision == "day":
            return _edtf_day(shape.lower_day) + shape.start.qualifier  # type: ignore[arg-type]
        written_start, _, written_end = body.partition("/") if shape.is_interval else ("", "", "")
        start = _edtf_day(shape.lower_day) + shape.start.qualifier if shape.start else written_start
        end = _edtf_day(shape.upper_day) + shape.end.qualifier if shape.end else written_end
        return f"{start}/{end}"

    def export(self) -> dict:
        """The date for data downloads (JSON): EDTF of the Gregorian equivalent,
        the reader's wording, the bounds (ISO days; None when open or before
        year 1), and for an Old Style date the Julian date as written."""
        data = {
            "edtf": self.gregorian_edtf,
            "human": self.human(),
            "lower": None if self.lower in (_dt.date.min, _dt.date.max) else self.lower.isoformat(),
            "upper": None if self.upper in (_dt.date.min, _dt.date.max) else self.upper.isoformat(),
        }
        if self.julian_edtf is not None:
            data["julian"] = self.julian_edtf
        return data

    def datetime_attr(self) -> str | None:
        """A value for HTML ``<time datetime>``, or None when there is none.

        Days, months and years of 0001-9999 give '1932-12-24', '1932-12',
        '1932' (qualifiers dropped, unspecified parts left out, a time of day
        dropped).  Seasons, decades, centuries, BCE years and year 0 have no
        HTML form, and neither do intervals: ``<time>`` holds one point and a
        start alone would claim more than the date says.
        """
        shape = self._shape
        point = shape.start
        if shape.is_interval or point is None or point.first_year < 1:
            return None
        if shape.julian:  # the Gregorian day; a Julian month is no Gregorian month
            return _edtf_day(shape.lower_day) if point.precision == "day" else None  # type: ignore[arg-type]
        if point.precision == "day":
            return f"{point.first_year:04d}-{point.month:02d}-{point.day:02d}"
        if point.precision == "month":
            return f"{point.first_year:04d}-{point.month:02d}"
        if point.precision == "year":
            return f"{point.first_year:04d}"
        return None

    @property
    def is_uncertain(self) -> bool:
        """Any '?' or '%' anywhere."""
        return "?" in self.edtf or "%" in self.edtf

    @property
    def is_approximate(self) -> bool:
        """Any '~' or '%' anywhere."""
        return "~" in self.edtf or "%" in self.edtf

    @property
    def is_interval(self) -> bool:
        return self._shape.is_interval

    @property
    def precision(self) -> str:
        """'day', 'month', 'season', 'year', 'decade', 'century' or 'interval'."""
        shape = self._shape
        if shape.is_interval or shape.start is None:
            return "interval"
        return shape.start.precision

    def sort_key(self) -> tuple[int, int, str]:
        """(first day, last day, edtf), ordered by the earliest day each could be.

        The days are proleptic day numbers (``date.toordinal()`` for years
        1-9999, smaller for BCE), so '-0043' sorts before '0001' although both
        have ``lower == date.min``.  Open starts sort first, open ends last.
        """
        shape = self._shape
        return (shape.lower_key, shape.upper_key, self.edtf)


def parse_date(value: object) -> Date:
    """Parse an EDTF string, an int year, a ``date`` or a ``datetime``.

    Raises :class:`DateError` for anything else, for level-2 EDTF and for
    impossible days ('1931-02-29').
    """
    return _parse_text(_as_text(value))


def _dated(text: str, shape: _Shape) -> Date:
    date = Date(text, shape.lower, shape.upper)
    date.__dict__["_shape"] = shape  # the cached_property's slot
    return date


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> Date:
    """The date of a normalised string (memoised: dates are immutable)."""
    if text.endswith(OLD_STYLE_SUFFIX):
        return _dated(text, _old_style_shape(text))
    shape = _analyse_fast(text)
    if shape is None:
        shape = _analyse_slow(text)
    return _dated(text, shape)


def _old_style_shape(text: str) -> _Shape:
    """'1878-12-06 O.S.': the shape of a Julian date, days checked as Julian."""
    body = text[: -len(OLD_STYLE_SUFFIX)].rstrip()
    if not body or body != text[: -len(OLD_STYLE_SUFFIX)]:
        raise DateError(EXPECTED + ", then ' O.S.' for an Old Style date", _quote(text))
    token = _JULIAN.set(True)
    try:
        shape = _analyse_fast(body)
        if shape is None:
            shape = _analyse_slow(body)
    finally:
        _JULIAN.reset(token)
    julian = lambda p: None if p is None else dataclasses.replace(p, julian=True)  # noqa: E731
    if not shape.is_interval:
        point = julian(shape.start)
        return _Shape(point, point, False)
    shape = _Shape(julian(shape.start), julian(shape.end), True)
    if shape.lower_key > shape.upper_key:  # cannot happen after a valid Julian interval
        raise DateError("an interval whose start is not after its end", _quote(text))
    return shape


def _edtf_day(day: Day) -> str:
    year, month, dom = day
    return f"{_edtf_year(year)}-{month:02d}-{dom:02d}"


def _edtf_year(year: int) -> str:
    return f"{year:04d}" if year >= 0 else f"-{-year:04d}"


def _gregorian_point(day: Day, qualifier: str) -> _Point:
    return _Point("day", day[0], day[0], month=day[1], day=day[2], qualifier=qualifier)


def _old_style_words(shape: _Shape) -> str:
    """'18 December [O.S. 6 December] 1878': New Style first, as written in brackets.

    A day gives its Gregorian day; a month or season the Gregorian days it
    runs over ('14 October – 13 November 1917 [O.S. October 1917]'); a year,
    decade or century is shown as written, marked '[O.S.]' (its Gregorian
    bounds, twelve or thirteen days later, sort and bound it); an interval
    gives the Gregorian interval of its bounds and the interval as written.
    The qualifier (c., possibly) applies to both: the Gregorian equivalent is
    as uncertain or approximate as the date written.
    """
    start, end = shape.start, shape.end
    if not shape.is_interval and start is not None:
        qualifier = QUALIFIERS[start.qualifier]
        if start.precision == "day":
            g = shape.lower_day
            assert g is not None
            if g[0] == start.first_year:
                return f"{qualifier}{g[2]} {MONTHS[g[1] - 1]} [O.S. {start.day} {MONTHS[start.month - 1]}] {_year_label(g[0])}"
            return f"{qualifier}{g[2]} {MONTHS[g[1] - 1]} {_year_label(g[0])} [O.S. {_bare(start)}]"
        if start.precision in ("month", "season"):
            span = _span(_gregorian_point(shape.lower_day, ""), _gregorian_point(shape.upper_day, ""))  # type: ignore[arg-type]
            return f"{qualifier}{span} [O.S. {_bare(start)}]"
        return f"{_worded(start)} [O.S.]"
    g_start = _gregorian_point(shape.lower_day, start.qualifier) if start else None  # type: ignore[arg-type]
    g_end = _gregorian_point(shape.upper_day, end.qualifier) if end else None  # type: ignore[arg-type]
    return f"{_interval_words(g_start, g_end)} [O.S. {_interval_words(start, end)}]"


def _parse_fast(text: str) -> Date | None:
    """The fast path alone: a Date, DateError, or None if it does not recognise text."""
    shape = _analyse_fast(text)
    return None if shape is None else _dated(text, shape)


def _parse_slow(text: str) -> Date:
    """The edtf-package path alone: a Date or DateError."""
    return _dated(text, _analyse_slow(text))


def certainly_before(a: Date, b: Date) -> bool:
    """Whether ``a`` ends before ``b`` can begin: ``a.upper < b.lower``.

    Compares unclamped day numbers, so it is right for BCE dates too.  Strict
    bounds: qualifiers do not widen them, and overlapping dates are never
    certainly before one another.
    """
    return a._shape.upper_key < b._shape.lower_key


def year_span(a: Date) -> tuple[int, int]:
    """(first year, last year) for timelines: ``(lower.year, upper.year)``.

    Years are astronomical and unclamped ('-0043' gives -43; winter 1929 gives
    (1929, 1930)); an open start gives -9999 and an open end 9999.
    """
    shape = a._shape
    lower, upper = shape.lower_day, shape.upper_day
    return (
        lower[0] if lower else _OPEN_START_YEAR,
        upper[0] if upper else _OPEN_END_YEAR,
    )


def format_range(
    start: Date | None,
    end: Date | None,
    *,
    open_start: str = "",
    open_end: str = "",
) -> str:
    """Word two dates as a span: a life, a group's existence, an event's
    start and end, a membership.  Every view that shows two dates calls this.

    The span is written as a reader writes it, saying each thing once:

    * same month: '19–24 August 1936'; same year: 'November–December 1927',
      '19 August – 2 September 1936', 'spring–summer 1929';
    * years: '1879–1940', '101–44 BC'; otherwise spaced: 'November 1926 –
      February 1927', 'c. 1890 – 1937', '24 February 1906 – 21 August 1940';
    * a year and a finer date of the same year: '1928, until September',
      'September 1928, until later that year' (not '1928 – September 1928');
    * the same date twice: that date once;
    * a qualified side keeps its qualifier, and a shared year is written once:
      'c. 19 August – 24 August 1936', 'possibly 1933 – c. 1936';
    * a side that is itself an interval is worded 'between … and …', so that
      no dash but the span's own is left: '? – between October 1932 and
      January 1933', not '? – October 1932 – January 1933';
    * a missing side is ``open_start``/``open_end``, or '?': '? – 1940',
      '1879 – present'.  Both missing gives ''.

    Old Style dates are shown whole (each with its Gregorian equivalent).
    """
    if start is None and end is None:
        return ""
    if start is None:
        return f"{open_start or '?'} – {_side(end)}"  # type: ignore[arg-type]
    if end is None:
        return f"{_side(start)} – {open_end or '?'}"
    a, b = start._shape, end._shape
    if start.calendar == end.calendar == "gregorian" and not a.is_interval and not b.is_interval:
        return _span(a.start, b.start)  # type: ignore[arg-type]
    return _join(_side(start), _side(end))


def _side(date: Date) -> str:
    """One side of a span: the date's wording, an interval as 'between … and …'."""
    shape = date._shape
    if not shape.is_interval or shape.start is None or shape.end is None:
        return date.human()
    words = date.human()
    if "–" not in words:
        return words  # 'early 1933', '1932 or later'
    return _between(shape.start, shape.end, date)


def _between(start: _Point, end: _Point, date: Date) -> str:
    if date.calendar != "gregorian":
        return f"between {date.human()}"
    if not start.qualifier and not end.qualifier and start.first_year == end.last_year:
        year = _year_label(start.first_year)
        if start.precision == end.precision == "day" and start.month == end.month:
            return f"between {start.day} and {end.day} {MONTHS[end.month - 1]} {year}"
        if start.precision == end.precision == "month":
            return f"between {MONTHS[start.month - 1]} and {MONTHS[end.month - 1]} {year}"
    return f"between {_worded(start)} and {_worded(end)}"


def _without_year(point: _Point) -> str:
    if point.precision == "day":
        return f"{point.day} {MONTHS[point.month - 1]}"
    if point.precision == "month":
        return MONTHS[point.month - 1]
    return SEASONS[point.season]  # type: ignore[index]


_FINER = ("day", "month", "season")


def _span(start: _Point, end: _Point) -> str:
    """Two dates, start and end, each said once (see :func:`format_range`)."""
    if start == end:
        return _worded(start)
    same_year = start.first_year == end.first_year == start.last_year == end.last_year
    winter = 24 in (start.season, end.season)
    if same_year and not winter:
        year = _year_label(start.first_year)
        if not start.qualifier and not end.qualifier:
            if start.precision == "year" and end.precision in _FINER:
                return f"{year}, until {_without_year(end)}"
            if start.precision in _FINER and end.precision == "year":
                return f"{_bare(start)}, until later that year"
            if start.precision == end.precision == "day" and start.month == end.month:
                return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {year}"
            if start.precision == end.precision and start.precision in ("month", "season"):
                return f"{_without_year(start)}–{_without_year(end)} {year}"
        if start.precision in _FINER and end.precision in _FINER:
            first = QUALIFIERS[start.qualifier] + _without_year(start)
            return f"{first} – {QUALIFIERS[end.qualifier]}{_without_year(end)} {year}"
    if not start.qualifier and not end.qualifier and start.precision == end.precision == "year":
        return _years_label(start.first_year, end.first_year)
    return _join(_worded(start), _worded(end))
