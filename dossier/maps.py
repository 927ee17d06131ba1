"""Maps of places, drawn as static SVG when the site is built.

The borders are Natural Earth's (1:50 million), from the npm package
``world-atlas`` (``countries-50m.json``, TopoJSON), installed by ``npm ci``
beside the site (``node_modules/world-atlas``). Nothing is fetched when a
reader opens a page: no tile server, no script. The borders are today's;
each map says so.

The TopoJSON is decoded here (a dozen lines of the format's specification:
arcs delta-encoded on a quantized grid, rings made of arcs, a negative index
reversing one): the maintained Python packages that read TopoJSON bring a
geometry stack (shapely, GEOS) for what is an addition and a lookup.

Projection: plate carrée scaled by the cosine of the map's middle latitude
(an equirectangular projection true to scale there), which is what a map of
a few hundred kilometres to a continent needs and keeps the drawing exact
and deterministic. Points closer than half a pixel are dropped.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from .textmetrics import text_width

__all__ = ["MapData", "Marker", "find_data", "draw", "BORDERS_NOTE"]

PACKAGE = "world-atlas"
FILE = "countries-50m.json"
BORDERS_NOTE = "Borders of today (Natural Earth 1:50m, from world-atlas), not of the time."


@dataclass(frozen=True)
class Marker:
    lat: float
    lon: float
    label: str
    url: str = ""
    main: bool = False


class MapData:
    """The countries of the world as rings of (lon, lat), with their bounding boxes."""

    def __init__(self, path: Path):
        self.path = path
        topo = json.loads(path.read_text(encoding="utf-8"))
        (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
        arcs = []
        for arc in topo["arcs"]:
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
            arcs.append(pts)

        def ring(indices: list[int]) -> list[tuple[float, float]]:
            out: list[tuple[float, float]] = []
            for i in indices:
                pts = arcs[i] if i >= 0 else arcs[~i][::-1]
                out.extend(pts if not out else pts[1:])
            return out

        self.polygons: list[tuple[tuple[float, float, float, float], list[list[tuple[float, float]]]]] = []
        for g in topo["objects"]["countries"]["geometries"]:
            polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"] if g["type"] == "MultiPolygon" else []
            for poly in polys:
                rings = [ring(r) for r in poly]
                xs = [p[0] for p in rings[0]]
                ys = [p[1] for p in rings[0]]
                self.polygons.append(((min(xs), min(ys), max(xs), max(ys)), rings))


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> MapData:
    return MapData(Path(path))


def find_data_path(root: Path) -> Path | None:
    """``node_modules/world-atlas/countries-50m.json`` of the site's folder (or
    of this package's checkout), or None when the package is not installed."""
    for base in (root, Path(__file__).resolve().parents[1]):
        path = base / "node_modules" / PACKAGE / FILE
        if path.is_file():
            return path
    return None


def find_data(root: Path) -> MapData | None:
    """The borders (decoded once per process), or None when not installed."""
    path = find_data_path(root)
    return _load(str(path), path.stat().st_mtime) if path is not None else None


def _extent(markers: list[Marker], min_span: float) -> tuple[float, float, float, float]:
    lons = [m.lon for m in markers]
    lats = [m.lat for m in markers]
    w, e, s, n = min(lons), max(lons), min(lats), max(lats)
    mid_lat = (s + n) / 2
    k = max(math.cos(math.radians(mid_lat)), 0.2)
    # at least min_span degrees of latitude, the same in kilometres across
    span_y = max(n - s, min_span) * 1.25
    span_x = max((e - w) * k, span_y * 1.6) * 1.15
    cx, cy = (w + e) / 2, (s + n) / 2
    return cx - span_x / k / 2, cy - span_y / 2, cx + span_x / k / 2, cy + span_y / 2


def draw(data: MapData, markers: list[Marker], *, width: int = 640, title: str, min_span: float = 4.0, ident: str = "map") -> Markup:
    """An SVG map of ``markers`` (the first the main one) over the borders."""
    w, s, e, n = _extent(markers, min_span)
    k = max(math.cos(math.radians((s + n) / 2)), 0.2)
    scale = width / ((e - w) * k)
    height = round((n - s) * scale)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - w) * k * scale, (n - lat) * scale

    paths = []
    for (bx0, by0, bx1, by1), rings in data.polygons:
        if bx1 < w or bx0 > e or by1 < s or by0 > n:
            continue
        d = []
        for r in rings:
            last = None
            cmds = []
            for lon, lat in r:
                x, y = xy(lon, lat)
                if last is not None and abs(x - last[0]) < 0.5 and abs(y - last[1]) < 0.5:
                    continue
                cmds.append(f"{x:.1f} {y:.1f}")
                last = (x, y)
            if len(cmds) >= 3:
                d.append("M" + "L".join(cmds) + "Z")
        if d:
            paths.append(f'<path class="map-land" d="{"".join(d)}"/>')

    # markers and labels: each label tries the right, left, above and below
    # of its point, and takes the first place that overlaps no other label
    size = 13
    taken: list[tuple[float, float, float, float]] = []
    marks = []
    drawn: list[tuple[float, float]] = []
    for m in markers:
        x, y = xy(m.lon, m.lat)
        if not (0 <= x <= width and 0 <= y <= height):
            continue
        if not m.main and any(abs(x - a) < 6 and abs(y - b) < 6 for a, b in drawn):
            continue  # on top of a point already drawn (a building in its city)
        drawn.append((x, y))
        r = 6 if m.main else 4
        tw = text_width(m.label, size, bold=m.main)
        spot = None
        for lx, ly, anchor in ((x + r + 4, y + size / 3, "start"), (x - r - 4, y + size / 3, "end"), (x, y - r - 5, "middle"), (x, y + r + size + 2, "middle")):
            x0 = lx if anchor == "start" else lx - tw if anchor == "end" else lx - tw / 2
            box = (x0, ly - size, x0 + tw, ly + 3)
            if box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height and not any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken
            ):
                spot = (lx, ly, anchor, box)
                break
        dot = f'<circle class="map-dot{" map-main" if m.main else ""}" cx="{x:.1f}" cy="{y:.1f}" r="{r}"/>'
        text = ""
        if spot:
            taken.append(spot[3])
            label = escape(m.label)
            t = f'<text class="map-label{" map-main" if m.main else ""}" x="{spot[0]:.1f}" y="{spot[1]:.1f}" text-anchor="{spot[2]}">{label}</text>'
            text = f'<a href="{escape(m.url)}">{t}</a>' if m.url and not m.main else t
        marks.append(dot + text)
    names = ", ".join(m.label for m in markers)
    # a drawing with links in it is a group of them, not one image
    role = "group" if any(m.url and not m.main for m in markers) else "img"
    return Markup(
        f'<svg class="map" viewBox="0 0 {width} {height}" role="{role}" aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape("Marked: " + names + ". " + BORDERS_NOTE)}</desc>'
        f'<rect class="map-sea" width="{width}" height="{height}"/>'
        + "".join(paths)
        + "".join(marks)
        + "</svg>"
    )
