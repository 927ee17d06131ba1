"""The devserver's fast path: show an edited page before the site is rebuilt.

When an editor saves a body (the front matter unchanged), the page they are
looking at depends on little besides that body: its links resolve against
the names of the last build, and what other pages say about it (backlinks,
derived relations, "Cited by") is unchanged. :func:`preview_edits` renders
just those pages from the last build's resolved site and writes them into the
served folder, so that the browser reloads within a fraction of a second
(Hugo's "fast render mode" does the same). The serve loop then runs the full
incremental build, which rewrites every page the edit touches (backlinks on
other pages, the search bundle aside) and replaces the previews with
byte-exact pages; if that build fails, :class:`Preview.restore` puts the last
good pages back.

Anything else (a new or deleted file, a changed front matter, a template or
settings change, a body with a broken link or too much work) returns
``None``: the full build handles it, with its diagnostics. Plain Python: no
Pelican (the Jinja environment is the one the last build rendered with).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics, relpath
from .frontmatter import parse_document
from .incremental import face_digest
from .markup import render_markdown
from .model import MAX_FILE_BYTES, entity_from_document
from .render import Renderer, render_page
from .resolve import Resolved, ResolvedEntity, resolve_body
from .views import entity_page

__all__ = ["Preview", "preview_edits"]


@dataclass
class Preview:
    """Pages written ahead of a build, and what they replaced."""

    output: Path
    written: dict[str, bytes] = field(default_factory=dict)  # path -> new bytes
    before: dict[str, bytes | None] = field(default_factory=dict)  # path -> old bytes

    def matches(self) -> bool:
        """True when the served pages are still the previews' bytes (the
        full build found nothing to change in them)."""
        for path, data in self.written.items():
            try:
                if (self.output / path).read_bytes() != data:
                    return False
            except OSError:
                return False
        return True

    def restore(self) -> None:
        """Put back the pages the preview replaced (the full build failed)."""
        for path, data in self.before.items():
            target = self.output / path
            if data is None:
                target.unlink(missing_ok=True)
            else:
                _write(target, data)


def preview_edits(
    changed: Iterable[str | Path],
    resolved: Resolved,
    renderer: Renderer,
    content: Path,
    root: Path,
    output: Path,
) -> Preview | None:
    """Render and write the pages of edited bodies; None when the change is
    not one the fast path can show exactly enough (see the module doc)."""
    by_path = {e.path: e for e in list(resolved.site) + ([resolved.site.home] if resolved.site.home else [])}
    edits = []
    for raw_path in changed:
        path = Path(raw_path)
        shown = relpath(path, root)
        old = by_path.get(shown)
        if old is None or path.suffix != ".md" or not path.is_file() or path.is_symlink():
            return None
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        parts = path.relative_to(content).parts
        folders = resolved.site.schema.by_folder
        kind = folders[parts[0]].name if len(parts) == 2 and parts[0] in folders else None
        if (kind or "home") != old.kind:
            return None
        doc = parse_document(shown, data)
        new, found = entity_from_document(doc, kind, path.stem if kind else "index", resolved.site.schema)
        if new is None or found or face_digest(new) != face_digest(old):
            return None
        edits.append((old, new))
    if not edits:
        return None

    entities = dict(resolved.entities)
    # the values made for the last build (the network among them: mentions
    # may lag until the full build)
    ahead = Resolved(resolved.site, entities, resolved.names, resolved.memo)
    diags = Diagnostics()
    for old, new in edits:
        rendered = render_markdown(new.body)
        if getattr(rendered, "problems", None):
            return None
        was = resolved.of(old)
        entities[old.key] = ResolvedEntity(new, rendered, [], was.backlinks, was.derived, was.cited_by, was.positions, was.referenced_by)
        resolve_body(ahead, new, diags)
    if diags.items:
        return None  # a broken link: the full build reports it

    preview = Preview(output)
    for _old, new in edits:
        page = entity_page(ahead, new, renderer.options)
        html, _deps = render_page(page, renderer.env, renderer.context)
        target = output / page.path
        try:
            preview.before[page.path] = target.read_bytes()
        except OSError:
            preview.before[page.path] = None
        data = html.encode("utf-8")
        _write(target, data)
        preview.written[page.path] = data
    return preview


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.preview")
    try:
        with open(tmp, "wb") as fh:  # the mode a build gives its files (umask)
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:  # a full disk: no stray file left in the served site
        tmp.unlink(missing_ok=True)
        raise
