"""The network as a static, self-contained SVG: nodes as links, edges styled by
relation, every label placed where it overlaps no other label and no node."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from markupsafe import Markup, escape

from ..text import fold
from ..textmetrics import text_width, wrap
from ..xmlchars import xml_safe
from .graph import NODE_KINDS, RELATION_ORDER, RELATIONS

#: Fill colour and shape of each kind. Okabe-Ito colours (distinguishable
#: with the common colour-vision deficiencies), each at least 3:1 against
#: the light page (5.2, 3.9 and 3.4 on white) and against the dark one
#: (3.5, 4.9, 5.2 on #17181b); the shape differs too, so colour is never
#: the only cue.
KIND_STYLE: dict[str, dict[str, str]] = {
    "person": {"fill": "#0072b2", "shape": "circle", "label": "Person", "one": "person", "many": "people"},
    "group": {"fill": "#d55e00", "shape": "square", "label": "Group", "one": "group", "many": "groups"},
    "event": {"fill": "#009e73", "shape": "diamond", "label": "Event", "one": "event", "many": "events"},
}

#: Stroke of each relation: its tone (``edge``, ``strong`` or ``faint``:
#: greys of at least 3:1 against the page, light and dark; :data:`TONES`),
#: width, dash pattern ("" = solid), arrowhead (for relations whose
#: direction is not implied by the kinds at its ends) and the legend entry
#: it belongs to.
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "member": {"tone": "edge", "width": 1.5, "dash": "", "arrow": False, "legend": "member"},
    "leader": {"tone": "strong", "width": 3.2, "dash": "", "arrow": False, "legend": "led"},
    "participant": {"tone": "edge", "width": 2.0, "dash": "0.1 4", "arrow": False, "legend": "took part"},
    "group-in-event": {"tone": "edge", "width": 2.0, "dash": "0.1 4", "arrow": False, "legend": "took part"},
    "predecessor": {"tone": "strong", "width": 1.6, "dash": "8 3 2 3", "arrow": True, "legend": "preceded"},
    "merger": {"tone": "strong", "width": 1.6, "dash": "8 3 2 3 2 3", "arrow": True, "legend": "merged into"},
    "part-of": {"tone": "strong", "width": 1.6, "dash": "12 4", "arrow": True, "legend": "part of"},
    "mention": {"tone": "faint", "width": 0.9, "dash": "4 3", "arrow": True, "legend": "mentions"},
}

#: The greys of the edge tones: (light page, dark page). Light: 7.0, 16.8
#: and 3.5 against white; dark: 7.5, 13.9 and 5.1 against #17181b.
TONES: dict[str, tuple[str, str]] = {"edge": ("#595959", "#a8a8a8"), "strong": ("#1f1f1f", "#e0e0e0"), "faint": ("#8a8a8a", "#8c8c8c")}
for _st in EDGE_STYLE.values():
    _st["stroke"] = TONES[_st["tone"]][0]
del _st

#: The legend entries of the edges, in legend order, with the relations each covers.
LEGEND: dict[str, list[str]] = {}
for _rel, _st in EDGE_STYLE.items():
    LEGEND.setdefault(_st["legend"], []).append(_rel)
del _rel, _st

#: Relations left out of the whole network's first view (see :func:`legend_items`).
HIDDEN_AT_FIRST = ("mention",)


def _filter_css() -> str:
    """Rules of the network page's filters: a checkbox per kind and per edge
    legend entry (``input[data-filter=…]``, see :func:`legend_items`), read
    by ``:has()``, so the filters work without a script. Mentions are
    hidden unless their box is ticked."""
    out = []
    for kind in NODE_KINDS:
        out.append(f'.graph-figure:has(input[data-filter="{kind}"]:not(:checked)) .k-{kind}{{display:none}}')
    for legend, rels in LEGEND.items():
        sel = ",".join(f".graph-figure:has(input[data-filter=\"{_slug(legend)}\"]:not(:checked)) .edge-{r}" for r in rels)
        out.append(f"{sel}{{display:none}}")
    shown = ",".join(f'.graph-figure:has(input[data-filter="{_slug(LEGEND_OF[r])}"]:checked) .edge-{r}' for r in HIDDEN_AT_FIRST)
    hidden = ",".join(f".net-overview .edge-{r}" for r in HIDDEN_AT_FIRST)
    out.append(f"{hidden}{{display:none}}")
    out.append(f"{shown}{{display:inline}}")
    return "\n".join(out) + "\n"


def _slug(legend: str) -> str:
    return legend.replace(" ", "-")


LEGEND_OF = {rel: st["legend"] for rel, st in EDGE_STYLE.items()}


#: Rules for the site stylesheet. The SVG carries its own fill, stroke and
#: font attributes and is legible without them; these add what attributes
#: cannot: responsive sizing, the page's colour scheme (light, dark and
#: forced colours: the drawing's background, labels and halos follow the
#: page), hover and keyboard-focus states, the neighbour highlight of
#: ``figures.js``, and the network page's filters.
SVG_CSS = (
    """\
/* Network drawings (dossier.network) */
.dossier-graph{display:block;max-width:100%;height:auto;--g-bg:var(--bg,#fff);--g-text:var(--text,#1a1a1a);--g-legend:var(--surface,#f5f5f5)"""
    + "".join(f";--g-{t}:{light}" for t, (light, _dark) in TONES.items())
    + """}
.dossier-graph.net-overview{max-width:none}
@media (prefers-color-scheme:dark){.dossier-graph{"""
    + ";".join(f"--g-{t}:{dark}" for t, (_light, dark) in TONES.items())
    + """}}
.dossier-graph .graph-bg{fill:var(--g-bg)}
.dossier-graph .legend-bg{fill:var(--g-legend)}
.dossier-graph text{fill:var(--g-text)}
.dossier-graph .node-label{stroke:var(--g-bg)}
.dossier-graph .node-shape{stroke:var(--g-bg)}
.dossier-graph .node-current .node-shape{stroke:var(--g-text)}
"""
    + "".join(f".dossier-graph .tone-{t}{{stroke:var(--g-{t})}}\n.dossier-graph .marker-{t} path{{fill:var(--g-{t})}}\n" for t in TONES)
    + """\
.dossier-graph a{cursor:pointer}
.dossier-graph a:focus{outline:none}
.dossier-graph a:hover .node-shape,.dossier-graph a:focus .node-shape{stroke:var(--g-text);stroke-width:3}
.dossier-graph a:hover .node-label,.dossier-graph a:focus .node-label{font-weight:bold;text-decoration:underline}
.dossier-graph a:focus-visible .node-shape{stroke:var(--g-text);stroke-width:4}
.dossier-graph.is-highlighting .node:not(.is-near){opacity:.25}
.dossier-graph.is-highlighting .edges [data-edge]:not(.is-near){opacity:.12}
.dossier-graph.is-highlighting .edges .is-near{stroke-width:3}
.dossier-graph.legend-swatch{display:inline-block;vertical-align:middle}
.graph-filters{display:flex;flex-wrap:wrap;gap:.4rem 2rem;margin:0 0 .5rem;font-family:var(--sans,sans-serif);font-size:.9rem}
.graph-filters fieldset{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem 1rem;border:0;margin:0;padding:0;min-width:0}
.graph-filters legend{float:left;margin-right:.25rem;padding:0;font-weight:600}
.graph-filters label{display:inline-flex;align-items:center;gap:.3rem;white-space:nowrap;min-height:24px}
.graph-filters .count{color:var(--muted,#59544c)}
.figure-skip{position:absolute;left:-10000px;top:auto}
.figure-skip:focus{position:static;display:inline-block;margin:.25rem 0;padding:.25rem .5rem;background:var(--bg,#fff);outline:2px solid var(--focus,#c2410c)}
.zoom-controls{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem;margin:.25rem 0 .5rem;font-family:var(--sans,sans-serif);font-size:.9rem}
.zoom-controls button{min-width:2.5rem;min-height:2rem;font:inherit;color:var(--text,#1f1d1a);background:var(--surface,#f3f0e8);border:1px solid var(--rule-strong,#8a8275);border-radius:.25rem;cursor:pointer}
.zoom-controls output{min-width:3.5em;color:var(--muted,#59544c)}
.graph-scroll.is-pannable{cursor:grab}
.graph-scroll.is-panning{cursor:grabbing;user-select:none}
@media (forced-colors:active){
.dossier-graph .graph-bg,.dossier-graph .legend-bg{fill:Canvas}
.dossier-graph .edge,.dossier-graph [class*="tone-"]{stroke:CanvasText}
.dossier-graph .node-shape{stroke:Canvas}
.dossier-graph text{fill:CanvasText;stroke:Canvas}
.dossier-graph a .node-shape{fill:LinkText}
.dossier-graph .node-current .node-shape{fill:Highlight;stroke:CanvasText}
.dossier-graph marker path{fill:CanvasText}
}
"""
    + _filter_css()
)


# SVG ----------------------------------------------------------------------


def _f(v: float) -> str:
    """A coordinate, 0.1 px precision, no '-0'."""
    s = f"{v:.1f}"
    return "0" if s in ("0.0", "-0.0") else s.removesuffix(".0")


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


def _extent(kind: str, r: float) -> float:
    """Half the width (and height) a node's shape takes."""
    return r * 1.25 if KIND_STYLE.get(kind, {}).get("shape") == "diamond" else r


def _edge_attrs(rel: str, prefix: str) -> str:
    st = EDGE_STYLE.get(rel, EDGE_STYLE["member"])
    attrs = f' class="tone-{st["tone"]}" stroke="{st["stroke"]}" stroke-width="{st["width"]}"'
    if st["dash"]:
        attrs += f' stroke-dasharray="{st["dash"]}"'
        if st["dash"].startswith("0.1"):
            attrs += ' stroke-linecap="round"'
    if st["arrow"]:
        attrs += f' marker-end="url(#{prefix}-arrow-{st["tone"]})"'
    return attrs


def swatch(item: str) -> Markup:
    """A small inline SVG of a kind's shape or an edge legend entry's stroke,
    for a legend outside the drawing (the network page's filters)."""
    if item in KIND_STYLE:
        st = KIND_STYLE[item]
        body = _shape(item, 8, 8, 6, f' fill="{st["fill"]}" stroke="none"')
        return Markup(f'<svg class="dossier-graph legend-swatch" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{body}</svg>')
    rel = LEGEND[item][0]
    st = EDGE_STYLE[rel]
    attrs = _edge_attrs(rel, "swatch").split(' marker-end=')[0]
    return Markup(f'<svg class="dossier-graph legend-swatch" width="28" height="16" viewBox="0 0 28 16" aria-hidden="true"><line x1="1" y1="8" x2="27" y2="8"{attrs}/></svg>')


def legend_items(G: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    """The kinds and edge legend entries present in ``G``, for filters beside
    its drawing: ``{"kinds": [...], "relations": [...]}``, each item with
    ``filter`` (the value CSS reads, see :data:`SVG_CSS`), ``label``,
    ``count``, ``checked`` (mentions start unticked: :data:`HIDDEN_AT_FIRST`)
    and ``swatch``."""
    kinds = defaultdict(int)
    for _n, kind in G.nodes(data="kind"):
        kinds[kind] += 1
    rels = defaultdict(int)
    for *_e, rel in G.edges(data="relation"):
        rels[LEGEND_OF.get(rel, rel)] += 1
    return {
        "kinds": [
            {"filter": k, "label": KIND_STYLE[k]["many"].capitalize(), "count": kinds[k], "checked": True, "swatch": swatch(k)}
            for k in NODE_KINDS
            if kinds.get(k)
        ],
        "relations": [
            {
                "filter": _slug(legend),
                "label": legend,
                "count": rels[legend],
                "checked": not all(r in HIDDEN_AT_FIRST for r in LEGEND[legend]),
                "swatch": swatch(legend),
            }
            for legend in LEGEND
            if rels.get(legend)
        ],
    }


def _legend(kinds: list[str], styles: list[str], width: float, font: float, prefix: str) -> tuple[list[str], float]:
    """Legend items flowed into rows; returns the SVG lines and the height."""
    items: list[tuple[float, Callable[[float, float], str]]] = []
    for kind in kinds:
        label = KIND_STYLE[kind]["label"]

        def draw(x: float, y: float, kind=kind, label=label) -> str:
            shape = _shape(kind, x + 7, y, 6, f' fill="{KIND_STYLE[kind]["fill"]}" stroke="none"')
            return f'<g class="legend-item legend-{kind}">{shape}<text x="{_f(x + 18)}" y="{_f(y + font * 0.35)}">{escape(label)}</text></g>'

        items.append((18 + text_width(label, font) + 14, draw))
    for legend in styles:
        rel = LEGEND[legend][0]

        def draw(x: float, y: float, legend=legend, rel=rel) -> str:
            attrs = _edge_attrs(rel, prefix).replace(' class="', f' class="edge edge-{rel} ', 1)
            line = f'<line x1="{_f(x)}" y1="{_f(y)}" x2="{_f(x + 28)}" y2="{_f(y)}"{attrs}/>'
            return f'<g class="legend-item legend-{rel}">{line}<text x="{_f(x + 34)}" y="{_f(y + font * 0.35)}">{escape(legend)}</text></g>'

        items.append((34 + text_width(legend, font) + 14, draw))
    row_h = font + 9
    out: list[str] = []
    x, y = 6.0, row_h / 2 + 4
    for w, draw in items:
        if x > 6 and x + w > width - 6:
            x, y = 6.0, y + row_h
        out.append(draw(x, y))
        x += w
    return out, (y + row_h / 2 + 4 if items else 0.0)


#: Edges are drawn lightest first, so structure lies on top of mentions.
_DRAW_ORDER = {"mention": 0, "part-of": 1, "merger": 2, "predecessor": 3, "group-in-event": 4, "participant": 5, "member": 6, "leader": 7}


def render_svg(
    G: nx.MultiDiGraph,
    pos: dict[str, tuple[float, float]],
    *,
    href: Callable[[str], str],
    title: str,
    width: int = 960,
    height: int | None = None,
    highlight: str | None = None,
    id_prefix: str = "graph",
    max_labels: int = 150,
    label_width: float | None = None,
    font_size: float = 12,
    legend: bool = True,
) -> Markup:
    """A static, self-contained SVG of ``G`` drawn at ``pos`` (from :func:`layout`).

    No script needed: every node is an ``<a href="{href(key)}">`` holding its
    shape (circle = person, square = group, diamond = event, coloured by
    kind), a ``<title>`` tooltip (title, kind, dates) and a visible label of
    up to two lines ``label_width`` px wide (the rest cut with "…"; the
    tooltip and the table have it whole). Edges are ``<line>`` or, when two
    nodes have several relations, curved ``<path>`` elements inside one
    ``<g class="edge edge-{relation}">`` per relation that carries the
    stroke (:data:`EDGE_STYLE`), each with ``data-edge="u|relation|v"``, the
    classes ``k-{kind}`` of its two ends (for the filters) and a ``<title>``;
    nodes carry ``data-key`` and ``k-{kind}``. With ``legend``, a legend
    lists the kinds and edge styles present.

    Two pictures:

    * **a neighbourhood** (``G.graph["center"]`` with its direct neighbours
      laid out in two columns, see :func:`neighbourhood`): the centre in the
      middle, drawn larger and outlined, labelled in bold and not a link
      (it is the page the drawing is on); the neighbours in a column left and
      right, each label on the outer side, the nodes spaced so that labels
      never touch. Narrow by design: at ``width=400`` and ``font_size=12.5``
      a phone shows labels of at least 11 px.
    * **a network** (anything else): the layout is scaled to ``width`` and
      then every node with its label (below it) is a box, and boxes are
      pushed apart until none overlaps another (:func:`_separate`): no label
      covers another label or a node. Labels go to the ``max_labels``
      best-connected nodes (the others keep their tooltip and are in the
      table). ``height=None`` (the default) takes the height the boxes need.

    Label widths are measured with :mod:`dossier.textmetrics`, whose widths
    are at least those of the common sans-serif system fonts, so the boxes
    the browser draws are no larger than the ones planned.

    Links come in order of importance (the most connected first; in a
    neighbourhood, the left column then the right, top to bottom), which is
    the keyboard's order, not the drawing's. ``<svg aria-labelledby="{p}-title
    {p}-desc">`` (the implicit graphics-document role; the HTML checker
    rejects role="group" on svg): the ``<title>`` is ``title``, the
    ``<desc>`` "Network of N people, M groups, K events and E relations".
    Every id starts with ``id_prefix`` (made id-safe), so several SVGs can
    share a page.

    Fill, stroke and font are presentation attributes, so the SVG is legible
    without a stylesheet; :data:`SVG_CSS` makes it follow the page's colour
    scheme and adds responsive sizing, hover and focus states and
    forced-colours support. Output is deterministic.
    """
    c = _canvas(G, pos, width, height, highlight, id_prefix, max_labels, label_width, font_size, legend)
    out = _head(G, c, title)
    out += _edges_svg(G, c)
    out += _nodes_svg(G, c, href)
    if c.legend_lines:
        out.append(f'<g class="legend" transform="translate(0 {_f(c.H - c.legend_h)})" fill="#1a1a1a">')
        out.append(f'<rect class="legend-bg" x="0" y="0" width="{int(c.W)}" height="{_f(c.legend_h)}" fill="#f5f5f5"/>')
        out.extend(c.legend_lines)
        out.append("</g>")
    out.append("</svg>")
    return Markup(xml_safe("\n".join(out)))


@dataclass
class _Canvas:
    """What a drawing decides before it draws: size, legend, where each node
    goes, how large it is, which label it has and where."""

    p: str  # the id prefix
    W: float
    H: float
    font_size: float
    nodes: list[str]  # in link (keyboard) order
    edges: list[tuple]
    highlight: str | None  # the centre of a neighbourhood, or the highlighted node
    present: set[str]  # relations drawn
    legend_lines: list[str]
    legend_h: float
    radii: dict[str, float]
    xy: dict[str, tuple[float, float]]
    #: node -> (x, first baseline, text-anchor, lines)
    labels: dict[str, tuple[float, float, str, list[str]]] = field(default_factory=dict)
    columns: bool = False


LINE = 1.2  # line height, in ems
ASCENT, DESCENT = 0.95, 0.27  # of the label fonts, in ems (DejaVu Sans: 0.93, 0.24)


def _canvas(G, pos, width, height, highlight, id_prefix, max_labels, label_width, font_size, legend) -> _Canvas:
    missing = [n for n in G if n not in pos]
    if missing:
        raise ValueError(f"no position for {len(missing)} node(s), e.g. {sorted(missing)[0]!r}")
    p = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix) or "graph"
    if not p[0].isalpha():
        p = "g" + p
    W = float(width)
    edges = sorted(G.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2])))
    center = G.graph.get("center")
    if center not in G:
        center = None
    if highlight not in G:
        highlight = center

    # Legend first: its height is added below the drawing.
    kinds = [k for k in NODE_KINDS if any(d.get("kind") == k for _n, d in G.nodes(data=True))]
    present = {d.get("relation") for *_e, d in edges}
    styles = [legend for legend, rels in LEGEND.items() if present & set(rels)]
    legend_lines, legend_h = _legend(kinds, styles, W, font_size, p) if legend else ([], 0.0)

    neighbours: dict[str, set[str]] = {n: set() for n in G}
    for u, v, _k, _d in edges:
        if u != v:
            neighbours[u].add(v)
            neighbours[v].add(u)
    priority = sorted(G, key=lambda n: (n != highlight, -len(neighbours[n]), fold(str(G.nodes[n].get("title", n))), n))
    columns = center is not None and all(pos[n][0] in (0.0, 1.0) for n in G if n != center)
    c = _Canvas(p, W, 0.0, font_size, priority, edges, highlight, present, legend_lines, legend_h, {}, {})
    if columns:
        _columns(G, pos, c, center, label_width)
    else:
        _network(G, pos, c, neighbours, set(priority[: max(0, max_labels)]) | ({highlight} if highlight else set()), label_width)
    if height is not None:
        c.H = max(c.H, float(height))
    c.H = float(math.ceil(c.H + legend_h))
    return c


def _label_box(x: float, y: float, anchor: str, lines: list[str], size: float, bold: bool) -> tuple[float, float, float, float]:
    """The box of a label whose first baseline is at ``y``."""
    w = max((text_width(t, size, bold) for t in lines), default=0.0)
    x0 = {"start": x, "end": x - w}.get(anchor, x - w / 2)
    return (x0, y - ASCENT * size, x0 + w, y + (len(lines) - 1) * LINE * size + DESCENT * size)


def _columns(G, pos, c: _Canvas, center: str, label_width: float | None) -> None:
    """A neighbourhood: the centre in the middle, its neighbours in two
    columns (x = 0 left, x = 1 right, in the order of their y), labels on
    the outer side, each row as tall as its label."""
    W, size = c.W, c.font_size
    margin = 3.0
    r = 6.0
    c.radii = {n: r for n in G}
    c.radii[center] = 10.0
    run = max(60.0, W * 0.16)  # from the centre to a column
    lw = label_width or max(40.0, (W - 2 * margin - 2 * (5 + _extent("event", r)) - 2 * run) / 2)
    xl = margin + lw + 5 + _extent("event", r)
    side = {0.0: [], 1.0: []}
    for n in G:
        if n != center:
            side[pos[n][0]].append(n)
    lines = {n: wrap(str(G.nodes[n].get("title", n)), lw, size, 2) for n in G if n != center}
    heights = {n: max(2 * _extent("event", r) + 6, len(lines[n]) * LINE * size + 5) for n in lines}
    # The layout's order, left column then right, split again where the two
    # columns come out about as tall (labels of two lines take more room).
    ordered = sorted(side[0.0], key=lambda n: (pos[n][1], n)) + sorted(side[1.0], key=lambda n: (pos[n][1], n))
    prefix = [0.0]
    for n in ordered:
        prefix.append(prefix[-1] + heights[n])
    best = min(range(len(ordered) + 1), key=lambda k: (round(max(prefix[k], prefix[-1] - prefix[k]), 6), -k))
    side = {0.0: ordered[:best], 1.0: ordered[best:]}
    tall = max((sum(heights[n] for n in col) for col in side.values()), default=0.0)
    centre_lines = wrap(str(G.nodes[center].get("title", center)), 2 * run - 16, size, 3, bold=True)
    top = margin + 2
    cy = top + max(tall, 2 * 10 + 8 + len(centre_lines) * LINE * size * 2) / 2
    c.xy[center] = (W / 2, cy)
    c.labels[center] = (W / 2, cy + 10 + 4 + ASCENT * size, "middle", centre_lines)
    order = []
    for x_side, col in side.items():
        x = xl if x_side == 0.0 else W - xl
        y = cy - sum(heights[n] for n in col) / 2
        for n in col:
            ny = y + heights[n] / 2
            c.xy[n] = (x, ny)
            first = ny - (len(lines[n]) - 1) * LINE * size / 2 + 0.35 * size
            if x_side == 0.0:
                c.labels[n] = (x - _extent("event", r) - 5, first, "end", lines[n])
            else:
                c.labels[n] = (x + _extent("event", r) + 5, first, "start", lines[n])
            y += heights[n]
            order.append(n)
    c.nodes = [center] + order
    bottom = max([top + tall] + [_label_box(*c.labels[center], size, True)[3]])
    c.H = bottom + margin + 2
    c.columns = True


def _network(G, pos, c: _Canvas, neighbours: dict[str, set[str]], may_label: set[str], label_width: float | None) -> None:
    """A network: the layout scaled to the width, then node-and-label boxes
    pushed apart until none overlaps another."""
    W, size = c.W, c.font_size
    margin = 4.0
    lw = label_width or 9.5 * size
    n_nodes = max(len(G), 1)
    base_r = 4.5 if n_nodes > 150 else 5.5
    c.radii = {n: base_r + min(4.0, 0.8 * math.sqrt(len(neighbours[n]))) + (3.0 if n == c.highlight else 0.0) for n in G}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for n in G:
        e = _extent(str(G.nodes[n].get("kind", "")), c.radii[n])
        box = (-e, -e, e, e)
        if n in may_label:
            lines = wrap(str(G.nodes[n].get("title", n)), lw, size, 2, bold=n == c.highlight)
            if lines:
                base = e + 2 + ASCENT * size
                c.labels[n] = (0.0, base, "middle", lines)
                lx0, ly0, lx1, ly1 = _label_box(0.0, base, "middle", lines, size, n == c.highlight)
                box = (min(-e, lx0), -e, max(e, lx1), ly1)
        boxes[n] = box
    # Scale the layout so that the boxes cover about a third of the area.
    area = sum((b[2] - b[0] + 4) * (b[3] - b[1] + 4) for b in boxes.values())
    inner = W - 2 * margin - max((b[2] - b[0] for b in boxes.values()), default=0.0)
    H0 = max(W * 0.45, 3.0 * area / max(inner, 1.0))
    half = {n: (b[2] - b[0]) / 2 for n, b in boxes.items()}
    X = {n: margin + half[n] - (boxes[n][0] + boxes[n][2]) / 2 + pos[n][0] * max(W - 2 * margin - 2 * half[n], 0.0) for n in G}
    Y = {n: margin - boxes[n][1] + pos[n][1] * H0 for n in G}
    _separate(sorted(G), X, Y, boxes, margin, W - margin, gap=4.0)
    top = min((Y[n] + boxes[n][1] for n in G), default=margin)
    c.xy = {n: (X[n], Y[n] - top + margin) for n in G}
    c.labels = {n: (c.xy[n][0], c.xy[n][1] + base, anchor, lines) for n, (_x, base, anchor, lines) in c.labels.items()}
    c.H = max((c.xy[n][1] + boxes[n][3] for n in G), default=0.0) + margin
    # What the pushing could not part (it stops after a bounded number of
    # rounds): the label of the less important node is left out.
    kept: list[tuple[float, float, float, float]] = []
    for n in c.nodes:
        x, y = c.xy[n]
        e = _extent(str(G.nodes[n].get("kind", "")), c.radii[n])
        shape = (x - e, y - e, x + e, y + e)
        label = _label_box(*c.labels[n], size, n == c.highlight) if n in c.labels else None
        if label and any(_overlap(label, k) for k in kept):
            del c.labels[n]
            label = None
        kept.append(shape)
        if label:
            kept.append(label)


def _overlap(a, b, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _separate(nodes: list[str], X: dict[str, float], Y: dict[str, float], boxes: dict, lo: float, hi: float, gap: float, rounds: int = 200) -> None:
    """Push overlapping boxes apart, in place, until none overlaps another
    (or ``rounds`` passes): each pair that overlaps, or comes closer than
    ``gap``, moves apart by half the overlap each, along the axis where the
    overlap is smaller (vertically only after half the rounds, so that it
    always ends), x kept within [lo, hi]. A grid of cells keeps a pass near linear. Deterministic:
    nodes in sorted order, plain arithmetic."""
    if not nodes:
        return
    cw = max(b[2] - b[0] for b in boxes.values()) + gap
    ch = max(b[3] - b[1] for b in boxes.values()) + gap
    for round_ in range(rounds):
        grid: dict[tuple[int, int], list[str]] = defaultdict(list)
        for n in nodes:
            grid[(int((X[n] + boxes[n][0]) // cw), int((Y[n] + boxes[n][1]) // ch))].append(n)
        moved = False
        vertical_only = round_ >= rounds // 2
        for n in nodes:
            gx, gy = int((X[n] + boxes[n][0]) // cw), int((Y[n] + boxes[n][1]) // ch)
            for ox in (-1, 0, 1):
                for oy in (-1, 0, 1):
                    for m in grid.get((gx + ox, gy + oy), ()):
                        if m <= n:
                            continue
                        a, b = boxes[n], boxes[m]
                        dx = min(X[n] + a[2], X[m] + b[2]) - max(X[n] + a[0], X[m] + b[0]) + gap
                        dy = min(Y[n] + a[3], Y[m] + b[3]) - max(Y[n] + a[1], Y[m] + b[1]) + gap
                        if dx <= 0.05 or dy <= 0.05:
                            continue
                        if dx > gap and dy > gap:
                            moved = True  # a true overlap, not only too close
                        if dx < dy and not vertical_only:
                            s = 1.0 if (X[n] + (a[0] + a[2]) / 2, n) < (X[m] + (b[0] + b[2]) / 2, m) else -1.0
                            X[n] -= s * dx / 2
                            X[m] += s * dx / 2
                        else:
                            s = 1.0 if (Y[n] + (a[1] + a[3]) / 2, n) < (Y[m] + (b[1] + b[3]) / 2, m) else -1.0
                            Y[n] -= s * dy / 2
                            Y[m] += s * dy / 2
        for n in nodes:
            X[n] = min(max(X[n], lo - boxes[n][0]), hi - boxes[n][2])
        if not moved:
            return


def _head(G, c: _Canvas, title: str) -> list[str]:
    """The opening tag, title, description, arrow markers and background."""
    p, W, H, edges, font_size, present = c.p, c.W, c.H, c.edges, c.font_size, c.present
    nodes = c.nodes
    center = G.graph.get("center") if G.graph.get("center") in G else None
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
    if c.columns:
        desc += " The links follow the two columns, left then right, top to bottom."
    elif nodes:
        desc += " The links come in order of connections, the most connected first."

    cls = "dossier-graph " + ("net-near" if c.columns else "net-overview")
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" id="{p}" width="{int(W)}" height="{int(H)}" '
        f'viewBox="0 0 {int(W)} {int(H)}" aria-labelledby="{p}-title {p}-desc" '
        f'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, \'Helvetica Neue\', Arial, sans-serif" font-size="{_f(font_size)}">',
        f'<title id="{p}-title">{escape(title)}</title>',
        f'<desc id="{p}-desc">{escape(desc)}</desc>',
    ]
    tones = sorted({EDGE_STYLE[r]["tone"] for r in present if EDGE_STYLE.get(r, {}).get("arrow")})
    if tones:
        out.append("<defs>")
        for t in tones:
            size = 6 if t == "faint" else 8
            out.append(
                f'<marker id="{p}-arrow-{t}" class="marker-{t}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{size}" markerHeight="{size}" '
                f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10z" fill="{TONES[t][0]}"/></marker>'
            )
        out.append("</defs>")
    out.append(f'<rect class="graph-bg" x="0" y="0" width="{int(W)}" height="{int(H)}" fill="#ffffff"/>')
    return out


def _edges_svg(G, c: _Canvas) -> list[str]:
    """Edges: the relations of one pair of nodes (either direction) curved
    apart; one group per relation carries the stroke."""
    p, xy, radii, edges = c.p, c.xy, c.radii, c.edges
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
        kinds = " ".join(sorted({f"k-{G.nodes[a].get('kind', '')}", f"k-{G.nodes[b].get('kind', '')}"}))
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
            # A neighbourhood has no filters (no kinds to read), and its
            # mentions are in the table beside it (their tooltips would add a
            # tenth to an entity page).
            head = f'data-edge="{escape(f"{u}|{rel}|{v}")}"' + ("" if c.columns else f' class="{escape(kinds)}"')
            title = "" if c.columns and rel == "mention" else f"<title>{tip}</title>"
            if offset == 0:
                svg = f'<line {head} x1="{_f(sx)}" y1="{_f(sy)}" x2="{_f(ex)}" y2="{_f(ey)}">{title}</line>'
            else:
                svg = f'<path {head} d="M{_f(sx)},{_f(sy)} Q{_f(qx)},{_f(qy)} {_f(ex)},{_f(ey)}">{title}</path>'
            drawn.append(((_DRAW_ORDER.get(rel, 9), rel, u, v, str(k)), svg))
    # One group per relation carries the stroke (inherited by its lines).
    out = ['<g class="edges" fill="none">']
    current = None
    for (_order, rel, *_rest), svg in sorted(drawn):
        if rel != current:
            if current is not None:
                out.append("</g>")
            current = rel
            attrs = _edge_attrs(rel, p).replace(' class="', f' class="edge edge-{escape(rel)} ', 1)
            out.append(f'<g data-relation="{escape(rel)}"{attrs}>')
        out.append(svg)
    if current is not None:
        out.append("</g>")
    out.append("</g>")
    return out


#: The labels' paint, set once on the group of nodes and inherited (each
#: shape sets its own fill and stroke): dark text on a halo of the
#: background, the halo painted under the glyphs.
LABEL_PAINT = ' fill="#1a1a1a" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" style="paint-order:stroke"'


def _label_svg(x: float, y: float, anchor: str, lines: list[str], size: float, bold: bool) -> str:
    weight = ' font-weight="bold"' if bold else ""
    # fill, halo and paint order come from the nodes' group (LABEL_PAINT)
    head = f'<text class="node-label" x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{weight}>'
    if len(lines) == 1:
        return head + f"{escape(lines[0])}</text>"
    step = _f(LINE * size)
    spans = [f'<tspan x="{_f(x)}">{escape(lines[0])}</tspan>']
    spans += [f'<tspan x="{_f(x)}" dy="{step}">{escape(t)}</tspan>' for t in lines[1:]]
    return head + "".join(spans) + "</text>"


def _nodes_svg(G, c: _Canvas, href: Callable[[str], str]) -> list[str]:
    """Nodes in link order, each a link holding its shape, tooltip and label;
    the centre of a neighbourhood is the page itself, so not a link."""
    out = [f'<g class="nodes"{LABEL_PAINT}>']
    for n in c.nodes:
        data = G.nodes[n]
        kind = str(data.get("kind", ""))
        st = KIND_STYLE.get(kind, {"fill": "#595959", "label": kind})
        x, y = c.xy[n]
        current = n == c.highlight
        if current:
            shape_attrs = f' fill="{st["fill"]}" stroke="#000000" stroke-width="3"'
        else:
            shape_attrs = f' fill="{st["fill"]}" stroke="#ffffff" stroke-width="1.5"'
        about = st.get("label", kind).lower() + (f", {data['dates']}" if data.get("dates") else "")
        tip = escape(f"{data.get('title', n)} — {about}")
        cls = f"node node-{escape(kind)}" + ("" if c.columns else f" k-{escape(kind)}") + (" node-current" if current else "")
        label = _label_svg(*c.labels[n], c.font_size, current) if n in c.labels else ""
        body = f"<title>{tip}</title>{_shape(kind, x, y, c.radii[n], shape_attrs)}{label}"
        if current and c.columns:
            out.append(f'<g class="{cls}" data-key="{escape(n)}">{body}</g>')
        else:
            out.append(f'<a href="{escape(href(n))}" class="{cls}" data-key="{escape(n)}">{body}</a>')
    out.append("</g>")
    return out


def _toward(px: float, py: float, tx: float, ty: float, r: float) -> tuple[float, float]:
    """The point ``r`` from (px, py) toward (tx, ty): an edge's end on a node's rim."""
    dx, dy = tx - px, ty - py
    d = math.hypot(dx, dy)
    if d <= r:
        return px, py
    return px + dx / d * r, py + dy / d * r
