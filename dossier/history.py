"""Page history from git: when each content file last changed, and how.

:func:`read_history` asks git once for the history of the content folder
(``git log --name-status -M``, newest first, following renames) and for the
files changed since the last commit. A page then shows its last change and a
short list of its changes (date and commit subject).

It never shows a wrong date:

- a file with changes not yet committed says so, without a date;
- a shallow clone (CI's usual checkout) has an incomplete history: the build
  says the history is unavailable rather than date every page to the clone's
  one commit (the published workflow fetches the whole history);
- no git, or no repository: no history at all.

The dates are the commits' own (committer dates), so the same commit builds
the same pages.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Change", "History", "read_history"]


@dataclass(frozen=True)
class Change:
    date: str  # YYYY-MM-DD
    subject: str
    commit: str  # the full hash


@dataclass
class History:
    """The history of every content file, by its path as diagnostics show it."""

    available: bool = False
    reason: str = ""  # why not, when not available
    head: str = ""  # the commit built
    tag: str = ""  # a tag naming exactly that commit, if any
    files: dict[str, tuple[Change, ...]] = field(default_factory=dict)  # newest first
    dirty: frozenset[str] = frozenset()  # changed since the last commit (or never committed)

    def of(self, path: str) -> tuple[Change, ...]:
        return self.files.get(path, ())


def _git(root: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, encoding="utf-8", errors="replace", env=env, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def read_history(root: Path, content: Path) -> History:
    """The history of the files under ``content`` (paths relative to ``root``)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return History(reason="not a git repository (or git is not installed)")
    top_path = Path(top.strip()).resolve()
    if (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true":
        return History(reason="a shallow clone: its history is incomplete (fetch it whole: git fetch --unshallow)")
    head = (_git(root, "rev-parse", "HEAD") or "").strip()
    if not head:
        return History(reason="the repository has no commit yet")
    root_real = root.resolve()

    def shown(git_path: str) -> str:
        return os.path.relpath(top_path / git_path, root_real).replace(os.sep, "/")

    try:
        spec = content.resolve().relative_to(top_path).as_posix() or "."
    except ValueError:
        return History(reason="the content folder is outside the repository")
    log = _git(root, "log", "--no-color", "-M", "--name-status", "--format=%x1e%H%x1f%cs%x1f%s", "--", spec)
    if log is None:
        return History(reason="git log failed")
    files: dict[str, list[Change]] = {}
    alias: dict[str, str] = {}  # a path in an older commit -> the path the file has now
    for block in log.split("\x1e")[1:]:
        head_line, _, changes = block.partition("\n")
        commit, date, subject = (head_line.split("\x1f") + ["", "", ""])[:3]
        change = Change(date, subject.strip(), commit)
        for line in changes.splitlines():
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            status = parts[0]
            if status.startswith("R") and len(parts) == 3:
                old, new = parts[1], parts[2]
                now = alias.get(new, new)
                files.setdefault(now, []).append(change)
                alias[old] = now  # older commits name it by its old path
            else:
                path = parts[-1]
                files.setdefault(alias.get(path, path), []).append(change)
    dirty_out = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", spec) or ""
    dirty = set()
    entries = dirty_out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        if len(entry) > 3:
            dirty.add(shown(entry[3:]))
            if entry[0] in "RC":  # the source path follows
                i += 1
        i += 1
    tag = (_git(root, "describe", "--tags", "--exact-match", "HEAD") or "").strip()
    return History(True, "", head, tag, {shown(p): tuple(c) for p, c in files.items()}, frozenset(dirty))
