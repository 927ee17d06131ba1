"""The file system as an adversary: what cannot be read is an error, never
a page silently dropped; the previous output survives whatever goes wrong.

Permission tests need a process that permissions apply to. As a normal user
they run as they are; as root (which reads through any mode) the build runs
under ``setpriv`` without the two capabilities that bypass permissions
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so the kernel's checks are real.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, check_site, write_site
from dossier.output import MARKER, tree_digest

SITE = {
    "people/ann.md": "---\ntitle: Ann\n---\nMember of [[Red Group]].\n",
    "people/bob.md": "---\ntitle: Bob\n---\nA person.\n",
    "groups/red-group.md": "---\ntitle: Red Group\n---\nA group.\n",
}
BUILD = [sys.executable, str(REPO / "build.py")]


def permission_prefix() -> list[str]:
    """A command prefix under which file modes are enforced (see the module doc)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads through any file mode, so the check would prove nothing")
    caps = "-dac_override,-dac_read_search"
    probe = subprocess.run([setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"running as root and setpriv cannot drop capabilities here: {probe.stderr.decode(errors='replace').strip()}")
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]


def run(args: list[str], root: Path, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run((prefix or []) + BUILD + args + ["--root", str(root)], cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.fixture
def built(tmp_path):
    root = write_site(tmp_path / "project", SITE)
    proc = run(["build", "--no-search"], root)
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture
def restore_modes():
    changed: list[tuple[Path, int]] = []

    def chmod(path: Path, mode: int) -> None:
        changed.append((path, path.stat().st_mode & 0o7777))
        path.chmod(mode)

    yield chmod
    for path, mode in reversed(changed):
        path.chmod(mode)


# Unreadable content ---------------------------------------------------------------


def test_an_unreadable_folder_is_an_error_and_the_output_stays(built, restore_modes):
    prefix = permission_prefix()
    before = tree_digest(built / "output")
    restore_modes(built / "content" / "groups", 0o000)
    proc = run(["build", "--no-search"], built, prefix)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "content/groups:1:1: error[unreadable]: cannot read the folder: Permission denied" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_digest(built / "output") == before
    assert (built / "output" / "groups" / "red-group" / "index.html").is_file()


def test_an_unreadable_folder_fails_the_up_to_date_check_too(built, restore_modes):
    """Nothing changed but a folder's mode: the cheap check must not say
    'up to date' from the files it could still see."""
    prefix = permission_prefix()
    restore_modes(built / "content" / "groups", 0o000)
    proc = run(["build", "--no-search"], built, prefix)
    assert proc.returncode == 1 and "up to date" not in proc.stdout


def test_an_unreadable_file_has_its_own_code(built, restore_modes):
    prefix = permission_prefix()
    before = tree_digest(built / "output")
    restore_modes(built / "content" / "people" / "bob.md", 0o000)
    proc = run(["check"], built, prefix)
    assert proc.returncode == 1
    assert "content/people/bob.md:1:1: error[unreadable]: cannot read the file: Permission denied" in proc.stderr
    assert "error[encoding]" not in proc.stderr
    proc = run(["build", "--no-search"], built, prefix)
    assert proc.returncode == 1 and tree_digest(built / "output") == before


def test_a_folder_that_can_be_listed_but_not_entered(built, restore_modes):
    """r-- without x: the names are visible, the files cannot be opened."""
    prefix = permission_prefix()
    restore_modes(built / "content" / "people", 0o444)
    proc = run(["check"], built, prefix)
    assert proc.returncode == 1
    assert "content/people/ann.md:1:1: error[unreadable]" in proc.stderr
    assert "content/people/bob.md:1:1: error[unreadable]" in proc.stderr


def test_a_scandir_failure_is_reported_wherever_it_happens(tmp_path, monkeypatch):
    """The same without permissions: an input/output error on listing."""
    root = write_site(tmp_path, SITE)
    real = os.scandir
    bad = str(root / "content" / "people")

    def scandir(path="."):
        if os.fspath(path) == bad:
            raise OSError(errno.EIO, "Input/output error", bad)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    diags = check_site(root)
    assert [d.format() for d in diags.errors if d.code == "unreadable"] == ["content/people:1:1: error[unreadable]: cannot read the folder: Input/output error"]


def test_a_read_failure_is_unreadable_not_encoding(tmp_path, monkeypatch):
    root = write_site(tmp_path, SITE)
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "bob.md":
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    diags = check_site(root)
    assert [d.format() for d in diags.errors] == ["content/people/bob.md:1:1: error[unreadable]: cannot read the file: Input/output error"]


def test_a_linked_folder_inside_content_is_an_error_not_skipped(tmp_path):
    """os.walk does not enter a linked folder: main skipped its pages silently."""
    root = write_site(tmp_path, {"people/ann.md": SITE["people/ann.md"], ".store/red-group.md": SITE["groups/red-group.md"]})
    (root / "content" / "groups").symlink_to(root / "content" / ".store", target_is_directory=True)
    diags = check_site(root)
    assert "content/groups:1:1: error[symlink]: the folder is a link to" in "\n".join(d.format() for d in diags.errors)


# Failing writes: one line, status 1, the previous output as it was ------------------


def _one_line(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize(
    "code, words",
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system"), (errno.EDQUOT, "Disk quota exceeded"), (errno.EIO, "Input/output error")],
)
def test_a_failing_write_is_one_line_and_changes_nothing(built, monkeypatch, capsys, code, words):
    from dossier import output
    from dossier.cli import main

    before = tree_digest(built / "output")
    (built / "content" / "people" / "bob.md").write_text("---\ntitle: Bob\n---\nChanged.\n")
    real = output.Staging.write
    calls = []

    def write(self, relpath, data, only_if_changed=False):
        calls.append(relpath)
        if len(calls) > 3:  # some files are written, then the disk is full
            raise OSError(code, os.strerror(code), str(self.target(relpath)))
        return real(self, relpath, data, only_if_changed)

    monkeypatch.setattr(output.Staging, "write", write)
    capsys.readouterr()
    assert main(["build", "--no-search", "--jobs", "1", "--root", str(built)]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"error: {words}: ") and line.endswith("the build stopped and the previous output was left as it was"), line
    assert tree_digest(built / "output") == before
    assert sorted(p.name for p in built.iterdir() if p.name.startswith("output")) == ["output"]


def test_a_failing_swap_is_one_line_and_changes_nothing(built, monkeypatch, capsys):
    from dossier import output
    from dossier.cli import main

    before = tree_digest(built / "output")
    (built / "content" / "people" / "bob.md").write_text("---\ntitle: Bob\n---\nChanged again.\n")

    def exchange(a, b):
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(b))  # a mount point, say

    monkeypatch.setattr(output, "_exchange", exchange)
    capsys.readouterr()
    assert main(["build", "--no-search", "--jobs", "1", "--root", str(built)]) == 1
    assert "previous output was left as it was" in _one_line(capsys.readouterr().err)
    assert tree_digest(built / "output") == before
    assert sorted(p.name for p in built.iterdir() if p.name.startswith("output")) == ["output"]


def test_a_cache_that_cannot_be_saved_does_not_fail_the_build(built, monkeypatch, capsys):
    from dossier import cache
    from dossier.cli import main

    (built / "content" / "people" / "bob.md").write_text("---\ntitle: Bob\n---\nOnce more.\n")

    def atomic_pickle(path, value):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(cache, "atomic_pickle", atomic_pickle)
    import dossier.incremental as incremental

    monkeypatch.setattr(incremental, "atomic_pickle", atomic_pickle)
    assert main(["build", "--no-search", "--jobs", "1", "--root", str(built)]) == 0
    err = capsys.readouterr().err
    assert "warning: could not save the content cache (Read-only file system" in err
    assert "Once more." in (built / "output" / "people" / "bob" / "index.html").read_text()


def test_an_output_folder_that_cannot_be_written_is_one_line(built, restore_modes):
    """A real permission check: the folder that holds output/ is read-only."""
    prefix = permission_prefix()
    before = tree_digest(built / "output")
    (built / "content" / "people" / "bob.md").write_text("---\ntitle: Bob\n---\nNew.\n")
    restore_modes(built, 0o555)
    proc = run(["build", "--no-search"], built, prefix)
    assert proc.returncode == 1
    line = _one_line(proc.stderr)
    assert line.startswith("error: Permission denied: ") and "output.staging-" in line and line.endswith("the previous output was left as it was"), line
    assert tree_digest(built / "output") == before
