"""The Pelican layer: the only module that imports Pelican.

Pelican is the host of the templates: :class:`PelicanRenderer` reads the
settings (``pelicanconf.py`` with Dossier's forced values), finds the theme,
and builds the Jinja2 environment the way Pelican's generators do (the
theme's templates, Pelican's filters and tests, the settings' own
``JINJA_*``), with escaping always on. It is the pipeline's
:class:`~dossier.render.Renderer`: the pipeline decides what is rendered and
writes it (staging, incremental builds, search); nothing here writes a file.

Running plain ``pelican`` on a Dossier site would skip all of that, so the
plugin, which ``pelicanconf.py`` names, stops it with a message that says
what to run instead.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pelican import signals
from pelican.generators import Generator
from pelican.settings import read_settings

from .project import theme_folder, theme_overrides
from .views import site_options

if TYPE_CHECKING:
    import jinja2

    from .project import Project

__all__ = ["PelicanRenderer", "register", "pelican_settings", "FORCED", "NOT_THE_WAY"]

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


def pelican_settings(project: Project, output: Path) -> dict:
    """Pelican's settings for ``project``: its pelicanconf.py (if any) with
    Dossier's forced values, escaping on and the theme found."""
    overrides = {
        "PATH": str(project.content),
        "OUTPUT_PATH": str(output),
        "THEME": str(theme_folder(project.root)),
        **FORCED,
    }
    own = theme_overrides(project.root)
    # the site's own templates first (Pelican's THEME_TEMPLATES_OVERRIDES);
    # "!theme/base.html" still names the package's
    overrides["THEME_TEMPLATES_OVERRIDES"] = [str(own / "templates")] if own is not None and (own / "templates").is_dir() else []
    if project.settings_file is None:  # a bare content folder (tests, fixtures)
        overrides = {"SITENAME": "Dossier", "TIMEZONE": "UTC", **overrides}
    logging.getLogger("pelican").setLevel(logging.WARNING)
    settings = read_settings(str(project.settings_file) if project.settings_file else None, override=overrides)
    settings["PLUGINS"] = [__import__(__name__, fromlist=["register"])]
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    if project.site_url:
        settings["SITEURL"] = project.site_url.rstrip("/")
    return settings


class PelicanRenderer:
    """A :class:`~dossier.render.Renderer` from Pelican's settings and theme."""

    def __init__(self, project: Project, output: Path):
        self.settings = pelican_settings(project, output)
        host = Generator({}, self.settings, self.settings["PATH"], self.settings["THEME"], str(output))
        self.env: jinja2.Environment = host.env
        self.env.autoescape = True  # never trust content, whatever the settings say
        self.context: dict[str, Any] = {k: v for k, v in self.settings.items() if k.isupper()}
        self.options = site_options(self.settings)
        self.static_dir: str = self.settings["THEME_STATIC_DIR"]
        self.project_root = project.root

    def static_files(self) -> list[tuple[Path, str]]:
        """The theme's static files, where Pelican would copy them
        (``THEME_STATIC_PATHS`` into ``THEME_STATIC_DIR``), dot files and
        ``IGNORE_FILES`` left out; a file of the site's own ``theme/`` at the
        same path replaces the package's (or is added)."""
        files = dict(self._static_of(Path(self.settings["THEME"])))
        own = theme_overrides(self.project_root)
        if own is not None:
            files.update(self._static_of(own))
        return sorted(((source, path) for path, source in files.items()), key=lambda sp: sp[1])

    def _static_of(self, theme: Path) -> list[tuple[str, Path]]:
        ignores = list(self.settings.get("IGNORE_FILES") or [])
        out: list[tuple[Path, str]] = []

        def ignored(name: str) -> bool:
            return name.startswith(".") or any(fnmatch.fnmatch(name, pattern) for pattern in ignores)

        for entry in self.settings["THEME_STATIC_PATHS"]:
            source = theme / entry
            if source.is_file() and not ignored(source.name):
                out.append((source, f"{self.static_dir}/{source.name}"))
                continue
            for dirpath, dirnames, filenames in os.walk(source):
                dirnames[:] = sorted(d for d in dirnames if not ignored(d))
                for name in sorted(filenames):
                    if not ignored(name):
                        path = Path(dirpath) / name
                        out.append((path, f"{self.static_dir}/{path.relative_to(source).as_posix()}"))
        return [(site_path, file) for file, site_path in out]


#: What plain ``pelican`` prints on a Dossier site.
NOT_THE_WAY = (
    "error: this is a Dossier site: build it with `dossier build` (or `python build.py`), not plain `pelican`, "
    "which would skip the checks, the atomic output, incremental builds and search"
)


def refuse_plain_pelican(pelican_object) -> None:
    """Plain ``pelican`` loaded the plugin: say what to run instead, and stop
    before Pelican reads or writes anything."""
    print(NOT_THE_WAY, file=sys.stderr)
    raise SystemExit(1)


def register() -> None:
    signals.initialized.connect(refuse_plain_pelican)
