"""Incremental state: everything a build knows of the last one, in one place.

A build into an output folder leaves a :class:`Manifest`: the digest of every
input file, a digest of everything each page may depend on (the *keys*, see
:func:`entity_digests`), the environment (generator, theme, settings), and per
output page the keys it read while it was rendered and the digest of its
bytes. The next build

- skips everything when no input and no part of the environment changed and
  the output is the one the manifest describes (:func:`up_to_date`);
- otherwise reads and resolves the site, computes the keys again and renders
  only the pages whose recorded keys changed, the new pages, and the pages a
  changed entity now refers to (it may give them a backlink or a derived
  relation: :func:`select_pages`);
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import atomic_pickle, digest_files, generator_version
from .diagnostics import relpath
from .model import MAX_FILE_BYTES
from .project import Project, theme_folder
from .resolve import CiteGroup, Link, Resolved

if TYPE_CHECKING:
    from .views import Page

__all__ = [
    "Manifest",
    "environment_digest",
    "input_digests",
    "entity_digests",
    "up_to_date",
    "build_id",
    "select_pages",
    "changed_keys",
    "outgoing",
    "face_digest",
]


@dataclass
class Manifest:
    """What the last successful build into one output folder read and wrote."""

    build_id: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # content path -> digest
    entities: dict[str, str] = field(default_factory=dict)  # key -> digest (see entity_digests)
    environment: str = ""  # digest of generator, theme, templates, settings
    pages: dict[str, tuple[frozenset, str]] = field(default_factory=dict)  # page path -> (keys read, digest of its bytes)
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
        atomic_pickle(self.path_for(cache_dir, output), self)


# The inputs ---------------------------------------------------------------------


def environment_digest(project: Project) -> str:
    """Everything besides content that shapes the output."""
    theme = theme_folder(project.root)
    files = [p for p in theme.rglob("*") if p.is_file()]
    parts = [generator_version(), digest_files(files, theme), project.site_url or "", project.schema.name]
    if project.settings_file:
        parts.append(digest_files([project.settings_file], project.root))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def input_digests(project: Project) -> dict[str, str] | None:
    """Digest of every file under content/, cheaply, for the up-to-date check;
    None when only a full build can judge (it then reports what it finds)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(project.content):
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
            try:
                out[relpath(p, project.root)] = hashlib.sha256(p.read_bytes()).hexdigest()
            except OSError:
                return None
    return out


def _output_intact(project: Project, manifest: Manifest) -> bool:
    """Whether the output folder is the one ``manifest`` describes."""
    from .output import MARKER

    try:
        marker = json.loads((project.output / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("build") == manifest.build_id


def up_to_date(project: Project, manifest: Manifest, environment: str) -> bool:
    """Nothing to do: the same inputs, environment and output as last time."""
    return input_digests(project) == manifest.inputs and environment == manifest.environment and _output_intact(project, manifest)


def usable(project: Project, manifest: Manifest | None, environment: str) -> Manifest | None:
    """The manifest an incremental build may start from: built in the same
    environment into the output folder as it still is; else None."""
    if manifest is None or manifest.environment != environment or not project.output.is_dir() or not _output_intact(project, manifest):
        return None
    return manifest


def build_id(inputs: dict[str, str], environment: str) -> str:
    return hashlib.sha256(repr((sorted(inputs.items()), environment)).encode()).hexdigest()[:16]


# What pages depend on --------------------------------------------------------------


def face_digest(e) -> str:
    """Everything of an entity but its body."""
    return hashlib.sha256(repr((e.kind, e.slug, sorted(e.fields.items(), key=lambda kv: kv[0]))).encode()).hexdigest()


def entity_digests(resolved: Resolved, files: dict[str, str]) -> dict[str, str]:
    """What pages depend on, each with a digest that changes when it does:

    - each entity key: the digest of its file;
    - ``kinds``: the set of keys (an entity added or removed);
    - ``face:<kind>``: the front matter of every entity of that kind (what
      index pages, the chronology and the debates page show: not bodies);
    - ``dataset``: every entity's fields and outgoing references (the data
      downloads and the network), so that editing prose rebuilds neither.
    """
    out = {}
    faces: dict[str, list[str]] = {}
    dataset = hashlib.sha256()
    for key in sorted(resolved.pages):
        page = resolved.pages[key]
        out[key] = files.get(page.entity.path, "")
        fields = repr(sorted(page.entity.fields.items(), key=lambda kv: kv[0]))
        faces.setdefault(page.entity.kind, []).append(f"{key}\0{fields}")
        dataset.update(f"{key}\0{fields}\0{sorted(outgoing(resolved, key))}\0".encode())
    out["kinds"] = hashlib.sha256("\n".join(sorted(out)).encode()).hexdigest()
    for kind in resolved.site.schema.kinds:
        out[f"face:{kind}"] = hashlib.sha256("\n".join(faces.get(kind, [])).encode()).hexdigest()
    out["dataset"] = dataset.hexdigest()
    return out


def changed_keys(previous: Manifest, entities: dict[str, str]) -> set[str]:
    keys = set(entities) | set(previous.entities)
    return {k for k in keys if entities.get(k) != previous.entities.get(k)}


def outgoing(resolved: Resolved, key: str) -> set[str]:
    """Keys of every entity that entity ``key`` refers to, today."""
    page = resolved.pages.get(key)
    if page is None:
        return set()
    e = page.entity
    out: set[str] = set()
    for ref in page.refs:
        if isinstance(ref, Link) and ref.target is not None:
            out.add(ref.target.key)
        elif isinstance(ref, CiteGroup):
            out.update(f"sources/{c.key}" for c in ref.cites)
    if e.kind != "home":
        for _ref, t in resolved.site.targets(e):
            out.add(t.key)
        for cites in (e.get("field_sources") or {}).values():
            out.update(f"sources/{c.key}" for c in cites)
        for d in e.get("debates", []):
            for pos in d.get("positions", []):
                if pos.get("cite"):
                    out.add(f"sources/{pos['cite'].key}")
        out.update(f"sources/{s}" for s in e.get("sources", []))
    return out


def select_pages(pages: "list[Page]", resolved: Resolved, previous: Manifest | None, entities: dict[str, str]) -> "list[Page]":
    """The pages an incremental build renders (all of them without ``previous``)."""
    if previous is None:
        return list(pages)
    changed = changed_keys(previous, entities)
    if not changed:
        return [p for p in pages if p.path not in previous.pages]
    touched = set(changed)
    for k in changed:
        touched |= outgoing(resolved, k)
    selected = []
    for p in pages:
        before = previous.pages.get(p.path)
        if before is None or (p.key is not None and p.key in touched) or (before[0] & changed) or (p.static_deps is not None and p.static_deps & changed):
            selected.append(p)
    return selected
