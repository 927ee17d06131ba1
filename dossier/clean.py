"""``python build.py clean``: remove what builds made, and only that.

- the output folder, when it holds the build's marker (``MARKER``) or is
  empty; a folder without it (somebody's documents, a link) is left alone;
- the staging folders of builds that were killed, proved by their tag (see
  ``output``); a running build's folder, and any folder merely named like
  one (``output.old-backup``), are left alone;
- the cache's own files in ``.dossier-cache/`` (the content cache, the build
  manifests and their locks, the spare copy of the site an incremental build
  starts from and the search index's input kept for the next build, each
  proved by its tag), and the folder itself once empty.

What is left alone is reported; nothing is ever removed on a name alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .output import MARKER, TAG, _alive, _spare_tag, deferred_signals, provable_leftover, remove_ours

__all__ = ["clean", "CleanReport"]

#: The folders a build keeps there: the site it replaced (``output.Staging``)
#: and what Pagefind read of its pages (``search.index_site``).
SPARE = re.compile(r"(?:spare|search)-[0-9a-f]{12}")
#: The files a build writes into the cache folder.
CACHE_FILES = re.compile(r"content\.sqlite(?:-journal)?|content\.pickle|manifest-[0-9a-f]{12}\.(?:pickle|lock)|(?:content|manifest-[0-9a-f]{12})\.pickle\.[0-9]+\.tmp")


@dataclass
class CleanReport:
    removed: list[Path] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # what was left alone, and why


def clean(output: Path, cache_dir: Path, root: Path | None = None, content: Path | None = None) -> CleanReport:
    """Raises :class:`~dossier.diagnostics.UnsafeOutputPath` for an output
    folder no build may replace (the project, the content or a parent)."""
    if root is not None and content is not None and os.path.lexists(output / MARKER):
        from .output import check_output_path  # a marker in the content folder proves nothing

        check_output_path(output, root, content)
    report = CleanReport()
    with deferred_signals():
        _clean_output(output, report)
        _clean_leftovers(output, report)
        _clean_cache(cache_dir, report)
    return report


def _kind(p: Path) -> int | None:
    try:
        return os.lstat(p).st_mode
    except FileNotFoundError:
        return None


def _clean_output(output: Path, report: CleanReport) -> None:
    mode = _kind(output)
    if mode is None:
        return
    if stat.S_ISLNK(mode):
        report.left.append(f"{output}: left alone: a symbolic link (to {os.readlink(output)}), not a folder a build made")
        return
    if not stat.S_ISDIR(mode):
        report.left.append(f"{output}: left alone: not a folder")
        return
    marker = _kind(output / MARKER)
    if marker is not None and stat.S_ISREG(marker):
        shutil.rmtree(output)
        report.removed.append(output)
    elif not os.listdir(output):
        os.rmdir(output)
        report.removed.append(output)
    else:
        report.left.append(f"{output}: left alone: it holds no {MARKER}, so no build made it")


def _clean_leftovers(output: Path, report: CleanReport) -> None:
    parent = output.parent
    try:
        names = sorted(os.listdir(parent))
    except OSError:
        return
    for name in names:
        rest = name[len(output.name):]
        if not name.startswith(output.name + ".") or not (rest.startswith(".staging-") or rest.startswith(".old-")):
            continue
        p = parent / name
        tag = provable_leftover(p, output.name)
        if tag is None:
            report.left.append(f"{p}: left alone: named like a leftover of a build but it holds no proof ({TAG}) that a build made it")
        elif tag["pid"] != os.getpid() and _alive(tag["pid"], tag.get("started")):
            report.left.append(f"{p}: left alone: the build that made it (process {tag['pid']}) is still running")
        else:
            remove_ours(p)
            report.removed.append(p)


def _clean_cache(cache_dir: Path, report: CleanReport) -> None:
    mode = _kind(cache_dir)
    if mode is None:
        return
    if not stat.S_ISDIR(mode) and not stat.S_ISLNK(mode):
        report.left.append(f"{cache_dir}: left alone: not a folder")
        return
    try:
        names = sorted(os.listdir(cache_dir))
    except OSError as exc:
        report.left.append(f"{cache_dir}: left alone: {exc.strerror}")
        return
    others = []
    for name in names:
        p = cache_dir / name
        if CACHE_FILES.fullmatch(name) and stat.S_ISREG(_kind(p) or 0):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)
        elif SPARE.fullmatch(name) and _spare_tag(p) is not None:
            remove_ours(p)  # the previous site or the search input a build kept
        else:
            others.append(name)
    if others:
        report.left.append(f"{cache_dir}: left in place: it holds files no build wrote ({', '.join(others[:5])}{' …' if len(others) > 5 else ''})")
    elif stat.S_ISDIR(mode):
        os.rmdir(cache_dir)
    report.removed.append(cache_dir)
