"""dossier.output: safe output paths, staging and the atomic swap."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.diagnostics import BuildFailed, UnsafeOutputPath
from dossier.output import MARKER, TAG, Staging, check_output_path, tree_digest


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "content" / "people").mkdir(parents=True)
    return root


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# check_output_path ------------------------------------------------------------


@pytest.mark.parametrize(
    "where, reason",
    [
        (".", "it is the project folder or a parent of it"),
        ("..", "it is the project folder or a parent of it"),
        ("content", "it is the content folder or a parent of it"),
        ("content/people", "it is inside the content folder"),
        ("content/../content", "it is the content folder or a parent of it"),
    ],
)
def test_refuses_project_content_and_their_parents(project, where, reason):
    with pytest.raises(UnsafeOutputPath, match=reason):
        check_output_path(project / where, project, project / "content")


def test_refuses_parent_of_a_content_folder_elsewhere(tmp_path, project):
    content = tmp_path / "data" / "content"
    content.mkdir(parents=True)
    with pytest.raises(UnsafeOutputPath, match="the content folder or a parent of it"):
        check_output_path(tmp_path / "data", project, content)


def test_refuses_a_symlink_to_the_content_folder(project):
    os.symlink(project / "content", project / "site")
    with pytest.raises(UnsafeOutputPath):
        check_output_path(project / "site", project, project / "content")


def test_refuses_non_empty_folder_without_marker(project):
    (project / "docs").mkdir()
    (project / "docs" / "thesis.tex").write_text("precious")
    with pytest.raises(UnsafeOutputPath, match=f"it is not empty and was not built by Dossier \\(no {MARKER}\\)"):
        check_output_path(project / "docs", project, project / "content")


def test_refuses_a_file(project):
    (project / "output").write_text("x")
    with pytest.raises(UnsafeOutputPath, match="not a folder"):
        check_output_path(project / "output", project, project / "content")


def test_accepts_new_empty_or_dossier_built_folders(project):
    content = project / "content"
    check_output_path(project / "output", project, content)  # does not exist yet
    (project / "empty").mkdir()
    check_output_path(project / "empty", project, content)
    (project / "built").mkdir()
    (project / "built" / "index.html").write_text("x")
    (project / "built" / MARKER).write_text("{}")
    check_output_path(project / "built", project, content)


# Staging ------------------------------------------------------------------------


def test_commit_swaps_the_staging_folder_in(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    (out / "old.html").write_text("old")
    (out / MARKER).write_text("{}")
    with Staging(out) as staging:
        assert staging.folder.name == f"output.staging-{os.getpid()}-{staging.token}"
        assert staging.path == staging.folder / "site"
        assert json.loads((staging.folder / TAG).read_text())["folder"] == staging.folder.name
        staging.write("people/a/index.html", "<h1>A</h1>")
        assert not (out / "people").exists()  # nothing live until the swap
        staging.commit({"pages": 1})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [MARKER, "people/a/index.html"]
    assert (out / "people/a/index.html").read_text() == "<h1>A</h1>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_commit_without_renameat2_uses_two_renames(tmp_path, monkeypatch):
    import dossier.output as output

    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    out = tmp_path / "output"
    out.mkdir()
    (out / "old.html").write_text("old")
    with Staging(out) as staging:
        staging.write("new.html", "new")
        staging.commit()
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_failure_inside_staging_leaves_output_untouched(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    (out / "index.html").write_text("good")
    (out / MARKER).write_text("{}")
    before = tree_digest(out)
    with pytest.raises(RuntimeError):
        with Staging(out) as staging:
            staging.write("index.html", "half-built")
            raise RuntimeError("template error")
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


@pytest.mark.parametrize("bad", ["../escape.html", "a/../../escape.html", "/etc/passwd", ".."])
def test_writing_outside_the_staging_folder_raises(tmp_path, bad):
    with Staging(tmp_path / "output") as staging:
        with pytest.raises(UnsafeOutputPath, match="outside the output folder"):
            staging.write(bad, "x")
    assert not (tmp_path / "escape.html").exists()


def leftover(parent: Path, pid: int, token: str = "0123456789abcdef", tagged: bool = True, name: str | None = None) -> Path:
    """A staging folder as a build killed at ``pid`` leaves it."""
    folder = parent / (name or f"output.staging-{pid}-{token}")
    (folder / "site" / "people").mkdir(parents=True)
    (folder / "site" / "people" / "half.html").write_text("half-built")
    if tagged:
        (folder / TAG).write_text(json.dumps({"generator": "dossier", "folder": folder.name, "pid": pid, "token": token}))
    return folder


def test_stale_staging_of_a_dead_build_is_removed(tmp_path):
    out = tmp_path / "output"
    stale = leftover(tmp_path, dead_pid())
    alive = leftover(tmp_path, os.getppid(), "fedcba9876543210")  # a running build
    unrelated = tmp_path / "outputs.staging-1"
    unrelated.mkdir()
    with Staging(out) as staging:
        staging.commit()
    assert not stale.exists()
    assert alive.exists() and unrelated.exists()
    assert staging.notes == []


@pytest.mark.parametrize(
    "name",
    [
        "output.old-backup",  # a user's copy of the site
        "output.old-12345",  # an older Dossier's folder, or a user's
        "output.staging-1",
        "output.staging-notes",
    ],
)
def test_a_folder_merely_named_like_a_leftover_is_left_alone_and_reported(tmp_path, name):
    out = tmp_path / "output"
    out.mkdir()
    (out / MARKER).write_text("{}")
    mine = tmp_path / name
    (mine / "sub").mkdir(parents=True)
    (mine / "sub" / "thesis.txt").write_text("years of work")
    (mine / MARKER).write_text("{}")  # even a copy of a built site, marker and all
    before = tree_digest(mine)
    with Staging(out) as staging:
        staging.commit()
    assert mine.is_dir() and tree_digest(mine) == before
    assert [n for n in staging.notes if str(mine) in n and "left alone" in n], staging.notes


@pytest.mark.parametrize(
    "forge",
    [
        lambda f, pid, token: {"generator": "dossier", "folder": "output.staging-1-0000000000000000", "pid": pid, "token": token},  # names another folder
        lambda f, pid, token: {"generator": "dossier", "folder": f.name, "pid": pid + 1, "token": token},  # another pid
        lambda f, pid, token: {"generator": "dossier", "folder": f.name, "pid": pid, "token": "f" * 16},  # another token
        lambda f, pid, token: {"folder": f.name, "pid": pid, "token": token},  # not Dossier's
        lambda f, pid, token: [f.name, pid, token],
        lambda f, pid, token: None,  # a tag that is a folder, not a file
    ],
)
def test_a_tag_that_does_not_name_its_folder_is_no_proof(tmp_path, forge):
    out = tmp_path / "output"
    pid, token = dead_pid(), "0123456789abcdef"
    folder = leftover(tmp_path, pid, token, tagged=False)
    tag = forge(folder, pid, token)
    if tag is None:
        (folder / TAG).mkdir()
    else:
        (folder / TAG).write_text(json.dumps(tag))
    with Staging(out) as staging:
        staging.commit()
    assert (folder / "site" / "people" / "half.html").is_file()
    assert any(str(folder) in n for n in staging.notes)


def test_a_symlink_named_like_a_leftover_is_not_followed(tmp_path):
    out = tmp_path / "output"
    pid, token = dead_pid(), "0123456789abcdef"
    real = leftover(tmp_path / "elsewhere", pid, token, name=f"output.staging-{pid}-{token}")
    link = tmp_path / real.name
    link.symlink_to(real, target_is_directory=True)
    with Staging(out) as staging:
        staging.commit()
    assert link.is_symlink() and (real / "site" / "people" / "half.html").is_file()


def test_output_missing_and_a_users_old_folder_beside_it(tmp_path):
    """main renamed a user's output.old-* into place when output was missing."""
    out = tmp_path / "output"
    mine = tmp_path / "output.old-backup"
    mine.mkdir()
    (mine / "index.html").write_text("my backup")
    staging = Staging(out)
    staging.cleanup_leftovers()
    assert not out.exists()
    assert (mine / "index.html").read_text() == "my backup"
    assert any("output is missing" in n for n in staging.notes), staging.notes


def test_old_site_of_a_build_killed_between_its_renames_is_restored(tmp_path):
    out = tmp_path / "output"
    folder = leftover(tmp_path, dead_pid())
    (folder / "old").mkdir()
    (folder / "old" / "index.html").write_text("last good site")
    Staging(out).cleanup_leftovers()
    assert (out / "index.html").read_text() == "last good site"
    assert not folder.exists()


def test_an_empty_untagged_staging_folder_is_removed(tmp_path):
    """Killed between creating its folder and tagging it: nothing to lose."""
    empty = tmp_path / f"output.staging-{dead_pid()}-0123456789abcdef"
    empty.mkdir()
    staging = Staging(tmp_path / "output")
    staging.cleanup_leftovers()
    assert not empty.exists() and staging.notes == []


def test_a_reused_pid_does_not_keep_a_leftover(tmp_path):
    """The pid of a killed build, given since to another process: the
    process start time in the tag tells them apart."""
    from dossier.output import _started

    if _started(os.getppid()) is None:
        pytest.skip("no /proc here: process start times unknown")
    folder = leftover(tmp_path, os.getppid())
    tag = json.loads((folder / TAG).read_text())
    (folder / TAG).write_text(json.dumps({**tag, "started": _started(os.getppid()) - 1}))
    Staging(tmp_path / "output").cleanup_leftovers()
    assert not folder.exists()


# Whole builds ---------------------------------------------------------------------

SITE = {
    "people/a.md": "---\ntitle: A\nborn: 1900\n---\nSee [[B]] [@s].\n",
    "people/b.md": "---\ntitle: B\n---\n",
    "sources/s.md": "---\ntitle: S\nkind: primary\n---\n",
}


@pytest.mark.slow
def test_failed_build_leaves_previous_output_byte_for_byte(make_site, build_site):
    root = make_site(SITE)
    build_site(root)
    out = root / "output"
    before = tree_digest(out)
    assert (out / MARKER).is_file() and (out / "people/a/index.html").is_file()
    (root / "content/people/b.md").write_text("---\ntitle: B\nborn: never\n---\n")
    with pytest.raises(BuildFailed) as failed:
        build_site(root)
    assert [d.code for d in failed.value.diagnostics.errors] == ["date"]
    assert tree_digest(out) == before
    assert not list(root.glob("output.*"))


@pytest.mark.slow
def test_strict_build_fails_on_a_warning_and_keeps_output(make_site, build_site):
    root = make_site(SITE)
    build_site(root)
    before = tree_digest(root / "output")
    make_site({"sources/unused.md": "---\ntitle: U\nkind: primary\n---\n"}, root=root)
    with pytest.raises(BuildFailed):
        build_site(root, strict=True)
    assert tree_digest(root / "output") == before


def test_unsafe_output_refused_before_anything_is_read_or_written(make_site, build_site):
    root = make_site(SITE)
    before = tree_digest(root / "content")
    with pytest.raises(UnsafeOutputPath):
        build_site(root, output=root / "content")
    assert tree_digest(root / "content") == before


@pytest.mark.slow
def test_next_build_removes_a_dead_builds_staging_folder(make_site, build_site):
    root = make_site(SITE)
    stale = leftover(root, dead_pid())
    build_site(root)
    assert not stale.exists()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("output")) == ["output"]
    assert (root / "output" / MARKER).is_file()


@pytest.mark.slow
def test_a_build_keeps_a_users_old_backup_and_says_so(make_site, capsys):
    from dossier.cli import main

    root = make_site(SITE)
    assert main(["build", "--root", str(root), "--no-search"]) == 0
    backup = root / "output.old-backup"
    (root / "output").rename(backup)  # the user keeps the last site aside
    assert main(["build", "--root", str(root), "--no-search"]) == 0
    assert (backup / "people/a/index.html").is_file() and (backup / MARKER).is_file()
    err = capsys.readouterr().err
    assert f"warning: {backup}: left alone" in err
    assert (root / "output" / "people/a/index.html").is_file()


# build.py clean ---------------------------------------------------------------------


@pytest.mark.slow
def test_clean_removes_only_what_builds_made(make_site, capsys):
    from dossier.cli import main

    root = make_site(SITE)
    assert main(["build", "--root", str(root), "--no-search"]) == 0
    stale = leftover(root, dead_pid())
    backup = root / "output.old-backup"
    (backup / "deep").mkdir(parents=True)
    (backup / "deep" / "notes.txt").write_text("mine")
    cache = root / ".dossier-cache"
    assert any(cache.iterdir())
    (cache / "my-notes.txt").write_text("not the cache's")
    capsys.readouterr()
    assert main(["clean", "--root", str(root)]) == 0
    out, err = capsys.readouterr()
    assert not (root / "output").exists() and not stale.exists()
    assert (backup / "deep" / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in cache.iterdir()) == ["my-notes.txt"]
    assert f"removed {root / 'output'}" in out
    assert f"{backup}: left alone" in err and "my-notes.txt" in err


def test_clean_leaves_an_output_no_build_made(tmp_path, capsys):
    from dossier.cli import main

    (tmp_path / "content").mkdir()
    mine = tmp_path / "output"
    mine.mkdir()
    (mine / "essay.txt").write_text("mine")
    assert main(["clean", "--root", str(tmp_path)]) == 0
    assert (mine / "essay.txt").read_text() == "mine"
    assert f"{mine}: left alone: it holds no {MARKER}" in capsys.readouterr().err


def test_make_clean_uses_the_safe_command():
    from conftest import REPO

    rule = (REPO / "Makefile").read_text().split("\nclean:", 1)[1].split("\n\n", 1)[0]
    assert "build.py clean" in rule and "rm " not in rule


# The spare copy of the site an incremental build starts from ----------------------


def tree_of_links(root: Path) -> dict[str, object]:
    """Every path under ``root``: 'dir', or a file's (inode, device)."""
    out: dict[str, object] = {}
    for p in sorted(root.rglob("*")):
        st = os.lstat(p)
        out[p.relative_to(root).as_posix()] = "dir" if p.is_dir() and not p.is_symlink() else ("link" if p.is_symlink() else (st.st_ino, st.st_dev))
    return out


def random_tree(root: Path, rng, files: list[str]) -> None:
    for rel in files:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"{rel} {rng.random()}")


@pytest.mark.parametrize("seed", range(40))
def test_mirror_makes_what_link_tree_makes_whatever_the_spare_held(tmp_path, seed):
    import random

    from dossier.output import _link_tree, _mirror

    rng = random.Random(seed)
    names = [f"{d}/{n}/index.html" for d in ("people", "groups", "x/y") for n in "abcdef"] + ["index.html", "a", "b/c", "pagefind/0/f.pf", MARKER]
    live = tmp_path / "live"
    live.mkdir()
    random_tree(live, rng, rng.sample(names, rng.randint(1, len(names))))
    if rng.random() < 0.5:
        os.symlink("/etc", live / "somebodys-link")  # never carried
    # the spare: an older copy, partly linked, partly stale, partly at odds with the site
    spare = tmp_path / "spare"
    _link_tree(live, spare)
    for p in sorted(spare.rglob("*"), reverse=True):
        r = rng.random()
        if p.is_dir():
            if r < 0.1:
                __import__("shutil").rmtree(p)
            continue
        if r < 0.15:
            p.unlink()  # missing
        elif r < 0.3:
            p.unlink()
            p.write_text("same name, another file")  # another inode
        elif r < 0.4:
            p.unlink()
            p.mkdir()  # a folder where the site has a file
            (p / "inside").write_text("x")
    for extra in rng.sample(["old/page/index.html", "people/zz/index.html", "index.html/x", MARKER, "b"], 3):
        q = spare / extra
        if not q.exists() and not any(par.is_file() for par in q.parents if par != spare and par.is_relative_to(spare)):
            q.parent.mkdir(parents=True, exist_ok=True)
            q.write_text("stale")
    expected = tmp_path / "expected"
    _link_tree(live, expected)
    _mirror(live, spare)
    assert tree_of_links(spare) == tree_of_links(expected)
    assert MARKER not in {p.name for p in spare.rglob("*")}


def test_an_incremental_build_starts_from_the_kept_spare_and_stays_exact(make_site, monkeypatch, tmp_path):
    from dossier import output
    from dossier.incremental import Manifest
    from dossier.pipeline import Project, build

    root = make_site(SITE)
    project = Project.at(root)
    project.search = False
    build(project)
    spare = Manifest.spare_for(project.cache_dir, project.output)
    # a build of the whole site leaves a tree of links to it
    assert output._spare_tag(spare) is not None
    assert tree_of_links(spare / "site") == {k: v for k, v in tree_of_links(project.output).items() if k != MARKER}
    # so that no incremental build makes one
    monkeypatch.setattr(output, "_link_tree", lambda *a: pytest.fail("made the tree of links again"))
    for i in range(3):
        (root / "content/people/b.md").write_text(f"---\ntitle: B\n---\nEdit {i}.\n")
        report = build(project)
        assert report.written == 1
        assert output._spare_tag(spare) is not None and (spare / "site" / "people/b/index.html").is_file()
        kept = (spare / "site" / "people/b/index.html").read_text()
        assert (f"Edit {i - 1}." in kept) if i else ("Edit" not in kept)
        # the spare is the site just replaced: its own files, never the live ones written through
        assert (spare / "site" / "people/b/index.html").read_text() != (project.output / "people/b/index.html").read_text()
        assert not (spare / "site" / MARKER).samefile(project.output / MARKER)
    assert "Edit 2." in (project.output / "people/b/index.html").read_text()
    monkeypatch.undo()  # (the clean build below makes its own spare)
    clean_root = tmp_path / "clean"
    make_site(SITE, root=clean_root)
    (clean_root / "content/people/b.md").write_text("---\ntitle: B\n---\nEdit 2.\n")
    clean = Project.at(clean_root)
    clean.search = False
    build(clean, clean=True)
    strip = lambda d: {k: v for k, v in tree_digest_files(d).items() if k != MARKER}  # noqa: E731
    assert strip(project.output) == strip(clean.output)


def tree_digest_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_spare_folder_no_build_made_is_left_alone_and_said(make_site):
    from dossier.incremental import Manifest
    from dossier.pipeline import Project, build

    root = make_site(SITE)
    project = Project.at(root)
    project.search = False
    build(project)
    spare = Manifest.spare_for(project.cache_dir, project.output)
    shutil.rmtree(spare)  # the build's own, replaced by somebody's folder
    (spare / "site").mkdir(parents=True)
    (spare / "site" / "notes.txt").write_text("mine")
    (root / "content/people/b.md").write_text("---\ntitle: B\n---\nEdited.\n")
    report = build(project)
    assert (spare / "site" / "notes.txt").read_text() == "mine"
    assert any(str(spare) in n and "left alone" in n for n in report.notes)
    assert "Edited." in (project.output / "people/b/index.html").read_text()


def test_a_spare_without_its_site_is_removed_and_the_build_goes_on(make_site):
    from dossier.incremental import Manifest
    from dossier.pipeline import Project, build

    root = make_site(SITE)
    project = Project.at(root)
    project.search = False
    build(project)
    (root / "content/people/b.md").write_text("---\ntitle: B\n---\nOne.\n")
    build(project)
    spare = Manifest.spare_for(project.cache_dir, project.output)
    __import__("shutil").rmtree(spare / "site")  # as a kill between making the spare and moving the site in leaves it
    (root / "content/people/b.md").write_text("---\ntitle: B\n---\nTwo.\n")
    report = build(project)
    assert not report.notes
    assert "Two." in (project.output / "people/b/index.html").read_text()
    assert (spare / "site" / "people/b/index.html").is_file()


def test_clean_removes_the_spare(make_site, capsys):
    from dossier.cli import main
    from dossier.incremental import Manifest
    from dossier.pipeline import Project

    root = make_site(SITE)
    assert main(["build", "--root", str(root), "--no-search"]) == 0
    (root / "content/people/b.md").write_text("---\ntitle: B\n---\nOne.\n")
    assert main(["build", "--root", str(root), "--no-search"]) == 0
    project = Project.at(root)
    assert Manifest.spare_for(project.cache_dir, project.output).is_dir()
    assert main(["clean", "--root", str(root)]) == 0
    assert not project.cache_dir.exists()


def test_a_file_given_in_pieces_is_written_as_they_come_and_left_alone_when_the_same(tmp_path):
    import hashlib

    out = tmp_path / "output"
    made: list[int] = []

    def pieces(text: str):
        for i in range(0, len(text), 4):
            made.append(i)
            yield text[i : i + 4]

    text = "<graphml>Зиновьев & Grünstein</graphml>\n"
    with Staging(out) as staging:
        assert staging.write_text("data/a.xml", pieces(text)) == (True, hashlib.sha256(text.encode()).hexdigest())
        assert staging.write_text("data/b.xml", text) == (True, hashlib.sha256(text.encode()).hexdigest())
        first = (staging.path / "data/a.xml").stat().st_ino
        # the same bytes again: the file is left as it was
        assert staging.write_text("data/a.xml", pieces(text), only_if_changed=True)[0] is False
        assert (staging.path / "data/a.xml").stat().st_ino == first
        assert staging.write_text("data/a.xml", pieces(text + "more"), only_if_changed=True)[0] is True
        assert sorted(p.name for p in (staging.path / "data").iterdir()) == ["a.xml", "b.xml"]  # no piece left over
        staging.commit()
    assert (out / "data/a.xml").read_text(encoding="utf-8") == text + "more"
    assert (out / "data/b.xml").read_text(encoding="utf-8") == text
    assert len(made) > 3


def test_a_file_whose_pieces_fail_leaves_nothing_behind(tmp_path):
    def pieces():
        yield "<a>"
        raise RuntimeError("the network could not be read")

    with Staging(tmp_path / "output") as staging:
        with pytest.raises(RuntimeError):
            staging.write_text("data/a.xml", pieces())
        assert list((staging.path / "data").iterdir()) == []  # neither the file nor its pieces so far
