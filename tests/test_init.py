"""``dossier init DIR``: a new reference work that builds at once with
--strict, from files and a theme that ship inside the package; a site's own
``theme/`` overrides single templates and static files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

from dossier.cli import main
from dossier.newsite import STARTER, init
from dossier.pipeline import Project, build
from dossier.project import PACKAGE_THEME
from dossier.schema import CONTENT_TYPES


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("init") / "another-trial"
    assert main(["init", str(root)]) == 0
    return root


def test_init_writes_one_example_of_each_type_settings_readme_and_workflow(new_site):
    for kind, ctype in CONTENT_TYPES.items():
        files = list((new_site / "content" / ctype.folder).glob("*.md"))
        assert len(files) == 1, kind
    assert (new_site / "content" / "index.md").is_file()
    settings = (new_site / "pelicanconf.py").read_text(encoding="utf-8")
    assert 'SITENAME = "Another trial"' in settings
    readme = (new_site / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Another trial\n")
    assert "    dossier build " in readme and "    dossier serve " in readme
    workflow = (new_site / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert "dossier build --strict" in workflow and "actions/deploy-pages" in workflow
    assert not (new_site / "theme").exists()  # the theme stays in the package
    assert "{{title}}" not in settings + readme


def test_the_new_site_builds_with_strict_at_once(new_site, capsys):
    code = main(["build", "--strict", "--quiet", "--root", str(new_site)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    assert out.startswith(f"built {new_site.resolve() / 'output'}: 1 people, 1 groups, 1 events, 1 sources, 1 articles, 1 places;")
    home = (new_site / "output" / "index.html").read_text(encoding="utf-8")
    assert "Another trial" in home and 'href="people/example-person/"' in home
    for page in ("people/example-person", "groups/example-group", "events/example-event", "sources/example-source", "articles/example-article"):
        assert (new_site / "output" / page / "index.html").is_file(), page


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_into_an_empty_folder_with_a_title(tmp_path):
    made = init(tmp_path, "The Kirov case")
    assert made.root == tmp_path and len(made.files) == len([p for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts])
    assert 'SITENAME = "The Kirov case"' in (tmp_path / "pelicanconf.py").read_text(encoding="utf-8")


def test_a_sites_own_template_and_stylesheet_override_the_packages(tmp_path):
    init(tmp_path / "site")
    root = tmp_path / "site"
    project = Project.at(root)
    project.search = False
    build(project)
    css = PACKAGE_THEME / "static" / "css" / "dossier.css"
    assert (root / "output" / "theme" / "css" / "dossier.css").read_bytes() == css.read_bytes()
    # one template, extending the package's own, and one stylesheet replaced; one file added
    (root / "theme" / "templates").mkdir(parents=True)
    (root / "theme" / "templates" / "404.html").write_text('{% extends "!theme/404.html" %}{% block title %}Lost · {{ SITENAME }}{% endblock %}', encoding="utf-8")
    (root / "theme" / "static" / "css").mkdir(parents=True)
    (root / "theme" / "static" / "css" / "dossier.css").write_text("body { color: black }\n", encoding="utf-8")
    (root / "theme" / "static" / "css" / "extra.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    report = build(project)
    assert not report.up_to_date  # the site's own theme files are part of the environment
    page = (root / "output" / "404.html").read_text(encoding="utf-8")
    assert "<title>Lost · " in page
    assert "<main" in page  # the rest of the package's 404 page is still there
    assert (root / "output" / "theme" / "css" / "dossier.css").read_text(encoding="utf-8") == "body { color: black }\n"
    assert (root / "output" / "theme" / "css" / "extra.css").is_file()
    assert (root / "output" / "theme" / "js").is_dir()  # the package's other static files stay
    other = (root / "output" / "people" / "example-person" / "index.html").read_text(encoding="utf-8")
    assert "Lost" not in other
    # removing the override brings the package's template back
    shutil.rmtree(root / "theme")
    build(project)
    assert "<title>Lost" not in (root / "output" / "404.html").read_text(encoding="utf-8")
    assert (root / "output" / "theme" / "css" / "dossier.css").read_bytes() == css.read_bytes()
    assert not (root / "output" / "theme" / "css" / "extra.css").exists()


@pytest.mark.slow
def test_an_installed_wheel_has_the_theme_and_the_starter(tmp_path):
    """A non-editable install must carry theme/ and starter/: built here as
    a wheel, its file list is checked against the folders in the package."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and "No module named" in proc.stderr:
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("dossier-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in (PACKAGE_THEME, STARTER):
        for p in folder.rglob("*"):
            if p.is_file() and "__pycache__" not in p.parts:
                assert p.relative_to(REPO).as_posix() in names
    assert "dossier/theme/templates/base.html" in names and "dossier/starter/github/workflows/publish.yml" in names
