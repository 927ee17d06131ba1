"""Pages a reader can read (issue 15): notes in reading order and "Cited by"
that leads to the citing sentence, search excerpts from the page's own text,
a preview for every internal link and every citation, dates as a reader
writes them, articles laid out as encyclopedia entries. Everything measured
in Chromium on the built site.
"""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, saying why
    expect = None

from .conftest import PHONE, REPO, entity_pages

pytestmark = pytest.mark.browser

#: pages whose running text cites several sources at once
CITING_PAGES = [
    "/articles/stalins-amalgams/",
    "/articles/the-bloc-of-oppositions-1932-1933/",
    "/articles/finding-the-bloc/",
    "/events/bloc-formation/",
    "/groups/bloc-of-oppositions/",
    "/groups/trotskyist-group-in-the-ussr/",
    "/people/leon-trotsky/",
]

NOTE_NUMBERS = """() => [...document.querySelectorAll('article sup.cite a')].map(a => ({
    n: parseInt(a.textContent.slice(1), 10),
    // adjacent: this marker follows another with nothing but the word joiner between
    run: (() => { const s = a.parentElement.previousSibling;
                  return !!(s && s.nodeType === 3 && s.textContent === '\\u2060' && s.previousSibling && s.previousSibling.matches && s.previousSibling.matches('sup.cite')); })(),
}))"""


# Citations ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CITING_PAGES)
def test_note_numbers_follow_reading_order(open_page, path):
    v = open_page()
    v.goto(path)
    notes = v.page.evaluate(NOTE_NUMBERS)
    assert notes, f"{path} has no citation"
    # a group of markers reads [1][3], never [3][1]
    for before, after in zip(notes, notes[1:]):
        if after["run"]:
            assert before["n"] <= after["n"], f"{path}: [{before['n']}][{after['n']}] in running text"
    # each new note takes the next number, in the order the page is read
    first_seen = list(dict.fromkeys(x["n"] for x in notes))
    assert first_seen == list(range(1, len(first_seen) + 1)), (path, first_seen)
    assert not v.problems(), v.problems()


def _cited_by(v):
    return v.page.evaluate(
        """() => [...document.querySelectorAll('section.cited-by > ul > li')].map(li => ({
            page: li.querySelector(':scope > a.xref').href,
            contexts: [...li.querySelectorAll('a.in-context')].map(a => a.href),
        }))"""
    )


@pytest.mark.parametrize("source", ["/sources/sedov-1936/", "/sources/broue-1980/", "/sources/getty-1985/"])
def test_cited_by_lists_each_page_once_and_leads_to_the_citing_sentence(open_page, site_dir, source):
    if not (site_dir / source.strip("/") / "index.html").is_file():
        pytest.skip(f"{source} is not in the content")
    v = open_page(reduced_motion="reduce")  # no smooth scrolling to the anchor
    v.goto(source)
    items = _cited_by(v)
    assert items, f"{source} lists no citing page"
    pages = [i["page"] for i in items]
    assert len(pages) == len(set(pages)), f"{source}: a citing page listed more than once: {sorted(p for p in pages if pages.count(p) > 1)}"
    contexts = [(i["page"], c) for i in items for c in i["contexts"]]
    assert contexts, f"{source}: no citation links to its sentence"
    for page, target in contexts[:6]:
        assert target.split("#")[0] == page and "#" in target, target
        v.page.goto(target)
        marker = v.page.locator(":target")
        expect(marker).to_have_count(1)
        assert marker.evaluate("e => e.matches('sup.cite')"), f"{target}: the anchor is not a note reference"
        expect(marker).to_be_in_viewport()
        # the marker's note is this source
        ref = marker.locator("a").get_attribute("href")
        to_source = v.page.locator(f"section.references li{ref} a.to-source").evaluate("a => a.href")
        assert to_source.rstrip("/").endswith(source.rstrip("/")), (target, to_source)
    assert not v.problems(), v.problems()


# Search --------------------------------------------------------------------------------

PAGE_WORDS = """async (url) => {
    const html = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const body = doc.querySelector('[data-pagefind-body]');
    body.querySelectorAll('[hidden], [data-pagefind-ignore]').forEach(e => e.remove());
    const parts = [], walk = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) parts.push(walk.currentNode.textContent);
    return [parts.join(' ').toLowerCase().match(/[\\p{L}\\p{N}]+/gu) || [],
            [...doc.querySelectorAll('[data-pagefind-body] [hidden]')].map(e => e.textContent)];
}"""


@pytest.mark.parametrize("query", ["Zinov'ev", "Зиновьев", "Trotskii", "Grunstein", "Trotsky", "Kamenev", "Bloc"])
def test_search_excerpts_quote_the_pages_own_text(open_page, query):
    v = open_page()
    v.goto("/search/?q=" + query)
    results = v.page.locator("#search-results li.result")
    expect(results.first).to_be_visible(timeout=30_000)
    shown = results.evaluate_all(
        "lis => lis.slice(0, 8).map(li => [li.querySelector('h2 a').href, li.querySelector('p.excerpt').textContent])"
    )
    for url, excerpt in shown:
        words, hidden = v.page.evaluate(PAGE_WORDS, url)
        said = re.findall(r"[^\W_]+", excerpt.lower())
        assert said, f"{query}: an empty excerpt for {url}"
        # compared letter by letter: Pagefind joins some elements' texts
        # without a space ("Date1935")
        assert "".join(said) in "".join(words), f"{query}: the excerpt for {url} is not the page's text: {excerpt!r}"
        for spellings in hidden:
            assert spellings.strip() not in excerpt, f"{query}: {url} shows its index-only names: {excerpt!r}"
    assert not v.problems(), v.problems()


# Previews -------------------------------------------------------------------------------

#: every internal link of the page's content (drawings aside) to a page of
#: the site, focused one by one: which show no card, which show another title
LINK_PREVIEWS = """async () => {
    const root = new URL('../../', document.querySelector('script[src$="theme/js/previews.js"]').src);
    const response = await fetch(new URL('assets/previews.json', root));
    const data = response.ok ? await response.json() : {};
    const card = document.getElementById('dossier-preview');
    const here = location.pathname;
    const links = [...document.querySelectorAll('main a[href]')].filter(a => !a.closest('svg') && !a.closest('sup.cite') && a.checkVisibility());  // shown (not in a closed <details>)
    const out = {checked: 0, missing: [], wrong: [], targets: new Set()};
    for (const a of links) {
        const url = new URL(a.getAttribute('href'), location.href);
        const path = url.pathname.slice(root.pathname.length);
        if (url.origin !== root.origin || url.pathname === here || !/^(people|groups|events|sources|articles)\\/[^/]+\\/$/.test(path)) continue;
        const key = path.replace(/\\/$/, '');
        out.checked++;
        out.targets.add(key);
        a.focus();
        for (let i = 0; i < 50 && card.hidden; i++) await new Promise(r => setTimeout(r, 20));
        const title = card.hidden ? null : card.querySelector('.preview-title').textContent;
        if (title === null) out.missing.push(key);
        else if (!data[key] || title !== data[key].title) out.wrong.push([key, title]);
        a.blur();
    }
    out.targets = out.targets.size;
    return out;
}"""


@pytest.mark.parametrize("path", ["/", "/people/leon-trotsky/", "/groups/bloc-of-oppositions/", "/articles/stalins-amalgams/", "/people/", "/sources/broue-1980/"])
def test_every_internal_link_has_a_preview_on_focus(open_page, path):
    v = open_page()
    v.goto(path)
    got = v.page.evaluate(LINK_PREVIEWS)
    assert got["checked"] >= 5, got
    assert not got["missing"], f"{path}: {len(got['missing'])} of {got['checked']} links to {got['targets']} pages have no preview: {sorted(set(got['missing']))[:10]}"
    assert not got["wrong"], got["wrong"][:5]
    assert not v.problems(), v.problems()


def test_a_preview_shows_the_target_pages_own_title_and_summary_on_hover(open_page):
    v = open_page()
    v.goto("/")
    link = v.page.locator("main a[href*='people/']").first
    href = link.get_attribute("href")
    card = v.page.locator("#dossier-preview")
    link.hover()
    expect(card).to_be_visible()
    assert link.get_attribute("aria-describedby") == "dossier-preview"
    shown = card.locator(".preview-title").inner_text()
    target = open_page()
    target.goto("/" + href.lstrip("./"))
    assert shown == target.page.locator("main h1").inner_text()
    summary = target.page.locator("header .summary")
    if summary.count():
        expect(card.locator(".preview-summary")).to_have_text(summary.inner_text())
    v.page.mouse.move(0, 0)
    expect(card).to_be_hidden()
    assert not v.problems(), v.problems()


@pytest.mark.parametrize("how", ["focus", "hover"])
def test_a_citation_marker_previews_its_note(open_page, how):
    v = open_page()
    v.goto("/articles/stalins-amalgams/")
    marker = v.page.locator(".body sup.cite a").filter(has_text=",").first  # one with a locator
    text = marker.inner_text()  # "[1, ¶ 4]"
    number, locator = re.fullmatch(r"\[(\d+), (.+)\]", text).groups()
    ref = v.page.locator(f"section.references li#ref-{number}")
    entry = ref.locator(".entry").inner_text()
    genre_page = open_page()
    genre_page.goto("/" + ref.locator("a.to-source").get_attribute("href").lstrip("./"))
    genre = genre_page.page.locator("header .kind-label [class*='genre-']").inner_text()
    card = v.page.locator("#dossier-preview")
    marker.focus() if how == "focus" else marker.hover()
    expect(card).to_be_visible()
    expect(card.locator(".preview-entry")).to_have_text(entry)
    expect(card.locator(".preview-locator")).to_contain_text(locator)
    expect(card.locator(".preview-kind")).to_contain_text(f"Note {number}")
    expect(card.locator(".preview-kind")).to_contain_text(genre, ignore_case=True)
    assert marker.get_attribute("aria-describedby") == "dossier-preview"
    v.page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert not v.problems(), v.problems()


# Articles -------------------------------------------------------------------------------

ARTICLES = ["/articles/stalins-amalgams/", "/articles/the-bloc-of-oppositions-1932-1933/", "/articles/finding-the-bloc/"]


@pytest.mark.parametrize("path", ARTICLES)
def test_an_article_reads_like_an_encyclopedia_entry(open_page, path):
    v = open_page()
    v.goto(path)
    page = v.page
    # author and date at the top, under the title
    byline = page.locator("header.entity-header .byline")
    expect(byline).to_be_visible()
    expect(byline).to_contain_text(re.compile(r"^By \S"))
    assert byline.locator("time[datetime]").count() == 1
    title_box, byline_box = page.locator("main h1").bounding_box(), byline.bounding_box()
    assert 0 <= byline_box["y"] - (title_box["y"] + title_box["height"]) < 60
    # a table of contents of its sections, each leading to its heading
    toc = page.locator("nav.toc a")
    assert toc.count() >= 2, f"{path}: no table of contents"
    sections = page.evaluate(
        "() => [...document.querySelectorAll('nav.toc a')].map(a => { const h = document.getElementById(a.getAttribute('href').slice(1));"
        " return h && [h.tagName, h.textContent.trim(), a.textContent.trim(), parseFloat(getComputedStyle(h).fontSize)]; })"
    )
    assert all(sections), f"{path}: a contents entry leads nowhere"
    for _tag, heading, entry, _size in sections:
        assert heading == entry, (heading, entry)
    # the article's own headings are larger than the page's "References"
    references = page.evaluate("() => parseFloat(getComputedStyle(document.getElementById('references')).fontSize)")
    assert min(size for *_x, size in sections) > references, (sections, references)
    assert not v.problems(), v.problems()


@pytest.mark.parametrize("path", ARTICLES)
def test_an_article_has_one_series_of_notes(open_page, path):
    v = open_page()
    v.goto(path)
    got = v.page.evaluate(
        """() => ({
            markers: [...document.querySelectorAll('article sup a')].filter(a => /^\\[?\\d/.test(a.textContent))
                .map(a => [a.textContent, a.getAttribute('href')]),
            lists: document.querySelectorAll('article ol.reference-list, article .footnote ol').length,
            items: [...document.querySelectorAll('article ol.reference-list > li')].map(li => li.id),
        })"""
    )
    assert got["lists"] == 1, f"{path}: {got['lists']} lists of notes"
    assert got["items"] == [f"ref-{n}" for n in range(1, len(got["items"]) + 1)]
    for text, href in got["markers"]:
        n = re.match(r"\[?(\d+)", text).group(1)
        assert href == f"#ref-{n}", f"{path}: the marker {text} leads to {href}, another series"
    assert not v.problems(), v.problems()


@pytest.mark.parametrize("path", ARTICLES)
def test_an_articles_first_sentence_is_on_the_first_screen_of_a_phone(open_page, path):
    v = open_page(viewport=PHONE)
    v.goto(path)
    bottom = v.page.evaluate(
        """() => { const p = document.querySelector('.body > p');
            const walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT); walk.nextNode();
            const r = document.createRange(); r.setStart(walk.currentNode, 0); r.setEnd(walk.currentNode, Math.min(12, walk.currentNode.length));
            return r.getBoundingClientRect().bottom; }"""
    )
    assert bottom <= PHONE["height"], f"{path}: the first sentence starts {bottom:.0f} px down on a {PHONE['height']} px screen"
    v.screenshot("article-phone-" + path.strip("/").split("/")[-1], screens=1)
    assert not v.problems(), v.problems()


# Dates ----------------------------------------------------------------------------------

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
#: a span that says a month or a year twice, or looks like three dates
REPEATS = [
    re.compile(rf"\b\d{{1,2}} ({MONTH}) (\d{{4}}) – \d{{1,2}} \1 \2\b"),  # 19 August 1936 – 24 August 1936
    re.compile(rf"\b({MONTH}) (\d{{4}}) – {MONTH} \2\b"),  # November 1927 – December 1927
    re.compile(rf"(?<![\d ])(\d{{4}}) – (?:\d{{1,2}} )?{MONTH} \1\b"),  # 1928 – September 1928
    re.compile(r"\? – [^()–]+ – [^()–]+\)"),  # (? – October 1932 – January 1933)
]


def test_dates_on_the_pages_say_each_thing_once(open_page, site_dir):
    """Every entity page's dates, as a reader reads them (in the browser:
    the infobox, the relations, the timeline labels), and the uncertain ones
    still marked as such."""
    v = open_page()
    seen = 0
    for path in entity_pages(site_dir, "people", "groups", "events"):
        v.goto(path, wait_until="networkidle")  # the previews' data too, before leaving
        text = v.page.evaluate("() => document.querySelector('main').innerText")
        seen += 1
        for pattern in REPEATS:
            m = pattern.search(text)
            assert m is None, f"{path}: {m.group(0)!r}"
    assert seen > 20
    # an uncertain or approximate date keeps its mark, under the title
    marked = 0
    for md in sorted((REPO / "content").glob("*/*.md")):
        written = re.findall(r'^(?:born|died|founded|dissolved|date|end): "?(\d{4})([?~%])"?$', md.read_text(encoding="utf-8"), re.M)
        if not written:
            continue
        v.goto(f"/{md.parent.name}/{md.stem}/", wait_until="networkidle")
        header = v.page.locator("header.entity-header").inner_text()
        for year, mark in written:
            word = {"?": "possibly", "~": "c.", "%": "possibly around"}[mark]
            assert re.search(rf"{re.escape(word)} {year}\b", header), f"{md.name}: {year}{mark} shown as {header!r}"
            marked += 1
    assert marked, "no uncertain date in the content to check"
    assert not v.problems(), v.problems()
