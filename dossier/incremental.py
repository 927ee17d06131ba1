"""Which pages an incremental build must render, and how pages are written.

A page is rendered again when any entity it read last time changed, when it
is new, or when a changed entity now refers to it (so it may gain a backlink
or a derived relation). Everything else is kept from the previous output.
Pages are then written only when their bytes differ, so the incremental
result is byte-identical to a clean build's (tests/test_incremental.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from .cache import Manifest
from .resolve import CiteGroup, Link, Resolved
from .views import Page

__all__ = ["select_pages", "changed_keys", "outgoing", "RenderResult"]


@dataclass
class RenderResult:
    rendered: int = 0
    written: int = 0
    pages: dict[str, tuple[frozenset, str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # pages written or removed by this build
    renderer: Any = None  # (Jinja environment, base context) the pages were rendered with


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


def select_pages(pages: list[Page], resolved: Resolved, previous: Manifest | None, entities: dict[str, str]) -> list[Page]:
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
        if (
            before is None
            or (p.key is not None and p.key in touched)
            or (before[0] & changed)
            or (p.static_deps is not None and p.static_deps & changed)
        ):
            selected.append(p)
    return selected


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
