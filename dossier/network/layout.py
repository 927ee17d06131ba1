"""Where each node goes: a seeded, pure-Python force-directed layout (and a
radial one for neighbourhoods), deterministic and of bounded work."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict, deque

import networkx as nx

from ..text import fold
from .graph import NODE_KINDS

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
#: many body mentions should not drag the structure of memberships apart
#: (the network page hides them until asked for), but a page linked only by
#: mentions stays near what mentions it.
LAYOUT_WEIGHT = {"mention": 0.05}

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


def _radial(nodes: list[str], adj: dict[str, list[str]], center: str, G) -> dict[str, tuple[float, float]]:
    """``center`` at the origin and the other nodes around it, in [-1, 1]^2.

    Direct neighbours only (an entity page's drawing): two columns, left
    and right, in order of kind and title (the first half on the left), so
    that labels never collide and the drawing stays narrow enough for a
    phone. Farther nodes: rings, each node at about the angle of its inner
    neighbours.
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
    if depth == 1:
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

            def inner(n: str, ring: int = ring) -> float:
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
    so they spread apart; body mentions pull with a twentieth of the weight
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
    (0.5, 0.5) and its direct neighbours in two columns, left (x = 0) and
    right (x = 1), in order of kind and title; farther nodes on rings.

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
