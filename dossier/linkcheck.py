"""A link checker over a built site: no broken internal link, anchor or asset.

Every HTML file of the output folder is parsed (stdlib ``html.parser``); every
``href``/``src`` (and ``srcset``) of ``a``, ``area``, ``link``, ``script``,
``img``, ``source``, ``iframe`` is resolved against the page's URL the way a
browser does, and:

- an internal target must exist in the folder (a directory URL needs its
  ``index.html``; a directory addressed without its trailing slash is served
  by redirect, so it passes too);
- a ``#fragment`` must name an ``id`` (or an ``a``'s ``name``) in the target
  page (``#`` and ``#top`` alone go to the top of the page);
- a link may not climb above the site's root (it would only work when the site
  is served at a domain's root);
- external ``http(s):``, protocol-relative ``//host/``, ``mailto:``, ``tel:``
  and ``data:`` URLs are not followed; any other scheme (``javascript:``,
  ``file:``, …) is reported.

Site-absolute URLs (``/people/``) resolve against the folder's root.

    python -m dossier.linkcheck output/     # prints page: url: reason; exits 1

The API is :func:`check_links`, which returns a list of :class:`Problem`.
"""

from __future__ import annotations

import posixpath
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["Problem", "LinkStats", "check_links", "main"]

# element -> attributes holding a URL to check
URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
}
IGNORED_SCHEMES = {"http", "https", "mailto", "tel", "data"}
TOP_FRAGMENTS = {"", "top"}  # HTML: "#" and "#top" scroll to the top without an element


class Problem(tuple):
    """``(page, url, reason)``: page is the site-relative path of the HTML
    file holding the link, url the link as written."""

    __slots__ = ()

    def __new__(cls, page: str, url: str, reason: str) -> Problem:
        return super().__new__(cls, (page, url, reason))

    page = property(lambda self: self[0])
    url = property(lambda self: self[1])
    reason = property(lambda self: self[2])

    def __repr__(self) -> str:
        return f"Problem(page={self.page!r}, url={self.url!r}, reason={self.reason!r})"

    def format(self) -> str:
        return f"{self.page}: {self.url}: {self.reason}"


@dataclass
class LinkStats:
    pages: int = 0  # HTML files parsed for links
    links: int = 0  # URLs found (every occurrence)
    internal: int = 0  # of those, internal ones checked
    external: int = 0  # of those, not followed (http(s), mailto, …)
    anchors: int = 0  # internal ones with a #fragment checked against ids
    problems: int = 0
    targets: set[str] = field(default_factory=set)  # distinct internal files reached


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        if tag == "base" and "href" in a and self.base is None:
            self.base = a["href"]
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            # a redirect page: "0; url=../../events/x/" leads where it says
            _delay, _sep, rest = a.get("content", "").partition(";")
            target = rest.strip()
            if target.lower().startswith("url="):
                self.urls.append(target[4:].strip().strip("'\""))
        for attr in URL_ATTRS.get(tag, ()):
            value = a.get(attr)
            if value is None:
                continue
            if attr == "srcset":
                self.urls.extend(_srcset_urls(value))
            else:
                self.urls.append(value)

    handle_startendtag = handle_starttag


def _srcset_urls(value: str) -> list[str]:
    out = []
    for candidate in value.split(","):
        parts = candidate.split()
        if parts:
            out.append(parts[0])
    return out


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def _page_url(rel: str) -> str:
    """The URL path a page is served at (``people/x/index.html`` -> ``/people/x/``)."""
    url = "/" + rel
    if url.endswith("/index.html"):
        url = url[: -len("index.html")]
    return url


def _resolve(base_path: str, ref_path: str) -> str | None:
    """``ref_path`` (already split from query/fragment) against the URL path
    ``base_path``; None when it climbs above the root."""
    # the folder of "/a/b/" is "/a/b", of "/a/page.html" is "/a"
    joined = ref_path if ref_path.startswith("/") else posixpath.dirname(base_path) + "/" + ref_path
    trailing = joined.endswith(("/", "/.", "/..")) or ref_path in (".", "..")
    parts: list[str] = []
    for seg in joined.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(seg)
    path = "/" + "/".join(parts)
    if trailing and path != "/":
        path += "/"
    return path


def check_links(root: Path | str, skip: tuple[str, ...] = ("pagefind",), stats: LinkStats | None = None) -> list[Problem]:
    """Every broken internal link, anchor or asset of the site in ``root``.

    ``skip`` names top-level folders whose pages are not crawled (links *into*
    them are still checked). ``stats``, when given, is filled in.
    """
    root = Path(root).resolve()
    stats = stats if stats is not None else LinkStats()
    parsed: dict[Path, _PageParser] = {}

    def page(path: Path) -> _PageParser:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    pages = sorted(
        p for p in root.rglob("*.html")
        if p.is_file() and p.relative_to(root).parts[0] not in skip
    )
    problems: list[Problem] = []
    for path in pages:
        rel = path.relative_to(root).as_posix()
        parser = page(path)
        stats.pages += 1
        here = _page_url(rel)
        if parser.base is not None:
            b = urlsplit(parser.base)
            if not b.scheme and not b.netloc:
                here = _resolve(here, b.path) or here
        for url in parser.urls:
            stats.links += 1
            reason = _check(root, here, url, path, page, stats)
            if reason:
                problems.append(Problem(rel, url, reason))
    stats.problems = len(problems)
    return problems


def _check(root: Path, here: str, url: str, page_path: Path, page, stats: LinkStats) -> str | None:
    raw = url.strip()
    if raw == "":
        return "empty URL"
    try:
        parts = urlsplit(raw)
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if parts.scheme:
        if parts.scheme.lower() in IGNORED_SCHEMES:
            stats.external += 1
            return None
        return f"unsupported URL scheme {parts.scheme + ':'!r}"
    if parts.netloc:  # //host/path
        stats.external += 1
        return None
    stats.internal += 1
    if parts.path == "":
        target = page_path  # "#x" or "?q": this very page
    else:
        resolved = _resolve(here, unquote(parts.path))
        if resolved is None:
            return "climbs above the site's root"
        target = root / resolved.lstrip("/")
        if resolved.endswith("/"):
            target = target / "index.html"
            if not target.is_file():
                return f"no page at {resolved} (missing {target.relative_to(root).as_posix()})"
        elif target.is_dir():
            target = target / "index.html"
            if not target.is_file():
                return f"no page at {resolved}/ (missing {target.relative_to(root).as_posix()})"
        elif not target.is_file():
            return f"missing file {resolved}"
    stats.targets.add(target.relative_to(root).as_posix())
    if parts.fragment or raw.endswith("#"):
        fragment = unquote(parts.fragment)
        if fragment in TOP_FRAGMENTS:
            return None
        if target.suffix.lower() not in (".html", ".htm"):
            return None  # fragments of other media (PDF pages, SVG views) are not checked
        stats.anchors += 1
        if fragment not in page(target).ids:
            where = "this page" if target == page_path else target.relative_to(root).as_posix()
            return f"no element with id {fragment!r} in {where}"
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print("usage: python -m dossier.linkcheck OUTPUT_DIR", file=sys.stderr)
        return 2
    root = Path(args[0])
    if not root.is_dir():
        print(f"{root}: not a folder", file=sys.stderr)
        return 2
    stats = LinkStats()
    problems = check_links(root, stats=stats)
    for p in problems:
        print(p.format())
    print(f"{stats.pages} pages, {stats.links} links ({stats.internal} internal, {stats.anchors} with anchors, {stats.external} external not followed), {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
