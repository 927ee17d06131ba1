"""The content cache: a file's SHA-256 (plus the generator version) to its
parsed document, validated fields and rendered Markdown, so that an unchanged
file is never parsed or rendered again. Keyed by content hash, not mtime; kept
in SQLite (the standard library's), one row an entry.

It lives in ``<project>/.dossier-cache/`` beside the build manifests (see
``incremental``); deleting that folder (or ``--clean``) is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
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
    """Digest of the generator's own code and data (the German romanisation's
    table): a new Dossier invalidates caches."""
    global _version
    if _version is None:
        _version = digest_files(sorted([*_PACKAGE.rglob("*.py"), *_PACKAGE.glob("*.json")]), _PACKAGE)[:16]
    return _version


class ContentCache:
    """Parsed and rendered files by content digest, in an SQLite file.

    Each entry is one row, read when :meth:`get` asks for it and written only
    when it is new: an edit reads the entries the build uses and writes the few
    it made, where a single pickle of the whole cache was read and written in
    full by every build (21 MB at 1,000 pages, 105 MB at 5,000). A row is the
    pickle of one value; a file of another generator version, or one SQLite
    cannot read, counts as empty and is replaced at :meth:`save`.
    """

    FILE = "content.sqlite"
    #: the single pickle of earlier versions, removed once the new file is saved
    OLD_FILE = "content.pickle"

    def __init__(self, folder: Path | None):
        self.folder = folder
        #: the entries made by this build (what :meth:`save` writes)
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.kept_prefixes: set[str] = set()
        self._db: sqlite3.Connection | None = None
        self._current = False  # the file holds this generator version's entries
        self._pid = os.getpid()  # the process the connection is for
        self._origin = self._pid  # the process that saves
        #: entries made in a forked process, to hand back to the one that saves
        self._made_apart: dict[str, Any] = {}
        if folder is not None:
            self._db, self._current = _open(folder / self.FILE)

    def get(self, key: str) -> Any:
        value = self.entries.get(key)
        if isinstance(value, _Pickled):
            value = pickle.loads(value)
        if value is None and self._db is not None and self._current and self._own_connection():
            try:
                row = self._db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
                value = pickle.loads(row[0]) if row is not None else None
            except Exception:  # a damaged row, or a class that changed: made again
                value = None
        if value is not None:
            self.used.add(key)
        return value

    def holds(self, prefix: str) -> set[str]:
        """The keys of the entries starting with ``prefix`` that :meth:`get`
        would find (read in one query, without their values)."""
        found = {k for k in self.entries if k.startswith(prefix)}
        if self._db is not None and self._current and self._own_connection():
            try:
                found.update(k for (k,) in self._db.execute("SELECT key FROM entries WHERE key >= ? AND key < ?", (prefix, prefix + "\U0010ffff")))
            except sqlite3.Error:
                pass
        return found

    def _own_connection(self) -> bool:
        """Whether this process has a connection to read with. A forked
        renderer must not use the one it inherited (SQLite's rule): it
        opens its own, and leaves that one alone, never closed there (the
        file is only read while the renderers run: it is saved before and
        after). So each renderer reads the rows its pages need."""
        if self._pid != os.getpid():
            _INHERITED.append(self._db)
            self._db, self._current = _open(self.folder / self.FILE) if self.folder is not None else (None, False)
            self._pid = os.getpid()
        return self._db is not None and self._current

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        if os.getpid() != self._origin:
            self._made_apart[key] = value

    def handed_back(self) -> dict[str, bytes]:
        """The entries a forked process (a renderer) made since it last
        asked, pickled, for the process that saves (:meth:`take`): without
        them, what renderers find (what a page's body says of others) would
        be found again by every later build."""
        made, self._made_apart = self._made_apart, {}
        for key in made:  # the saving process holds them now, not this one too
            self.entries.pop(key, None)
        return {key: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) for key, value in made.items()}

    def take(self, entries: dict[str, bytes]) -> None:
        """Entries a forked process made (:meth:`handed_back`), kept as
        their pickles until they are saved or read."""
        for key, data in entries.items():
            self.put(key, _Pickled(data))

    def keep(self, key: str) -> None:
        """Keep the row ``key`` at :meth:`save` although this build did not read it."""
        self.used.add(key)

    def keep_all(self, prefix: str) -> None:
        """Keep every row whose key starts with ``prefix`` at :meth:`save`."""
        self.kept_prefixes.add(prefix)

    def save(self, forget: bool = True) -> None:
        """Write the new entries and, unless ``forget`` is false (a build
        that will still ask for more), forget those this build did not use;
        the cache can be read and saved again afterwards. Raises OSError when
        the file cannot be written (the build notes it)."""
        if self.folder is None:
            return
        path = self.folder / self.FILE
        if self._current and self._db is None:  # closed by a save that failed
            self._db, self._current = _open(path)
        try:
            known = {k for (k,) in self._db.execute("SELECT key FROM entries")} if self._current else set()
            stale = {k for k in known - self.used if not k.startswith(tuple(self.kept_prefixes))} if forget else set()
            if self._current and not self.entries and not stale:
                return
            # only misses were put: new entries, or rows that could not be read;
            # pickled one at a time as SQLite takes them (all at once, they
            # were 170 MB more at the peak of a first build at 5,000 pages)
            rows = ((k, v if isinstance(v, _Pickled) else pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in sorted(self.entries.items()))
            self.close()
            self.folder.mkdir(parents=True, exist_ok=True)
            if not self._current:
                _remove(path)  # another version's entries, or a file SQLite cannot read
            db = sqlite3.connect(path, timeout=60, isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('generator', ?)", (generator_version(),))
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", rows)
                db.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in sorted(stale)])
                db.execute("COMMIT")
            finally:
                db.close()
        except sqlite3.Error as exc:  # read-only, full, locked for a minute: as the file system would say
            raise OSError(0, str(exc), str(path)) from exc
        # written: readable again, for what the rest of the build asks or saves
        self.entries = {}
        self._db, self._current = _open(path)
        old = self.folder / self.OLD_FILE
        if _ours(old):
            old.unlink()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class _Pickled(bytes):
    """An entry as pickled by the forked process that made it."""


#: the connections a forked process inherited: kept, so that they are never
#: closed (nor used) in it
_INHERITED: list = []


def _open(path: Path) -> tuple[sqlite3.Connection | None, bool]:
    """A connection to the cache file, and whether its entries are
    this generator version's; (None, False) when there is none to read."""
    if not path.is_file():
        return None, False
    try:
        # read-write, never created here: SQLite rolls back what a killed save left
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=60)
    except sqlite3.Error:
        return None, False
    try:
        row = db.execute("SELECT value FROM meta WHERE name = 'generator'").fetchone()
    except sqlite3.Error:  # not a database, or not ours
        db.close()
        return None, False
    if row is None or row[0] != generator_version():
        db.close()
        return None, False
    return db, True


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _ours(path: Path) -> bool:
    """Whether ``path`` is a pickle :func:`atomic_pickle` wrote."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(_MAGIC)) == _MAGIC
    except OSError:
        return False


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
