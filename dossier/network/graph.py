"""The network model: people, groups and events as nodes, the relations the
schema declares (and mentions in bodies) as edges; neighbourhoods and capped
overviews of it."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

import networkx as nx

from ..dates import format_range
from ..resolve import Link, states
from ..schema import SCHEMA

#: The entity kinds that are nodes of the network, in legend order.
NODE_KINDS = ("person", "group", "event")

#: Every edge relation of the default schema with its short human label, in
#: table and legend order (declared in the schema, beside each relation).
RELATIONS: dict[str, str] = {edge.name: edge.label for edge in SCHEMA.edges()}
RELATION_ORDER = {r: i for i, r in enumerate(RELATIONS)}

EDGE_ATTRS = ("relation", "label", "role", "dates")


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
        for ref in resolved.of(e).refs:
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


def structure(G: nx.MultiDiGraph) -> str:
    """The digest of the network's structure: its nodes and its edges (with
    their relations), all that :func:`neighbourhood` chooses a capped
    neighbourhood's nodes by. Not the nodes' titles, dates or summaries, nor
    the edges' roles and dates: a page shows those of what it draws, and
    notes them."""
    import hashlib

    nodes = "\n".join(sorted(G))
    edges = "\n".join(sorted(f"{u}\0{v}\0{k}\0{r}" for u, v, k, r in G.edges(keys=True, data="relation")))
    return hashlib.sha256(f"{nodes}\n\n{edges}".encode()).hexdigest()


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
            rank, count = best.get(other, (len(RELATION_ORDER), 0))
            best[other] = (min(rank, RELATION_ORDER.get(G.edges[u, v, k].get("relation"), len(RELATION_ORDER))), count + 1)
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
