"""Atomic output: build into a fresh folder, swap it in only on success.

The site is written into ``<output>.staging-<pid>`` beside the output folder
(same file system), then exchanged with the output folder in one atomic
``renameat2(RENAME_EXCHANGE)`` where the kernel offers it, or two renames
otherwise. A build that fails or is killed leaves the previous site exactly
as it was; leftovers of a killed build are removed by the next one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

from .diagnostics import UnsafeOutputPath

__all__ = ["check_output_path", "Staging", "MARKER"]

#: Every output folder Dossier builds holds this file. An existing folder
#: without it is never replaced: it may be somebody's documents.
MARKER = ".dossier-build.json"


def check_output_path(output: Path, project: Path, content: Path) -> None:
    """Refuse an output folder whose replacement would destroy sources."""
    out = output.resolve()
    for protected, what in ((project.resolve(), "the project folder"), (content.resolve(), "the content folder")):
        if out == protected or out in protected.parents:
            raise UnsafeOutputPath(f"refusing to build into {output}: it is {what} or a parent of it")
    if content.resolve() in out.parents:
        raise UnsafeOutputPath(f"refusing to build into {output}: it is inside the content folder")
    if out == Path(out.anchor) or out == Path.home().resolve():
        raise UnsafeOutputPath(f"refusing to build into {output}")
    if out.exists():
        if not out.is_dir():
            raise UnsafeOutputPath(f"refusing to build into {output}: it exists and is not a folder")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise UnsafeOutputPath(
                f"refusing to replace {output}: it is not empty and was not built by Dossier (no {MARKER}); remove it or choose another --output"
            )


_libc = None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False if unsupported."""
    global _libc
    if os.name != "posix":
        return False
    try:
        if _libc is None:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    rc = fn(AT_FDCWD, os.fsencode(str(a)), AT_FDCWD, os.fsencode(str(b)), RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EPERM, errno.ENOTSUP if hasattr(errno, "ENOTSUP") else errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(a))


class Staging:
    """A fresh folder beside ``output`` that becomes ``output`` on commit."""

    def __init__(self, output: Path, base: Path | None = None):
        self.output = output
        self.path = output.with_name(f"{output.name}.staging-{os.getpid()}")
        self.base = base  # an incremental build starts from the previous site
        self.written = 0

    def __enter__(self) -> "Staging":
        self.cleanup_leftovers()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            shutil.rmtree(self.path)
        if self.base is not None and self.base.is_dir():
            # Hard links: cheap, and the live site is never written through
            # them, because every write replaces the file (see write()).
            shutil.copytree(self.base, self.path, copy_function=os.link, ignore=shutil.ignore_patterns(MARKER))
        else:
            self.path.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.path.exists():  # not committed: throw the half-built site away
            shutil.rmtree(self.path, ignore_errors=True)

    def cleanup_leftovers(self) -> None:
        """Remove staging and old folders left by builds that were killed."""
        parent = self.output.parent
        if not parent.is_dir():
            return
        prefix = self.output.name + "."
        for p in parent.iterdir():
            if p.name.startswith(prefix) and (".staging-" in p.name or ".old-" in p.name):
                pid = p.name.rsplit("-", 1)[-1]
                if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                    continue  # another build is running right now
                if ".old-" in p.name and not self.output.exists():
                    os.rename(p, self.output)  # killed between the two renames
                    continue
                shutil.rmtree(p, ignore_errors=True)

    def target(self, relpath: str) -> Path:
        """Absolute path for a site-relative file, refusing any escape."""
        rel = Path(relpath)
        if rel.is_absolute() or ".." in rel.parts:
            raise UnsafeOutputPath(f"refusing to write {relpath!r} outside the output folder")
        full = (self.path / rel).resolve()
        root = self.path.resolve()
        if full != root and root not in full.parents:
            raise UnsafeOutputPath(f"refusing to write {relpath!r} outside the output folder")
        return full

    def write(self, relpath: str, data: bytes | str, only_if_changed: bool = False) -> bool:
        """Write a file (a new inode, never in place). With ``only_if_changed``,
        a file whose bytes are already there is left alone. True if written."""
        full = self.target(relpath)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if only_if_changed:
            try:
                if full.stat().st_size == len(data) and full.read_bytes() == data:
                    return False
            except OSError:
                pass
        full.parent.mkdir(parents=True, exist_ok=True)
        tmp = full.with_name(f".{full.name}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, full)
        self.written += 1
        return True

    def remove(self, relpath: str) -> None:
        full = self.target(relpath)
        try:
            full.unlink()
        except FileNotFoundError:
            return
        parent = full.parent
        root = self.path.resolve()
        while parent != root and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def remove_tree(self, relpath: str) -> None:
        full = self.target(relpath)
        if full.is_dir():
            shutil.rmtree(full)

    def commit(self, manifest: dict | None = None) -> None:
        """Swap the staging folder in as the output folder."""
        marker = {"generator": "dossier", **(manifest or {})}
        (self.path / MARKER).write_text(json.dumps(marker, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        _fsync_tree(self.path)
        if self.output.exists():
            if _exchange(self.path, self.output):
                shutil.rmtree(self.path)
                return
            old = self.output.with_name(f"{self.output.name}.old-{os.getpid()}")
            os.rename(self.output, old)
            os.rename(self.path, self.output)
            shutil.rmtree(old)
        else:
            os.rename(self.path, self.output)


def _fsync_tree(root: Path) -> None:
    """Make the staged files durable before they become the live site."""
    try:
        fd = os.open(root, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    except OSError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tree_digest(root: Path) -> str:
    """A digest of every file under ``root`` (paths and bytes): for tests."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
