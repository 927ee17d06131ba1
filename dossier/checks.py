"""Contradictions between pages: claims that the dates make impossible.

Each relation may declare how the spans at its two ends must stand
(``schema.Relation.when``):

- ``"overlap"``: the two must have existed at the same time (a participant of
  an event alive during it, a leader of a group while it existed);
- ``"within"``: the holder's span lies inside the target's (an event part of
  a larger one);
- ``"before"`` / ``"after"``: the target began no later / no earlier than the
  holder (a predecessor, a successor).

A relation that is a record with its own dates (a membership's ``from`` and
``to``) must also lie within both ends. A source dated after the death of an
author who has a page is a contradiction too, unless it says
``posthumous: true``.

Only what is *certain* is reported: two dates conflict when even their widest
reading cannot agree. EDTF bounds give the widest reading of a date
(``1932-12`` is any day of December 1932); an uncertain or approximate date
(``1932?``, ``1932~``) is widened further by one unit of its precision, as
the EDTF reference implementation pads it, so an overlap that uncertainty
allows is never reported. Each report is a warning (an error under
``--strict``) on the holder's field, naming the other file and line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .dates import Date
from .diagnostics import Diagnostics
from .text import fold

if TYPE_CHECKING:
    from .model import Entity, Site
    from .schema import Reference

__all__ = ["check_contradictions"]

#: days one unit of each precision can move an uncertain or approximate date
_PAD = {"day": 1, "month": 31, "season": 92, "year": 366, "decade": 3653, "century": 36525, "interval": 366}


def _lo(d: Date) -> int:
    """The earliest day ``d`` can be (uncertainty widening it)."""
    return d._shape.lower_key - _pad(d)


def _hi(d: Date) -> int:
    return d._shape.upper_key + _pad(d)


def _pad(d: Date) -> int:
    return _PAD.get(d.precision, 366) * ((1 if d.is_uncertain else 0) + (1 if d.is_approximate else 0))


def _before(a: Date | None, b: Date | None) -> bool:
    """Whether ``a`` certainly ends before ``b`` can begin."""
    return a is not None and b is not None and _hi(a) < _lo(b)


class _Span:
    """An entity's span as the checks need it: an event without an end is a
    point; a life without a death date is open at the end."""

    def __init__(self, site: Site, e: Entity):
        ctype = site.schema[e.kind]
        self.entity = e
        self.start, self.end = site.span(e)
        self.start_field, self.end_field = ctype.span
        if self.end is None and not ctype.open_words[0]:  # a point in time
            self.end, self.end_field = self.start, self.start_field
        self.verbs = ctype.span_verbs
        self.who = "who" if e.kind == "person" else "which"

    def at(self, which: str) -> str:
        """'content/people/x.md:5' for the start or end field."""
        name = self.start_field if which == "start" else self.end_field
        line, _col = self.entity.mark(name)
        return f"{self.entity.path}:{line}"


def check_contradictions(site: Site, names: dict[str, list[Entity]], diags: Diagnostics) -> None:
    spans = {}

    def span(e: Entity) -> _Span:
        if e.key not in spans:
            spans[e.key] = _Span(site, e)
        return spans[e.key]

    for holder in site:
        for ref, target in site.targets(holder):
            rel = ref.relation
            if rel is None:
                continue
            if rel.when:
                _check_relation(holder, ref, target, rel.when, span(holder), span(target), diags)
            if rel.note == "record" and ref.record:
                _check_record(holder, ref, target, span(holder), span(target), diags)
    for source in site.of_kind("source"):
        _check_authors(site, source, names, span, diags)
    for person in site.of_kind("person"):
        _check_roles(person, names, diags)


_GROUP_ROLE = re.compile(r"(?i)^(co-?leader|leader|member|founder)s? of (?:the )?(.+?)\.?$")


def _check_roles(person, names, diags: Diagnostics) -> None:
    """A role that only restates a relation with a group that has a page
    ("Leader of the Left Opposition") belongs in the relation, where the
    infobox shows it linked: the group's ``leaders`` or ``members``, or the
    person's ``memberships``."""
    for i, role in enumerate(person.get("roles") or []):
        m = _GROUP_ROLE.match(str(role).strip())
        if not m:
            continue
        groups = {g.key: g for g in names.get(fold(m.group(2)), []) + names.get(fold("the " + m.group(2)), []) if g.kind == "group"}
        if len(groups) != 1:
            continue
        group = next(iter(groups.values()))
        field = "leaders" if "leader" in m.group(1).lower() else "members"
        line, col = person.mark("roles", i)  # (the field's own place when it was not written as a list)
        listed = person.slug in [str(x) for x in group.get(field) or []]
        diags.warning(
            person.path, line, col, "role-is-a-relation",
            f"the role '{role}' names the group {group.title}, which has a page: the infobox shows it linked when the relation is recorded",
            f"{group.path} already lists {person.slug} in its {field}: drop the role" if listed else f"list {person.slug} in the {field} of {group.path} (or add a membership) and drop the role",
        )


def _check_relation(holder, ref: Reference, target, when: str, h: _Span, t: _Span, diags: Diagnostics) -> None:
    inner = [k for k in ref.keypath if isinstance(k, str)]
    field = f"'{inner[-1]}' in '{ref.field}'" if len(inner) > 1 else f"'{ref.field}'"
    problem = ""
    if when == "overlap":
        if _before(t.end, h.start):
            problem = f"{t.entity.title}, {t.who} {t.verbs[1]} {t.end.human()} ({t.at('end')}), before {h.entity.title} {h.verbs[0]} ({h.start.human()})"
        elif _before(h.end, t.start):
            problem = f"{t.entity.title}, {t.who} {t.verbs[0]} {t.start.human()} ({t.at('start')}), after {h.entity.title} {h.verbs[1]} ({h.end.human()})"
    elif when == "within":
        if _before(h.start, t.start):
            problem = f"{t.entity.title}, which {t.verbs[0]} {t.start.human()} ({t.at('start')}), after {h.entity.title} {h.verbs[0]} ({h.start.human()})"
        elif _before(t.end, h.end):
            problem = f"{t.entity.title}, which {t.verbs[1]} {t.end.human()} ({t.at('end')}), before {h.entity.title} {h.verbs[1]} ({h.end.human()})"
    elif when == "before":
        if _before(h.start, t.start):
            problem = f"{t.entity.title}, which {t.verbs[0]} {t.start.human()} ({t.at('start')}), after {h.entity.title} {h.verbs[0]} ({h.start.human()})"
    elif when == "after":
        if _before(t.start, h.start):
            problem = f"{t.entity.title}, which {t.verbs[0]} {t.start.human()} ({t.at('start')}), before {h.entity.title} {h.verbs[0]} ({h.start.human()})"
    if problem:
        report = diags.error if ref.relation.severity == "error" else diags.warning
        line, col = holder.mark(*ref.keypath)  # read only for a problem: a document's places are unpacked when asked
        report(holder.path, line, col, "contradiction", f"{field} names {problem}", "one of the dates is wrong, or the relation is")


def _check_record(holder, ref: Reference, target, h: _Span, t: _Span, diags: Diagnostics) -> None:
    """A record's own dates (a membership's from and to) within both ends."""
    rec = ref.record
    start, end = rec.get("from"), rec.get("to")
    base = ref.keypath[:-1]
    what = f"the {ref.field.rstrip('s')} of {target.title}" if ref.field.endswith("s") else f"'{ref.field}'"
    for date, name, other, side, word in (
        (start, "from", h, "start", "begins"),
        (end, "to", h, "end", "ends"),
        (start, "from", t, "start", "begins"),
        (end, "to", t, "end", "ends"),
    ):
        if date is None:
            continue
        bound = other.start if side == "start" else other.end
        bad = _before(date, bound) if side == "start" else _before(bound, date)
        if not bad:
            continue
        verb = other.verbs[0] if side == "start" else other.verbs[1]
        when = "before" if side == "start" else "after"
        line, col = holder.mark(*base, name)
        diags.warning(
            holder.path, line, col, "contradiction",
            f"{what} {word} ({date.human()}) {when} {other.entity.title} {verb} ({bound.human()}, {other.at(side)})",
            "one of the dates is wrong",
        )


def _check_authors(site: Site, source, names, span, diags: Diagnostics) -> None:
    """A source dated after its author's death, unless it says it is posthumous."""
    from .bibliography import parse_name

    date = source.get("date")
    if date is None or source.get("posthumous"):
        return
    for i, raw in enumerate(source.get("author") or []):
        for candidate in dict.fromkeys((parse_name(raw).natural, raw)):
            people = [p for p in names.get(fold(candidate), []) if p.kind == "person"]
            if len(people) != 1:
                continue
            author = span(people[0])
            if author.end is not None and author.end_field == "died" and _before(author.end, date):
                line, col = source.mark("author", i)  # (the field's own place when it was not written as a list)
                diags.warning(
                    source.path, line, col, "contradiction",
                    f"the source is dated {date.human()}, after its author {author.entity.title} died ({author.end.human()}, {author.at('end')})",
                    "if it was published after the author's death, say so with posthumous: true",
                )
            break
