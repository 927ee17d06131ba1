"""The build, top to bottom.

    discover → parse front matter → validate against the schema → index names
      → render Markdown (placeholders; cached by file hash, in parallel)
      → resolve links, relations, citations → derive backlinks and inverse
        relations → (stop here on any error)
      → choose the pages to render (all, or those whose inputs changed)
      → render templates (Pelican plugin) → write into a fresh folder → swap in

Nothing is written until everything has been read and resolved. The stages
before the templates are plain Python; only ``pelican_plugin`` imports Pelican.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import stat
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import ContentCache, Manifest, digest_files, generator_version
from .diagnostics import BuildFailed, Diagnostics, relpath
from .markup import Rendered, render_markdown
from .model import MAX_FILE_BYTES, Site, load_site
from .resolve import Resolved, resolve
from .schema import SCHEMA, Schema

__all__ = ["Project", "read_and_resolve", "build", "BuildReport"]

CACHE_DIR = ".dossier-cache"


@dataclass
class Project:
    root: Path
    content: Path
    output: Path
    settings_file: Path | None = None
    strict: bool = False
    jobs: int = 0  # worker processes; 0 = one per core
    use_cache: bool = True
    search: bool = True  # run Pagefind over the finished site
    site_url: str | None = None  # where the site is published (overrides SITEURL)
    schema: Schema = SCHEMA  # the content types and their fields

    @classmethod
    def at(cls, root: Path, content: Path | None = None, output: Path | None = None, strict: bool = False, jobs: int = 0, use_cache: bool = True) -> "Project":
        root = root.resolve()
        settings = root / "pelicanconf.py"

        def place(p: Path | None, default: str) -> Path:
            if p is None:
                return root / default
            return p.resolve() if p.is_absolute() else (Path.cwd() / p).resolve()

        return cls(root, place(content, "content"), place(output, "output"), settings if settings.is_file() else None, strict, jobs, use_cache)

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    def workers(self) -> int:
        return self.jobs or (os.cpu_count() or 1)


@dataclass
class BuildReport:
    diagnostics: Diagnostics
    resolved: Resolved | None = None
    pages: int = 0  # pages rendered
    written: int = 0  # files written (their bytes changed or they are new)
    files: int = 0  # files in the output
    up_to_date: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    renderer: Any = None  # (Jinja environment, base context): the devserver's previews use it


# Stage: Markdown ----------------------------------------------------------------


def _render_chunk(bodies: list[str]) -> list[Rendered]:
    return [render_markdown(b) for b in bodies]


def render_all(site: Site, cache: ContentCache | None = None, workers: int = 1) -> dict[str, Rendered]:
    """Markdown of every page: cached by body hash, in parallel when many."""
    entities = list(site) + ([site.home] if site.home is not None else [])
    out: dict[str, Rendered] = {}
    todo: dict[str, list[str]] = {}  # body key -> entity keys
    bodies: dict[str, str] = {}
    for e in entities:
        bkey = "md:" + hashlib.sha256(e.body.encode("utf-8")).hexdigest()
        hit = cache.get(bkey) if cache is not None else None
        if hit is not None:
            out[e.key or "index"] = hit
        else:
            todo.setdefault(bkey, []).append(e.key or "index")
            bodies[bkey] = e.body
    keys = sorted(todo)
    if len(keys) >= 64 and workers > 1:
        import multiprocessing

        size = max(8, len(keys) // (workers * 4))
        chunks = [keys[i : i + size] for i in range(0, len(keys), size)]
        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            results = list(pool.map(_render_chunk, [[bodies[k] for k in c] for c in chunks]))
        rendered = dict(zip(keys, (r for chunk in results for r in chunk)))
    else:
        rendered = {k: render_markdown(bodies[k]) for k in keys}
    for bkey, r in rendered.items():
        if cache is not None:
            cache.put(bkey, r)
        for ekey in todo[bkey]:
            out[ekey] = r
    return out


# Stages up to resolution ----------------------------------------------------------


def read_and_resolve(project: Project, diags: Diagnostics, timings: dict[str, float] | None = None, cache: ContentCache | None = None, digests: dict[str, str] | None = None) -> Resolved:
    """Every stage up to (not including) writing. Problems go to ``diags``."""
    timings = timings if timings is not None else {}
    t = time.perf_counter()
    if not project.content.is_dir():
        diags.error(str(project.content), 1, 1, "folder", "the content folder does not exist")
        return Resolved(Site(), {}, {})
    site = load_site(project.content, project.root, diags, cache, digests, project.schema)
    timings["read"] = time.perf_counter() - t
    t = time.perf_counter()
    rendered = render_all(site, cache, project.workers())
    timings["markdown"] = time.perf_counter() - t
    t = time.perf_counter()
    resolved = resolve(site, rendered, diags)
    timings["resolve"] = time.perf_counter() - t
    return resolved


def theme_folder(root: Path) -> Path:
    """The project's own theme/, or the one beside the package (fixtures)."""
    own = root / "theme"
    return own if (own / "templates").is_dir() else Path(__file__).resolve().parent.parent / "theme"


def environment_digest(project: Project) -> str:
    """Everything besides content that shapes the output."""
    theme = theme_folder(project.root)
    files = [p for p in theme.rglob("*") if p.is_file()]
    parts = [generator_version(), digest_files(files, theme), project.site_url or "", project.schema.name]
    if project.settings_file:
        parts.append(digest_files([project.settings_file], project.root))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _input_digests(project: Project) -> dict[str, str] | None:
    """Digest of every file under content/, cheaply, for the up-to-date check."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(project.content):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith(".") or name.endswith("~"):
                continue
            p = Path(dirpath) / name
            try:
                st = os.lstat(p)
            except OSError:
                return None
            # Anything but a plain file of bounded size (a symlink, a pipe, a
            # device, a huge file) is for the full build to judge and report:
            # never read it here.
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                return None
            if not name.endswith(".md"):
                continue  # load_site reads only Markdown; the rest is a warning it repeats
            try:
                out[relpath(p, project.root)] = hashlib.sha256(p.read_bytes()).hexdigest()
            except OSError:
                return None
    return out


def _output_intact(project: Project, manifest: Manifest) -> bool:
    import json

    from .output import MARKER

    try:
        marker = json.loads((project.output / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("build") == manifest.build_id


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


def build(project: Project, check_only: bool = False, clean: bool = False, resolve_always: bool = False) -> BuildReport:
    """Build the site (or only check it). Raises :class:`BuildFailed`.

    See :func:`_build`."""
    with _batch_gc():
        return _build(project, check_only, clean, resolve_always)


def _build(project: Project, check_only: bool = False, clean: bool = False, resolve_always: bool = False) -> BuildReport:
    """Build the site (or only check it). Raises :class:`BuildFailed`.

    Incremental unless ``clean``: when a manifest of the last build exists,
    only the pages whose inputs changed are rendered, and only files whose
    bytes changed are written; the result is identical to a clean build.
    ``resolve_always`` reads and resolves even an up-to-date site (rendering
    nothing): the devserver wants the resolved site for its previews.
    """
    from .output import Staging, check_output_path

    start = time.perf_counter()
    diags = Diagnostics()
    report = BuildReport(diags)
    if not check_only:
        check_output_path(project.output, project.root, project.content)

    manifest = None if (clean or check_only or not project.use_cache) else Manifest.load(project.cache_dir, project.output)
    env_digest = None
    if manifest is not None:
        env_digest = environment_digest(project)
        inputs = _input_digests(project)
        if not resolve_always and inputs == manifest.inputs and env_digest == manifest.environment and _output_intact(project, manifest):
            # nothing to read again: the last build's warnings still hold
            diags.extend(getattr(manifest, "warnings", []))
            if diags.fails(project.strict):
                raise BuildFailed(diags)
            report.up_to_date = True
            report.seconds = time.perf_counter() - start
            return report

    cache = ContentCache(project.cache_dir if project.use_cache else None)
    gc.freeze()
    gc.disable()  # reading and resolving make few cycles and many objects
    digests: dict[str, str] = {}
    resolved = read_and_resolve(project, diags, report.timings, cache, digests)
    gc.enable()
    gc.freeze()
    report.resolved = resolved
    cache.save()
    if diags.fails(project.strict):
        raise BuildFailed(diags)
    if check_only:
        report.seconds = time.perf_counter() - start
        return report

    from . import pelican_plugin

    env_digest = env_digest or environment_digest(project)
    entities = _entity_digests(resolved, digests)
    previous = manifest if (manifest is not None and manifest.environment == env_digest and project.output.is_dir() and _output_intact(project, manifest)) else None
    with Staging(project.output, base=project.output if previous else None) as staging:
        t = time.perf_counter()
        result = pelican_plugin.run_pelican(project, resolved, staging, previous, entities)
        report.timings["write"] = time.perf_counter() - t
        report.pages, report.written = result.rendered, result.written
        report.renderer = result.renderer
        if project.search:
            from .search import index_site, page_file

            t = time.perf_counter()
            keys = sorted(resolved.pages)
            changed = None
            if previous is not None:  # only the shards of pages written or removed
                by_file = {page_file(k): k for k in set(keys) | set(previous.entities)}
                changed = {by_file[p] for p in result.changed if p in by_file}
            if index_site(staging.path, keys, changed):
                report.timings["search"] = time.perf_counter() - t
        build_id = hashlib.sha256(repr((sorted(digests.items()), env_digest)).encode()).hexdigest()[:16]
        new_manifest = Manifest(build_id, digests, entities, env_digest, result.pages, result.files, diags.warnings)
        report.files = len(result.files)
        staging.commit({"build": build_id})
    new_manifest.save(project.cache_dir, project.output)
    report.seconds = time.perf_counter() - start
    return report


def _entity_digests(resolved: Resolved, digests: dict[str, str]) -> dict[str, str]:
    """What pages depend on, each with a digest that changes when it does:

    - each entity key: the digest of its file;
    - ``kinds``: the set of keys (an entity added or removed);
    - ``face:<kind>``: the front matter of every entity of that kind (what
      index pages, the chronology and the debates page show: not bodies);
    - ``dataset``: every entity's fields and outgoing references (the data
      downloads and the network), so that editing prose rebuilds neither.
    """
    from .incremental import outgoing

    out = {}
    faces: dict[str, list[str]] = {}
    dataset = hashlib.sha256()
    for key in sorted(resolved.pages):
        page = resolved.pages[key]
        out[key] = digests.get(page.entity.path, "")
        fields = repr(sorted(page.entity.fields.items(), key=lambda kv: kv[0]))
        faces.setdefault(page.entity.kind, []).append(f"{key}\0{fields}")
        dataset.update(f"{key}\0{fields}\0{sorted(outgoing(resolved, key))}\0".encode())
    out["kinds"] = hashlib.sha256("\n".join(sorted(out)).encode()).hexdigest()
    for kind in ("person", "group", "event", "source", "article"):
        out[f"face:{kind}"] = hashlib.sha256("\n".join(faces.get(kind, [])).encode()).hexdigest()
    out["dataset"] = dataset.hexdigest()
    return out
