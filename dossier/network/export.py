"""The network as open data: GraphML and GEXF, written as a stream."""

from __future__ import annotations

import re
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
    with their attributes, edges with theirs), both in the copy's order."""
    nodes = []
    for n in sorted(G):
        attrs = {str(k): _safe(v) for k, v in G.nodes[n].items()}
        attrs.setdefault("label", str(attrs.get("title", n)))
        nodes.append((n, attrs))
    edges = []
    for i, (u, v, k, d) in enumerate(sorted(G.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2])))):
        attrs = {str(a): _safe(x) for a, x in d.items()}
        for a in EDGE_ATTRS:
            attrs.setdefault(a, "")
        attrs["id"] = f"e{i}"
        edges.append((u, v, k, attrs))
    return nodes, edges


def _all_text(nodes, edges) -> bool:
    """The fast writers below handle text attributes only (all the network
    has); anything else goes through networkx."""
    return all(isinstance(n, str) and all(isinstance(v, str) for v in a.values()) for n, a in nodes) and all(
        isinstance(k, str) and all(isinstance(v, str) for v in a.values()) for _u, _v, k, a in edges
    )


def to_graphml(G: nx.MultiDiGraph) -> str:
    """The network as GraphML (UTF-8 text with an XML declaration).

    Node ids are entity keys; node data: kind, title, url, dates, summary and
    label (= title); edges carry relation, label, role and dates, and ids
    ``e0``, ``e1`` … in sorted order. Read it back with
    ``networkx.read_graphml(f, force_multigraph=True)``.

    Written as a stream, byte for byte what ``networkx.generate_graphml``
    writes (tests/test_network.py), without its element tree: at N = 5,000
    that tree took 8 s and half a gigabyte.
    """
    nodes, edges = _export_items(G)
    if G.graph or not _all_text(nodes, edges):
        H = _export_copy(G)
        return xml_safe(_XML_DECL + "\n".join(nx.generate_graphml(H, encoding="utf-8", prettyprint=True, edge_id_from_attribute="id")) + "\n")
    keys: dict[tuple[str, str], str] = {}

    def key(name: str, scope: str) -> str:
        if (name, scope) not in keys:
            keys[(name, scope)] = f"d{len(keys)}"
        return keys[(name, scope)]

    def data(k: str, value: str) -> str:
        return f'      <data key="{k}">{_text(value)}</data>' if value else f'      <data key="{k}" />'

    body = ['  <graph edgedefault="directed">']
    for n, attrs in nodes:
        body.append(f'    <node id="{_attr(n)}">' if attrs else f'    <node id="{_attr(n)}" />')
        if attrs:
            body += [data(key(a, "node"), v) for a, v in attrs.items()]
            body.append("    </node>")
    for u, v, _k, attrs in edges:
        body.append(f'    <edge source="{_attr(u)}" target="{_attr(v)}" id="{_attr(attrs["id"])}">')
        body += [data(key(a, "edge"), x) for a, x in attrs.items()]
        body.append("    </edge>")
    body.append("  </graph>")
    head = [
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
    ]
    head += [f'  <key id="{i}" for="{scope}" attr.name="{_attr(name)}" attr.type="string" />' for (name, scope), i in reversed(keys.items())]
    return xml_safe(_XML_DECL + "\n".join(head + body + ["</graphml>"]) + "\n")


def to_gexf(G: nx.MultiDiGraph, pos: dict[str, tuple[float, float]] | None = None, lastmodified: str | None = None) -> str:
    """The network as GEXF 1.2 (for Gephi): labels are titles, nodes are
    coloured by kind and, with ``pos`` (from :func:`layout`), placed.

    networkx stamps today's date into ``<meta lastmodifieddate>``; that would
    make builds differ from day to day, so it is replaced by
    ``lastmodified`` (``YYYY-MM-DD``) or dropped. Written as a stream, byte
    for byte what ``networkx.generate_gexf`` writes otherwise (see
    :func:`to_graphml`).
    """
    stamp = f' lastmodifieddate="{lastmodified}"' if lastmodified and re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmodified) else ""
    nodes, edges = _export_items(G)
    if G.graph or not _all_text(nodes, edges):
        return _to_gexf_networkx(G, pos, stamp)
    ids: dict[tuple[str, str], str] = {}
    order: dict[str, list[str]] = {}  # class -> attribute declarations, in order

    def attr_id(title: str, cls: str) -> str:
        if (title, cls) not in ids:
            ids[(title, cls)] = str(len(ids))
            order.setdefault(cls, []).append(f'      <attribute id="{ids[(title, cls)]}" title="{_attr(title)}" type="string" />')
        return ids[(title, cls)]

    def attvalues(values: dict[str, str], cls: str) -> list[str]:
        if not values:
            return []
        out = ["        <attvalues>"]
        out += [f'          <attvalue for="{attr_id(k, cls)}" value="{_attr(v)}" />' for k, v in values.items()]
        out.append("        </attvalues>")
        return out

    body = ["    <nodes>"]
    for n, attrs in nodes:
        attrs = dict(attrs)
        label = attrs.pop("label", n)
        inner = []
        fill = KIND_STYLE.get(str(attrs.get("kind")), {}).get("fill", "#595959")
        inner.append(f'        <viz:color r="{int(fill[1:3], 16)}" g="{int(fill[3:5], 16)}" b="{int(fill[5:7], 16)}" a="1.0" />')
        if pos is not None and n in pos:
            x, y = round(pos[n][0] * 1000, 1), round(-pos[n][1] * 1000, 1)
            inner.append(f'        <viz:position x="{x}" y="{y}" z="0.0" />')
        inner += attvalues(attrs, "node")
        body.append(f'      <node id="{_attr(n)}" label="{_attr(label)}">')
        body += inner
        body.append("      </node>")
    body.append("    </nodes>")
    body.append("    <edges>")
    for u, v, k, attrs in edges:
        attrs = dict(attrs)
        edge_id, label = attrs.pop("id"), attrs.pop("label", None)
        attrs["networkx_key"] = k
        head = f'      <edge source="{_attr(u)}" target="{_attr(v)}" id="{_attr(edge_id)}"'
        head += f' label="{_attr(label)}"' if label is not None else ""
        values = attvalues(attrs, "edge")
        body += [head + ">", *values, "      </edge>"] if values else [head + " />"]
    body.append("    </edges>")
    declared = []
    for cls in sorted(order, key=lambda c: -list(order).index(c)):  # the later class first, as networkx inserts it
        declared += [f'    <attributes mode="static" class="{cls}">', *order[cls], "    </attributes>"]
    lines = [
        '<gexf xmlns:viz="http://www.gexf.net/1.2draft/viz" xmlns="http://www.gexf.net/1.2draft" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">',
        f"  <meta{stamp}>",
        "    <creator>Dossier (networkx)</creator>",
        "  </meta>",
        '  <graph defaultedgetype="directed" mode="static" name="">',
        *declared,
        *body,
        "  </graph>",
        "</gexf>",
    ]
    return xml_safe(_XML_DECL + "\n".join(lines) + "\n")


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
