"""The charges in Chromium: the matrix on the Trial of the Sixteen's page and
the page of every charge (``/charges/``), axe clean, usable on a 390 px phone,
and filterable by status and by person with no script at all."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE
from .test_accessibility import BLOCKING, describe

pytestmark = pytest.mark.browser

TRIAL = "/events/trial-of-the-sixteen/"
EVERY = "/charges/"
STATUS_PAGES = ["/charges/documented/", "/charges/confession-only/", "/charges/refuted/", "/charges/unresolved/"]

# Every box of the page that sticks out to the right of the viewport, and every
# text in the charge sections smaller than 11 px: what a phone user cannot read.
MEASURE = """(width) => {
  const out = {overflowing: [], small: [], scrollers: []};
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    // an absolutely positioned box is clipped by a scroll box only when that
    // box, or a box between them, is its containing block (is positioned)
    const escapes = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    let clipped = false, contained = !escapes;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.position !== 'static') contained = true;
      const ox = cs.overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { clipped = contained; break; }
    }
    if (!clipped && r.right > width + 0.5) out.overflowing.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right ${Math.round(r.right)}`);
  }
  for (const el of document.querySelectorAll('.charges *, .charges-index *')) {
    const hasText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const r = el.getBoundingClientRect();
    if (!hasText || r.width === 0) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 11) out.small.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${size}px: ${el.textContent.trim().slice(0, 30)}`);
  }
  for (const el of document.querySelectorAll('.matrix-scroll, .table-scroll')) {
    const r = el.getBoundingClientRect();
    out.scrollers.push({cls: el.className, left: r.left, right: r.right, client: el.clientWidth, scroll: el.scrollWidth});
  }
  return out;
}"""


def run_axe(v, axe, path):
    results = axe.run(v.page)
    blocking = [x for x in results.response["violations"] if x.get("impact") in BLOCKING]
    assert not blocking, f"axe on {path}: {len(blocking)} serious/critical rules violated\n" + describe(blocking)


@pytest.mark.parametrize("path", [TRIAL, EVERY, "/charges/refuted/"])
def test_the_charges_are_axe_clean(open_page, axe, path):
    v = open_page(viewport=DESKTOP)
    v.goto(path)
    for details in v.page.locator("details.charge-details").all():
        details.locator("summary").click()  # the full table too, not just the matrix
    run_axe(v, axe, path)
    assert not v.problems(), "\n".join(v.problems())


def test_the_matrix_shows_the_real_bloc_and_the_false_terror(open_page):
    v = open_page(viewport=DESKTOP)
    v.goto(TRIAL)
    rows = v.page.locator("table.charge-matrix tbody tr")
    cells = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        # a cell's text as the eye reads it (an empty cell's words are for screen readers)
        cells[row.locator("th").inner_text().strip()] = [c.inner_text().strip().split("\n")[0] for c in row.locator("td").all()]
    assert cells["Leon Trotsky"] == ["documented", "refuted", "refuted"]
    assert cells["Grigory Zinoviev"] == ["unresolved", "confession only", "refuted"]
    assert cells["Ivan Smirnov"] == ["documented", "confession only", "–"]
    assert row.page.get_by_role("table").first.locator("td", has_text="not accused of this").count() >= 1
    # each column header says which charge it is, to a screen reader too
    header = v.page.locator("table.charge-matrix thead a").first
    assert header.get_attribute("aria-label").startswith("Charge 1: In 1932 formed a secret bloc")


@pytest.mark.parametrize("path", [TRIAL, EVERY])
def test_usable_on_a_390px_phone(open_page, axe, path):
    v = open_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    v.goto(path)
    for details in v.page.locator("details.charge-details").all():
        details.locator("summary").click()
    scroll_width, inner_width = v.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    got = v.page.evaluate(MEASURE, PHONE["width"])
    v.screenshot("charges-" + path.strip("/").replace("/", "-") + "-phone")
    print(f"\n{path} at {PHONE['width']} px: scrollWidth {scroll_width}, innerWidth {inner_width}, scroll boxes {got['scrollers']}")
    assert scroll_width <= inner_width <= PHONE["width"], f"{path} scrolls sideways: {got['overflowing'][:10]}"
    assert got["overflowing"] == []
    assert got["small"] == [], f"text under 11 px: {got['small'][:10]}"
    # a table wider than the phone scrolls within its own box, which stays on screen
    for box in got["scrollers"]:
        assert box["left"] >= 0 and box["right"] <= PHONE["width"] + 0.5, box
    # the reflowed table still reads as a table, its cells labelled
    first_row = v.page.locator("table.charge-table tbody tr").first
    assert first_row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content") == '"Accused: "'
    run_axe(v, axe, path)
    assert not v.problems(), "\n".join(v.problems())


def test_filter_by_status_and_by_person_without_script(open_page):
    v = open_page(viewport=DESKTOP, java_script_enabled=False)
    v.goto(EVERY)
    filters = v.page.locator("nav.charge-filters a")
    hrefs = [a.get_attribute("href") for a in filters.all()]
    for status_page in STATUS_PAGES:
        assert any(h.rstrip("/").endswith(status_page.strip("/").split("/")[-1]) for h in hrefs), (status_page, hrefs)
    total = v.page.locator(".charge-case tbody tr").count()
    counted = 0
    for status_page in STATUS_PAGES:
        v.goto(status_page)
        badges = [b.inner_text().strip() for b in v.page.locator(".charge-case tbody .badge").all()]
        label = status_page.strip("/").split("/")[-1].replace("-", " ")
        assert badges and set(badges) == {label}, (status_page, set(badges))
        counted += len(badges)
    assert counted == total  # every charge is on exactly one status page
    # by person: each accused is listed with their cases, linked to their own
    # page, which lists the charges against them
    v.goto(EVERY)
    person = v.page.locator(".charge-people li").filter(has_text="Lev Kamenev").first
    assert "Kremlin case" in person.inner_text()
    person.locator("a.xref").first.click()
    v.page.wait_for_load_state()
    assert v.page.url.endswith("/people/lev-kamenev/")
    assert "Kremlin case" in v.page.locator("main").inner_text()
    assert not v.problems(), "\n".join(v.problems())
