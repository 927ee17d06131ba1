"""Diagnostics: every problem the build finds, with a place and a code.

The exception hierarchy of the package is described here too:

- ``DossierError``: base of everything the package raises on purpose.
  - ``BuildFailed``: the build found errors; carries the diagnostics.
  - ``UnsafeOutputPath``: the output folder would destroy sources.

A diagnostic is never a log line: the pipeline collects them all, sorts them
by path and line, prints ``path:line:column: error[code]: message`` and exits
non-zero when any is an error (or, under ``--strict``, a warning).
"""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Severity",
    "Diagnostic",
    "Diagnostics",
    "DossierError",
    "BuildFailed",
    "UnsafeOutputPath",
    "CODES",
    "AFTER_A_BUILD",
    "NOT_IN_A_CHECKOUT",
    "IMPORT_ONLY",
]


#: Codes only a build after an earlier one can report (they compare with it).
AFTER_A_BUILD = frozenset({"renamed"})

#: Codes no file of a git checkout can produce: git keeps no permission but
#: the executable bit, and no named pipe (tests/test_filesystem.py shows them).
NOT_IN_A_CHECKOUT = frozenset({"unreadable"})

#: Codes only ``import-sources`` reports (tests/test_importer.py shows them).
IMPORT_ONLY = frozenset({"import-syntax", "import-write"})


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


#: Every diagnostic code with a one-line description. docs/ generates the
#: per-code reference from this table, so it cannot drift from the code.
CODES: dict[str, str] = {
    "encoding": "The file is not valid UTF-8.",
    "unreadable": "A file or folder that cannot be read (permission denied, an input/output error), or a file that is not a regular file (a named pipe, socket or device).",
    "file-name": "The file name is not a slug (lowercase ASCII letters, digits and hyphens).",
    "folder": "The file is in a folder that holds no content type.",
    "symlink": "The file is a symbolic link pointing outside the content folder.",
    "front-matter": "The file does not start with YAML front matter between two '---' lines.",
    "yaml": "The front matter is not valid YAML.",
    "yaml-too-complex": "The front matter uses too many YAML aliases or is nested too deeply.",
    "control-character": "A field's text or the body contains a control character or a Unicode non-character.",
    "not-a-mapping": "The front matter (or a nested entry) must be a mapping of field names to values.",
    "required": "A required field is missing or empty.",
    "unknown-field": "A field that this content type does not have.",
    "type": "A value of the wrong type.",
    "type-mismatch": "The front matter's 'type' disagrees with the folder the file is in.",
    "vocabulary": "A value outside the field's fixed vocabulary.",
    "date": "A value that is not an EDTF date (levels 0 and 1).",
    "old-style": "A date marked O.S. (Old Style, Julian) that falls after Russia adopted the Gregorian calendar on 14 February 1918 (warning).",
    "date-order": "Dates in the wrong order (died before born, ends before it starts).",
    "former-slug": "A former slug that cannot be one: not a slug, the address of a page that exists, or claimed by two pages.",
    "moved": "A link that uses a page's former slug: it works (the old address redirects), but should name the page as it is now (warning).",
    "renamed": "A file whose content was, in the last build, another file's: a rename that would break the old address unless the page lists it in former_slugs (warning).",
    "uncited": "A record that must say where it is documented (a charge) has no citation (warning).",
    "role-is-a-relation": "A person's role that only restates a relation with a group that has a page ('Leader of the Left Opposition'): record it in the group's leaders or members, or in the person's memberships, where the infobox shows it linked (warning).",
    "contradiction": "Two pages whose dates make a claim impossible: a participant dead before the event, a membership outside a life or a group's existence, a part outside the whole, a predecessor founded after its successor, a source dated after its author's death (warning).",
    "relation": "A relation names an entity that does not exist, or one of the wrong type.",
    "link": "A [[link]] matches no page.",
    "ambiguous-link": "A [[link]] matches more than one page.",
    "overlapping-names": "Two names of a place hold at the same time.",
    "ambiguous-variant": "A spelling generated from a native name is also a name of another page.",
    "link-section": "A [[page#section]] link names a section the page does not have.",
    "link-place": "A [[link]] or [@citation] written where none can be: inside a link's address, an image's source or alt text, a title or an HTML attribute.",
    "citation": "A citation names a source that does not exist.",
    "duplicate-slug": "Two files claim the same slug.",
    "duplicate-name": "Two entities claim the same title or alias.",
    "cycle": "A part_of chain loops back on itself.",
    "field-sources": "A field_sources key that is not a field of the page.",
    "uncited-source": "A source that no page cites or lists (warning).",
    "self-relation": "An entity related to itself.",
    "too-large": "An input that exceeds a safety limit.",
    "import-syntax": "import-sources: the file is not CSL-JSON or BibTeX that can be read (a syntax error, an unknown extension, a key used twice).",
    "import-write": "import-sources: a source file could not be written (a full disk, a read-only folder); nothing was imported.",
}


@dataclass(frozen=True, order=False)
class Diagnostic:
    """One problem, at one place. Lines and columns count from 1."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a programming error, not a content one
            raise ValueError(f"unknown diagnostic code {self.code!r}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def __str__(self) -> str:
        return self.format()


@dataclass
class Diagnostics:
    """A collector: pass one down the pipeline, stages append to it."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(self, path: str, line: int, column: int, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(path, line, column, code, message, hint))

    def warning(self, path: str, line: int, column: int, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(path, line, column, code, message, hint, Severity.WARNING))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.items.extend(items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Diagnostic]:
        # A diagnostic may be found twice (e.g. by two passes): keep one.
        return sorted(set(self.items), key=Diagnostic.sort_key)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if not d.is_error]

    def fails(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def report(self) -> str:
        lines = [d.format() for d in self.sorted()]
        e, w = len(self.errors), len(self.warnings)
        lines.append(f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}")
        return "\n".join(lines)


class DossierError(Exception):
    """Base of every error the package raises on purpose."""


class BuildFailed(DossierError):
    def __init__(self, diagnostics: Diagnostics):
        self.diagnostics = diagnostics
        super().__init__(f"build failed with {len(diagnostics.errors)} error(s)")


class UnsafeOutputPath(DossierError):
    """The output folder is the project root, the content folder or a parent."""


@functools.lru_cache(maxsize=1024)
def _resolved(folder: Path) -> Path:
    # a thousand files share a few folders: resolve each once per process
    # (this is for showing paths; the symlink checks resolve afresh)
    return folder.resolve()


@functools.lru_cache(maxsize=4096)
def _shown_folder(folder: str, root: str) -> str | None:
    """A folder as diagnostics show it, relative to the project ('' for the
    project itself), or None when it is outside."""
    try:
        shown = _resolved(Path(folder)).relative_to(_resolved(Path(root))).as_posix()
    except ValueError:
        return None
    return "" if shown == "." else shown


def relpath(path: Path, root: Path) -> str:
    """A path as shown in diagnostics: relative to the project when possible."""
    # Resolve the folder, not the file: a symlink is shown where it is, not
    # where it points (the diagnostic is about the link itself). By strings,
    # with the folder's answer kept: this is asked for every file of a build
    # more than once (27,000 times at 5,000 pages: 0.5 s as Path objects, 0.1 s so).
    text = os.fspath(path)
    if not os.path.isabs(text):
        text = os.path.join(os.getcwd(), text)
    folder, name = os.path.split(text)
    shown = _shown_folder(folder, os.fspath(root.absolute())) if name else None
    if shown is None:  # outside the project, the project itself, the file system's root
        full = _resolved(Path(folder)) / name if name else _resolved(Path(text))
        try:
            return full.relative_to(_resolved(root.absolute())).as_posix()
        except ValueError:
            return path.as_posix()
    return f"{shown}/{name}" if shown else name
