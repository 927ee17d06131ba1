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

    connect = cache.sqlite3.connect

    def read_only(database, *args, **kwargs):  # what SQLite says on a read-only file system
        if not str(database).startswith("file:"):  # the connection that writes
            raise cache.sqlite3.OperationalError("attempt to write a readonly database")
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(cache.sqlite3, "connect", read_only)
    import dossier.incremental as incremental

    monkeypatch.setattr(incremental, "atomic_pickle", atomic_pickle)
    assert main(["build", "--no-search", "--jobs", "1", "--root", str(built)]) == 0
    err = capsys.readouterr().err
    assert "warning: could not save the content cache (attempt to write a readonly database: " in err
    assert "warning: could not save the build manifest (Read-only file system" in err
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


# An adversarial pass over the output, the cache and concurrent builds -----------------


def test_an_output_that_is_a_symlink_is_built_where_it_points(built, tmp_path):
    served = tmp_path / "www" / "site"
    served.parent.mkdir()
    (built / "output").rename(served)
    (built / "output").symlink_to(served, target_is_directory=True)
    (built / "content" / "people" / "bob.md").write_text("---\ntitle: Bob\n---\nMoved house.\n")
    proc = run(["build", "--no-search"], built)
    assert proc.returncode == 0, proc.stderr
    assert (built / "output").is_symlink()  # main replaced the link by a folder and left the target stale
    assert "Moved house." in (served / "people" / "bob" / "index.html").read_text()
    assert sorted(p.name for p in served.parent.iterdir()) == ["site"]


def test_symlinks_put_into_the_output_are_not_followed_into_the_next_build(built, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "private.jpg").write_bytes(b"\xff\xd8 not for the web")
    (built / "output" / "media").symlink_to(photos, target_is_directory=True)
    (built / "output" / "loop").symlink_to(built / "output", target_is_directory=True)
    (built / "content" / "people" / "bob.md").write_text("---\ntitle: Bob\n---\nAgain.\n")
    proc = run(["build", "--no-search"], built)
    assert proc.returncode == 0, proc.stderr
    out = built / "output"
    assert not os.path.lexists(out / "media") and not os.path.lexists(out / "loop")
    assert (photos / "private.jpg").is_file()  # and untouched


def test_clean_refuses_an_output_that_is_the_content_folder(built, capsys):
    from dossier.cli import main

    (built / "content" / MARKER).write_text("{}")  # planted: proves nothing
    before = tree_digest(built / "content")
    assert main(["clean", "--root", str(built), "--output", str(built / "content")]) == 1
    assert "refusing" in capsys.readouterr().err
    assert tree_digest(built / "content") == before


@pytest.mark.parametrize("output", ["content/../content/people/out", "content/./x", "output/../content"])
def test_an_output_inside_content_is_refused_however_written(built, output):
    before = tree_digest(built / "content")
    proc = run(["build", "--no-search", "--output", str(built / output)], built)
    assert proc.returncode == 1 and "refusing" in proc.stderr and "Traceback" not in proc.stderr
    assert tree_digest(built / "content") == before


def _corruptions(data: bytes):
    from dossier.cache import generator_version

    yield "truncated", data[: len(data) // 2]
    yield "empty", b""
    yield "one bit flipped", data[:-10] + bytes([data[-10] ^ 0x01]) + data[-9:]
    yield "random bytes", random_bytes(4096)
    # the version of this generator, the wrong shape (main crashed on it)
    yield "a pickle of the wrong shape", __import__("pickle").dumps((generator_version(), ["not", "a", "dict"]))


def random_bytes(n: int) -> bytes:
    import random

    rng = random.Random(11)
    return bytes(rng.randrange(256) for _ in range(n))


@pytest.mark.slow
def test_a_corrupt_cache_or_manifest_is_rebuilt_not_trusted(built, tmp_path):
    """Each cache file damaged in each way: the build succeeds and gives
    the site a clean build gives."""
    cache = built / ".dossier-cache"
    bob = built / "content" / "people" / "bob.md"
    bodies = ["---\ntitle: Bob\n---\nBody one.\n", "---\ntitle: Bob\n---\nBody two.\n"]
    expected = []
    for i, body in enumerate(bodies):
        bob.write_text(body)
        clean_build(built, tmp_path / f"clean-{i}")
        expected.append(_site(tmp_path / f"clean-{i}"))
    n = 0
    for victim in sorted(cache.glob("*.pickle")):
        good = victim.read_bytes()
        for how, bad in _corruptions(good):
            if victim.name.startswith("manifest") and how in ("empty", "random bytes", "a pickle of the wrong shape"):
                continue  # the same as truncated for a manifest: keep the suite quick
            n += 1
            victim.write_bytes(bad)
            bob.write_text(bodies[n % 2])  # a change: the cache is read, not only the manifest
            proc = run(["build", "--no-search"], built)
            assert proc.returncode == 0 and "Traceback" not in proc.stderr, (victim.name, how, proc.stderr)
            assert _site(built / "output") == expected[n % 2], (victim.name, how)
            good = victim.read_bytes()  # as the build left it


def clean_build(root: Path, output: Path) -> None:
    from dossier.pipeline import Project, build

    project = Project.at(root, output=output, use_cache=False)
    project.search = False
    build(project, clean=True)


def _site(folder: Path) -> dict[str, bytes]:
    # the search bundle aside (both builds here skip it) and the marker (its build id)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != MARKER}


def test_a_cache_folder_that_is_a_file(built):
    shutil.rmtree(built / ".dossier-cache")
    (built / ".dossier-cache").write_text("not a folder")
    (built / "content" / "people" / "bob.md").write_text("---\ntitle: Bob\n---\nNo cache.\n")
    proc = run(["build", "--no-search"], built)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "could not save the content cache" in proc.stderr
    assert "No cache." in (built / "output" / "people" / "bob" / "index.html").read_text()
    assert (built / ".dossier-cache").read_text() == "not a folder"


@pytest.mark.slow
def test_two_builds_at_once_take_turns(built, tmp_path):
    """main let both stage and swap at once, each starting from an output
    the other was replacing; now the second waits for the first."""
    for i in range(3):
        (built / "content" / "people" / f"new-{i}.md").write_text(f"---\ntitle: New {i}\n---\nSee [[Ann]].\n")
    procs = [subprocess.Popen(BUILD + ["build", "--no-search", "--root", str(built)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert all("Traceback" not in err for _out, err in results)
    clean_out = tmp_path / "clean"
    clean_build(built, clean_out)
    assert _site(built / "output") == _site(clean_out)
    assert sorted(p.name for p in built.iterdir() if p.name.startswith("output")) == ["output"]


def test_a_preview_write_that_fails_leaves_no_stray_file(tmp_path, monkeypatch):
    """The devserver's previews write into the served folder itself."""
    from dossier import preview

    served = tmp_path / "output" / "people" / "ann"
    served.mkdir(parents=True)
    (served / "index.html").write_text("last good page")

    def replace(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(preview.os, "replace", replace)
    with pytest.raises(OSError):
        preview._write(served / "index.html", b"new page")
    assert sorted(p.name for p in served.iterdir()) == ["index.html"]
    assert (served / "index.html").read_text() == "last good page"
