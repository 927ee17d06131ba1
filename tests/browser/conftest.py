"""Browser tests: the real site, built once, served on localhost, driven by
Chromium through Playwright for Python.

- ``site_dir``: the real ``content/`` built once into a temporary folder;
- ``base_url``: that folder served by a stdlib ``ThreadingHTTPServer`` on
  127.0.0.1 (a random port), in a thread; a missing path gets ``404.html``
  with status 404, as static hosts do;
- ``browser``: ONE Chromium for the session. Playwright's own browser download
  is not used: the browser is Debian's ``chromium``, found at
  ``$DOSSIER_CHROMIUM``, else ``/usr/bin/chromium``, else on ``PATH``.
  Without one the tests skip with the reason, unless
  ``DOSSIER_REQUIRE_BROWSER=1`` (set by ``.ci/run`` under CI), where they fail;
- ``open_page(viewport=..., **context_options)``: a fresh page (in a context
  shared by the tests with the same options) that records console errors,
  uncaught exceptions and failed requests (a ``Visit``); the browser runs the
  site's own Content-Security-Policy (never bypassed);
- ``PAGE_TYPES``: one representative URL per page type, resolved against the
  build (a preferred page, else the first of its kind).

Screenshots go to ``test-artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dossier.pipeline import Project, build

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]

# page type -> (folder of the kind or a fixed path, preferred page)
#   a fixed path starts with "/"; a kind picks <kind>/<preferred>/ or the first.
PAGE_TYPES: dict[str, tuple[str, str | None]] = {
    "home": ("/", None),
    "person": ("people", "leon-trotsky"),
    "group": ("groups", "bloc-of-oppositions"),
    "event": ("events", "bloc-formation"),
    "source": ("sources", "broue-1980"),
    "article": ("articles", "the-bloc-of-oppositions-1932-1933"),
    "people-index": ("/people/", None),
    "groups-index": ("/groups/", None),
    "events-index": ("/events/", None),
    "sources-index": ("/sources/", None),
    "articles-index": ("/articles/", None),
    "chronology": ("/chronology/", None),
    "search": ("/search/?q=Trotsky", None),
    "404": ("/no-such-page/", None),
    # newer pages: tested when the build has them, skipped with the reason if not
    "graph": ("/graph/", None),
    "debates": ("/debates/", None),
    "data": ("/data/", None),
}
OPTIONAL_TYPES = {"graph", "debates", "data"}


def _require_browser() -> bool:
    return os.environ.get("DOSSIER_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str):
    if _require_browser():
        pytest.fail(f"{reason} — and DOSSIER_REQUIRE_BROWSER=1 (CI) requires the browser tests to run", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    env = os.environ.get("DOSSIER_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


# The build and the server ------------------------------------------------------


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_in_thread(Project.at(REPO, output=out, use_cache=False))
    return out


def build_in_thread(project: Project):
    """A clean build on a thread of its own: the build runs Pagefind through
    ``asyncio.run()``, which refuses to start on a thread whose event loop is
    running (Playwright's sync API keeps one on the main thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(build, project, clean=True).result()


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".xml": "application/xml",
    }

    def log_message(self, format, *args):  # quiet
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@pytest.fixture(scope="session")
def base_url(site_dir):
    handler = functools.partial(_Handler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def page_urls(site_dir) -> dict[str, str | None]:
    """page type -> URL path on the built site (None when not built)."""
    out: dict[str, str | None] = {}
    for name, (where, preferred) in PAGE_TYPES.items():
        if where.startswith("/"):
            path = where.split("?")[0]
            exists = name == "404" or (site_dir / path.lstrip("/") / "index.html").is_file() or path == "/"
            out[name] = where if exists else None
            continue
        folder = site_dir / where
        if preferred and (folder / preferred / "index.html").is_file():
            out[name] = f"/{where}/{preferred}/"
        else:
            pages = entity_pages(site_dir, where)
            out[name] = pages[0] if pages else None
    return out


def entity_pages(site_dir: Path, *kinds: str) -> list[str]:
    """The URLs of the real pages in the folders ``kinds`` (``"people"``, ...),
    sorted; the redirect pages left at former addresses are not among them."""
    return sorted(
        f"/{kind}/{p.parent.name}/"
        for kind in kinds
        for p in (site_dir / kind).glob("*/index.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
    )


# The browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium to drive, or a skip (a failure under CI) saying why not."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    executable = find_chromium()
    if executable is None:
        where = os.environ.get("DOSSIER_CHROMIUM")
        _unavailable(
            f"no Chromium found (DOSSIER_CHROMIUM={where!r} is not executable)" if where
            else "no Chromium found at /usr/bin/chromium or on PATH (apt-get install chromium, or set DOSSIER_CHROMIUM)"
        )
    return executable


@pytest.fixture(scope="session")
def browser(chromium_path, site_dir):
    # site_dir first, so that a build error is not hidden behind the browser
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        try:
            b = pw.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS, headless=True)
        except PlaywrightError as exc:
            _unavailable(f"Chromium at {chromium_path} did not start: {str(exc).splitlines()[0]}")
        yield b
        b.close()
    finally:
        pw.stop()


@dataclass
class Visit:
    """A page and what went wrong while it was open."""

    page: object  # playwright.sync_api.Page
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    expected_statuses: dict[str, int] = field(default_factory=dict)  # URL -> status it may answer
    navigations: int = 0  # main-frame navigations committed so far
    aborted: list[tuple[int, str]] = field(default_factory=list)  # (navigations at the time, request)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, wait_until: str = "load", expect_status: int = 200):
        url = self.url(path)
        if expect_status != 200:
            self.expected_statuses[url] = expect_status
        response = self.page.goto(url, wait_until=wait_until)
        assert response is not None, f"no response for {path}"
        assert response.status == expect_status, f"{path}: HTTP {response.status}, expected {expect_status}"
        return response

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"uncaught exception: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed_requests]
            # an abort followed by a navigation was the reader leaving the page
            + [f"failed request: {m}" for n, m in self.aborted if n == self.navigations]
        )

    def screenshot(self, name: str, screens: int = 4) -> Path:
        """The page from the top, at most ``screens`` viewport heights long
        (a full-page shot of a long page takes seconds and says no more)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        viewport = self.page.viewport_size or DESKTOP
        width, height = self.page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        clip = {"x": 0, "y": 0, "width": max(width, viewport["width"]), "height": min(height, screens * viewport["height"])}
        self.page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
        return path


# A 404 document is logged by Chromium as a resource that failed to load; it is
# only a problem when we did not ask for it.
_STATUS_404 = re.compile(r"Failed to load resource: the server responded with a status of 404")


@pytest.fixture(scope="session")
def _contexts(browser, base_url):
    """One browser context per set of options (viewport, touch…), reused by
    every test: a new page per test is enough isolation for a static site."""
    made: dict[str, object] = {}

    def get(**options):
        key = repr(sorted(options.items()))
        if key not in made:
            made[key] = browser.new_context(base_url=base_url, **options)
        return made[key]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture
def open_page(_contexts, base_url):
    """``open_page(viewport=DESKTOP, **context_options)`` -> a :class:`Visit`."""
    pages = []

    def _open(viewport: dict | None = None, **options) -> Visit:
        page = _contexts(viewport=viewport or DESKTOP, **options).new_page()
        pages.append(page)
        page.set_default_timeout(15_000)
        visit = Visit(page, base_url)

        def on_console(msg):
            if msg.type != "error":
                return
            loc = msg.location or {}
            where = loc.get("url", "")
            if _STATUS_404.search(msg.text) and visit.expected_statuses.get(where) == 404:
                return
            visit.console_errors.append(f"{msg.text} ({where}:{loc.get('lineNumber', '?')})")

        def on_response(response):
            if response.status >= 400 and visit.expected_statuses.get(response.url) != response.status:
                visit.failed_requests.append(f"HTTP {response.status} {response.request.method} {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))
        # A request the browser cancels because the reader went to another
        # page (net::ERR_ABORTED, then a navigation commits) is not a failure
        # of the site; an abort that no navigation follows is.
        def on_navigated(frame):
            if frame == page.main_frame:
                visit.navigations += 1

        def on_failed(req):
            message = f"{req.failure} {req.method} {req.url}"
            if req.failure == "net::ERR_ABORTED":
                visit.aborted.append((visit.navigations, message))
            else:
                visit.failed_requests.append(message)

        page.on("framenavigated", on_navigated)
        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        return visit

    yield _open
    for page in pages:
        page.close()


def page_url_or_skip(page_urls: dict[str, str | None], name: str) -> str:
    url = page_urls[name]
    if url is None:
        if name in OPTIONAL_TYPES:
            pytest.skip(f"/{name}/index.html is not built yet (the page is being added)")
        pytest.fail(f"the build has no {name} page ({PAGE_TYPES[name]})")
    return url


@pytest.fixture(scope="module")
def axe():
    """axe-core, run in the page (its rules are the accessibility tests' judge)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed (pip install -e '.[test]')")
    return Axe()
