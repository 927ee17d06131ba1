"""The network as open data: GraphML and GEXF, written as a stream."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import networkx as nx

from ..xmlchars import xml_safe
from .draw import KIND_STYLE
from .graph import EDGE_ATTRS


def _safe(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, (int, float)):
        return value
    return xml_safe(str(value))


def _export_copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only str/int/float attributes, a ``label`` on every node
    (its title, which Gephi and yEd show) and a document-unique edge ``id``."""
    H = nx.MultiDiGraph()
    H.graph.update({str(k): _safe(v) for k, v in sorted(G.graph.items())})
    for n in sorted(G):
        attrs = {str(k): _safe(v) for k, v in G.nodes[n].items()}
        attrs.setdefault("label", str(attrs.get("title", n)))
        H.add_node(n, **attrs)
    edges = sorted(G.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2])))
    for i, (u, v, k, d) in enumerate(edges):
        attrs = {str(a): _safe(x) for a, x in d.items()}
        for a in EDGE_ATTRS:
            attrs.setdefault(a, "")
        attrs["id"] = f"e{i}"
        H.add_edge(u, v, key=k, **attrs)
    return H


_XML_DECL = "<?xml version='1.0' encoding='utf-8'?>\n"


def _text(value: str) -> str:
    """XML character data as ElementTree writes it in ASCII."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value if value.isascii() else value.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _attr(value: str) -> str:
    """An XML attribute value as ElementTree writes it in ASCII."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    value = value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")
    return value if value.isascii() else value.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _export_items(G: nx.MultiDiGraph):
    """What :func:`_export_copy` would hold, without building it: (nodes
    with their attributes, edges with theirs), both in the copy's order,
    made as they are read, and the shapes of both (:func:`_shapes`), which
    the writers below read first to declare the attributes."""
    ordered_nodes = sorted(G)
    ordered_edges = sorted(G.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2])))

    def nodes():
        for n in ordered_nodes:
            attrs = {str(k): _safe(v) for k, v in G.nodes[n].items()}
            attrs.setdefault("label", str(attrs.get("title", n)))
            yield n, attrs

    def edges():
        for i, (u, v, k, d) in enumerate(ordered_edges):
            attrs = {str(a): _safe(x) for a, x in d.items()}
            for a in EDGE_ATTRS:
                attrs.setdefault(a, "")
            attrs["id"] = f"e{i}"
            yield u, v, k, attrs

    def shapes():
        node_names = _shapes(((n, G.nodes[n]) for n in ordered_nodes), ("label",))
        edge_names = _shapes(((k, d) for _u, _v, k, d in ordered_edges), (*EDGE_ATTRS, "id"))
        return node_names, edge_names

    return nodes, edges, shapes


def _shapes(items, added: tuple[str, ...]) -> tuple[list[list[str]], bool]:
    """Of the nodes or edges ``items`` ((id or key, attributes) pairs): the
    attribute names of each new shape, in the order they are first used as
    :func:`_export_items` makes them (its own, then ``added``), and whether
    all are what the fast writers below handle (a text id or key, no value
    that stays a number: the network has nothing else; anything else goes
    through networkx). Read without making the values, which the
    declarations do not need."""
    seen: set[tuple] = set()
    out: list[list[str]] = []
    text = True
    for key, attrs in items:
        text = text and isinstance(key, str) and not any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in attrs.values())
        shape = tuple(attrs)
        if shape not in seen:
            seen.add(shape)
            names = dict.fromkeys(str(a) for a in shape)
            for a in added:
                names.setdefault(a)
            out.append(list(names))
    return out, text


#: Lines written at once: a file of the whole network is written piece by
#: piece, never held whole (at N = 5,000 the GEXF is 56 MB, and as one
#: string with its lines it took 250 MB at the peak of the process writing it).
_LINES = 2000


def _pieces(lines) -> Iterator[str]:
    """``lines``, each ending in a newline, a few thousand at a time, with the
    characters XML forbids replaced (:func:`xml_safe`: each line is whole
    elements, so no replacement spans two pieces)."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == _LINES:
            yield xml_safe("\n".join(batch) + "\n")
            batch = []
    if batch:
        yield xml_safe("\n".join(batch) + "\n")


def to_graphml(G: nx.MultiDiGraph) -> str:
    """The network as GraphML (UTF-8 text with an XML declaration).

    Node ids are entity keys; node data: kind, title, url, dates, summary and
    label (= title); edges carry relation, label, role and dates, and ids
    ``e0``, ``e1`` … in sorted order. Read it back with
    ``networkx.read_graphml(f, force_multigraph=True)``. In pieces:
    :func:`iter_graphml`.
    """
    return "".join(iter_graphml(G))


def iter_graphml(G: nx.MultiDiGraph) -> Iterator[str]:
    """:func:`to_graphml`'s text in pieces: byte for byte what
    ``networkx.generate_graphml`` writes (tests/test_network.py), without its
    element tree (at N = 5,000 that tree took 8 s and half a gigabyte)."""
    nodes, edges, shapes = _export_items(G)
    keys: dict[tuple[str, str], str] = {}  # in the order they are first used

    def key(name: str, scope: str) -> str:
        if (name, scope) not in keys:
            keys[(name, scope)] = f"d{len(keys)}"
        return keys[(name, scope)]

    (node_names, node_text), (edge_names, edge_text) = shapes()
    fast = not G.graph and node_text and edge_text
    for names in node_names:
        for a in names:
            key(a, "node")
    for names in edge_names:
        for a in names:
            key(a, "edge")
    if not fast:
        H = _export_copy(G)
        yield xml_safe(_XML_DECL + "\n".join(nx.generate_graphml(H, encoding="utf-8", prettyprint=True, edge_id_from_attribute="id")) + "\n")
        return

    def data(k: str, value: str) -> str:
        return f'      <data key="{k}">{_text(value)}</data>' if value else f'      <data key="{k}" />'

    def lines():
        yield (
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
        )
        for (name, scope), i in reversed(keys.items()):
            yield f'  <key id="{i}" for="{scope}" attr.name="{_attr(name)}" attr.type="string" />'
        yield '  <graph edgedefault="directed">'
        for n, attrs in nodes():
            yield f'    <node id="{_attr(n)}">' if attrs else f'    <node id="{_attr(n)}" />'
            if attrs:
                for a, v in attrs.items():
                    yield data(keys[(a, "node")], v)
                yield "    </node>"
        for u, v, _k, attrs in edges():
            yield f'    <edge source="{_attr(u)}" target="{_attr(v)}" id="{_attr(attrs["id"])}">'
            for a, x in attrs.items():
                yield data(keys[(a, "edge")], x)
            yield "    </edge>"
        yield "  </graph>"
        yield "</graphml>"

    yield _XML_DECL
    yield from _pieces(lines())


#: What networkx's GEXF writer takes from a node's or an edge's attributes
#: into the element itself (a parent, a weight, a time, a drawing): the
#: network has none, and one who has them is written by networkx.
_GEXF_NODE_OWN = frozenset({"id", "pid", "start", "end", "viz", "parents", "slices", "spells"})
_GEXF_EDGE_OWN = frozenset({"weight", "type", "start", "end", "viz", "slices", "spells"})


def to_gexf(G: nx.MultiDiGraph, pos: dict[str, tuple[float, float]] | None = None, lastmodified: str | None = None) -> str:
    """The network as GEXF 1.2 (for Gephi): labels are titles, nodes are
    coloured by kind and, with ``pos`` (from :func:`layout`), placed.

    networkx stamps today's date into ``<meta lastmodifieddate>``; that would
    make builds differ from day to day, so it is replaced by
    ``lastmodified`` (``YYYY-MM-DD``) or dropped. In pieces: :func:`iter_gexf`.
    """
    return "".join(iter_gexf(G, pos, lastmodified))


def iter_gexf(G: nx.MultiDiGraph, pos: dict[str, tuple[float, float]] | None = None, lastmodified: str | None = None) -> Iterator[str]:
    """:func:`to_gexf`'s text in pieces: byte for byte what
    ``networkx.generate_gexf`` writes (see :func:`iter_graphml`)."""
    stamp = f' lastmodifieddate="{lastmodified}"' if lastmodified and re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmodified) else ""
    nodes, edges, shapes = _export_items(G)
    ids: dict[tuple[str, str], str] = {}
    order: dict[str, list[str]] = {}  # class -> attribute declarations, in order

    def attr_id(title: str, cls: str) -> str:
        if (title, cls) not in ids:
            ids[(title, cls)] = str(len(ids))
            order.setdefault(cls, []).append(f'      <attribute id="{ids[(title, cls)]}" title="{_attr(title)}" type="string" />')
        return ids[(title, cls)]

    def node_values(attrs: dict) -> dict:
        return {k: v for k, v in attrs.items() if k != "label"}

    def edge_values(k, attrs: dict) -> dict:
        values = {a: x for a, x in attrs.items() if a not in ("id", "label")}
        values["networkx_key"] = k
        return values

    (node_names, node_text), (edge_names, edge_text) = shapes()
    fast = not G.graph and node_text and edge_text
    # an attribute networkx writes as part of the element, not as a value
    fast = fast and not any(_GEXF_NODE_OWN.intersection(names) for names in node_names)
    fast = fast and not any(_GEXF_EDGE_OWN.intersection(names) for names in edge_names)
    for names in node_names:
        for a in names:
            if a != "label":
                attr_id(a, "node")
    for names in edge_names:
        for a in [*(a for a in names if a not in ("id", "label")), *(() if "networkx_key" in names else ("networkx_key",))]:
            attr_id(a, "edge")
    if not fast:
        yield _to_gexf_networkx(G, pos, stamp)
        return

    def attvalues(values: dict[str, str], cls: str) -> list[str]:
        if not values:
            return []
        out = ["        <attvalues>"]
        out += [f'          <attvalue for="{ids[(k, cls)]}" value="{_attr(v)}" />' for k, v in values.items()]
        out.append("        </attvalues>")
        return out

    def lines():
        yield (
            '<gexf xmlns:viz="http://www.gexf.net/1.2draft/viz" xmlns="http://www.gexf.net/1.2draft" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">'
        )
        yield f"  <meta{stamp}>"
        yield "    <creator>Dossier (networkx)</creator>"
        yield "  </meta>"
        yield '  <graph defaultedgetype="directed" mode="static" name="">'
        for cls in sorted(order, key=lambda c: -list(order).index(c)):  # the later class first, as networkx inserts it
            yield f'    <attributes mode="static" class="{cls}">'
            yield from order[cls]
            yield "    </attributes>"
        yield "    <nodes>"
        for n, attrs in nodes():
            fill = KIND_STYLE.get(str(attrs.get("kind")), {}).get("fill", "#595959")
            yield f'      <node id="{_attr(n)}" label="{_attr(attrs.get("label", n))}">'
            yield f'        <viz:color r="{int(fill[1:3], 16)}" g="{int(fill[3:5], 16)}" b="{int(fill[5:7], 16)}" a="1.0" />'
            if pos is not None and n in pos:
                x, y = round(pos[n][0] * 1000, 1), round(-pos[n][1] * 1000, 1)
                yield f'        <viz:position x="{x}" y="{y}" z="0.0" />'
            yield from attvalues(node_values(attrs), "node")
            yield "      </node>"
        yield "    </nodes>"
        yield "    <edges>"
        for u, v, k, attrs in edges():
            head = f'      <edge source="{_attr(u)}" target="{_attr(v)}" id="{_attr(attrs["id"])}"'
            head += f' label="{_attr(attrs["label"])}"' if "label" in attrs else ""
            values = attvalues(edge_values(k, attrs), "edge")
            if values:
                yield head + ">"
                yield from values
                yield "      </edge>"
            else:
                yield head + " />"
        yield "    </edges>"
        yield "  </graph>"
        yield "</gexf>"

    yield _XML_DECL
    yield from _pieces(lines())


def _to_gexf_networkx(G: nx.MultiDiGraph, pos, stamp: str) -> str:
    H = _export_copy(G)
    for n in H:
        fill = KIND_STYLE.get(str(H.nodes[n].get("kind")), {}).get("fill", "#595959")
        viz: dict[str, Any] = {"color": {"r": int(fill[1:3], 16), "g": int(fill[3:5], 16), "b": int(fill[5:7], 16), "a": 1.0}}
        if pos is not None and n in pos:
            viz["position"] = {"x": round(pos[n][0] * 1000, 1), "y": round(-pos[n][1] * 1000, 1), "z": 0.0}
        H.nodes[n]["viz"] = viz
    text = "\n".join(nx.generate_gexf(H, encoding="utf-8", prettyprint=True))
    text = re.sub(r'<meta lastmodifieddate="[^"]*">', f"<meta{stamp}>", text, count=1)
    text = re.sub(r"<creator>NetworkX [^<]*</creator>", "<creator>Dossier (networkx)</creator>", text, count=1)
    return xml_safe(_XML_DECL + text + "\n")
