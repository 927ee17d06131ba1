"""Writing the site: the renderer interface, and rendering the pages it is given.

The pipeline owns what is rendered and where it goes; a :class:`Renderer`
supplies only what a template engine host knows: the Jinja2 environment
(templates, filters, escaping), the context every template sees, the options
pages take from the settings, and the theme's static files. The Pelican layer
(``pelican_plugin.PelicanRenderer``) is one such host; tests or another host
can provide their own.

:func:`write_site` renders the pages an incremental build selects (all of
them for a clean build), in worker processes when there are many, writes each
into the staging folder only when its bytes changed, removes the pages that
no longer exist, copies the static files, and returns what it did with each
page's recorded dependencies (see ``incremental``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import deps
from .incremental import select_pages
from .resolve import forget_read

if TYPE_CHECKING:
    import jinja2

    from .cache import Manifest
    from .output import Staging
    from .progress import Reporter
    from .resolve import Resolved
    from .views import Page

__all__ = ["Renderer", "RenderResult", "render_page", "write_site"]


class Renderer(Protocol):
    """What the pipeline needs from the host of the templates."""

    #: the environment the theme's templates are loaded from (autoescaping)
    env: jinja2.Environment
    #: what every template sees besides its page's own context (SITENAME, SITEURL …)
    context: dict[str, Any]
    #: what pages take from the settings: ``site_url``, ``site_name``
    options: dict[str, str]

    #: the site-relative folder the theme's static files are copied into
    static_dir: str

    def static_files(self) -> list[tuple[Path, str]]:
        """(file, site-relative path) of every static file of the theme."""
        ...


@dataclass
class RenderResult:
    rendered: int = 0
    written: int = 0
    #: output path -> (the keys its page read, the digest of its bytes)
    records: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)  # as ``incremental.Manifest``'s
    changed: list[str] = field(default_factory=list)  # pages written or removed by this build


def render_page(page: Page, env: jinja2.Environment, base_context: dict[str, Any]) -> tuple[str | Iterable[str], set[str]]:
    """Render one page: (its text, the keys of everything it read). A file
    that is not a page may give its text in pieces, made as they are read."""
    with deps.recording() as read:
        context = page.make()
        if not page.template:
            return context["raw"], read
        template = env.get_template(page.template)
        ctx = dict(base_context)
        ctx.update(context)
        ctx["page_url"] = page.url
        if context.get("absolute"):
            ctx["root"] = base_context.get("SITEURL", "").rstrip("/") + "/"
        else:
            ctx["root"] = "../" * page.depth
        return template.render(ctx), read


def write_site(
    pages: list[Page],
    resolved: Resolved,
    renderer: Renderer,
    staging: Staging,
    previous: Manifest | None,
    digests: dict[str, str],
    workers: int = 1,
    reporter: Reporter | None = None,
    cache=None,
) -> RenderResult:
    """Render what changed since ``previous`` (everything without it) into
    ``staging``; ``reporter`` hears why each page is rendered, and of each
    page as it is done (with its time). What forked renderers put into
    ``cache`` (the content cache) is handed back to it here."""
    from .progress import Reporter

    reporter = reporter or Reporter()
    result = RenderResult()
    reasons: dict[str, str] = {}
    selected = select_pages(pages, resolved, previous, digests, reasons)
    reporter.total(len(selected))
    for p in selected:
        reporter.rebuilt(p.path, reasons.get(p.path, ""))
    current = {p.path for p in pages}
    if previous is not None:
        for path in previous.records:
            if path not in current:
                staging.remove(path)
                result.changed.append(path)
        # keep the record of every page that is not rendered again
        chosen = {p.path for p in selected}
        for path, record in previous.records.items():
            if path in current and path not in chosen:
                result.records[path] = record
    forks = _forks(selected, workers)
    # one string for each key, whichever pages read it (``digests`` holds
    # the strings of the records kept: ``incremental.shared_keys``): the
    # manifest then holds and pickles 37,000 keys at 5,000 pages, not the
    # 1.2 million copies forked renderers send back
    shared = {k: k for k in digests}
    for path, read, digest, written, seconds in _render_all(selected, renderer, staging, forks, workers, cache):
        reporter.page(path, seconds)
        reporter.advance()
        result.records[path] = (tuple(sorted(shared.setdefault(k, k) for k in read)), digest)
        result.rendered += 1
        result.written += written
        if written:
            result.changed.append(path)
    # the theme's files afresh: one removed from the theme leaves the site too
    staging.remove_tree(renderer.static_dir)
    for source, path in renderer.static_files():
        staging.write(path, source.read_bytes())
    return result


# Parallel rendering: forked workers inherit the resolved site and the Jinja
# environment, render a share of the pages, write them into the staging
# folder and send back only (path, keys read, digest, written, seconds taken).
_WORK: dict = {}


def _render_one(i: int) -> tuple[str, frozenset, str, int, float]:
    page = _WORK["pages"][i]
    t = time.perf_counter()
    try:
        # a file given in pieces is made as it is written: what it reads is noted too
        with deps.recording() as read:
            text, _read = render_page(page, _WORK["env"], _WORK["base"])
            written, digest = _WORK["staging"].write_text(page.path, text, only_if_changed=True)
    finally:  # what the page read of others is read again by the next that needs it
        forget_read()
    return page.path, frozenset(read), digest, int(written), time.perf_counter() - t


def _render_share(indices: list[int]) -> tuple[list[tuple[str, frozenset, str, int, float]], dict]:
    """A share's pages, and the cache entries made rendering them."""
    done = [_render_one(i) for i in indices]
    return done, (_WORK["cache"].handed_back() if _WORK["cache"] is not None else {})


def _forks(pages: list[Page], workers: int) -> bool:
    """Whether the pages are rendered by forked workers."""
    return workers > 1 and len(pages) >= 200 and hasattr(os, "fork")


def _render_all(pages: list[Page], renderer: Renderer, staging: Staging, forks: bool, workers: int, cache=None) -> Iterator[tuple[str, frozenset, str, int, float]]:
    _WORK.update(pages=pages, env=renderer.env, base=renderer.context, staging=staging, cache=cache)
    try:
        if forks:
            import multiprocessing

            n = workers * 16  # small shares: the progress line moves steadily
            shares = [list(range(i, len(pages), n)) for i in range(n)]
            from .interrupt import in_worker

            with multiprocessing.get_context("fork").Pool(workers, initializer=in_worker) as pool:  # stopped on leaving
                for chunk, made in pool.imap(_render_share, shares):
                    if cache is not None:
                        cache.take(made)
                    yield from chunk
        else:
            for i in range(len(pages)):
                yield _render_one(i)
    finally:
        _WORK.clear()
