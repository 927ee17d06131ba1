"""Atomic output: build into a fresh folder, swap it in only on success.

The site is written into ``<output>.staging-<pid>-<token>/site/`` beside the
output folder (same file system), then exchanged with the output folder in
one atomic ``renameat2(RENAME_EXCHANGE)`` where the kernel offers it, or two
renames otherwise (the old site moved into the staging folder first). A
build that fails or is killed leaves the previous site exactly as it was.

An incremental build starts from the previous site: the site the last
commit replaced, kept in the cache folder as a "spare"
(``<cache>/spare-<tag>/site/``) and brought up to date by relinking only the
files that differ (:func:`_mirror`), so that an edit does not make and
remove every folder of the site. A build of the whole site leaves as the
spare a tree of hard links to the new site (the site it replaced shares no
file with it); without a spare, the tree is made folder by folder.

The build removes or renames only what it can prove it made: a staging
folder holds, from the moment it is created, a tag file (``TAG``) naming the
folder, the process and a random token. The leftovers of a killed build are
recognised by that tag and removed by the next build; any other folder named
like one (``output.old-backup``, a copy, a folder of an older Dossier) is left
alone and reported in :attr:`Staging.notes`.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from .diagnostics import UnsafeOutputPath

__all__ = ["check_output_path", "Staging", "MARKER", "TAG", "deferred_signals", "provable_leftover", "remove_ours", "build_lock"]

#: Every output folder Dossier builds holds this file. An existing folder
#: without it is never replaced: it may be somebody's documents.
MARKER = ".dossier-build.json"

#: Every staging folder holds this file (beside ``site/``, not in the site):
#: the proof that the folder is one a build made.
TAG = ".dossier-staging.json"

_STAGING = re.compile(r"\.staging-(?P<pid>[0-9]+)-(?P<token>[0-9a-f]{16})")


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
    """A fresh folder beside ``output`` whose ``site/`` becomes ``output`` on commit.

    ``folder`` is ``<output>.staging-<pid>-<token>``; ``path`` (its ``site/``)
    is where the site is written. ``notes`` collects what the build saw and
    left alone (folders that look like leftovers but hold no proof).
    """

    def __init__(self, output: Path, base: Path | None = None, spare: Path | None = None):
        if output.is_symlink():
            # build where the link points and keep the link: swapping the
            # link itself would leave its target stale and the link gone
            output = Path(os.path.realpath(output))
        self.output = output
        self.token = secrets.token_hex(8)
        self.folder = output.with_name(f"{output.name}.staging-{os.getpid()}-{self.token}")
        self.path = self.folder / "site"
        self.base = base  # an incremental build starts from the previous site
        #: where the site the commit replaces is kept, for the next build to
        #: start from (``<cache>/spare-<tag>/site/``); None: it is removed
        self.spare = spare
        self.written = 0
        self.committed = False
        self.notes: list[str] = []

    def __enter__(self) -> Staging:
        self.cleanup_leftovers()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        with deferred_signals():
            os.mkdir(self.folder, 0o755)  # never an existing one: the token is new
            try:
                _write_tag(self.folder, self.token)
            except BaseException:
                os.rmdir(self.folder)
                raise
        try:
            if self.base is not None and self.base.is_dir():
                # Hard links: cheap, and the live site is never written through
                # them, because every write replaces the file (see write()).
                if self._take_spare():
                    _mirror(self.base, self.path)
                else:
                    _link_tree(self.base, self.path)
            else:  # a whole new site: a spare left is replaced at the commit
                self.path.mkdir()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # not committed: the half-built site; committed: the previous site
        if os.path.lexists(self.folder):
            with deferred_signals():
                remove_ours(self.folder)

    def cleanup_leftovers(self) -> None:
        """Remove the staging folders of builds that were killed (proved by
        their tag), putting back the previous site of a build killed between
        its two renames; leave anything else alone and note it."""
        parent = self.output.parent
        if not parent.is_dir():
            return
        prefix = self.output.name + "."
        try:
            names = sorted(os.listdir(parent))
        except OSError:
            return
        for name in names:
            if not name.startswith(prefix):
                continue
            rest = name[len(self.output.name):]
            p = parent / name
            if not (rest.startswith(".staging-") or rest.startswith(".old-")):
                continue
            tag = provable_leftover(p, self.output.name)
            if tag is None:
                if _STAGING.fullmatch(rest) and _empty_dir(p):
                    # killed between creating the folder and tagging it:
                    # an empty folder under a name only a build gives
                    with contextlib.suppress(OSError):
                        os.rmdir(p)
                    continue
                missing = "" if os.path.lexists(self.output) else f"; {self.output.name} is missing, and this folder may hold a previous site: rename it back yourself if so"
                self.notes.append(
                    f"{p}: left alone: it is named like a leftover of a build but holds no proof ({TAG}) that a Dossier build made it{missing}"
                )
                continue
            if tag["pid"] != os.getpid() and _alive(tag["pid"], tag.get("started")):
                continue  # another build is running right now
            with deferred_signals():
                old = p / "old"
                if not os.path.lexists(self.output) and old.is_dir() and not old.is_symlink():
                    os.rename(old, self.output)  # killed between the two renames
                remove_ours(p)

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
        return self._put(full, (data,), compare=False)

    def write_text(self, relpath: str, text: str | Iterable[str], only_if_changed: bool = False) -> tuple[bool, str]:
        """Write ``text`` in UTF-8, given whole or in pieces (written as they
        come: a file of the whole site is never held whole); as :meth:`write`
        otherwise. Returns (whether written, the SHA-256 of its bytes)."""
        if isinstance(text, str):
            data = text.encode("utf-8")
            return self.write(relpath, data, only_if_changed), hashlib.sha256(data).hexdigest()
        digest = hashlib.sha256()

        def encoded() -> Iterator[bytes]:
            for piece in text:
                data = piece.encode("utf-8")
                digest.update(data)
                yield data

        written = self._put(self.target(relpath), encoded(), compare=only_if_changed)
        return written, digest.hexdigest()

    def _put(self, full: Path, pieces: Iterable[bytes], compare: bool) -> bool:
        """Write ``pieces`` to a temporary file beside ``full``, then put it
        in place; with ``compare``, a file already holding those bytes is
        left alone. A failure leaves nothing behind. True if written."""
        full.parent.mkdir(parents=True, exist_ok=True)
        tmp = full.with_name(f".{full.name}.tmp")
        try:
            with open(tmp, "wb") as fh:
                for data in pieces:
                    fh.write(data)
            if compare and _same_bytes(tmp, full):
                tmp.unlink()
                return False
            os.replace(tmp, full)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
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
        """Swap the staging folder's site in as the output folder; the
        previous site is left in the staging folder, which is removed."""
        marker = {"generator": "dossier", **(manifest or {})}
        (self.path / MARKER).write_text(json.dumps(marker, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        _fsync_tree(self.path)
        previous = None
        with deferred_signals():  # a Ctrl-C waits until the swap is whole
            if os.path.lexists(self.output):
                previous = self.path
                if not _exchange(self.path, self.output):
                    previous = self.folder / "old"
                    os.rename(self.output, previous)
                    os.rename(self.path, self.output)
            else:
                os.rename(self.path, self.output)
            self.committed = True
        with deferred_signals():
            if self.base is None:
                self._link_spare()
            elif previous is not None:
                self._keep_spare(previous)
            remove_ours(self.folder)

    def _take_spare(self) -> bool:
        """Move the site the last build replaced (kept in ``spare``) into
        this staging folder as ``site/``; True if there was one to take.
        A spare that is not provably ours, or not a whole folder, is not
        taken; one of ours that is unusable is removed."""
        spare = self.spare
        if spare is None or not os.path.lexists(spare):
            return False
        if _spare_tag(spare) is None:
            self.notes.append(f"{spare}: left alone: it is named like the build's spare copy of the site but holds no proof ({TAG}) that a Dossier build made it")
            return False
        with deferred_signals():
            site = spare / "site"
            try:
                st = os.lstat(site)
                taken = stat.S_ISDIR(st.st_mode) and st.st_dev == os.stat(self.folder).st_dev
            except FileNotFoundError:
                taken = False
            if taken:
                os.rename(site, self.path)
            remove_ours(spare)
        return taken

    def _keep_spare(self, previous: Path) -> None:
        """Keep the site just replaced as the next build's starting point:
        moved (one rename) into ``spare``, not removed. Optional: where the
        spare cannot be made (another file system, a read-only cache
        folder), the site is removed with the staging folder as before."""
        with self._new_spare(previous) as spare:
            if spare is not None:
                os.rename(previous, spare / "site")

    def _link_spare(self) -> None:
        """After a build of the whole site, the site it replaced shares no
        file with the new one: the next build would have to unlink every
        file of it and link every file anew (7 s at 5,000 pages, in the
        first edit after ``make html``). It is removed with the staging
        folder instead, and the spare made as a tree of links to the new
        site, which the next build finds already up to date but for what it
        writes."""
        with self._new_spare(self.output) as spare:
            if spare is not None:
                _link_tree(self.output, spare / "site")

    @contextlib.contextmanager
    def _new_spare(self, beside: Path):
        """A new spare folder, tagged, for the ``with`` block to fill; it
        then replaces an earlier spare of ours. None where there is to be
        none: no spare asked for, one not ours in the way (left alone:
        noted when a build tries to take it), or another file system than
        ``beside``'s. It is made inside the staging folder and renamed into
        place whole, so that a build killed at any moment leaves no spare
        without its tag (which no later build could prove its own, nor
        remove, nor replace): what it left in the staging folder goes with
        that folder. A failure removes what was made: it is only a spare."""
        spare = self.spare
        made = None
        try:
            if spare is not None:
                spare.parent.mkdir(parents=True, exist_ok=True)
                if os.stat(spare.parent).st_dev == os.stat(beside).st_dev and (not os.path.lexists(spare) or _spare_tag(spare) is not None):
                    made = self.folder / "spare"
                    os.mkdir(made, 0o755)
                    _write_tag(made, self.token, spare.name)
        except OSError:
            self._drop_spare()
            made = None
        try:
            yield made
            if made is not None:
                if os.path.lexists(spare):
                    remove_ours(spare)
                os.rename(made, spare)
        except OSError:
            self._drop_spare()

    def kept_folder(self, path: Path) -> Path | None:
        """A folder the build keeps for later builds outside the site
        (``path``, in the cache folder): the one there if a build provably
        made it (its tag, as the spare's), else a new one, tagged, made in
        the staging folder and renamed into place whole, so that a build
        killed at any moment leaves none without its tag. None when one not
        ours is in the way (left alone, and noted) or none can be made there
        (another file system, a read-only cache)."""
        if os.path.lexists(path):
            if _read_tag(path) is not None:
                return path
            self.notes.append(f"{path}: left alone: it is named like a folder the build keeps but holds no proof ({TAG}) that a Dossier build made it")
            return None
        made = self.folder / "kept"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkdir(made, 0o755)
            _write_tag(made, self.token, path.name)
            os.rename(made, path)
        except OSError:
            with contextlib.suppress(OSError):
                remove_ours(made)
            return None
        return path

    def _drop_spare(self) -> None:
        with contextlib.suppress(OSError):
            if self.spare is not None and _spare_tag(self.spare) is not None:
                remove_ours(self.spare)


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (False if ``b`` cannot be read)."""
    import filecmp

    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _link_tree(source: Path, target: Path) -> None:
    """``target`` made anew as ``source`` in hard links: its folders made,
    its files linked. Left out (``_carried``), as from a clean build: the
    marker, and any symbolic link somebody put into the site (followed, it
    would copy or loop through whatever it points at). One ``scandir`` a folder and one ``link``
    a file (``shutil.copytree`` also stats every name again and copies every
    folder's times and modes, which a new site does not keep)."""
    os.mkdir(target)
    todo = [(os.fspath(source), os.fspath(target))]
    while todo:
        src, dst = todo.pop()
        with os.scandir(src) as entries:
            for entry in entries:
                if not _carried(entry):
                    continue
                path = os.path.join(dst, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(path)
                    todo.append((entry.path, path))
                else:
                    os.link(entry.path, path)


def _mirror(source: Path, target: Path) -> None:
    """Make ``target``, a tree of hard links to an earlier site, what
    :func:`_link_tree` would make of ``source``, touching only what differs:
    a file already linked to the same inode is left as it is, any other is
    linked anew, and what ``source`` no longer has is removed. Its cost is a
    ``scandir`` of each folder (a build that wrote few files changes few
    links), where ``_link_tree`` makes every folder and link of the site
    again: on one file system the inode numbers ``scandir`` reads tell the
    same file, without a ``stat`` of either name."""
    one_device = os.stat(source).st_dev == os.stat(target).st_dev
    todo = [(os.fspath(source), os.fspath(target))]
    while todo:
        src, dst = todo.pop()
        with os.scandir(dst) as entries:
            have = {e.name: e for e in entries}
        with os.scandir(src) as entries:
            for entry in entries:
                if not _carried(entry):
                    continue
                path = os.path.join(dst, entry.name)
                old = have.pop(entry.name, None)
                if entry.is_dir(follow_symlinks=False):
                    if old is not None and not old.is_dir(follow_symlinks=False):
                        _remove_entry(old)
                        old = None
                    if old is None:
                        os.mkdir(path)
                    todo.append((entry.path, path))
                    continue
                if old is not None:
                    if not old.is_dir(follow_symlinks=False) and _same_file(entry, old, one_device):
                        continue  # already linked
                    _remove_entry(old)
                os.link(entry.path, path)
        for old in have.values():  # what the site no longer has (its marker too)
            _remove_entry(old)


def _same_file(a: os.DirEntry, b: os.DirEntry, one_device: bool) -> bool:
    """Whether two names are links to one file (``one_device``: both trees
    are on one file system, where an inode number names one file)."""
    if one_device:
        return a.inode() == b.inode()
    x, y = a.stat(follow_symlinks=False), b.stat(follow_symlinks=False)
    return (x.st_ino, x.st_dev) == (y.st_ino, y.st_dev)


def _carried(entry: os.DirEntry) -> bool:
    """Whether the next site starts with this entry of the previous one."""
    return entry.name != MARKER and not entry.is_symlink()


def _remove_entry(entry: os.DirEntry) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def _write_tag(folder: Path, token: str, name: str | None = None) -> None:
    """Tag ``folder`` as made by this build; ``name``: the name it will be
    renamed to (its own by default)."""
    tag = {"generator": "dossier", "folder": name or folder.name, "pid": os.getpid(), "token": token, "started": _started(os.getpid())}
    fd = os.open(folder / TAG, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(tag, sort_keys=True) + "\n")


def provable_leftover(p: Path, output_name: str) -> dict | None:
    """The tag of ``p`` if it is a staging folder a build made (a real
    folder, named ``<output_name>.staging-<pid>-<token>``, holding a tag file
    that names it, its pid and its token); None otherwise."""
    m = _STAGING.fullmatch(p.name[len(output_name):]) if p.name.startswith(output_name + ".") else None
    if m is None:
        return None
    tag = _read_tag(p)
    if tag is None or (tag.get("pid"), tag.get("token")) != (int(m["pid"]), m["token"]):
        return None
    return tag


def _read_tag(p: Path) -> dict | None:
    """The tag of ``p`` if it is a real folder holding a tag a build wrote
    for it (a small file naming the generator and this folder); None otherwise."""
    try:
        if not stat.S_ISDIR(os.lstat(p).st_mode):
            return None
        st = os.lstat(p / TAG)
        if not stat.S_ISREG(st.st_mode) or st.st_size > 4096:
            return None
        tag = json.loads((p / TAG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(tag, dict) or (tag.get("generator"), tag.get("folder")) != ("dossier", p.name):
        return None
    return tag


#: The tag of a spare copy of the site a build kept, or None.
_spare_tag = _read_tag


def remove_ours(folder: Path) -> None:
    """Remove a staging folder this build (or a killed one) made: its tag
    last, so that a folder half removed by a kill is still provably ours."""
    try:
        entries = sorted(os.listdir(folder))
    except FileNotFoundError:
        return
    for name in entries:
        if name == TAG:
            continue
        child = folder / name
        if os.path.isdir(child) and not os.path.islink(child):
            shutil.rmtree(child)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(child)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / TAG)
    os.rmdir(folder)


def _empty_dir(p: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(p).st_mode) and not os.listdir(p)
    except OSError:
        return False


def _fsync_tree(root: Path) -> None:
    """Make the staged files durable before they become the live site."""
    try:
        fd = os.open(root, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    except OSError:
        pass


def _started(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot), where the
    system says: with the pid, it tells a live build from a new process that
    was given a dead build's pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            text = fh.read().decode("ascii", "replace")
        return int(text[text.rindex(")") + 2 :].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int, started: int | None = None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    except (OverflowError, ValueError):
        return False
    if started is not None:
        now = _started(pid)
        if now is not None and now != started:
            return False  # the pid was given to another process since
    return True


_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


@contextlib.contextmanager
def deferred_signals():
    """Hold Ctrl-C and SIGTERM back while the output is being swapped or a
    folder removed: they take effect (as an exception) when the block ends."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def build_lock(lock_file: Path, waiting=None):
    """Hold an exclusive lock on ``lock_file`` while the block runs: two
    builds into one output folder take turns instead of mixing their work.
    ``waiting(pid_text)`` is called once if another build holds it. The lock
    goes with the process, however it ends. Without ``fcntl`` or a writable
    place for the file, no lock (the build proceeds as before)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                try:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                except OSError:
                    holder = ""
                waiting(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def tree_digest(root: Path) -> str:
    """A digest of every file under ``root`` (paths and bytes): for tests."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
