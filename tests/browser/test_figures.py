"""The drawings in Chromium, measured as a reader sees them: the network page
(labels, mentions, filters, highlight, zoom, keyboard order, the tables), the
small "Connections" drawings on entity pages, the timelines (the axis, marks,
every membership and role, the names column on a phone) and the colour
schemes (contrast in light, dark and forced colours). Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

import json

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, saying why
    expect = None

from .conftest import DESKTOP, PHONE, entity_pages, page_url_or_skip

pytestmark = pytest.mark.browser

OVERVIEW = "main svg.net-overview"

# Pairs of rendered label boxes that overlap (more than half a pixel both ways).
OVERLAPS = """(sel) => {
  const svg = document.querySelector(sel);
  const labels = [...svg.querySelectorAll('.node-label')].filter(t => t.getClientRects().length);
  const shapes = [...svg.querySelectorAll('.node-shape')].filter(t => t.getClientRects().length);
  const box = el => el.getBoundingClientRect();
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const out = {labels: labels.length, nodes: svg.querySelectorAll('.node').length, label_label: [], label_node: []};
  const lb = labels.map(box), sb = shapes.map(box);
  for (let i = 0; i < lb.length; i++) {
    for (let j = i + 1; j < lb.length; j++) if (hit(lb[i], lb[j])) out.label_label.push([labels[i].textContent, labels[j].textContent]);
    const own = labels[i].closest('.node');
    sb.forEach((s, j) => { if (shapes[j].closest('.node') !== own && hit(lb[i], s)) out.label_node.push([labels[i].textContent, shapes[j].closest('.node').dataset.key]); });
  }
  return out;
}"""

# An element of the drawing is shown when neither it nor a group around it is display:none.
SHOWN = "const shown = (el) => { for (let n = el; n && n.tagName.toLowerCase() !== 'svg'; n = n.parentElement) if (getComputedStyle(n).display === 'none') return false; return true; };"

VISIBLE_EDGES = """(sel) => {
  """ + SHOWN + """
  const svg = document.querySelector(sel);
  const visible = [...svg.querySelectorAll('[data-edge]')].filter(shown);
  return {all: visible.length, mention: visible.filter(e => e.dataset.edge.split('|')[1] === 'mention').length,
          touching_events: visible.filter(e => /(^|\\|)events\\//.test(e.dataset.edge)).length};
}"""

def _graph(open_page, page_urls, **options):
    v = open_page(**options)
    v.goto(page_url_or_skip(page_urls, "graph"))
    return v


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_network_labels_never_overlap_and_stay_readable(open_page, page_urls, viewport):
    v = _graph(open_page, page_urls, viewport=viewport)
    found = v.page.evaluate(OVERLAPS, OVERVIEW)
    assert found["labels"] >= min(found["nodes"], 150), found  # every node labelled (up to the cap)
    assert not found["label_label"], f"{len(found['label_label'])} pairs of labels overlap: {found['label_label'][:5]}"
    assert not found["label_node"], f"{len(found['label_node'])} labels lie under another node: {found['label_node'][:5]}"
    # at the default view a label is as large on a phone as on a desktop
    smallest = v.page.evaluate(f"""() => Math.min(...[...document.querySelectorAll('{OVERVIEW} .node-label')]
        .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))""")
    assert smallest >= 11, f"labels {smallest:.1f} px high at {viewport['width']} px"
    v.screenshot(f"network-{viewport['width']}")
    assert not v.problems(), v.problems()


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_network_mentions_hidden_until_asked_and_filters(open_page, page_urls, script):
    v = _graph(open_page, page_urls, java_script_enabled=script)
    before = v.page.evaluate(VISIBLE_EDGES, OVERVIEW)
    total = v.page.locator(f"{OVERVIEW} [data-edge]").count()
    mentions = v.page.locator(f"{OVERVIEW} [data-edge*='|mention|']").count()
    assert mentions > 0 and before["mention"] == 0 and before["all"] == total - mentions, before
    box = v.page.locator("input[data-filter='mentions']")
    expect(box).not_to_be_checked()
    box.check()
    shown = v.page.evaluate(VISIBLE_EDGES, OVERVIEW)
    assert shown["mention"] == mentions and shown["all"] == total
    # by kind: events and every edge touching one go
    events = v.page.locator(f"{OVERVIEW} .node.k-event")
    assert events.count() > 0 and events.first.is_visible()
    v.page.locator("input[data-filter='event']").uncheck()
    assert all(not events.nth(i).is_visible() for i in range(events.count()))
    assert v.page.evaluate(VISIBLE_EDGES, OVERVIEW)["touching_events"] == 0
    # by relation
    v.page.locator("input[data-filter='member']").uncheck()
    assert v.page.locator(f"{OVERVIEW} [data-edge*='|member|']").first.is_visible() is False
    assert not v.problems(), v.problems()


def test_network_highlights_the_neighbours_of_a_focused_or_hovered_node(open_page, page_urls):
    v = _graph(open_page, page_urls)
    svg = v.page.locator(OVERVIEW)
    first = svg.locator("a.node").first
    key = first.get_attribute("data-key")
    edges = v.page.evaluate(f"""(key) => {{ {SHOWN} return [...document.querySelectorAll('{OVERVIEW} [data-edge]')]
        .filter(shown).map(e => e.dataset.edge.split('|')).filter(([u, , w]) => u === key || w === key); }}""", key)
    near = {key} | {u for u, _r, w in edges} | {w for u, _r, w in edges}
    assert len(near) > 1

    def opacities():
        return v.page.evaluate(f"""() => Object.fromEntries([...document.querySelectorAll('{OVERVIEW} .node')]
            .map(n => [n.dataset.key, parseFloat(getComputedStyle(n).opacity)]))""")

    assert set(opacities().values()) == {1.0}
    first.focus()
    seen = opacities()
    assert all(seen[k] == 1.0 for k in near) and all(o < 0.5 for k, o in seen.items() if k not in near)
    v.page.keyboard.press("Escape")
    assert set(opacities().values()) == {1.0}
    other = svg.locator("a.node").nth(5)
    other.locator(".node-shape").hover()
    seen = opacities()
    assert seen[other.get_attribute("data-key")] == 1.0 and min(seen.values()) < 0.5
    assert not v.problems(), v.problems()


def test_network_zooms_and_pans(open_page, page_urls):
    v = _graph(open_page, page_urls, viewport=PHONE)
    svg = v.page.locator(OVERVIEW)
    box = v.page.locator(".graph-figure .graph-scroll")
    width = svg.bounding_box()["width"]
    v.page.get_by_role("button", name="Zoom in").click()
    assert svg.bounding_box()["width"] == pytest.approx(width * 1.4, rel=0.02)
    v.page.get_by_role("button", name="Fit the drawing to the width").click()
    assert svg.bounding_box()["width"] <= box.bounding_box()["width"] + 1
    v.page.get_by_role("button", name="Actual size").click()
    # the zoom keeps the point in view by scrolling the page, smoothly unless
    # the reader asks for less motion: wait until it rests, or the point
    # chosen below moves away under the mouse before it is pressed
    v.page.evaluate(
        """() => new Promise(done => { let last = null, still = 0, frames = 0;
             (function tick() { const y = window.scrollY; still = y === last ? still + 1 : 0; last = y;
               if (still >= 10 || ++frames > 300) done(); else requestAnimationFrame(tick); })(); })"""
    )
    # drag the drawing sideways with the mouse, from the left edge (room to
    # scroll) and from a point of the background (pressing a node follows its link)
    box.evaluate("b => { b.scrollLeft = 0; }")
    start = box.evaluate("b => b.scrollLeft")
    b = box.bounding_box()
    # a point of the drawing itself: not a link, and not whatever else lies
    # over the box there (a sticky header, the zoom controls)
    # (from the middle of the part of the box in view down, then up: not at
    # the window's edge)
    y = v.page.evaluate(
        """([x, top, h]) => { const box = document.querySelector('.graph-figure .graph-scroll');
             const lo = Math.max(top, 0) + 10, hi = Math.min(top + h, window.innerHeight) - 10, mid = (lo + hi) / 2;
             const ys = []; for (let d = 0; mid + d < hi || mid - d > lo; d += 5) ys.push(mid + d, mid - d);
             for (const y of ys) { if (y <= lo || y >= hi) continue;
               const el = document.elementFromPoint(x, y);
               if (el && box.contains(el) && !el.closest('a')) return y; } return null; }""",
        [b["x"] + b["width"] - 20, b["y"], b["height"]],
    )
    assert y is not None, "no background to press on at the drawing's right edge"
    v.page.mouse.move(b["x"] + b["width"] - 20, y)
    v.page.mouse.down()
    v.page.mouse.move(b["x"] + 20, y, steps=5)
    v.page.mouse.up()
    info = box.evaluate("b => [b.scrollLeft, b.scrollWidth, b.clientWidth, window.scrollY]")
    el = v.page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); return e ? e.outerHTML.slice(0, 120) : null; }", [b["x"] + b["width"] - 20, y])
    assert box.evaluate("b => b.scrollLeft") > start + 100, (info, el, b, y)
    assert not v.problems(), v.problems()


def test_network_page_is_short_with_the_tables_collapsed(open_page, page_urls):
    v = _graph(open_page, page_urls)
    details = v.page.locator("main details")
    assert details.count() >= 1
    assert all(not details.nth(i).evaluate("d => d.open") for i in range(details.count()))
    height = v.page.evaluate("document.documentElement.scrollHeight")
    drawing = v.page.locator(OVERVIEW).bounding_box()["height"]
    assert height < drawing + 2500, f"the page is {height} px tall, the drawing {drawing} px"
    assert not v.problems(), v.problems()


def test_network_keyboard_order_is_by_connections_with_a_skip_link(open_page, page_urls):
    v = _graph(open_page, page_urls)
    order = v.page.evaluate(f"""() => {{
        const svg = document.querySelector('{OVERVIEW}');
        const deg = new Map();
        for (const e of svg.querySelectorAll('[data-edge]')) {{
          const [u, , w] = e.dataset.edge.split('|');
          if (u === w) continue;
          for (const [a, b] of [[u, w], [w, u]]) {{ if (!deg.has(a)) deg.set(a, new Set()); deg.get(a).add(b); }}
        }}
        return [...svg.querySelectorAll('a.node')].map(a => [a.dataset.key, (deg.get(a.dataset.key) || new Set()).size]);
    }}""")
    degrees = [d for _k, d in order]
    assert degrees == sorted(degrees, reverse=True), "the links do not come most connected first"
    drawn = v.page.evaluate(f"() => [...document.querySelectorAll('{OVERVIEW} a.node')].map(a => a.dataset.key)")
    assert drawn != sorted(drawn)  # not the key (drawing) order of main
    # Tab reaches the skip link right before the first node; following it lands past the drawing
    v.page.locator(".zoom-controls button").last.focus()
    v.page.keyboard.press("Tab")
    assert v.page.evaluate("document.activeElement.className") == "figure-skip"
    v.page.keyboard.press("Tab")
    assert v.page.evaluate("document.activeElement.dataset.key") == order[0][0]
    v.page.locator(".figure-skip").focus()
    v.page.keyboard.press("Enter")
    v.page.keyboard.press("Tab")
    after = v.page.evaluate("document.activeElement.closest('svg') === null && document.activeElement.tagName")
    assert after and after.lower() in ("summary", "a"), after
    assert not v.problems(), v.problems()


# Connections on entity pages --------------------------------------------------------

NEAR = """() => {
  const svg = document.querySelector('main svg.net-near');
  if (!svg) return null;
  const r = svg.getBoundingClientRect();
  const out = {clipped: [], smallest: 1e9};
  for (const t of svg.querySelectorAll('.nodes text')) {
    const b = t.getBoundingClientRect();
    if (b.left < r.left - 0.5 || b.right > r.right + 0.5 || b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5) out.clipped.push(t.textContent);
    out.smallest = Math.min(out.smallest, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  }
  return out;
}"""


def test_connections_labels_are_whole_and_readable_on_a_phone(open_page, site_dir):
    pages = entity_pages(site_dir, "people", "groups", "events")
    v = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    drawn, problems = 0, []
    for path in pages:
        v.goto(path)
        m = v.page.evaluate(NEAR)
        if m is None:
            continue
        drawn += 1
        if m["clipped"]:
            problems.append(f"{path}: cut at the edge: {m['clipped'][:3]}")
        if m["smallest"] < 11:
            problems.append(f"{path}: labels {m['smallest']:.1f} px high")
    assert drawn > len(pages) // 2, f"only {drawn} of {len(pages)} pages draw their connections"
    assert not problems, "\n".join(problems[:12])
    v.goto(page_url_or_skip({"person": "/people/leon-trotsky/"}, "person"))
    v.page.locator("main svg.net-near").scroll_into_view_if_needed()
    v.screenshot("connections-phone", screens=2)
    assert not v.problems(), v.problems()


# Timelines ------------------------------------------------------------------------------

MARKS = """(sel) => {
  const out = {overlaps: [], marks: 0};
  for (const row of document.querySelectorAll(sel + ' .tl-row')) {
    const marks = [...row.querySelectorAll('.tl-mark')].map(m => [m.dataset.edtf + ' ' + (m.dataset.key || m.textContent), m.getBoundingClientRect()]);
    out.marks += marks.length;
    for (let i = 0; i < marks.length; i++) for (let j = i + 1; j < marks.length; j++) {
      const a = marks[i][1], b = marks[j][1];
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5)
        out.overlaps.push([marks[i][0], marks[j][0]]);
    }
  }
  return out;
}"""

# x of each year label on the plot's top axis
AXIS = """(sel) => Object.fromEntries([...document.querySelectorAll(sel + ' .tl-plot .tl-axis text')]
  .filter(t => /^\\d{4}$/.test(t.textContent)).map(t => [t.textContent, t.getBoundingClientRect().left + t.getBoundingClientRect().width / 2]))"""


def _events(site_dir) -> list[dict]:
    data = json.loads((site_dir / "data" / "dossier.json").read_text(encoding="utf-8"))
    return data["entities"]


def test_chronology_gives_the_dense_years_most_of_the_width(open_page, page_urls, site_dir):
    v = open_page()
    v.goto(page_url_or_skip(page_urls, "chronology"))
    sel = "main .timeline-scroll"
    axis = {int(k): x for k, x in v.page.evaluate(AXIS, sel).items()}
    plot = v.page.locator(f"{sel} .tl-plot").bounding_box()
    years = sorted(axis)
    # where most events fall: the shortest run of years holding 80 % of them
    # (an open start, "../1933", has only its upper bound)
    dates = sorted(int((e["fields"]["date"]["lower"] or e["fields"]["date"]["upper"])[:4]) for e in _events(site_dir) if e["kind"] == "event" and e["fields"].get("date"))
    k = -(-len(dates) * 8 // 10)
    a, b = min(((dates[i], dates[i + k - 1]) for i in range(len(dates) - k + 1)), key=lambda p: p[1] - p[0])

    def x(year: float) -> float:  # linear between the axis labels around it
        lo = max(y for y in years if y <= year)
        hi = min(y for y in years if y > year)
        return axis[lo] + (year - lo) / (hi - lo) * (axis[hi] - axis[lo])

    dense = x(b + 1) - x(a)
    assert dense >= 0.6 * plot["width"], f"{a}–{b} get {dense:.0f} of {plot['width']:.0f} px"
    bloc = x(1934) - x(1932)
    assert bloc >= 40, f"1932–33 get {bloc:.0f} px"
    # the compressed years are marked as such
    assert v.page.locator(f"{sel} .tl-compressed").count() >= 1 and v.page.locator(f"{sel} .tl-break").count() >= 2
    assert "compressed" in v.page.locator(f"{sel} .tl-plot desc").text_content()
    marks = v.page.evaluate(MARKS, sel)
    assert marks["marks"] > 50 and not marks["overlaps"], f"marks drawn over each other: {marks['overlaps'][:5]}"
    v.screenshot("chronology-timeline", screens=2)
    assert not v.problems(), v.problems()


def test_a_persons_timeline_has_every_membership_and_role(open_page, page_urls, site_dir):
    path = page_url_or_skip(page_urls, "person")
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    entities = {e["key"]: e for e in _events(site_dir)}
    expected = set()
    for _key, e in entities.items():
        f = e["fields"]
        if e["kind"] == "group" and (f.get("founded") or f.get("dissolved")) and (slug in (f.get("leaders") or []) or slug in (f.get("members") or [])):
            expected.add(f["title"])
    for m in entities[f"people/{slug}"]["fields"].get("memberships") or []:
        group = entities.get(f"groups/{m['group']}")
        if group and (m.get("from") or m.get("to") or group["fields"].get("founded") or group["fields"].get("dissolved")):
            expected.add(group["fields"]["title"])
    assert len(expected) >= 2, expected
    v = open_page()
    v.goto(path)
    names = v.page.locator(".person-timeline .tl-names .tl-name").evaluate_all(
        "gs => gs.map(g => (g.querySelector('title') || g.querySelector('text')).textContent)")
    missing = [t for t in expected if not any(n.startswith(t) for n in names)]
    assert not missing, f"not on the timeline: {missing} (rows: {names})"
    marks = v.page.evaluate(MARKS, ".person-timeline")
    assert not marks["overlaps"], marks["overlaps"][:5]
    assert not v.problems(), v.problems()


@pytest.mark.parametrize("where", ["chronology", "person"])
def test_timeline_on_a_phone_opens_on_the_dense_years_and_keeps_the_names(open_page, page_urls, where):
    v = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    v.goto(page_url_or_skip(page_urls, where))
    box = v.page.locator("main .timeline-scroll").first
    box.scroll_into_view_if_needed()
    names = box.locator(".tl-names")
    start = float(box.locator(".tl").get_attribute("data-tl-start"))
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert box.evaluate("b => b.scrollLeft") == pytest.approx(start, abs=2)
    # beside the names, the dense years: no year of the compressed start is in view
    seen = box.evaluate("""b => { const n = b.querySelector('.tl-names').getBoundingClientRect(), r = b.getBoundingClientRect();
        const seam = Math.min(...[...b.querySelectorAll('.tl-break')].map(p => p.getBoundingClientRect().left));
        const labels = [...b.querySelectorAll('.tl-plot .tl-axis text')].map(t => { const q = t.getBoundingClientRect(); return [+t.textContent, q.left + q.width / 2]; });
        const first = labels.reduce((a, l) => Math.abs(l[1] - seam) < Math.abs(a[1] - seam) ? l : a);
        return {first: first[0], shown: labels.filter(([, x]) => x >= n.right && x <= r.right).map(([y]) => y)}; }""")
    assert seen["shown"] and min(seen["shown"]) >= seen["first"], seen
    assert box.evaluate("b => b.getBoundingClientRect().left") - 1 <= names.bounding_box()["x"]
    v.screenshot(f"timeline-{where}-phone", screens=2)
    # scrolled to the far end, the names are still in view
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    nb, bb = names.bounding_box(), box.bounding_box()
    assert nb["x"] >= bb["x"] - 1 and nb["x"] + nb["width"] <= bb["x"] + bb["width"] + 1
    assert not v.problems(), v.problems()


# Colour schemes ---------------------------------------------------------------------------

CONTRAST = """(sel) => {
  """ + SHOWN + """
  const rgb = c => { const m = c.match(/[\\d.]+/g); return m ? m.slice(0, 3).map(Number) : null; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = rgb(getComputedStyle(document.body).backgroundColor);
  const out = {drawings: 0, backgrounds: [], text: 1e9, shapes: 1e9, worst_text: '', worst_shape: ''};
  for (const svg of document.querySelectorAll(sel)) {
    out.drawings++;
    const bgs = [page];
    for (const bg of svg.querySelectorAll('.graph-bg, .tl-bg, .tl-zebra, .legend-bg')) {
      const c = rgb(getComputedStyle(bg).fill); bgs.push(c); out.backgrounds.push(ratio(c, page));
    }
    const check = (el, value, kind) => {
      const c = rgb(value); if (!c || !shown(el)) return;
      const r = Math.min(...bgs.map(b => ratio(c, b)));
      if (r < out[kind]) { out[kind] = r; out['worst_' + (kind === 'text' ? 'text' : 'shape')] = (el.textContent || el.getAttribute('class') || el.tagName).slice(0, 40) + ' ' + value; }
    };
    for (const t of svg.querySelectorAll('text')) check(t, getComputedStyle(t).fill, 'text');
    for (const s of svg.querySelectorAll('.node-shape, .tl-bar-solid, .tl-tick, .tl-solid')) check(s, getComputedStyle(s).fill, 'shapes');
    for (const e of svg.querySelectorAll('.edges [data-edge]')) check(e, getComputedStyle(e).stroke, 'shapes');
  }
  return out;
}"""

FIGURES = "main svg.dossier-graph:not(.legend-swatch), main svg.timeline"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("where", ["graph", "person", "chronology"])
def test_drawings_follow_the_colour_scheme(open_page, page_urls, scheme, where):
    v = open_page(color_scheme=scheme)
    v.goto(page_url_or_skip(page_urls, where))
    if where == "graph":
        v.page.locator("input[data-filter='mentions']").check()  # every edge in view
    m = v.page.evaluate(CONTRAST, FIGURES)
    assert m["drawings"] >= 1
    # the drawing's own background is the page's (or a stripe close to it), never white on a dark page
    assert max(m["backgrounds"], default=1.0) < 1.5, m["backgrounds"]
    assert m["text"] >= 4.5, f"{scheme}: text at {m['text']:.2f}:1 ({m['worst_text']})"
    assert m["shapes"] >= 3, f"{scheme}: a shape at {m['shapes']:.2f}:1 ({m['worst_shape']})"
    v.screenshot(f"{where}-{scheme}", screens=2)
    assert not v.problems(), v.problems()


@pytest.mark.parametrize("where", ["graph", "chronology"])
def test_drawings_in_forced_colours_use_the_system_colours(open_page, page_urls, where):
    v = open_page(forced_colors="active", color_scheme="dark")
    v.goto(page_url_or_skip(page_urls, where))
    canvas, text = v.page.evaluate("""() => { const d = document.createElement('div'); d.style.cssText = 'background:Canvas;color:CanvasText';
        document.body.append(d); const s = getComputedStyle(d); const out = [s.backgroundColor, s.color]; d.remove(); return out; }""")
    bg = v.page.evaluate("(sel) => getComputedStyle(document.querySelector(sel)).fill",
                         ".graph-bg" if where == "graph" else ".tl-bg")
    assert bg == canvas
    m = v.page.evaluate(CONTRAST, FIGURES)
    assert m["text"] >= 4.5 and m["shapes"] >= 3, m
    assert not v.problems(), v.problems()
