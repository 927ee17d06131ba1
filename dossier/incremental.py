"""Incremental state: everything a build knows of the last one, in one place.

A build into an output folder leaves a :class:`Manifest`: the digest of every
input file, a digest of everything each page may depend on (the *keys*, see
:func:`entity_digests`), the environment (generator, theme, settings), and per
output page the keys it read while it was rendered and the digest of its
bytes. The next build

- skips everything when no input and no part of the environment changed and
  the output is the one the manifest describes (:func:`up_to_date`);
- otherwise reads and resolves the site, computes the keys again and renders
  only the pages whose recorded keys changed, the new pages, and the pages
  an entity now refers to when what it refers to changed (it may give them
  a backlink or a derived relation: :func:`select_pages`);
- writes only the files whose bytes differ, so that its output is
  byte-identical to a clean build's (tests/test_incremental.py).

Pages record what they read through the accessors of the model (Lektor's
``record_dependency``, Sphinx's ``note_dependency``): see ``deps``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import deps, maps
from .cache import atomic_pickle, digest_files, generator_version, load_pickle
from .diagnostics import relpath
from .model import MAX_FILE_BYTES
from .project import Project, theme_folder, theme_overrides
from .resolve import Resolved

if TYPE_CHECKING:
    from .views import Page

__all__ = [
    "Manifest",
    "FileStats",
    "environment_digest",
    "input_digests",
    "entity_digests",
    "up_to_date",
    "build_id",
    "report_renames",
    "select_pages",
    "describe_key",
    "changed_keys",
    "outgoing",
    "face_digest",
]


def _tag(output: Path) -> str:
    """The part of a cache file's name that says which output it is for."""
    return hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:12]


@dataclass
class Manifest:
    """What the last successful build into one output folder read and wrote."""

    build_id: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # content path -> digest
    digests: dict[str, str] = field(default_factory=dict)  # key -> digest (see entity_digests)
    environment: str = ""  # digest of generator, theme, templates, settings
    #: page path -> (the keys it read, sorted; the digest of its bytes). A
    #: tuple, not a set: 1.2 million keys at 5,000 pages take a third of
    #: the memory so, and are only ever searched for the few that changed
    records: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # the build's warnings (Diagnostic objects)
    #: what the files looked like when their digests were taken (None: not known)
    stats: FileStats | None = None

    # The digests and records (16.6 MB at N = 5,000) are pickled as one blob,
    # unpickled when first read: the up-to-date check reads neither.

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        heavy = {name: state.pop(name) for name in _LATER if name in state}
        if heavy:  # else still the blob it was loaded with
            state["_later"] = pickle.dumps(heavy, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __getattr__(self, name: str):
        """Only for an attribute not found: the digests or the records of a
        loaded manifest, read for the first time."""
        blob = self.__dict__.pop("_later", None) if name in _LATER else None
        if blob is None:
            raise AttributeError(name)
        self.__dict__.update(pickle.loads(blob))
        return self.__dict__[name]

    def entity_keys(self) -> set[str]:
        """The keys of the entities the last build had."""
        return {k for k in self.digests if ":" not in k}

    @staticmethod
    def path_for(cache_dir: Path, output: Path) -> Path:
        return cache_dir / f"manifest-{_tag(output)}.pickle"

    @staticmethod
    def spare_for(cache_dir: Path, output: Path) -> Path:
        """Where the site an incremental build replaced is kept for the next
        one (``output.Staging``)."""
        return cache_dir / f"spare-{_tag(output)}"

    @staticmethod
    def search_input_for(cache_dir: Path, output: Path) -> Path:
        """Where what Pagefind read of each page is kept for the next build
        (``search.index_site``)."""
        return cache_dir / f"search-{_tag(output)}"

    @classmethod
    def load(cls, cache_dir: Path, output: Path) -> Manifest | None:
        data = load_pickle(cls.path_for(cache_dir, output))
        return data if isinstance(data, cls) else None

    def save(self, cache_dir: Path, output: Path) -> None:
        atomic_pickle(self.path_for(cache_dir, output), self)


#: What a loaded manifest unpickles only when it is read (see Manifest.__getstate__).
_LATER = ("digests", "records")


# The inputs ---------------------------------------------------------------------

#: How recent a file's last change may be, before the time its status was
#: taken, for its digest to be trusted by status alone: a file changed in the
#: same tick of a coarse clock as the look at it could change again unseen.
RACY_NS = 2_000_000_000


@dataclass
class FileStats:
    """Each content file's status (inode, size, modification and change
    times, in nanoseconds) with its digest, as git's index keeps them: a file
    whose status is the same is not read again to know its digest. Its change
    time (``st_ctime``) moves with every write and every change of the other
    times, and cannot be set back; a file whose change time is within
    :data:`RACY_NS` of ``taken`` is read again ("racily clean" in git)."""

    taken: int  # time.time_ns() just before the files were looked at
    files: dict[str, tuple[int, int, int, int, str]] = field(default_factory=dict)

    def digest(self, path: str, st: os.stat_result) -> str | None:
        """The digest of ``path`` if its status says it is unchanged."""
        known = self.files.get(path)
        if known is None or known[:4] != (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns):
            return None
        if max(st.st_ctime_ns, st.st_mtime_ns) >= self.taken - RACY_NS:
            return None
        return known[4]



def environment_digest(project: Project) -> str:
    """Everything besides content that shapes the output."""
    theme = theme_folder(project.root)
    files = [p for p in theme.rglob("*") if p.is_file()]
    parts = [generator_version(), digest_files(files, theme), project.site_url or "", project.schema.name]
    own = theme_overrides(project.root)
    if own is not None:  # the site's own templates and static files
        parts.append("own:" + digest_files([p for p in own.rglob("*") if p.is_file()], own))
    if project.settings_file:
        parts.append(digest_files([project.settings_file], project.root))
    data = maps.find_data_path(project.root)
    if data is not None:  # the borders the maps draw
        parts.append("maps:" + digest_files([data], data.parent))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def input_digests(project: Project, known: FileStats | None = None, seen: FileStats | None = None) -> dict[str, str] | None:
    """Digest of every file under content/, cheaply, for the up-to-date check;
    None when only a full build can judge (it then reports what it finds).
    A file whose status ``known`` (the last build's) says is unchanged is not
    read; ``seen`` receives every file's status and digest."""
    out = {}
    failed: list[OSError] = []
    if seen is not None:
        seen.taken, seen.files = time.time_ns(), {}
    for dirpath, dirnames, filenames in os.walk(project.content, onerror=failed.append):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith(".") or name.endswith("~"):
                continue
            p = Path(dirpath) / name
            try:
                st = os.lstat(p)
            except OSError:
                return None
            # Anything but a plain file of bounded size (a symlink, a pipe, a
            # device, a huge file) is for the full build to judge and report:
            # never read it here.
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                return None
            if not name.endswith(".md"):
                continue  # load_site reads only Markdown; the rest is a warning it repeats
            rel = relpath(p, project.root)
            digest = known.digest(rel, st) if known is not None else None
            if digest is None:
                try:
                    digest = hashlib.sha256(p.read_bytes()).hexdigest()
                except OSError:
                    return None
            out[rel] = digest
            if seen is not None:
                seen.files[rel] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, digest)
    if failed:  # a folder that cannot be read: the full build reports it
        return None
    # a commit changes the pages' history even when no file changed
    out["git:state"] = git_state(project)
    return out


def git_state(project: Project) -> str:
    """The commit checked out and what has changed since, cheaply: two git
    calls (no repository: '')."""
    from .history import _git

    head = _git(project.root, "rev-parse", "HEAD")
    if head is None:
        return ""
    status = _git(project.root, "status", "--porcelain=v1", "--untracked-files=all", "--", str(project.content)) or ""
    return _sha(head + status)


def _output_intact(project: Project, manifest: Manifest) -> bool:
    """Whether the output folder is the one ``manifest`` describes."""
    from .output import MARKER

    try:
        marker = json.loads((project.output / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("build") == manifest.build_id


def up_to_date(project: Project, manifest: Manifest, environment: str, found: dict[str, str] | None = None, seen: FileStats | None = None) -> bool:
    """Nothing to do: the same inputs, environment and output as last time.
    ``found`` receives the digests of the inputs (for the build that follows),
    ``seen`` the files' status (for its manifest): a file whose status is the
    one the manifest holds is not read."""
    digests = input_digests(project, manifest.stats if isinstance(manifest.stats, FileStats) else None, seen)
    if found is not None and digests is not None:
        found.update(digests)
    return digests == manifest.inputs and environment == manifest.environment and _output_intact(project, manifest)


def usable(project: Project, manifest: Manifest | None, environment: str) -> Manifest | None:
    """The manifest an incremental build may start from: built in the same
    environment into the output folder as it still is; else None."""
    if manifest is None or manifest.environment != environment or not project.output.is_dir() or not _output_intact(project, manifest):
        return None
    return manifest


def report_renames(previous: Manifest, inputs: dict[str, str], resolved: Resolved, diags) -> None:
    """A file whose bytes were another file's in the last build was renamed:
    unless the page lists the old slug in ``former_slugs``, its old address
    breaks, so say so (a warning: an error under --strict)."""
    gone = {digest: path for path, digest in previous.inputs.items() if path not in inputs}
    by_path = {e.path: e for e in resolved.site}
    for path, digest in sorted(inputs.items()):
        if path in previous.inputs or digest not in gone or path not in by_path:
            continue
        e = by_path[path]
        old = Path(gone[digest])
        old_key = f"{old.parent.name}/{old.stem}"
        if old_key in resolved.moved or old_key == e.key:
            continue
        written = old.stem if old.parent.name == Path(path).parent.name else old_key
        diags.warning(
            e.path, 1, 1, "renamed",
            f"this file was {gone[digest]} in the last build: its old address will break",
            f"add former_slugs: [{written}] so that links and bookmarks to it keep working",
        )


def build_id(inputs: dict[str, str], environment: str) -> str:
    return hashlib.sha256(repr((sorted(inputs.items()), environment)).encode()).hexdigest()[:16]


# What pages depend on --------------------------------------------------------------


def face_digest(e) -> str:
    """Everything of an entity but its body."""
    return _sha(repr((e.kind, e.slug, sorted(e.data.items(), key=lambda kv: kv[0]))))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def entity_digests(resolved: Resolved, files: dict[str, str]) -> dict[str, str]:
    """A digest for every key a page can note (see ``deps``), which changes
    when what the key stands for does:

    - ``<key>``: the entity's file (its body above all);
    - ``face:<key>``: its fields, what pages linking to it show;
    - ``links:<key>``: the keys of everything its body and fields refer to;
    - ``said:<key>``: what its body says of other pages (the sentences
      their backlinks and "Cited by" quote: ``resolve.mentions_digest``);
    - ``kinds:<kind>``: the set of entities of a kind;
    - ``name:<folded>``: the entities claiming a name;
    - ``inputs:network``: every entity's fields and references, all the
      network is made from (``NETWORK_INPUTS``; no page notes it: the network
      is kept in the content cache under it). The network's shape
      (``deps.SHAPE``) is added from the network itself (``pipeline``).
    """
    out: dict[str, str] = {}
    dataset = hashlib.sha256()
    by_kind: dict[str, list[str]] = {}
    with deps.untracked():
        for key in sorted(resolved.entities):
            e = resolved.entities[key].entity
            face = face_digest(e)
            refs = "\n".join(sorted(outgoing(resolved, key)))
            out[deps.body(key)] = files.get(e.path, "")
            out[deps.face(key)] = face
            out[deps.links(key)] = _sha(refs)
            out[deps.said(key)] = resolved.entities[key].said_digest
            by_kind.setdefault(e.kind, []).append(key)
            dataset.update(f"{key}\0{face}\0{refs}\0".encode())
        for kind in resolved.site.schema.kinds:
            out[deps.kinds(kind)] = _sha("\n".join(by_kind.get(kind, [])))
        history = resolved.history
        out["history:edition"] = _sha(history.tag)
        for key, r in resolved.entities.items():
            path = r.entity.path
            out[deps.history(key)] = _sha(repr((history.of(path), path in history.dirty, history.available)))
        for folded, claimants in resolved.names.items():
            out[deps.name(folded)] = _sha("\n".join(sorted(c.key for c in claimants)))
    out[NETWORK_INPUTS] = dataset.hexdigest()
    return out


#: The key of the digest of all the site's network is made from.
NETWORK_INPUTS = "inputs:network"


def shared_keys(digests: dict[str, str], previous: Manifest | None) -> dict[str, str]:
    """``digests`` keyed by the previous manifest's own strings where it has
    the key. The records of the pages not rendered again hold those strings,
    and the pages rendered now take theirs from here (``render.write_site``):
    so the manifest keeps one string a key, build after build."""
    if previous is None:
        return digests
    old = {k: k for k in previous.digests}
    return {old.get(k, k): v for k, v in digests.items()}


def changed_keys(previous: Manifest, digests: dict[str, str]) -> set[str]:
    keys = set(digests) | set(previous.digests)
    return {k for k in keys if digests.get(k) != previous.digests.get(k)}


def outgoing(resolved: Resolved, key: str) -> frozenset[str]:
    """Keys of every other entity that entity ``key`` refers to, today, by
    its body or its fields (as ``resolve.Said`` indexed them)."""
    return resolved.said.refers.get(key, frozenset()) if resolved.said is not None else frozenset()


def select_pages(
    pages: list[Page],
    resolved: Resolved,
    previous: Manifest | None,
    digests: dict[str, str],
    reasons: dict[str, str] | None = None,
) -> list[Page]:
    """The pages an incremental build renders (all of them without ``previous``):
    the new ones, those whose recorded keys changed, and the pages of the
    entities referred to by an entity whose references changed (it may give
    them a backlink or a derived relation they did not read before).

    ``reasons``, when given, is filled with why each selected page is
    rendered (page path -> a phrase naming the input that changed)."""
    if previous is None:
        if reasons is not None:
            reasons.update((p.path, "no usable previous build (first build, --clean, or the theme, settings or generator changed)") for p in pages)
        return list(pages)
    changed = changed_keys(previous, digests)
    if not changed:
        selected = [p for p in pages if p.path not in previous.records]
        if reasons is not None:
            reasons.update((p.path, "a new page") for p in selected)
        return selected
    # a page that read nothing of a changed entity may still gain from it a
    # backlink, a "Cited by" or a derived relation: only if what the entity
    # refers to changed (new, removed, or its links or fields name others)
    touched: dict[str, str] = {}  # entity key -> the changed entity that touches it
    for entity in sorted(k.removeprefix("links:") for k in changed if k.startswith("links:")):
        touched.setdefault(entity, entity)
        for other in sorted(outgoing(resolved, entity)):
            touched.setdefault(other, entity)
    selected = []
    for p in pages:
        before = previous.records.get(p.path)
        hit = changed.intersection(before[0]) if before is not None else set()
        if before is None or (p.key is not None and p.key in touched) or hit:
            selected.append(p)
            if reasons is not None:
                if before is None:
                    reasons[p.path] = "a new page"
                elif hit:
                    reasons[p.path] = "; ".join(describe_key(k, resolved, previous) for k in sorted(hit)[:3]) + (f" (and {len(hit) - 3} more)" if len(hit) > 3 else "")
                else:
                    by = touched[p.key]
                    reasons[p.path] = f"{_file_of(by, resolved, previous)} changed and refers to this page (a backlink or derived relation)"
    return selected


def _file_of(key: str, resolved: Resolved, previous: Manifest | None = None) -> str:
    """The content file of an entity (as it is, or as it was)."""
    page = resolved.entities.get(key)
    if page is not None:
        return page.entity.path
    if key == "index" and resolved.site.home is not None:
        return resolved.site.home.path
    return f"{key} (removed)"


def describe_key(key: str, resolved: Resolved, previous: Manifest | None = None) -> str:
    """What changed, in words, for a key of :func:`entity_digests`."""
    kind, sep, rest = key.partition(":")
    if not sep:
        return f"the text of {_file_of(key, resolved, previous)} changed"
    if kind == "face":
        return f"the fields of {_file_of(rest, resolved, previous)} changed"
    if kind == "links":
        return f"what {_file_of(rest, resolved, previous)} links to changed"
    if kind == "said":
        return f"what {_file_of(rest, resolved, previous)} says of other pages changed"
    if kind == "kinds":
        return f"a {rest} was added or removed"
    if kind == "name":
        return f"who is called {rest!r} changed"
    if kind == "history":
        return "the edition changed" if rest == "edition" else f"the git history of {_file_of(rest, resolved, previous)} changed"
    if key == deps.SHAPE:
        return "the network's shape changed"
    return f"{key} changed"
