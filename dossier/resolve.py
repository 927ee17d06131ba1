"""Resolution: links, relations and citations checked against the whole site,
and everything derived from them (inverse relations, backlinks, cited-by).

Input: a :class:`~dossier.model.Site` and each entity's rendered Markdown.
Output: a :class:`Resolved` holding, per entity, what its page needs, plus
diagnostics. Plain Python: no Pelican, no templates.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import pickle
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import deps, places
from .checks import check_contradictions
from .dates import Date, certainly_before, format_range
from .diagnostics import Diagnostics
from .history import Change, History
from .markup import RESERVED_IDS, Ref, Rendered, refs_in, sentence_parts, written_text
from .model import Entity, Site, index_names, index_variants
from .schema import Citation, FieldCitation, RecordList, Reference, a_kind, parse_citation
from .suggest import NameIndex, close_matches
from .text import fold, is_slug, slugify

__all__ = ["Resolved", "ResolvedEntity", "Link", "CiteGroup", "Backlink", "Related", "CitedBy", "Position", "body_anchor", "resolve", "resolve_body", "states", "inverse_note"]

class Link:
    """A resolved ``[[link]]``. Its label notes the target's fields when it is
    the target's title, its fragment the target's body (its sections)."""

    __slots__ = ("target", "_label", "_fragment", "titled")

    def __init__(self, target: Entity | None, label: str, fragment: str = "", titled: bool = False):
        self.target = target  # None: unresolved (the build fails; rendered as text)
        self._label = label
        self._fragment = fragment
        self.titled = titled  # the label is the target's title: it changes with it

    @property
    def label(self) -> str:
        if self.titled and self.target is not None:
            deps.note(self.target.face_key)
        return self._label

    @property
    def fragment(self) -> str:
        if self._fragment and self.target is not None:
            deps.note(deps.body(self.target.key))
        return self._fragment

    def __repr__(self) -> str:
        return f"Link({self.target!r}, {self._label!r}, {self._fragment!r}, {self.titled!r})"


@dataclass(frozen=True)
class CiteGroup:
    cites: tuple[Citation, ...]


def _note_shown(source: Entity, in_body: bool, shows: Iterable[str]) -> None:
    """A quoted sentence depends on what its page's body says of others
    (or, for a field, on its fields) and on the titles it shows of other pages."""
    if deps.reading is not None:
        deps.reading.add(deps.said(source.key) if in_body else source.face_key)
        deps.reading.update(deps.face(k) for k in shows)


@dataclass
class Backlink:
    """What one page (``source``) says of the page it links to."""

    source: Entity
    #: the sentences of its text that link here: (text, is the link itself)
    said: list[list[tuple[str, bool]]] = field(default_factory=list)
    #: how its fields name the page: (place, phrase with {} for the title),
    #: one per relation, in the order of their places
    named: list[tuple[int, str]] = field(default_factory=list)
    shows: set[str] = field(default_factory=set)  # keys whose titles the sentences show
    in_body: bool = False  # some of it comes from the body (else only from fields)

    @property
    def contexts(self) -> list[list[tuple[str, bool]]]:
        _note_shown(self.source, self.in_body, self.shows)
        return self.said

    @property
    def relations(self) -> list[str]:
        """The phrases of the relations its fields hold with the page
        ("list {} as a participant"), in the order of their places."""
        if deps.reading is not None:
            deps.reading.add(self.source.face_key)
        return [phrase for _place, phrase in self.named]


@dataclass(frozen=True)
class Related:
    """One item of a derived (inverse) relation section of a page: ``entity``
    holds the relation; its note (role, dates) comes from its fields."""

    entity: Entity
    said: str = ""  # role, dates
    sort: tuple = ()
    given: tuple = ()  # the citations given for this one relation

    @property
    def note(self) -> str:
        deps.note(self.entity.face_key)
        return self.said

    @property
    def cites(self) -> tuple:
        deps.note(self.entity.face_key)
        return self.given


def body_anchor(index: int) -> str:
    """The id prefix of the markers of the body's citation placeholder
    ``index`` (``cite-t4-0`` for its first citation): fixed by the text, so
    that a source's "Cited by" links to the citing sentence on its page."""
    return f"cite-t{index}"


@dataclass
class CitedBy:
    source: Entity  # the citing page
    locator: str
    quoted: list[tuple[str, bool]]  # empty when cited from a field or debate
    where: str = ""  # "body", or the field, or "debate"
    shows: frozenset[str] = frozenset()  # keys whose titles the sentence shows
    anchor: str = ""  # the id of the citation's marker on the citing page (a body citation)

    @property
    def sentence(self) -> list[tuple[str, bool]]:
        _note_shown(self.source, self.where == "body", self.shows)
        return self.quoted


@dataclass(frozen=True)
class Position:
    """A position in a debate, taken by the person whose page lists it."""

    holder: Entity  # the page that records the debate
    debate: int  # its index in the holder's debates
    said: dict  # the position record

    @property
    def record(self) -> dict:
        deps.note(self.holder.face_key)
        return self.said


# What the pages being written have read that can be read or found again:
# let go of after each page (:func:`forget_read`), so that writing holds what
# one page needs, not what every page written so far did.
_HELD: list = []


def held(value) -> None:
    """Note ``value`` (anything with ``forget()``) as holding what a page read."""
    _HELD.append(value)


def forget_read() -> None:
    """Let go of all that :func:`held` noted since the last call."""
    for value in _HELD:
        value.forget()
    _HELD.clear()


@dataclass
class ResolvedEntity:
    """What resolution found for one entity: its rendered body and resolved
    references, and what other pages say of it. Read through the properties:
    they note what the page being rendered depends on (see ``deps``)."""

    entity: Entity
    markdown: Rendered
    #: the body's references as resolved (None: ``later_refs`` gives them)
    given_refs: list[Link | CiteGroup] | None = field(default_factory=list)
    #: source key -> backlink (None: found when first read, see ``backlinks``)
    given_backlinks: dict[str, Backlink] | None = None
    derived: dict[str, list[Related]] = field(default_factory=dict)  # section title -> items
    given_cited_by: list[CitedBy] | None = None  # None: found when first read
    positions: list[Position] = field(default_factory=list)
    #: every reference in another entity's fields that names this one (None: ``later_incoming`` gives them)
    given_incoming: list[tuple[Entity, Reference]] | None = field(default_factory=list)
    said: Said | None = field(default=None, repr=False, compare=False)
    #: what gives ``given_refs`` when first read (the cache's resolution)
    later_refs: Callable[[], list[Link | CiteGroup]] | None = field(default=None, repr=False, compare=False)
    #: (the pages its body links to, the sources it cites), when the cache gave them
    body_targets: tuple[frozenset[str], frozenset[str]] | None = field(default=None, repr=False, compare=False)
    #: the digest of what the body says of other pages, but for the titles
    #: it shows (``said:<key>``: :func:`mentions_digest`)
    said_digest: str = field(default="", repr=False, compare=False)
    #: what gives ``given_incoming`` when first read (the cache's relations)
    later_incoming: Callable[[], list[tuple[Entity, Reference]]] | None = field(default=None, repr=False, compare=False)
    #: (the pages its fields name, the sources they cite), when the cache gave them
    field_targets: tuple[frozenset[str], frozenset[str]] | None = field(default=None, repr=False, compare=False)

    # Found without noting what they were found from: a page notes what it
    # shows of each (Backlink.contexts, CitedBy.sentence), as when they were
    # all found before the pages were rendered.

    @property
    def backlinks(self) -> dict[str, Backlink]:
        """What each page linking here says of this one (source key -> backlink)."""
        if self.given_backlinks is None:
            with deps.untracked():
                self.given_backlinks = self.said.backlinks(self.entity.key) if self.said is not None else {}
            held(self)
        return self.given_backlinks

    @property
    def cited_by(self) -> list[CitedBy]:
        """Where each page citing this source cites it."""
        if self.given_cited_by is None:
            with deps.untracked():
                self.given_cited_by = self.said.cited_by(self.entity.key) if self.said is not None else []
            held(self)
        return self.given_cited_by

    @property
    def rendered(self) -> Rendered:
        deps.note(deps.body(self.entity.key))
        return self.markdown

    @property
    def refs(self) -> list[Link | CiteGroup]:
        deps.note(deps.links(self.entity.key))
        return self.resolved_refs

    @property
    def resolved_refs(self) -> list[Link | CiteGroup]:
        """The body's references as resolved (noting nothing: see :attr:`refs`)."""
        if self.given_refs is None:
            self.given_refs = self.later_refs()
            held(self)
        return self.given_refs

    def forget(self) -> None:
        """Let go of what was found for a page's reading and can be found
        again: its backlinks and "Cited by", the references the cache gave."""
        if self.said is not None:
            self.given_backlinks = self.given_cited_by = None
        if self.later_refs is not None:
            self.given_refs = None
        if self.later_incoming is not None:
            self.given_incoming = None

    def targets_of_body(self, site: Site) -> tuple[frozenset[str], frozenset[str]]:
        """The other pages the body links to, and the sources it cites."""
        if self.body_targets is None:
            linked: set[str] = set()
            cited: set[str] = set()
            for ref in self.resolved_refs:
                if isinstance(ref, Link):
                    if ref.target is not None and ref.target.key != self.entity.key:
                        linked.add(ref.target.key)
                else:
                    cited.update(t.key for t in (site.get("source", c.key) for c in ref.cites) if t is not None)
            self.body_targets = (frozenset(linked), frozenset(cited))
        return self.body_targets

    @property
    def incoming(self) -> list[tuple[Entity, Reference]]:
        if deps.reading is not None:
            deps.reading.update(holder.face_key for holder, _ref in self.referenced_by)
        return self.referenced_by

    @property
    def referenced_by(self) -> list[tuple[Entity, Reference]]:
        """:attr:`incoming`, noting nothing."""
        if self.given_incoming is None:
            self.given_incoming = self.later_incoming()
            held(self)
        return self.given_incoming

    def targets_of_fields(self, site: Site) -> tuple[frozenset[str], frozenset[str]]:
        """The other pages the fields name, and the sources they cite
        (their values', and the page's ``sources``)."""
        if self.field_targets is None:
            e = self.entity
            if e.kind == "home":
                self.field_targets = (frozenset(), frozenset())
            else:
                linked = {t.key for _ref, t in site.targets(e)}
                cited = {t.key for t in (site.get("source", fc.cite.key) for fc in site.schema.citations(e.kind, e.data)) if t is not None}
                cited.update(t.key for t in (site.get("source", slug) for slug in e.get("sources", [])) if t is not None)
                self.field_targets = (frozenset(linked), frozenset(cited))
        return self.field_targets


@dataclass
class Resolved:
    """The resolved site: every entity (the home page too) with what its page
    needs, the index of names, and the values made once for the build."""

    site: Site
    entities: dict[str, ResolvedEntity]  # entity key -> its resolution ("index": the home page)
    names: dict[str, list[Entity]]  # folded name -> the entities claiming it (read through named())
    memo: deps.Memo = field(default_factory=deps.Memo)
    #: a former address (``events/butov-death``) -> the page that has it now
    moved: dict[str, Entity] = field(default_factory=dict)
    #: the content files' history from git (read through history_of)
    history: History = field(default_factory=History)
    #: the borders the maps draw (``maps.MapData``), or None when not installed
    maps: Any = None
    #: what the pages say of each other, found page by page (see :class:`Said`)
    said: Said | None = field(default=None, repr=False, compare=False)
    #: the names' trigrams, for "did you mean" (made at the first broken link)
    name_index: NameIndex | None = field(default=None, repr=False, compare=False)

    def history_of(self, entity: Entity) -> tuple[tuple[Change, ...], bool]:
        """(its changes, newest first; whether it has changes not yet committed)."""
        deps.note(deps.history(entity.key))
        return self.history.of(entity.path), entity.path in self.history.dirty

    def of(self, entity: Entity) -> ResolvedEntity:
        return self.entities[entity.key]

    def named(self, text: str) -> list[Entity]:
        """The entities a name leads to (noted: another page may claim it later)."""
        folded = fold(text)
        deps.note(deps.name(folded))
        return self.names.get(folded, [])


def _line(entity: Entity, ref: Ref) -> tuple[int, int]:
    """Where a reference is in its file (found only for a diagnostic)."""
    if ref.line:
        return entity.doc.body_line + ref.line - 1, ref.column
    return entity.doc.body_line, 1


def _suggest(res: Resolved, text: str, n: int = 3) -> str:
    index = res.names
    if res.name_index is None or len(res.name_index.names) != len(index):
        res.name_index = NameIndex(list(index))  # once the names are all in
    close = res.name_index.close_matches(fold(text), n=n, cutoff=0.6)
    titles: list[str] = []
    for c in close:
        for e in index[c]:
            if e.title not in titles:
                titles.append(e.title)
    return ("did you mean " + ", ".join(f"'{t}'" for t in titles[:n]) + "?") if titles else ""


def resolve(site: Site, rendered: dict[str, Rendered], diags: Diagnostics, cache=None) -> Resolved:
    """Resolve the site. ``cache`` (the content cache) keeps what each body
    says of other pages between builds (:class:`Mentions`)."""
    names = index_names(site)
    entities: dict[str, ResolvedEntity] = {}
    everyone = list(site) + ([site.home] if site.home else [])
    for e in everyone:
        entities[e.key] = ResolvedEntity(e, rendered[e.key])
    res = Resolved(site, entities, names)

    _check_identity(site, names, diags)
    _add_variants(site, names, diags)
    res.moved = _former_addresses(site, diags)
    front = _front_digest(site)  # what the checks and the relations are kept by
    _front_matter_checks(site, names, diags, cache, front)
    _resolve_bodies(res, everyone, diags, cache)
    _relations(res, cache, front)
    res.said = Said(res, cache)
    for page in res.entities.values():
        page.said = res.said
    _check_cited(res, diags, res.said)
    return res


# Checks -----------------------------------------------------------------------

#: The start of the content cache's row of what the front matter checks found.
CHECKS_ROW = "checks:"


def _front_matter_checks(site: Site, names: dict[str, list[Entity]], diags: Diagnostics, cache=None, front: str = "") -> None:
    """The checks of the fields across pages (relations, dates, places,
    cycles, contradictions, field sources). What they find depends on the
    front matter alone, as written (positions included), and on the schema;
    so ``cache`` keeps it under ``front``, the digest of every page's front
    matter (:func:`_front_digest`; "" keeps nothing), and an edit of bodies
    only (the common edit: 2 s of checks at 5,000 pages) takes it from there."""
    row = CHECKS_ROW + front if front else ""
    kept = cache.get(row) if cache is not None and row else None
    if isinstance(kept, tuple):
        diags.extend(kept)
        return
    found = Diagnostics()
    _check_fields(site, found)
    _check_dates(site, found)
    places.check_names(site, found)
    _check_cycles(site, found)
    check_contradictions(site, names, found)
    _check_field_sources(site, found)
    diags.extend(found.items)
    if cache is not None and row:
        cache.put(row, tuple(found.items))


def _front_digest(site: Site) -> str:
    """The digest of every page's address, file and front matter, and of
    the schema; "" when a page's front matter is not known by its digest
    (a page not read from a file)."""
    h = hashlib.sha256(site.schema.name.encode())
    for e in site:
        if not e.doc.front:
            return ""
        h.update(f"\0{e.key}\0{e.kind}\0{e.path}\0{e.doc.front}".encode())
    return h.hexdigest()


def _check_identity(site: Site, names: dict[str, list[Entity]], diags: Diagnostics) -> None:
    by_slug: dict[str, list[Entity]] = defaultdict(list)
    for e in site:
        by_slug[e.slug].append(e)
    for slug, claimants in by_slug.items():
        if len(claimants) > 1:
            for e in claimants[1:]:
                others = ", ".join(o.path for o in claimants if o is not e)
                diags.error(e.path, 1, 1, "duplicate-slug", f"the slug '{slug}' is also claimed by {others}", "rename one of the files")
    for name, claimants in names.items():
        if len(claimants) < 2:
            continue
        if len({c.slug for c in claimants}) == 1 and all(_where_name(c, name) == (("title",), c.slug) and fold(c.title) != name for c in claimants):
            continue  # only the shared slug itself: reported once, as duplicate-slug
        for e in claimants:
            keypath, written = _where_name(e, name)
            others = ", ".join(f"{o.path} ('{_written_name(o, name)}')" for o in claimants if o is not e)
            line, col = e.mark(*keypath)
            diags.error(e.path, line, col, "duplicate-name", f"the name '{written}' is also claimed by {others}", "links to it would be ambiguous; make titles and aliases unique")


def _add_variants(site: Site, names: dict[str, list[Entity]], diags: Diagnostics) -> None:
    """Add the spellings generated from native names to the name index. One
    that another page also claims is ambiguous: a warning on each page it was
    generated for, and a [[link]] by it lists the pages instead of picking one."""
    for folded, generated in index_variants(site, names).items():
        claimants = names.get(folded, []) + generated
        names[folded] = claimants
        if len(claimants) < 2:
            continue
        for e in generated:
            spelling = next(v.text for v in e.variants if fold(v.text) == folded)
            others = ", ".join(f"{o.path} ('{o.title}')" for o in claimants if o is not e)
            line, col = e.mark("native_name")
            diags.warning(
                e.path, line, col, "ambiguous-variant",
                f"the spelling '{spelling}', generated from the native name, is also a name of {others}",
                "links by that spelling list both pages; give the other page's name as a link, or an alias that tells them apart",
            )


def _former_addresses(site: Site, diags: Diagnostics) -> dict[str, Entity]:
    """Every former address a page claims (``former_slugs``), checked: not
    the address of a page that exists, not claimed twice."""
    moved: dict[str, Entity] = {}
    where: dict[str, tuple[Entity, int]] = {}
    for e in site:
        for i, written in enumerate(e.get("former_slugs", [])):
            line, col = e.mark("former_slugs", i)
            folder, slash, slug = written.partition("/")
            if not slash:
                folder, slug = site.schema[e.kind].folder, written
            if folder not in site.schema.by_folder or not is_slug(slug):
                diags.error(e.path, line, col, "former-slug", f"'{written}' is not a slug or folder/slug of this site", "write the old file name without .md, e.g. butov-death or events/butov-death")
                continue
            key = f"{folder}/{slug}"
            if key == e.key:
                diags.error(e.path, line, col, "former-slug", f"'{written}' is this page's own address")
                continue
            # (a page that moved folder keeps its slug: groups/x became places/x)
            others = [x for x in site.by_slug(slug) if x is not e]
            if key in site.entities or others:
                holder = site.entities.get(key) or others[0]
                diags.error(e.path, line, col, "former-slug", f"'{written}' is the slug of a page that exists: {holder.path}", "a former slug must be free: remove it, or rename that page")
                continue
            if key in where:
                other, other_line = where[key]
                diags.error(e.path, line, col, "former-slug", f"'{written}' is also claimed as a former slug by {other.path}:{other_line}", "an old address can lead to one page only")
                continue
            where[key] = (e, line)
            moved[key] = e
    return moved


def _where_name(e: Entity, folded: str) -> tuple[tuple, str]:
    if fold(e.title) == folded:
        return ("title",), e.title
    for i, a in enumerate(e.aliases):
        if fold(a) == folded:
            return ("aliases", i), a
    if e.get("native_name") and fold(e.get("native_name")) == folded:
        return ("native_name",), e.get("native_name")
    return ("title",), e.slug


def _written_name(e: Entity, folded: str) -> str:
    return _where_name(e, folded)[1]


def _check_fields(site: Site, diags: Diagnostics) -> None:
    pools: dict[tuple, list[str]] = {}  # kinds -> the slugs a reference to them may name
    for e in site:
        for ref in site.references(e):
            keypath, slug, kinds = ref.keypath, ref.slug, ref.kinds
            target = site.find(slug, kinds)
            if target is None and ref.loose:
                target = site.place_named(slug)
                # a place written as text ("a village near Minsk", "Paris"):
                # only a slug close to a place's is taken for a typo of it
                near = difflib.get_close_matches(slug, [x.slug for x in site.of_kind("place")], n=1, cutoff=0.8) if is_slug(slug) else []
                if target is None and not near:
                    continue
            if target is not None and target is not e:
                continue  # nothing to say: its place is not read (a document's places are unpacked when asked)
            line, col = e.mark(*keypath)
            # 'leaders', or for a field of a record: 'by' in 'debates'
            inner = [k for k in keypath if isinstance(k, str)]
            what = f"'{inner[-1]}' in '{keypath[0]}'" if len(inner) > 1 else f"'{keypath[0]}'"
            if target is None:
                elsewhere = site.by_slug(slug)
                if elsewhere:
                    diags.error(e.path, line, col, "relation", f"{what} must name {a_kind(*kinds)}, but '{slug}' is {a_kind(elsewhere[0].kind)}")
                else:
                    if kinds not in pools:
                        pools[kinds] = [x.slug for x in site if x.kind in kinds]
                    close = close_matches(slug, pools[kinds], n=3, cutoff=0.6)
                    hint = ("did you mean " + ", ".join(f"'{c}'" for c in close) + "?") if close else f"no {' or '.join(kinds)} has that slug"
                    diags.error(e.path, line, col, "relation", f"{what} names '{slug}', which does not exist", hint)
            elif target is e:
                diags.error(e.path, line, col, "self-relation", f"{what} names the page itself")
        for name, f in site.schema[e.kind].fields.items():
            if isinstance(f.type, RecordList) and f.type.record.cited:
                for i, rec in enumerate(e.get(name) or []):
                    if not rec.get("cite"):
                        line, col = e.mark(name, i)
                        diags.warning(e.path, line, col, "uncited", f"the {f.type.record.name} has no citation", "say where it is documented: cite: [\"source-slug, p. 12\"]")
        for fc in site.schema.citations(e.kind, e.fields):
            if site.get("source", fc.cite.key) is None:
                line, col = e.mark(*fc.keypath)
                diags.error(e.path, line, col, "citation", f"{_citing(fc)} cites '{fc.cite.key}', which is not a source", _source_hint(site, fc.cite.key))


def _citing(fc: FieldCitation) -> str:
    """Who cites, as a message names it."""
    if fc.keypath[0] == "field_sources":
        return "'field_sources'"
    if fc.field == "debates":
        return "the debate position"
    return f"'{fc.field}'"


def _source_hint(site: Site, key: str) -> str:
    close = close_matches(key, [s.slug for s in site.of_kind("source")], n=3, cutoff=0.6)
    return ("did you mean " + ", ".join(f"'{c}'" for c in close) + "?") if close else "add it under content/sources/"


def _check_dates(site: Site, diags: Diagnostics) -> None:
    def check(e: Entity, first: str, second: str, message: str, base: tuple = ()) -> None:
        holder = e.fields
        for k in base:
            holder = holder[k]
        a, b = holder.get(first), holder.get(second)
        if isinstance(a, Date) and isinstance(b, Date) and certainly_before(b, a):
            line, col = e.mark(*base, second)
            diags.error(e.path, line, col, "date-order", message.format(a=a.human(), b=b.human()))

    for e in site:
        if e.kind == "person":
            check(e, "born", "died", "died ({b}) before being born ({a})")
            for i, _m in enumerate(e.get("memberships", [])):
                check(e, "from", "to", "the membership ends ({b}) before it starts ({a})", ("memberships", i))
        elif e.kind == "group":
            check(e, "founded", "dissolved", "dissolved ({b}) before being founded ({a})")
        elif e.kind == "event":
            check(e, "date", "end", "ends ({b}) before it starts ({a})")


def _check_cycles(site: Site, diags: Diagnostics) -> None:
    for kind in ("group", "event"):
        parents: dict[str, list[str]] = {}
        for e in site.of_kind(kind):
            v = e.get("part_of")
            parents[e.slug] = [v] if isinstance(v, str) else list(v or [])
        reported: set[frozenset] = set()
        for start in sorted(parents):
            stack = [(start, [start])]
            seen = set()
            while stack:
                node, trail = stack.pop()
                for p in parents.get(node, []):
                    if p == start and len(trail) > 1:
                        cycle = frozenset(trail)
                        if cycle not in reported:
                            reported.add(cycle)
                            e = site.get(kind, start)
                            line, col = e.mark("part_of")
                            diags.error(e.path, line, col, "cycle", "part_of loops back: " + " → ".join(trail + [start]))
                    elif p not in seen and p in parents and p != start:
                        seen.add(p)
                        stack.append((p, trail + [p]))


def _check_field_sources(site: Site, diags: Diagnostics) -> None:
    for e in site:
        fs = e.get("field_sources") or {}
        ctype = site.schema[e.kind]
        for name, _cites in fs.items():
            line, col = e.mark("field_sources", name, key=True)
            if name not in ctype.fields or name in ("field_sources", "debates", "type"):
                close = difflib.get_close_matches(name, [f.name for f in ctype.infobox_fields()], n=1)
                hint = f"did you mean '{close[0]}'?" if close else ""
                diags.error(e.path, line, col, "field-sources", f"'field_sources' names '{name}', which is not a field of {a_kind(e.kind)}", hint)
            elif name not in e.fields:
                diags.error(e.path, line, col, "field-sources", f"'field_sources' gives a source for '{name}', but the page has no '{name}'")


# Body references ---------------------------------------------------------------


def resolve_body(res: Resolved, e: Entity, diags: Diagnostics, read: set[tuple] | None = None) -> None:
    """Resolve the references of ``e``'s body; ``read`` receives what the
    result depends on besides the body (see :func:`_now`)."""
    page = res.of(e)
    for ref in page.markdown.refs:
        if ref.in_attribute:
            # markup.render_markdown published it as its text, never as a URL
            line, col = _line(e, ref)
            what = "link" if ref.kind == "link" else "citation"
            diags.error(e.path, line, col, "link-place", f"the {what} {ref.raw} is inside a link's address, an image or an HTML attribute, where it cannot be a {what}")
            page.resolved_refs.append(Link(None, written_text(ref.kind, ref.inner)) if ref.kind == "link" else CiteGroup(()))
            continue
        if ref.kind == "link":
            page.resolved_refs.append(_resolve_link(res, e, ref, diags, read))
        else:
            page.resolved_refs.append(_resolve_cite(res, e, ref, diags, read))


#: The content cache's row of every body's resolved references, with what
#: each resolution read (see :func:`_resolve_bodies`).
RESOLUTIONS_ROW = "resolutions:"


#: How many rows the kept resolutions are spread over (by a digest of the
#: page's key), so that an edit rewrites one sixteenth of them.
_BUCKETS = 16


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % _BUCKETS


def _resolve_bodies(res: Resolved, everyone: list[Entity], diags: Diagnostics, cache=None) -> None:
    """Every body's references, resolved again only where what they depend
    on changed. A resolution depends on the body and on what it read of the
    rest of the site: the pages a name leads to, whether a ``type/slug``
    exists, a target's title (when it is the label) or body (when a link
    names a section), whether a cited source exists (:func:`_now`).

    ``cache`` keeps, in one row, everything the resolutions read, numbered,
    with its value then; and in :data:`_BUCKETS` more, each body's
    resolution with the digest of the body and the numbers of what it read.
    What was read is looked at again once for the whole site; a body whose
    digest is the same and which read nothing that changed takes its
    resolution from there: the pages it links to and cites (for
    :class:`Said`), and its references, made into objects when first read.
    A body whose rendering or resolution found a problem is resolved by
    every build, so that the diagnostic is never lost. With its resolution
    is kept the digest of what the body says of other pages (the key
    ``said:<key>``: :func:`mentions_digest` without titles)."""
    row = f"{RESOLUTIONS_ROW}{res.site.schema.name}"
    table = cache.get(row) if cache is not None else None
    whats, values = (list(table[0]), list(table[1])) if isinstance(table, tuple) and len(table) == 2 else ([], [])
    before: list[dict[str, tuple]] = [{} for _ in range(_BUCKETS)]
    for i in range(_BUCKETS if whats else 0):
        kept = cache.get(f"{row}:{i}")
        if isinstance(kept, dict):
            before[i] = kept
    # one look at all that was read: what changed since, by its number
    changed: set[int] = set()
    for i, what in enumerate(whats):
        value = _now(res, what)
        if value != values[i]:
            changed.add(i)
            values[i] = value
    known = len(whats)
    numbers: dict[tuple, int] | None = None  # what was read -> its number, when first needed
    pages: list[dict[str, tuple]] = [{} for _ in range(_BUCKETS)]
    for e in everyone:
        bucket = _bucket(e.key)
        digest = e.body_digest
        was = before[bucket].get(e.key)
        page = res.of(e)
        if was is not None and was[0] == digest and changed.isdisjoint(was[1]):
            page.given_refs, page.body_targets, page.said_digest = None, was[3], was[4]
            page.later_refs = functools.partial(_rebuilt, res.entities, was[2])
            pages[bucket][e.key] = was
            continue
        read: set[tuple] = set()
        found = len(diags)
        for line, message in page.markdown.problems:  # a body refused by markup.MAX_MARKDOWN_WORK
            diags.error(e.path, e.doc.body_line + line - 1, 1, "too-large", message)
        resolve_body(res, e, diags, read)
        page.said_digest = mentions_digest(page, titles=False)
        if len(diags) > found:
            continue
        if numbers is None:
            numbers = {what: i for i, what in enumerate(whats)}
        for what in read:
            if what not in numbers:
                numbers[what] = len(whats)
                whats.append(what)
                values.append(_now(res, what))
        pages[bucket][e.key] = (digest, tuple(sorted(numbers[what] for what in read)), tuple(_compact(r) for r in page.resolved_refs), page.targets_of_body(res.site), page.said_digest)
    if cache is not None:
        table_changed = bool(changed) or len(whats) > known or not table
        _keep_resolutions(cache, row, whats, values, table_changed, before, pages)


def _keep_resolutions(cache, row: str, whats: list[tuple], values: list, table_changed: bool, before: list[dict], pages: list[dict]) -> None:
    """Put into ``cache`` the rows of :func:`_resolve_bodies` that changed:
    the table of what was read (``whats``, ``values``) and the buckets of
    resolutions (``pages``, against ``before``). When most of what the
    table holds is read by no body any more, it is numbered afresh."""
    rewrite = {i for i in range(_BUCKETS) if pages[i] != before[i]}
    used = set().union(*(was[1] for bucket in pages for was in bucket.values()))
    if len(used) < len(whats) // 2:
        again = {old: new for new, old in enumerate(sorted(used))}
        whats, values = [whats[i] for i in sorted(used)], [values[i] for i in sorted(used)]
        pages = [{key: (d, tuple(map(again.__getitem__, read)), *rest) for key, (d, read, *rest) in bucket.items()} for bucket in pages]
        rewrite, table_changed = set(range(_BUCKETS)), True
    if table_changed:
        cache.put(row, (tuple(whats), tuple(values)))
    for i in sorted(rewrite):
        cache.put(f"{row}:{i}", pages[i])


def _now(res: Resolved, what: tuple) -> Any:
    """The value in this build of one thing a resolution read:
    ``("name", folded)``: the keys of the pages claiming the name;
    ``("key", kind, slug)``: the key of that page, or None;
    ``("title", key)``: the page's title; ``("body", key)``: the digest of
    its body (which fixes its sections); ``("source", slug)``: whether
    that source exists."""
    kind = what[0]
    if kind == "name":
        return tuple(c.key for c in res.names.get(what[1], ()))
    if kind == "key":
        target = res.site.get(what[1], what[2])
        return target.key if target is not None else None
    if kind == "source":
        return res.site.get("source", what[1]) is not None
    page = res.entities.get(what[1])
    if page is None:
        return None
    if kind == "title":
        return page.entity.title
    return page.entity.body_digest


def _compact(ref: Link | CiteGroup) -> tuple:
    if isinstance(ref, Link):
        return (ref.target.key, ref._label, ref._fragment, ref.titled)
    return (ref.cites,)


def _rebuilt(entities: dict[str, ResolvedEntity], kept: tuple[tuple, ...]) -> list[Link | CiteGroup]:
    """The references :func:`_compact` kept, as objects again."""
    return [Link(entities[r[0]].entity, r[1], r[2], r[3]) if len(r) == 4 else CiteGroup(r[0]) for r in kept]


def _resolve_link(res: Resolved, e: Entity, ref: Ref, diags: Diagnostics, read: set[tuple] | None = None) -> Link:
    target_text, _, label = ref.inner.partition("|")
    target_text, _, section = target_text.partition("#")
    target_text, label, section = target_text.strip(), label.strip(), section.strip()
    target: Entity | None = None
    by_slug = False
    folder, slash, rest = target_text.partition("/")
    of_folder = res.site.schema.by_folder.get(folder) if slash else None
    if of_folder is not None:
        kind = of_folder.name
        target = res.site.get(kind, rest)
        by_slug = True
        if read is not None:
            read.add(("key", kind, rest))
        if target is None and f"{folder}/{rest}" in res.moved:
            target = res.moved[f"{folder}/{rest}"]
            diags.warning(e.path, *_line(e, ref), "moved", f"the link {ref.raw} uses a former address of '{target.title}'", f"write [[{target.key}]]")
        if target is None:
            diags.error(e.path, *_line(e, ref), "link", f"the link {ref.raw} matches no page: there is no {kind} '{rest}'", _suggest(res, rest))
            return Link(None, label or target_text)
    elif not target_text:
        diags.error(e.path, *_line(e, ref), "link", f"the link {ref.raw} names no page")
        return Link(None, label or ref.inner)
    else:
        found = res.names.get(fold(target_text), [])
        if read is not None:
            read.add(("name", fold(target_text)))
        if len(found) > 1:
            cands = ", ".join(f"'{c.key}' ({c.title})" for c in found)
            diags.error(e.path, *_line(e, ref), "ambiguous-link", f"the link {ref.raw} matches {len(found)} pages: {cands}", "write the type/slug form, e.g. [[" + found[0].key + "]]")
            return Link(None, label or target_text)
        if not found:
            formerly = [t for key, t in res.moved.items() if key.rpartition("/")[2] == target_text.strip()]
            if len(formerly) == 1:
                diags.warning(e.path, *_line(e, ref), "moved", f"the link {ref.raw} uses a former slug of '{formerly[0].title}'", f"write [[{formerly[0].key}]] or its title")
                return Link(formerly[0], label or formerly[0].title, "", not label)
        if not found:
            hint = _suggest(res, target_text)
            diags.error(e.path, *_line(e, ref), "link", f"the link {ref.raw} matches no page", hint)
            return Link(None, label or target_text)
        target = found[0]
        by_slug = fold(target_text) == fold(target.slug) and target_text == target.slug
    fragment = ""
    if section:
        if read is not None:
            read.add(("body", target.key))
        fragment = _find_section(res, target, section)
        if not fragment:
            avail = ", ".join(f"'{t}'" for _, _, t in res.of(target).markdown.headings) or "none"
            diags.error(e.path, *_line(e, ref), "link-section", f"the link {ref.raw}: '{target.title}' has no section '{section}'", f"its sections: {avail}")
    titled = False
    if not label:
        label = target.title if by_slug else target_text
        titled = by_slug
        if titled and read is not None:
            read.add(("title", target.key))
        if section:
            label = f"{label} § {section}"
    return Link(target, label, fragment, titled)


def _find_section(res: Resolved, target: Entity, section: str) -> str:
    wanted = fold(section)
    for _, ident, text in res.of(target).markdown.headings:
        if fold(text) == wanted or ident == section or ident == slugify(section):
            return ident
    if slugify(section) in RESERVED_IDS:
        return slugify(section)
    return ""


def _resolve_cite(res: Resolved, e: Entity, ref: Ref, diags: Diagnostics, read: set[tuple] | None = None) -> CiteGroup:
    cites = []
    for part in ref.inner.split(";"):
        cite = parse_citation(part.strip().lstrip("-"))
        if cite is None:
            diags.error(e.path, *_line(e, ref), "citation", f"cannot read the citation '{part.strip()}' in {ref.raw}", "write [@source-slug] or [@source-slug, p. 12]")
            continue
        if read is not None:
            read.add(("source", cite.key))
        if res.site.get("source", cite.key) is None:
            diags.error(e.path, *_line(e, ref), "citation", f"the citation {ref.raw} names '{cite.key}', which is not a source", _source_hint(res.site, cite.key))
        cites.append(cite)
    return CiteGroup(tuple(cites))


# Derived relations -------------------------------------------------------------


def _date_sort(d: Date | None) -> tuple:
    return d.sort_key() if d is not None else (10**9, 10**9, "")


def _add(res: Resolved, e: Entity, section: str, item: Related) -> None:
    items = res.of(e).derived.setdefault(section, [])
    # the same entity twice only with different notes (left and rejoined a party)
    if all(x.entity is not item.entity or x.note != item.note for x in items):
        items.append(item)


def states(site: Site, holder: Entity, field_name: str, target: Entity) -> bool:
    """Whether ``holder``'s field ``field_name`` names ``target`` (the other
    side of a relation, e.g. a person's ``memberships`` naming a group)."""
    return any(ref.field == field_name and t is target for ref, t in site.targets(holder))


def inverse_note(site: Site, holder: Entity, ref: Reference) -> tuple[str, tuple]:
    """What an inverse item says beside the holder's name, and how it sorts."""
    how = ref.relation.note if ref.relation else ""
    if how == "record":
        rec = ref.record or {}
        parts = [x for x in (_record_value(ref, rec, name) for name in ref.relation.shows) if x]
        # a sentence's full stop gives way to the comma before the next part
        note = ", ".join([x.rstrip(".") for x in parts[:-1]] + parts[-1:])
        # a record with dates of its own sorts by them (undated last), any other by its holder's
        dated = ref.record_type is not None and "from" in ref.record_type.fields
        start = rec.get("from") if dated else site.span(holder)[0]
        return note, (_date_sort(start), fold(holder.title))
    if how == "span":
        return site.span_text(holder), (_date_sort(site.span(holder)[0]), fold(holder.title))
    return "", (fold(holder.title),)


def _record_value(ref: Reference, rec: dict, name: str) -> str:
    """One field of a record as an inverse item shows it ('dates': from–to;
    a vocabulary word by its label)."""
    if name == "dates":
        a, b = rec.get("from"), rec.get("to")
        return format_range(a, b) if (a or b) else ""
    value = rec.get(name)
    if value is None:
        return ""
    f = ref.record_type.fields.get(name) if ref.record_type else None
    label = getattr(f.type, "label", None) if f else None
    if isinstance(value, list):
        return ", ".join(label(v) if label else str(v) for v in value)
    return label(value) if label else str(value)


#: The start of the content cache's row of the relations derived from the front matter.
RELATIONS_ROW = "relations:"


def _relations(res: Resolved, cache=None, front: str = "") -> None:
    """The inverse relations, the references naming each page, the debate
    positions each person took and what each page's fields name and cite:
    all of it follows from the front matter as written (and the schema), so
    ``cache`` keeps it under ``front`` (:func:`_front_digest`), as it
    does the checks across pages; an edit of bodies takes it from there,
    and the references themselves are found for the pages that read them."""
    row = f"{RELATIONS_ROW}{front}" if front and cache is not None else ""
    kept = cache.get(row) if row else None
    if isinstance(kept, tuple) and len(kept) == 4:
        _apply_relations(res, *kept)
        return
    numbers = _derive_relations(res)
    if row:
        cache.put(row, _kept_relations(res, numbers))


def _kept_relations(res: Resolved, incoming: dict[str, list[tuple[str, int]]]) -> tuple:
    """What :func:`_apply_relations` makes the derived relations from again;
    ``incoming``: each page's references from others, by their holder's key
    and number (:meth:`Site.numbered_targets`)."""
    derived, positions, targets = {}, {}, {}
    for key, page in res.entities.items():
        if page.derived:
            derived[key] = {title: tuple((r.entity.key, r.said, r.sort, r.given) for r in items) for title, items in page.derived.items()}
        if page.positions:
            positions[key] = tuple((p.holder.key, p.debate, p.holder.get("debates")[p.debate]["positions"].index(p.said)) for p in page.positions)
        targets[key] = page.targets_of_fields(res.site)
    return derived, {key: tuple(found) for key, found in incoming.items()}, positions, targets


def _apply_relations(res: Resolved, derived: dict, incoming: dict, positions: dict, targets: dict) -> None:
    site = res.site
    ents = res.entities
    for key, page in ents.items():
        page.field_targets = targets.get(key)
        kept = incoming.get(key)
        if kept:
            page.given_incoming = None
            page.later_incoming = functools.partial(_incoming, site, ents, kept)
    for key, sections in derived.items():
        ents[key].derived = {title: [Related(ents[h].entity, said, sort, given) for h, said, sort, given in items] for title, items in sections.items()}
    for key, kept in positions.items():
        ents[key].positions = [Position(ents[h].entity, d, ents[h].entity.get("debates")[d]["positions"][j]) for h, d, j in kept]


def _incoming(site: Site, entities: dict[str, ResolvedEntity], kept: tuple) -> list[tuple[Entity, Reference]]:
    return [(entities[h].entity, site.reference(entities[h].entity, i)) for h, i in kept]


def _derive_relations(res: Resolved) -> dict[str, list[tuple[str, int]]]:
    """Each relation's inverse, as its declaration says (schema.Relation).
    Returns each page's references from others, by holder and number."""
    site = res.site
    numbers: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for holder in site:
        for i, ref, target in site.numbered_targets(holder):
            res.of(target).referenced_by.append((holder, ref))
            numbers[target.key].append((holder.key, i))
            rel = ref.relation
            if rel is None or not rel.inverse:
                continue
            if rel.converse and states(site, target, rel.converse, holder):
                continue  # the target states it itself: shown from its side
            note, sort = inverse_note(site, holder, ref)
            _add(res, target, rel.inverse, Related(holder, note, sort, ref.cites))
    for e in site:
        for d_i, debate in enumerate(e.get("debates", [])):
            for pos in debate.get("positions", []):
                p = site.get("person", pos["by"])
                if p:
                    res.of(p).positions.append(Position(e, d_i, pos))
    for page in res.entities.values():
        for items in page.derived.values():
            items.sort(key=lambda r: (r.sort, r.entity.key))
    return numbers


# Backlinks ---------------------------------------------------------------------

@dataclass
class Mentions:
    """What one page's body says of other pages, sentence by sentence: made
    from its rendered text and its resolved references alone, so that it can
    be kept between builds with a digest of exactly those (:func:`mentions_digest`)."""

    #: (linked page's key, the sentence with that link marked, keys whose titles it shows)
    links: list[tuple[str, list[tuple[str, bool]], frozenset[str]]] = field(default_factory=list)
    #: (cited source's slug, locator, the sentence as text, keys whose titles it shows, marker id)
    cites: list[tuple[str, str, str, frozenset[str], str]] = field(default_factory=list)


#: The content cache's row of what a page's body says: this and its key.
_MENTIONS = "mentions:"


def mentions_digest(page: ResolvedEntity, titles: bool = True) -> str:
    """A digest of everything :func:`body_mentions` reads but the body's
    sentences that link or cite nothing: the page's key, the sentences that
    do (``Rendered.quoted``, found where the body was rendered) and each
    resolved reference (the page it leads to, its label, whether the label
    is that page's title; the sources and locators of a citation). An edit
    elsewhere in the body leaves it as it was.

    Without ``titles``, the labels that are their target's title are left
    out: the digest of the key ``said:<key>`` (``incremental.entity_digests``),
    which the pages quoting the body depend on. A quoted sentence that shows
    a title notes that page's fields itself (:func:`_note_shown`), so a new
    title renders again the pages quoting the sentences that show it, not
    every page quoting the body."""
    refs = []
    for ref in page.resolved_refs:
        if isinstance(ref, Link):
            label = ref._label if titles or not ref.titled else None
            refs.append(("link", ref.target.key if ref.target is not None else None, label, ref.titled))
        else:
            refs.append(("cite", tuple((c.key, c.locator) for c in ref.cites)))
    # a pickle of strings, None and booleans in tuples is the same bytes for the same values
    data = pickle.dumps((page.entity.key, page.markdown.quoted, refs), protocol=4)
    return hashlib.sha256(data).hexdigest()


def body_mentions(page: ResolvedEntity) -> Mentions:
    """Every sentence of the page's body that links to another page or
    cites a source, as that page's backlinks and that source's "Cited by"
    quote it."""
    out = Mentions()
    refs = page.resolved_refs
    own = page.entity.key

    def ref_at(idx: int) -> Link | CiteGroup | None:
        return refs[idx] if idx < len(refs) else None

    def plain(kind: str, i: int) -> str | None:
        r = refs[i]
        return r._label if isinstance(r, Link) else None

    for sentence in page.markdown.sentences:
        found = refs_in(sentence)
        if not found:
            continue
        shows = _titles_shown(page, found)
        targets: list[str] = []
        for _kind, idx in found:
            ref = ref_at(idx)
            if isinstance(ref, Link) and ref.target is not None and ref.target.key != own and ref.target.key not in targets:
                targets.append(ref.target.key)
        for target in targets:

            def marked(kind: str, idx: int, _t=target) -> str | None:
                ref = refs[idx]
                if isinstance(ref, Link):
                    return "\0" + ref._label if ref.target is not None and ref.target.key == _t else ref._label
                return None

            parts = []
            for text in sentence_parts(sentence, marked):
                if text.startswith("\0"):
                    parts.append((text[1:], True))
                elif text:
                    parts.append((text, False))
            out.links.append((target, parts, shows))
        text = None
        for _kind, idx in found:
            ref = ref_at(idx)
            if not isinstance(ref, CiteGroup):
                continue
            if text is None:
                text = "".join(sentence_parts(sentence, plain)).strip()
            for j, cite in enumerate(ref.cites):
                out.cites.append((cite.key, cite.locator, text, shows, f"{body_anchor(idx)}-{j}"))
    return out


#: How many pages' :class:`Mentions` a build holds at once as objects, the
#: most recently read: each is read by every page its body links to, and held
#: all, they grew with the site (about 11 KB a page, 100 MB at 9,000 pages).
#: One let go is kept as its pickle (about 3 KB a page) until read again:
#: found again instead, from its rendered body and resolved references, the
#: pages linking to it were read back for it about ten times a build
#: (at N = 5,000, 21 s more of a clean build's writing; bench/RESULTS.md).
MENTIONS_HELD = 1024


class Said:
    """What the pages say of each other: each page's backlinks and each
    source's "Cited by", found for a page when its page first reads them, so
    that a build that renders a few pages reads and assembles only what those
    pages show. Which pages link to or cite which is indexed for all at once,
    from the resolved references alone; what a page's body says
    (:class:`Mentions`) comes from ``cache`` (anything with ``get``, ``put``
    and ``keep``: the content cache) when its inputs are unchanged."""

    def __init__(self, res: Resolved, cache=None):
        self.res = res
        self.cache = cache
        #: the pages' mentions read last (at most :data:`MENTIONS_HELD`)
        self._mentions: dict[str, Mentions] = {}
        #: the pickles of those let go, read again without being found again
        self._let_go: dict[str, bytes] = {}
        #: page key -> the pages that link to it, in key order (by body or fields)
        self.linking: dict[str, list[str]] = defaultdict(list)
        #: source key -> the pages that cite it, in key order (body, fields, 'sources')
        self.citing: dict[str, list[str]] = defaultdict(list)
        #: page key -> every other page it links to or cites (``incremental.outgoing``)
        self.refers: dict[str, frozenset[str]] = {}
        site = res.site
        for key, page in res.entities.items():
            body_linked, body_cited = page.targets_of_body(site)
            field_linked, field_cited = page.targets_of_fields(site)
            linked = body_linked | field_linked
            cited = body_cited | field_cited
            for target in linked:
                self.linking[target].append(key)
            for target in cited:
                self.citing[target].append(key)
            self.refers[key] = frozenset(linked | cited)
            if cache is not None:  # kept for the next build even if no page reads it in this one
                cache.keep(_MENTIONS + key)

    def mentions(self, key: str) -> Mentions:
        """What the body of page ``key`` says of other pages."""
        found = self._mentions.pop(key, None)
        if found is None and key in self._let_go:
            found = pickle.loads(self._let_go[key])
        if found is None:
            page = self.res.entities[key]
            digest = mentions_digest(page)
            # one row a page, holding the digest of what it was found from
            kept = self.cache.get(_MENTIONS + key) if self.cache is not None else None
            if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == digest and isinstance(kept[1], Mentions):
                found = kept[1]
            else:
                found = body_mentions(page)
                if self.cache is not None:
                    self.cache.put(_MENTIONS + key, (digest, found))
        self._mentions[key] = found  # the most recently read last
        if len(self._mentions) > MENTIONS_HELD:
            oldest = next(iter(self._mentions))
            let_go = self._mentions.pop(oldest)
            if oldest not in self._let_go:
                self._let_go[oldest] = pickle.dumps(let_go, protocol=pickle.HIGHEST_PROTOCOL)
        return found

    def backlinks(self, key: str) -> dict[str, Backlink]:
        out: dict[str, Backlink] = {}
        site = self.res.site
        for source_key in self.linking.get(key, ()):
            source = self.res.entities[source_key].entity
            bl = None
            seen: set[tuple] = set()  # its contexts so far: a list scan was quadratic
            for target, parts, shows in self.mentions(source_key).links:
                if target != key:
                    continue
                bl = bl or Backlink(source)
                bl.shows |= shows
                bl.in_body = True
                if tuple(parts) not in seen:
                    seen.add(tuple(parts))
                    bl.said.append(parts)
            if source.kind != "home":
                for ref, target in site.targets(source):
                    if target.key != key:
                        continue
                    bl = bl or Backlink(source)
                    relation = ref.relation
                    named = (relation.place, relation.phrase) if relation and relation.phrase else (1000, f"name {{}} in the field ‘{ref.field}’")
                    if named not in bl.named:
                        bl.named.append(named)
                        bl.named.sort()
            if bl is not None:
                out[source_key] = bl
        return out

    def cited_by(self, key: str) -> list[CitedBy]:
        out: list[CitedBy] = []
        site = self.res.site
        listed: set[tuple[str, str, str]] = set()  # (citing page, locator, text) of the body citations so far
        for src_key in self.citing.get(key, ()):
            src = self.res.entities[src_key].entity
            for slug, locator, text, shows, anchor in self.mentions(src_key).cites:
                target = site.get("source", slug)
                if target is None or target.key != key or (src_key, locator, text) in listed:
                    continue
                listed.add((src_key, locator, text))
                out.append(CitedBy(src, locator, [(text, False)], "body", shows, anchor))
            if src.kind == "home":
                continue
            for fc in site.schema.citations(src.kind, src.data):
                target = site.get("source", fc.cite.key)
                if target is None or target.key != key:
                    continue
                if fc.keypath[0] == "field_sources":  # a whole field
                    out.append(CitedBy(src, fc.cite.locator, [], fc.field))
                elif fc.field == "debates":
                    question = src.data["debates"][fc.keypath[1]]["question"]
                    out.append(CitedBy(src, fc.cite.locator, [(question, False)], "debate"))
                else:  # one value or record of the field
                    label, shows = _value_label(site, src, fc)
                    out.append(CitedBy(src, fc.cite.locator, [(label, False)], fc.field, shows))
            for slug in src.get("sources", []):
                target = site.get("source", slug)
                if target is not None and target.key == key:
                    out.append(CitedBy(src, "", [], "sources"))
        return out


# Citations ---------------------------------------------------------------------


def _value_label(site: Site, src: Entity, fc: FieldCitation) -> tuple[str, frozenset[str]]:
    """How "Cited by" names the one value or record a citation supports:
    the entity it names (by its title), or the text itself."""
    for ref, target in site.targets(src):
        if ref.keypath[: len(fc.keypath) - 2] == fc.keypath[:-2] and (ref.record is fc.value or ref.slug is fc.value):
            extra = ", ".join(x for x in (fc.value.get("role", ""),) if x) if isinstance(fc.value, dict) else ""
            return (f"{target.title} ({extra})" if extra else target.title), frozenset({target.key})
    return str(fc.value), frozenset()


def _titles_shown(page: ResolvedEntity, found: list[tuple[str, int]]) -> frozenset[str]:
    """Keys of the pages whose titles a sentence shows as link labels: a
    page quoting the sentence changes when one of those titles does."""
    out = set()
    for _kind, idx in found:
        ref = page.resolved_refs[idx] if idx < len(page.resolved_refs) else None
        if isinstance(ref, Link) and ref.titled and ref.target is not None:
            out.add(ref.target.key)
    return frozenset(out)


def _check_cited(res: Resolved, diags: Diagnostics, said: Said) -> None:
    for s in res.site.of_kind("source"):
        if not said.citing.get(s.key):
            diags.warning(s.path, 1, 1, "uncited-source", f"no page cites the source '{s.slug}'", "cite it with [@" + s.slug + "] or remove it")
