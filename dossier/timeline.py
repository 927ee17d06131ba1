"""Timelines: rows of lives, groups and memberships, drawn as a static SVG.

The data (:func:`site_rows`, :func:`person_rows`) and the drawing
(:func:`render_svg`) are separate, so the same rows can also be given to
readers as a list (:func:`rows_table`).

How dates are drawn
-------------------
The x axis is in fractional years: a day ``d`` begins at
``d.year + (day of year - 1) / days in the year`` and ends where the next day
begins.  Every date is drawn over its **whole EDTF extent**, from the first
moment of ``date.lower`` to the last moment of ``date.upper``: ``1933-01/1933-04``
covers January to April 1933, ``1933`` the whole year, ``193X`` the whole
decade.  Then:

* a day-precise date is a crisp tick (3 px wide, centred on its day);
* a date known only to a month, season, year, decade or range is a translucent
  range with an outline;
* an approximate or uncertain date (``~``, ``?``, ``%``) is a hatched range
  with a dashed outline;
* the span of a row (a life, a group's existence, a membership) is a solid bar
  between the latest possible start and the earliest possible end, with
  gradients over the uncertain extents of its two ends; when the two ends
  overlap the whole span is translucent;
* an unknown end (no death date, an open interval ``1933/..``) fades out over
  :data:`FADE` pixels, an unknown start fades in.

Open interval bounds (``lower == date.min`` / ``upper == date.max``) are
treated as unknown, and so are BCE dates, which ``datetime.date`` clamps.

Everything is deterministic: rows and marks are sorted, coordinates rounded to
0.1 px, ids derive from ``id_prefix`` and the order of first use.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .dates import Date, format_range
from .text import fold
from .textmetrics import fit, text_width
from .xmlchars import xml_safe

__all__ = [
    "Mark",
    "Row",
    "site_rows",
    "person_rows",
    "render_svg",
    "rows_table",
    "tick_step",
    "TIMELINE_CSS",
]

#: Kinds of mark that stand for the start or end of a row's span.
END_KINDS = ("birth", "death", "founded", "dissolved", "membership")

# Drawing constants (px) --------------------------------------------------------

NAME_W = 160  # the names column (its own SVG, kept in view when the plot scrolls)
RIGHT_PAD = 16
AXIS_H = 30  # year labels above (and below) the rows
ROW_H = 22
BAR_H = 8
MARK_H = 14
FADE = 48  # length of the fade of an unknown end
TICK_W = 3  # a day-precise mark
MARK_GAP = 1.5  # marks closer than this are stacked
LANE_H = 12  # a lane of stacked marks
MIN_W = 2  # narrowest drawn range
LEGEND_H = 60  # room for two lines
LEGEND_LINE = 20

PERSON_COLOUR = "#4b6a88"
GROUP_COLOUR = "#5f7a3a"
EVENT_COLOUR = "#9b2226"
END_COLOUR = "#222222"
TEXT_COLOUR = "#1f1d1a"
MUTED_COLOUR = "#59544c"
RULE_COLOUR = "#d9d3c7"
ZEBRA_COLOUR = "#f3f0e8"

TICK_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)

#: Rules for the site's stylesheet.  The SVG carries fill and stroke
#: attributes of its own and is legible without them; these rules follow the
#: theme's colours (dark mode included), make wide timelines scroll instead of
#: shrinking, and show hover and focus.
TIMELINE_CSS = """\
/* Timelines (dossier.timeline) */
.timeline-scroll { overflow-x: auto; margin: 1rem 0; }
.tl { display: flex; width: max-content; }
.tl-names { position: sticky; left: 0; z-index: 1; }
.timeline { display: block; max-width: none; height: auto; font-family: var(--sans, system-ui, sans-serif);
  --tl-person: #4b6a88; --tl-group: #5f7a3a; --tl-event: #9b2226; --tl-end: var(--text, #222222); }
@media (prefers-color-scheme: dark) {
  .timeline { --tl-person: #86a6c8; --tl-group: #93b565; --tl-event: #ec7d80; }
}
.timeline .tl-bg { fill: var(--bg, #fdfcf8); }
.timeline .tl-text { fill: var(--text, #1f1d1a); }
.timeline .tl-muted { fill: var(--muted, #59544c); }
.timeline .tl-grid { stroke: var(--rule, #d9d3c7); }
.timeline .tl-break { stroke: var(--muted, #59544c); }
.timeline .tl-zebra { fill: var(--surface, #f3f0e8); }
.timeline .tl-compressed { fill: var(--rule, #d9d3c7); }
.timeline a .tl-text { fill: var(--link, #1a4d8c); }
.timeline a:hover .tl-text, .timeline a:focus .tl-text { text-decoration: underline; }
.timeline a:focus { outline: 2px solid var(--focus, #c2410c); outline-offset: 1px; }
.timeline .tl-mark:hover rect, .timeline .tl-mark:hover line { stroke: var(--focus, #c2410c); stroke-width: 2; }
.timeline .tl-fill-person { fill: var(--tl-person); } .timeline .tl-stroke-person { stroke: var(--tl-person); } .timeline .tl-stop-person { stop-color: var(--tl-person); }
.timeline .tl-fill-group { fill: var(--tl-group); } .timeline .tl-stroke-group { stroke: var(--tl-group); } .timeline .tl-stop-group { stop-color: var(--tl-group); }
.timeline .tl-fill-event, .timeline .tl-event .tl-tick, .timeline .tl-event .tl-solid { fill: var(--tl-event); }
.timeline .tl-stroke-event, .timeline .tl-event .tl-range { stroke: var(--tl-event); } .timeline .tl-stop-event { stop-color: var(--tl-event); }
.timeline .tl-event .tl-range:not([fill^="url"]) { fill: var(--tl-event); }
.timeline .tl-end .tl-range, .timeline .tl-stroke-end { stroke: var(--tl-end); }
.timeline .tl-end .tl-tick, .timeline .tl-end .tl-solid, .timeline .tl-fill-end { fill: var(--tl-end); } .timeline .tl-stop-end { stop-color: var(--tl-end); }
.timeline .tl-custom .tl-bar-solid, .timeline .tl-custom .tl-bar-range { stroke: var(--text, #1f1d1a); stroke-width: 1; }
@media (forced-colors: active) {
  .timeline .tl-bg { fill: Canvas; }
  .timeline .tl-zebra, .timeline .tl-compressed { fill: Canvas; }
  .timeline text, .timeline .tl-text, .timeline .tl-muted { fill: CanvasText; }
  .timeline a .tl-text { fill: LinkText; }
  .timeline rect[class^="tl-bar"], .timeline .tl-mark rect { fill: CanvasText; stroke: CanvasText; }
  .timeline .tl-grid, .timeline .tl-break { stroke: GrayText; }
}
@media (prefers-reduced-motion: no-preference) { .timeline .tl-mark rect { transition: stroke-width .1s; } }
@media print { .timeline-scroll { overflow: visible; } .tl { width: auto; } .tl-names { position: static; } }
"""


# Data --------------------------------------------------------------------------


@dataclass
class Mark:
    """A dated thing on a row: an event, or a start or end of the row's span."""

    label: str
    key: str | None  # entity key to link to, e.g. "events/kirov-assassination"
    start: Date
    end: Date | None
    moment: str  # "event" | "birth" | "death" | "founded" | "dissolved" | "membership"

    def human(self) -> str:
        """The reader's wording of the mark's date(s)."""
        return self.start.human() if self.end is None else format_range(self.start, self.end)

    def sort_key(self) -> tuple:
        return (self.start.sort_key(), _moment_order(self.moment), fold(self.label), self.key or "")


@dataclass
class Row:
    """A life, a group's existence or a membership, with dated marks on it."""

    label: str
    key: str | None
    span: tuple[Date | None, Date | None]
    marks: list[Mark] = field(default_factory=list)
    #: "person" | "group" | "membership" | "events" | "tie" (a membership or
    #: leadership known only to fall within the group's span): picks the
    #: default colour, and a tie is drawn as "some time within"
    style: str = ""
    #: the bar's colour (a group's ``colorcode``); None for the default
    colour: str | None = None

    def earliest(self) -> int:
        """Proleptic day number of the earliest date on the row."""
        days = [d.sort_key()[0] for d in self.span if d is not None]
        days += [m.start.sort_key()[0] for m in self.marks]
        return min(days) if days else 10**9

    def sort_key(self) -> tuple:
        return (self.earliest(), fold(self.label), self.key or "")


def _moment_order(moment: str) -> int:
    order = ("birth", "founded", "membership", "event", "dissolved", "death")
    return order.index(moment) if moment in order else len(order)


def _events_of(resolved, entity) -> list:
    """The dated events whose fields name ``entity`` (as participant, as a
    group involved), in key order."""
    out = []
    for holder, _ref in resolved.of(entity).incoming:
        if holder.kind == "event" and holder.get("date") and holder not in out:
            out.append(holder)
    return sorted(out, key=lambda e: e.key)


def _event_mark(ev) -> Mark:
    return Mark(ev.title, ev.key, ev.get("date"), ev.get("end"), "event")


def _end_mark(label: str, d: Date | None, moment: str) -> list[Mark]:
    return [Mark(label, None, d, None, moment)] if d is not None else []


def _person_life(site, person, events: Iterable) -> Row:
    born, died = site.span(person)
    marks = _end_mark("Born", born, "birth") + _end_mark("Died", died, "death")
    marks += [_event_mark(ev) for ev in events]
    marks.sort(key=Mark.sort_key)
    return Row(person.title, person.key, (born, died), marks, "person")


def _group_row(site, group, events: Iterable) -> Row:
    founded, dissolved = site.span(group)
    marks = _end_mark("Founded", founded, "founded") + _end_mark("Dissolved", dissolved, "dissolved")
    marks += [_event_mark(ev) for ev in events]
    marks.sort(key=Mark.sort_key)
    return Row(group.title, group.key, (founded, dissolved), marks, "group", group.get("colorcode"))


def site_rows(resolved) -> list[Row]:
    """The site's timeline: one row per group and per person with life dates.

    * a group gets a row when it has a founding or dissolution date or takes
      part in a dated event: its span is founded–dissolved, its marks those
      two dates and the events that list it in ``groups``;
    * a person gets a row when born or died is known: the span is their life,
      the marks their birth, death and the events listing them as participants;
    * events on none of those rows are gathered in a last row, "Other events"
      (key None), so every dated event appears somewhere.

    Rows are sorted by their earliest date (then title and key); "Other
    events" comes last.
    """
    site = resolved.site
    rows: list[Row] = []
    for group in site.of_kind("group"):
        events = _events_of(resolved, group)
        if site.span(group) != (None, None) or events:
            rows.append(_group_row(site, group, events))
    for person in site.of_kind("person"):
        if site.span(person) != (None, None):
            rows.append(_person_life(site, person, _events_of(resolved, person)))
    rows.sort(key=Row.sort_key)
    shown = {m.key for row in rows for m in row.marks if m.moment == "event"}
    others = [_event_mark(ev) for ev in site.of_kind("event") if ev.get("date") and ev.key not in shown]
    if others:
        others.sort(key=Mark.sort_key)
        rows.append(Row("Other events", None, (None, None), others, "events"))
    return rows


def person_rows(resolved, person) -> list[Row]:
    """A person's own timeline.

    The first row is their life (born–died, label = their name, key None since
    the timeline sits on their own page) with the events they took part in.
    Then one row per group they belonged to or led, as the schema's relations
    between people and groups say it, from either side (a relation whose
    network edge is a membership or a leadership):

    * a membership the person's page records (``memberships``): label
      "Group (role)", span from–to, marks "Joined"/"Left"; with neither date,
      the group's own span stands in, drawn as "some time within";
    * a group that names them (``members``, ``leaders``: "Group (led)",
      "Group (member)"): the group's span, founded–dissolved, drawn as "some
      time within" (the page says that they belonged, not when);

    a group named both ways gets one row, the person's own. The rows are
    sorted by start; one with no date anywhere is left out (there is nothing
    to draw); the life row is left out when it has no date at all.
    """
    site = resolved.site
    rows: list[Row] = []
    life = _person_life(site, person, _events_of(resolved, person))
    life.key = None
    if life.span != (None, None) or life.marks:
        rows.append(life)
    members: list[Row] = []
    own: set[tuple[str, str]] = set()  # (group key, edge) stated on the person's page
    for ref, group in site.targets(person):
        edge = ref.relation.edge.name if ref.relation and ref.relation.edge else ""
        if group.kind != "group" or edge not in _GROUP_EDGES:
            continue
        m = ref.record or {}
        own.add((group.key, edge))
        start, end = m.get("from"), m.get("to")
        label = f"{group.title} ({m['role']})" if m.get("role") else group.title
        if start is None and end is None:
            row = _group_span_row(site, group, label)
            if row is not None:
                members.append(row)
            continue
        marks = _end_mark("Joined", start, "membership") + _end_mark("Left", end, "membership")
        members.append(Row(label, group.key, (start, end), marks, "membership", group.get("colorcode")))
    for holder, ref in resolved.of(person).incoming:
        edge = ref.relation.edge.name if ref.relation and ref.relation.edge else ""
        if holder.kind != "group" or edge not in _GROUP_EDGES:
            continue
        if (holder.key, edge) in own:
            continue
        if any(r.key == holder.key and r.label.endswith(f"({_GROUP_EDGES[edge]})") for r in members):
            continue
        row = _group_span_row(site, holder, f"{holder.title} ({_GROUP_EDGES[edge]})")
        if row is not None:
            members.append(row)
    members.sort(key=Row.sort_key)
    return rows + members


#: The network edges between a person and a group that make a row of the
#: person's timeline, with the word the row's label adds.
_GROUP_EDGES = {"member": "member", "leader": "led"}


def _group_span_row(site, group, label: str) -> Row | None:
    """A row over the group's existence, for a tie the page gives no dates of."""
    founded, dissolved = site.span(group)
    if founded is None and dissolved is None:
        return None
    return Row(label, group.key, (founded, dissolved), [], "tie", group.get("colorcode"))


def rows_table(rows: list[Row]) -> list[dict]:
    """The rows as plain data, for an accessible list or table beside the SVG.

    Each row: ``label``, ``key``, ``dates`` (the span in words, "" if none),
    ``start``/``end`` (EDTF or None) and ``marks``: each with ``label``,
    ``key``, ``moment``, ``when`` (words) and ``edtf`` ("1936-08-19/1936-08-24"
    style for a mark with an end).
    """
    out = []
    for row in rows:
        start, end = row.span
        out.append(
            {
                "label": row.label,
                "key": row.key,
                "dates": format_range(start, end),
                "start": start.edtf if start else None,
                "end": end.edtf if end else None,
                "marks": [
                    {
                        "label": m.label,
                        "key": m.key,
                        "moment": m.moment,
                        "when": m.human(),
                        "edtf": m.start.edtf if m.end is None else f"{m.start.edtf}/{m.end.edtf}",
                    }
                    for m in row.marks
                ],
            }
        )
    return out


# Geometry ----------------------------------------------------------------------


def _year_at(d: _dt.date) -> float:
    """Fractional year at the start of day ``d``."""
    days = 366 if calendar.isleap(d.year) else 365
    return d.year + (d.timetuple().tm_yday - 1) / days


def _year_after(d: _dt.date) -> float:
    """Fractional year at the end of day ``d``."""
    days = 366 if calendar.isleap(d.year) else 365
    return d.year + d.timetuple().tm_yday / days


def _low(d: Date) -> float | None:
    """Start of the date's extent; None when open (or clamped BCE)."""
    return None if d.lower == _dt.date.min else _year_at(d.lower)


def _high(d: Date) -> float | None:
    return None if d.upper == _dt.date.max else _year_after(d.upper)


def tick_step(first: float, last: float, max_ticks: int = 12) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … years giving at most ``max_ticks`` intervals."""
    span = max(last - first, 1e-9)
    for step in TICK_STEPS:
        if span / step <= max_ticks:
            return step
    return TICK_STEPS[-1]


def _domain(rows: list[Row]) -> tuple[float, float] | None:
    values: list[float] = []
    for row in rows:
        dates = [d for d in row.span if d is not None]
        dates += [d for m in row.marks for d in (m.start, m.end) if d is not None]
        for d in dates:
            values += [v for v in (_low(d), _high(d)) if v is not None]
    if not values:
        return None
    return min(values), max(values)


def _num(v: float) -> str:
    text = f"{v:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text in ("-0", "-0.0") else text


class _Scale:
    """Fractional years to x: linear over ``pieces`` of (first year, last
    year, first x, last x), one piece or three (compressed years before and
    after the dense ones)."""

    def __init__(self, pieces: list[tuple[float, float, float, float]]):
        self.pieces = pieces
        self.first, self.last = pieces[0][0], pieces[-1][1]
        self.x0, self.x1 = pieces[0][2], pieces[-1][3]

    def __call__(self, year: float) -> float:
        for i, (y0, y1, x0, x1) in enumerate(self.pieces):
            if year <= y1 or i == len(self.pieces) - 1:
                return x0 + (year - y0) / (y1 - y0) * (x1 - x0) if y1 > y0 else x0
        return self.x1  # not reached

    def clamp(self, x: float) -> float:
        return min(max(x, self.x0), self.x1)

    @property
    def compressed(self) -> list[tuple[float, float, float, float]]:
        """The pieces drawn at a smaller scale than the dense years."""
        if len(self.pieces) == 1:
            return []
        dense = self.pieces[1]
        rate = (dense[3] - dense[2]) / max(dense[1] - dense[0], 1e-9)
        return [p for p in (self.pieces[0], self.pieces[2]) if p[1] > p[0] and (p[3] - p[2]) / (p[1] - p[0]) < rate * 0.9]


#: Share of the plot's width the dense years get when the rest of the axis
#: is compressed, and the share of the events they must hold.
DENSE_WIDTH = 0.8
DENSE_SHARE = 0.8


def _dense(rows: list[Row], first: float, last: float) -> tuple[float, float] | None:
    """The years most marks fall in: the shortest run of whole years holding
    :data:`DENSE_SHARE` of the events (of every mark when there are few
    events), a year added on each side; None when that run is most of the
    axis anyway (nothing to compress)."""
    def mid(m: Mark) -> float | None:
        lo, hi = _low(m.start), _high(m.end or m.start)
        return (lo + hi) / 2 if lo is not None and hi is not None else lo if lo is not None else hi

    events = sorted(v for r in rows for m in r.marks if m.moment == "event" and (v := mid(m)) is not None)
    points = events if len(events) >= 4 else sorted(v for r in rows for m in r.marks if (v := mid(m)) is not None)
    if len(points) < 4:
        return None
    k = max(2, math.ceil(DENSE_SHARE * len(points)))
    i = min(range(len(points) - k + 1), key=lambda i: (points[i + k - 1] - points[i], i))
    a = max(first, math.floor(points[i]) - 1.0)
    b = min(last, math.ceil(points[i + k - 1]) + 1.0)
    if b - a > 0.55 * (last - first):
        return None
    return a, b


def _pieces(first: float, last: float, dense: tuple[float, float] | None, x0: float, x1: float) -> list[tuple[float, float, float, float]]:
    """The scale's pieces: the dense years get :data:`DENSE_WIDTH` of the
    width, the years before and after share the rest by their length (at
    least 40 px each), never at a larger scale than the dense years."""
    if dense is None:
        return [(first, last, x0, x1)]
    a, b = dense
    width = x1 - x0
    before, after = a - first, last - b
    rest = width * (1 - DENSE_WIDTH)
    wb = rest * before / (before + after) if before + after > 0 else 0.0
    wa = rest - wb
    if before > 0 and wb < 40:
        wb, wa = 40.0, max(rest - 40.0, 40.0 if after > 0 else 0.0)
    if after > 0 and wa < 40:
        wa, wb = 40.0, max(rest - 40.0, 40.0 if before > 0 else 0.0)
    wd = width - wb - wa
    rate = wd / (b - a)
    wb, wa = min(wb, before * rate), min(wa, after * rate)
    wd = width - wb - wa
    return [(first, a, x0, x0 + wb), (a, b, x0 + wb, x0 + wb + wd), (b, last, x1 - wa, x1)]


@dataclass
class _Seg:
    x0: float
    x1: float
    style: str  # "solid" | "range" | "in" | "out" | "tick"


def _segments(start: Date | None, end: Date | None, scale: _Scale, single: bool) -> list[_Seg]:
    """Pieces to draw for one date (``single``) or a span from ``start`` to ``end``."""
    if single:
        assert start is not None
        lo, hi = _low(start), _high(start)
        if lo is None and hi is None:
            return []
        if lo is None:
            return [_Seg(scale(hi) - FADE, scale(hi), "in")]
        if hi is None:
            return [_Seg(scale(lo), scale(lo) + FADE, "out")]
        if start.lower == start.upper:
            mid = (scale(lo) + scale(hi)) / 2
            return [_Seg(mid - TICK_W / 2, mid + TICK_W / 2, "tick")]
        return [_Seg(scale(lo), scale(hi), "range")]
    a_lo, a_hi = (_low(start), _high(start)) if start else (None, None)
    b_lo, b_hi = (_low(end), _high(end)) if end else (None, None)
    a_in = a_lo if a_lo is not None else a_hi  # the earliest it may have begun
    a_out = a_hi if a_hi is not None else a_lo  # when it had certainly begun
    b_in = b_lo if b_lo is not None else b_hi  # the earliest it may have ended
    b_out = b_hi if b_hi is not None else b_lo  # when it had certainly ended
    if a_in is None and b_in is None:
        return []
    if a_in is None:
        return [_Seg(scale(b_in) - FADE, scale(b_in), "in"), _Seg(scale(b_in), scale(b_out), "out")]
    if b_in is None:
        return [_Seg(scale(a_in), scale(a_out), "in"), _Seg(scale(a_out), scale(a_out) + FADE, "out")]
    if a_out > b_in:  # the ends overlap: it may have lasted anything from 0 to the whole extent
        return [_Seg(scale(a_in), scale(b_out), "range")]
    return [
        _Seg(scale(a_in), scale(a_out), "in"),
        _Seg(scale(a_out), scale(b_in), "solid"),
        _Seg(scale(b_in), scale(b_out), "out"),
    ]


def _visible(segs: list[_Seg], scale: _Scale) -> list[_Seg]:
    """The segments inside the plot area (all of them unless a window cuts some off)."""
    return [s for s in segs if s.x1 > scale.x0 - 0.01 and s.x0 < scale.x1 + 0.01]


# Drawing -----------------------------------------------------------------------


class _Paints:
    """Gradients and hatch patterns, one set per (colour, role), in order of
    first use. The role (``person``, ``group``, ``event``, ``end`` or
    ``custom``, a group's own colour) names the class that lets the
    stylesheet recolour them for the dark scheme."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.colours: list[tuple[str, str]] = []

    def index(self, colour: str, role: str) -> int:
        if (colour, role) not in self.colours:
            self.colours.append((colour, role))
        return self.colours.index((colour, role))

    def fade_in(self, colour: str, role: str) -> str:
        return f"url(#{self.prefix}-in-{self.index(colour, role)})"

    def fade_out(self, colour: str, role: str) -> str:
        return f"url(#{self.prefix}-out-{self.index(colour, role)})"

    def hatch(self, colour: str, role: str) -> str:
        return f"url(#{self.prefix}-hatch-{self.index(colour, role)})"

    def defs(self) -> str:
        out = ["<defs>"]
        for i, (c, role) in enumerate(self.colours):
            c = escape(c)
            p = self.prefix
            stop = f' class="tl-stop-{role}"'
            out.append(
                f'<linearGradient id="{p}-in-{i}"><stop{stop} offset="0" stop-color="{c}" stop-opacity="0"/>'
                f'<stop{stop} offset="1" stop-color="{c}"/></linearGradient>'
            )
            out.append(
                f'<linearGradient id="{p}-out-{i}"><stop{stop} offset="0" stop-color="{c}"/>'
                f'<stop{stop} offset="1" stop-color="{c}" stop-opacity="0"/></linearGradient>'
            )
            out.append(
                f'<pattern id="{p}-hatch-{i}" width="4" height="4" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect class="tl-fill-{role}" width="4" height="4" fill="{c}" fill-opacity="0.15"/>'
                f'<line class="tl-stroke-{role}" x1="1" y1="0" x2="1" y2="4" stroke="{c}" stroke-width="1.6"/></pattern>'
            )
        out.append("</defs>")
        return "".join(out)


def _rect(x0: float, x1: float, y: float, h: float, attrs: str, scale: _Scale, min_w: float = MIN_W) -> str:
    x0, x1 = scale.clamp(x0), scale.clamp(x1)
    if x1 - x0 < min_w:
        mid = (x0 + x1) / 2
        x0, x1 = mid - min_w / 2, mid + min_w / 2
    return f'<rect x="{_num(x0)}" y="{_num(y)}" width="{_num(x1 - x0)}" height="{_num(h)}" {attrs}/>'


def _bar(row: Row, colour: str, role: str, y: float, scale: _Scale, paints: _Paints) -> str:
    start, end = row.span
    tie = row.style == "tie"
    parts = []
    for seg in _visible(_segments(start, end, scale, single=False), scale):
        if seg.style in ("in", "out") and seg.x1 - seg.x0 < 0.5:
            continue  # a day-precise end: nothing uncertain to fade
        if seg.style == "solid" and not tie:
            attrs = f'class="tl-bar-solid tl-fill-{role}" fill="{escape(colour)}"'
        elif seg.style == "in":
            attrs = f'class="tl-bar-in" fill="{paints.fade_in(colour, role)}"' + (' fill-opacity="0.4"' if tie else "")
        elif seg.style == "out":
            attrs = f'class="tl-bar-out" fill="{paints.fade_out(colour, role)}"' + (' fill-opacity="0.4"' if tie else "")
        else:  # the ends overlap, or a tie: some time within
            attrs = f'class="tl-bar-range tl-fill-{role} tl-stroke-{role}" fill="{escape(colour)}" fill-opacity="0.3" stroke="{escape(colour)}" stroke-width="1"'
        parts.append(_rect(seg.x0, seg.x1, y - BAR_H / 2, BAR_H, attrs, scale, min_w=1))
    return f'<g class="tl-bar">{"".join(parts)}</g>' if parts else ""


def _tooltip(row: Row, mark: Mark) -> str:
    if mark.moment in END_KINDS:
        return f"{row.label} — {mark.label.lower()} {mark.human()}"
    return f"{mark.label} — {mark.human()}"


def _mark_extent(mark: Mark, scale: _Scale) -> tuple[float, float] | None:
    """Where a mark is drawn, in x (its widest piece, as :func:`_rect` draws it)."""
    segs = _visible(_segments(mark.start, mark.end, scale, single=mark.end is None), scale)
    if not segs:
        return None
    x0, x1 = scale.clamp(min(sg.x0 for sg in segs)), scale.clamp(max(sg.x1 for sg in segs))
    if x1 - x0 < TICK_W:
        mid = (x0 + x1) / 2
        x0, x1 = mid - TICK_W / 2, mid + TICK_W / 2
    return x0, x1


def _lanes(row: Row, scale: _Scale) -> list[int]:
    """A lane for each mark of the row: marks that would touch (within
    :data:`MARK_GAP` px) go into different lanes, stacked, never drawn over
    one another. Greedy, in the marks' order of x."""
    extents = [_mark_extent(m, scale) for m in row.marks]
    order = sorted((i for i, e in enumerate(extents) if e is not None), key=lambda i: (extents[i][0], i))
    ends: list[float] = []
    lanes = [0] * len(row.marks)
    for i in order:
        x0, x1 = extents[i]
        for lane, end in enumerate(ends):
            if end + MARK_GAP <= x0:
                ends[lane] = x1
                lanes[i] = lane
                break
        else:
            ends.append(x1)
            lanes[i] = len(ends) - 1
    return lanes


def _mark(row: Row, mark: Mark, y: float, h: float, scale: _Scale, paints: _Paints, href: Callable[[str], str]) -> str:
    is_end = mark.moment in END_KINDS
    colour = END_COLOUR if is_end else EVENT_COLOUR
    role = "end" if is_end else "event"
    fuzzy = mark.start.is_uncertain or mark.start.is_approximate
    if mark.end is not None:
        fuzzy = fuzzy or mark.end.is_uncertain or mark.end.is_approximate
    segs = _visible(_segments(mark.start, mark.end, scale, single=mark.end is None), scale)
    top = y - h / 2
    outline = ' stroke-dasharray="2 1.5"' if fuzzy else ""
    parts = []
    for seg in segs:
        if seg.style in ("tick", "solid"):
            fill = f'fill="{colour}"'
            if seg.style == "tick":
                parts.append(_rect(seg.x0, seg.x1, top, h, f'class="tl-tick" {fill}', scale, min_w=TICK_W))
                continue
            parts.append(_rect(seg.x0, seg.x1, top + 2, h - 4, f'class="tl-solid" {fill}', scale))
            continue
        if seg.style == "in":
            fill = f'fill="{paints.fade_in(colour, role)}"'
        elif seg.style == "out":
            fill = f'fill="{paints.fade_out(colour, role)}"'
        elif fuzzy:
            fill = f'fill="{paints.hatch(colour, role)}"'
        elif is_end:
            fill = 'fill="none"'
        else:
            fill = f'fill="{colour}" fill-opacity="0.3"'
        stroke = f' stroke="{colour}" stroke-width="1"{outline}' if seg.style == "range" else ""
        parts.append(_rect(seg.x0, seg.x1, top, h, f'class="tl-{seg.style}" {fill}{stroke}', scale))
    if not parts:
        return ""
    edtf = mark.start.edtf if mark.end is None else f"{mark.start.edtf}/{mark.end.edtf}"
    data = f' data-edtf="{escape(edtf)}"'
    if mark.key:
        data += f' data-key="{escape(mark.key)}"'
    classes = f"tl-mark tl-{'end' if is_end else 'event'}{' tl-fuzzy' if fuzzy else ''}"  # the moment is in the tooltip
    body = f"<title>{escape(_tooltip(row, mark))}</title>{''.join(parts)}"
    if mark.key and not is_end:
        # Keyboard users reach events through the list under the timeline;
        # the marks stay clickable without adding a tab stop each.
        body = f'<a href="{escape(href(mark.key))}" tabindex="-1">{body}</a>'
    return f'<g class="{classes}"{data}>{body}</g>'


def _legend(y: float, x0: float, right: float, paints: _Paints, compressed: bool) -> str:
    """The legend, flowed into lines within ``right``."""
    items = []
    x = x0
    c = PERSON_COLOUR

    def label(text: str) -> str:
        nonlocal x
        out = f'<text class="tl-muted" x="{_num(x)}" y="{_num(y + 4)}" fill="{MUTED_COLOUR}">{escape(text)}</text>'
        x += text_width(text, 12) + 14
        return out

    def room(w: float) -> None:
        """The next item on a new line when it would pass the right edge."""
        nonlocal x, y
        if x + w > right:
            x, y = x0, y + LEGEND_LINE

    items.append(f'<rect class="tl-fill-person" x="{_num(x)}" y="{_num(y - BAR_H / 2)}" width="24" height="{BAR_H}" fill="{c}"/>')
    items.append(f'<rect x="{_num(x + 24)}" y="{_num(y - BAR_H / 2)}" width="20" height="{BAR_H}" fill="{paints.fade_out(c, "person")}"/>')
    x += 50
    items.append(label("life or existence, fading where unknown"))
    room(8 + text_width("exact day", 12))
    items.append(f'<rect class="tl-fill-event" x="{_num(x)}" y="{_num(y - MARK_H / 2)}" width="{TICK_W}" height="{MARK_H}" fill="{EVENT_COLOUR}"/>')
    x += 8
    items.append(label("exact day"))
    room(28 + text_width("some time within", 12))
    items.append(
        f'<rect class="tl-fill-event tl-stroke-event" x="{_num(x)}" y="{_num(y - MARK_H / 2)}" width="22" height="{MARK_H}" fill="{EVENT_COLOUR}" '
        f'fill-opacity="0.3" stroke="{EVENT_COLOUR}" stroke-width="1"/>'
    )
    x += 28
    items.append(label("some time within"))
    room(28 + text_width("approximate or uncertain", 12))
    items.append(
        f'<rect class="tl-stroke-event" x="{_num(x)}" y="{_num(y - MARK_H / 2)}" width="22" height="{MARK_H}" fill="{paints.hatch(EVENT_COLOUR, "event")}" '
        f'stroke="{EVENT_COLOUR}" stroke-width="1" stroke-dasharray="2 1.5"/>'
    )
    x += 28
    items.append(label("approximate or uncertain"))
    if compressed:
        room(28 + text_width("years compressed", 12))
        items.append(f'<rect class="tl-compressed" x="{_num(x)}" y="{_num(y - MARK_H / 2)}" width="22" height="{MARK_H}" fill="{RULE_COLOUR}" fill-opacity="0.5"/>')
        x += 28
        items.append(label("years compressed"))
    return f'<g class="tl-legend" aria-hidden="true">{"".join(items)}</g>'


def _row_extent(row: Row) -> tuple[float, float] | None:
    return _domain([row])


def _axis(domain: tuple[float, float], window: tuple[int, int] | None, max_ticks: int) -> tuple[float, float, int, list[int]]:
    """(first, last, step, tick years) of a linear x axis, in fractional years."""
    if window is not None:
        first, last = float(window[0]), float(window[1] + 1)
        step = tick_step(first, last, max_ticks)
    else:
        step = tick_step(*domain, max_ticks=max_ticks)
        pad = (domain[1] - domain[0]) * 0.02
        first, last = domain[0] - pad, domain[1] + pad
    ticks = list(range(math.ceil(first / step) * step, math.floor(last / step) * step + 1, step))
    if len(ticks) < 2 and window is None:  # a short domain: widen it to two whole steps
        first = math.floor(domain[0] / step) * step
        last = max(math.ceil(domain[1] / step) * step, first + step)
        ticks = list(range(int(first), int(last) + 1, step))
    return first, last, step, ticks


def _piece_ticks(scale: _Scale) -> list[int]:
    """Tick years of a piecewise axis: the two seams, the first and last
    years, then whole steps of each piece (about one per 60 px of it), none closer than 34 px to
    another (a year's label is about 28 px wide)."""
    seams = [int(scale.pieces[1][0]), int(scale.pieces[1][1])]
    ends = [math.ceil(scale.pieces[0][0]), math.floor(scale.pieces[2][1])]  # where the axis begins and ends
    wanted: list[int] = seams + ends
    for i in (1, 0, 2):
        y0, y1, x0, x1 = scale.pieces[i]
        if y1 <= y0:
            continue
        step = tick_step(y0, y1, max(int((x1 - x0) / 60), 1))
        wanted += list(range(math.ceil(y0 / step) * step, math.floor(y1 / step) * step + 1, step))
    kept: list[int] = []
    for year in wanted:
        if year not in kept and scale.x0 - 0.5 <= scale(year) <= scale.x1 + 0.5 and all(abs(scale(year) - scale(k)) >= 34 for k in kept):
            kept.append(year)
    return sorted(kept)


def _year_label(year: int) -> str:
    return str(year) if year >= 1 else f"{1 - year} BC"


def render_svg(
    rows: list[Row],
    *,
    href: Callable[[str], str],
    title: str,
    id_prefix: str,
    width: int = 960,
    legend: bool = True,
    window: tuple[int, int] | None = None,
) -> Markup:
    """Draw ``rows`` as inline SVG (see the module docstring for the encoding).

    Two SVGs side by side in a ``<div class="tl">``: the names of the rows
    (``tl-names``, :data:`NAME_W` px, which the stylesheet keeps in view
    when the timeline scrolls sideways) and the plot. ``width`` is both
    together. ``href(key)`` gives the URL of an entity key, relative to the
    page the SVG is on. ``title`` names the plot (its ``<title>``);
    ``id_prefix`` keeps ids unique when several timelines share a page.

    The axis gives :data:`DENSE_WIDTH` of its width to the years most events
    fall in (:func:`_dense`) and compresses the years before and after them
    (a piecewise scale: the compressed years are shaded, the seams marked
    with a break on the axis and labelled, and the description says so);
    when the events spread over most of the axis it is linear. The wrapper's
    ``data-tl-start`` is the x of the dense years, where ``figures.js``
    scrolls a timeline too wide for the screen. Marks of a row that would
    touch are stacked in lanes (:func:`_lanes`), the row as tall as they
    need.

    ``window=(1926, 1940)`` draws only those years (1 January 1926 to 31
    December 1940) on a linear axis: spans are cut at its edges, marks
    outside it and rows with nothing inside it are left out. By default the
    axis covers every date of the rows.

    Returns an empty Markup when no row has a date to draw, so a template can
    write ``{% if svg %}``.
    """
    domain = _domain(rows)
    if not rows or domain is None:
        return Markup("")
    if window is not None:
        lo, hi = window[0], window[1] + 1
        rows = [r for r in rows if (ext := _row_extent(r)) and ext[0] < hi and ext[1] > lo]
        if not rows:
            return Markup("")
    plot_w = width - NAME_W
    plot_x0, plot_x1 = 8, plot_w - RIGHT_PAD
    max_ticks = max(int((plot_x1 - plot_x0) / 60), 2)
    first, last, _step, ticks = _axis(domain, window, max_ticks)
    dense = None if window is not None else _dense(rows, first, last)
    scale = _Scale(_pieces(first, last, dense, plot_x0, plot_x1))
    if dense is not None:
        ticks = _piece_ticks(scale)
    p = str(escape(id_prefix))
    paints = _Paints(p)

    # Rows: as tall as their lanes of marks need.
    lanes = [_lanes(row, scale) for row in rows]
    heights = [max(ROW_H, (max(ls, default=0) + 1) * LANE_H + 6) if len(set(ls)) > 1 else ROW_H for ls in lanes]
    tops = [AXIS_H + sum(heights[:i]) for i in range(len(rows))]
    rows_top = AXIS_H
    rows_bottom = rows_top + sum(heights)
    height = rows_bottom + AXIS_H + (LEGEND_H if legend else 0)

    names: list[str] = []
    body: list[str] = []
    stripes = [
        f'<rect class="tl-zebra" x="0" y="{_num(tops[i])}" width="{{w}}" height="{_num(heights[i])}" fill="{ZEBRA_COLOUR}"/>'
        for i in range(1, len(rows), 2)
    ]
    names.append(f'<rect class="tl-bg" x="0" y="0" width="{NAME_W}" height="{_num(height)}" fill="#ffffff"/>')
    names.append(f'<g class="tl-stripes">{"".join(stripes).replace("{w}", str(NAME_W))}</g>')
    body.append(f'<g class="tl-stripes">{"".join(stripes).replace("{w}", str(plot_w))}</g>')
    compressed = scale.compressed
    for y0, y1, x0, x1 in compressed:
        body.append(
            f'<rect class="tl-compressed" x="{_num(x0)}" y="{rows_top - 6}" width="{_num(x1 - x0)}" height="{_num(rows_bottom - rows_top + 12)}" '
            f'fill="{RULE_COLOUR}" fill-opacity="0.5"><title>{escape(_year_label(math.ceil(y0)))}–{escape(_year_label(math.ceil(y1) - 1))}: compressed</title></rect>'
        )
    axis = []
    for year in ticks:
        x = _num(scale(year))
        axis.append(
            f'<line class="tl-grid" x1="{x}" y1="{rows_top - 6}" x2="{x}" y2="{rows_bottom + 6}" stroke="{RULE_COLOUR}" stroke-width="1"/>'
        )
        label = _year_label(year)
        for ty in (rows_top - 10, rows_bottom + 20):
            axis.append(
                f'<text class="tl-muted" x="{x}" y="{ty}" text-anchor="middle" fill="{MUTED_COLOUR}">{escape(label)}</text>'
            )
    if dense is not None:
        for seam in (scale.pieces[0][3], scale.pieces[2][2]):
            for ty in (rows_top - 3, rows_bottom + 3):
                axis.append(
                    f'<path class="tl-break" d="M{_num(seam - 5)},{ty + 3}l4,-6M{_num(seam + 1)},{ty + 3}l4,-6" stroke="{MUTED_COLOUR}" stroke-width="1.5" fill="none"/>'
                )
    body.append(f'<g class="tl-axis">{"".join(axis)}</g>')

    for i, row in enumerate(rows):
        y = tops[i] + heights[i] / 2
        role = "custom" if row.colour else {"person": "person", "events": "event"}.get(row.style, "group")
        default = {"person": PERSON_COLOUR, "events": EVENT_COLOUR}.get(row.style, GROUP_COLOUR)
        colour = row.colour or default
        shown = fit(row.label, NAME_W - 14, 12)
        text = f'<text class="tl-text" x="8" y="{_num(y + 4)}" fill="{TEXT_COLOUR}">{escape(shown)}</text>'
        if shown != row.label:
            text = f"<title>{escape(row.label)}</title>{text}"
        if row.key:
            text = f'<a href="{escape(href(row.key))}">{text}</a>'
        key = f' data-key="{escape(row.key)}"' if row.key else ""
        names.append(f'<g class="tl-name"{key}>{text}</g>')
        n_lanes = max(lanes[i], default=0) + 1
        parts = [_bar(row, colour, role, y, scale, paints)]
        for m, lane in zip(row.marks, lanes[i]):
            if n_lanes == 1:
                parts.append(_mark(row, m, y, MARK_H, scale, paints, href))
            else:
                parts.append(_mark(row, m, y - n_lanes * LANE_H / 2 + lane * LANE_H + LANE_H / 2, LANE_H - 2, scale, paints, href))
        cls = "tl-row" + (" tl-custom" if row.colour else "") + (" tl-tie" if row.style == "tie" else "")
        body.append(f'<g class="{cls}" id="{p}-row-{i}"{key}>{"".join(parts)}</g>')

    if legend:
        body.append(_legend(rows_bottom + AXIS_H + LEGEND_H / 2 - 4, 8, plot_w - RIGHT_PAD, paints, bool(compressed)))

    years = f"{_year_label(math.floor(first))} to {_year_label(math.ceil(last) - 1)}"
    desc = f"{len(rows)} rows from {years}. "
    if dense is not None:
        a, b = dense
        desc += (
            f"Most of the width goes to {_year_label(int(a))}–{_year_label(int(b))}, where most events fall; "
            "the years before and after are compressed (shaded, with a break on the axis). "
        )
    desc += (
        "Bars show lives and the existence of groups, fading out "
        "where an end is unknown; marks show births, deaths, foundings and events, stacked where they coincide. "
        "A date known only roughly is drawn over its whole possible range, hatched when approximate or uncertain. "
        "The same information follows as a list."
    )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline tl-plot" '
        f'aria-labelledby="{p}-title {p}-desc" width="{plot_w}" height="{_num(height)}" '
        f'viewBox="0 0 {plot_w} {_num(height)}" font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{p}-title">{escape(title)}</title><desc id="{p}-desc">{escape(desc)}</desc>'
    )
    names_svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline tl-names" aria-labelledby="{p}-names" '
        f'width="{NAME_W}" height="{_num(height)}" viewBox="0 0 {NAME_W} {_num(height)}" font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{p}-names">{escape(title)}: the rows</title>' + "".join(names) + "</svg>"
    )
    start = f' data-tl-start="{_num(max(scale.pieces[1][2] - 22, 0))}"' if dense is not None else ""
    plot = head + paints.defs() + "".join(body) + "</svg>"
    return Markup(xml_safe(f'<div class="tl"{start}>{names_svg}{plot}</div>'))
