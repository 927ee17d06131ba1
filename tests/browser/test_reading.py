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

from .conftest import DESKTOP, PHONE, entity_pages

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
