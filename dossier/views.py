"""Views: from resolved content to template contexts and finished pages.

Every page of the site is a :class:`Page` (its output path, template and
context). ``site_pages`` lists them all; ``render_pages`` renders them with a
Jinja2 environment (the Pelican theme's, when run through the plugin).
Values that carry markup are built here as ``Markup`` with every piece of
content escaped; templates receive structured data and autoescape the rest.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from markupsafe import Markup, escape

from . import bibliography, network, opendata, timeline
from .dates import Date, format_range
from .markup import substitute
from .model import Entity, Site
from .resolve import KIND_ORDER, CiteGroup, Link, PageData, Resolved
from .schema import CONTENT_TYPES, Citation, Field, RecordList, RefList, RefType, TextList
from .search import search_names, shards
from .text import fold

__all__ = ["Page", "site_pages", "render_pages"]

KIND_LABEL = {"person": "Person", "group": "Group", "event": "Event", "source": "Source", "article": "Article", "home": "Home"}
KIND_PLURAL = {"person": "People", "group": "Groups", "event": "Events", "source": "Sources", "article": "Articles", "home": "Pages"}
GENRE_LABEL = {
    "letter": "Letter",
    "trial-record": "Trial record",
    "interrogation-record": "Interrogation record",
    "memoir": "Memoir",
    "press": "Press",
    "archive-document": "Archive document",
    "decree": "Decree",
    "historiography": "Historiography",
    "reference": "Reference work",
}
STATUS_LABEL = {"unresolved": "Unresolved", "consensus": "Consensus", "settled": "Settled"}


@dataclass
class Page:
    """One output page. Its context is built lazily (``make``), so that an
    incremental build only pays for the pages it renders."""

    path: str  # output file, site-relative: people/lev-sedov/index.html
    url: str  # site-relative URL: people/lev-sedov/
    template: str
    make: Callable[[], tuple[dict[str, Any], set[str]]]  # -> (context, keys read)
    #: entity key of an entity page; None for index pages
    key: str | None = None
    #: for pages other than entity pages: the keys they read, known up front
    static_deps: frozenset[str] | None = None

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


def range_html(a: Date | None, b: Date | None) -> Markup:
    if a is None and b is None:
        return Markup("")
    return Markup('<span class="dates">{}</span>').format(format_range(a, b))


def life_dates(e: Entity) -> str:
    if e.kind == "person":
        a, b = e.get("born"), e.get("died")
    elif e.kind == "group":
        a, b = e.get("founded"), e.get("dissolved")
    elif e.kind == "event":
        a, b = e.get("date"), e.get("end")
        if b is None:
            return a.human() if a else ""
    else:
        a = e.get("date")
        return a.human() if a else ""
    if a is None and b is None:
        return ""
    if b is None:
        return f"{'born' if e.kind == 'person' else 'from'} {a.human()}"
    if a is None:
        return f"{'died' if e.kind == 'person' else 'until'} {b.human()}"
    return format_range(a, b)


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

    def __init__(self, resolved: Resolved, page_url: str, depends: set[str]):
        self.resolved = resolved
        self.page_url = page_url
        self.depends = depends
        self.order: list[str] = []  # source slugs in order of first citation
        self.uses: dict[str, list[tuple[str, str]]] = defaultdict(list)  # slug -> [(anchor id, locator)]

    def marker(self, cite: Citation) -> Markup:
        source = self.resolved.site.get("source", cite.key)
        if source is None:
            return Markup("")
        self.depends.add(source.key)
        if cite.key not in self.order:
            self.order.append(cite.key)
        n = self.order.index(cite.key) + 1
        k = len(self.uses[cite.key]) + 1
        anchor = f"cite-{n}-{k}"
        self.uses[cite.key].append((anchor, cite.locator))
        loc = f", {cite.locator}" if cite.locator else ""
        label = f"Note {n}: {source.title}{loc}"
        return Markup('\u2060<sup class="cite" id="{a}"><a href="#ref-{n}" aria-label="{label}" data-source="{s}">[{n}{loc}]</a></sup>').format(
            a=anchor, n=n, label=label, loc=loc, s=source.slug
        )

    def markers(self, cites) -> Markup:
        return Markup("").join(self.marker(c) for c in cites)

    def references(self) -> list[dict]:
        out = []
        for n, slug in enumerate(self.order, 1):
            source = self.resolved.site.get("source", slug)
            backrefs = [{"anchor": a, "label": _letter(i), "locator": loc} for i, (a, loc) in enumerate(self.uses[slug])]
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


def _letter(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]


def source_fields(source: Entity) -> dict[str, Any]:
    return {"title": source.title, **source.fields}


def _once(resolved: Resolved, table: str, key: str, make: Callable[[], Any]) -> Any:
    """A value made once per build (kept on the resolved site, so it is
    gone with it), for values many pages show."""
    cache = resolved.__dict__.setdefault(table, {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def source_entry(resolved: Resolved, source: Entity) -> Markup:
    """A source's bibliography entry (a source cited from a hundred pages
    was formatted a hundred times)."""
    return _once(resolved, "_entries", source.key, lambda: bibliography.format_bibliography(source_fields(source)))


def preview_data(resolved: Resolved, target: Entity) -> dict[str, str]:
    """What a link preview shows of a page."""
    return _once(
        resolved, "_previews", target.key, lambda: {"title": target.title, "kind": KIND_LABEL[target.kind], "dates": life_dates(target), "summary": target.get("summary", ""), **({"native": target.get("native_name"), "native_lang": target.get("native_lang") or "und"} if target.get("native_name") else {})}
    )


def site_graph(resolved: Resolved):
    """The network of the whole site, built once per build."""
    graph = getattr(resolved, "_graph", None)
    if graph is None:
        graph = network.build_graph(resolved)
        resolved._graph = graph
    return graph


def graph_rows(rows: list[dict], from_url: str) -> list[dict]:
    """Edge rows with relative links, for the table beside a graph."""
    out = []
    for r in rows:
        out.append({**r, "source_url": rel(from_url, r["source_key"] + "/"), "target_url": rel(from_url, r["target_key"] + "/")})
    return out


class PageBuilder:
    """Builds the context of one entity page, recording what it depends on."""

    def __init__(self, resolved: Resolved, entity: Entity, options: dict[str, str] | None = None):
        self.resolved = resolved
        self.entity = entity
        self.options = options or {}
        self.data: PageData = resolved.page(entity)
        self.url = entity.url
        self.depends: set[str] = {entity.key or "index"}
        self.notes = Notes(resolved, self.url, self.depends)

    def link(self, target: Entity, label: str | None = None, fragment: str = "", cls: str = "xref") -> Markup:
        self.depends.add(target.key)
        href = rel(self.url, target.url) + (f"#{fragment}" if fragment else "")
        # an f-string of escaped parts: Markup.format cost 4 s per 1,000 pages
        return Markup(f'<a class="{escape(cls)}" href="{escape(href)}" data-key="{escape(target.key)}">{escape(label or target.title)}</a>')

    # infobox ------------------------------------------------------------------

    def infobox(self) -> list[dict]:
        e = self.entity
        ctype = CONTENT_TYPES[e.kind]
        rows = []
        fs = e.get("field_sources") or {}
        for f in ctype.infobox_fields():
            if f.name in ("aliases", "native_name"):
                continue  # shown under the title
            value = e.get(f.name)
            if value is None or value == []:
                continue
            html = self.value_html(f, value)
            if f.name in fs:
                html = html + self.notes.markers(fs[f.name])
            rows.append({"name": f.name, "label": f.label, "html": html})
        return rows

    def value_html(self, f: Field, value: Any) -> Markup:
        site = self.resolved.site
        if isinstance(value, Date):
            return time_html(value)
        if f.name == "colorcode":
            return Markup('<span class="swatch" style="background:{c}" aria-hidden="true"></span> {c}').format(c=value)
        if f.name == "genre":
            return Markup('<span class="badge genre-{g}">{l}</span>').format(g=value, l=GENRE_LABEL.get(value, value))
        if f.name == "kind" and self.entity.kind == "source":
            return Markup('<span class="badge kind-{k}">{l}</span>').format(k=value, l=value.capitalize())
        if isinstance(f.type, RefList):
            items = [self._ref(slug, f.type.kinds) for slug in value]
            return _list_html(items)
        if isinstance(f.type, RefType):
            return self._ref(value, f.type.kinds)
        if isinstance(f.type, RecordList) and f.name == "memberships":
            items = []
            for m in value:
                g = site.get("group", m["group"])
                note = ", ".join(x for x in (m.get("role", ""), format_range(m.get("from"), m.get("to")) if (m.get("from") or m.get("to")) else "") if x)
                link = self.link(g) if g else escape(m["group"])
                items.append(link + (Markup(' <span class="note">({})</span>').format(note) if note else Markup("")))
            return _list_html(items)
        if isinstance(value, list):
            return _list_html([escape(v) for v in value])
        return escape(value)

    def _ref(self, slug: str, kinds) -> Markup:
        for k in kinds:
            t = self.resolved.site.get(k, slug)
            if t is not None:
                return self.link(t)
        return escape(slug)

    # body ---------------------------------------------------------------------

    def body(self) -> Markup:
        refs = self.data.refs

        def repl(index: int, in_attr: bool) -> str:
            ref = refs[index] if index < len(refs) else None
            if isinstance(ref, Link):
                if in_attr or ref.target is None:
                    return str(escape(ref.label))
                return str(self.link(ref.target, ref.label, ref.fragment))
            if isinstance(ref, CiteGroup):
                return "" if in_attr else str(self.notes.markers(ref.cites))
            return ""

        return Markup(substitute(self.data.rendered.html, repl))

    # derived sections --------------------------------------------------------

    def relations(self) -> list[dict]:
        sections = []
        order = ["Led", "Member of", "Members", "Merged into", "Preceded by", "Succeeded by", "Wings and member groups", "Parts", "Events", "Articles"]
        for title in order:
            items = self.data.derived.get(title)
            if not items:
                continue
            sections.append(
                {
                    "title": title,
                    "id": "rel-" + fold(title).replace(" ", "-"),
                    "items": [{"link": self.link(r.entity), "note": r.note, "summary": r.entity.get("summary", "")} for r in items],
                }
            )
        return sections

    def backlinks(self) -> list[dict]:
        groups: dict[str, list] = defaultdict(list)
        for key in sorted(self.data.backlinks):
            bl = self.data.backlinks[key]
            self.depends |= bl.shows
            contexts = []
            for parts in bl.contexts:
                contexts.append(Markup("").join(Markup("<mark>{}</mark>").format(t) if m else escape(t) for t, m in parts))
            groups[bl.source.kind].append({"link": self.link(bl.source), "sort": fold(sort_name(bl.source)), "contexts": contexts})
        out = []
        for kind in KIND_ORDER:
            if kind in groups:
                out.append({"kind": kind, "label": KIND_PLURAL[kind], "items": sorted(groups[kind], key=lambda i: i["sort"])})
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
            out.append({"id": f"debate-{i + 1}", "question": d["question"], "status": d.get("status", "unresolved"), "status_label": STATUS_LABEL[d.get("status", "unresolved")], "note": d.get("note", ""), "positions": positions})
        return out

    def positions(self) -> list[dict]:
        out = []
        for page, d_i, pos in self.data.positions:
            debate = page.get("debates")[d_i]
            out.append({"question": debate["question"], "where": self.link(page, page.title, f"debate-{d_i + 1}"), "view": pos["view"], "status": debate.get("status", "unresolved"), "status_label": STATUS_LABEL[debate.get("status", "unresolved")]})
        return out

    def cited_by(self) -> list[dict]:
        out = []
        for c in sorted(self.data.cited_by, key=lambda c: (KIND_ORDER.index(c.source.kind), fold(sort_name(c.source)), c.where, c.locator)):
            where = {"body": "", "sources": "as a source of the whole page", "debate": "in a debate"}.get(c.where, f"for '{c.where}'")
            self.depends |= c.shows
            out.append({"link": self.link(c.source), "locator": c.locator, "where": where, "sentence": "".join(t for t, _ in c.sentence)})
        return out

    def previews(self, keys: set[str]) -> Markup:
        """Title, dates and summary of the pages ``keys`` (those this one
        links to), as a JSON data block for link previews (not executed:
        CSP-safe)."""
        data = {}
        for key in sorted(keys):
            page = self.resolved.pages.get(key)
            if page is None or page.entity is self.entity or page.entity.kind == "home":
                continue
            data[key] = preview_data(self.resolved, page.entity)
        if not data:
            return Markup("")
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return Markup('<script type="application/json" id="dossier-previews">{}</script>').format(Markup(text))

    def build(self) -> dict[str, Any]:
        e = self.entity
        ctx: dict[str, Any] = {"entity": e, "kind": e.kind, "kind_label": KIND_LABEL[e.kind]}
        # infobox first, so that its notes are numbered before the body's
        ctx["infobox"] = self.infobox() if e.kind in CONTENT_TYPES else []
        ctx["body"] = self.body()
        ctx["debates"] = self.debates()
        ctx["relations"] = self.relations()
        ctx["positions"] = self.positions()
        # previews for the links of the page itself, not for the lists of
        # pages linking here (885 backlinks made a 180 KB data block)
        linked = set(self.depends)
        ctx["backlinks"] = self.backlinks()
        ctx["cited_by"] = self.cited_by() if e.kind == "source" else []
        if e.kind == "source":
            ctx["entry"] = source_entry(self.resolved, e)
        ctx["page_sources"] = [self.link(s) for s in (self.resolved.site.get("source", x) for x in e.get("sources", [])) if s]
        ctx["references"] = self.notes.references()
        ctx["toc"] = [h for h in self.data.rendered.headings if h[0] == 2] if e.kind == "article" else []
        ctx["dates"] = life_dates(e)
        ctx["title"] = e.title
        ctx["summary"] = e.get("summary", "")
        ctx["search_names"] = search_names(e.names[1:])
        ctx["previews"] = self.previews(linked)
        site_url = self.options.get("site_url", "")
        ctx["json_ld"] = opendata.json_ld_script(opendata.json_ld(e, self.resolved, site_url=site_url))
        ctx["open_graph"] = opendata.open_graph(e, site_name=self.options.get("site_name", ""), site_url=site_url, page_url=e.url)
        graph = site_graph(self.resolved)
        if e.key in graph:
            near = network.neighbourhood(graph, e.key, max_nodes=NEIGHBOURHOOD_MAX)
            if near.number_of_edges():
                total = near.graph.get("total_nodes")
                if total:
                    ctx["neighbourhood_note"] = Markup(
                        "The drawing and the table show the {} closest of the {} pages connected to {}: relations recorded in fields first, "
                        "then mentions; the others appear in the text, in the lists of relations and under “What links here”."
                    ).format(near.number_of_nodes() - 1, total - 1, e.title)
                self.depends.update(near.nodes)
                ctx["neighbourhood"] = network.render_svg(
                    near, network.layout(near, center=e.key), href=lambda key: rel(self.url, key + "/"), title=f"{e.title}: direct relations", id_prefix="near", width=640, height=420, highlight=e.key
                )
                ctx["neighbourhood_rows"] = graph_rows(network.edge_rows(near), self.url)
        if e.kind == "person":
            rows = timeline.person_rows(self.resolved, e)
            if rows:
                for row in rows:
                    for key in [row.key] + [m.key for m in row.marks]:
                        if key:
                            self.depends.add(key)
                ctx["timeline"] = timeline.render_svg(rows, href=lambda key: rel(self.url, key + "/"), title=f"Timeline of {e.title}", id_prefix="ptl", width=720, legend=False)
        return ctx


#: Most nodes in an entity page's neighbourhood drawing (itself included): a
#: page mentioned by hundreds of others would otherwise draw all of them.
NEIGHBOURHOOD_MAX = 40


def _list_html(items: list[Markup]) -> Markup:
    if len(items) == 1:
        return items[0]
    return Markup('<ul class="values">') + Markup("").join(Markup("<li>{}</li>").format(i) for i in items) + Markup("</ul>")


# The whole site -----------------------------------------------------------------


def _entity_page(resolved: Resolved, e: Entity, options: dict[str, str]) -> Page:
    def make() -> tuple[dict[str, Any], set[str]]:
        b = PageBuilder(resolved, e, options)
        return b.build(), b.depends

    return Page(f"{e.url}index.html", e.url, "entity.html", make, key=e.key)


# Pages other than entity pages declare what they read up front, as
# pseudo-keys whose digests the pipeline computes (pipeline._entity_digests):
#   "face:<kind>"  the front matter of every entity of that kind (titles,
#                  dates, summaries, relations: what indexes show; not bodies)
#   "dataset"      every entity's fields and outgoing references (data files)
#   "kinds"        the set of entity keys (added or removed pages)
#   "index"        the home page's own file
FACES = {k: f"face:{k}" for k in KIND_ORDER[:5]}


def _fixed(path: str, url: str, template: str, ctx: dict[str, Any] | Callable[[], dict[str, Any]], deps: set[str]) -> Page:
    """A page whose inputs are known up front; ``ctx`` may be a callable, so
    that the context is only computed when the page is rendered."""
    make_ctx = ctx if callable(ctx) else (lambda: ctx)
    return Page(path, url, template, lambda: (make_ctx(), set(deps)), static_deps=frozenset(deps))


def _raw(path: str, produce: Callable[[], str], deps: set[str]) -> Page:
    """A file that is not a page (JSON, CSV, XML, CSS): written as it is."""
    return Page(path, path, "", lambda: ({"raw": produce()}, set(deps)), static_deps=frozenset(deps))


def _home_page(resolved: Resolved) -> Page:
    site = resolved.site

    def make() -> tuple[dict[str, Any], set[str]]:
        ctx: dict[str, Any] = {"title": "Home", "body": Markup(""), "summary": ""}
        deps = {"index"}
        if site.home:
            b = PageBuilder(resolved, site.home)
            ctx = {"title": site.home.title, "body": b.body(), "summary": site.home.get("summary", ""), "references": b.notes.references()}
            deps |= b.depends
        ctx["counts"] = [(KIND_PLURAL[k], CONTENT_TYPES[k].folder + "/", len(site.of_kind(k))) for k in KIND_ORDER[:5]]
        ctx["articles"] = [{"title": a.title, "url": a.url, "summary": a.get("summary", "")} for a in sorted(site.of_kind("article"), key=lambda a: fold(a.title))]
        return ctx, deps | {FACES["article"], "kinds"}

    return Page("index.html", "", "home.html", make, key="index")


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
                items.append({"question": d["question"], "status": status, "status_label": STATUS_LABEL[status], "where": e.title, "url": rel(url, e.url) + f"#debate-{i + 1}", "people": people, "kind": KIND_LABEL[e.kind]})
        order = {"unresolved": 0, "consensus": 1, "settled": 2}
        items.sort(key=lambda x: (order[x["status"]], fold(x["question"])))
        return {"title": "Debates", "items": items}

    return _fixed(f"{url}index.html", url, "debates.html", make, set(FACES.values()))


def _data_files(resolved: Resolved, options: dict[str, str]) -> list[Page]:
    site = resolved.site
    site_url = options.get("site_url", "")
    data = {"dataset"}
    tables: dict[str, str] = {}

    def table(name: str) -> str:
        if not tables:
            tables.update(opendata.csv_tables(resolved))
        return tables[name]

    names = ["articles.csv", "events.csv", "groups.csv", "memberships.csv", "people.csv", "relations.csv", "sources.csv"]
    out = [_raw("data/dossier.json", lambda: opendata.dataset_json(resolved), data)]
    out += [_raw(f"data/{name}", lambda name=name: table(name), data) for name in names]
    files = [{"name": "dossier.json", "what": "Every entity with its fields, resolved relations and sources (JSON)."}]
    files += [{"name": name, "what": f"{name[:-4].capitalize()}, one row each (CSV)."} for name in names]
    files += [
        {"name": "network.graphml", "what": "The network of people, groups and events (GraphML, for Cytoscape, yEd or networkx)."},
        {"name": "network.gexf", "what": "The same network for Gephi (GEXF)."},
    ]
    out.append(_fixed("data/index.html", "data/", "data.html", {"title": "Data", "files": files}, set()))
    articles = sorted(site.of_kind("article"), key=lambda a: a.key)
    feed = lambda: opendata.atom_feed(articles, site_name=options.get("site_name", ""), site_url=site_url, feed_url="feeds/articles.atom.xml")  # noqa: E731
    out.append(_raw("feeds/articles.atom.xml", feed, {FACES["article"], "kinds"}))
    out.append(_raw("robots.txt", lambda: opendata.robots_txt(site_url=site_url), set()))
    out.append(_raw("data/network.graphml", lambda: network.to_graphml(site_graph(resolved)), data))
    out.append(_raw("data/network.gexf", lambda: network.to_gexf(site_graph(resolved)), data))
    out.append(_raw("assets/figures.css", lambda: timeline.TIMELINE_CSS + "\n" + network.SVG_CSS, set()))
    url = "graph/"

    def graph_page() -> dict[str, Any]:
        graph = site_graph(resolved)
        shown = network.overview(graph, max_nodes=400)
        svg = network.render_svg(shown, network.layout(shown), href=lambda key: rel(url, key + "/"), title="The network of people, groups and events", id_prefix="net")
        note = "" if shown.number_of_nodes() == graph.number_of_nodes() else f"The picture shows the {shown.number_of_nodes()} most connected of {graph.number_of_nodes()} nodes; the table lists every relation among them, and the data page has the whole network."
        return {"title": "Network", "svg": svg, "rows": graph_rows(network.edge_rows(shown), url), "note": note, "nodes": shown.number_of_nodes(), "edges": shown.number_of_edges()}

    out.append(_fixed("graph/index.html", url, "graph.html", graph_page, data))
    return out


def site_options(settings: dict[str, Any]) -> dict[str, str]:
    """What pages take from the settings (or the base context): the site's
    address and name."""
    return {"site_url": settings.get("SITEURL", "") or "", "site_name": settings.get("SITENAME", "") or ""}


def site_pages(resolved: Resolved, options: dict[str, str] | None = None) -> list[Page]:
    """Every page of the site, in output-path order (contexts not built yet)."""
    options = options or {}
    site = resolved.site
    pages: list[Page] = [_entity_page(resolved, e, options) for e in site]
    pages.extend(_data_files(resolved, options))
    pages.extend(_index_pages(resolved))
    pages.append(_chronology(resolved))
    pages.append(_debates_page(resolved))
    pages.append(_home_page(resolved))
    pages.append(_fixed("404.html", "", "404.html", {"title": "Page not found", "absolute": True}, set()))
    types = [(k, KIND_PLURAL[k]) for k in KIND_ORDER[:5]]
    bundles = " ".join(str(n) for n in shards(sorted(resolved.pages)))
    pages.append(_fixed("search/index.html", "search/", "search.html", {"title": "Search", "types": types, "shards": bundles}, {"kinds"}))
    urls = sorted(p.url for p in pages if p.template and p.path.endswith("index.html"))
    if options.get("site_url"):
        pages.append(_raw("sitemap.xml", lambda: opendata.sitemap_xml(urls, site_url=options["site_url"]), {"kinds"}))
    return sorted(pages, key=lambda p: p.path)


def _entry(e: Entity, from_url: str) -> dict:
    return {"title": e.title, "sort": sort_name(e), "url": rel(from_url, e.url), "dates": life_dates(e), "summary": e.get("summary", ""), "native": e.get("native_name", ""), "entity": e}


def _index_pages(resolved: Resolved) -> list[Page]:
    site = resolved.site
    out = []
    for kind in ("person", "group"):
        folder = CONTENT_TYPES[kind].folder
        url = f"{folder}/"

        def make(kind=kind, url=url) -> dict[str, Any]:
            items = sorted((_entry(e, url) for e in site.of_kind(kind)), key=lambda i: (fold(i["sort"]), i["entity"].key))
            letters: dict[str, list] = {}
            for it in items:
                letter = fold(it["sort"])[:1].upper() or "#"
                if not letter.isalpha() or not letter.isascii():
                    letter = "#"
                letters.setdefault(letter, []).append(it)
            return {"title": KIND_PLURAL[kind], "kind": kind, "letters": letters, "count": len(items)}

        out.append(_fixed(f"{url}index.html", url, "index_az.html", make, {FACES[kind]}))

    def events() -> dict[str, Any]:
        evs = sorted(site.of_kind("event"), key=lambda e: (e.get("date").sort_key(), e.key))
        return {"title": "Events", "items": [_entry(e, "events/") | {"time": time_html(e.get("date"))} for e in evs]}

    out.append(_fixed("events/index.html", "events/", "index_events.html", events, {FACES["event"]}))

    def articles() -> dict[str, Any]:
        arts = sorted(site.of_kind("article"), key=lambda e: fold(e.title))
        return {"title": "Articles", "items": [_entry(e, "articles/") for e in arts]}

    out.append(_fixed("articles/index.html", "articles/", "index_list.html", articles, {FACES["article"]}))
    out.extend(_source_pages(resolved))
    return out


def _source_pages(resolved: Resolved) -> list[Page]:
    site = resolved.site
    sources = sorted(site.of_kind("source"), key=lambda s: (bibliography.sort_key(source_fields(s)), s.key))
    out = []

    def entries(items, from_url):
        return [{"entry": source_entry(resolved, s), "url": rel(from_url, s.url), "title": s.title, "genre": s.get("genre"), "genre_label": GENRE_LABEL.get(s.get("genre"), ""), "kind": s.get("kind")} for s in items]

    def groups(items, from_url):
        return [{"kind": k, "label": "Primary sources" if k == "primary" else "Secondary sources", "items": entries([s for s in items if s.get("kind") == k], from_url)} for k in ("primary", "secondary")]

    genres = sorted({s.get("genre") for s in sources if s.get("genre")}, key=lambda g: list(GENRE_LABEL).index(g))
    nav = [{"genre": g, "label": GENRE_LABEL[g], "count": sum(1 for s in sources if s.get("genre") == g)} for g in genres]
    deps = {FACES["source"]}
    out.append(_fixed("sources/index.html", "sources/", "index_sources.html", lambda: {"title": "Sources", "groups": groups(sources, "sources/"), "genres": nav, "genre": None}, deps))
    for g in genres:
        gurl = f"sources/genre/{g}/"
        items = [s for s in sources if s.get("genre") == g]
        make = lambda items=items, gurl=gurl, g=g: {"title": f"Sources: {GENRE_LABEL[g]}", "groups": groups(items, gurl), "genres": nav, "genre": g}  # noqa: E731
        out.append(_fixed(f"{gurl}index.html", gurl, "index_sources.html", make, deps))
    return out


def _chronology(resolved: Resolved) -> Page:
    site = resolved.site
    url = "chronology/"

    def make() -> dict[str, Any]:
        rows = []

        def add(d: Date | None, what: str, e: Entity) -> None:
            if d is not None:
                rows.append({"date": d, "time": time_html(d), "what": what, "title": e.title, "url": rel(url, e.url), "kind": e.kind, "uncertain": d.is_uncertain or d.is_approximate or d.is_interval})

        for e in site:
            if e.kind == "event":
                add(e.get("date"), "", e)
            elif e.kind == "person":
                add(e.get("born"), "Birth of", e)
                add(e.get("died"), "Death of", e)
            elif e.kind == "group":
                add(e.get("founded"), "Founding of", e)
                add(e.get("dissolved"), "End of", e)
        rows.sort(key=lambda r: (r["date"].sort_key(), r["what"], fold(r["title"])))
        svg = timeline.render_svg(timeline.site_rows(resolved), href=lambda key: rel(url, key + "/"), title="Timeline of every group and person with known dates", id_prefix="tl")
        return {"title": "Chronology", "rows": rows, "timeline": svg}

    return _fixed(f"{url}index.html", url, "chronology.html", make, {FACES["person"], FACES["group"], FACES["event"]})


def render_page(page: Page, env, base_context: dict[str, Any]) -> tuple[str, set[str]]:
    """Render one page with ``env``: (html, keys of the entities it read)."""
    context, deps = page.make()
    if not page.template:
        return context["raw"], deps
    template = env.get_template(page.template)
    ctx = dict(base_context)
    ctx.update(context)
    ctx["page_url"] = page.url
    if context.get("absolute"):
        ctx["root"] = base_context.get("SITEURL", "").rstrip("/") + "/"
    else:
        ctx["root"] = "../" * page.depth
    return template.render(ctx), deps
