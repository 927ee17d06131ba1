"""dossier.output: safe output paths, staging and the atomic swap."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dossier.diagnostics import BuildFailed, UnsafeOutputPath
from dossier.output import MARKER, Staging, check_output_path, tree_digest


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
        assert staging.path.name == f"output.staging-{os.getpid()}"
        staging.write("people/a/index.html", "<h1>A</h1>")
        assert not (out / "people").exists()  # nothing live until the swap
        staging.commit({"pages": 1})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [MARKER, "people/a/index.html"]
    assert (out / "people/a/index.html").read_text() == "<h1>A</h1>"
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


def test_stale_staging_of_a_dead_build_is_removed(tmp_path):
    out = tmp_path / "output"
    stale = tmp_path / f"output.staging-{dead_pid()}"
    (stale / "people").mkdir(parents=True)
    alive = tmp_path / f"output.staging-{os.getppid()}"  # a running build
    alive.mkdir()
    unrelated = tmp_path / "outputs.staging-1"
    unrelated.mkdir()
    with Staging(out) as staging:
        staging.commit()
    assert not stale.exists()
    assert alive.exists() and unrelated.exists()


def test_old_folder_of_a_build_killed_mid_swap_is_restored(tmp_path):
    out = tmp_path / "output"
    old = tmp_path / f"output.old-{dead_pid()}"
    old.mkdir()
    (old / "index.html").write_text("last good site")
    Staging(out).cleanup_leftovers()
    assert (out / "index.html").read_text() == "last good site"
    assert not old.exists()


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
    stale = root / f"output.staging-{dead_pid()}"
    (stale / "people").mkdir(parents=True)
    (stale / "people" / "half.html").write_text("half-built")
    build_site(root)
    assert not stale.exists()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("output")) == ["output"]
    assert (root / "output" / MARKER).is_file()
