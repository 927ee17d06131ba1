"""The network: graph model, layout, static SVG, table, GraphML and GEXF."""

from __future__ import annotations

import io
import random
import re
import xml.etree.ElementTree as ET
from collections import Counter

import networkx as nx
import pytest

from dossier import network as N
from dossier.diagnostics import Diagnostics
from dossier.network import export
from dossier.pipeline import Project, read_and_resolve
from dossier.text import fold

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> \"&'<>"

FILES = {
    "people/leon-trotsky.md": """
        ---
        title: Leon Trotsky
        born: 1879-11-07
        died: 1940-08-21
        memberships:
          - {group: left-opposition, role: leader, from: 1923, to: 1929}
        ---
        Father of [[Lev Sedov]], and again [[Lev Sedov|his son]]; [[Leon Trotsky]] links himself.
        """,
    "people/lev-sedov.md": """
        ---
        title: Lev Sedov
        born: 1906-02-24
        died: 1938-02-16
        memberships:
          - {group: left-opposition, role: organiser, from: 1927, to: 1932}
        ---
        Son of [[Leon Trotsky]].
        """,
    "people/ivan-smirnov.md": """
        ---
        title: Ivan Smirnov
        memberships:
          - {group: bloc-of-oppositions, from: 1932, to: 1933}
        ---
        Organised the [[Bloc of Oppositions]].
        """,
    "people/hostile-name.md": """
        ---
        title: '<script>alert(1)</script> "&''<>'
        ---
        """,
    "groups/left-opposition.md": """
        ---
        title: Left Opposition
        leaders: [leon-trotsky]
        part_of: [bloc-of-oppositions]
        ---
        """,
    "groups/zinovievists.md": """
        ---
        title: Zinovievists
        members: [ivan-smirnov]
        successor: [bloc-of-oppositions]
        ---
        """,
    "groups/bloc-of-oppositions.md": """
        ---
        title: Bloc of Oppositions
        leaders: [leon-trotsky, lev-sedov]
        merger: [left-opposition, zinovievists]
        predecessor: [zinovievists]
        founded: "1932-12~"
        ---
        """,
    "events/moscow-trials.md": """
        ---
        title: Moscow trials
        date: "1936/1938"
        participants: [leon-trotsky]
        groups: [bloc-of-oppositions]
        ---
        """,
    "events/trial-of-the-sixteen.md": """
        ---
        title: Trial of the Sixteen
        date: "1936-08-19"
        end: "1936-08-24"
        part_of: moscow-trials
        participants: [ivan-smirnov, lev-sedov, hostile-name]
        groups: [zinovievists]
        ---
        [[Ivan Smirnov]] was among the accused.
        """,
    "articles/on-the-bloc.md": """
        ---
        title: On the bloc
        about: [bloc-of-oppositions]
        ---
        An essay on [[Lev Sedov]] and the [[Bloc of Oppositions]].
        """,
}

NODES = {
    "people/leon-trotsky": "person",
    "people/lev-sedov": "person",
    "people/ivan-smirnov": "person",
    "people/hostile-name": "person",
    "groups/left-opposition": "group",
    "groups/zinovievists": "group",
    "groups/bloc-of-oppositions": "group",
    "events/moscow-trials": "event",
    "events/trial-of-the-sixteen": "event",
}

EDGES = Counter(
    [
        ("people/leon-trotsky", "member", "groups/left-opposition"),
        ("people/lev-sedov", "member", "groups/left-opposition"),
        ("people/ivan-smirnov", "member", "groups/bloc-of-oppositions"),
        ("people/ivan-smirnov", "member", "groups/zinovievists"),  # from the group's members
        ("people/leon-trotsky", "leader", "groups/left-opposition"),
        ("people/leon-trotsky", "leader", "groups/bloc-of-oppositions"),
        ("people/lev-sedov", "leader", "groups/bloc-of-oppositions"),
        ("groups/zinovievists", "predecessor", "groups/bloc-of-oppositions"),  # said twice, one edge
        ("groups/left-opposition", "merger", "groups/bloc-of-oppositions"),
        ("groups/zinovievists", "merger", "groups/bloc-of-oppositions"),
        ("groups/left-opposition", "part-of", "groups/bloc-of-oppositions"),
        ("events/trial-of-the-sixteen", "part-of", "events/moscow-trials"),
        ("people/leon-trotsky", "participant", "events/moscow-trials"),
        ("people/ivan-smirnov", "participant", "events/trial-of-the-sixteen"),
        ("people/lev-sedov", "participant", "events/trial-of-the-sixteen"),
        ("people/hostile-name", "participant", "events/trial-of-the-sixteen"),
        ("groups/bloc-of-oppositions", "group-in-event", "events/moscow-trials"),
        ("groups/zinovievists", "group-in-event", "events/trial-of-the-sixteen"),
        ("people/leon-trotsky", "mention", "people/lev-sedov"),  # linked twice, one edge; no self-link
        ("people/lev-sedov", "mention", "people/leon-trotsky"),
        ("people/ivan-smirnov", "mention", "groups/bloc-of-oppositions"),
        ("events/trial-of-the-sixteen", "mention", "people/ivan-smirnov"),
    ]
)


def href(key: str) -> str:
    return f"/site/{key}/"


@pytest.fixture
def resolved(make_site):
    root = make_site(FILES)
    diags = Diagnostics()
    res = read_and_resolve(Project.at(root), diags)
    assert not [d for d in diags.sorted() if d.is_error], [d.format() for d in diags.sorted()]
    return res


@pytest.fixture
def G(resolved):
    return N.build_graph(resolved)


def triples(g) -> Counter:
    return Counter((u, d["relation"], v) for u, v, d in g.edges(data=True))


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def edge_elements(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("data-edge") is not None]


def node_links(root: ET.Element) -> dict[str, ET.Element]:
    return {a.get("data-key"): a for a in root.iter(SVG + "a")}


def label_lines(node: ET.Element) -> list[str]:
    """The lines of a node's label (one <text>, a <tspan> per line)."""
    text = node.find(SVG + "text")
    if text is None:
        return []
    spans = text.findall(SVG + "tspan")
    return [t.text for t in spans] if spans else [text.text]


# --- the graph ---------------------------------------------------------------------


def test_nodes_are_people_groups_and_events(G):
    assert {n: d["kind"] for n, d in G.nodes(data=True)} == NODES
    assert list(G.nodes) == sorted(NODES)  # added in sorted order
    sedov = G.nodes["people/lev-sedov"]
    assert sedov["title"] == "Lev Sedov"
    assert sedov["url"] == "people/lev-sedov/"
    assert "1906" in sedov["dates"] and "1938" in sedov["dates"]
    assert G.nodes["people/ivan-smirnov"]["dates"] == ""
    assert "August 1936" in G.nodes["events/trial-of-the-sixteen"]["dates"]
    assert G.nodes["people/hostile-name"]["title"] == HOSTILE


def test_edges_and_their_attributes(G):
    assert triples(G) == EDGES
    assert G.number_of_edges() == sum(EDGES.values())
    trotsky = G.edges["people/leon-trotsky", "groups/left-opposition", "member"]
    assert (trotsky["role"], trotsky["label"]) == ("leader", "member (leader)")
    assert "1923" in trotsky["dates"] and "1929" in trotsky["dates"]
    sedov = G.edges["people/lev-sedov", "groups/left-opposition", "member"]
    assert (sedov["role"], sedov["label"]) == ("organiser", "member (organiser)")
    declared = G.edges["people/ivan-smirnov", "groups/zinovievists", "member"]
    assert (declared["role"], declared["dates"], declared["label"]) == ("", "", "member")
    labels = {d["relation"]: d["label"] for _u, _v, d in G.edges(data=True) if d["relation"] != "member"}
    assert labels == {
        "leader": "led",
        "participant": "took part",
        "group-in-event": "took part",
        "predecessor": "preceded",
        "merger": "merged into",
        "part-of": "part of",
        "mention": "mentions",
    }
    # the article's links and "about" are not part of the network
    assert not any(k.startswith("articles/") for k in G)


def test_two_memberships_of_one_group_are_two_edges(make_site):
    files = dict(FILES)
    files["people/lev-sedov.md"] = re.sub(
        r"( *)(- \{group: left-opposition, role: organiser.*\})",
        r"\1\2\n\1- {group: left-opposition, role: editor, from: 1933}",
        files["people/lev-sedov.md"],
    )
    diags = Diagnostics()
    res = read_and_resolve(Project.at(make_site(files)), diags)
    assert not [d for d in diags.sorted() if d.is_error]
    g = N.build_graph(res)
    keys = sorted(k for u, v, k in g.edges(keys=True) if (u, v) == ("people/lev-sedov", "groups/left-opposition"))
    assert keys == ["member", "member-2"]
    assert {g.edges["people/lev-sedov", "groups/left-opposition", k]["role"] for k in keys} == {"organiser", "editor"}


# --- layout ---------------------------------------------------------------------------


def test_layout_deterministic_and_in_bounds(G):
    pos = N.layout(G)
    assert set(pos) == set(G)
    assert pos == N.layout(G)
    for x, y in pos.values():
        assert 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0
        assert round(x, 4) == x and round(y, 4) == y
    # the axes are used to the full
    assert min(x for x, _ in pos.values()) == 0.0 and max(x for x, _ in pos.values()) == 1.0
    # insertion order does not matter, the seed does
    shuffled = nx.MultiDiGraph()
    items = list(G.nodes(data=True))
    random.Random(5).shuffle(items)
    shuffled.add_nodes_from(items)
    es = list(G.edges(keys=True, data=True))
    random.Random(6).shuffle(es)
    shuffled.add_edges_from(es)
    assert N.layout(shuffled) == pos
    assert N.layout(G, seed=7) != pos
    # nodes do not pile up on one spot
    assert len(set(pos.values())) == len(pos)


def test_layout_small_and_disconnected_graphs():
    g = nx.MultiDiGraph()
    assert N.layout(g) == {}
    g.add_node("people/a", kind="person", title="A")
    assert N.layout(g) == {"people/a": (0.5, 0.5)}
    g.add_node("people/b", kind="person", title="B")
    assert N.layout(g) == {"people/a": (0.0, 0.5), "people/b": (1.0, 0.5)}
    g.add_edge("people/a", "people/b", key="mention", relation="mention")
    assert N.layout(g) == {"people/a": (0.0, 0.5), "people/b": (1.0, 0.5)}
    for i in range(6):  # a triangle, a pair and isolated nodes
        g.add_node(f"groups/g{i}", kind="group", title=f"G{i}")
    g.add_edge("groups/g0", "groups/g1", key="part-of", relation="part-of")
    g.add_edge("groups/g1", "groups/g2", key="part-of", relation="part-of")
    g.add_edge("groups/g2", "groups/g0", key="part-of", relation="part-of")
    pos = N.layout(g)
    assert set(pos) == set(g) and pos == N.layout(g)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in pos.values())
    assert len(set(pos.values())) == len(pos)


def test_layout_of_a_neighbourhood_is_centred(G):
    near = N.neighbourhood(G, "people/lev-sedov")
    pos = N.layout(near)
    assert pos["people/lev-sedov"] == (0.5, 0.5)
    others = [p for k, p in pos.items() if k != "people/lev-sedov"]
    assert len(set(others)) == len(others)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in pos.values())


# --- SVG ------------------------------------------------------------------------------


def test_svg_has_every_node_and_edge(G):
    svg = N.render_svg(G, N.layout(G), href=href, title="The network", id_prefix="net")
    root = parse(svg)
    assert root.tag == SVG + "svg"
    links = node_links(root)
    assert set(links) == set(G)
    for key, a in links.items():
        assert a.get("href") == href(key)
        shape = [el for el in a if el.get("class") == "node-shape"]
        assert len(shape) == 1
        kind = G.nodes[key]["kind"]
        assert shape[0].tag == SVG + {"person": "circle", "group": "rect", "event": "polygon"}[kind]
        assert shape[0].get("fill") == N.KIND_STYLE[kind]["fill"]
        tip = a.find(SVG + "title")
        assert tip is not None and tip.text.startswith(G.nodes[key]["title"])
    drawn = edge_elements(root)
    assert all(el.tag in (SVG + "line", SVG + "path") for el in drawn)
    assert Counter(tuple(el.get("data-edge").split("|")) for el in drawn) == Counter(
        (u, r, v) for u, r, v in EDGES.elements()
    )
    # parallel relations of one pair are curved apart, a single one is straight
    zb = [el for el in drawn if el.get("data-edge").startswith("groups/zinovievists|") and el.get("data-edge").endswith("|groups/bloc-of-oppositions")]
    assert len(zb) == 2 and all(el.tag == SVG + "path" for el in zb)
    lone = [el for el in drawn if el.get("data-edge") == "people/hostile-name|participant|events/trial-of-the-sixteen"]
    assert lone[0].tag == SVG + "line"
    # styles differ by relation (set on each relation's group): solid
    # membership, dashed mentions, a heavier line for leadership
    groups = {g.get("data-relation"): g for g in root.iter(SVG + "g") if g.get("data-relation")}
    assert set(groups) == {r for _u, r, _v in EDGES}
    for rel, g in groups.items():
        assert {el.get("data-edge").split("|")[1] for el in g} == {rel}
    assert groups["member"].get("stroke-dasharray") is None
    assert groups["mention"].get("stroke-dasharray")
    assert groups["mention"].get("marker-end") == "url(#net-arrow-faint)"
    assert float(groups["leader"].get("stroke-width")) > float(groups["member"].get("stroke-width"))
    # mentions are drawn first, under the structure
    order = [g.get("data-relation") for g in root.iter(SVG + "g") if g.get("data-relation")]
    assert order[0] == "mention" and order[-1] == "leader"


def test_svg_labels_legend_and_accessible_name(G):
    svg = N.render_svg(G, N.layout(G), href=href, title="The network of the bloc", id_prefix="net")
    root = parse(svg)
    assert root.get("role") is None  # implicit graphics-document: keeps the node links reachable, and valid HTML
    ids = root.get("aria-labelledby").split()
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert [by_id[i].tag for i in ids] == [SVG + "title", SVG + "desc"]
    assert by_id[ids[0]].text == "The network of the bloc"
    assert by_id[ids[1]].text == "Network of 4 people, 3 groups, 2 events and 22 relations. The links come in order of connections, the most connected first."
    legend = [el for el in root.iter(SVG + "g") if el.get("class") == "legend"]
    assert len(legend) == 1
    words = {t.text for t in legend[0].iter(SVG + "text")}
    assert words == {"Person", "Group", "Event", "member", "led", "took part", "preceded", "merged into", "part of", "mentions"}
    # visible labels: a small network labels every node, escaped and truncated
    texts = {a.get("data-key"): label_lines(a) for a in root.iter(SVG + "a")}
    assert texts["people/lev-sedov"] == ["Lev Sedov"]
    assert all(texts.values())  # a small network labels every node
    assert all(1 <= len(t) <= 2 for t in texts.values())


def test_svg_ids_are_prefixed_and_unique(G):
    pos = N.layout(G)
    one = N.render_svg(G, pos, href=href, title="a", id_prefix="whole")
    two = N.render_svg(G, pos, href=href, title="b", id_prefix="near 2")  # made id-safe
    ids_one = [el.get("id") for el in parse(one).iter() if el.get("id")]
    ids_two = [el.get("id") for el in parse(two).iter() if el.get("id")]
    assert ids_one and all(i.startswith("whole") for i in ids_one)
    assert ids_two and all(i.startswith("near-2") for i in ids_two)
    assert len(set(ids_one)) == len(ids_one)
    assert not set(ids_one) & set(ids_two)
    refs = re.findall(r'url\(#([^)]+)\)', str(one))
    assert refs and set(refs) <= set(ids_one)


def test_svg_escapes_hostile_titles(G):
    svg = N.render_svg(G, N.layout(G), href=lambda k: f'/x/{k}?a=1&b="2"', title=HOSTILE)
    text = str(svg)
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    root = parse(svg)  # well-formed despite the quotes and ampersands
    assert root.find(SVG + "title").text == HOSTILE
    a = node_links(root)["people/hostile-name"]
    assert a.find(SVG + "title").text.startswith(HOSTILE)
    assert a.get("href") == '/x/people/hostile-name?a=1&b="2"'
    lines = label_lines(a)  # two lines, the long first word broken inside
    assert len(lines) == 2 and "".join(lines) == HOSTILE


def test_svg_is_deterministic_and_highlights(G):
    pos = N.layout(G)
    a = N.render_svg(G, pos, href=href, title="t", highlight="people/lev-sedov")
    b = N.render_svg(G, dict(pos), href=href, title="t", highlight="people/lev-sedov")
    assert a == b
    root = parse(a)
    links = node_links(root)
    me = links["people/lev-sedov"]
    assert "node-current" in me.get("class")
    assert list(root.iter(SVG + "a"))[0] is me  # first in the keyboard's order
    mine = float(me.find(SVG + "circle").get("r"))
    other = float(links["people/ivan-smirnov"].find(SVG + "circle").get("r"))
    assert mine > other
    assert me.find(SVG + "circle").get("stroke") == "#000000"
    plain = node_links(parse(N.render_svg(G, pos, href=href, title="t")))["people/lev-sedov"]
    assert "node-current" not in plain.get("class")


def test_svg_of_empty_and_missing_positions():
    root = parse(N.render_svg(nx.MultiDiGraph(), {}, href=href, title="Nothing"))
    assert root.find(SVG + "desc").text == "Network of 0 people, 0 groups, 0 events and 0 relations."
    g = nx.MultiDiGraph()
    g.add_node("people/a", kind="person", title="A")
    with pytest.raises(ValueError):
        N.render_svg(g, {}, href=href, title="x")


def test_colours_contrast_with_white():
    def luminance(hex_colour: str) -> float:
        def channel(c: int) -> float:
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    def contrast(c: str) -> float:
        return 1.05 / (luminance(c) + 0.05)

    fills = [s["fill"] for s in N.KIND_STYLE.values()]
    assert all(contrast(c) >= 3 for c in fills)
    assert len(set(fills)) == 3 and len({s["shape"] for s in N.KIND_STYLE.values()}) == 3
    assert all(contrast(s["stroke"]) >= 3 for s in N.EDGE_STYLE.values())
    assert "max-width:100%" in N.SVG_CSS and ":focus" in N.SVG_CSS


# --- neighbourhood, overview, table ---------------------------------------------------------


def test_neighbourhood_of_a_person_is_its_direct_relations(G):
    near = N.neighbourhood(G, "people/lev-sedov")
    assert set(near) == {
        "people/lev-sedov",
        "people/leon-trotsky",
        "groups/left-opposition",
        "groups/bloc-of-oppositions",
        "events/trial-of-the-sixteen",
    }
    assert triples(near) == Counter(
        [
            ("people/lev-sedov", "member", "groups/left-opposition"),
            ("people/lev-sedov", "leader", "groups/bloc-of-oppositions"),
            ("people/lev-sedov", "participant", "events/trial-of-the-sixteen"),
            ("people/lev-sedov", "mention", "people/leon-trotsky"),
            ("people/leon-trotsky", "mention", "people/lev-sedov"),
        ]
    )  # not Trotsky's own membership, though both ends are present
    assert near.graph["center"] == "people/lev-sedov"
    assert near.nodes["people/leon-trotsky"] == G.nodes["people/leon-trotsky"]
    wider = N.neighbourhood(G, "people/lev-sedov", radius=2)
    assert "people/hostile-name" in wider and "events/moscow-trials" in wider
    assert triples(wider)[("people/leon-trotsky", "member", "groups/left-opposition")] == 1
    with pytest.raises(KeyError):
        N.neighbourhood(G, "articles/on-the-bloc")
    # drawn: every neighbour linked, labels pointing away from the centre
    svg = N.render_svg(near, N.layout(near), href=href, title="Relations", highlight="people/lev-sedov", id_prefix="near")
    root = parse(svg)
    # the centre is the page the drawing is on: not a link
    assert set(node_links(root)) == set(near) - {"people/lev-sedov"}
    centre = [g for g in root.iter(SVG + "g") if g.get("data-key") == "people/lev-sedov"]
    assert len(centre) == 1 and "node-current" in centre[0].get("class")
    assert len(edge_elements(root)) == 5
    assert "around Lev Sedov." in root.find(SVG + "desc").text
    anchors = {t.get("text-anchor") for t in root.iter(SVG + "text") if t.get("class") == "node-label"}
    assert anchors & {"start", "end"}


def test_big_neighbourhood_gets_columns_and_room(G):
    hub = nx.MultiDiGraph()
    hub.add_node("people/hub", kind="person", title="Hub")
    for i in range(30):
        hub.add_node(f"events/e{i:02d}", kind="event", title=f"Event number {i:02d}")
        hub.add_edge("people/hub", f"events/e{i:02d}", key="participant", relation="participant", label="took part")
    near = N.neighbourhood(hub, "people/hub")
    pos = N.layout(near)
    assert pos["people/hub"] == (0.5, 0.5)
    assert {x for k, (x, _y) in pos.items() if k != "people/hub"} == {0.0, 1.0}
    assert sorted(y for k, (x, y) in pos.items() if x == 0.0) == sorted({y for k, (x, y) in pos.items() if x == 0.0})
    root = parse(N.render_svg(near, pos, href=href, title="Hub", height=None, highlight="people/hub"))
    assert int(root.get("height")) >= 15 * 17
    labels = [t for t in root.iter(SVG + "text") if t.get("class") == "node-label"]
    assert len(labels) == 31  # every neighbour labelled: columns leave room


def test_capped_neighbourhood_keeps_the_strongest_relations_first():
    hub = nx.MultiDiGraph()
    hub.add_node("groups/hub", kind="group", title="Hub")
    for i in range(60):  # sixty pages that only mention the hub
        hub.add_node(f"people/m{i:02d}", kind="person", title=f"M {i:02d}")
        hub.add_edge(f"people/m{i:02d}", "groups/hub", key="mention", relation="mention", label="mentions")
    for i in range(3):  # three members, one of whom also mentions it
        hub.add_node(f"people/x{i}", kind="person", title=f"X {i}")
        hub.add_edge(f"people/x{i}", "groups/hub", key="member", relation="member", label="member")
    hub.add_edge("people/x2", "groups/hub", key="mention", relation="mention", label="mentions")
    hub.add_edge("people/m59", "people/m00", key="mention", relation="mention", label="mentions")
    hub.add_edge("people/m58", "people/m00", key="mention2", relation="mention", label="mentions")
    whole = N.neighbourhood(hub, "groups/hub")
    assert whole.number_of_nodes() == 64 and "total_nodes" not in whole.graph
    near = N.neighbourhood(hub, "groups/hub", max_nodes=10)
    assert near.number_of_nodes() == 10
    # the members first, then the mentions of the best-connected mentioners
    # (m00 is mentioned twice, m58 and m59 mention twice), then by key
    assert sorted(near) == sorted(["groups/hub", "people/x0", "people/x1", "people/x2", "people/m00", "people/m58", "people/m59", "people/m01", "people/m02", "people/m03"])
    assert near.number_of_edges() == 3 + 1 + 6  # member edges, x2's mention, six mentions; none among the neighbours
    assert near.graph["total_nodes"] == 64 and near.graph["total_edges"] == 64
    assert list(N.neighbourhood(hub, "groups/hub", max_nodes=10).edges(keys=True)) == list(near.edges(keys=True))
    root = parse(N.render_svg(near, N.layout(near), href=href, title="Hub", highlight="groups/hub"))
    assert "the 9 closest of 63 connections" in root.find(SVG + "desc").text


def test_overview_keeps_the_best_connected(G):
    small = N.overview(G, max_nodes=4)
    assert len(small) == 4
    # most distinct neighbours: the bloc (5), Trotsky (4), then ties broken by key
    assert "groups/bloc-of-oppositions" in small and "people/leon-trotsky" in small
    assert small.graph["total_nodes"] == 9 and small.graph["total_edges"] == 22
    assert all(small.degree(n) > 0 for n in small)
    assert N.overview(G, max_nodes=4) is not small and triples(N.overview(G, max_nodes=4)) == triples(small)
    whole = N.overview(G)
    assert set(whole) == set(G) and triples(whole) == EDGES and whole is not G
    structural = N.overview(G, relations={"member", "leader"})
    assert {r for _u, r, _v in triples(structural)} == {"member", "leader"}
    svg = str(N.render_svg(small, N.layout(small), href=href, title="t"))
    assert "best-connected of 9" in svg


def test_edge_rows(G):
    rows = N.edge_rows(G)
    assert len(rows) == G.number_of_edges()
    assert Counter((r["source_key"], r["relation"], r["target_key"]) for r in rows) == EDGES
    assert set(rows[0]) >= {"source_key", "source_title", "relation", "label", "target_key", "target_title"}
    titles = [fold(r["source_title"]) for r in rows]
    assert titles == sorted(titles) and titles[0] == "bloc of oppositions"  # by folded title
    sedov = [r["target_key"] for r in rows if r["source_key"] == "people/lev-sedov"]
    # within a source: by relation (member, led, took part, mentions)
    assert sedov == ["groups/left-opposition", "groups/bloc-of-oppositions", "events/trial-of-the-sixteen", "people/leon-trotsky"]
    row = next(r for r in rows if r["source_key"] == "people/leon-trotsky" and r["relation"] == "member")
    assert row["label"] == "member (leader)" and row["target_title"] == "Left Opposition"
    assert row["target_url"] == "groups/left-opposition/"
    assert N.edge_rows(G) == rows


# --- open data ----------------------------------------------------------------------------


def test_graphml_round_trip(G):
    text = N.to_graphml(G)
    assert text.startswith("<?xml") and text == N.to_graphml(G)
    back = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
    assert set(back) == set(G)
    assert triples(back) == EDGES
    assert back.nodes["people/hostile-name"]["title"] == HOSTILE
    assert back.nodes["people/lev-sedov"]["kind"] == "person"
    assert back.nodes["people/ivan-smirnov"]["dates"] == ""
    member = [d for u, v, d in back.edges(data=True) if (u, v) == ("people/leon-trotsky", "groups/left-opposition") and d["relation"] == "member"]
    assert member[0]["role"] == "leader" and member[0]["label"] == "member (leader)"
    ids = re.findall(r'<edge [^>]*id="([^"]+)"', text)
    assert len(ids) == len(set(ids)) == 22


def test_graphml_values_are_safe(G):
    G.nodes["people/lev-sedov"]["summary"] = None
    G.nodes["people/lev-sedov"]["extra"] = ["a", "list"]
    back = nx.read_graphml(io.StringIO(N.to_graphml(G)), force_multigraph=True)
    assert back.nodes["people/lev-sedov"]["summary"] == ""
    assert back.nodes["people/lev-sedov"]["extra"] == "['a', 'list']"


def test_gexf_round_trip(G):
    text = N.to_gexf(G, N.layout(G))
    assert text == N.to_gexf(G, N.layout(G))
    assert "lastmodifieddate" not in text and "NetworkX" not in text
    assert 'lastmodifieddate="2024-01-31"' in N.to_gexf(G, lastmodified="2024-01-31")
    back = nx.read_gexf(io.BytesIO(text.encode("utf-8")))
    assert set(back) == set(G)
    assert triples(back) == EDGES
    assert back.nodes["people/hostile-name"]["label"] == HOSTILE
    assert back.nodes["groups/zinovievists"]["kind"] == "group"
    assert back.nodes["groups/zinovievists"]["viz"]["color"] == {"r": 0xD5, "g": 0x5E, "b": 0x00, "a": 1.0}


# --- scale ---------------------------------------------------------------------------------


def synthetic(people: int, groups: int, events: int, seed: int = 3) -> nx.MultiDiGraph:
    r = random.Random(seed)
    g = nx.MultiDiGraph()
    for i in range(people):
        g.add_node(f"people/p{i}", kind="person", title=f"Person {i}", url="", dates="", summary="")
    for i in range(groups):
        g.add_node(f"groups/g{i}", kind="group", title=f"Group {i}", url="", dates="", summary="")
    for i in range(events):
        g.add_node(f"events/e{i}", kind="event", title=f"Event {i}", url="", dates="", summary="")
    for i in range(people):
        g.add_edge(f"people/p{i}", f"groups/g{int(r.paretovariate(1.2)) % groups}", key="member", relation="member")
    for i in range(events):
        g.add_edge(f"people/p{int(r.paretovariate(1.1)) % people}", f"events/e{i}", key="participant", relation="participant")
    return g


def test_large_network_is_capped_and_drawn():
    g = synthetic(1500, 300, 700)
    small = N.overview(g, max_nodes=200)
    assert len(small) == 200 and small.graph["total_nodes"] == 2500
    pos = N.layout(small)
    assert pos == N.layout(small)
    root = parse(N.render_svg(small, pos, href=href, title="Overview", max_labels=40))
    assert len(node_links(root)) == 200
    assert len(edge_elements(root)) == small.number_of_edges()
    labelled = [a for a in root.iter(SVG + "a") if a.find(SVG + "text") is not None]
    assert 0 < len(labelled) <= 40
    # a network past the exact-repulsion size lays out too (grid-approximated)
    mid = synthetic(600, 150, 250)
    full = N.layout(mid)
    assert len(full) == 1000 and all(0 <= x <= 1 and 0 <= y <= 1 for x, y in full.values())
    assert full == N.layout(mid)


def _networkx_graphml(G):
    H = export._export_copy(G)
    return export._XML_DECL + "\n".join(nx.generate_graphml(H, encoding="utf-8", prettyprint=True, edge_id_from_attribute="id")) + "\n"


@pytest.mark.parametrize("lines", [2000, 1, 7])
def test_streamed_exports_are_byte_for_byte_what_networkx_writes(G, lines, monkeypatch):
    """Whole, and in pieces of any number of lines (as the site writes them)."""
    monkeypatch.setattr(export, "_LINES", lines)
    assert lines == 2000 or len(list(N.iter_gexf(G))) > 2  # given in several pieces
    tricky = nx.MultiDiGraph()
    for i, title in enumerate(['Quote " and <tag> & amp', "Line\nbreak\tand tab", "Zinov'ev · Зиновьев · Grünstein", ""]):
        tricky.add_node(f"people/p{i}", kind="person", title=title, url=f"people/p{i}/", dates="", summary=title * 2)
    tricky.add_node("groups/g", kind="group", title="G", url="groups/g/", dates="1932–1933", summary="")
    tricky.add_edge("people/p0", "groups/g", key="member", relation="member", label='member (a "leader")', role="leader", dates="1932")
    tricky.add_edge("people/p1", "people/p2", key="mention", relation="mention", label="mentions", role="", dates="")
    for graph in (G, tricky):
        assert N.to_graphml(graph) == _networkx_graphml(graph)
        for pos in (None, N.layout(graph)):
            assert N.to_gexf(graph, pos, "2024-01-31") == export._to_gexf_networkx(graph, pos, ' lastmodifieddate="2024-01-31"')
            assert N.to_gexf(graph, pos) == export._to_gexf_networkx(graph, pos, "")
    # the site's network is written by the writers here, not by networkx
    def boom(*args, **kwargs):
        raise AssertionError("written by networkx")

    with monkeypatch.context() as m:
        m.setattr(nx, "generate_graphml", boom)
        m.setattr(export, "_to_gexf_networkx", boom)
        for graph in (G, tricky):
            N.to_graphml(graph), N.to_gexf(graph, N.layout(graph), "2024-01-31")
    # attributes that only some nodes and edges have are declared in the order first used
    shaped = tricky.copy()
    shaped.nodes["people/p2"]["note"] = "only here"
    shaped.add_edge("people/p2", "people/p3", key="mention", note="x", relation="mention", id="given", networkx_key="k")
    shaped.add_edge("people/p3", "groups/g", key="member", weight="heavy")
    assert N.to_graphml(shaped) == _networkx_graphml(shaped)
    assert N.to_gexf(shaped, None, "2024-01-31") == export._to_gexf_networkx(shaped, None, ' lastmodifieddate="2024-01-31"')
    # anything but text attributes goes through networkx itself, a key that is not text too
    numbered = tricky.copy()
    numbered.add_edge("people/p0", "people/p1")
    assert N.to_graphml(numbered) == _networkx_graphml(numbered)
    assert N.to_gexf(numbered, None, "2024-01-31") == export._to_gexf_networkx(numbered, None, ' lastmodifieddate="2024-01-31"')
    odd = tricky.copy()
    odd.nodes["groups/g"]["size"] = 3
    assert N.to_graphml(odd) == _networkx_graphml(odd)
    assert re.search(r'attr.name="size" attr.type="(int|long)"', N.to_graphml(odd))


# --- readable drawings (issue 15) ---------------------------------------------------------

from dossier.textmetrics import text_width  # noqa: E402


def label_boxes(root: ET.Element, size: float) -> dict[str, tuple[float, float, float, float]]:
    """Each label's box as the drawing plans it, from the SVG's own attributes."""
    out = {}
    for node in root.iter():
        if node.get("data-key") is None or node.find(SVG + "text") is None:
            continue
        text = node.find(SVG + "text")
        lines = label_lines(node)
        bold = text.get("font-weight") == "bold"
        w = max(text_width(t, size, bold) for t in lines)
        x, y = float(text.get("x")), float(text.get("y"))
        x0 = {"start": x, "end": x - w}.get(text.get("text-anchor"), x - w / 2)
        out[node.get("data-key")] = (x0, y - 0.93 * size, x0 + w, y + (len(lines) - 1) * 1.2 * size + 0.24 * size)
    return out


def crowded(n: int = 70) -> nx.MultiDiGraph:
    """Hubs with many long-titled neighbours: labels that collide unless placed with care."""
    g = nx.MultiDiGraph()
    for h in range(3):
        g.add_node(f"groups/hub-{h}", kind="group", title=f"The central committee of faction {h}")
    for i in range(n):
        key = f"events/e{i:02d}"
        g.add_node(key, kind="event", title=f"Arrest and interrogation of group number {i:02d}")
        g.add_edge(key, f"groups/hub-{i % 3}", key="part-of", relation="part-of", label="part of")
        if i % 4 == 0:
            g.add_edge(key, f"groups/hub-{(i + 1) % 3}", key="mention", relation="mention", label="mentions")
    return g


def test_network_labels_never_overlap_and_every_node_is_labelled():
    g = crowded()
    root = parse(N.render_svg(g, N.layout(g), href=href, title="Crowded", width=1080, font_size=12))
    boxes = label_boxes(root, 12)
    assert len(boxes) == g.number_of_nodes()  # every node labelled
    keys = sorted(boxes)
    clashes = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :] if boxes[a][0] < boxes[b][2] and boxes[b][0] < boxes[a][2] and boxes[a][1] < boxes[b][3] and boxes[b][1] < boxes[a][3]]
    assert not clashes, clashes[:5]
    # and no label under another node's shape
    shapes = {}
    for node in root.iter():
        shape = next((el for el in node if el.get("class") == "node-shape"), None) if node.get("data-key") else None
        if shape is not None and shape.tag == SVG + "circle":
            cx, cy, r = (float(shape.get(a)) for a in ("cx", "cy", "r"))
            shapes[node.get("data-key")] = (cx - r, cy - r, cx + r, cy + r)
    for k, b in boxes.items():
        for m, s in shapes.items():
            assert m == k or not (b[0] < s[2] and s[0] < b[2] and b[1] < s[3] and s[1] < b[3]), (k, m)
    # inside the drawing
    W, H = float(root.get("width")), float(root.get("height"))
    assert all(b[0] >= 0 and b[2] <= W and b[1] >= 0 and b[3] <= H for b in boxes.values())


def test_network_links_come_in_order_of_connections():
    g = crowded(20)
    root = parse(N.render_svg(g, N.layout(g), href=href, title="Crowded"))
    keys = [a.get("data-key") for a in root.iter(SVG + "a")]
    degree = {n: len(set(g.successors(n)) | set(g.predecessors(n))) for n in g}
    assert [degree[k] for k in keys] == sorted((degree[k] for k in keys), reverse=True)
    assert keys[:3] == sorted(keys[:3], key=lambda k: (-degree[k], fold(g.nodes[k]["title"])))
    # every edge says which kinds it joins, for the filters
    for el in edge_elements(root):
        u, _rel, v = el.get("data-edge").split("|")
        assert set(el.get("class").split()) == {f"k-{g.nodes[u]['kind']}", f"k-{g.nodes[v]['kind']}"}


def test_filters_start_without_mentions_and_the_css_reads_them():
    g = crowded(8)
    items = N.legend_items(g)
    assert [(i["filter"], i["checked"]) for i in items["kinds"]] == [("group", True), ("event", True)]
    rel = {i["filter"]: i for i in items["relations"]}
    assert rel["mentions"]["checked"] is False and rel["part-of"]["checked"] is True
    assert rel["mentions"]["count"] == sum(1 for *_e, r in g.edges(data="relation") if r == "mention")
    css = N.SVG_CSS
    assert ".net-overview .edge-mention{display:none}" in css
    assert 'input[data-filter="mentions"]:checked) .edge-mention{display:inline}' in css
    assert 'input[data-filter="event"]:not(:checked)) .k-event{display:none}' in css
    assert "prefers-color-scheme:dark" in css and "forced-colors:active" in css


def test_a_neighbourhood_fits_a_phone_and_no_label_is_cut():
    hub = nx.MultiDiGraph()
    hub.add_node("people/hub", kind="person", title="Leon Trotsky")
    for i in range(25):
        k = f"events/e{i:02d}"
        hub.add_node(k, kind="event", title=f"Trotsky's warning number {i} about the coming trials of the opposition")
        hub.add_edge("people/hub", k, key="participant", relation="participant", label="took part")
    near = N.neighbourhood(hub, "people/hub")
    root = parse(N.render_svg(near, N.layout(near), href=href, title="Hub", width=400, font_size=12.5, highlight="people/hub"))
    assert root.get("width") == "400"
    assert 12.5 * 358 / 400 >= 11  # a 390 px phone gives it 358 px: labels stay 11 px or more
    boxes = label_boxes(root, 12.5)
    assert len(boxes) == 26
    H = float(root.get("height"))
    assert all(b[0] >= 0 and b[2] <= 400 and b[1] >= 0 and b[3] <= H for b in boxes.values()), "a label is cut at the edge"
    keys = sorted(boxes)
    assert not [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :] if boxes[a][0] < boxes[b][2] and boxes[b][0] < boxes[a][2] and boxes[a][1] < boxes[b][3] and boxes[b][1] < boxes[a][3]]
    # links in reading order: the left column top to bottom, then the right
    links = [a for a in root.iter(SVG + "a")]
    xs = [float(a.find(SVG + "text").get("x")) for a in links]
    assert xs == sorted(xs)
