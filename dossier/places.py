"""Places: the name a place bore at a date, and the checks on its names.

A place lists the names it bore over time (``names``: Petrograd from 1914 to
1924, Leningrad from 1924 to 1991). Each name holds from the start of its
``from`` to the start of its ``to``: a renaming year belongs to the new name,
so "Petrograd 1914–1924" and "Leningrad 1924–1991" do not overlap, and 1924
is Leningrad. A date no name covers gets the place's title.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from .dates import Date
from .diagnostics import Diagnostics

__all__ = ["check_names", "located", "name_at", "name_spans", "outer"]


def outer(site, place) -> list:
    """The larger places ``place`` lies in, nearest first (``part_of``)."""
    out, seen = [], {place.key}
    p = place
    while p.get("part_of"):
        p = site.get("place", p.get("part_of"))
        if p is None or p.key in seen:
            break
        seen.add(p.key)
        out.append(p)
    return out


def located(site, place):
    """``place`` if it has coordinates, else the nearest larger place that has."""
    for p in [place, *outer(site, place)]:
        if p.get("coordinates") is not None:
            return p
    return None


def _start(d: Date | None) -> _dt.date:
    return d.lower if d is not None else _dt.date.min


def _stop(d: Date | None) -> _dt.date:
    return d.lower if d is not None else _dt.date.max


def name_spans(place) -> list[tuple[str, _dt.date, _dt.date, dict[str, Any]]]:
    """(name, first day, first day after, record) of each name, in order."""
    return [(n["name"], _start(n.get("from")), _stop(n.get("to")), n) for n in place.fields.get("names", ())]


def name_at(place, when: Date | None) -> str:
    """The name ``place`` bore at ``when`` (its earliest day), else its title."""
    if when is None:
        return place.title
    day = when.lower
    for name, first, after, _ in name_spans(place):
        if first <= day < after:
            return name
    return place.title


def check_names(site, diags: Diagnostics) -> None:
    """A name's ``to`` before its ``from``, and two names at once, are errors."""
    for place in site.of_kind("place"):
        spans = name_spans(place)
        for i, (name, first, after, rec) in enumerate(spans):
            if rec.get("from") is not None and rec.get("to") is not None and after < first:
                line, col = place.mark("names", i, "to")
                diags.error(place.path, line, col, "date-order", f"the name '{name}' ends ({rec['to'].human()}) before it begins ({rec['from'].human()})")
        for i, (name, first, after, _rec) in enumerate(spans):
            for j in range(i):
                other, o_first, o_after, _o = spans[j]
                if first < o_after and o_first < after:
                    line, col = place.mark("names", i)
                    diags.error(
                        place.path, line, col, "overlapping-names",
                        f"the name '{name}' overlaps '{other}': a place bears one name at a time",
                        "a name holds from its 'from' up to its 'to' (the renaming year is the new name's): give the earlier one a 'to'",
                    )
