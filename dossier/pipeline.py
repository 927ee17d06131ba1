"""The build, top to bottom.

    discover → parse front matter → validate against the schema → index names
      → render Markdown (placeholders; cached by file hash, in parallel)
      → resolve links, relations, citations → derive inverse relations,
        index who links to and cites whom → (stop here on any error)
      → choose the pages to render (all, or those whose inputs changed)
      → render templates (Pelican plugin; a page's backlinks and "Cited by"
        are assembled when it is rendered) → write into a fresh folder → swap in

Nothing is written until everything has been read and resolved. The stages
before the templates are plain Python; only ``pelican_plugin`` imports Pelican.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from . import deps, incremental, maps
from .cache import ContentCache
from .diagnostics import BuildFailed, Diagnostics
from .interrupt import in_worker
from .markup import Rendered, remember_expired, render_markdown
from .model import Site, load_site
from .progress import Reporter
from .project import CACHE_DIR, Project, theme_folder
from .render import Renderer, write_site
from .resolve import Resolved, held, resolve

__all__ = ["Project", "read_and_resolve", "build", "BuildReport", "theme_folder", "CACHE_DIR"]


@dataclass
class BuildReport:
    diagnostics: Diagnostics
    resolved: Resolved | None = None
    pages: int = 0  # pages rendered
    written: int = 0  # files written (their bytes changed or they are new)
    up_to_date: bool = False
    #: what the build saw beside the output and left alone (not diagnostics:
    #: about the file system, not the content; never a failure under --strict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    renderer: Renderer | None = None  # what the pages were rendered with: the devserver's previews use it


# Stage: Markdown ----------------------------------------------------------------


def _render_chunk(bodies: list[str]) -> list[Rendered]:
    return [render_markdown(b) for b in bodies]


def render_all(site: Site, cache: ContentCache | None = None, workers: int = 1) -> dict[str, Rendered]:
    """Markdown of every page: cached by body hash, in parallel when many.
    A body the cache holds stays there until its page, or a link to one of
    its sections, first reads it (:class:`LaterRendered`)."""
    entities = list(site) + ([site.home] if site.home is not None else [])
    out: dict[str, Rendered] = {}
    todo: dict[str, list[str]] = {}  # body key -> entity keys
    bodies: dict[str, str] = {}
    held = cache.holds("md:") if cache is not None else set()
    for e in entities:
        bkey = "md:" + e.body_digest.hex()
        if bkey in held:
            cache.keep(bkey)
            cache.keep(_text_row(bkey))  # its text stays on disk until a page reads it
            out[e.key] = LaterRendered(cache, bkey, e.body)
        else:
            todo.setdefault(bkey, []).append(e.key)
            bodies[bkey] = e.body
    keys = sorted(todo)
    if len(keys) >= 64 and workers > 1:
        import multiprocessing

        size = max(8, len(keys) // (workers * 4))
        chunks = [keys[i : i + size] for i in range(0, len(keys), size)]
        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=in_worker) as pool:
            try:
                results = list(pool.map(_render_chunk, [[bodies[k] for k in c] for c in chunks]))
            except BaseException:  # a failure, Ctrl-C, SIGTERM: the workers stop now
                _stop_pool(pool)
                raise
        rendered = dict(zip(keys, (r for chunk in results for r in chunk)))
    else:
        rendered = {k: render_markdown(bodies[k]) for k in keys}
    for bkey, r in rendered.items():
        _keep(cache, bkey, bodies[bkey], r)
        for ekey in todo[bkey]:
            out[ekey] = r
    return out


def _keep(cache: ContentCache | None, bkey: str, body: str, r: Rendered) -> None:
    """Put a body just rendered into the cache (one that ran out of time, never)."""
    if r.timed_out:  # not kept: a later build tries again
        remember_expired(body, r)
    elif cache is not None:
        cache.put(bkey, r.kept())
        cache.put(_text_row(bkey), r.text)


class LaterRendered:
    """A rendered body the content cache holds, read from it when first
    asked for (its references, headings or text): an edit at 5,000 pages
    reads a few dozen of them, where reading them all took a second. Should
    the row be gone or unreadable by then, the body is rendered again."""

    __slots__ = ("_cache", "_key", "_body", "_rendered")

    def __init__(self, cache: ContentCache, key: str, body: str):
        self._cache, self._key, self._body = cache, key, body
        self._rendered: Rendered | None = None

    def __getattr__(self, name: str):
        if self._rendered is None:
            hit = self._cache.get(self._key)
            if isinstance(hit, Rendered) and hit.text is None:
                self._rendered = hit.later(_fetch(self._cache, _text_row(self._key), self._body))
            else:
                self._rendered = render_markdown(self._body)
                _keep(self._cache, self._key, self._body, self._rendered)
            held(self)
        return getattr(self._rendered, name)

    def forget(self) -> None:
        """Let go of the row read (read again when next asked for)."""
        self._rendered = None


def _leave_bodies(resolved: Resolved, cache: ContentCache) -> None:
    """Once the cache holds them on disk, let go of the bodies rendered by
    this build (a first build's: their text, about 10 KB a page, and their
    sentences, headings and references): each is read back from there when
    a page needs it, as when the cache gave it (:class:`LaterRendered`)."""
    if cache.folder is None or cache.entries:  # none on disk, or the save failed
        return
    for page in resolved.entities.values():
        r = page.markdown
        if isinstance(r, Rendered) and not r.timed_out:
            page.markdown = LaterRendered(cache, "md:" + page.entity.body_digest.hex(), page.entity.body)


def _text_row(body_row: str) -> str:
    """The cache's row of a body's text, beside its row ``md:<digest>``."""
    return "text:" + body_row.removeprefix("md:")


def _fetch(cache: ContentCache, key: str, body: str):
    """What reads a body's text from the cache when a page first needs it;
    if the cache can no longer give it (closed after the build), the body is
    rendered again, to the same text."""

    def fetch() -> tuple[str, list[str]]:
        text = cache.get(key)
        if isinstance(text, tuple) and len(text) == 2:
            return text
        return render_markdown(body).text

    return fetch


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()


# Stages up to resolution ----------------------------------------------------------


@contextlib.contextmanager
def stage(name: str, timings: dict[str, float], reporter: Reporter, total: int | None = None):
    """Time one stage into ``timings`` and announce it to ``reporter``."""
    reporter.start(name, total)
    t = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - t
    reporter.finish(name, timings[name])


def read_and_resolve(
    project: Project,
    diags: Diagnostics,
    timings: dict[str, float] | None = None,
    cache: ContentCache | None = None,
    digests: dict[str, str] | None = None,
    reporter: Reporter | None = None,
    known: dict[str, str] | None = None,
) -> Resolved:
    """Every stage up to (not including) writing. Problems go to ``diags``;
    ``digests`` receives the digest of every file read, ``known`` gives
    those found a moment before (``model.load_site``)."""
    timings = timings if timings is not None else {}
    reporter = reporter or Reporter()
    if not project.content.is_dir():
        diags.error(str(project.content), 1, 1, "folder", "the content folder does not exist")
        return Resolved(Site(), {}, {})
    with stage("read", timings, reporter):
        site = load_site(project.content, project.root, diags, cache, digests, project.schema, known)
        reporter.advance(sum(1 for _ in site) + (site.home is not None))
    with stage("markdown", timings, reporter):
        rendered = render_all(site, cache, project.workers())
    with stage("resolve", timings, reporter):
        resolved = resolve(site, rendered, diags, cache)
    return resolved


def _optional(save, notes: list[str], what: str) -> None:
    """Save what only speeds up the next build; a failure (a read-only
    project folder, a full disk) is noted, not fatal."""
    try:
        save()
    except OSError as exc:
        note = f"could not save {what} ({exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}); the next build will do all the work again"
        if note not in notes:  # the content cache is saved twice
            notes.append(note)


#: The start of the content cache's row of the site's network.
NETWORK_ROW = "network:"


def _keep_network(resolved: Resolved, cache: ContentCache, name: str) -> tuple[str, Callable[[], None]]:
    """The whole site's network, which takes seconds to make at thousands of
    pages, is kept in ``cache`` under ``name``: the digest of all it is made
    from (every entity's fields and references). A build of the same inputs
    takes it from there; any other makes it here, before the renderers fork
    (they share it). Returns the digest of the network's shape, which pages
    whose drawing leaves nodes out depend on (``deps.SHAPE``: a new title
    changes no shape), and what to call once the pages are written: it puts
    a network made in this process into the cache."""
    from .network import structure
    from .views import NETWORK, site_graph

    kept = cache.get(name)
    if isinstance(kept, tuple) and len(kept) == 2:
        graph, shape = kept
        resolved.memo.give(NETWORK, graph)
    else:
        kept = None
        graph = site_graph(resolved)
        shape = structure(graph)

    def put() -> None:
        if kept is None:
            cache.put(name, (graph, shape))

    return shape, put


# The build ----------------------------------------------------------------------


@contextlib.contextmanager
def _batch_gc():
    """The garbage collector tuned for a batch of millions of long-lived
    objects: the cache, the site and the resolved references live until the
    build ends, yet every full collection walked all of them again (resolve
    took 9.6 s at N = 5,000 instead of 4.2). The collector is off while the
    site is read and resolved, collections are rarer afterwards, and what has
    been read is frozen out of them (which also keeps forked workers from
    copying the pages the collector would touch); all is undone at the end,
    for the devserver's long-lived process."""
    old = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()
        gc.set_threshold(*old)


def build(project: Project, check_only: bool = False, clean: bool = False, resolve_always: bool = False, reporter: Reporter | None = None) -> BuildReport:
    """Build the site (or only check it). Raises :class:`BuildFailed`.

    ``reporter`` hears of every stage and page as it goes (``progress``);
    nothing here prints but the wait for another build's lock. See :func:`_build`."""
    reporter = reporter or Reporter()
    if check_only:
        with _batch_gc():
            return _build(project, check_only, clean, resolve_always, reporter)
    from .incremental import Manifest
    from .output import build_lock

    lock = Manifest.path_for(project.cache_dir, project.output).with_suffix(".lock")

    def waiting(holder: str) -> None:
        import sys

        who = f" (process {holder})" if holder.isdigit() else ""
        print(f"waiting for another build of {project.output}{who} to finish", file=sys.stderr, flush=True)

    with build_lock(lock, waiting), _batch_gc():
        return _build(project, check_only, clean, resolve_always, reporter)


def _build(project: Project, check_only: bool, clean: bool, resolve_always: bool, reporter: Reporter) -> BuildReport:
    """Build the site (or only check it). Raises :class:`BuildFailed`.

    Incremental unless ``clean``: when a manifest of the last build exists,
    only the pages whose inputs changed are rendered, and only files whose
    bytes changed are written; the result is identical to a clean build.
    ``resolve_always`` reads and resolves even an up-to-date site (rendering
    nothing): the devserver wants the resolved site for its previews.
    """
    from .output import check_output_path

    start = time.perf_counter()
    diags = Diagnostics()
    report = BuildReport(diags)
    if not check_only:
        check_output_path(project.output, project.root, project.content)

    manifest = None if (clean or check_only or not project.use_cache) else incremental.Manifest.load(project.cache_dir, project.output)
    environment = incremental.environment_digest(project) if manifest is not None else ""
    known: dict[str, str] = {}  # the inputs' digests, if the up-to-date check found them
    seen = incremental.FileStats(0)  # and the files' status, for the next build's check
    if manifest is not None and not resolve_always and incremental.up_to_date(project, manifest, environment, known, seen):
        # nothing to read again: the last build's warnings still hold
        diags.extend(manifest.warnings)
        if diags.fails(project.strict):
            raise BuildFailed(diags)
        report.up_to_date = True
        report.seconds = time.perf_counter() - start
        return report

    cache = ContentCache(project.cache_dir if project.use_cache else None)
    gc.freeze()
    gc.disable()  # reading and resolving make few cycles and many objects
    inputs: dict[str, str] = {}
    resolved = read_and_resolve(project, diags, report.timings, cache, inputs, reporter, known)
    gc.enable()
    gc.freeze()
    report.resolved = resolved
    inputs["git:state"] = known["git:state"] if "git:state" in known else incremental.git_state(project)
    if manifest is not None:
        incremental.report_renames(manifest, inputs, resolved, diags)
    notes: list[str] = []
    if diags.fails(project.strict) or check_only:
        cache.keep_all(NETWORK_ROW)  # for the next build: a check does not ask for the network
        _optional(cache.save, notes, "the content cache")
        cache.close()
        if diags.fails(project.strict):
            raise BuildFailed(diags)
        report.notes = notes
        report.seconds = time.perf_counter() - start
        return report
    # saved before writing, so that a failure there does not lose what was
    # read and rendered; the rows not used yet are forgotten after writing
    _optional(lambda: cache.save(forget=False), notes, "the content cache")
    _leave_bodies(resolved, cache)
    try:
        stats = incremental.FileStats(seen.taken, {p: st for p, st in seen.files.items() if inputs.get(p) == st[4]}) if seen.taken else None
        return _write(project, manifest, environment, report, inputs, cache, notes, reporter, start, stats)
    finally:
        cache.close()


def _write(project: Project, manifest, environment: str, report: BuildReport, inputs: dict[str, str], cache: ContentCache, notes: list[str], reporter: Reporter, start: float, stats=None) -> BuildReport:
    """Render the resolved site into a staging folder, index it, swap it in;
    ``stats`` (``incremental.FileStats``) goes into the new manifest."""
    from .history import read_history
    from .output import Staging
    from .pelican_plugin import PelicanRenderer
    from .views import site_pages

    resolved = report.resolved
    resolved.history = read_history(project.root, project.content)
    resolved.maps = maps.find_data(project.root)

    environment = environment or incremental.environment_digest(project)
    previous = incremental.usable(project, manifest, environment)
    keys = incremental.entity_digests(resolved, inputs)
    keys[deps.SHAPE], network = _keep_network(resolved, cache, f"{NETWORK_ROW}{keys[incremental.NETWORK_INPUTS]}:{project.schema.name}")
    keys = incremental.shared_keys(keys, previous)
    spare = incremental.Manifest.spare_for(project.cache_dir, project.output) if project.use_cache else None
    staging = Staging(project.output, base=project.output if previous else None, spare=spare)
    try:
        with staging:
            with stage("write", report.timings, reporter):
                renderer = PelicanRenderer(project, staging.path)
                pages = site_pages(resolved, renderer.options)
                result = write_site(pages, resolved, renderer, staging, previous, keys, project.workers(), reporter, cache)
            report.pages, report.written, report.renderer = result.rendered, result.written, renderer
            if project.search:
                from .search import index_site, page_file

                search_timings: dict[str, float] = {}
                with stage("search", search_timings, reporter):
                    entity_keys = sorted(resolved.entities)
                    changed = None
                    if previous is not None:  # only the shards of pages written or removed
                        by_file = {page_file(k): k for k in set(entity_keys) | previous.entity_keys()}
                        changed = {by_file[p] for p in result.changed if p in by_file}
                    kept = staging.kept_folder(incremental.Manifest.search_input_for(project.cache_dir, project.output)) if project.use_cache else None
                    digests = {path: record[1] for path, record in result.records.items()}
                    indexed = index_site(staging.path, entity_keys, changed, reporter, project.workers(), kept, digests)
                if indexed:
                    report.timings.update(search_timings)
            build_id = incremental.build_id(inputs, environment)
            new_manifest = incremental.Manifest(build_id, inputs, keys, environment, result.records, report.diagnostics.warnings, stats)
            staging.commit({"build": build_id})
        report.notes = notes + staging.notes
        _optional(lambda: new_manifest.save(project.cache_dir, project.output), report.notes, "the build manifest")
        network()
        _optional(cache.save, report.notes, "the content cache")
    except BaseException as exc:
        # what a failure or an interruption left: the previous site, or the new one
        exc.dossier_swapped = staging.committed
        raise
    report.seconds = time.perf_counter() - start
    return report
