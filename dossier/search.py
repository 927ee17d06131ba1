"""Full-text search: Pagefind indexes the finished site (in the staging
folder, before it is swapped in) and writes its bundles into ``pagefind/<n>/``,
one per shard of about a thousand pages (see ``SHARD_PAGES``); the search page
loads the first and merges the others.

Pages mark what is indexed (``data-pagefind-body`` on the main content only),
and the type and summary shown in results (``data-pagefind-meta``; Pagefind's
filter index is not used: it is serialised in a different order on every run).
Pagefind matches words as written; for the other spellings readers type
(diacritics folded, transliterations) the entity page carries a hidden list of
folded names (see ``search_names``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from .diagnostics import DossierError
from .text import fold, transliterate

__all__ = ["index_site", "search_input", "search_names", "shard_count", "shard_of", "shards", "SearchFailed", "SHARD_PAGES"]

BUNDLE = "pagefind"


class SearchFailed(DossierError):
    """Pagefind could not index a shard: the build stops before its swap."""


def search_names(names: list[str], generated: list[str] = ()) -> list[str]:
    """Extra spellings for the index: folded and transliterated forms that
    differ from the names as written ("Grünstein" → "Grunstein",
    "Зиновьев" → "Zinovev", "Zinov'ev" → "Zinovev"), and the ``generated``
    romanisations ("Sinowjew"), which the page does not show, with theirs."""
    out: list[str] = []
    written = {n.casefold() for n in names}
    seen: set[str] = set()
    for name in [*names, *generated]:
        forms = (transliterate(name), fold(name), fold(transliterate(name)))
        if name.casefold() not in written:
            forms = (name, *forms)
        for variant in forms:
            v = " ".join(variant.split())
            key = v.casefold()
            if v and key not in written and key not in seen:
                seen.add(key)
                out.append(v)
    return out


#: Pages per search shard, at most (about). Pagefind's memory grows with the
#: pages it indexes at once (about 0.28 MB a page: 2.7 GB for 9,452), and it
#: cannot update an index: one shard per ~1,000 pages bounds the first, and an
#: incremental build re-indexes only the shards whose pages changed. The
#: search page merges the shards in the browser (Pagefind's ``mergeIndex``).
SHARD_PAGES = 1000


def shard_count(pages: int) -> int:
    return max(1, -(-pages // SHARD_PAGES))


def shard_of(key: str, count: int) -> int:
    """The shard of a page: fixed by its key, so that it stays put."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % count


def shards(keys: list[str]) -> list[int]:
    """The shards that hold pages (one may be empty on a small site)."""
    count = shard_count(len(keys))
    return sorted({shard_of(k, count) for k in keys})


def page_file(key: str) -> str:
    """The output file of an entity page (or of the home page, "index")."""
    return "index.html" if key == "index" else f"{key}/index.html"


_HTML_TAG = re.compile(r"<html\b[^>]*>")
_TITLE = re.compile(r"<title>[^<]*</title>")
_NAME = re.compile(r"<([a-z]+)\b")
_BODY, _IGNORED = " data-pagefind-body", ' data-pagefind-ignore="all"'
#: what could hide a tag from the scan below (a tag's name in a script,
#: a style, a comment): a page with one inside its indexed part goes whole.
#: Tag names are lower case in the templates and in what the sanitizer
#: writes, which drops comments.
_OPAQUE = re.compile(r"<(?:script|style|!--|textarea|!\[CDATA\[|template|noscript|xmp|plaintext|iframe)")


@functools.cache
def _tags_named(name: str) -> re.Pattern:
    return re.compile(rf"<(/?){name}\b[^>]*>")


def _element(html: str, at: int) -> tuple[int, int] | None:
    """Where the element whose start tag holds the attribute at ``at`` begins
    and ends (after its end tag), counting the elements of the same name
    inside it; None if its tags cannot be found."""
    start = html.rfind("<", 0, at)
    name = _NAME.match(html, start) if start >= 0 else None
    if name is None or ">" in html[start:at]:
        return None
    depth = 0
    for tag in _tags_named(name.group(1)).finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start, tag.end()
    return None


def search_input(html: str) -> str | None:
    """What Pagefind reads of a page, and nothing else: its indexed element
    (``data-pagefind-body``) without the parts inside it that Pagefind leaves
    out wholly (``data-pagefind-ignore="all"``: drawings, timelines, "Cite
    this page"), in a page with the original's language and title. An entity
    page is about 50 KB, of which Pagefind reads about 10: given only those,
    it makes the same bytes (tests/test_links.py indexes the real site's whole
    pages to compare) with about 0.73× the processor time, 0.86× with the
    cutting (a shard of 906 pages at N = 5,000, bench/RESULTS.md).

    None when the page is not one whose indexed part can be cut out for sure
    (no such element or more than one, Pagefind's attributes outside it, a
    script or comment inside it): that page is indexed as it is."""
    at = html.find(_BODY)
    if at < 0 or html.count("data-pagefind-body") != 1:
        return None
    body = _element(html, at)
    if body is None or "data-pagefind-" in html[: body[0]] or html.find("data-pagefind-", body[1]) >= 0:
        return None
    start, end = body
    if _OPAQUE.search(html, start, end):
        return None
    parts = []
    at = html.find(_IGNORED, start, end)
    while at >= 0:
        ignored = _element(html, at)
        if ignored is None or ignored[1] > end:
            return None
        parts.append(html[start : ignored[0]])
        start = ignored[1]
        at = html.find(_IGNORED, start, end)
    parts.append(html[start:end])
    head = html[: body[0]]
    tag, title = _HTML_TAG.search(head), _TITLE.search(head)
    return "".join(("<!DOCTYPE html>\n", tag.group(0) if tag else "<html>", '<head><meta charset="utf-8">', title.group(0) if title else "", "</head><body>", *parts, "</body></html>\n"))


def index_site(site_dir: Path, keys: list[str], changed: set[str] | None = None, reporter=None, workers: int = 1, kept: Path | None = None, digests: Mapping[str, str] | None = None) -> int:
    """Index the pages of ``keys`` (entity keys, "index" for the home page)
    with Pagefind, shard by shard, into ``pagefind/<n>/`` (the shards of
    :func:`shards`); returns the number of shards indexed.

    ``changed`` (keys whose page was written or removed) limits the work to
    their shards when the last bundle has the same shards; None indexes all.
    Each shard is indexed from a folder of what Pagefind reads of its pages
    (:func:`search_input`; a hard link to a page it cannot cut), laid out as
    in the site, so result URLs are the pages' own. With ``kept`` (a folder
    of the build's own, in the cache) and ``digests`` (page file -> the
    SHA-256 of its bytes), that folder is kept between builds, one
    subfolder a shard, and only the pages whose bytes changed are cut
    again (:func:`_bring_up_to_date`); else it is made anew inside
    ``site_dir`` and removed. Runs Pagefind's own
    command (``python -m pagefind``, from the ``pagefind[bin]`` package),
    ``workers`` shards at a time (one Pagefind keeps little more than one
    core busy); its output is byte-identical for identical pages whatever
    order they were written in (tests/test_build.py), as long as no
    ``data-pagefind-filter`` is used. ``reporter`` (``progress``) hears how
    many shards there are to index and of each one done.
    """
    import subprocess
    import sys
    import tempfile

    bundle = site_dir / BUNDLE
    count, wanted = shard_count(len(keys)), shards(keys)
    existing = sorted(int(p.name) for p in bundle.iterdir() if p.is_dir() and p.name.isdigit()) if bundle.is_dir() else []
    if changed is None or existing != wanted or any(not (bundle / str(n) / "pagefind.js").is_file() for n in existing):
        shutil.rmtree(bundle, ignore_errors=True)
        todo = set(wanted)
    else:
        todo = {shard_of(k, count) for k in changed} & set(wanted)
    members: dict[int, list[str]] = {n: [] for n in todo}
    for key in keys:
        n = shard_of(key, count)
        if n in members:
            members[n].append(key)
    bundle.mkdir(parents=True, exist_ok=True)
    if reporter is not None:
        reporter.total(len(todo))
    if digests is None:
        kept = None
    noting: dict[int, dict[str, str]] = {}  # shard -> its notes, written once it is indexed
    if kept is not None:
        _drop_other_shards(kept, count)

    def start(n: int) -> tuple[int, str | None, subprocess.Popen]:
        out = bundle / str(n)
        shutil.rmtree(out, ignore_errors=True)
        if kept is not None:  # brought up to date where it is, kept for the next build
            folder, tmp = kept / str(n), None
            noting[n] = _bring_up_to_date(site_dir, folder, members[n], digests)
        else:  # inside the folder being built: a killed build leaves nothing elsewhere
            folder = Path(tmp := tempfile.mkdtemp(prefix=f".search-{n}-", dir=site_dir))
            for key in members[n]:
                source = site_dir / page_file(key)
                if source.is_file():
                    _put_input(source.read_bytes(), source, folder / page_file(key))
        cmd = [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-path", str(out), "--force-language", "en", "--silent"]
        return n, tmp, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    pending, running = sorted(todo), []
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                running.append(start(pending.pop(0)))
            n, tmp, proc = running[0]
            stdout, stderr = proc.communicate()
            running.pop(0)
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            if proc.returncode != 0 or not (bundle / str(n) / "pagefind.js").is_file():
                said = (stderr or stdout).strip()
                how = f"stopped with exit status {proc.returncode}" + (f" ({said})" if said else "") if proc.returncode else "wrote no index"
                raise SearchFailed(f"the search index could not be made: Pagefind {how} on shard {n}; the previous output was left as it was")
            if n in noting:  # only now: what Pagefind indexed is what the notes say
                _write_notes(kept / f"{n}.json", noting.pop(n))
            if reporter is not None:
                reporter.advance()
    finally:  # a failure, Ctrl-C, SIGTERM: no Pagefind goes on writing
        for _n, tmp, proc in running:
            proc.kill()
            proc.wait()
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
    return len(todo)


def _put_input(page: bytes, source: Path, target: Path, link: bool = True) -> None:
    """Write what Pagefind reads of ``page`` (the bytes of ``source``) to
    ``target``: the page cut (:func:`search_input`), or else the page
    whole, as a hard link to ``source`` if ``link``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    indexed = search_input(page.decode("utf-8", "surrogateescape"))
    if indexed is None and link:
        os.link(source, target)
    else:
        target.write_bytes(page if indexed is None else indexed.encode("utf-8", "surrogateescape"))


def _bring_up_to_date(site_dir: Path, folder: Path, keys: list[str], digests: Mapping[str, str]) -> dict[str, str]:
    """Make ``folder`` hold what Pagefind reads of the pages of ``keys``
    and nothing else, cutting again only the pages whose bytes are not
    those it was cut from; returns its new notes (page file -> the SHA-256
    of the bytes its input was cut from).

    The notes (``<folder>.json``) are removed before anything in the folder
    changes and written again only once Pagefind has indexed it: a build
    stopped in between leaves a folder without notes, which the next build
    makes again whole. A page's digest in ``digests`` is the one the build's
    records give; the notes hold that of the bytes actually read."""
    notes_file = folder.with_name(f"{folder.name}.json")
    noted = _read_notes(notes_file)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(notes_file)
    if noted is None:
        shutil.rmtree(folder, ignore_errors=True)
        noted = {}
    wanted = {page_file(k) for k in keys}
    for rel in sorted(noted.keys() - wanted):  # pages gone, or now in another shard
        _remove_input(folder, rel)
    notes: dict[str, str] = {}
    for rel in sorted(wanted):
        target, source = folder / rel, site_dir / rel
        if noted.get(rel) is not None and noted[rel] == digests.get(rel) and target.is_file():
            notes[rel] = noted[rel]
            continue
        if os.path.lexists(target):
            os.unlink(target)
        try:
            page = source.read_bytes()
        except FileNotFoundError:
            continue
        _put_input(page, source, target, link=False)  # a copy: the site's file is not the cache's
        notes[rel] = hashlib.sha256(page).hexdigest()
    return notes


def _remove_input(folder: Path, rel: str) -> None:
    target = folder / rel
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    parent = target.parent
    while parent != folder:  # the page's folders, where nothing else is left
        try:
            os.rmdir(parent)
        except OSError:
            break
        parent = parent.parent


def _read_notes(path: Path) -> dict[str, str] | None:
    try:
        notes = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(notes, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in notes.items()):
        return None
    return notes


def _write_notes(path: Path, notes: dict[str, str]) -> None:
    tmp = path.with_name(f"{path.name}.tmp")
    tmp.write_text(json.dumps(notes, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def _drop_other_shards(kept: Path, count: int) -> None:
    """Remove the kept input of shards the site no longer has."""
    for entry in os.scandir(kept):
        name = entry.name.removesuffix(".json.tmp").removesuffix(".json")
        if name.isdigit() and int(name) >= count:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
