"""Open data: JSON dataset, CSV tables, JSON-LD, OpenGraph, sitemap, Atom, robots."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from dossier import opendata
from dossier.diagnostics import Diagnostics
from dossier.pipeline import Project, read_and_resolve

HOSTILE = '</script><script>alert(1)</script> <!-- & \u2028 "quoted"'

FILES = {
    "people/leon-trotsky.md": """\
        ---
        title: Leon Trotsky
        aliases: [Trotskii, Lev Trotsky]
        native_name: Лев Давидович Троцкий
        summary: Leader of the Left Opposition.
        wikidata: Q33391
        born: 1879-11-07
        died: "1940-08-21"
        birth_place: Yanovka
        tags: [exile]
        memberships:
          - {group: left-opposition, role: leader, from: "1923", to: "1929"}
          - {group: bloc-of-oppositions, role: initiator, from: "1932-10~"}
        ---
        He led the [[Left Opposition]] [@broue-1980, p. 12].
        """,
    "people/lev-sedov.md": """\
        ---
        title: Lev Sedov
        summary: Trotsky's son.
        born: "1906-02-24"
        died: "1938-02-16"
        memberships:
          - {group: bloc-of-oppositions, role: organiser}
        ---
        Son of [[Leon Trotsky]].
        """,
    "people/ivan-smirnov.md": f"""\
        ---
        title: Ivan Smirnov
        summary: {json.dumps(HOSTILE)}
        born: "1881"
        died: "1936-08-25"
        ---
        A Bolshevik.
        """,
    "people/pierre-broue.md": """\
        ---
        title: Pierre Broué
        summary: French historian.
        born: "1926-05-08"
        died: "2005-07-26"
        ---
        Historian of the bloc.
        """,
    "groups/left-opposition.md": """\
        ---
        title: Left Opposition
        summary: Trotsky's faction.
        founded: "1923"
        dissolved: "1929~"
        leaders: [leon-trotsky]
        ---
        A faction.
        """,
    "groups/bloc-of-oppositions.md": """\
        ---
        title: Bloc of Oppositions
        summary: Secret alliance of 1932.
        wikidata: Q4927283
        colorcode: red
        founded: "1932-12~"
        dissolved: "1933-01/1933-04"
        leaders: [leon-trotsky, lev-sedov]
        members: [ivan-smirnov]
        predecessor: [left-opposition]
        field_sources:
          founded: [broue-1980]
        ---
        An alliance.
        """,
    "events/bloc-end.md": """\
        ---
        title: End of the bloc
        summary: The bloc collapsed.
        date: "1933-01/1933-04"
        participants: [ivan-smirnov]
        groups: [bloc-of-oppositions]
        ---
        It ended.
        """,
    "events/trial-of-the-sixteen.md": """\
        ---
        title: Trial of the Sixteen
        summary: The first Moscow trial.
        date: "1936-08-19"
        end: "1936-08-24"
        place: Moscow
        participants: [ivan-smirnov]
        ---
        A show trial [@getty-1986].
        """,
    "sources/broue-1980.md": """\
        ---
        title: Trotsky et le bloc des oppositions de 1932
        kind: secondary
        author: "Broué, Pierre"
        date: "1980"
        container: Cahiers Léon Trotsky
        url: https://example.org/broue?a=1&b=2
        ---
        Broué's article.
        """,
    "sources/getty-1986.md": """\
        ---
        title: 'Trotsky in Exile, the "Fourth International"'
        kind: secondary
        author: J. Arch Getty
        date: "1986-01"
        ---
        Getty's article.
        """,
    "articles/the-bloc.md": """\
        ---
        title: The Bloc of Oppositions, 1932–1933
        summary: An essay on the bloc.
        date: "2024-05-01"
        author: [Ada Editor]
        about: [bloc-of-oppositions]
        ---
        The [[Bloc of Oppositions]] was secret [@getty-1986].
        """,
    "articles/older-essay.md": """\
        ---
        title: An older essay
        summary: Written earlier.
        date: "2023~"
        about: [leon-trotsky]
        ---
        About [[Leon Trotsky]].
        """,
}

KEYS = sorted(k[: -len(".md")] for k in FILES)


def _resolve(root):
    diags = Diagnostics()
    resolved = read_and_resolve(Project.at(root), diags)
    errors = [d.format() for d in diags.sorted() if d.is_error]
    assert errors == [], errors  # the fixture itself must be valid
    return resolved


@pytest.fixture
def resolved(make_site):
    return _resolve(make_site(FILES))


def entity(resolved, key):
    kind_of = {"people": "person", "groups": "group", "events": "event", "sources": "source", "articles": "article"}
    folder, slug = key.split("/")
    return resolved.site.get(kind_of[folder], slug)


# JSON dataset -----------------------------------------------------------------------


def test_dataset_json_has_every_entity_sorted(resolved):
    data = json.loads(opendata.dataset_json(resolved))
    assert data["generator"] == "dossier"
    keys = [e["key"] for e in data["entities"]]
    assert keys == sorted(keys) == KEYS
    assert data["counts"] == {"person": 4, "group": 2, "event": 2, "source": 2, "article": 2, "place": 0}


def test_dataset_fields_dates_and_citations(resolved):
    data = {e["key"]: e for e in opendata.dataset(resolved)["entities"]}
    trotsky = data["people/leon-trotsky"]
    assert trotsky["kind"] == "person" and trotsky["url"] == "people/leon-trotsky/"
    assert trotsky["native_name"] == "Лев Давидович Троцкий"
    assert trotsky["wikidata"] == "Q33391"
    assert trotsky["fields"]["born"] == {"edtf": "1879-11-07", "human": "7 November 1879", "lower": "1879-11-07", "upper": "1879-11-07"}
    assert trotsky["fields"]["memberships"][1]["from"]["human"] == "c. October 1932"
    bloc = data["groups/bloc-of-oppositions"]
    assert bloc["fields"]["dissolved"] == {"edtf": "1933-01/1933-04", "human": "early 1933", "lower": "1933-01-01", "upper": "1933-04-30"}
    assert bloc["fields"]["field_sources"] == {"founded": [{"source": "broue-1980", "locator": ""}]}
    assert bloc["fields"]["colorcode"] == "red"


def test_dataset_relations_and_sources(resolved):
    data = {e["key"]: e for e in opendata.dataset(resolved)["entities"]}
    bloc = data["groups/bloc-of-oppositions"]
    # derived (inverse) relations, resolved to keys
    assert bloc["relations"]["Members"] == ["people/leon-trotsky", "people/lev-sedov"]
    assert bloc["relations"]["Events"] == ["events/bloc-end"]
    assert bloc["relations"]["Articles"] == ["articles/the-bloc"]
    # forward references, resolved to keys
    assert bloc["references"]["leaders"] == ["people/leon-trotsky", "people/lev-sedov"]
    assert bloc["references"]["members"] == ["people/ivan-smirnov"]
    assert data["people/lev-sedov"]["relations"]["Led"] == ["groups/bloc-of-oppositions"]
    assert data["people/ivan-smirnov"]["relations"]["Member of"] == ["groups/bloc-of-oppositions"]
    assert data["people/leon-trotsky"]["references"]["memberships"] == ["groups/bloc-of-oppositions", "groups/left-opposition"]
    # sources: body citations, field_sources
    assert data["people/leon-trotsky"]["sources"] == ["sources/broue-1980"]
    assert data["groups/bloc-of-oppositions"]["sources"] == ["sources/broue-1980"]
    assert data["articles/the-bloc"]["sources"] == ["sources/getty-1986"]
    assert data["events/trial-of-the-sixteen"]["sources"] == ["sources/getty-1986"]
    assert data["people/lev-sedov"]["sources"] == []
    assert data["people/lev-sedov"]["links"] == ["people/leon-trotsky"]


# CSV ------------------------------------------------------------------------------


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_files_and_headers(resolved):
    tables = opendata.csv_tables(resolved)
    assert sorted(tables) == sorted(["people.csv", "groups.csv", "events.csv", "sources.csv", "articles.csv", "places.csv", "memberships.csv", "charges.csv", "relations.csv"])
    for text in tables.values():
        assert text.endswith("\n") and "\r" not in text
    people = read_csv(tables["people.csv"])
    assert list(people[0])[:4] == ["key", "slug", "title", "page_url"]
    assert {"born", "died", "aliases", "native_name", "wikidata", "sources"} <= set(people[0])
    assert "memberships" not in people[0] and "debates" not in people[0]
    assert [p["key"] for p in people] == ["people/ivan-smirnov", "people/leon-trotsky", "people/lev-sedov", "people/pierre-broue"]
    trotsky = people[1]
    assert trotsky["born"] == "1879-11-07"
    assert trotsky["aliases"] == "Trotskii; Lev Trotsky"
    assert trotsky["page_url"] == "people/leon-trotsky/"
    assert people[0]["summary"] == HOSTILE  # quoted and read back intact
    groups = read_csv(tables["groups.csv"])
    assert [g["dissolved"] for g in groups] == ["1933-01/1933-04", "1929~"]
    assert groups[0]["leaders"] == "leon-trotsky; lev-sedov"
    assert "field_sources" not in groups[0]
    sources = read_csv(tables["sources.csv"])
    assert sources[1]["title"] == 'Trotsky in Exile, the "Fourth International"'
    assert sources[0]["url"] == "https://example.org/broue?a=1&b=2"
    assert len(read_csv(tables["events.csv"])) == 2 and len(read_csv(tables["articles.csv"])) == 2


def test_csv_memberships_and_relations(resolved):
    tables = opendata.csv_tables(resolved)
    assert tables["memberships.csv"].splitlines()[0] == "person,group,role,from,to,note,cite"
    members = read_csv(tables["memberships.csv"])
    assert [(m["person"], m["group"], m["role"], m["from"], m["to"]) for m in members] == [
        ("people/leon-trotsky", "groups/bloc-of-oppositions", "initiator", "1932-10~", ""),
        ("people/leon-trotsky", "groups/left-opposition", "leader", "1923", "1929"),
        ("people/lev-sedov", "groups/bloc-of-oppositions", "organiser", "", ""),
    ]
    assert tables["relations.csv"].splitlines()[0] == "source,relation,target"
    rel = {(r["source"], r["relation"], r["target"]) for r in read_csv(tables["relations.csv"])}
    assert ("people/leon-trotsky", "memberships", "groups/left-opposition") in rel
    assert ("groups/bloc-of-oppositions", "predecessor", "groups/left-opposition") in rel
    assert ("events/bloc-end", "participants", "people/ivan-smirnov") in rel
    assert ("articles/the-bloc", "about", "groups/bloc-of-oppositions") in rel
    assert ("articles/the-bloc", "cites", "sources/getty-1986") in rel
    assert ("people/leon-trotsky", "links", "groups/left-opposition") in rel
    assert ("people/leon-trotsky", "cites", "sources/broue-1980") in rel
    # inverse relations are not repeated as rows of their own
    assert not any(r[0] == "groups/left-opposition" and r[2] == "people/leon-trotsky" and r[1] != "leaders" for r in rel)
    rows = read_csv(tables["relations.csv"])
    assert [tuple(r.values()) for r in rows] == sorted(tuple(r.values()) for r in rows)


# JSON-LD ----------------------------------------------------------------------------


def script_json(markup):
    text = str(markup)
    m = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', text, re.S)
    assert m, text
    return json.loads(m.group(1))


@pytest.mark.parametrize(
    "key, type_",
    [
        ("people/leon-trotsky", "Person"),
        ("groups/bloc-of-oppositions", "Organization"),
        ("events/trial-of-the-sixteen", "Event"),
        ("sources/broue-1980", "CreativeWork"),
        ("articles/the-bloc", "Article"),
    ],
)
def test_json_ld_types(resolved, key, type_):
    e = entity(resolved, key)
    data = script_json(opendata.json_ld_script(opendata.json_ld(e, resolved, site_url="https://example.org/dossier/")))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == type_
    assert data["@id"] == data["url"] == f"https://example.org/dossier/{key}/"
    assert data["name"] == e.title


def test_json_ld_person(resolved):
    data = opendata.json_ld(entity(resolved, "people/leon-trotsky"), resolved, site_url="")
    assert data["sameAs"] == "https://www.wikidata.org/wiki/Q33391"
    assert data["birthDate"] == "1879-11-07" and data["deathDate"] == "1940-08-21"
    assert data["disambiguatingDescription"] == "7 November 1879 – 21 August 1940"
    assert data["birthPlace"] == {"@type": "Place", "name": "Yanovka"}
    assert data["alternateName"] == ["Trotskii", "Lev Trotsky", {"@value": "Лев Давидович Троцкий", "@language": "und-Cyrl"}]  # the script alone: ru, uk and be share it
    # relative URLs resolve against the page the script is on
    assert data["@id"] == "./"
    assert data["memberOf"] == [
        {"@type": "Organization", "@id": "../../groups/bloc-of-oppositions/", "name": "Bloc of Oppositions"},
        {"@type": "Organization", "@id": "../../groups/left-opposition/", "name": "Left Opposition"},
    ]
    assert "sameAs" not in opendata.json_ld(entity(resolved, "people/lev-sedov"), resolved, site_url="")


def test_json_ld_uncertain_dates_are_left_out(resolved):
    bloc = opendata.json_ld(entity(resolved, "groups/bloc-of-oppositions"), resolved, site_url="")
    assert "foundingDate" not in bloc and "dissolutionDate" not in bloc  # 1932-12~ and an interval
    assert bloc["disambiguatingDescription"] == "c. December 1932 – early 1933"
    assert bloc["sameAs"] == "https://www.wikidata.org/wiki/Q4927283"
    assert {m["@id"] for m in bloc["member"]} == {"../../people/leon-trotsky/", "../../people/lev-sedov/", "../../people/ivan-smirnov/"}
    smirnov = opendata.json_ld(entity(resolved, "people/ivan-smirnov"), resolved, site_url="")
    assert smirnov["birthDate"] == "1881"  # a plain year is ISO 8601
    left = opendata.json_ld(entity(resolved, "groups/left-opposition"), resolved, site_url="")
    assert left["foundingDate"] == "1923" and "dissolutionDate" not in left  # 1929~


def test_json_ld_event_source_article(resolved):
    site = "https://example.org"
    trial = opendata.json_ld(entity(resolved, "events/trial-of-the-sixteen"), resolved, site_url=site)
    assert trial["startDate"] == "1936-08-19" and trial["endDate"] == "1936-08-24"
    assert trial["location"] == {"@type": "Place", "name": "Moscow"}
    assert trial["about"] == [{"@type": "Person", "@id": "https://example.org/people/ivan-smirnov/", "name": "Ivan Smirnov"}]
    end = opendata.json_ld(entity(resolved, "events/bloc-end"), resolved, site_url=site)
    assert "startDate" not in end and end["disambiguatingDescription"] == "early 1933"
    broue = opendata.json_ld(entity(resolved, "sources/broue-1980"), resolved, site_url=site)
    # the author is the site's own person page
    assert broue["author"] == [{"@type": "Person", "@id": "https://example.org/people/pierre-broue/", "name": "Pierre Broué"}]
    assert broue["datePublished"] == "1980"
    assert broue["isPartOf"] == {"@type": "CreativeWork", "name": "Cahiers Léon Trotsky"}
    assert broue["sameAs"] == "https://example.org/broue?a=1&b=2"
    getty = opendata.json_ld(entity(resolved, "sources/getty-1986"), resolved, site_url=site)
    assert getty["author"] == [{"@type": "Person", "name": "J. Arch Getty"}]
    assert getty["datePublished"] == "1986-01" and "disambiguatingDescription" not in getty
    older = opendata.json_ld(entity(resolved, "articles/older-essay"), resolved, site_url=site)
    assert "datePublished" not in older and older["disambiguatingDescription"] == "c. 2023"
    art = opendata.json_ld(entity(resolved, "articles/the-bloc"), resolved, site_url=site)
    assert art["headline"] == "The Bloc of Oppositions, 1932–1933"
    assert art["about"] == [{"@type": "Organization", "@id": "https://example.org/groups/bloc-of-oppositions/", "name": "Bloc of Oppositions"}]
    assert art["datePublished"] == "2024-05-01"
    assert art["author"] == [{"@type": "Person", "name": "Ada Editor"}]


def test_json_ld_script_cannot_be_broken_out_of(resolved):
    e = entity(resolved, "people/ivan-smirnov")
    script = str(opendata.json_ld_script(opendata.json_ld(e, resolved, site_url="")))
    assert script.lower().count("<script") == 1
    assert script.lower().count("</script") == 1 and script.endswith("</script>")
    inner = script[len('<script type="application/ld+json">') : -len("</script>")]
    assert not set("<>&") & set(inner)
    assert "<!--" not in inner and "\u2028" not in inner
    assert json.loads(inner)["description"] == HOSTILE


# OpenGraph ----------------------------------------------------------------------------


def test_open_graph(resolved):
    og = opendata.open_graph(entity(resolved, "people/leon-trotsky"), site_name="Dossier", site_url="https://example.org/", page_url="people/leon-trotsky/")
    assert og == [
        ("og:title", "Leon Trotsky"),
        ("og:type", "profile"),
        ("og:description", "Leader of the Left Opposition."),
        ("og:url", "https://example.org/people/leon-trotsky/"),
        ("og:site_name", "Dossier"),
        ("twitter:card", "summary"),
    ]
    art = dict(opendata.open_graph(entity(resolved, "articles/the-bloc"), site_name="D", site_url="", page_url="articles/the-bloc/"))
    assert art["og:type"] == "article" and "og:url" not in art  # no relative og:url
    group = dict(opendata.open_graph(entity(resolved, "groups/left-opposition"), site_name="D", site_url="", page_url="https://x.org/g/"))
    assert group["og:type"] == "website" and group["og:url"] == "https://x.org/g/"


# Sitemap, Atom, robots ------------------------------------------------------------------

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_sitemap(resolved):
    urls = [e.url for e in resolved.site] + ["", "chronology/", "people/leon-trotsky/", "search/?q=a&b"]
    text = opendata.sitemap_xml(urls, site_url="https://example.org/dossier")
    root = ET.fromstring(text.encode())
    locs = [u.find(f"{SM}loc").text for u in root.findall(f"{SM}url")]
    assert len(locs) == len(KEYS) + 3  # duplicates removed
    assert locs == sorted(locs)
    assert all(loc.startswith("https://example.org/dossier/") for loc in locs)
    assert "https://example.org/dossier/search/?q=a&b" in locs  # escaped in the XML, intact when parsed
    assert "&amp;" in text
    assert opendata.sitemap_xml(urls, site_url="") is None


def test_atom_feed_with_site_url(resolved):
    articles = resolved.site.of_kind("article")
    text = opendata.atom_feed(articles, site_name="Dossier & co", site_url="https://example.org/", feed_url="feeds/articles.atom")
    root = ET.fromstring(text.encode())
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == "Dossier & co"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    assert [e.find(f"{ATOM}title").text for e in entries] == ["The Bloc of Oppositions, 1932–1933", "An older essay"]
    assert entries[0].find(f"{ATOM}id").text == "https://example.org/articles/the-bloc/"
    assert entries[0].find(f"{ATOM}link").get("href") == "https://example.org/articles/the-bloc/"
    assert entries[0].find(f"{ATOM}updated").text == "2024-05-01T00:00:00Z"
    assert entries[1].find(f"{ATOM}updated").text == "2023-01-01T00:00:00Z"
    assert entries[0].find(f"{ATOM}summary").text == "An essay on the bloc."
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Ada Editor"
    assert root.find(f"{ATOM}updated").text == "2024-05-01T00:00:00Z"  # newest entry's, not now
    assert root.find(f"{ATOM}id").text == "https://example.org/feeds/articles.atom"


def test_atom_feed_without_site_url(resolved):
    articles = resolved.site.of_kind("article")
    text = opendata.atom_feed(articles, site_name="Dossier", site_url="", feed_url="feeds/articles.atom")
    root = ET.fromstring(text.encode())
    entries = root.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in ids) and len(set(ids)) == 2
    assert entries[0].find(f"{ATOM}link").get("href") == "../articles/the-bloc/"
    again = opendata.atom_feed(list(reversed(articles)), site_name="Dossier", site_url="", feed_url="feeds/articles.atom")
    assert again == text  # order of the input does not matter; ids are stable


def test_robots():
    assert opendata.robots_txt(site_url="") == "User-agent: *\nAllow: /\n"
    text = opendata.robots_txt(site_url="https://example.org/")
    assert text.splitlines()[-1] == "Sitemap: https://example.org/sitemap.xml"


# Determinism --------------------------------------------------------------------------


def test_everything_is_deterministic(make_site, tmp_path):
    # The same content written in another order, in another folder.
    one = _resolve(make_site(FILES, root=tmp_path / "one"))
    two = _resolve(make_site(dict(reversed(list(FILES.items()))), root=tmp_path / "two"))

    def outputs(res):
        return (
            opendata.dataset_json(res),
            opendata.csv_tables(res),
            [str(opendata.json_ld_script(opendata.json_ld(e, res, site_url=""))) for e in res.site],
            opendata.atom_feed(res.site.of_kind("article"), site_name="D", site_url="", feed_url="feed.atom"),
            opendata.sitemap_xml([e.url for e in res.site], site_url="https://e.org"),
        )

    assert outputs(one) == outputs(two)
    assert opendata.dataset_json(one).endswith("}\n")


def test_an_old_style_date_is_exported_with_both_calendars(make_site):
    root = make_site(
        {
            "people/stalin.md": '---\ntitle: Joseph Stalin\nborn: "1878-12-06 O.S."\ndied: 1953-03-05\n---\n',
            "people/sedov.md": "---\ntitle: Lev Sedov\nborn: 1906-02-24\n---\n",
        }
    )
    diags = Diagnostics()
    res = read_and_resolve(Project.at(root), diags)
    assert not diags.errors
    record = next(e for e in opendata.dataset(res)["entities"] if e["key"] == "people/stalin")
    assert record["fields"]["born"] == {"edtf": "1878-12-18", "human": "18 December [O.S. 6 December] 1878", "lower": "1878-12-18", "upper": "1878-12-18", "julian": "1878-12-06"}
    assert "julian" not in record["fields"]["died"]
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(opendata.csv_tables(res)["people.csv"]))}
    assert (rows["people/stalin"]["born"], rows["people/stalin"]["born_julian"]) == ("1878-12-18", "1878-12-06")
    assert (rows["people/sedov"]["born"], rows["people/sedov"]["born_julian"]) == ("1906-02-24", "")
    assert "died_julian" not in rows["people/stalin"]  # no Old Style death date: no column
    (ld,) = [opendata.json_ld(e, res, site_url="") for e in res.site if e.slug == "stalin"]
    assert ld["birthDate"] == "1878-12-18"


# Formulas: neutralised in CSV, exact in JSON -----------------------------------------

FORMULAS = {
    "title": "=HYPERLINK(\"https://evil.example/\",\"click\")",
    "summary": "+1+cmd|' /C calc'!A0",
    "birth_place": "-2+3",
    "death_place": "@SUM(1,1)",
    "native_name": "=1+1",  # (a leading tab or CR is stripped or refused at validation)
}


def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote_and_the_json_is_exact(tmp_path):
    from conftest import write_site

    fields = "".join(f"{k}: {json.dumps(v)}\n" for k, v in FORMULAS.items())
    write_site(tmp_path, {
        "people/formula.md": f"---\n{fields}aliases: [\"-Minus alias\", \"Plain name\"]\nnative_lang: ru\n---\nBody.\n",
        "people/plain.md": "---\ntitle: Plain Person\nsummary: A harmless \"=\" inside, not at the start.\n---\n",
    })
    diags = Diagnostics()
    resolved = read_and_resolve(Project.at(tmp_path), diags)
    assert not diags.errors, [d.format() for d in diags.errors]
    tables = opendata.csv_tables(resolved)
    rows = list(csv.DictReader(io.StringIO(tables["people.csv"])))
    row = next(r for r in rows if r["key"] == "people/formula")
    for name, value in FORMULAS.items():
        assert row[name] == "'" + value, name
    assert row["aliases"] == "'-Minus alias; Plain name"
    plain = next(r for r in rows if r["key"] == "people/plain")
    assert plain["title"] == "Plain Person" and plain["summary"] == 'A harmless "=" inside, not at the start.'
    # no cell of any table begins with a formula character
    for name, text in tables.items():
        for cells in csv.reader(io.StringIO(text)):
            assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], name
    # the JSON keeps every value exactly as written
    data = json.loads(opendata.dataset_json(resolved))
    person = next(e for e in data["entities"] if e["key"] == "people/formula")
    assert person["title"] == FORMULAS["title"] and person["summary"] == FORMULAS["summary"]
    assert person["native_name"] == FORMULAS["native_name"]
    assert person["fields"]["birth_place"] == "-2+3" and person["fields"]["death_place"] == "@SUM(1,1)"
    assert "-Minus alias" in person["aliases"]


def test_inert_cell():
    assert [opendata.inert_cell(c) for c in ["=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", "", "'=1"]] == ["'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "a=1", "", "'=1"]


@pytest.mark.parametrize("piece", [16384, 100, 1])
def test_the_dataset_given_in_pieces_is_the_json_of_the_whole(resolved, piece, monkeypatch):
    monkeypatch.setattr(opendata, "_PIECE", piece)
    pieces = list(opendata.iter_dataset_json(resolved))
    whole = opendata.inert_json(json.dumps(opendata.dataset(resolved), sort_keys=True, ensure_ascii=False, indent=1)) + "\n"
    assert "".join(pieces) == whole and "\\u003c" in whole  # (escapes made in every piece)
    tokens = sum(1 for _ in json.JSONEncoder(sort_keys=True, ensure_ascii=False, indent=1).iterencode(opendata.dataset(resolved)))
    assert len(pieces) == -(-tokens // piece) + 1  # so many tokens a piece, and the last newline
