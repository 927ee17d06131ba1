"""The network of people, groups and events: graph model, layout, static SVG,
accessible table and open-data exports (GraphML, GEXF).

Plain Python plus ``networkx`` and ``markupsafe``; no Pelican, no numpy.

Typical use (the caller owns the pages and templates)::

    G = build_graph(resolved)                       # the whole network

    # /graph/: cap big networks first, then lay out, draw and tabulate
    shown = overview(G, max_nodes=400)              # == a copy of G when small
    pos = layout(shown)
    svg = render_svg(shown, pos, href=url_for, title="The network", id_prefix="net")
    rows = edge_rows(shown)                         # the table under the SVG

    # on an entity page (check ``entity.key in G`` first: sources and
    # articles are not in the network)
    near = neighbourhood(G, entity.key)
    svg = render_svg(near, layout(near), href=url_for, title=f"{entity.title}: relations",
                     id_prefix="near", width=640, height=420, highlight=entity.key)
    rows = edge_rows(near)

    # /data/
    graphml, gexf = to_graphml(G), to_gexf(G)

``url_for(key)`` is the caller's: it turns a node key (``people/lev-sedov``)
into an href relative to the page the SVG is placed on.

Determinism: nodes and edges are added in sorted order, the layout is a
seeded, pure-Python force-directed (or, for neighbourhoods, radial) layout
whose positions are rounded to 4 decimals, SVG coordinates are rounded to
0.1 px and no output contains a random id or a timestamp, so two builds of
the same content are byte-identical. (``networkx.spring_layout`` and
``kamada_kawai_layout`` need numpy/scipy, which the project does not
install; the layout here is a ForceAtlas2-like force-directed layout
written out in Python, with a bounded amount of work.)
"""

from __future__ import annotations

from .draw import EDGE_STYLE, KIND_STYLE, SVG_CSS, legend_items, render_svg
from .export import iter_gexf, iter_graphml, to_gexf, to_graphml
from .graph import NODE_KINDS, RELATIONS, build_graph, neighbourhood, overview, structure
from .layout import LAYOUT_WEIGHT, layout
from .table import edge_rows, mention_groups

__all__ = [
    "NODE_KINDS",
    "RELATIONS",
    "KIND_STYLE",
    "EDGE_STYLE",
    "SVG_CSS",
    "LAYOUT_WEIGHT",
    "build_graph",
    "layout",
    "render_svg",
    "legend_items",
    "neighbourhood",
    "overview",
    "structure",
    "edge_rows",
    "mention_groups",
    "to_graphml",
    "to_gexf",
    "iter_graphml",
    "iter_gexf",
]
