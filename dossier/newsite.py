"""``dossier init DIR``: a new, empty reference work that builds at once.

The files come from ``starter/`` inside the package (shipped with it, like
the theme): the content folders with one small example of each type and the
home page, ``pelicanconf.py``, a README with the two commands, the Python
requirements and a workflow that builds with ``--strict`` and publishes on
GitHub Pages. The theme is not copied: the site is built with the installed
package's, and a ``theme/`` folder of the site's own overrides single
templates and static files (see the README it writes, and docs/guide.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import DossierError

__all__ = ["init", "InitError", "STARTER", "Created"]

STARTER = Path(__file__).resolve().parent / "starter"

#: starter files stored without their leading dot (package data globs skip dot files)
RENAMED = {"gitignore": ".gitignore", "github": ".github"}


class InitError(DossierError):
    pass


@dataclass
class Created:
    root: Path
    files: list[Path] = field(default_factory=list)

    def __str__(self) -> str:
        return str(self.root)


def _title_from(folder: Path) -> str:
    words = folder.name.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else "A reference work"


def _version() -> str:
    from .cli import version

    v = version()
    return v if v[:1].isdigit() else "0.1.0"


def init(folder: Path, title: str | None = None) -> Created:
    """Write the starter into ``folder`` (new, or empty); never overwrites."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(f"{folder} is not empty: give a new or an empty folder (nothing was written)")
    if not (STARTER / "content").is_dir():
        raise InitError(f"the starter files are missing from the installed package ({STARTER}); reinstall dossier")
    title = (title or _title_from(folder.resolve())).strip()
    if not title or any(c in title for c in '"\\\n\r'):
        raise InitError("the title must be one line without double quotes or backslashes")
    values = {"{{title}}": title, "{{version}}": _version()}
    made = Created(folder)
    for source in sorted(p for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = source.relative_to(STARTER)
        rel = Path(*(RENAMED.get(part, part) if i == 0 else part for i, part in enumerate(rel.parts)))
        target = folder / rel
        text = source.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as fh:  # "x": never overwrite
            fh.write(text)
        made.files.append(target)
    return made
