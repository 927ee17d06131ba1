"""Views: from resolved content to the pages of the site.

Every page of the site is a :class:`Page`: its output path, its template and
a function that makes its context. ``site_pages`` lists them all; ``render``
renders them. Values that carry markup are built here as ``Markup`` with every
piece of content escaped; templates receive structured data and autoescape the
rest. What a page depends on is noted by the accessors it reads through (see
``deps``): nothing here records dependencies by hand.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from . import bibliography, citing, deps, maps, network, opendata, places, romanize, timeline
from .dates import Date, format_range, parse_date
from .markup import substitute
from .model import Entity, Site
from .resolve import CiteGroup, Link, Resolved, ResolvedEntity, body_anchor
from .schema import DEBATE_STATUS, GENRES, Citation, CoordinatesType, Field, PlaceRef, RecordList, RefList, RefType, Schema
from .search import search_names, shards
from .text import fold

__all__ = ["Page", "site_pages", "entity_page", "site_options"]



@dataclass
class Page:
    """One output page. Its context is built lazily (``make``), so that an
    incremental build only pays for the pages it renders."""

    path: str  # output file, site-relative: people/lev-sedov/index.html
    url: str  # site-relative URL: people/lev-sedov/
    template: str
    make: Callable[[], dict[str, Any]]  # -> its context
    #: entity key of an entity page; None for index pages
    key: str | None = None

    @property
    def depth(self) -> int:
        return self.url.count("/")


def rel(from_url: str, to_url: str) -> str:
    """Relative URL from one page to another (both site-relative)."""
    depth = from_url.count("/")
    prefix = "../" * depth
    return (prefix + to_url) or "./"


def time_html(d: Date | None) -> Markup:
    if d is None:
        return Markup("")
    attr = d.datetime_attr()
    text = escape(d.human())
    title = escape(f"EDTF: {d.edtf}")
    if attr:
        return Markup(f'<time datetime="{escape(attr)}" title="{title}">{text}</time>')
    return Markup(f'<span class="date" title="{title}">{text}</span>')


def kinds(schema: Schema) -> tuple[str, ...]:
    """Every kind of page an entity can be, in the order lists show them."""
    return schema.kinds + ("home",)


def genre_label(schema: Schema, genre: str) -> str:
    return schema["source"].fields["genre"].type.label(genre)




def sort_name(e: Entity) -> str:
    """People A–Z by surname: 'Wilhelm von Mirbach' → 'Mirbach, Wilhelm von'."""
    if e.kind != "person":
        return e.title
    words = e.title.split()
    if len(words) < 2:
        return e.title
    particles = {"von", "van", "de", "der", "du", "la", "le", "di", "da"}
    i = len(words) - 1
    while i > 1 and words[i - 1].lower() in particles:
        i -= 1
    surname = " ".join(w for w in words[i:] if w.lower() not in particles)
    given = " ".join(words[:i] + [w for w in words[i:] if w.lower() in particles])
    return f"{surname}, {given}"


class Notes:
    """The numbered notes of one page and its reference list."""

    def __init__(self, resolved: Resolved, page_url: str, linked: set[str]):
        self.resolved = resolved
        self.page_url = page_url
        self.linked = linked  # the pages the notes link to, for their previews
        self.order: list[str] = []  # source slugs in order of first citation
        self.uses: dict[str, list[tuple[str, str]]] = defaultdict(list)  # slug -> [(anchor id, locator)]
        self.footnotes: dict[str, str] = {}  # FOOTNOTE_KEY + name -> its text (HTML, placeholders resolved by body())

    def number(self, cite: Citation) -> int | None:
        """The note number of ``cite``'s source: given at its first citation."""
        if self.resolved.site.get("source", cite.key) is None:
            return None
        if cite.key not in self.order:
            self.order.append(cite.key)
        return self.order.index(cite.key) + 1

    def marker(self, cite: Citation, anchor: str | None = None) -> Markup:
        """The marker of one citation; ``anchor`` is its id when it must be
        stable (a body citation, linked from its source's "Cited by"),
        else the note number and use (``cite-2-1``)."""
        source = self.resolved.site.get("source", cite.key)
        if source is None:
            return Markup("")
        self.linked.add(source.key)
        n = self.number(cite)
        k = len(self.uses[cite.key]) + 1
        anchor = anchor or f"cite-{n}-{k}"
        self.uses[cite.key].append((anchor, cite.locator))
        loc = f", {cite.locator}" if cite.locator else ""
        label = f"Note {n}: {source.title}{loc}"
        return Markup('\u2060<sup class="cite" id="{a}"><a href="#ref-{n}" aria-label="{label}" data-source="{s}">[{n}{loc}]</a></sup>').format(
            a=anchor, n=n, label=label, loc=loc, s=source.slug
        )

    def footnote(self, name: str, ref_id: str, text: str) -> Markup:
        """The marker of a footnote (``[^name]``), numbered in the same
        series as the citations; its text goes to the same list."""
        key = FOOTNOTE_KEY + name
        if key not in self.order:
            self.order.append(key)
            self.footnotes[key] = text
        n = self.order.index(key) + 1
        anchor = "fnref-" + re.sub(r"[^\w-]", "-", ref_id.partition(":")[2]) + ("" if ref_id.startswith("fnref:") else "-" + ref_id.partition(":")[0][5:])
        self.uses[key].append((anchor, ""))
        return Markup('\u2060<sup class="cite note" id="{a}"><a href="#ref-{n}" aria-label="Note {n}">[{n}]</a></sup>').format(a=anchor, n=n)

    def markers(self, cites, anchor: str | None = None) -> Markup:
        """The markers of a group of citations in the order of their note
        numbers ("[1][3]", never "[3][1]"): the numbers are given first,
        in the order written. ``anchor`` prefixes stable ids (``{anchor}-{j}``,
        ``j`` the citation's place in the group as written)."""
        cites = list(cites)
        numbered = [(self.number(c), j, c) for j, c in enumerate(cites)]
        numbered = sorted((x for x in numbered if x[0] is not None), key=lambda x: (x[0], x[1]))
        return Markup("").join(self.marker(c, f"{anchor}-{j}" if anchor else None) for _n, j, c in numbered)

    def references(self) -> list[dict]:
        out = []
        for n, slug in enumerate(self.order, 1):
            backrefs = [{"anchor": a, "label": _letter(i), "locator": loc} for i, (a, loc) in enumerate(self.uses[slug])]
            if slug in self.footnotes:
                text = self.footnotes[slug]
                out.append({"n": n, "id": f"ref-{n}", "note": Markup(text), "block": "<p>" in text or "<ul>" in text or "<ol>" in text, "backrefs": backrefs})
                continue
            source = self.resolved.site.get("source", slug)
            out.append(
                {
                    "n": n,
                    "id": f"ref-{n}",
                    "entry": source_entry(self.resolved, source),
                    "url": rel(self.page_url, source.url),
                    "backrefs": backrefs,
                    "source": source,
                }
            )
        return out


#: The key of a footnote among the notes (never a source's slug).
FOOTNOTE_KEY = "\x00footnote:"
_FOOTNOTE_REF_RE = re.compile(r'<sup id="(fnref\d*:[^"]+)"><a class="footnote-ref" href="#fn:([^"]+)">\d+</a></sup>')
_FOOTNOTES_RE = re.compile(r'<div class="footnote">\s*<hr>\s*<ol>(.*?)</ol>\s*</div>\s*', re.S)
_FOOTNOTE_ITEM_RE = re.compile(r'<li id="fn:([^"]+)">\s*(.*?)\s*</li>\s*(?=<li id="fn:|$)', re.S)
_BACKREF_RE = re.compile(r'(?:&nbsp;|&#160;|\xa0)?<a class="footnote-backref"[^>]*>.*?</a>', re.S)
_ONE_PARAGRAPH_RE = re.compile(r"<p>((?:(?!</?p>).)*)</p>", re.S)


def _letter(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]


def source_fields(source: Entity) -> dict[str, Any]:
    return {"title": source.title, **source.fields}


def source_entry(resolved: Resolved, source: Entity) -> Markup:
    """A source's bibliography entry, made once per build (a source cited
    from a hundred pages was formatted a hundred times)."""
    return resolved.memo.once(("entry", source.key), lambda: bibliography.format_bibliography(source_fields(source)))


def preview_data(resolved: Resolved, target: Entity) -> dict[str, str]:
    """What a link preview shows of a page."""
    site = resolved.site
    return resolved.memo.once(
        ("preview", target.key),
        lambda: {
            "title": target.title,
            "kind": site.schema[target.kind].label,
            "dates": site.span_text(target, header=True),
            "summary": target.get("summary", ""),
            **({"genre": genre_label(site.schema, target.get("genre"))} if target.kind == "source" and target.get("genre") else {}),
            **({"native": target.get("native_name"), "native_lang": target.get("native_lang") or "und"} if target.get("native_name") else {}),
        },
    )


#: The previews of every page, one file for the site: fetched by the site's
#: script once a page is idle (on screens that hover), cached from page to
#: page (a data block in each page held only the pages it linked to, and made
#: every page heavier).
PREVIEWS_FILE = "assets/previews.json"


def previews_json(resolved: Resolved) -> str:
    """Title, kind, dates, summary (a source's genre, a native name) of every
    entity page, by key ("people/leon-trotsky"), as inert JSON."""
    data = {e.key: preview_data(resolved, e) for e in sorted(resolved.site, key=lambda e: e.key) if e.kind != "home"}
    return opendata.inert_json(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


#: The key of the whole site's network in the build's memo (``pipeline``
#: keeps it between builds, under the digest of the network's shape).
NETWORK = ("network",)


def site_graph(resolved: Resolved):
    """The network of the whole site, built once per build; read it through
    :func:`whole_network` or :func:`neighbourhood_of`, which note what a page
    takes of it."""
    return resolved.memo.shared(NETWORK, lambda: network.build_graph(resolved))


def whole_network(resolved: Resolved):
    """The whole network: its page depends on every node's fields and links."""
    graph = site_graph(resolved)
    deps.note_all(deps.kinds(k) for k in network.NODE_KINDS)
    for key in graph:
        deps.note(deps.face(key))
        deps.note(deps.links(key))
    return graph


def neighbourhood_of(resolved: Resolved, entity: Entity, max_nodes: int):
    """The entity's neighbourhood, or None when it is not in the network: the
    page depends on the fields and links of every node drawn, and on the
    shape of the whole network when the drawing must leave some out (the
    closest are chosen by how connected they are)."""
    graph = site_graph(resolved)
    if entity.key not in graph:
        return None
    near = network.neighbourhood(graph, entity.key, max_nodes=max_nodes)
    for key in near:
        deps.note(deps.face(key))
        deps.note(deps.links(key))
    if near.graph.get("total_nodes"):
        deps.note(deps.SHAPE)
    return near


def graph_rows(rows: list[dict], from_url: str) -> list[dict]:
    """Edge rows with relative links, for the table beside a graph."""
    out = []
    for r in rows:
        out.append({**r, "source_url": rel(from_url, r["source_key"] + "/"), "target_url": rel(from_url, r["target_key"] + "/")})
    return out


class PageBuilder:
    """Builds the context of one entity page."""

    def __init__(self, resolved: Resolved, entity: Entity, options: dict[str, str] | None = None):
        self.resolved = resolved
        self.entity = entity
        self.options = options or {}
        self.data: ResolvedEntity = resolved.of(entity)
        self.url = entity.url
        self.linked: set[str] = set()  # the pages this one links to (for their previews)
        self.notes = Notes(resolved, self.url, self.linked)

    def link(self, target: Entity, label: str | None = None, fragment: str = "", cls: str = "xref") -> Markup:
        self.linked.add(target.key)
        href = rel(self.url, target.url) + (f"#{fragment}" if fragment else "")
        # an f-string of escaped parts: Markup.format cost 4 s per 1,000 pages
        return Markup(f'<a class="{escape(cls)}" href="{escape(href)}" data-key="{escape(target.key)}">{escape(label or target.title)}</a>')

    # infobox ------------------------------------------------------------------

    def infobox(self) -> list[dict]:
        e = self.entity
        ctype = self.resolved.site.schema[e.kind]
        rows = []
        fs = e.get("field_sources") or {}
        for f in ctype.infobox_fields():
            if f.name in ("aliases", "native_name"):
                continue  # shown under the title
            value = e.get(f.name)
            if value is None or value == []:
                continue
            items = self.value_items(f, value)
            html = _list_html(items) if items is not None else self.value_html(f, value)
            if f.name in fs:
                html, items = html + self.notes.markers(fs[f.name]), None
            rows.append({"name": f.name, "label": f.label, "html": html, "items": items})
        # what other pages' fields say of this one, where the schema wants it
        # in the infobox: the groups a person led, or that list them as a member
        for title in self.resolved.site.schema.infobox_sections():
            related = self.data.derived.get(title)
            if not related:
                continue
            items = [self.link(r.entity) + (Markup(' <span class="note">({})</span>').format(r.note) if r.note else Markup("")) + self.notes.markers(r.cites) for r in related]
            same = next((r for r in rows if r["label"] == title), None)
            if same is not None and same["items"] is not None:
                same["html"] = _list_html(same["items"] + items)
            elif same is not None:
                same["html"] = same["html"] + _list_html(items)
            else:
                rows.append({"name": "inverse-" + fold(title).replace(" ", "-"), "label": title, "html": _list_html(items), "items": items})
        return rows

    def value_items(self, f: Field, value: Any) -> list[Markup] | None:
        """The items of a list value, as :meth:`value_html` shows them (None
        for a single value)."""
        if isinstance(f.type, RecordList) and f.name == "memberships":
            return list(self._membership_items(value))
        if isinstance(f.type, RefList):
            return [self._ref(slug, f.type.kinds) + self.notes.markers(getattr(slug, "cites", ())) for slug in value]
        return None

    def _membership_items(self, value: list[dict]):
        site = self.resolved.site
        for m in value:
            g = site.get("group", m["group"])
            note = ", ".join(x for x in (m.get("role", ""), format_range(m.get("from"), m.get("to")) if (m.get("from") or m.get("to")) else "") if x)
            link = self.link(g) if g else escape(m["group"])
            yield link + (Markup(' <span class="note">({})</span>').format(note) if note else Markup("")) + self.notes.markers(m.get("cite", ()))

    def value_html(self, f: Field, value: Any) -> Markup:
        site = self.resolved.site
        if isinstance(value, Date):
            return time_html(value)
        if f.name == "colorcode":
            return Markup('<span class="swatch" style="background:{c}" aria-hidden="true"></span> {c}').format(c=value)
        if f.name == "genre":
            return Markup('<span class="badge genre-{g}">{l}</span>').format(g=value, l=genre_label(site.schema, value))
        if f.name == "kind" and self.entity.kind == "source":
            return Markup('<span class="badge kind-{k}">{l}</span>').format(k=value, l=value.capitalize())
        if isinstance(f.type, PlaceRef):
            place = site.find(value, ("place",)) or site.place_named(value)
            if place is None:
                return escape(value)
            when = self.entity.get(f.type.at) if f.type.at else None
            # the place and the larger places it lies in, each under its name of the date
            parts = [self.link(place, places.name_at(place, when))]
            for outer in places.outer(site, place):
                if outer.get("kind") in ("city", "region", "country", "island"):
                    parts.append(self.link(outer, places.name_at(outer, when)))
            return Markup(", ").join(parts)
        if isinstance(f.type, CoordinatesType):
            return Markup("{}° {}, {}° {}").format(f"{abs(value.lat):g}", "N" if value.lat >= 0 else "S", f"{abs(value.lon):g}", "E" if value.lon >= 0 else "W")
        if f.name == "names" and self.entity.kind == "place":
            items = []
            for n in value:
                span = format_range(n.get("from"), n.get("to")) if (n.get("from") or n.get("to")) else ""
                items.append(escape(n["name"]) + (Markup(' <span class="note">({})</span>').format(span) if span else Markup("")) + self.notes.markers(n.get("cite", ())))
            return _list_html(items)
        if isinstance(f.type, RefList):
            items = [self._ref(slug, f.type.kinds) + self.notes.markers(getattr(slug, "cites", ())) for slug in value]
            return _list_html(items)
        if isinstance(f.type, RefType):
            return self._ref(value, f.type.kinds)
        if isinstance(f.type, RecordList) and f.name == "memberships":
            return _list_html(list(self._membership_items(value)))
        if isinstance(value, list):
            return _list_html([escape(v) + self.notes.markers(getattr(v, "cites", ())) for v in value])
        return escape(value)

    def _ref(self, slug: str, kinds) -> Markup:
        t = self.resolved.site.find(slug, kinds)
        return self.link(t) if t is not None else escape(slug)

    # body ---------------------------------------------------------------------

    def body(self) -> Markup:
        refs = self.data.refs

        def repl(index: int) -> str:
            ref = refs[index] if index < len(refs) else None
            if isinstance(ref, Link):
                if ref.target is None:
                    return str(escape(ref.label))
                return str(self.link(ref.target, ref.label, ref.fragment))
            if isinstance(ref, CiteGroup):
                return str(self.notes.markers(ref.cites, body_anchor(index)))
            return ""

        # Markdown's footnotes join the notes: numbered in the same series as
        # the citations, in the order read, and listed with them
        html = self.data.rendered.html
        texts: dict[str, str] = {}
        block = _FOOTNOTES_RE.search(html)
        if block:
            for name, inner in _FOOTNOTE_ITEM_RE.findall(block.group(1)):
                inner = _BACKREF_RE.sub("", inner).strip()
                one = _ONE_PARAGRAPH_RE.fullmatch(inner)
                texts[name] = one.group(1).strip() if one else inner
            html = html[: block.start()] + html[block.end() :]
        out, pos = [], 0
        for m in _FOOTNOTE_REF_RE.finditer(html):
            name = m.group(2)
            if name not in texts:
                continue
            out.append(substitute(html[pos : m.start()], repl))
            out.append(str(self.notes.footnote(name, m.group(1), texts[name])))
            pos = m.end()
        out.append(substitute(html[pos:], repl))
        # the footnotes' own links and citations, in the order of their numbers
        for key in list(self.notes.footnotes):
            self.notes.footnotes[key] = substitute(self.notes.footnotes[key], repl)
        return Markup("".join(out))

    # derived sections --------------------------------------------------------

    def relations(self) -> list[dict]:
        sections = []
        in_infobox = set(self.resolved.site.schema.infobox_sections()) if self.entity.kind in self.resolved.site.schema else set()
        for title in self.resolved.site.schema.sections():
            items = self.data.derived.get(title)
            if not items or title in in_infobox:
                continue  # none, or shown in the infobox (the groups a person led)
            sections.append(
                {
                    "title": title,
                    "id": "rel-" + fold(title).replace(" ", "-"),
                    "items": [{"link": self.link(r.entity), "note": r.note, "cites": self.notes.markers(r.cites), "summary": r.entity.get("summary", "")} for r in items],
                }
            )
        return sections

    def backlinks(self) -> list[dict]:
        """ "What links here", grouped by relation: the pages whose fields
        name this one, under the first of their relations ("Events that list
        Leon Trotsky as a participant"), then the pages that only mention it
        in their text. One item per page: its link, and the sentences that
        link here, shown on demand."""
        schema = self.resolved.site.schema
        order = kinds(schema)
        groups: dict[tuple[int, str], list] = defaultdict(list)
        for key in sorted(self.data.backlinks):
            bl = self.data.backlinks[key]
            sentences = [Markup("").join(Markup("<mark>{}</mark>").format(t) if m else escape(t) for t, m in parts) for parts in bl.contexts]
            relations = bl.relations
            group = (0, relations[0]) if relations else (1, "mention {}")
            groups[group].append(
                {
                    "link": self.link(bl.source),
                    "sort": (order.index(bl.source.kind) if bl.source.kind in order else len(order), fold(sort_name(bl.source))),
                    "kind": bl.source.kind,
                    "context": Markup("<br>").join(sentences),
                }
            )
        places = {phrase: place for bl in self.data.backlinks.values() for place, phrase in bl.named}
        title = self.entity.title
        out = []
        for mention, phrase in sorted(groups, key=lambda g: (g[0], places.get(g[1], 0), g[1])):
            items = sorted(groups[(mention, phrase)], key=lambda i: i["sort"])
            holders = {i["kind"] for i in items}
            noun = schema[holders.pop()].plural if len(holders) == 1 else "Pages"
            if mention and out:
                noun = "Other " + noun.lower()
            before, _, after = phrase.partition("{}")
            out.append(
                {
                    "heading": f"{noun} that {before}{title}{after}",
                    "items": items,
                }
            )
        return out

    def debates(self) -> list[dict]:
        out = []
        for i, d in enumerate(self.entity.get("debates", [])):
            positions = []
            for pos in d.get("positions", []):
                person = self.resolved.site.get("person", pos["by"])
                cite = pos.get("cite")
                positions.append(
                    {
                        "by": self.link(person) if person else escape(pos["by"]),
                        "view": pos["view"],
                        "cite": self.notes.marker(cite) if cite else Markup(""),
                    }
                )
            out.append({"id": f"debate-{i + 1}", "question": d["question"], "status": d.get("status", "unresolved"), "status_label": DEBATE_STATUS.label(d.get("status", "unresolved")), "note": d.get("note", ""), "positions": positions})
        return out

    def positions(self) -> list[dict]:
        out = []
        for p in self.data.positions:
            page, d_i, pos = p.holder, p.debate, p.record
            debate = page.get("debates")[d_i]
            out.append({"question": debate["question"], "where": self.link(page, page.title, f"debate-{d_i + 1}"), "view": pos["view"], "status": debate.get("status", "unresolved"), "status_label": DEBATE_STATUS.label(debate.get("status", "unresolved"))})
        return out

    def cited_by(self) -> list[dict]:
        """The pages citing this source, each once, with each of its
        citations: a body citation links to its marker on that page."""
        order = kinds(self.resolved.site.schema)
        pages: dict[str, dict] = {}
        for c in sorted(self.data.cited_by, key=lambda c: (order.index(c.source.kind), fold(sort_name(c.source)), c.where != "body", c.where, c.locator)):
            item = pages.get(c.source.key)
            if item is None:
                item = pages[c.source.key] = {"link": self.link(c.source), "uses": []}
            where = {"body": "", "sources": "as a source of the whole page", "debate": "in a debate"}.get(c.where, f"for '{c.where}'")
            url = rel(self.url, c.source.url) + (f"#{c.anchor}" if c.anchor else "")
            sentence = "".join(t for t, _ in c.sentence)
            # one sentence citing the source at several places is quoted once
            use = next((u for u in item["uses"] if u["sentence"] == sentence and u["where"] == where and sentence), None)
            if use is None:
                use = {"where": where, "sentence": sentence, "url": url if c.anchor else "", "locators": []}
                item["uses"].append(use)
            if c.locator and c.locator not in use["locators"]:
                use["locators"].append(c.locator)
        return list(pages.values())

    def history_and_citation(self) -> dict[str, Any]:
        """The page's last change and its history (from git), "Cite this
        page" in Chicago, BibTeX, RIS and CSL-JSON, and the meta tags
        reference managers read (on a source's page: the source's own)."""
        e, options = self.entity, self.options
        changes, dirty = self.resolved.history_of(e)
        repo = options.get("repo_url", "")
        history = {
            "available": self.resolved.history.available,
            "dirty": dirty,
            "total": len(changes),
            "changes": [{"date": time_html(parse_date(c.date)), "subject": c.subject, "url": f"{repo}/commit/{c.commit}" if repo else ""} for c in changes[:10]],
        }
        last = changes[0].date if changes and not dirty else None
        site_url = options.get("site_url", "").rstrip("/")
        ref = citing.page_reference(
            e, title=e.title, site_name=options.get("site_name", ""), url=f"{site_url}/{e.url}" if site_url else "", edition=edition(self.resolved, options), modified=last
        )
        entry, note = citing.chicago(ref)
        key = "dossier-" + e.key.replace("/", "-")
        formats = [
            ("BibTeX", citing.bibtex(key, ref)),
            ("RIS", citing.ris(ref)),
            ("CSL-JSON", citing.csl_json_text([citing.csl_json(key, ref)])),
        ]
        cite = {
            "entry": entry,
            "note": note,
            "has_url": bool(site_url),
            "formats": [{"name": n, "text": t} for n, t in formats],
        }
        meta_ref = citing.source_reference(e) if e.kind == "source" else ref
        return {"history": history, "cite": cite, "citation_meta": citing.highwire_meta(meta_ref)}

    def place_map(self) -> dict[str, Any] | None:
        """A place's map (the place, the larger place it lies in, the places
        within it), or an event's locator map; None without coordinates."""
        e, site, data = self.entity, self.resolved.site, self.resolved.maps
        if e.kind == "place":
            main = e
            # (a country or a region is an area, not a point: not marked)
            near = [x for x in [*places.outer(site, e)[:1], *(x for x in site.of_kind("place") if x.get("part_of") == e.slug)] if x.get("kind") not in ("country", "region")]
            width, small = 640, False
        elif e.kind == "event" and e.get("place"):
            main = site.find(e.get("place"), ("place",)) or site.place_named(e.get("place"))
            near, width, small = [], 320, True
        else:
            return None
        if main is None:
            return None
        located = places.located(site, main)
        if located is None:
            return None
        label = places.name_at(main, e.get("date")) if e.kind == "event" else main.title
        markers = [maps.Marker(located.get("coordinates").lat, located.get("coordinates").lon, label, main=True)]
        rows = [{"place": self.link(main), "where": located.get("coordinates"), "how": "this place" if main is e else "where it happened"}]
        for x in near:
            c = x.get("coordinates")
            if c is not None:
                markers.append(maps.Marker(c.lat, c.lon, x.title, rel(self.url, x.url)))
                rows.append({"place": self.link(x), "where": c, "how": "lies within it" if x.get("part_of") == e.slug else "it lies within"})
        out = {"rows": rows, "note": maps.BORDERS_NOTE, "small": small, "svg": None}
        if data is None:
            out["missing"] = "The map is not drawn: this build did not have the map data (the npm package world-atlas; run npm ci)."
            return out
        title = f"Map: {main.title}" + (" and related places" if len(markers) > 1 else "")
        out["svg"] = maps.draw(data, markers, width=width, title=title, min_span=2.0 if small else 3.0, ident=f"map-{e.slug}")
        return out

    def charges(self) -> dict[str, Any] | None:
        """An event's charges: the matrix (accused × charge, the status of
        each), each charge in full, and the legend."""
        return charge_context(self.resolved, self.entity, self.link, self.notes)

    def build(self) -> dict[str, Any]:
        e = self.entity
        schema = self.resolved.site.schema
        ctx: dict[str, Any] = {"entity": e, "kind": e.kind, "kind_label": schema[e.kind].label}
        # infobox first, so that its notes are numbered before the body's
        if e.kind == "article":
            # an encyclopedia article: its author and date under the title,
            # the text at once, what it is about after it (no infobox)
            ctx["infobox"] = []
            ctx["byline"] = {"authors": e.get("author") or ([self.options["author"]] if self.options.get("author") else []), "date": time_html(e.get("date"))}
        else:
            ctx["infobox"] = self.infobox() if e.kind in schema else []
        ctx["body"] = self.body()
        if e.kind == "article":
            ctx["about"] = [self._ref(slug, schema["article"].fields["about"].type.kinds) for slug in e.get("about") or []]
            ctx["lead"], ctx["body"], ctx["toc"] = _lead_and_contents(ctx["body"], self.data.rendered.headings)
        ctx["debates"] = self.debates()
        ctx["charges"] = self.charges() if e.get("charges") else None
        ctx["place_map"] = self.place_map()
        ctx["relations"] = self.relations()
        ctx["positions"] = self.positions()
        ctx["backlinks"] = self.backlinks()
        ctx["cited_by"] = self.cited_by() if e.kind == "source" else []
        if e.kind == "source":
            ctx["entry"] = source_entry(self.resolved, e)
        ctx["page_sources"] = [self.link(s) for s in (self.resolved.site.get("source", x) for x in e.get("sources", [])) if s]
        ctx["references"] = self.notes.references()
        ctx["dates"] = self.resolved.site.span_text(e, header=True)
        ctx["title"] = e.title
        ctx["summary"] = e.get("summary", "")
        ctx["search_names"] = search_names(e.names[1:], [v.text for v in e.variants])
        ctx["romanized"] = romanize.scholarly(e.get("native_name"), e.get("native_lang"))
        site_url = self.options.get("site_url", "")
        ctx.update(self.history_and_citation())
        ctx["authorities"] = [{"file": name, "id": value, "url": url} for name, value, url in opendata.authority_links(e, self.resolved.site.schema)]
        ctx["json_ld"] = opendata.json_ld_script(opendata.json_ld(e, self.resolved, site_url=site_url))
        ctx["open_graph"] = opendata.open_graph(e, site_name=self.options.get("site_name", ""), site_url=site_url, page_url=e.url)
        near = neighbourhood_of(self.resolved, e, NEIGHBOURHOOD_MAX)
        if near is not None:
            if near.number_of_edges():
                total = near.graph.get("total_nodes")
                if total:
                    ctx["neighbourhood_note"] = Markup(
                        "The drawing and the table show the {} closest of the {} pages connected to {}: relations recorded in fields first, "
                        "then mentions; the others appear in the text, in the lists of relations and under “What links here”."
                    ).format(near.number_of_nodes() - 1, total - 1, e.title)
                ctx["neighbourhood"] = network.render_svg(
                    near, network.layout(near, center=e.key), href=lambda key: rel(self.url, key + "/"), title=f"{e.title}: direct relations", id_prefix="near", width=400, font_size=12.5, highlight=e.key
                )
                ctx["neighbourhood_rows"] = graph_rows(network.edge_rows(near), self.url)
        if e.kind == "person":
            rows = timeline.person_rows(self.resolved, e)
            if rows:
                ctx["timeline"] = timeline.render_svg(rows, href=lambda key: rel(self.url, key + "/"), title=f"Timeline of {e.title}", id_prefix="ptl", width=720, legend=False)
        return ctx


def _lead_and_contents(body: Markup, headings: list[tuple[int, str, str]]) -> tuple[Markup, Markup, list]:
    """An article's lead (the text before its first section), the rest, and
    its table of contents: its sections at their top level (what an editor
    wrote as "##" or "#"), when there are at least two."""
    if not headings:
        return Markup(""), body, []
    top = min(level for level, _i, _t in headings)
    toc = []
    for level, ident, text in headings:
        if level == top:
            # the heading as shown (typographic quotes and all), without its tags
            m = re.search(rf'<h{top} id="{re.escape(ident)}">(.*?)</h{top}>', body, re.S)
            toc.append((level, ident, Markup(re.sub(r"<[^>]*>", "", m.group(1))) if m else text))
    m = re.search(rf'<h{top} id="{re.escape(toc[0][1])}"', body)
    if m is None:
        return Markup(""), body, toc if len(toc) > 1 else []
    return Markup(body[: m.start()]), Markup(body[m.start() :]), toc if len(toc) > 1 else []


def _charge_schema(site: Site):
    return site.schema["event"].fields["charges"].type.record


def charge_context(resolved: Resolved, event: Entity, link: Callable[..., Markup], notes: Notes | None) -> dict[str, Any]:
    """The charges of one event, for its page or the page of every charge."""
    site = resolved.site
    record = _charge_schema(site)
    status_type, basis_type = record.fields["status"].type, record.fields["basis"].type
    charges: list[str] = []  # distinct charge texts, in the order written
    accused: list[Entity] = []
    cells: dict[tuple[str, int], list[str]] = {}
    rows = []
    for rec in event.get("charges") or []:
        if rec["charge"] not in charges:
            charges.append(rec["charge"])
        column = charges.index(rec["charge"])
        people = [t for t in (site.find(slug, record.fields["accused"].type.kinds) for slug in rec["accused"]) if t is not None]
        for p in people:
            if p not in accused:
                accused.append(p)
            cells.setdefault((p.key, column), []).append(rec["status"])
        claimed = site.find(rec["claimed_by"], record.fields["claimed_by"].type.kinds) if rec.get("claimed_by") else None
        rows.append(
            {
                "accused": [link(p) for p in people],
                "charge": rec["charge"],
                "column": column + 1,
                "claimed_by": link(claimed) if claimed else Markup(""),
                "basis": ", ".join(basis_type.label(b) for b in rec.get("basis") or []),
                "status": rec["status"],
                "status_label": status_type.label(rec["status"]),
                "note": rec.get("note", ""),
                "cites": notes.markers(rec.get("cite") or ()) if notes else Markup(""),
                "cite_list": list(rec.get("cite") or ()),
            }
        )
    matrix = [
        {
            "who": link(p),
            "cells": [[{"status": st, "label": status_type.label(st)} for st in cells.get((p.key, c), [])] for c in range(len(charges))],
        }
        for p in accused
    ]
    legend = [{"status": st, "label": status_type.label(st), "meaning": CHARGE_STATUS_MEANING[st]} for st in status_type.choices]
    return {"charges": [{"n": i + 1, "text": t} for i, t in enumerate(charges)], "matrix": matrix, "rows": rows, "legend": legend}


#: What each status of a charge says (the legend of every matrix).
CHARGE_STATUS_MEANING = {
    "documented": "the accusation is borne out by independent evidence",
    "confession-only": "nothing supports it but the accused's own confession",
    "retracted": "the accused, or the witness, withdrew it",
    "refuted": "later evidence shows it to be false",
    "unresolved": "the evidence does not settle it",
}


def _charges_pages(resolved: Resolved) -> list[Page]:
    """Every accusation over time (``charges/``), one page per status, and
    a list by person: all readable without a script."""
    site = resolved.site
    statuses = _charge_schema(site).fields["status"].type

    def make(status: str | None, url: str) -> dict[str, Any]:
        events = sorted((e for e in site.of_kind("event") if e.get("charges")), key=lambda e: (e.get("date").sort_key(), e.key))
        cases, by_person = [], {}

        def link(target: Entity, label: str | None = None, fragment: str = "", cls: str = "xref") -> Markup:
            return Markup(f'<a class="{escape(cls)}" href="{escape(rel(url, target.url))}">{escape(label or target.title)}</a>')

        def sources(cite_list) -> Markup:
            # the page of every charge has no notes: each source is named and
            # linked, with its locator, beside what it documents
            out = []
            for c in cite_list:
                src = site.get("source", c.key)
                if src is not None:
                    label = link(src, src.get("short_title") or src.title)
                    out.append(label + (Markup(", ") + c.locator if c.locator else Markup("")))
            return Markup("; ").join(out)

        for e in events:
            ctx = charge_context(resolved, e, link, None)
            rows = [dict(r, sources=sources(r["cite_list"])) for r in ctx["rows"] if status is None or r["status"] == status]
            if rows:
                cases.append({"event": link(e), "id": e.slug, "time": time_html(e.get("date")), "rows": rows})
            for rec in e.get("charges") or []:
                if status is not None and rec["status"] != status:
                    continue
                for slug in rec["accused"]:
                    p = site.find(slug, ("person", "group"))
                    if p is not None:
                        by_person.setdefault(p.key, {"who": link(p), "sort": fold(sort_name(p)), "cases": []})["cases"].append(
                            {"event": link(e), "id": e.slug, "status_label": statuses.label(rec["status"]), "status": rec["status"]}
                        )
        counts = {st: sum(1 for e in events for rec in e.get("charges") or [] if rec["status"] == st) for st in statuses.choices}
        filters = [{"status": st, "label": statuses.label(st), "count": counts[st], "url": rel(url, f"charges/{st}/")} for st in statuses.choices if counts[st]]
        legend = [{"status": st, "label": statuses.label(st), "meaning": CHARGE_STATUS_MEANING[st]} for st in statuses.choices]
        title = "Charges" if status is None else f"Charges: {statuses.label(status)}"
        people = sorted(by_person.values(), key=lambda p: p["sort"])
        return {"title": title, "status": status, "cases": cases, "people": people, "filters": filters, "legend": legend, "all_url": rel(url, "charges/")}

    pages = [_fixed("charges/index.html", "charges/", "charges.html", lambda: make(None, "charges/"))]
    present = {rec["status"] for e in site.of_kind("event") for rec in e.get("charges") or []}
    for st in [st for st in statuses.choices if st in present]:
        pages.append(_fixed(f"charges/{st}/index.html", f"charges/{st}/", "charges.html", lambda st=st: make(st, f"charges/{st}/")))
    return pages


#: Most nodes in an entity page's neighbourhood drawing (itself included): a
#: page mentioned by hundreds of others would otherwise draw all of them.
NEIGHBOURHOOD_MAX = 40


def _list_html(items: list[Markup]) -> Markup:
    if len(items) == 1:
        return items[0]
    return Markup('<ul class="values">') + Markup("").join(Markup("<li>{}</li>").format(i) for i in items) + Markup("</ul>")


# The whole site -----------------------------------------------------------------


def entity_page(resolved: Resolved, e: Entity, options: dict[str, str]) -> Page:
    return Page(f"{e.url}index.html", e.url, "entity.html", lambda: PageBuilder(resolved, e, options).build(), key=e.key)


def _home_page(resolved: Resolved) -> Page:
    site = resolved.site

    def make() -> dict[str, Any]:
        ctx: dict[str, Any] = {"title": "Home", "body": Markup(""), "summary": ""}
        if site.home:
            b = PageBuilder(resolved, site.home)
            ctx = {"title": site.home.title, "body": b.body(), "summary": site.home.get("summary", ""), "references": b.notes.references()}
        ctx["counts"] = [(site.schema[k].plural, site.schema[k].folder + "/", len(site.of_kind(k))) for k in site.schema.kinds]
        ctx["articles"] = [{"title": a.title, "url": a.url, "summary": a.get("summary", "")} for a in sorted(site.of_kind("article"), key=lambda a: fold(a.title))]
        return ctx

    return Page("index.html", "", "home.html", make, key="index")


def _fixed(path: str, url: str, template: str, make: Callable[[], dict[str, Any]]) -> Page:
    """A page that is not an entity's; ``make`` reads what it shows."""
    return Page(path, url, template, make)


def _raw(path: str, produce: Callable[[], str | Iterable[str]]) -> Page:
    """A file that is not a page (JSON, CSV, XML, CSS): written as it is,
    or as its pieces come (``produce`` may give them one by one)."""
    return Page(path, path, "", lambda: {"raw": produce()})


def _debates_page(resolved: Resolved) -> Page:
    url = "debates/"

    def make() -> dict[str, Any]:
        items = []
        for e in resolved.site:
            for i, d in enumerate(e.get("debates", [])):
                people = []
                for pos in d.get("positions", []):
                    p = resolved.site.get("person", pos["by"])
                    if p is not None and p.title not in [x["title"] for x in people]:
                        people.append({"title": p.title, "url": rel(url, p.url)})
                status = d.get("status", "unresolved")
                items.append({"question": d["question"], "status": status, "status_label": DEBATE_STATUS.label(status), "where": e.title, "url": rel(url, e.url) + f"#debate-{i + 1}", "people": people, "kind": resolved.site.schema[e.kind].label})
        order = {"unresolved": 0, "consensus": 1, "settled": 2}
        items.sort(key=lambda x: (order[x["status"]], fold(x["question"])))
        return {"title": "Debates", "items": items}

    return _fixed(f"{url}index.html", url, "debates.html", make)


#: What the data page says of each file besides the CSV tables.
_DATA_FILES = {
    "dossier.json": "Every entity with its fields, resolved relations and sources (JSON).",
    "network.graphml": "The network of people, groups and events (GraphML, for Cytoscape, yEd or networkx).",
    "network.gexf": "The same network for Gephi (GEXF).",
    "bibliography.json": "Every source of the site (CSL-JSON, for Zotero or any citation processor; `dossier import-sources` reads it back).",
    "bibliography.bib": "The same bibliography as BibTeX (biblatex).",
    "bibliography.ris": "The same bibliography as RIS (EndNote, Mendeley, Zotero).",
}


def _data_files(resolved: Resolved, options: dict[str, str]) -> list[Page]:
    site = resolved.site
    site_url = options.get("site_url", "")

    def table(name: str) -> str:
        return resolved.memo.once(("csv",), lambda: opendata.csv_tables(resolved))[name]

    def feed() -> str:
        articles = sorted(site.of_kind("article"), key=lambda a: a.key)
        return opendata.atom_feed(articles, site_name=options.get("site_name", ""), site_url=site_url, feed_url="feeds/articles.atom.xml", edition=edition(resolved, options))

    names = opendata.csv_names(site.schema)
    out = [_raw("data/dossier.json", lambda: opendata.iter_dataset_json(resolved))]
    out += [_raw(f"data/{name}", lambda name=name: table(name)) for name in names]
    files = [{"name": "dossier.json", "what": _DATA_FILES["dossier.json"]}]
    files += [{"name": name, "what": f"{name[:-4].capitalize()}, one row each (CSV)."} for name in names]
    files += [{"name": name, "what": _DATA_FILES[name]} for name in ("network.graphml", "network.gexf", "bibliography.json", "bibliography.bib", "bibliography.ris")]
    out.append(_fixed("data/index.html", "data/", "data.html", lambda: {"title": "Data", "files": files}))
    out.append(_raw("feeds/articles.atom.xml", feed))
    out.append(_raw("robots.txt", lambda: opendata.robots_txt(site_url=site_url)))

    def sources() -> list[tuple[str, dict[str, Any]]]:
        return [(s.slug, citing.source_reference(s)) for s in sorted(site.of_kind("source"), key=lambda s: s.key)]

    out.append(_raw("data/bibliography.json", lambda: opendata.inert_json(citing.csl_json_text([citing.csl_json(key, ref) for key, ref in sources()]))))
    out.append(_raw("data/bibliography.bib", lambda: "\n".join(citing.bibtex(key, ref) for key, ref in sources())))
    out.append(_raw("data/bibliography.ris", lambda: "".join(citing.ris(ref) for _key, ref in sources())))
    out.append(_raw("data/network.graphml", lambda: network.iter_graphml(whole_network(resolved))))
    out.append(_raw("data/network.gexf", lambda: network.iter_gexf(whole_network(resolved))))
    out.append(_raw("assets/figures.css", lambda: timeline.TIMELINE_CSS + "\n" + network.SVG_CSS))
    out.append(_raw(PREVIEWS_FILE, lambda: previews_json(resolved)))
    url = "graph/"

    def graph_page() -> dict[str, Any]:
        graph = whole_network(resolved)
        shown = network.overview(graph, max_nodes=400)
        svg = network.render_svg(shown, network.layout(shown), href=lambda key: rel(url, key + "/"), title="The network of people, groups and events", id_prefix="net", width=1080, legend=False)
        note = "" if shown.number_of_nodes() == graph.number_of_nodes() else f"The picture shows the {shown.number_of_nodes()} most connected of {graph.number_of_nodes()} nodes; the table lists every relation among them, and the data page has the whole network."
        rows = graph_rows(network.edge_rows(shown), url)
        fields = [r for r in rows if r["relation"] != "mention"]
        return {"title": "Network", "svg": svg, "filters": network.legend_items(shown), "rows": fields, "mentions": network.mention_groups(rows), "mention_count": len(rows) - len(fields), "note": note, "nodes": shown.number_of_nodes(), "edges": shown.number_of_edges()}

    out.append(_fixed("graph/index.html", url, "graph.html", graph_page))
    return out


def site_options(settings: dict[str, Any]) -> dict[str, str]:
    """What pages take from the settings (or the base context): the site's
    address and name, its edition (``EDITION``; else the git tag of the
    commit built) and the address of its repository (``REPO_URL``, for links
    to the commits of a page's history)."""
    return {
        "site_url": settings.get("SITEURL", "") or "",
        "site_name": settings.get("SITENAME", "") or "",
        "edition": settings.get("EDITION", "") or "",
        "repo_url": (settings.get("REPO_URL", "") or "").rstrip("/"),
        "author": settings.get("AUTHOR", "") or "",  # an article's, when it names none
    }


def edition(resolved: Resolved, options: dict[str, str]) -> str:
    """The edition a citation names: the site's setting, else the git tag of
    the commit built ("version v2026.12"), else none."""
    deps.note(EDITION_KEY)
    if options.get("edition"):
        return options["edition"]
    return f"version {resolved.history.tag}" if resolved.history.tag else ""


#: The key of the edition (the git tag built), for pages that show it.
EDITION_KEY = "history:edition"


def site_pages(resolved: Resolved, options: dict[str, str] | None = None) -> list[Page]:
    """Every page of the site, in output-path order (contexts not built yet)."""
    options = options or {}
    site = resolved.site
    pages: list[Page] = [entity_page(resolved, e, options) for e in site]
    pages.extend(_data_files(resolved, options))
    pages.extend(_index_pages(resolved))
    pages.append(_chronology(resolved))
    pages.append(_debates_page(resolved))
    pages.extend(_charges_pages(resolved))
    pages.append(_home_page(resolved))
    pages.append(_fixed("404.html", "", "404.html", lambda: {"title": "Page not found", "absolute": True}))
    pages.extend(_redirect_pages(resolved, options))

    def search() -> dict[str, Any]:
        keys = sorted([e.key for e in site] + ([site.home.key] if site.home else []))
        types = [(k, site.schema[k].plural) for k in site.schema.kinds]
        return {"title": "Search", "types": types, "shards": " ".join(str(n) for n in shards(keys))}

    pages.append(_fixed("search/index.html", "search/", "search.html", search))
    if options.get("site_url"):
        pages.append(_raw("sitemap.xml", lambda: opendata.sitemap_xml(_page_urls(resolved, options), site_url=options["site_url"])))
    return sorted(pages, key=lambda p: p.path)


def _redirect_pages(resolved: Resolved, options: dict[str, str]) -> list[Page]:
    """A page at every former address (``former_slugs``) that sends the
    reader on: a refresh, a canonical link and a plain link; and
    ``_redirects`` for hosts that read one (Netlify, Cloudflare Pages)."""
    site_url = options.get("site_url", "").rstrip("/")
    out = []
    for old in sorted(resolved.moved):
        url = f"{old}/"

        def make(old=old, url=url) -> dict[str, Any]:
            target = resolved.moved[old]
            canonical = f"{site_url}/{target.url}" if site_url else rel(url, target.url)
            return {"title": target.title, "target": rel(url, target.url), "canonical": canonical}

        out.append(_fixed(f"{url}index.html", url, "redirect.html", make))
    if resolved.moved:
        from urllib.parse import urlsplit

        base = urlsplit(site_url).path.rstrip("/") + "/" if site_url else "/"

        def lines() -> str:
            for e in resolved.site:  # the file depends on every page's former slugs
                e.get("former_slugs")
            return "".join(f"{base}{old}/ {base}{resolved.moved[old].url} 301\n" for old in sorted(resolved.moved))

        out.append(_raw("_redirects", lines))
    return out


def _page_urls(resolved: Resolved, options: dict[str, str]) -> list[str]:
    """The address of every HTML page (read inside the sitemap's own make, so
    that it depends on what decides which pages there are)."""
    pages = site_pages(resolved, {**options, "site_url": ""})
    return sorted(p.url for p in pages if p.template and p.path.endswith("index.html"))


def _entry(site: Site, e: Entity, from_url: str) -> dict:
    return {"title": e.title, "sort": sort_name(e), "url": rel(from_url, e.url), "dates": site.span_text(e, header=True), "summary": e.get("summary", ""), "native": e.get("native_name", ""), "entity": e}


def _index_pages(resolved: Resolved) -> list[Page]:
    site = resolved.site
    out = []
    kinds = ["person", "group"] + (["place"] if "place" in site.schema.types else [])
    for kind in kinds:
        folder = site.schema[kind].folder
        url = f"{folder}/"

        def make(kind=kind, url=url) -> dict[str, Any]:
            items = sorted((_entry(site, e, url) for e in site.of_kind(kind)), key=lambda i: (fold(i["sort"]), i["entity"].key))
            letters: dict[str, list] = {}
            for it in items:
                letter = fold(it["sort"])[:1].upper() or "#"
                if not letter.isalpha() or not letter.isascii():
                    letter = "#"
                letters.setdefault(letter, []).append(it)
            ctx = {"title": site.schema[kind].plural, "kind": kind, "letters": letters, "count": len(items)}
            if kind == "place":
                ctx["place_map"] = _places_map(resolved, url)
            return ctx

        out.append(_fixed(f"{url}index.html", url, "index_az.html", make))

    def events() -> dict[str, Any]:
        evs = sorted(site.of_kind("event"), key=lambda e: (e.get("date").sort_key(), e.key))
        return {"title": "Events", "items": [_entry(site, e, "events/") | {"time": time_html(e.get("date"))} for e in evs]}

    out.append(_fixed("events/index.html", "events/", "index_events.html", events))

    def articles() -> dict[str, Any]:
        arts = sorted(site.of_kind("article"), key=lambda e: fold(e.title))
        return {"title": "Articles", "items": [_entry(site, e, "articles/") for e in arts]}

    out.append(_fixed("articles/index.html", "articles/", "index_list.html", articles))
    out.extend(_source_pages(resolved))
    return out


def _places_map(resolved: Resolved, url: str) -> dict[str, Any] | None:
    """The map of every place with coordinates (areas left out), for /places/."""
    site = resolved.site
    shown = [p for p in site.of_kind("place") if p.get("coordinates") is not None and p.get("kind") not in ("country", "region")]
    if not shown:
        return None
    link = lambda p: Markup('<a href="{}">{}</a>').format(rel(url, p.url), p.title)  # noqa: E731
    rows = [{"place": link(p), "where": p.get("coordinates"), "how": p.get("kind") or "place"} for p in shown]
    out = {"rows": rows, "note": maps.BORDERS_NOTE, "small": False, "svg": None}
    if resolved.maps is None:
        out["missing"] = "The map is not drawn: this build did not have the map data (the npm package world-atlas; run npm ci)."
        return out
    markers = [maps.Marker(p.get("coordinates").lat, p.get("coordinates").lon, p.title, rel(url, p.url)) for p in shown]
    out["svg"] = maps.draw(resolved.maps, markers, width=640, title=f"Map of the {len(shown)} places", ident="map-places")
    return out


def _source_pages(resolved: Resolved) -> list[Page]:
    """The list of sources, and one per genre present (which pages exist is
    decided here; what each lists is read when it is made)."""
    site = resolved.site

    def sources() -> list[Entity]:
        return sorted(site.of_kind("source"), key=lambda s: (bibliography.sort_key(source_fields(s)), s.key))

    def entries(items, from_url):
        return [{"entry": source_entry(resolved, s), "url": rel(from_url, s.url), "title": s.title, "genre": s.get("genre"), "genre_label": genre_label(site.schema, s.get("genre")) if s.get("genre") else "", "kind": s.get("kind")} for s in items]

    def groups(items, from_url):
        return [{"kind": k, "label": "Primary sources" if k == "primary" else "Secondary sources", "items": entries([s for s in items if s.get("kind") == k], from_url)} for k in ("primary", "secondary")]

    def genres(items) -> list[str]:
        return sorted({s.get("genre") for s in items if s.get("genre")}, key=GENRES.index)

    def make(genre: str | None, from_url: str) -> dict[str, Any]:
        every = sources()
        nav = [{"genre": g, "label": genre_label(site.schema, g), "count": sum(1 for s in every if s.get("genre") == g)} for g in genres(every)]
        if genre is None:
            return {"title": "Sources", "groups": groups(every, from_url), "genres": nav, "genre": None}
        items = [s for s in every if s.get("genre") == genre]
        return {"title": f"Sources: {genre_label(site.schema, genre)}", "groups": groups(items, from_url), "genres": nav, "genre": genre}

    out = [_fixed("sources/index.html", "sources/", "index_sources.html", lambda: make(None, "sources/"))]
    for g in genres(site.of_kind("source")):
        gurl = f"sources/genre/{g}/"
        out.append(_fixed(f"{gurl}index.html", gurl, "index_sources.html", lambda g=g, gurl=gurl: make(g, gurl)))
    return out


#: How the chronology words the two ends of a span, by type (an event is
#: listed by its date alone).
_CHRONOLOGY_ENDS = {"person": ("Birth of", "Death of"), "group": ("Founding of", "End of"), "event": ("", None)}


def _chronology(resolved: Resolved) -> Page:
    site = resolved.site
    url = "chronology/"

    def make() -> dict[str, Any]:
        rows = []

        def add(d: Date | None, what: str, e: Entity) -> None:
            if d is not None:
                rows.append({"date": d, "time": time_html(d), "what": what, "title": e.title, "url": rel(url, e.url), "kind": e.kind, "uncertain": d.is_uncertain or d.is_approximate or d.is_interval})

        for e in site:
            if e.kind in _CHRONOLOGY_ENDS:
                first, last = _CHRONOLOGY_ENDS[e.kind]
                start, end = site.span(e)
                add(start, first, e)
                if last is not None:
                    add(end, last, e)
        rows.sort(key=lambda r: (r["date"].sort_key(), r["what"], fold(r["title"])))
        svg = timeline.render_svg(timeline.site_rows(resolved), href=lambda key: rel(url, key + "/"), title="Timeline of every group and person with known dates", id_prefix="tl")
        return {"title": "Chronology", "rows": rows, "timeline": svg}

    return _fixed(f"{url}index.html", url, "chronology.html", make)
