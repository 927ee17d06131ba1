"""The content cache and the build manifest.

- The **content cache** maps a file's SHA-256 (plus the generator version) to
  its parsed document, validated fields and rendered Markdown: an unchanged
  file is never parsed or rendered again. Keyed by content hash, not mtime.
- The **manifest** records, for the last successful build into an output
  folder, the digest of every input and, per output page, the entity keys it
  read (Lektor's ``record_dependency``). An incremental build re-renders only
  the pages whose recorded or current dependencies changed, and writes only
  the files whose bytes differ, so its output is byte-identical to a clean
  build's.

Both live in ``<project>/.dossier-cache/``; deleting it (or ``--clean``) is
always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["generator_version", "ContentCache", "Manifest", "digest_files"]

_PACKAGE = Path(__file__).resolve().parent


def digest_files(paths: list[Path], root: Path | None = None) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        name = p.relative_to(root).as_posix() if root else p.name
        h.update(name.encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


_version: str | None = None


def generator_version() -> str:
    """Digest of the generator's own code: a new Dossier invalidates caches."""
    global _version
    if _version is None:
        _version = digest_files(sorted(_PACKAGE.rglob("*.py")), _PACKAGE)[:16]
    return _version


class ContentCache:
    """Parsed and rendered files by content digest."""

    FILE = "content.pickle"

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.dirty = False
        if folder is not None:
            try:
                with open(folder / self.FILE, "rb") as fh:
                    version, entries = pickle.load(fh)
                if version == generator_version():
                    self.entries = entries
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
                self.entries = {}

    def get(self, key: str) -> Any:
        value = self.entries.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        if self.folder is None:
            return
        stale = set(self.entries) - self.used
        if not self.dirty and not stale:
            return
        for k in stale:  # forget files that no longer exist
            del self.entries[k]
        _atomic_pickle(self.folder / self.FILE, (generator_version(), self.entries))


@dataclass
class Manifest:
    """What the last successful build into one output folder read and wrote."""

    build_id: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # content path -> digest
    entities: dict[str, str] = field(default_factory=dict)  # entity key -> digest
    environment: str = ""  # digest of generator, theme, templates, settings
    pages: dict[str, tuple[frozenset, str]] = field(default_factory=dict)  # page path -> (deps, html digest)
    files: list[str] = field(default_factory=list)  # every file of the output
    warnings: list = field(default_factory=list)  # the build's warnings (Diagnostic objects)

    @staticmethod
    def path_for(cache_dir: Path, output: Path) -> Path:
        tag = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:12]
        return cache_dir / f"manifest-{tag}.pickle"

    @classmethod
    def load(cls, cache_dir: Path, output: Path) -> "Manifest | None":
        try:
            with open(cls.path_for(cache_dir, output), "rb") as fh:
                data = pickle.load(fh)
            return data if isinstance(data, cls) else None
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return None

    def save(self, cache_dir: Path, output: Path) -> None:
        _atomic_pickle(self.path_for(cache_dir, output), self)


def _atomic_pickle(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
