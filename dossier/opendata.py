"""Open data: the dataset as JSON and CSV, schema.org JSON-LD, OpenGraph,
sitemap, Atom feed and robots.txt.

Every function is deterministic: entities and rows are sorted, nothing
depends on the clock, the locale or the order files were read in.

URLs
----
Pages use site-relative URLs (``people/lev-sedov/``) and the site may be
served from any path.  ``site_url`` is Pelican's ``SITEURL`` ("" by default);
when it is set, URLs meant for other sites (JSON-LD ``@id``/``url``, Atom
links and ids, the sitemap, ``og:url``) are made absolute by joining it with
the site-relative URL.  When it is empty:

* JSON-LD uses URLs relative to the entity's own page (``./`` for the page
  itself, ``../../groups/x/`` for others), which resolve correctly against
  the page the script is embedded in;
* ``og:url`` is left out (OpenGraph wants an absolute URL);
* :func:`sitemap_xml` returns None: the sitemaps protocol requires absolute
  URLs, so the caller writes no ``sitemap.xml`` and :func:`robots_txt` gives
  no ``Sitemap:`` line;
* Atom entry ids are ``urn:uuid:`` UUIDs derived from the site name and the
  entity key (stable, absolute, as Atom requires) and links are relative to
  the feed's location.

Dates in JSON-LD
----------------
schema.org dates are ISO 8601.  A date is given as ``birthDate``,
``foundingDate``, ``startDate``, ``datePublished`` … only when it is exact to
a day, month or year and carries no qualifier: ``1879-11-07``, ``1932-12``,
``1932``.  Approximate or uncertain dates (``1932-12~``), seasons, decades and
intervals ("some time within January–April 1933") have no faithful ISO form:
truncating them would state more than the sources do, so the property is
left out.  Instead, a dated person, group or event carries a
``disambiguatingDescription`` with the reader's wording of its dates ("c.
December 1932 – early 1933", "1899 – ?"), as does a source or article whose
date has no ISO form ("c. 1980").
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import itertools
import json
import uuid
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

from .bibliography import parse_name
from .dates import Date
from .schema import SCHEMA, Authority, Citation, Cited, FieldSourcesType, RecordList, RefType, Schema
from .xmlchars import xml_safe

__all__ = [
    "dataset",
    "dataset_json",
    "iter_dataset_json",
    "csv_tables",
    "json_ld",
    "json_ld_script",
    "open_graph",
    "sitemap_xml",
    "atom_feed",
    "robots_txt",
    "csv_names",
    "authority_links",
]

#: Fields that are not columns of a type's table: the title comes first
#: anyway, ``type`` restates the file; records (memberships, debates) and
#: per-field citations do not fit a flat table.
_NOT_IN_CSV = {"title", "type"}
_LIST_SEP = "; "


# Values -------------------------------------------------------------------------


def _bound(d: _dt.date) -> str | None:
    """ISO day, or None for an open (or clamped BCE) bound."""
    return None if d in (_dt.date.min, _dt.date.max) else d.isoformat()


def _json_value(value: Any) -> Any:
    """A validated field value as JSON: dates and citations become objects."""
    if isinstance(value, Date):
        return value.export()
    if isinstance(value, Cited):  # one value with its own citations
        return {"value": str(value), "cite": [_json_value(c) for c in value.cites]}
    if isinstance(value, Citation):
        return {"source": value.key, "locator": value.locator}
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def _csv_value(value: Any) -> str:
    """A field value as one CSV cell: EDTF dates, lists joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, Date):
        return value.gregorian_edtf
    if isinstance(value, Citation):
        return str(value)
    if isinstance(value, (list, tuple)):
        return _LIST_SEP.join(_csv_value(v) for v in value)
    if isinstance(value, dict):
        return _LIST_SEP.join(f"{k}: {_csv_value(v)}" for k, v in sorted(value.items()))
    return str(value)


def _csv_cells(value: Any, with_julian: bool) -> list[str]:
    if not with_julian:
        return [_csv_value(value)]
    return [_csv_value(value), (value.julian_edtf or "") if isinstance(value, Date) else ""]


def _references(site, entity) -> list[tuple[str, str]]:
    """(field, target key) for every reference in the entity's fields (a
    debate position gives ``debates``, its author); unresolvable references
    (the build reports them) are left out."""
    out: list[tuple[str, str]] = []
    for ref, target in site.targets(entity):
        if (ref.field, target.key) not in out:
            out.append((ref.field, target.key))
    return out


def _body_links(resolved, entity) -> list[str]:
    keys = set()
    for ref in resolved.of(entity).refs:
        target = getattr(ref, "target", None)
        if target is not None and target is not entity and target.key:
            keys.add(target.key)
    return sorted(keys)


def _cited(resolved, entity) -> list[str]:
    """Keys of every source the page cites: body, ``sources``, ``field_sources``, debates."""
    site = resolved.site
    slugs: set[str] = set(entity.get("sources") or [])
    for ref in resolved.of(entity).refs:
        for cite in getattr(ref, "cites", ()):
            slugs.add(cite.key)
    slugs.update(fc.cite.key for fc in site.schema.citations(entity.kind, entity.fields))
    keys = {s.key for s in (site.get("source", slug) for slug in slugs) if s is not None}
    keys.discard(entity.key)
    return sorted(keys)


def _entities(resolved) -> list:
    return sorted(resolved.site, key=lambda e: e.key)


# The dataset --------------------------------------------------------------------


def _entity_record(resolved, e) -> dict:
    page = resolved.of(e)
    references: dict[str, list[str]] = {}
    for name, key in _references(resolved.site, e):
        references.setdefault(name, []).append(key)
    return {
        "key": e.key,
        "kind": e.kind,
        "slug": e.slug,
        "title": e.title,
        "url": e.url,
        "aliases": e.aliases,
        "native_name": e.get("native_name"),
        "summary": e.get("summary"),
        "tags": list(e.get("tags") or []),
        "wikidata": e.get("wikidata"),
        "fields": _json_value(e.fields),
        "references": {k: sorted(v) for k, v in sorted(references.items())},
        "relations": {
            section: [r.entity.key for r in items] for section, items in sorted(page.derived.items()) if items
        },
        "links": _body_links(resolved, e),
        "sources": _cited(resolved, e),
    }


def dataset(resolved) -> dict:
    """The whole dataset, JSON-serialisable.

    ``{"generator": "dossier", "counts": {kind: n}, "entities": [...]}``, the
    entities sorted by key, each with:

    ``key kind slug title url aliases native_name summary tags wikidata``
        identity (``url`` is site-relative; missing values are null);
    ``fields``
        every validated field, dates as ``{"edtf", "human", "lower", "upper"}``
        (ISO days; null for an open bound), citations as ``{"source", "locator"}``,
        references as the slugs written;
    ``references``
        field name → keys of the entities the fields name (forward relations);
    ``relations``
        the page's derived sections ("Members", "Events", "Led" …) → keys, in
        the page's order (inverse relations);
    ``links``
        keys of the pages the body links to;
    ``sources``
        keys of every source the page cites (body citations, ``sources``,
        ``field_sources`` and debate positions).
    """
    entities = [_entity_record(resolved, e) for e in _entities(resolved)]
    counts = {k: sum(1 for x in entities if x["kind"] == k) for k in resolved.site.schema.kinds}
    return {"generator": "dossier", "counts": counts, "entities": entities}


_INERT = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def inert_json(text: str) -> str:
    """JSON ``text`` with ``&``, ``<``, ``>``, U+2028 and U+2029 written as escapes.

    The JSON means exactly the same, but nothing in it can end or confuse a
    ``<script>`` element it is embedded in, or be acted on by a browser that
    sniffs a ``.json`` file as HTML.
    """
    for ch, esc in _INERT:
        text = text.replace(ch, esc)
    return text


def dataset_json(resolved) -> str:
    return "".join(iter_dataset_json(resolved))


#: The JSON tokens in each piece :func:`iter_dataset_json` gives (a key, a
#: value, a bracket, a separator: at N = 5,000 pieces of about 150 KB).
_PIECE = 16384


def iter_dataset_json(resolved) -> Iterator[str]:
    """:func:`dataset_json` in pieces: the JSON text of the whole site is
    never held whole (21 MB at N = 5,000)."""
    tokens = json.JSONEncoder(sort_keys=True, ensure_ascii=False, indent=1).iterencode(dataset(resolved))
    while piece := list(itertools.islice(tokens, _PIECE)):
        yield inert_json("".join(piece))  # escapes characters one by one: pieces cut anywhere
    yield "\n"


# CSV ----------------------------------------------------------------------------


#: what makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: str) -> str:
    """A cell no spreadsheet opens as a formula: one that begins with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'``
    before it, as OWASP recommends (the JSON keeps the value exact)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([inert_cell(c) for c in header])
    writer.writerows([inert_cell(c) for c in row] for row in rows)
    return buf.getvalue()


def csv_tables(resolved) -> dict[str, str]:
    """One CSV per kind, plus ``memberships.csv`` and ``relations.csv``.

    Per kind (``people.csv`` …): ``key, slug, title, page_url`` then every
    field of the type in schema order except memberships, debates and
    field_sources (``page_url`` is the site-relative page; a source's own web
    address is its ``url`` column).  Lists are joined with "; ", dates are
    EDTF strings, citations "slug, locator".

    ``memberships.csv``: ``person, group, role, from, to, note`` (entity keys).
    ``relations.csv``: ``source, relation, target`` (entity keys): every
    reference in the fields (relation = field name), ``links`` for links in
    the body and ``cites`` for every cited source.  Sorted throughout.
    """
    site = resolved.site
    entities = _entities(resolved)
    out: dict[str, str] = {}
    for kind, ctype in site.schema.types.items():
        fields = [n for n, f in ctype.fields.items() if n not in _NOT_IN_CSV and not isinstance(f.type, (RecordList, FieldSourcesType))]
        of_kind = [e for e in entities if e.kind == kind]
        # an Old Style date: the Gregorian EDTF in its column, the Julian as
        # written beside it (a column only where some entity has one)
        julian = [n for n in fields if any(isinstance(e.get(n), Date) and e.get(n).julian_edtf for e in of_kind)]
        header = ["key", "slug", "title", "page_url"] + [c for n in fields for c in ([n, f"{n}_julian"] if n in julian else [n])]
        rows = [[e.key, e.slug, e.title, e.url] + [c for n in fields for c in _csv_cells(e.get(n), n in julian)] for e in of_kind]
        out[f"{ctype.folder}.csv"] = _csv(header, rows)
    for kind, name, record in _record_tables(site.schema):
        # one row per record: its holder, then each of its fields (the
        # entities it names by their keys)
        columns = list(record.fields)
        rows = []
        for holder in site.of_kind(kind):
            for rec in holder.get(name) or []:
                rows.append([holder.key] + [_record_cell(site, record.fields[n], rec.get(n)) for n in columns])
        rows.sort()
        out[f"{name}.csv"] = _csv([kind] + columns, rows)

    relations: set[tuple[str, str, str]] = set()
    for e in entities:
        relations.update((e.key, name, key) for name, key in _references(site, e))
        relations.update((e.key, "links", key) for key in _body_links(resolved, e))
        relations.update((e.key, "cites", key) for key in _cited(resolved, e))
    out["relations.csv"] = _csv(["source", "relation", "target"], [list(r) for r in sorted(relations)])
    return out


def csv_names(schema: Schema) -> list[str]:
    """The file names :func:`csv_tables` writes, sorted."""
    names = [f"{t.folder}.csv" for t in schema.types.values()]
    names += [f"{name}.csv" for _k, name, _r in _record_tables(schema)]
    return sorted(names + ["relations.csv"])


def _record_tables(schema: Schema):
    """(kind, field, record) of each list of records that are relations by
    themselves (a person's memberships, an event's charges): a table each.
    Records holding further records (debates) are left to the JSON."""
    for kind, ctype in schema.types.items():
        for name, f in ctype.fields.items():
            if isinstance(f.type, RecordList):
                subs = f.type.record.fields.values()
                if any(isinstance(sf.type, RefType) and sf.relation for sf in subs) and not any(isinstance(sf.type, RecordList) for sf in subs):
                    yield kind, name, f.type.record


def _record_cell(site, f, value: Any) -> str:
    """A record's field as a cell: references as the keys of what they name."""
    if value is None:
        return ""
    if isinstance(f.type, RefType):
        slugs = value if isinstance(value, list) else [value]
        keys = []
        for slug in slugs:
            target = site.find(slug, f.type.kinds)
            keys.append(target.key if target else f"{site.schema[f.type.kinds[0]].folder}/{slug}")
        return _LIST_SEP.join(keys)
    return _csv_value(value)


# JSON-LD ------------------------------------------------------------------------


def _absolute(site_url: str, url: str) -> str:
    return site_url.rstrip("/") + "/" + url.lstrip("/")


def _page_url(entity, target_url: str, site_url: str) -> str:
    """The URL of ``target_url`` as seen from ``entity``'s page (absolute with site_url)."""
    if site_url:
        return _absolute(site_url, target_url)
    if target_url == entity.url:
        return "./"
    return "../" * entity.url.count("/") + target_url or "./"


def _iso(d: Date | None) -> str | None:
    """An ISO 8601 date for schema.org, only when exact and unqualified."""
    if d is None or d.is_uncertain or d.is_approximate or d.is_interval:
        return None
    return d.datetime_attr()


def _ref(entity, target, site_url: str, schema: Schema = SCHEMA) -> dict:
    return {"@type": schema[target.kind].jsonld, "@id": _page_url(entity, target.url, site_url), "name": target.title}


def _place(name: str | None) -> dict | None:
    return {"@type": "Place", "name": name} if name else None


def json_ld(entity, resolved, *, site_url: str) -> dict:
    """schema.org data for an entity's page (see the module docstring).

    ``@type``: the content type's (Person, Organization, Event, CreativeWork
    for sources, Article). Common: ``@context``, ``@id`` and ``url`` (the
    page), ``name``, ``alternateName`` (aliases and native name),
    ``description`` (summary), ``keywords`` (tags), ``sameAs`` (Wikidata, and
    a source's own web address). Relations give the properties their
    declarations name (schema.Relation ``jsonld`` on the holder's page and
    ``jsonld_inverse`` on the target's): Person ``memberOf``; Organization
    ``member parentOrganization``; Event ``about superEvent``; Article
    ``about``; each a list of references with ``@id``, sorted by it (a
    single one for a single-valued field). Then per type: Person
    ``birthDate deathDate birthPlace deathPlace``; Organization
    ``foundingDate dissolutionDate``; Event ``startDate endDate location``;
    CreativeWork ``author editor translator datePublished publisher isPartOf
    genre inLanguage``; Article ``headline author datePublished``.
    """
    e = entity
    here = _page_url(e, e.url, site_url)
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": resolved.site.schema[e.kind].jsonld or "WebPage", "@id": here, "url": here, "name": e.title}
    alternate: list[Any] = list(dict.fromkeys(e.aliases))
    if e.get("native_name"):  # a language-tagged string: {"@value", "@language"}
        lang = e.get("native_lang") or "und"
        alternate.append({"@value": e.get("native_name"), "@language": lang} if lang != "und" else e.get("native_name"))
    if alternate:
        data["alternateName"] = alternate
    if e.get("summary"):
        data["description"] = e.get("summary")
    if e.get("tags"):
        data["keywords"] = list(e.get("tags"))
    same_as = [url for _label, _value, url in authority_links(e, resolved.site.schema)]
    data.update(_relation_properties(e, resolved, site_url))
    data.update(_dates_and_places(e, resolved.site, site_url))
    if e.kind in ("source", "article"):
        data.update(_work_properties(e, resolved, site_url))
        if e.get("url"):
            same_as.append(e.get("url"))
    if same_as:
        data["sameAs"] = same_as if len(same_as) > 1 else same_as[0]
    coordinates = e.get("coordinates") if e.kind == "place" else None
    if coordinates is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": coordinates.lat, "longitude": coordinates.lon}
    return data


def authority_links(e, schema: Schema) -> list[tuple[str, str, str]]:
    """(file, identifier, address) of every authority identifier the page
    gives (Wikidata, VIAF, GND, LCCN, ISNI …), in the schema's order."""
    out = []
    for name, f in schema[e.kind].fields.items():
        if isinstance(f.type, Authority) and e.get(name):
            out.append((f.type.name, e.get(name), f.type.url(e.get(name))))
    return out


def _relation_properties(e, resolved, site_url: str) -> dict[str, Any]:
    """The JSON-LD properties the relations of ``e`` declare, both ways."""
    site = resolved.site
    found: dict[str, dict[str, Any]] = {}
    single: set[str] = set()
    for ref, target in site.targets(e):
        prop = ref.relation.jsonld if ref.relation else ""
        if prop:
            found.setdefault(prop, {})[target.key] = target
            if len(ref.keypath) == 1:  # a single-valued field: one object
                single.add(prop)
    for holder, ref in resolved.of(e).incoming:
        prop = ref.relation.jsonld_inverse if ref.relation else ""
        if prop:
            found.setdefault(prop, {})[holder.key] = holder
    out: dict[str, Any] = {}
    for prop, targets in found.items():
        refs = sorted((_ref(e, t, site_url, site.schema) for t in targets.values()), key=lambda r: r["@id"])
        out[prop] = refs[0] if prop in single and len(refs) == 1 else refs
    return out


def _dates_and_places(e, site, site_url: str = "") -> dict[str, Any]:
    """ISO dates of the span when exact; else the reader's wording."""
    out: dict[str, Any] = {}
    props = {"person": ("birthDate", "deathDate"), "group": ("foundingDate", "dissolutionDate"), "event": ("startDate", "endDate")}
    if e.kind in props:
        a, b = site.span(e)
        for prop, d in zip(props[e.kind], (a, b)):
            if _iso(d):
                out[prop] = _iso(d)
        if a is not None or b is not None:  # "1899 – ?" says the end is unknown
            out["disambiguatingDescription"] = site.span_text(e)
    places = {"birthPlace": "birth_place", "deathPlace": "death_place", "location": "place"}
    for prop, name in places.items():
        if name in site.schema[e.kind].fields and _place(e.get(name)):
            value = e.get(name)
            place = site.find(value, ("place",)) or site.place_named(value)
            # a place of the site: its page, under its title; else the text
            out[prop] = _ref(e, place, site_url, site.schema) if place is not None else _place(value)
    return out


def _work_properties(e, resolved, site_url: str) -> dict[str, Any]:
    """Authorship and publication of a source or an article."""
    out: dict[str, Any] = {}
    if e.kind == "article":
        out["headline"] = e.title
    for prop in ("author", "editor", "translator"):
        people = [_agent(e, resolved, name, site_url) for name in e.get(prop) or []]
        if people:
            out[prop] = people
    d = e.get("date")
    if _iso(d):
        out["datePublished"] = _iso(d)
    if d is not None and not _iso(d):
        out["disambiguatingDescription"] = d.human()
    if e.get("publisher"):
        out["publisher"] = {"@type": "Organization", "name": e.get("publisher")}
    if e.get("container"):
        out["isPartOf"] = {"@type": "CreativeWork", "name": e.get("container")}
    if e.get("genre"):
        out["genre"] = e.get("genre")
    if e.get("language"):
        out["inLanguage"] = e.get("language")
    return out


def _agent(entity, resolved, raw: str, site_url: str) -> dict:
    """An author: the site's person page when the name matches one."""
    name = parse_name(raw)
    natural = name.natural
    for candidate in (natural, raw):
        for target in resolved.named(candidate):
            if target.kind == "person":
                return _ref(entity, target, site_url, resolved.site.schema)
    kind = "Organization" if name.literal and " " in natural else "Person"
    return {"@type": kind, "name": natural}


def json_ld_script(data: dict) -> Markup:
    """``<script type="application/ld+json">`` holding ``data``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e``,
    ``\\u0026`` (and U+2028/U+2029 as escapes), so no ``</script>`` or
    ``<!--`` in the data can end or confuse the script element; the JSON
    means exactly the same.
    """
    text = inert_json(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
    return Markup(f'<script type="application/ld+json">{text}</script>')


# OpenGraph ----------------------------------------------------------------------

OG_TYPE = {"person": "profile", "article": "article"}


def open_graph(entity, *, site_name: str, site_url: str, page_url: str) -> list[tuple[str, str]]:
    """(property, content) pairs for ``<meta>``; the template escapes them.

    ``og:type`` is "profile" for people, "article" for articles and
    "website" otherwise.  ``og:url`` is absolute: ``page_url`` as given when
    it is already absolute, joined with ``site_url`` otherwise, and left out
    when neither gives an absolute URL.  ``og:description`` is the summary
    (left out when there is none).
    """
    out = [("og:title", entity.title), ("og:type", OG_TYPE.get(entity.kind, "website"))]
    if entity.get("summary"):
        out.append(("og:description", entity.get("summary")))
    if page_url.startswith(("http://", "https://")):
        out.append(("og:url", page_url))
    elif site_url:
        out.append(("og:url", _absolute(site_url, page_url)))
    if site_name:
        out.append(("og:site_name", site_name))
    out.append(("twitter:card", "summary"))
    return out


# Sitemap, feed, robots --------------------------------------------------------------


def sitemap_xml(urls: list[str], *, site_url: str) -> str | None:
    """A sitemaps.org ``urlset`` of the site-relative ``urls``, or None.

    Sitemaps require absolute URLs, so without ``site_url`` this returns None
    and the caller writes no sitemap.xml.  URLs are joined with ``site_url``,
    de-duplicated, sorted and XML-escaped; no ``lastmod`` (the build has no
    trustworthy modification dates, and none keeps builds byte-identical).
    """
    if not site_url:
        return None
    absolute = sorted({u if u.startswith(("http://", "https://")) else _absolute(site_url, u) for u in urls})
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{xml_escape(u)}</loc></url>" for u in absolute]
    lines.append("</urlset>")
    return xml_safe("\n".join(lines) + "\n")


_EPOCH = "1970-01-01T00:00:00Z"


def _stamp(d: Date | None) -> str | None:
    """RFC 3339 at midnight UTC of the earliest day the date could be."""
    if d is None:
        return None
    day = d.lower if d.lower != _dt.date.min else d.upper
    if day in (_dt.date.min, _dt.date.max):
        return None
    return f"{day.isoformat()}T00:00:00Z"


def _feed_link(url: str, site_url: str, feed_url: str) -> str:
    if site_url:
        return _absolute(site_url, url)
    depth = 0 if feed_url.startswith(("http://", "https://")) else feed_url.lstrip("/").count("/")
    return "../" * depth + url or "./"


def atom_feed(articles: list, *, site_name: str, site_url: str, feed_url: str, edition: str = "") -> str:
    """An Atom 1.0 feed of ``articles`` (entities), newest first.

    Each entry: ``title``, ``link`` (absolute with ``site_url``, else relative
    to the feed's location ``feed_url``), ``id`` (the absolute page URL, or
    without ``site_url`` a ``urn:uuid:`` derived from the site name and the
    key), ``updated`` and ``published`` (the earliest day of the article's
    date at 00:00:00Z; undated articles take the feed's date), ``summary``
    and ``author``.  The feed's ``updated`` is the newest entry's
    (1970-01-01T00:00:00Z when nothing is dated), never the build time.
    """
    entries = []
    for a in articles:
        stamp = _stamp(a.get("date"))
        entries.append((stamp, a))
    dated = [s for s, _ in entries if s]
    newest = max(dated) if dated else _EPOCH
    entries.sort(key=lambda sa: ((sa[0] or newest), sa[1].key), reverse=True)
    if site_url:
        feed_id = feed_url if feed_url.startswith(("http://", "https://")) else _absolute(site_url, feed_url)
        home = _absolute(site_url, "")
    else:
        feed_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'dossier:' + site_name + ':' + feed_url)}"
        home = _feed_link("", "", feed_url)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{xml_escape(site_name)}</title>",
        *([f"<subtitle>{xml_escape(site_name)}, {xml_escape(edition)}</subtitle>"] if edition else []),
        f"<id>{xml_escape(feed_id)}</id>",
        f"<updated>{newest}</updated>",
        f"<link rel=\"self\" href={quoteattr(feed_id if site_url else feed_url)}/>",
        f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(home)}/>",
        f"<author><name>{xml_escape(site_name)}</name></author>",
        "<generator>Dossier</generator>",
    ]
    for stamp, a in entries:
        when = stamp or newest
        link = _feed_link(a.url, site_url, feed_url)
        entry_id = link if site_url else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'dossier:' + site_name + ':' + a.key)}"
        out.append("<entry>")
        out.append(f"<title>{xml_escape(a.title)}</title>")
        out.append(f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>")
        out.append(f"<id>{xml_escape(entry_id)}</id>")
        out.append(f"<updated>{when}</updated>")
        if stamp:
            out.append(f"<published>{stamp}</published>")
        for name in a.get("author") or []:
            out.append(f"<author><name>{xml_escape(parse_name(name).natural)}</name></author>")
        if a.get("summary"):
            out.append(f"<summary type=\"text\">{xml_escape(a.get('summary'))}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return xml_safe("\n".join(out) + "\n")


def robots_txt(*, site_url: str) -> str:
    """Allow every crawler everything; name the sitemap when there is one.

    Crawlers only read robots.txt at the root of a host, so it matters only
    when the site is served from the root of its domain.
    """
    text = "User-agent: *\nAllow: /\n"
    if site_url:
        text += f"\nSitemap: {_absolute(site_url, 'sitemap.xml')}\n"
    return text
