"""What a reader meets on an entity page, measured in Chromium: "What links
here" kept compact (grouped by relation, one line per linking page, the
sentences on demand, never calling a person "it"), the infobox listing every
group a person belonged to or led, the printed page (A4 pages counted in the
PDF), and the phone header's height. Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from .conftest import DESKTOP, PHONE, entity_pages, page_url_or_skip

pytestmark = pytest.mark.browser

TROTSKY = "/people/leon-trotsky/"

# The section's box, the page's height, and each linking page's line.
BACKLINKS = """() => {
  const s = document.querySelector('section.what-links-here');
  const box = s.getBoundingClientRect();
  const items = [...s.querySelectorAll('ul.backlinks > li')].map(li => {
    const a = li.querySelector(':scope > a');
    const lines = a.getClientRects().length;
    const shown = [...li.querySelectorAll('details')].filter(d => d.open).length;
    return {href: a.getAttribute('href'), text: a.textContent, height: li.getBoundingClientRect().height,
            lineHeight: parseFloat(getComputedStyle(a).lineHeight), lines, open: shown,
            context: li.querySelector('details') ? li.querySelector('details').textContent : ''};
  });
  return {top: box.top + scrollY, height: box.height, page: document.documentElement.scrollHeight,
          headings: [...s.querySelectorAll('h3')].map(h => h.textContent.trim()), items};
}"""


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_what_links_here_is_compact_and_grouped_by_relation(open_page, script):
    v = open_page(viewport=DESKTOP, java_script_enabled=script)
    v.goto(TROTSKY)
    got = v.page.evaluate(BACKLINKS)
    share = got["height"] / got["page"]
    assert share <= 0.25, f"'What links here' is {got['height']:.0f} of {got['page']} px ({share:.0%}) of the page"
    items = got["items"]
    assert len(items) >= 30, len(items)  # the real page has many: the measure means something
    # one item per linking page, and each as tall as its title: a line,
    # or the few a long title wraps to, nothing more
    hrefs = [i["href"] for i in items]
    assert len(hrefs) == len(set(hrefs)), [h for h in hrefs if hrefs.count(h) > 1]
    tall = [i["text"] for i in items if i["height"] > (i["lines"] + 0.5) * i["lineHeight"]]
    assert not tall, f"items taller than their title: {tall}"
    one_line = sum(1 for i in items if i["lines"] == 1)
    assert one_line >= 0.75 * len(items), f"only {one_line} of {len(items)} items fit on a line"
    # nothing open at first; the sentences wait in a <details>
    assert not any(i["open"] for i in items)
    assert sum(1 for i in items if i["context"]) >= 20
    # grouped by relation: the relations first, then the text's mentions
    headings = got["headings"]
    assert any(h.startswith("Groups that name Leon Trotsky as a leader") for h in headings), headings
    assert any(h.startswith("Events that list Leon Trotsky as a participant") for h in headings), headings
    assert re.match(r"Other \w+ that mention Leon Trotsky", headings[-1]), headings
    # no fragment, and a person is never "it"
    for h in headings:
        assert not re.search(r"\b(it|its|them)\b", h), h
    text = v.page.locator("section.what-links-here").inner_text()
    for fragment in ("is about it", "lists it", "names it", "lists membership in it"):
        assert fragment not in text
    v.screenshot(f"what-links-here-{'js' if script else 'nojs'}")
    assert not v.problems(), v.problems()


def test_a_backlink_sentence_opens_on_demand_without_script(open_page):
    v = open_page(viewport=DESKTOP, java_script_enabled=False)
    v.goto(TROTSKY)
    item = v.page.locator("section.what-links-here li", has=v.page.locator("a", has_text="Lev Sedov")).first
    details = item.locator("details")
    sentence = details.locator("mark").first
    assert not sentence.is_visible()
    before = item.bounding_box()["height"]
    details.locator("summary").click()
    assert sentence.is_visible()
    assert "Trotsky" in sentence.inner_text()
    assert item.bounding_box()["height"] > before
    assert not v.problems(), v.problems()


def test_what_links_here_on_a_phone_is_a_fraction_of_what_it_was(open_page):
    v = open_page(viewport=PHONE)
    v.goto(TROTSKY)
    got = v.page.evaluate(BACKLINKS)
    # 17,306 px before: one line or two per linking page now
    assert got["height"] <= 60 * len(got["items"]) + 80 * len(got["headings"]), got["height"]
    assert not v.problems(), v.problems()


# The phone header ------------------------------------------------------------------

HEADER = """() => {
  const h = document.querySelector('header.site-header');
  const links = [...h.querySelectorAll('.site-nav a')];
  const nav = h.querySelector('.site-nav');
  return {height: h.getBoundingClientRect().height, links: links.length,
          rows: new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size,
          search: !!h.querySelector('input[type=search]') && h.querySelector('input[type=search]').getBoundingClientRect().width,
          page_width: document.documentElement.scrollWidth, nav_scrolls: nav.scrollWidth > nav.clientWidth};
}"""


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
@pytest.mark.parametrize("kind", ["home", "person", "article", "chronology", "people-index", "search"])
def test_phone_header_is_at_most_120_px_and_every_section_reachable(open_page, page_urls, kind, script):
    v = open_page(viewport=PHONE, java_script_enabled=script)
    v.goto(page_url_or_skip(page_urls, kind))
    got = v.page.evaluate(HEADER)
    assert got["height"] <= 120, f"the header is {got['height']:.0f} px high on a {PHONE['width']} px screen"
    assert got["links"] >= 8 and got["rows"] == 1, got  # one row of sections, not three
    assert got["search"] and got["search"] >= 150, got  # the search field stays usable
    assert got["page_width"] <= PHONE["width"], got  # the row scrolls by itself, not the page
    # the last section is reached by the keyboard: focusing it scrolls it into view
    last = v.page.locator("header .site-nav a").last
    last.focus()
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, box
    assert not v.problems(), v.problems()


def test_desktop_header_keeps_every_section_on_view(open_page, page_urls):
    v = open_page(viewport=DESKTOP)
    v.goto(page_url_or_skip(page_urls, "person"))
    got = v.page.evaluate(HEADER)
    assert not got["nav_scrolls"] and got["height"] <= 120, got


# Print -------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> int:
    """The pages of a PDF as Chromium writes it: its page objects, checked
    against the page tree's /Count."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf) + re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    assert counts and max(counts) == pages, (pages, counts)
    return pages


PRINTED = """() => {
  const shown = sel => [...document.querySelectorAll(sel)].some(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden');
  return {text: document.body.innerText,
          infobox: shown('aside.infobox'), body: shown('article .body'), notes: shown('section.references li'),
          drawings: shown('section.neighbourhood svg') || shown('section.person-timeline svg'),
          backlink_contexts: shown('ul.backlinks details'), backlinks: shown('ul.backlinks a'),
          nav: shown('header .site-nav')};
}"""


def test_an_entity_page_prints_its_text_infobox_and_notes_on_few_pages(open_page):
    v = open_page(viewport=DESKTOP)
    v.goto(TROTSKY)
    # on screen the page holds what print leaves out (else the test proves nothing)
    on_screen = v.page.evaluate(PRINTED)
    assert on_screen["drawings"] and on_screen["nav"] and "↑" in on_screen["text"]
    pages = pdf_pages(v.page.pdf(format="A4", print_background=False))
    assert pages <= 4, f"Leon Trotsky's page prints on {pages} A4 pages"
    v.page.emulate_media(media="print")
    printed = v.page.evaluate(PRINTED)
    assert printed["infobox"] and printed["body"] and printed["notes"], printed
    assert not printed["drawings"] and not printed["backlink_contexts"] and not printed["nav"], printed
    assert printed["backlinks"]  # reduced to a run of names, not dropped
    assert "↑" not in printed["text"], [line for line in printed["text"].splitlines() if "↑" in line]
    assert not v.problems(), v.problems()


# Infoboxes -----------------------------------------------------------------------------


def test_every_group_a_person_belonged_to_or_led_is_linked_in_the_infobox(open_page, site_dir):
    """Read from the data the site publishes: for each person, the groups
    that list them as a leader or member and the memberships of their own
    page are each a link in the infobox (Trotsky's showed only the party)."""
    import json

    data = json.loads((site_dir / "data" / "dossier.json").read_text(encoding="utf-8"))
    expected: dict[str, set[str]] = {}
    for e in data["entities"]:
        key, fields = e["key"], e["fields"]
        if key.startswith("groups/"):
            for field in ("leaders", "members"):
                for slug in fields.get(field) or []:
                    expected.setdefault(f"people/{slug}", set()).add(key)
        if key.startswith("people/"):
            for m in fields.get("memberships") or []:
                expected.setdefault(key, set()).add(f"groups/{m['group']}")
    assert len(expected.get("people/leon-trotsky", ())) >= 5, expected.get("people/leon-trotsky")
    v = open_page(viewport=DESKTOP, java_script_enabled=False)
    people = set(entity_pages(site_dir, "people"))
    missing = {}
    for person, groups in sorted(expected.items()):
        if f"/{person}/" not in people:
            continue
        v.goto(f"/{person}/")
        linked = set(v.page.eval_on_selector_all("aside.infobox a[data-key]", "as => as.map(a => a.dataset.key)"))
        if groups - linked:
            missing[person] = sorted(groups - linked)
    assert not missing, missing
    v.goto(TROTSKY)
    rows = v.page.eval_on_selector_all("aside.infobox .row", "rs => rs.map(r => [r.querySelector('dt').textContent, r.querySelector('dd').innerText])")
    rows = dict(rows)
    assert "Left Opposition" in rows.get("Led", "") and "United Opposition" in rows["Led"] and "Bloc of Oppositions" in rows["Led"], rows
    # a group with a page is a link, not the text of a role
    assert "Left Opposition" not in rows.get("Roles", ""), rows
    v.screenshot("infobox-trotsky", screens=1)
    assert not v.problems(), v.problems()
