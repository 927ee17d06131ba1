"""The network as a static, self-contained SVG: nodes as links, edges styled by
relation, labels placed where they overlap nothing, a legend."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable

import networkx as nx
from markupsafe import Markup, escape

from .graph import NODE_KINDS, RELATION_ORDER, RELATIONS
from .layout import RING_MAX

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
    c = _canvas(G, pos, width, height, highlight, id_prefix, max_labels, label_chars, font_size, label_placement)
    out = _head(G, c, title)
    out += _edges_svg(G, c)
    out += _nodes_svg(G, c, _place_labels(c), href)
    if c.legend_lines:
        out.append(f'<g class="legend" transform="translate(0 {_f(c.H - c.legend_h)})" fill="#1a1a1a">')
        out.append(f'<rect x="0" y="0" width="{int(c.W)}" height="{_f(c.legend_h)}" fill="#f5f5f5"/>')
        out.extend(c.legend_lines)
        out.append("</g>")
    out.append("</svg>")
    return Markup("\n".join(out))


@dataclass
class _Canvas:
    """What a drawing decides before it draws: size, legend, where each node
    goes, how large it is, which nodes may be labelled and with what."""

    p: str  # the id prefix
    W: float
    H: float
    font_size: float
    nodes: list[str]
    edges: list[tuple]
    highlight: str | None
    present: set[str]  # relations drawn
    legend_lines: list[str]
    legend_h: float
    priority: list[str]  # nodes, most important first
    may_label: set[str]
    radii: dict[str, float]
    center: str | None
    placement: str  # "below" or "radial"
    labels: dict[str, str]
    xy: dict[str, tuple[float, float]]
    cx: float
    cy: float


def _canvas(G, pos, width, height, highlight, id_prefix, max_labels, label_chars, font_size, label_placement) -> _Canvas:
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
        if center0 in G and ring > RING_MAX and all(center0 in (u, v) for u, v, *_ in edges):
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

    return _Canvas(p, W, H, font_size, nodes, edges, highlight, present, legend_lines, legend_h, priority, may_label, radii, center, placement, labels, xy, cx, cy)


def _head(G, c: _Canvas, title: str) -> list[str]:
    """The opening tag, title, description, arrow markers and background."""
    p, W, H, nodes, edges, center, font_size, present = c.p, c.W, c.H, c.nodes, c.edges, c.center, c.font_size, c.present
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

    return out


def _edges_svg(G, c: _Canvas) -> list[str]:
    """Edges: the relations of one pair of nodes (either direction) curved
    apart; one group per relation carries the stroke."""
    p, xy, radii, edges = c.p, c.xy, c.radii, c.edges
    out: list[str] = []
    # Edges: the relations of one pair of nodes (either direction) curved apart.
    drawn: list[tuple[tuple, str]] = []
    by_pair: dict[tuple[str, str], list] = defaultdict(list)
    for e in edges:
        if e[0] != e[1]:
            by_pair[(min(e[0], e[1]), max(e[0], e[1]))].append(e)
    for (a, b), group in by_pair.items():
        group.sort(key=lambda e: (RELATION_ORDER.get(e[3].get("relation"), 99), e[0], e[1], str(e[2])))
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

    return out


def _place_labels(c: _Canvas) -> dict[str, tuple[float, float, str]]:
    """Where each label goes: greedy placement, most important first,
    avoiding nodes and labels already placed."""
    W, H, font_size, xy, radii, labels, placement = c.W, c.H, c.font_size, c.xy, c.radii, c.labels, c.placement
    cx, cy, center, highlight, legend_h = c.cx, c.cy, c.center, c.highlight, c.legend_h
    nodes, priority, may_label = c.nodes, c.priority, c.may_label
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

    return placed


def _nodes_svg(G, c: _Canvas, placed: dict[str, tuple[float, float, str]], href: Callable[[str], str]) -> list[str]:
    """Nodes as links with their shape, tooltip and label, the highlighted one last (on top)."""
    nodes, highlight, xy, radii, labels = c.nodes, c.highlight, c.xy, c.radii, c.labels
    out: list[str] = []
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

    return out


def _toward(px: float, py: float, tx: float, ty: float, r: float) -> tuple[float, float]:
    """The point ``r`` from (px, py) toward (tx, ty): an edge's end on a node's rim."""
    dx, dy = tx - px, ty - py
    d = math.hypot(dx, dy)
    if d <= r:
        return px, py
    return px + dx / d * r, py + dy / d * r
