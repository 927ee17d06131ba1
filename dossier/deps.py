"""Dependencies recorded where the data is read.

While a page is rendered (:func:`recording`), the accessors of the model note
the key of everything they hand out: an entity's fields note ``face:<key>``,
its rendered body ``<key>``, its links ``links:<key>``, the list of a kind's
entities ``kinds:<kind>``, a name lookup ``name:<folded name>``. The page's
record in the manifest is the set of keys it noted; an incremental build
renders it again when the digest of one of them changes (see
``incremental.entity_digests``). A new view cannot forget a dependency: it
can only read data through the accessors (Lektor's ``record_dependency`` and
Sphinx's ``note_dependency``, called by the accessor instead of the view).

Outside a recording, noting costs one global check.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator

__all__ = ["note", "note_all", "recording", "untracked", "Memo", "face", "body", "links", "kinds", "name", "history"]

#: the keys the page being rendered has read, or None outside a recording
reading: set[str] | None = None

#: The key of the network's shape: its nodes and edges (``network.structure``),
#: which a capped neighbourhood's choice of nodes depends on.
SHAPE = "shape:network"


def face(key: str) -> str:
    """The key of an entity's fields (title, dates, summary, relations)."""
    return sys.intern("face:" + key)


def body(key: str) -> str:
    """The key of an entity's body (its text, sections, sentences)."""
    return sys.intern(key)


def said(key: str) -> str:
    """The key of what an entity's body says of other pages: the sentences
    their backlinks and "Cited by" quote (``resolve.Mentions``)."""
    return sys.intern("said:" + key)


def links(key: str) -> str:
    """The key of what an entity's body and fields refer to."""
    return sys.intern("links:" + key)


def kinds(kind: str) -> str:
    """The key of the set of entities of one kind."""
    return sys.intern("kinds:" + kind)


def history(key: str) -> str:
    """The key of an entity's file history (its commits)."""
    return sys.intern("history:" + key)


def name(folded: str) -> str:
    """The key of the entities a (folded) name leads to."""
    return sys.intern("name:" + folded)


def note(key: str) -> None:
    if reading is not None:
        reading.add(key)


def note_all(keys: Iterable[str]) -> None:
    if reading is not None:
        reading.update(keys)


@contextlib.contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the keys read inside the block; they also count for an
    enclosing recording."""
    global reading
    outer = reading
    reading = set()
    try:
        yield reading
    finally:
        inner, reading = reading, outer
        if outer is not None:
            outer |= inner


@contextlib.contextmanager
def untracked() -> Iterator[None]:
    """Read without noting (a value shared by many pages, whose accessor
    notes precisely what each page takes of it)."""
    global reading
    outer, reading = reading, None
    try:
        yield
    finally:
        reading = outer


class Memo:
    """Values made once per build and shared by many pages (a source's
    bibliography entry, a link preview, the network).

    :meth:`once` remembers what making the value read and notes it again at
    every use, so a page that takes the value depends on what it came from.
    :meth:`shared` makes the value without noting anything: for a value so
    wide (the whole network) that its accessor notes what each page takes
    of it instead.
    """

    def __init__(self) -> None:
        self._values: dict[tuple, tuple[object, frozenset[str]]] = {}

    def once(self, key: tuple, make):
        hit = self._values.get(key)
        if hit is None:
            with recording() as read:
                value = make()
            hit = self._values[key] = (value, frozenset(read))
        note_all(hit[1])
        return hit[0]

    def give(self, key: tuple, value) -> None:
        """Hand in the value of a :meth:`shared` key made elsewhere (kept
        from an earlier build)."""
        self._values[key] = (value, frozenset())

    def made(self, key: tuple):
        """The value of ``key`` if it was made or given, else None."""
        hit = self._values.get(key)
        return hit[0] if hit is not None else None

    def shared(self, key: tuple, make):
        hit = self._values.get(key)
        if hit is None:
            with untracked():
                hit = self._values[key] = (make(), frozenset())
        return hit[0]
