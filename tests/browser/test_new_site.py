"""A reference work made by `dossier init`, built and opened in Chromium:
its home page shows, links to the example pages, and runs without a console
error, a failed request or an uncaught exception (the site's own CSP on)."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from dossier.newsite import init
from dossier.pipeline import Project

from .conftest import _Handler, build_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def new_site_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("new-site") / "site"
    init(root, "A new reference work")
    project = Project.at(root, strict=True)
    build_in_thread(project)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(project.output)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_new_sites_home_page_opens_and_links_to_its_examples(browser, new_site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"{r.url}: {r.failure}"))
    try:
        response = page.goto(new_site_url + "/", wait_until="load")
        assert response is not None and response.status == 200
        assert page.title().startswith("A new reference work")
        assert page.locator("h1").first.inner_text().strip() == "A new reference work"
        page.locator("main a", has_text="Example Person").first.click()
        page.wait_for_load_state("load")
        assert page.url == new_site_url + "/people/example-person/"
        assert page.locator("h1").first.inner_text().strip() == "Example Person"
        # the stylesheet of the installed theme applied
        assert page.evaluate("() => [...document.styleSheets].some(s => (s.href || '').endsWith('/theme/css/dossier.css') && s.cssRules.length > 0)")
        assert errors == []
    finally:
        context.close()
