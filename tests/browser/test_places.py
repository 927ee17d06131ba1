"""Places in Chromium: a place page with its map, /places/ with the map of
every place, and an event's locator map; axe clean at 1280 and 390 px, the
labels whole, apart and at least 11 px on screen, the page never wider than
the phone."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE
from .test_accessibility import BLOCKING, describe

pytestmark = pytest.mark.browser

PLACE = "/places/istanbul/"  # with Prinkipo, which lies within it
EVERY = "/places/"
EVENT = "/events/kirov-assassination/"

# The map's drawn labels and dots as the reader sees them (screen boxes), and
# anything of the page that sticks out to the right of the viewport.
MEASURE = """(width) => {
  const svg = document.querySelector('figure.place-map svg.map');
  if (!svg) return null;
  const labels = [...svg.querySelectorAll('text.map-label')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, px: r.height};
  });
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text.map-label')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  let over = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    let clipped = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { clipped = true; break; }
    }
    if (!clipped && r.right > width + 0.5) over.push(el.tagName + '.' + el.className);
  }
  return {labels, sizes, paths: svg.querySelectorAll('path.map-land').length, dots: svg.querySelectorAll('circle.map-dot').length,
          box: {left: box.left, right: box.right, width: box.width, height: box.height},
          scrollWidth: document.documentElement.scrollWidth, over};
}"""


def run_axe(v, axe, path):
    results = axe.run(v.page)
    blocking = [x for x in results.response["violations"] if x.get("impact") in BLOCKING]
    assert not blocking, f"axe on {path}: {len(blocking)} serious/critical rules violated\n" + describe(blocking)


def overlaps(a, b) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("path, dots", [(PLACE, 2), (EVERY, 5), (EVENT, 1)])
def test_the_map_is_drawn_readable_and_clean(open_page, axe, path, dots, viewport):
    phone = viewport is PHONE
    v = open_page(viewport=viewport, **({"is_mobile": True, "has_touch": True} if phone else {}))
    v.goto(path)
    v.page.locator("figure.place-map summary").click()  # the table equivalent too
    m = v.page.evaluate(MEASURE, viewport["width"])
    v.screenshot("places-" + (path.strip("/").replace("/", "-") or "index") + ("-phone" if phone else ""), screens=2)
    assert m is not None, f"{path} has no map"
    assert m["paths"] > 0, "no borders drawn"
    assert m["dots"] >= dots
    assert m["labels"], "no labels"
    # every label at least 11 px as drawn, and none over another
    assert min(m["sizes"]) >= 11, m["sizes"]
    for i, a in enumerate(m["labels"]):
        for b in m["labels"][:i]:
            assert not overlaps(a, b), (a["text"], b["text"])
    # the page itself never scrolls sideways (a wide map scrolls in its box)
    assert m["scrollWidth"] <= viewport["width"], m["over"][:5]
    assert m["over"] == []
    # the table equivalent lists the marked places
    rows = v.page.locator("figure.place-map details table tbody tr")
    assert rows.count() >= dots
    run_axe(v, axe, path)
    assert not v.problems(), "\n".join(v.problems())


def test_the_name_of_the_date_and_the_map_say_whose_borders(open_page):
    v = open_page(viewport=DESKTOP)
    v.goto(EVENT)
    # Kirov was shot in 1934: Leningrad, in the Soviet Union, not Saint Petersburg
    place = v.page.locator(".infobox dd", has=v.page.locator("a[href$='/places/saint-petersburg/']")).first
    assert place.inner_text().strip().startswith("Leningrad, Soviet Union")
    assert v.page.locator("figure.place-map text.map-main").text_content() == "Leningrad"
    assert "Borders of today" in v.page.locator("figure.place-map figcaption").inner_text()
    v.goto("/places/saint-petersburg/")
    sections = v.page.locator("main h2, main h3").all_inner_texts()
    assert any("Events here" in s for s in sections) and any("Born here" in s for s in sections), sections
