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
from pathlib import Path
from typing import TYPE_CHECKING

from pelican import Pelican, signals
from pelican.generators import Generator
from pelican.settings import read_settings

from .diagnostics import BuildFailed, Diagnostics
from .views import render_pages, site_pages

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
        self.pages = site_pages(resolved)
        self.context["DOSSIER_PAGES"] = self.pages

    def generate_output(self, writer) -> None:
        self.env.autoescape = True  # never trust content, whatever the settings say
        base = {k: v for k, v in self.context.items() if k.isupper() and not k.startswith("DOSSIER_")}
        staging = self.settings.get("DOSSIER_STAGING")
        out = Path(self.output_path)
        for path, html in render_pages(self.pages, self.env, base):
            if staging is not None:
                staging.write(path, html)
            else:  # run by plain Pelican: write where it says
                target = out / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(html, encoding="utf-8")


def get_generators(pelican_object):
    return DossierGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)


def theme_folder(root: Path) -> Path:
    """The project's own theme/, or the one beside the package (fixtures)."""
    own = root / "theme"
    return own if (own / "templates").is_dir() else Path(__file__).resolve().parent.parent / "theme"


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
    return settings


def run_pelican(project: "Project", resolved: "Resolved", staging: "Staging") -> int:
    """Run Pelican over the resolved site, writing into the staging folder."""
    logging.getLogger("pelican").setLevel(logging.WARNING)
    settings = pelican_settings(project, staging.path)
    settings["DOSSIER_RESOLVED"] = resolved
    settings["DOSSIER_STAGING"] = staging
    pelican = Pelican(settings)
    with contextlib.redirect_stdout(io.StringIO()):  # Pelican prints its own summary
        pelican.run()
    return staging.written
