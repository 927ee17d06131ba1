"""The content model: entities read from files, validated against the schema.

``load_site(content_dir)`` discovers every file, parses it, converts its
fields by the declared schema and returns a :class:`Site` plus diagnostics.
Nothing here resolves references between entities (see ``resolve.py``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import deps, romanize
from .diagnostics import Diagnostic, Diagnostics, Severity
from .frontmatter import Document, parse_document
from .schema import CONTENT_TYPES, HOME, SCHEMA, ContentType, Reference, Schema, convert_fields
from .text import fold, is_slug

__all__ = ["Entity", "Site", "load_site", "discover", "entity_from_document", "URL_PREFIX"]

#: URL folder of each type: /people/<slug>/ …
URL_PREFIX = {name: t.folder for name, t in CONTENT_TYPES.items()}

#: Files larger than this are refused with a diagnostic (a 10 MB body builds).
MAX_FILE_BYTES = 16 * 1024 * 1024


#: Where an entity keeps the references in its fields (``Site.references``).
_REFERENCES = "_references"


@dataclass
class Entity:
    """One page's worth of validated content.

    Read its fields through :attr:`fields` (or :meth:`get`, :attr:`title` …):
    while a page is rendered, that notes the dependency (see ``deps``).
    """

    kind: str  # person | group | event | source | article | home
    slug: str
    path: str  # as shown in diagnostics
    data: dict[str, Any]  # the validated fields
    body: str
    doc: Document

    def __getstate__(self) -> dict[str, Any]:
        # what a build found in the fields is not kept with them in the cache
        state = dict(self.__dict__)
        state.pop(_REFERENCES, None)
        return state

    @functools.cached_property
    def key(self) -> str:
        """``people/lev-sedov``: unique across types (read a quarter of a
        million times per thousand pages: computed once)."""
        return f"{URL_PREFIX.get(self.kind, '')}/{self.slug}".strip("/")

    @functools.cached_property
    def face_key(self) -> str:
        return deps.face(self.key)

    @property
    def fields(self) -> dict[str, Any]:
        if deps.reading is not None:
            deps.reading.add(self.face_key)
        return self.data

    @property
    def title(self) -> str:
        return self.fields.get("title") or self.slug

    @property
    def url(self) -> str:
        """Site-relative URL of the page: ``people/lev-sedov/``."""
        return f"{self.key}/" if self.kind != "home" else ""

    @property
    def aliases(self) -> list[str]:
        return list(self.fields.get("aliases", []))

    @property
    def names(self) -> list[str]:
        """Every name a link may use: slug, title, aliases, native name."""
        fields = self.fields
        names = [self.slug, fields.get("title") or self.slug, *fields.get("aliases", [])]
        if fields.get("native_name"):
            names.append(fields["native_name"])
        names += [n["name"] for n in fields.get("names", ())]  # a place's names over time
        return names

    @functools.cached_property
    def body_digest(self) -> bytes:
        """The SHA-256 of the body: the key of its rendering in the content
        cache and what a resolution of it, or of a link to its sections, is
        kept by. It notes no dependency (a page reads ``ResolvedEntity.rendered``)."""
        return hashlib.sha256(self.body.encode("utf-8")).digest()

    @functools.cached_property
    def folded_names(self) -> tuple[str, ...]:
        """:attr:`names` folded for matching (``text.fold``), each once, in
        order: for the site's index of names, which folding is most of. Kept
        with the entity in the content cache; it notes no dependency, so a
        page reads :attr:`names` instead."""
        out: list[str] = []
        for name in self.names:
            f = fold(name)
            if f and f not in out:
                out.append(f)
        return tuple(out)

    @property
    def variants(self) -> tuple[romanize.Variant, ...]:
        """Spellings generated from the native name (``romanize``): for search,
        links and "did you mean", never typed by an editor."""
        return romanize.variants(self.fields.get("native_name"), self.fields.get("native_lang"))

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def mark(self, *keypath: Any, key: bool = False) -> tuple[int, int]:
        return self.doc.mark(keypath, key=key)

    def __repr__(self) -> str:
        return f"<Entity {self.key}>"


@dataclass
class Site:
    """Every entity of a site by key, the home page, and the schema they were
    validated against."""

    entities: dict[str, Entity] = field(default_factory=dict)  # key -> entity
    home: Entity | None = None
    schema: Schema = SCHEMA
    #: (entity count, entities in key order, the same by kind): recomputed
    #: when the set changes
    _order: tuple | None = field(default=None, repr=False, compare=False)
    _places: tuple | None = field(default=None, repr=False, compare=False)

    def __iter__(self) -> Iterator[Entity]:
        """Every entity, in key order (noted: an entity may be added or removed)."""
        if deps.reading is not None:
            deps.reading.update(deps.kinds(k) for k in self.schema.kinds)
        return iter(self._sorted()[0])

    def _sorted(self) -> tuple[list[Entity], dict[str, list[Entity]]]:
        if self._order is None or self._order[0] != len(self.entities):
            ordered = [self.entities[k] for k in sorted(self.entities)]
            by_kind: dict[str, list[Entity]] = {}
            for e in ordered:
                by_kind.setdefault(e.kind, []).append(e)
            self._order = (len(self.entities), ordered, by_kind)
        return self._order[1], self._order[2]

    def of_kind(self, kind: str) -> list[Entity]:
        deps.note(deps.kinds(kind))
        return list(self._sorted()[1].get(kind, []))

    def get(self, kind: str, slug: str) -> Entity | None:
        return self.entities.get(f"{URL_PREFIX[kind]}/{slug}")

    def place_named(self, text: str) -> Entity | None:
        """The one place whose slug, title, alias, native name or former name
        is ``text`` (folded), or None (none, or more than one)."""
        f = fold(text)
        deps.note(deps.name(f))
        if self._places is None or self._places[0] != len(self.entities):
            index: dict[str, list[Entity]] = {}
            for e in self._sorted()[1].get("place", []):
                for n in dict.fromkeys(fold(n) for n in e.names):
                    index.setdefault(n, []).append(e)
            self._places = (len(self.entities), index)
        found = self._places[1].get(f, [])
        return found[0] if len(found) == 1 else None

    def find(self, slug: str, kinds: tuple[str, ...]) -> Entity | None:
        """The entity a reference names: the first of ``kinds`` with that slug."""
        for kind in kinds:
            e = self.entities.get(f"{URL_PREFIX[kind]}/{slug}")
            if e is not None:
                return e
        return None

    def by_slug(self, slug: str) -> list[Entity]:
        return [e for e in self if e.slug == slug]

    def references(self, e: Entity) -> Iterator[Reference]:
        """Every reference in ``e``'s fields (see :meth:`Schema.references`)."""
        return iter(self._references(e))

    def _references(self, e: Entity) -> tuple[Reference, ...]:
        # found once per entity and build: every stage asks for them (26
        # times an entity at 5,000 pages), and they follow from its fields
        if deps.reading is not None:
            deps.reading.add(e.face_key)
        found = e.__dict__.get(_REFERENCES)
        if found is None:
            found = e.__dict__[_REFERENCES] = tuple(self.schema.references(e.kind, e.data))
        return found

    def targets(self, e: Entity) -> Iterator[tuple[Reference, Entity]]:
        """Every reference in ``e``'s fields that names another entity, with it."""
        for _i, ref, target in self.numbered_targets(e):
            yield ref, target

    def numbered_targets(self, e: Entity) -> Iterator[tuple[int, Reference, Entity]]:
        """:meth:`targets`, each with its reference's place among
        :meth:`references` (which :meth:`reference` gives back)."""
        for i, ref in enumerate(self._references(e)):
            target = self.find(ref.slug, ref.kinds)
            if target is None and ref.loose:
                target = self.place_named(ref.slug)
            if target is not None and target is not e:
                yield i, ref, target

    def reference(self, e: Entity, i: int) -> Reference:
        """The ``i``-th of ``e``'s references (see :meth:`numbered_targets`)."""
        return self._references(e)[i]

    def span(self, e: Entity) -> tuple[Any, Any]:
        return self.schema.span(e.kind, e.fields)

    def span_text(self, e: Entity, header: bool = False) -> str:
        return self.schema.span_text(e.kind, e.fields, header)


def discover(content_dir: Path, diags: Diagnostics, root: Path, schema: Schema = SCHEMA) -> list[tuple[Path, str | None]]:
    """Every content file, with its type name (None for the home page).

    Unexpected files are diagnostics, never silently skipped: a Markdown file
    outside the type folders, a file name that is not a slug, a symlink out of
    the content folder.
    """
    found: list[tuple[Path, str | None]] = []
    content_real = content_dir.resolve()

    def rel(p: Path) -> str:
        from .diagnostics import relpath

        return relpath(p, root)

    def unreadable(exc: OSError) -> None:
        # os.walk would skip the folder silently, and its pages vanish from the site
        where = Path(exc.filename) if exc.filename else content_dir
        diags.error(rel(where), 1, 1, "unreadable", f"cannot read the folder: {exc.strerror or exc}")

    for dirpath, dirnames, filenames in os.walk(content_dir, onerror=unreadable, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        for d in list(dirnames):
            p = here / d
            try:
                is_link = stat.S_ISLNK(os.lstat(p).st_mode)
            except OSError as exc:
                diags.error(rel(p), 1, 1, "unreadable", f"cannot read the folder: {exc.strerror or exc}")
                dirnames.remove(d)
                continue
            if is_link:
                # os.walk does not enter a linked folder: say why its pages are not read
                target = _link_target(p)
                if target is None:
                    diags.error(rel(p), 1, 1, "symlink", "the folder is a link that loops back on itself")
                elif target != content_real and content_real not in target.parents:
                    diags.error(rel(p), 1, 1, "symlink", f"the folder is a link to {target}, outside the content folder")
                else:
                    diags.error(rel(p), 1, 1, "symlink", f"the folder is a link to {target}: its files would be read twice or not at all", "move the folder here instead of linking to it")
                dirnames.remove(d)
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith("~"):
                continue  # editor swap files, .DS_Store
            p = here / name
            shown = rel(p)
            try:
                is_link = stat.S_ISLNK(os.lstat(p).st_mode)
            except OSError as exc:
                diags.error(shown, 1, 1, "unreadable", f"cannot read the file: {exc.strerror or exc}")
                continue
            if is_link:
                target = _link_target(p)
                if target is None:
                    diags.error(shown, 1, 1, "symlink", "the file is a link that loops back on itself")
                    continue
                if content_real not in target.parents:
                    diags.error(shown, 1, 1, "symlink", f"the file is a link to {target}, outside the content folder")
                    continue
            parts = p.relative_to(content_dir).parts
            if not name.endswith(".md"):
                diags.warning(shown, 1, 1, "folder", "not a Markdown file: ignored", "content files end in .md")
                continue
            if len(parts) == 1:
                if name == "index.md":
                    found.append((p, None))
                else:
                    diags.error(shown, 1, 1, "folder", "a content file must be in one of the folders " + ", ".join(sorted(schema.by_folder)), "or be index.md, the home page")
                continue
            ctype = schema.by_folder.get(parts[0])
            if ctype is None or len(parts) != 2:
                where = "a subfolder" if ctype else f"the folder '{parts[0]}'"
                diags.error(shown, 1, 1, "folder", f"content files cannot live in {where}; the type folders are " + ", ".join(sorted(schema.by_folder)))
                continue
            slug = name[:-3]
            if not is_slug(slug) or "\n" in slug:  # (is_slug's "$" would let "evil\n" through)
                from .text import slugify

                diags.error(shown, 1, 1, "file-name", f"the file name '{name}' is not a slug (lowercase ASCII letters, digits and hyphens)", f"rename it to '{slugify(slug) or 'something'}.md'")
                continue
            found.append((p, ctype.name))
    return found


def _link_target(p: Path) -> Path | None:
    """Where a symbolic link leads; None for a loop (a -> b -> a)."""
    try:
        return p.resolve()
    except (RuntimeError, OSError):  # "Symlink loop", ELOOP
        return None


def entity_from_document(doc: Document, kind: str | None, slug: str, schema: Schema = SCHEMA) -> tuple[Entity | None, list[Diagnostic]]:
    """Validate a parsed document against its type's schema."""
    ctype: ContentType = schema[kind] if kind else HOME
    out: list[Diagnostic] = list(doc.diagnostics)
    if any(d.is_error for d in doc.diagnostics) and not doc.meta:
        return None, out
    values, errors = convert_fields(ctype, doc.meta)
    for err in errors:
        line, col = doc.mark(err.keypath, key=err.code == "unknown-field")
        out.append(Diagnostic(doc.path, line, col, err.code, err.message, severity=Severity.WARNING if getattr(err, "warning", False) else Severity.ERROR))
    declared = doc.meta.get("type")
    if kind and isinstance(declared, str) and declared != kind and "type" in values:
        line, col = doc.mark(("type",))
        out.append(Diagnostic(doc.path, line, col, "type-mismatch", f"'type' says {declared} but the file is in {ctype.folder}/, which holds {kind}s"))
    if "title" not in values:
        return None, out
    # what the front matter said is the entity's data now: the values as
    # written are not kept beside it (a fifth of an entity's memory)
    doc.meta = {}
    return Entity(kind or "home", slug, doc.path, values, doc.body, doc), out


def load_site(
    content_dir: Path,
    root: Path,
    diags: Diagnostics,
    cache=None,
    digests: dict[str, str] | None = None,
    schema: Schema = SCHEMA,
    known: dict[str, str] | None = None,
) -> Site:
    """Discover, parse and validate every file under ``content_dir`` against ``schema``.

    ``cache`` (a :class:`~dossier.cache.ContentCache`) skips files whose bytes
    were seen before; ``digests`` receives each file's SHA-256. ``known``
    gives the digests the build found a moment before (the up-to-date
    check): a file the cache holds by that digest is not read again.
    """
    import hashlib

    from .diagnostics import relpath

    site = Site(schema=schema)
    for path, kind in discover(content_dir, diags, root, schema):
        shown = relpath(path, root)
        slug = path.stem if kind else "index"
        digest = known.get(shown) if known else None
        hit = cache.get(_doc_row(digest, kind, shown, schema)) if digest and cache is not None else None
        if hit is None:
            raw = _read(path, shown, diags)
            if raw is None:
                continue
            digest = hashlib.sha256(raw).hexdigest()
            ckey = _doc_row(digest, kind, shown, schema)
            hit = cache.get(ckey) if cache is not None else None
            if hit is None:
                doc = parse_document(shown, raw)
                hit = entity_from_document(doc, kind, slug, schema)
                doc.pack()  # validated: its marks held as the cache would give them
                if cache is not None:
                    cache.put(ckey, hit)
        if digests is not None:
            digests[shown] = digest
        entity, found = hit
        diags.extend(found)
        if entity is None:
            continue
        if kind is None:
            site.home = entity
            continue
        site.entities[entity.key] = entity
    return site


def _doc_row(digest: str, kind: str | None, shown: str, schema: Schema) -> str:
    """The content cache's row of a file's validated entity."""
    return f"doc:{digest}:{kind}:{shown}:{schema.name}"


def _read(path: Path, shown: str, diags: Diagnostics) -> bytes | None:
    """A content file's bytes, or None with the reason in ``diags``."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a named pipe would block the read forever
            diags.error(shown, 1, 1, "unreadable", "not a regular file (a named pipe, socket or device): it cannot be read as content")
            return None
        size = st.st_size
        if size > MAX_FILE_BYTES:
            diags.error(shown, 1, 1, "too-large", f"the file is {size} bytes; the limit is {MAX_FILE_BYTES}")
            return None
        return path.read_bytes()
    except OSError as exc:
        diags.error(shown, 1, 1, "unreadable", f"cannot read the file: {exc.strerror or exc}")
        return None


def index_variants(site: Site, names: dict[str, list[Entity]]) -> dict[str, list[Entity]]:
    """Folded generated spelling -> the entities it was generated for, where it
    is not already one of their own names (``names``)."""
    index: dict[str, list[Entity]] = {}
    for e in site:
        for v in e.variants:
            f = fold(v.text)
            if f and e not in names.get(f, ()) and e not in index.get(f, ()):
                index.setdefault(f, []).append(e)
    return index


def index_names(site: Site) -> dict[str, list[Entity]]:
    """Folded name -> entities that claim it (more than one: ambiguous)."""
    index: dict[str, list[Entity]] = {}
    for e in site:
        for f in e.folded_names:
            index.setdefault(f, []).append(e)
    return index
