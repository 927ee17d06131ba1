"""Search over an index written in several shards (as large sites are):
the search page merges them in the browser and finds pages in every one."""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, saying why
    expect = None

from dossier import search
from dossier.pipeline import Project

from .conftest import REPO, _Handler, build_in_thread

pytestmark = pytest.mark.browser

QUERIES = [("Zinov'ev", "grigory-zinoviev"), ("Зиновьев", "grigory-zinoviev"), ("Trotskii", "leon-trotsky"), ("Grunstein", "grunstein"), ("Smirnov", "ivan-smirnov"), ("Broué", "pierre-broue")]


@pytest.fixture(scope="module")
def sharded_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("sharded") / "site"
    saved = search.SHARD_PAGES
    search.SHARD_PAGES = 30  # the real site's entity pages in four shards or more
    try:
        build_in_thread(Project.at(REPO, output=out, use_cache=False))
        pages = sum(json.loads((out / "data" / "dossier.json").read_text(encoding="utf-8"))["counts"].values())
        n = search.shard_count(pages)
    finally:
        search.SHARD_PAGES = saved
    assert n >= 4
    shards = sorted((p.name for p in (out / "pagefind").iterdir() if p.is_dir()), key=int)
    assert shards == [str(i) for i in range(n)]
    # the people searched for are spread over several shards
    assert len({search.shard_of(f"people/{slug}", n) for _q, slug in QUERIES}) >= 3
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", n
    server.shutdown()
    server.server_close()


def test_search_finds_people_in_every_shard(browser, sharded_url):
    context = browser.new_context()
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        url, shards = sharded_url
        page.goto(url + "/search/")
        assert page.locator("#search-form").get_attribute("data-shards") == " ".join(str(i) for i in range(shards))
        for query, slug in QUERIES:
            field = page.locator("#search-q")
            field.fill(query)
            field.press("Enter")
            result = page.locator(f"#search-results li.result h2 a[href$='/people/{slug}/']")
            expect(result.first).to_be_visible(timeout=30_000)
        assert not problems, problems
    finally:
        context.close()
