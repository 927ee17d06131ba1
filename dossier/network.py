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

import hashlib
import math
import re
from collections import defaultdict, deque
from typing import Any, Callable, Iterable

import networkx as nx
from markupsafe import Markup, escape

from .dates import Date, format_range
from .resolve import Link, states
from .schema import SCHEMA
from .text import fold

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
    "neighbourhood",
    "overview",
    "edge_rows",
    "to_graphml",
    "to_gexf",
]

#: The entity kinds that are nodes of the network, in legend order.
NODE_KINDS = ("person", "group", "event")

#: Every edge relation of the default schema with its short human label, in
#: table and legend order (declared in the schema, beside each relation).
RELATIONS: dict[str, str] = {edge.name: edge.label for edge in SCHEMA.edges()}
_REL_ORDER = {r: i for i, r in enumerate(RELATIONS)}

#: Fill colour and shape of each kind. Okabe-Ito colours (distinguishable
#: with the common colour-vision deficiencies), each at least 3:1 against
#: white (5.2, 3.9 and 3.4); the shape differs too, so colour is never the
#: only cue.
KIND_STYLE: dict[str, dict[str, str]] = {
    "person": {"fill": "#0072b2", "shape": "circle", "label": "Person", "one": "person", "many": "people"},
    "group": {"fill": "#d55e00", "shape": "square", "label": "Group", "one": "group", "many": "groups"},
    "event": {"fill": "#009e73", "shape": "diamond", "label": "Event", "one": "event", "many": "events"},
}

#: Stroke of each relation: colour (greys, >= 3:1 against white), width,
#: dash pattern ("" = solid), arrowhead (for relations whose direction is
#: not implied by the kinds at its ends) and the legend entry it belongs to.
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "member": {"stroke": "#595959", "width": 1.5, "dash": "", "arrow": False, "legend": "member"},
    "leader": {"stroke": "#1f1f1f", "width": 3.2, "dash": "", "arrow": False, "legend": "led"},
    "participant": {"stroke": "#595959", "width": 2.0, "dash": "0.1 4", "arrow": False, "legend": "took part"},
    "group-in-event": {"stroke": "#595959", "width": 2.0, "dash": "0.1 4", "arrow": False, "legend": "took part"},
    "predecessor": {"stroke": "#1f1f1f", "width": 1.6, "dash": "8 3 2 3", "arrow": True, "legend": "preceded"},
    "merger": {"stroke": "#1f1f1f", "width": 1.6, "dash": "8 3 2 3 2 3", "arrow": True, "legend": "merged into"},
    "part-of": {"stroke": "#1f1f1f", "width": 1.6, "dash": "12 4", "arrow": True, "legend": "part of"},
    "mention": {"stroke": "#8a8a8a", "width": 0.9, "dash": "4 3", "arrow": True, "legend": "mentions"},
}

#: A few rules for the site stylesheet. The SVG carries its own fill, stroke
#: and font attributes and is legible without them; these add what
#: attributes cannot: responsive sizing, hover and keyboard-focus states,
#: and Windows high-contrast (forced colours) support.
SVG_CSS = """\
.dossier-graph{display:block;max-width:100%;height:auto}
.dossier-graph a{cursor:pointer}
.dossier-graph a:focus{outline:none}
.dossier-graph a:hover .node-shape,.dossier-graph a:focus .node-shape{stroke:#000;stroke-width:3}
.dossier-graph a:hover .node-label,.dossier-graph a:focus .node-label{font-weight:bold;text-decoration:underline}
.dossier-graph a:focus-visible .node-shape{stroke:#000;stroke-width:4}
@media (forced-colors:active){
.dossier-graph .graph-bg{fill:Canvas}
.dossier-graph .edge{stroke:CanvasText}
.dossier-graph .node-shape{stroke:Canvas}
.dossier-graph text{fill:CanvasText;stroke:Canvas}
.dossier-graph a .node-shape{fill:LinkText}
.dossier-graph marker path{fill:CanvasText}
}
"""

_EDGE_ATTRS = ("relation", "label", "role", "dates")


# The graph ----------------------------------------------------------------


def build_graph(resolved) -> nx.MultiDiGraph:
    """The network of every person, group and event of a resolved site.

    Nodes are entity keys (``people/lev-sedov``) with the attributes
    ``kind``, ``title``, ``url``, ``dates`` (reader wording or "") and
    ``summary``. Edges run from the entity that holds the relation to the
    one it names, keyed by relation (``"member"``, then ``"member-2"`` … for
    further memberships of the same person in the same group) and carry
    ``relation``, ``label`` (short human wording), ``role`` and ``dates``
    (both "" unless the relation is a membership that gives them):

    ========================  ==================  =========================
    relation                  from -> to          read from
    ========================  ==================  =========================
    ``member``                person -> group     person ``memberships``,
                                                  group ``members``
    ``leader``                person -> group     group ``leaders``
    ``participant``           person -> event     event ``participants``
    ``group-in-event``        group -> event      event ``groups``
    ``predecessor``           old -> new group    ``predecessor``/``successor``
    ``merger``                merged -> new group group ``merger``
    ``part-of``               part -> whole       group/event ``part_of``
    ``mention``               page -> page        body ``[[links]]``
    ========================  ==================  =========================

    Relations naming a missing entity are skipped (the build reports them).
    A ``mention`` is one edge per ordered pair however often the body links,
    and a page never mentions itself.
    """
    site = resolved.site
    G = nx.MultiDiGraph()
    entities = sorted((e for k in NODE_KINDS for e in site.of_kind(k)), key=lambda e: e.key)
    for e in entities:
        G.add_node(
            e.key,
            kind=e.kind,
            title=e.title,
            url=e.url,
            dates=site.span_text(e),
            summary=e.get("summary") or "",
        )

    edges: list[tuple[str, str, str, str, str]] = []  # u, v, relation, role, dates

    def add(u, v, relation: str, role: str = "", dates: str = "") -> None:
        if u is None or v is None or u is v:
            return
        edges.append((u.key, v.key, relation, role, dates))

    for holder in entities:
        for ref, target in site.targets(holder):
            rel = ref.relation
            if rel is None or rel.edge is None or target.kind not in NODE_KINDS:
                continue
            if rel.converse and states(site, target, rel.converse, holder) and not site.schema.mutual(holder.kind, ref.field):
                continue  # drawn from the target's side, which says more
            u, v = (target, holder) if rel.edge_from_target else (holder, target)
            role = dates = ""
            if rel.note == "record" and ref.record:
                a, b = ref.record.get("from"), ref.record.get("to")
                role, dates = ref.record.get("role", ""), format_range(a, b) if (a or b) else ""
            add(u, v, rel.edge.name, role, dates)
    for e in entities:
        for ref in resolved.page(e).refs:
            if isinstance(ref, Link) and ref.target is not None and ref.target.kind in NODE_KINDS:
                add(e, ref.target, "mention")

    # One edge per (u, v, relation) except memberships, which may repeat
    # with different roles or periods (identical ones are merged).
    seen: set[tuple] = set()
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    labels = {edge.name: edge.label for edge in site.schema.edges()}
    rank = {edge.name: i for i, edge in enumerate(site.schema.edges())}
    for u, v, relation, role, dates in sorted(edges, key=lambda t: (t[0], t[1], rank[t[2]], t[3], t[4])):
        ident = (u, v, relation, role, dates)
        if ident in seen:
            continue
        seen.add(ident)
        counts[(u, v, relation)] += 1
        n = counts[(u, v, relation)]
        key = relation if n == 1 else f"{relation}-{n}"
        label = labels[relation]
        if role and role.lower() != label:
            label = f"{label} ({role})"
        G.add_edge(u, v, key=key, relation=relation, label=label, role=role, dates=dates)
    return G


def _sorted_copy(G: nx.MultiDiGraph, nodes: Iterable[str], edges: Iterable[tuple]) -> nx.MultiDiGraph:
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    for n in sorted(nodes):
        H.add_node(n, **G.nodes[n])
    for u, v, k in sorted(edges, key=lambda t: (t[0], t[1], str(t[2]))):
        H.add_edge(u, v, key=k, **G.edges[u, v, k])
    return H


def neighbourhood(G: nx.MultiDiGraph, key: str, radius: int = 1, max_nodes: int | None = None) -> nx.MultiDiGraph:
    """The node ``key`` and the relations reaching it, in both directions.

    With ``radius=1`` (the entity page's small graph): the node, every node
    it has an edge to or from, and exactly the edges that touch ``key``,
    not the edges among its neighbours. With a larger radius: the nodes
    within ``radius`` steps and the edges along which they were reached
    (edges with at least one end closer than ``radius``).

    The result's ``graph["center"]`` is ``key``: :func:`layout` then lays it
    out radially around ``key`` and :func:`render_svg` places labels outward.
    Raises ``KeyError`` when ``key`` is not a node (sources and articles are
    not in the network).

    With ``max_nodes`` (radius 1 only), a page linked from hundreds of others
    keeps its ``max_nodes - 1`` closest neighbours: those joined by the
    strongest relation first (leadership, membership, participation, … before
    a mere mention), then by more edges, then the better connected, then by
    key. ``graph["total_nodes"]``/``["total_edges"]`` then record the uncut
    neighbourhood, and :func:`render_svg` says so.
    """
    if key not in G:
        raise KeyError(key)
    dist = {key: 0}
    queue = deque([key])
    while queue:
        n = queue.popleft()
        if dist[n] >= radius:
            continue
        for m in sorted(set(G.successors(n)) | set(G.predecessors(n))):
            if m not in dist:
                dist[m] = dist[n] + 1
                queue.append(m)
    # only edges at nodes closer than ``radius`` qualify: look at those nodes'
    # own edges instead of scanning the whole graph (one scan per page was
    # quadratic over a site)
    inner = [n for n, d in dist.items() if d < radius]
    found = set()
    for n in inner:
        for u, v, k in G.out_edges(n, keys=True):
            if v in dist:
                found.add((u, v, k))
        for u, v, k in G.in_edges(n, keys=True):
            if u in dist:
                found.add((u, v, k))
    edges = found  # _sorted_copy orders them
    total_nodes, total_edges = len(dist), len(found)
    if max_nodes is not None and radius == 1 and len(dist) > max_nodes:
        best: dict[str, tuple[int, int]] = {}
        for u, v, k in found:
            other = v if u == key else u
            rank, count = best.get(other, (len(_REL_ORDER), 0))
            best[other] = (min(rank, _REL_ORDER.get(G.edges[u, v, k].get("relation"), len(_REL_ORDER))), count + 1)
        ranked = sorted(best, key=lambda n: (best[n][0], -best[n][1], -G.degree(n), n))
        dist = {key: 0, **{n: 1 for n in ranked[: max(0, max_nodes - 1)]}}
        edges = {(u, v, k) for u, v, k in found if u in dist and v in dist}
    H = _sorted_copy(G, dist, edges)
    if len(dist) < total_nodes:
        H.graph["total_nodes"], H.graph["total_edges"] = total_nodes, total_edges
    H.graph["center"] = key
    H.graph["radius"] = radius
    return H


def overview(G: nx.MultiDiGraph, max_nodes: int = 400, relations: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """A capped copy of ``G`` for the whole-network picture.

    Keeps the ``max_nodes`` most connected nodes (most distinct neighbours;
    ties broken by key, so the choice is deterministic) and the edges among
    them; with ``relations`` (e.g. ``{"member", "leader"}``) only edges of
    those relations are kept and connectedness is counted over them alone.
    A network within the cap comes back whole (as a copy).

    The caller draws the result instead of ``G`` on ``/graph/`` (a static
    SVG of thousands of nodes is neither legible nor small), shows
    ``edge_rows(result)`` as its table so picture and table agree, and
    links the complete network (``to_graphml(G)``/``to_gexf(G)``) for
    anyone who needs all of it. ``graph["total_nodes"]`` and
    ``graph["total_edges"]`` record the size of ``G``; :func:`render_svg`
    mentions the cut in the SVG's description.
    """
    wanted = set(relations) if relations is not None else None
    edges = [(u, v, k) for u, v, k, r in G.edges(keys=True, data="relation") if wanted is None or r in wanted]
    neighbours: dict[str, set[str]] = {n: set() for n in G}
    for u, v, _k in edges:
        neighbours[u].add(v)
        neighbours[v].add(u)
    ranked = sorted(G, key=lambda n: (-len(neighbours[n]), n))
    cap = max(0, max_nodes)
    keep = set(ranked[:cap])
    if len(ranked) > cap:
        # A node whose relations all fall outside the cut would float alone:
        # drop it, and fill up with the next best-connected nodes that link
        # to what is kept.
        keep = {n for n in keep if neighbours[n] & keep}
        for n in ranked[cap:]:
            if len(keep) >= cap:
                break
            if neighbours[n] & keep:
                keep.add(n)
    H = _sorted_copy(G, keep, [(u, v, k) for u, v, k in edges if u in keep and v in keep])
    H.graph["total_nodes"] = G.number_of_nodes()
    H.graph["total_edges"] = G.number_of_edges()
    return H


# Layout -------------------------------------------------------------------


def _unit(key: str, seed: int, salt: str) -> float:
    """A stable pseudo-random number in [0, 1) for a node (not hash()-salted)."""
    h = hashlib.blake2b(f"{seed}\0{salt}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2**64


def _components(nodes: list[str], adj: dict[str, list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    comps = []
    for start in nodes:
        if start in seen:
            continue
        seen.add(start)
        comp, queue = [], deque([start])
        while queue:
            n = queue.popleft()
            comp.append(n)
            for m in adj[n]:
                if m not in seen:
                    seen.add(m)
                    queue.append(m)
        comps.append(sorted(comp))
    comps.sort(key=lambda c: (-len(c), c[0]))
    return comps


#: How strongly each relation pulls its ends together in the layout: the
#: many body mentions should not drag the structure of memberships apart.
LAYOUT_WEIGHT = {"mention": 0.25}

#: Work budget of one force-directed layout, in pair interactions (about a
#: second of pure Python); the automatic iteration count follows from it.
_BUDGET = 1_200_000
_EXACT_MAX = 300  # above: repulsion only between nearby nodes (grid)


def _auto_iterations(n: int, exact: bool) -> int:
    per = n * (n - 1) / 2 if exact else n * 20
    return int(max(10 if n > 2000 else 30, min(200, _BUDGET / max(per, 1))))


def _force_directed(
    nodes: list[str], adj: dict[str, list[str]], weight: dict[tuple[str, str], float], seed: int, iterations: int | None
) -> list[tuple[float, float]]:
    """A ForceAtlas2-style layout in the component's own units: repulsion
    proportional to the product of the degrees (+1) over the distance, so
    hubs get room; attraction linear in the distance, times the pair's
    weight; gravity towards the centroid, proportional to the degree (+1).
    Steps are capped by a cooling temperature."""
    n = len(nodes)
    if n == 1:
        return [(0.0, 0.0)]
    if n == 2:
        return [(0.0, 0.0), (1.0, 0.0)]
    index = {k: i for i, k in enumerate(nodes)}
    pairs = sorted({(index[a], index[b]) for a in nodes for b in adj[a] if a < b})
    pw = [weight.get((nodes[i], nodes[j]), 1.0) for i, j in pairs]
    mass = [len(adj[k]) + 1.0 for k in nodes]
    exact = n <= _EXACT_MAX
    if iterations is None:
        iterations = _auto_iterations(n, exact)
    side = 2.0 * math.sqrt(n)
    X = [_unit(k, seed, "x") * side for k in nodes]
    Y = [_unit(k, seed, "y") * side for k in nodes]
    temp = 0.1 * side + 1.0
    cool = (temp - 0.05) / max(iterations, 1)
    gravity = 0.03
    for _ in range(iterations):
        DX = [0.0] * n
        DY = [0.0] * n
        if exact:
            for i in range(n):
                xi, yi, mi = X[i], Y[i], mass[i]
                fx = fy = 0.0
                for j in range(i + 1, n):
                    ddx = xi - X[j]
                    ddy = yi - Y[j]
                    d2 = ddx * ddx + ddy * ddy
                    if d2 < 1e-6:
                        ddx, ddy, d2 = 1e-3 * ((i + j) % 7 - 3) + 5e-4, 1e-3, 1e-4
                    f = mi * mass[j] / d2  # magnitude m_i m_j / d
                    fx += ddx * f
                    fy += ddy * f
                    DX[j] -= ddx * f
                    DY[j] -= ddy * f
                DX[i] += fx
                DY[i] += fy
        else:
            # Repulsion only within one cell, the cell sized each round so
            # that a cell holds about two nodes: linear work per round.
            x0, x1, y0, y1 = min(X), max(X), min(Y), max(Y)
            cell = max(math.sqrt(max((x1 - x0) * (y1 - y0), 1e-9) / n * 2.0), 1e-3)
            lim = cell * cell
            grid: dict[tuple[int, int], list[int]] = defaultdict(list)
            for i in range(n):
                grid[(int((X[i] - x0) // cell), int((Y[i] - y0) // cell))].append(i)
            for (cx, cy), members in grid.items():
                near = [j for ox in (-1, 0, 1) for oy in (-1, 0, 1) for j in grid.get((cx + ox, cy + oy), ())]
                for i in members:
                    xi, yi, mi = X[i], Y[i], mass[i]
                    fx = fy = 0.0
                    for j in near:
                        ddx = xi - X[j]
                        ddy = yi - Y[j]
                        d2 = ddx * ddx + ddy * ddy
                        if d2 > lim or j == i:
                            continue
                        if d2 < 1e-6:
                            ddx, ddy, d2 = 1e-3 * ((i + j) % 7 - 3) + 5e-4, 1e-3, 1e-4
                        f = mi * mass[j] / d2
                        fx += ddx * f
                        fy += ddy * f
                    DX[i] += fx
                    DY[i] += fy
        for (i, j), w in zip(pairs, pw):
            ddx = (X[i] - X[j]) * w
            ddy = (Y[i] - Y[j]) * w
            DX[i] -= ddx
            DY[i] -= ddy
            DX[j] += ddx
            DY[j] += ddy
        mx = sum(X) / n
        my = sum(Y) / n
        for i in range(n):
            g = gravity * mass[i]
            dx = DX[i] - g * (X[i] - mx)
            dy = DY[i] - g * (Y[i] - my)
            d = math.sqrt(dx * dx + dy * dy)
            if d > temp:
                dx, dy = dx * temp / d, dy * temp / d
            X[i] += dx
            Y[i] += dy
        temp -= cool
    return list(zip(X, Y))


def _pack(blocks: list[tuple[list[str], list[tuple[float, float]]]], aspect: float) -> dict[str, tuple[float, float]]:
    """Shelf-pack laid-out components (largest first) into a roughly
    ``aspect``-shaped area, one edge length apart."""
    boxes = []
    for nodes, pts in blocks:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        x0, y0 = min(xs), min(ys)
        boxes.append((nodes, [(x - x0, y - y0) for x, y in pts], max(xs) - x0, max(ys) - y0))
    gap = 2.0
    area = sum((w + gap) * (h + gap) for _, _, w, h in boxes)
    row_width = max(math.sqrt(area * aspect), boxes[0][2] + gap)
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for nodes, pts, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        for k, (px, py) in zip(nodes, pts):
            out[k] = (x + px, y + py)
        x += w + gap
        row_h = max(row_h, h)
    return out


_RING_MAX = 12  # a centre with more neighbours gets two columns instead of a ring


def _radial(nodes: list[str], adj: dict[str, list[str]], center: str, G) -> dict[str, tuple[float, float]]:
    """``center`` at the origin and the other nodes around it, in [-1, 1]^2.

    Up to ``_RING_MAX`` direct neighbours (and no farther nodes): a ring,
    ordered by kind and title. More: two columns, left and right, in that
    order, so that labels never collide. Farther nodes: further rings, each
    node at about the angle of its inner neighbours.
    """
    dist = {center: 0}
    queue = deque([center])
    while queue:
        n = queue.popleft()
        for m in adj[n]:
            if m not in dist:
                dist[m] = dist[n] + 1
                queue.append(m)
    depth = max(dist.values())
    out: dict[str, tuple[float, float]] = {center: (0.0, 0.0)}
    if depth == 0:
        return out
    kind_rank = {k: i for i, k in enumerate(NODE_KINDS)}

    def by_kind(n: str) -> tuple:
        return (kind_rank.get(G.nodes[n].get("kind"), 9), fold(str(G.nodes[n].get("title", n))), n)

    first = sorted((n for n in nodes if dist.get(n) == 1), key=by_kind)
    if depth == 1 and len(first) > _RING_MAX:
        half = (len(first) + 1) // 2
        for side, column in ((-1.0, first[:half]), (1.0, first[half:])):
            for i, n in enumerate(column):
                out[n] = (side, -1.0 + 2.0 * (i + 0.5) / len(column))
        return out
    angle: dict[str, float] = {center: 0.0}
    for ring in range(1, depth + 1):
        if ring == 1:
            members = first
        else:

            def inner(n: str) -> float:
                a = [angle[m] for m in adj[n] if dist.get(m) == ring - 1]
                return sum(a) / len(a) if a else 0.0

            members = sorted((n for n in nodes if dist.get(n) == ring), key=lambda n: (inner(n), n))
        m = len(members)
        stagger = m > 16
        for i, n in enumerate(members):
            a = -math.pi / 2 + 2 * math.pi * (i + 0.5 * (ring > 1)) / m
            r = ring / depth * (0.8 if stagger and i % 2 else 1.0)
            angle[n] = a
            out[n] = (r * math.cos(a), r * math.sin(a))
    return out


def layout(
    G: nx.Graph,
    *,
    seed: int = 1932,
    iterations: int | None = None,
    aspect: float = 4 / 3,
    center: str | None = None,
) -> dict[str, tuple[float, float]]:
    """Deterministic positions in [0, 1] x [0, 1] (y down), 4 decimals.

    Each connected component (edge direction ignored) gets a seeded
    force-directed layout in the manner of ForceAtlas2: hubs push harder,
    so they spread apart; body mentions pull with a quarter of the weight
    of the other relations (:data:`LAYOUT_WEIGHT`). Repulsion is exact up
    to 300 nodes and grid-approximated (nearby nodes only) above. The
    number of rounds is ``iterations`` or, by default, what a fixed work
    budget allows (200 for a hundred nodes, 30 for three hundred, 10 for
    thousands), so that time stays bounded: a few seconds for 8,500 nodes,
    well under one for the capped :func:`overview`. The components are then
    packed, largest first, into an area of about ``aspect`` (width/height)
    and each axis is scaled to [0, 1]. A lone node sits at (0.5, 0.5), a
    lone pair at (0, 0.5) and (1, 0.5).

    With ``center`` (by default ``G.graph["center"]``, which
    :func:`neighbourhood` sets) the layout is radial instead: ``center`` at
    (0.5, 0.5) and its neighbours on a ring, or, when there are more than
    twelve, in two columns left and right, in order of kind and title.

    The same graph and seed give the same positions on every run and
    platform: nodes are visited in sorted order, initial positions come from
    a hash of the seed and the node key (not Python's salted ``hash``), the
    arithmetic is plain floating point in a fixed order (no numpy) and the
    result is rounded.
    """
    nodes = sorted(G)
    if not nodes:
        return {}
    adj_sets: dict[str, set[str]] = {n: set() for n in nodes}
    weight: dict[tuple[str, str], float] = {}
    for u, v, rel in G.edges(data="relation"):
        if u != v:
            adj_sets[u].add(v)
            adj_sets[v].add(u)
            pair = (u, v) if u < v else (v, u)
            weight[pair] = min(2.0, weight.get(pair, 0.0) + LAYOUT_WEIGHT.get(rel, 1.0))
    adj = {n: sorted(s) for n, s in adj_sets.items()}
    if center is None:
        center = G.graph.get("center")
    if center is not None and center in adj_sets:
        raw = _radial(nodes, adj, center, G)
        rest = [n for n in nodes if n not in raw]
        if rest:  # not reachable from the center: a row below the rings
            for i, n in enumerate(rest):
                raw[n] = (-1 + 2 * (i + 0.5) / len(rest), 1.4)
        xs = [raw[n][0] for n in nodes]
        ys = [raw[n][1] for n in nodes]
        # keep the center in the middle: scale symmetrically about it
        sx = max(abs(x) for x in xs) or 1.0
        sy = max(abs(y) for y in ys) or 1.0
        return {n: (round(0.5 + 0.5 * raw[n][0] / sx, 4), round(0.5 + 0.5 * raw[n][1] / sy, 4)) for n in nodes}
    blocks = []
    for comp in _components(nodes, adj):
        blocks.append((comp, _force_directed(comp, adj, weight, seed, iterations)))
    raw = _pack(blocks, aspect)
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)

    def norm(v: float, lo: float, hi: float) -> float:
        return round((v - lo) / (hi - lo), 4) if hi - lo > 1e-12 else 0.5

    return {n: (norm(raw[n][0], x0, x1), norm(raw[n][1], y0, y1)) for n in nodes}


# SVG ----------------------------------------------------------------------


def _f(v: float) -> str:
    """A coordinate, 0.1 px precision, no '-0'."""
    s = f"{v:.1f}"
    return "0" if s in ("0.0", "-0.0") else s.removesuffix(".0")


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text_width(text: str, size: float) -> float:
    """Rough width of sans-serif text (for layout margins and the legend)."""
    return len(text) * size * 0.56


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _shape(kind: str, x: float, y: float, r: float, attrs: str) -> str:
    shape = KIND_STYLE.get(kind, {}).get("shape", "circle")
    if shape == "square":
        s = r * 0.886  # same area as the circle
        return f'<rect class="node-shape" x="{_f(x - s)}" y="{_f(y - s)}" width="{_f(2 * s)}" height="{_f(2 * s)}"{attrs}/>'
    if shape == "diamond":
        d = r * 1.25
        pts = f"{_f(x)},{_f(y - d)} {_f(x + d)},{_f(y)} {_f(x)},{_f(y + d)} {_f(x - d)},{_f(y)}"
        return f'<polygon class="node-shape" points="{pts}"{attrs}/>'
    return f'<circle class="node-shape" cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}"{attrs}/>'


def _legend(kinds: list[str], styles: list[str], width: float, font: float, prefix: str) -> tuple[list[str], float]:
    """Legend items flowed into rows; returns the SVG lines and the height."""
    items: list[tuple[float, Callable[[float, float], str]]] = []
    for kind in kinds:
        st = KIND_STYLE[kind]
        label = st["label"]

        def draw(x: float, y: float, kind=kind, label=label) -> str:
            shape = _shape(kind, x + 7, y, 6, f' fill="{KIND_STYLE[kind]["fill"]}" stroke="#ffffff" stroke-width="1"')
            return f'<g class="legend-item legend-{kind}">{shape}<text x="{_f(x + 18)}" y="{_f(y + font * 0.35)}">{escape(label)}</text></g>'

        items.append((18 + _text_width(label, font) + 16, draw))
    for legend in styles:
        rel = next(r for r, s in EDGE_STYLE.items() if s["legend"] == legend)
        st = EDGE_STYLE[rel]

        def draw(x: float, y: float, st=st, legend=legend, rel=rel) -> str:
            dash = f' stroke-dasharray="{st["dash"]}"' if st["dash"] else ""
            cap = ' stroke-linecap="round"' if st["dash"].startswith("0.1") else ""
            arrow = f' marker-end="url(#{prefix}-arrow-{_marker_name(st)})"' if st["arrow"] else ""
            line = f'<line class="edge edge-{rel}" x1="{_f(x)}" y1="{_f(y)}" x2="{_f(x + 28)}" y2="{_f(y)}" stroke="{st["stroke"]}" stroke-width="{st["width"]}"{dash}{cap}{arrow}/>'
            return f'<g class="legend-item legend-{rel}">{line}<text x="{_f(x + 34)}" y="{_f(y + font * 0.35)}">{escape(legend)}</text></g>'

        items.append((34 + _text_width(legend, font) + 16, draw))
    row_h = font + 9
    out: list[str] = []
    x, y = 8.0, row_h / 2 + 4
    for w, draw in items:
        if x > 8 and x + w > width - 8:
            x, y = 8.0, y + row_h
        out.append(draw(x, y))
        x += w
    return out, (y + row_h / 2 + 4 if items else 0.0)


def _marker_name(st: dict[str, Any]) -> str:
    return st["stroke"].lstrip("#")


#: Edges are drawn lightest first, so structure lies on top of mentions.
_DRAW_ORDER = {"mention": 0, "part-of": 1, "merger": 2, "predecessor": 3, "group-in-event": 4, "participant": 5, "member": 6, "leader": 7}


class _Occupied:
    """Rectangles already used by labels and nodes, bucketed for speed."""

    def __init__(self, size: float = 64.0):
        self.size = size
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float, str, bool]]] = defaultdict(list)

    def _keys(self, x0: float, y0: float, x1: float, y1: float):
        s = self.size
        for i in range(int(x0 // s), int(x1 // s) + 1):
            for j in range(int(y0 // s), int(y1 // s) + 1):
                yield (i, j)

    def add(self, box: tuple[float, float, float, float], owner: str = "", label: bool = False) -> None:
        for k in self._keys(*box):
            self.cells[k].append((*box, owner, label))

    def free(self, box: tuple[float, float, float, float], owner: str = "", labels_only: bool = False) -> bool:
        x0, y0, x1, y1 = box
        for k in self._keys(*box):
            for a0, b0, a1, b1, who, label in self.cells.get(k, ()):
                if who != owner and (label or not labels_only) and a0 < x1 and x0 < a1 and b0 < y1 and y0 < b1:
                    return False
        return True


def render_svg(
    G: nx.MultiDiGraph,
    pos: dict[str, tuple[float, float]],
    *,
    href: Callable[[str], str],
    title: str,
    width: int = 960,
    height: int | None = 720,
    highlight: str | None = None,
    id_prefix: str = "graph",
    max_labels: int = 150,
    label_chars: int | None = None,
    font_size: float = 11,
    label_placement: str = "auto",
) -> Markup:
    """A static, self-contained SVG of ``G`` drawn at ``pos`` (from :func:`layout`).

    No script needed: every node is an ``<a href="{href(key)}">`` holding its
    shape (circle = person, square = group, diamond = event, coloured by
    kind), a ``<title>`` tooltip (title, kind, dates) and a visible label,
    truncated to ``label_chars`` (default 24, or 36 around a centre). Labels are placed greedily, best-connected
    node first, below, above, right or left of the node, wherever they
    overlap no other label or node; a label that fits nowhere, and every
    label beyond the ``max_labels`` best-connected nodes, is left out (the
    node keeps its tooltip, and the table lists it). Edges are ``<line>``
    or, when two nodes have several relations, curved ``<path>`` elements
    inside one ``<g class="edge edge-{relation}">`` per relation that
    carries the stroke (:data:`EDGE_STYLE`), each with
    ``data-edge="u|relation|v"`` and a ``<title>``; nodes carry
    ``data-key``. A legend lists the kinds and edge styles present.

    ``<svg aria-labelledby="{p}-title {p}-desc">`` (the implicit
    graphics-document role; the HTML checker rejects role="group" on svg): the
    ``<title>`` is ``title``, the ``<desc>`` "Network of N people, M groups,
    K events and E relations". The role is ``group`` rather than ``img``
    because ``img`` makes its children presentational, which would hide the
    node links from assistive technology. Every id starts with
    ``id_prefix`` (made id-safe), so several SVGs can share a page.
    ``highlight`` (a node key) is drawn larger, outlined, labelled in bold
    and on top. For a neighbourhood (``G.graph["center"]``, see
    :func:`neighbourhood`) labels point away from the centre
    (``label_placement``: "auto", "below" or "radial").

    Fill, stroke and font are presentation attributes, so the SVG is legible
    without a stylesheet; :data:`SVG_CSS` adds responsive sizing, hover and
    focus states and forced-colours support. Output is deterministic.

    ``height=None`` picks a height to suit: for a neighbourhood drawn in
    two columns, enough for its labels (about 19 px a row at 11 px type).
    """
    missing = [n for n in G if n not in pos]
    if missing:
        raise ValueError(f"no position for {len(missing)} node(s), e.g. {sorted(missing)[0]!r}")
    p = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix) or "graph"
    if not p[0].isalpha():
        p = "g" + p
    W = float(width)
    nodes = sorted(G)
    edges = sorted(G.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2])))
    if highlight not in G:
        highlight = None

    # Legend first: its height is taken from the drawing area.
    kinds = [k for k in NODE_KINDS if any(G.nodes[n].get("kind") == k for n in nodes)]
    present = {d.get("relation") for *_e, d in edges}
    styles: list[str] = []
    for rel, st in EDGE_STYLE.items():
        if rel in present and st["legend"] not in styles:
            styles.append(st["legend"])
    legend_lines, legend_h = _legend(kinds, styles, W, font_size, p)
    if height is None:
        center0 = G.graph.get("center")
        ring = len(nodes) - 1
        if center0 in G and ring > _RING_MAX and all(center0 in (u, v) for u, v, *_ in edges):
            plot = math.ceil(ring / 2) * font_size * 1.7  # two columns of labels
        elif center0 in G:
            plot = W * 0.45
        else:
            plot = W * 0.6
        H = float(math.ceil(plot + legend_h + 2 * font_size + 40))
    else:
        H = float(height)

    # Connectedness, sizes, label texts and which nodes may be labelled.
    neighbours: dict[str, set[str]] = {n: set() for n in nodes}
    for u, v, _k, _d in edges:
        neighbours[u].add(v)
        neighbours[v].add(u)
    priority = sorted(nodes, key=lambda n: (n != highlight, -len(neighbours[n]), n))
    may_label = set(priority[: max(0, max_labels)])
    if highlight is not None:
        may_label.add(highlight)
    area = W * max(H - legend_h, 1.0)
    base_r = max(3.0, min(6.5, math.sqrt(area / max(len(nodes), 1)) * 0.12))
    radii = {n: base_r + min(4.0, 0.9 * math.sqrt(len(neighbours[n]))) + (3.0 if n == highlight else 0.0) for n in nodes}
    center = G.graph.get("center") if G.graph.get("center") in pos else None
    placement = label_placement
    if placement == "auto":
        placement = "radial" if center is not None else "below"
    if placement == "radial" and center is None:
        center = highlight
        if center is None:
            placement = "below"
    if label_chars is None:
        label_chars = 36 if placement == "radial" else 24
    labels = {n: _truncate(str(G.nodes[n].get("title", n)), label_chars) for n in nodes}

    # Map [0,1]^2 into the drawing area, leaving room for labels.
    widest = max((_text_width(labels[n], font_size) for n in may_label), default=0.0)
    max_r = max(radii.values(), default=base_r)
    if placement == "radial":
        pad_x = min(W * 0.32, widest + max_r + 10)
        pad_top = pad_bottom = font_size + max_r + 8
    else:
        pad_x = min(W * 0.12, widest / 2 + 6)
        pad_top, pad_bottom = max_r + 6, max_r + font_size + 8
    top, bottom = pad_top, H - legend_h - pad_bottom
    if bottom <= top:
        bottom = top + 1
    xy = {n: (pad_x + pos[n][0] * (W - 2 * pad_x), top + pos[n][1] * (bottom - top)) for n in nodes}
    cx, cy = xy[center] if center is not None else (W / 2, (top + bottom) / 2)

    n_kind = {k: sum(1 for n in nodes if G.nodes[n].get("kind") == k) for k in NODE_KINDS}
    desc = (
        f"Network of {_plural(n_kind['person'], 'person', 'people')}, {_plural(n_kind['group'], 'group', 'groups')}, "
        f"{_plural(n_kind['event'], 'event', 'events')} and {_plural(len(edges), 'relation', 'relations')}"
    )
    total = G.graph.get("total_nodes")
    if isinstance(total, int) and total > len(nodes):
        if center is not None:
            desc += f": the {len(nodes) - 1:,} closest of {total - 1:,} connections"
        else:
            desc += f": the {len(nodes):,} best-connected of {total:,} people, groups and events"
    if center is not None:
        desc += f", around {G.nodes[center].get('title', center)}"
    desc += "."

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dossier-graph" id="{p}" width="{int(W)}" height="{int(H)}" '
        f'viewBox="0 0 {int(W)} {int(H)}" aria-labelledby="{p}-title {p}-desc" '
        f'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, \'Helvetica Neue\', Arial, sans-serif" font-size="{_f(font_size)}">',
        f'<title id="{p}-title">{escape(title)}</title>',
        f'<desc id="{p}-desc">{escape(desc)}</desc>',
    ]
    markers = sorted({_marker_name(EDGE_STYLE[r]) for r in present if EDGE_STYLE.get(r, {}).get("arrow")})
    if markers:
        out.append("<defs>")
        for m in markers:
            size = 6 if m == _marker_name(EDGE_STYLE["mention"]) else 8
            out.append(
                f'<marker id="{p}-arrow-{m}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{size}" markerHeight="{size}" '
                f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10z" fill="#{m}"/></marker>'
            )
        out.append("</defs>")
    out.append(f'<rect class="graph-bg" x="0" y="0" width="{int(W)}" height="{int(H)}" fill="#ffffff"/>')

    # Edges: the relations of one pair of nodes (either direction) curved apart.
    drawn: list[tuple[tuple, str]] = []
    by_pair: dict[tuple[str, str], list] = defaultdict(list)
    for e in edges:
        if e[0] != e[1]:
            by_pair[(min(e[0], e[1]), max(e[0], e[1]))].append(e)
    for (a, b), group in by_pair.items():
        group.sort(key=lambda e: (_REL_ORDER.get(e[3].get("relation"), 99), e[0], e[1], str(e[2])))
        ax, ay = xy[a]
        bx, by = xy[b]
        length = math.hypot(bx - ax, by - ay) or 1.0
        nx_, ny_ = -(by - ay) / length, (bx - ax) / length
        m = len(group)
        for i, (u, v, k, d) in enumerate(group):
            rel = str(d.get("relation", ""))
            st = EDGE_STYLE.get(rel, EDGE_STYLE["member"])
            offset = (i - (m - 1) / 2) * 9.0
            qx, qy = (ax + bx) / 2 + nx_ * offset * 2, (ay + by) / 2 + ny_ * offset * 2
            ux, uy = xy[u]
            vx, vy = xy[v]
            sx, sy = _toward(ux, uy, qx, qy, radii[u] + 0.5)
            ex, ey = _toward(vx, vy, qx, qy, radii[v] + (2.0 if st["arrow"] else 0.5))
            what = str(d.get("label") or RELATIONS.get(rel, rel)) + (f", {d['dates']}" if d.get("dates") else "")
            tip = escape(f"{G.nodes[u].get('title', u)} — {what} — {G.nodes[v].get('title', v)}")
            head = f'data-edge="{escape(f"{u}|{rel}|{v}")}"'
            if offset == 0:
                svg = f'<line {head} x1="{_f(sx)}" y1="{_f(sy)}" x2="{_f(ex)}" y2="{_f(ey)}"><title>{tip}</title></line>'
            else:
                svg = f'<path {head} d="M{_f(sx)},{_f(sy)} Q{_f(qx)},{_f(qy)} {_f(ex)},{_f(ey)}"><title>{tip}</title></path>'
            drawn.append(((_DRAW_ORDER.get(rel, 9), rel, u, v, str(k)), svg))
    # One group per relation carries the stroke (inherited by its lines).
    out.append('<g class="edges" fill="none">')
    current = None
    for (_order, rel, *_rest), svg in sorted(drawn):
        if rel != current:
            if current is not None:
                out.append("</g>")
            current = rel
            st = EDGE_STYLE.get(rel, EDGE_STYLE["member"])
            attrs = f' stroke="{st["stroke"]}" stroke-width="{st["width"]}"'
            if st["dash"]:
                attrs += f' stroke-dasharray="{st["dash"]}"'
                if st["dash"].startswith("0.1"):
                    attrs += ' stroke-linecap="round"'
            if st["arrow"]:
                attrs += f' marker-end="url(#{p}-arrow-{_marker_name(st)})"'
            out.append(f'<g class="edge edge-{escape(rel)}" data-relation="{escape(rel)}"{attrs}>')
        out.append(svg)
    if current is not None:
        out.append("</g>")
    out.append("</g>")

    # Labels: greedy placement, most important first, avoiding nodes and
    # labels already placed.
    occupied = _Occupied()
    for n in nodes:
        x, y = xy[n]
        r = radii[n]
        occupied.add((x - r, y - r, x + r, y + r), n)
    placed: dict[str, tuple[float, float, str]] = {}
    h_text = font_size * 1.1
    # First pass: labels clear of nodes and labels; second pass, for the
    # nodes still unlabelled: clear of labels only.
    for labels_only in (False, True):
        for n in priority:
            if n not in may_label or n in placed:
                continue
            x, y = xy[n]
            r = radii[n]
            tw = _text_width(labels[n], font_size)
            below = (x, y + r + font_size + 1, "middle")
            above = (x, y - r - 4, "middle")
            right = (x + r + 4, y + font_size * 0.35, "start")
            left = (x - r - 4, y + font_size * 0.35, "end")
            if placement == "radial" and n != center:
                dx, dy = x - cx, y - cy
                if abs(dx) > 1.0:
                    options = [right if dx > 0 else left]
                else:
                    options = [above if dy < 0 else below]
            else:
                options = [below, above, right, left]
            for lx, ly, anchor in options:
                if anchor == "middle":
                    lx = min(max(lx, tw / 2 + 2), W - tw / 2 - 2)
                    x0 = lx - tw / 2
                elif anchor == "start":
                    x0 = lx
                else:
                    x0 = lx - tw
                box = (x0 - 1, ly - font_size * 0.85, x0 + tw + 1, ly - font_size * 0.85 + h_text)
                forced = n == highlight or (placement == "radial" and len(options) == 1)
                inside = box[0] >= 0 and box[2] <= W and box[1] >= 0 and box[3] <= H - legend_h
                if forced or (inside and occupied.free(box, n, labels_only)):
                    occupied.add(box, n, label=True)
                    placed[n] = (lx, ly, anchor)
                    break

    # Nodes, the highlighted one last (on top).
    out.append('<g class="nodes">')
    for n in [n for n in nodes if n != highlight] + ([highlight] if highlight is not None else []):
        data = G.nodes[n]
        kind = str(data.get("kind", ""))
        st = KIND_STYLE.get(kind, {"fill": "#595959", "label": kind})
        x, y = xy[n]
        if n == highlight:
            shape_attrs = f' fill="{st["fill"]}" stroke="#000000" stroke-width="3"'
        else:
            shape_attrs = f' fill="{st["fill"]}" stroke="#ffffff" stroke-width="1.5"'
        about = st.get("label", kind).lower() + (f", {data['dates']}" if data.get("dates") else "")
        tip = escape(f"{data.get('title', n)} — {about}")
        cls = f"node node-{escape(kind)}" + (" node-current" if n == highlight else "")
        parts = [f'<a href="{escape(href(n))}" class="{cls}" data-key="{escape(n)}"><title>{tip}</title>', _shape(kind, x, y, radii[n], shape_attrs)]
        if n in placed:
            lx, ly, anchor = placed[n]
            weight = ' font-weight="bold"' if n == highlight else ""
            parts.append(
                f'<text class="node-label" x="{_f(lx)}" y="{_f(ly)}" text-anchor="{anchor}" fill="#1a1a1a" stroke="#ffffff" '
                f'stroke-width="3" stroke-linejoin="round" style="paint-order:stroke"{weight}>{escape(labels[n])}</text>'
            )
        parts.append("</a>")
        out.append("".join(parts))
    out.append("</g>")

    if legend_lines:
        out.append(f'<g class="legend" transform="translate(0 {_f(H - legend_h)})" fill="#1a1a1a">')
        out.append(f'<rect x="0" y="0" width="{int(W)}" height="{_f(legend_h)}" fill="#f5f5f5"/>')
        out.extend(legend_lines)
        out.append("</g>")
    out.append("</svg>")
    return Markup("\n".join(out))


def _toward(px: float, py: float, tx: float, ty: float, r: float) -> tuple[float, float]:
    """The point ``r`` from (px, py) toward (tx, ty): an edge's end on a node's rim."""
    dx, dy = tx - px, ty - py
    d = math.hypot(dx, dy)
    if d <= r:
        return px, py
    return px + dx / d * r, py + dy / d * r


# Tables and exports -------------------------------------------------------------


def edge_rows(G: nx.MultiDiGraph) -> list[dict[str, str]]:
    """The edges as table rows, the accessible equivalent of the SVG.

    Each row: ``source_key``, ``source_title``, ``relation``, ``label``,
    ``target_key``, ``target_title``, and also ``source_kind``,
    ``target_kind``, ``source_url``, ``target_url``, ``role`` and
    ``dates``. Sorted by source title, relation, target title (then keys).
    """
    rows = []
    for u, v, _k, d in G.edges(keys=True, data=True):
        su, sv = G.nodes[u], G.nodes[v]
        rows.append(
            {
                "source_key": u,
                "source_title": str(su.get("title", u)),
                "source_kind": str(su.get("kind", "")),
                "source_url": str(su.get("url", "")),
                "relation": str(d.get("relation", "")),
                "label": str(d.get("label", d.get("relation", ""))),
                "role": str(d.get("role", "") or ""),
                "dates": str(d.get("dates", "") or ""),
                "target_key": v,
                "target_title": str(sv.get("title", v)),
                "target_kind": str(sv.get("kind", "")),
                "target_url": str(sv.get("url", "")),
            }
        )
    rows.sort(
        key=lambda r: (
            fold(r["source_title"]),
            r["source_key"],
            _REL_ORDER.get(r["relation"], 99),
            fold(r["target_title"]),
            r["target_key"],
            r["dates"],
            r["role"],
        )
    )
    return rows


def _safe(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return value
    return str(value)


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
        for a in _EDGE_ATTRS:
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
        for a in _EDGE_ATTRS:
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
        return _XML_DECL + "\n".join(nx.generate_graphml(H, encoding="utf-8", prettyprint=True, edge_id_from_attribute="id")) + "\n"
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
    return _XML_DECL + "\n".join(head + body + ["</graphml>"]) + "\n"


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
    return _XML_DECL + "\n".join(lines) + "\n"


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
    return _XML_DECL + text + "\n"
