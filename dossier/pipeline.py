"""The build, top to bottom.

    discover → parse front matter → validate against the schema → index names
      → render Markdown (placeholders) → resolve links, relations, citations
      → derive backlinks and inverse relations → (stop here on any error)
      → render templates (Pelican plugin) → write into a fresh folder → swap in

Nothing is written until everything has been read and resolved. The stages
before the templates are plain Python; only ``pelican_plugin`` imports Pelican.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import BuildFailed, Diagnostics
from .markup import Rendered, render_markdown
from .model import Site, load_site
from .resolve import Resolved, resolve

__all__ = ["Project", "read_and_resolve", "build", "BuildReport"]


@dataclass
class Project:
    root: Path
    content: Path
    output: Path
    settings_file: Path | None = None
    strict: bool = False

    @classmethod
    def at(cls, root: Path, content: Path | None = None, output: Path | None = None, strict: bool = False) -> "Project":
        root = root.resolve()
        settings = root / "pelicanconf.py"
        return cls(
            root,
            (content or root / "content").resolve() if content is None or content.is_absolute() else (Path.cwd() / content).resolve(),
            (output or root / "output").resolve() if output is None or output.is_absolute() else (Path.cwd() / output).resolve(),
            settings if settings.is_file() else None,
            strict,
        )


@dataclass
class BuildReport:
    diagnostics: Diagnostics
    resolved: Resolved | None = None
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def render_all(site: Site) -> dict[str, Rendered]:
    """Markdown of every page (pure per body; cached and parallel later)."""
    out: dict[str, Rendered] = {}
    for e in site:
        out[e.key] = render_markdown(e.body)
    if site.home is not None:
        out["index"] = render_markdown(site.home.body)
    return out


def read_and_resolve(project: Project, diags: Diagnostics, timings: dict[str, float] | None = None) -> Resolved:
    """Every stage up to (not including) writing. Problems go to ``diags``."""
    timings = timings if timings is not None else {}
    t = time.perf_counter()
    if not project.content.is_dir():
        diags.error(str(project.content), 1, 1, "folder", "the content folder does not exist")
        return Resolved(Site(), {}, {})
    site = load_site(project.content, project.root, diags)
    timings["read"] = time.perf_counter() - t
    t = time.perf_counter()
    rendered = render_all(site)
    timings["markdown"] = time.perf_counter() - t
    t = time.perf_counter()
    resolved = resolve(site, rendered, diags)
    timings["resolve"] = time.perf_counter() - t
    return resolved


def build(project: Project, check_only: bool = False) -> BuildReport:
    """Build the site (or only check it). Raises :class:`BuildFailed`."""
    from .output import Staging, check_output_path

    start = time.perf_counter()
    diags = Diagnostics()
    report = BuildReport(diags)
    if not check_only:
        check_output_path(project.output, project.root, project.content)
    resolved = read_and_resolve(project, diags, report.timings)
    report.resolved = resolved
    if diags.fails(project.strict):
        raise BuildFailed(diags)
    if check_only:
        report.seconds = time.perf_counter() - start
        return report
    from . import pelican_plugin

    with Staging(project.output) as staging:
        t = time.perf_counter()
        report.pages = pelican_plugin.run_pelican(project, resolved, staging)
        report.timings["write"] = time.perf_counter() - t
        report.files = sum(1 for p in staging.path.rglob("*") if p.is_file())
        staging.commit({"pages": report.pages})
    report.seconds = time.perf_counter() - start
    return report
