"""A Dossier project: where its content, output, settings and cache are, and
how it is to be built."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .schema import SCHEMA, Schema

__all__ = ["Project", "theme_folder", "theme_overrides", "PACKAGE_THEME", "CACHE_DIR"]

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
    def at(cls, root: Path, content: Path | None = None, output: Path | None = None, strict: bool = False, jobs: int = 0, use_cache: bool = True) -> Project:
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


#: The theme every site is built with: it ships inside the package.
PACKAGE_THEME = Path(__file__).resolve().parent / "theme"


def theme_folder(root: Path) -> Path:
    """The theme: the package's own (``dossier/theme/``), whatever the site."""
    return PACKAGE_THEME


def theme_overrides(root: Path) -> Path | None:
    """The site's own ``theme/`` folder, if it has one: a template in its
    ``templates/`` replaces the package's of the same name (and can extend it
    as ``"!theme/<name>"``), a file in its ``static/`` replaces or adds the
    static file at the same path (``static/css/site.css`` …)."""
    own = root / "theme"
    return own if own.is_dir() else None
