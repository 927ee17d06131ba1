"""End-to-end: the built site in Chromium, as readers use it.

Navigation by clicking, cross-links and their backlinks, citation notes and
their references, search, the graph; on every page type no console error and
no failed request, and no horizontal scrolling on a phone. Screenshots of each
page type at desktop and phone width go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, saying why
    expect = None

from .conftest import DESKTOP, PAGE_TYPES, PHONE, page_url_or_skip

pytestmark = pytest.mark.browser


def resolved_href(locator) -> str:
    """The absolute URL a link points to (what the browser would follow)."""
    return locator.evaluate("a => a.href")


def same_page(a: str, b: str) -> bool:
    strip = lambda u: re.sub(r"(index\.html)?([?#].*)?$", "", u)
    return strip(a) == strip(b)


# Navigation ------------------------------------------------------------------------


def test_home_to_a_person_by_clicking(open_page):
    v = open_page()
    v.goto("/")
    link = v.page.locator(".home-intro a.xref[href*='people/']").first
    name = link.inner_text()
    link.click()
    expect(v.page).to_have_url(re.compile(r"/people/[^/]+/$"))
    expect(v.page.locator("body")).to_have_class(re.compile(r"\bkind-person\b"))
    expect(v.page.locator("main h1")).to_contain_text(name.split()[-1])
    assert not v.problems(), v.problems()


def test_home_to_a_group_through_the_groups_index(open_page):
    v = open_page()
    v.goto("/")
    v.page.locator(".site-nav").get_by_role("link", name="Groups", exact=True).click()
    expect(v.page).to_have_url(re.compile(r"/groups/$"))
    link = v.page.locator("main a[href*='bloc-of-oppositions/']").first
    link.click()
    expect(v.page).to_have_url(re.compile(r"/groups/bloc-of-oppositions/$"))
    expect(v.page.locator("body")).to_have_class(re.compile(r"\bkind-group\b"))
    expect(v.page.locator("main h1")).to_contain_text("Bloc of Oppositions")
    assert not v.problems(), v.problems()


def test_home_to_an_event_through_the_events_index(open_page):
    v = open_page()
    v.goto("/")
    v.page.locator(".home-browse").get_by_role("link", name="Events", exact=True).click()
    expect(v.page).to_have_url(re.compile(r"/events/$"))
    link = v.page.locator("main a[href*='bloc-formation/']").first
    title = link.inner_text()
    link.click()
    expect(v.page).to_have_url(re.compile(r"/events/bloc-formation/$"))
    expect(v.page.locator("body")).to_have_class(re.compile(r"\bkind-event\b"))
    expect(v.page.locator("main h1")).to_have_text(title)
    assert not v.problems(), v.problems()


# Cross-links and backlinks -----------------------------------------------------------


def test_a_cross_link_and_its_backlink(open_page, page_urls):
    v = open_page()
    source_path = page_url_or_skip(page_urls, "person")
    v.goto(source_path)
    source_url = v.page.url
    source_title = v.page.locator("main h1").inner_text()
    # a [[link]] in the body to another page
    link = v.page.locator(".body a.xref[href]:not([href^='#'])").first
    target = resolved_href(link)
    assert not same_page(target, source_url)
    link.click()
    v.page.wait_for_url(target)
    # the target's "What links here" lists the page we came from
    section = v.page.locator("section.what-links-here")
    expect(section.get_by_role("heading", name="What links here")).to_be_visible()
    back = section.locator("ul.backlinks a", has_text=source_title)
    expect(back).to_have_count(1)
    assert same_page(resolved_href(back), source_url)
    back.click()
    v.page.wait_for_url(source_url)
    expect(v.page.locator("main h1")).to_have_text(source_title)
    assert not v.problems(), v.problems()


# Citations ----------------------------------------------------------------------------


def test_a_citation_note_and_its_reference_entry(open_page, page_urls):
    v = open_page()
    v.goto(page_url_or_skip(page_urls, "article"))
    note = v.page.locator("sup.cite").first
    note_id = note.get_attribute("id")
    link = note.locator("a")
    ref = link.get_attribute("href")
    assert ref and re.fullmatch(r"#ref-\d+", ref), ref
    link.click()
    expect(v.page).to_have_url(re.compile(re.escape(ref) + "$"))
    entry = v.page.locator(f"section.references li{ref}")
    expect(entry).to_have_count(1)
    expect(entry).to_be_in_viewport()
    assert v.page.evaluate("() => document.querySelector(':target') && document.querySelector(':target').id") == ref[1:]
    expect(entry.locator(".entry")).not_to_be_empty()
    # the entry's back-link to this very note returns to it
    back = entry.locator(f".backrefs a[href='#{note_id}']")
    expect(back).to_have_count(1)
    v.page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    back.click()
    expect(v.page).to_have_url(re.compile(f"#{re.escape(note_id)}$"))
    expect(v.page.locator(f"sup#{note_id}")).to_be_in_viewport()
    # and the entry leads to the source page
    assert "/sources/" in resolved_href(entry.locator("a.to-source"))
    assert not v.problems(), v.problems()


# Search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, person",
    [("Zinov'ev", "grigory-zinoviev"), ("Зиновьев", "grigory-zinoviev"), ("Trotskii", "leon-trotsky"), ("Grunstein", "grunstein"), ("Trotsky", "leon-trotsky"),
     # spellings generated from the native name, typed by no editor
     ("Sinowjew", "grigory-zinoviev"), ("Zinovyev", "grigory-zinoviev"), ("Zinov'yev", "grigory-zinoviev"), ("Trozki", "leon-trotsky")],
)
def test_search_finds_the_person(open_page, query, person):
    v = open_page()
    v.goto("/search/")
    field = v.page.locator("#search-q")
    field.fill(query)
    field.press("Enter")
    result = v.page.locator(f"#search-results li.result h2 a[href$='/people/{person}/']")
    expect(result.first).to_be_visible(timeout=30_000)
    expect(v.page.locator("#search-status")).to_contain_text("result")
    result.first.click()
    expect(v.page).to_have_url(re.compile(f"/people/{re.escape(person)}/$"))
    expect(v.page.locator("body")).to_have_class(re.compile(r"\bkind-person\b"))
    assert not v.problems(), v.problems()


def test_search_type_filter_keeps_only_that_kind(open_page):
    v = open_page()
    v.goto("/search/?q=Trotsky&type=person")
    results = v.page.locator("#search-results li.result")
    expect(results.first).to_be_visible(timeout=30_000)
    hrefs = results.locator("h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all("/people/" in h for h in hrefs), hrefs
    expect(results.first.locator(".badge.kind")).to_have_text("person")
    assert not v.problems(), v.problems()


def test_header_search_box_lands_on_results(open_page):
    v = open_page()
    v.goto("/people/")
    v.page.locator("#site-search-q").fill("Sedov")
    v.page.locator(".site-search button").click()
    expect(v.page).to_have_url(re.compile(r"/search/\?q=Sedov$"))
    expect(v.page.locator("#search-results a[href$='/people/lev-sedov/']").first).to_be_visible(timeout=30_000)
    assert not v.problems(), v.problems()


# The graph ----------------------------------------------------------------------------


def test_graph_page_renders(open_page, page_urls):
    path = page_url_or_skip(page_urls, "graph")
    v = open_page()
    v.goto(path)
    drawing = v.page.locator("main svg:not(.legend-swatch), main canvas").first  # not the filters' swatches
    expect(drawing).to_be_visible()
    box = drawing.bounding_box()
    assert box and box["width"] >= 200 and box["height"] >= 150, box
    if drawing.evaluate("e => e.tagName.toLowerCase()") == "svg":
        shapes = drawing.locator("circle, rect, path, line, a, text").count()
        assert shapes > 10, f"the graph drew only {shapes} shapes"
        assert drawing.locator("a[href*='people/']").count() + v.page.locator("main a[href*='people/']").count() > 0
    v.screenshot("graph-render")
    assert not v.problems(), v.problems()


# Every page type: no console error or failed request; desktop screenshot ----------------


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_type_loads_cleanly_on_desktop(open_page, page_urls, kind):
    path = page_url_or_skip(page_urls, kind)
    v = open_page(viewport=DESKTOP)
    v.goto(path, expect_status=404 if kind == "404" else 200)
    expect(v.page.locator("main h1").first).to_be_visible()
    if kind == "search":
        expect(v.page.locator("#search-results li").first).to_be_visible(timeout=30_000)
    if kind == "404":
        expect(v.page.locator("main h1")).to_have_text("Page not found")
        # its root-absolute links and stylesheet work from any depth
        assert v.page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display") != "inline"
    v.screenshot(f"{kind}-desktop")
    assert not v.problems(), f"{path}:\n" + "\n".join(v.problems())


# Every page type on a phone: no horizontal scrolling; phone screenshot --------------------

OVERFLOWING = """(w) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5 && r.width > 0) {
      let sel = el.tagName.toLowerCase();
      if (el.id) sel += '#' + el.id;
      if (el.classList.length) sel += '.' + [...el.classList].join('.');
      out.push(`${sel} (right edge ${Math.round(r.right)}px, width ${Math.round(r.width)}px)`);
    }
  }
  return out.slice(0, 12);
}"""


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_type_has_no_horizontal_scroll_on_a_phone(open_page, page_urls, kind):
    path = page_url_or_skip(page_urls, kind)
    v = open_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    v.goto(path, expect_status=404 if kind == "404" else 200)
    if kind == "search":
        expect(v.page.locator("#search-results li").first).to_be_visible(timeout=30_000)
    scroll_width, inner_width = v.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    v.screenshot(f"{kind}-phone")
    # A phone browser widens its layout viewport to fit content that is too
    # wide (window.innerWidth grows past the screen): that is overflow too.
    screen = PHONE["width"]
    if scroll_width > inner_width or inner_width > screen:
        pytest.fail(f"{path} scrolls sideways on a {screen}px phone: scrollWidth {scroll_width}, innerWidth {inner_width}; "
                    "wider than the screen:\n  " + "\n  ".join(v.page.evaluate(OVERFLOWING, screen)), pytrace=False)
    assert not v.problems(), f"{path}:\n" + "\n".join(v.problems())


# Link previews -------------------------------------------------------------------------


def test_link_preview_on_focus_and_hover_without_moving_the_page(open_page, page_urls):
    v = open_page()
    v.goto(page_url_or_skip(page_urls, "group"))
    data = v.page.evaluate("fetch('../../assets/previews.json').then(r => r.json())")  # the site's one file of previews
    links = v.page.locator(".body a.xref[data-key]")
    assert links.count() >= 2
    first, second = links.nth(0), links.nth(1)
    key = first.get_attribute("data-key")
    card = v.page.locator("#dossier-preview")
    expect(card).to_be_hidden()
    layout = "JSON.stringify([document.documentElement.scrollHeight, document.querySelector('main h1').getBoundingClientRect().top, document.querySelector('.body').getBoundingClientRect().height])"
    before = v.page.evaluate(layout)

    # keyboard: focusing the link shows the card, describes the link, Escape closes it
    first.focus()
    expect(card).to_be_visible()
    expect(card.locator(".preview-title")).to_have_text(data[key]["title"])
    if data[key]["summary"]:
        expect(card.locator(".preview-summary")).to_have_text(data[key]["summary"])
    expect(card).to_have_attribute("role", "tooltip")
    assert first.get_attribute("aria-describedby") == "dossier-preview"
    assert v.page.evaluate(layout) == before  # nothing on the page moved
    box, link_box = card.bounding_box(), first.bounding_box()
    assert box["y"] >= link_box["y"] + link_box["height"]  # under the link, not over it
    v.page.keyboard.press("Escape")
    expect(card).to_be_hidden()

    # pointer: hovering another link shows its own target
    second.hover()
    expect(card).to_be_visible()
    expect(card.locator(".preview-title")).to_have_text(data[second.get_attribute("data-key")]["title"])
    v.page.mouse.move(0, 0)
    expect(card).to_be_hidden()
    assert not v.problems(), v.problems()


def test_no_link_previews_on_a_touch_screen(open_page, page_urls):
    v = open_page(viewport=PHONE, has_touch=True, is_mobile=True)
    v.goto(page_url_or_skip(page_urls, "group"))
    assert v.page.evaluate("matchMedia('(hover: hover)').matches") is False
    link = v.page.locator(".body a.xref[data-key]").first
    link.focus()
    assert v.page.locator("#dossier-preview").count() == 0
    assert not v.problems(), v.problems()
