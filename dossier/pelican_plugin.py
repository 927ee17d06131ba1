"""The Pelican layer: the only module that imports Pelican.

``register()`` makes Dossier a Pelican plugin: it adds :class:`DossierGenerator`,
which (when Pelican runs it, e.g. through ``build.py``) renders every page of
the resolved site with the theme's Jinja2 environment. Pelican supplies the
settings, the theme's templates and the copying of the theme's static files.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pelican import Pelican, signals
from pelican.generators import Generator
from pelican.settings import read_settings

from .diagnostics import BuildFailed, Diagnostics
from .incremental import RenderResult, digest, select_pages
from .pipeline import theme_folder
from .views import render_page, site_options, site_pages

if TYPE_CHECKING:
    from .output import Staging
    from .pipeline import Project
    from .resolve import Resolved

__all__ = ["register", "DossierGenerator", "run_pelican", "pelican_settings"]

#: Settings Dossier needs whatever pelicanconf.py says: Pelican's own article
#: and page machinery is switched off, the theme is escaped.
FORCED = {
    "ARTICLE_PATHS": [],
    "PAGE_PATHS": [],
    "STATIC_PATHS": [],
    "DIRECT_TEMPLATES": [],
    "PAGINATED_TEMPLATES": {},
    "TEMPLATE_PAGES": {},
    "FEED_ALL_ATOM": None,
    "FEED_ALL_RSS": None,
    "CATEGORY_FEED_ATOM": None,
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
    "TRANSLATION_FEED_ATOM": None,
    "TAG_SAVE_AS": "",
    "TAGS_SAVE_AS": "",
    "CATEGORY_SAVE_AS": "",
    "CATEGORIES_SAVE_AS": "",
    "AUTHOR_SAVE_AS": "",
    "AUTHORS_SAVE_AS": "",
    "ARCHIVES_SAVE_AS": "",
    "DELETE_OUTPUT_DIRECTORY": False,
    "OUTPUT_SOURCES": False,
    "CACHE_CONTENT": False,
    "LOAD_CONTENT_CACHE": False,
}


class DossierGenerator(Generator):
    """Renders the Dossier site. Resolves the content itself when Pelican is
    run directly (``pelican -s pelicanconf.py``), or takes the result that
    ``build.py`` resolved already (setting ``DOSSIER_RESOLVED``)."""

    def generate_context(self) -> None:
        resolved = self.settings.get("DOSSIER_RESOLVED")
        if resolved is None:
            from .pipeline import Project, read_and_resolve

            project = Project.at(Path(self.settings.get("DOSSIER_ROOT", Path(self.path).parent)), Path(self.path), Path(self.output_path))
            diags = Diagnostics()
            resolved = read_and_resolve(project, diags)
            if diags.fails(self.settings.get("DOSSIER_STRICT", False)):
                raise BuildFailed(diags)
        self.resolved = resolved
        self.pages = site_pages(resolved, site_options(self.settings))
        self.context["DOSSIER_PAGES"] = self.pages

    def generate_output(self, writer) -> None:
        self.env.autoescape = True  # never trust content, whatever the settings say
        base = {k: v for k, v in self.context.items() if k.isupper() and not k.startswith("DOSSIER_")}
        staging = self.settings.get("DOSSIER_STAGING")
        previous = self.settings.get("DOSSIER_PREVIOUS")
        entities = self.settings.get("DOSSIER_ENTITIES") or {}
        if staging is None:  # run by plain Pelican: write everything where it says
            out = Path(self.output_path)
            for page in self.pages:
                html, _deps = render_page(page, self.env, base)
                target = out / page.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(html, encoding="utf-8")
            return
        result = RenderResult(renderer=(self.env, base))
        selected = select_pages(self.pages, self.resolved, previous, entities)
        current = {p.path for p in self.pages}
        if previous is not None:
            for path in previous.pages:
                if path not in current:
                    staging.remove(path)
                    result.changed.append(path)
            # keep the record of every page that is not rendered again
            chosen = {p.path for p in selected}
            for path, record in previous.pages.items():
                if path in current and path not in chosen:
                    result.pages[path] = record
        workers = int(self.settings.get("DOSSIER_WORKERS", 1))
        for path, deps, digest, written in _render_all(selected, self.env, base, staging, workers):
            result.pages[path] = (deps, digest)
            result.rendered += 1
            result.written += written
            if written:
                result.changed.append(path)
        self.settings["DOSSIER_RESULT"] = result


# Parallel rendering: forked workers inherit the resolved site and the Jinja
# environment, render a share of the pages, write them into the staging
# folder and send back only (path, deps, digest, written).
_WORK: dict = {}


def _render_share(indices: list[int]) -> list[tuple[str, frozenset, str, int]]:
    pages, env, base, staging = _WORK["pages"], _WORK["env"], _WORK["base"], _WORK["staging"]
    out = []
    for i in indices:
        page = pages[i]
        html, deps = render_page(page, env, base)
        data = html.encode("utf-8")
        written = staging.write(page.path, data, only_if_changed=True)
        out.append((page.path, frozenset(deps), digest(data), int(written)))
    return out


def _render_all(pages, env, base, staging, workers: int):
    _WORK.update(pages=pages, env=env, base=base, staging=staging)
    try:
        if workers > 1 and len(pages) >= 200 and hasattr(os, "fork"):
            import multiprocessing

            n = workers * 4
            shares = [list(range(i, len(pages), n)) for i in range(n)]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for chunk in pool.imap(_render_share, shares):
                    yield from chunk
        else:
            yield from _render_share(list(range(len(pages))))
    finally:
        _WORK.clear()


def get_generators(pelican_object):
    return DossierGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)


def pelican_settings(project: "Project", output: Path) -> dict:
    overrides = {
        "PATH": str(project.content),
        "OUTPUT_PATH": str(output),
        "THEME": str(theme_folder(project.root)),
        **FORCED,
    }
    if project.settings_file is None:  # a bare content folder (tests, fixtures)
        overrides = {"SITENAME": "Dossier", "TIMEZONE": "UTC", **overrides}
    settings = read_settings(str(project.settings_file) if project.settings_file else None, override=overrides)
    settings["PLUGINS"] = [__import__(__name__, fromlist=["register"])]
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    settings["DOSSIER_ROOT"] = str(project.root)
    if project.site_url:
        settings["SITEURL"] = project.site_url.rstrip("/")
    return settings


def run_pelican(project: "Project", resolved: "Resolved", staging: "Staging", previous=None, entities=None) -> RenderResult:
    """Run Pelican over the resolved site, writing into the staging folder.

    ``previous`` (the last build's manifest) makes it incremental: only the
    pages whose inputs changed are rendered, and the theme's static files
    are copied afresh (never written through the previous site's links).
    """
    logging.getLogger("pelican").setLevel(logging.WARNING)
    settings = pelican_settings(project, staging.path)
    settings["DOSSIER_RESOLVED"] = resolved
    settings["DOSSIER_STAGING"] = staging
    settings["DOSSIER_PREVIOUS"] = previous
    settings["DOSSIER_ENTITIES"] = entities
    settings["DOSSIER_WORKERS"] = project.workers()
    staging.remove_tree(settings.get("THEME_STATIC_DIR", "theme"))
    pelican = Pelican(settings)
    with contextlib.redirect_stdout(io.StringIO()):  # Pelican prints its own summary
        pelican.run()
    return settings["DOSSIER_RESULT"]
