"""The content cache: a file's SHA-256 (plus the generator version) to its
parsed document, validated fields and rendered Markdown, so that an unchanged
file is never parsed or rendered again. Keyed by content hash, not mtime.

It lives in ``<project>/.dossier-cache/`` beside the build manifests (see
``incremental``); deleting that folder (or ``--clean``) is always safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

__all__ = ["generator_version", "ContentCache", "digest_files", "atomic_pickle", "load_pickle"]

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
            data = load_pickle(folder / self.FILE)
            if isinstance(data, tuple) and len(data) == 2 and data[0] == generator_version() and isinstance(data[1], dict):
                self.entries = data[1]

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
        atomic_pickle(self.folder / self.FILE, (generator_version(), self.entries))


#: The first bytes of every pickle Dossier writes, then the SHA-256 of the rest.
_MAGIC = b"dossier-pickle-1\n"


class _Hashing:
    def __init__(self, fh):
        self.fh = fh
        self.hash = hashlib.sha256()

    def write(self, data) -> int:
        self.hash.update(data)
        return self.fh.write(data)


def atomic_pickle(path: Path, value: Any) -> None:
    """Write ``value`` whole or not at all, with a digest of its bytes: a
    torn, truncated or altered file is recognised and ignored on loading."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(_MAGIC + bytes(32))
            writer = _Hashing(fh)
            pickle.dump(value, writer, protocol=pickle.HIGHEST_PROTOCOL)
            fh.seek(len(_MAGIC))
            fh.write(writer.hash.digest())
        os.replace(tmp, path)
    except BaseException:  # a full disk, say: no half-written file left behind
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def load_pickle(path: Path) -> Any:
    """What :func:`atomic_pickle` wrote, or None for a file that is missing,
    of another version, corrupt or unreadable (the cache is then rebuilt)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(len(_MAGIC)) != _MAGIC:
                return None
            digest = fh.read(32)
            h = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
            if h.digest() != digest:
                return None
            fh.seek(len(_MAGIC) + 32)
            return pickle.load(fh)
    except Exception:  # OSError, and whatever unpickling a stale class raises
        return None
