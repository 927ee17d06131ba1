"""Citable and durable: cite this page, reference managers' meta tags, the
bibliography downloads, page history from git, editions."""

from __future__ import annotations

import json
import os
import re
import subprocess
from html import unescape

import pytest

from dossier.pipeline import Project, build

SITE = {
    "people/leon-trotsky.md": "---\ntitle: Leon Trotsky\nborn: 1879\n---\nHe wrote [@getty-1986, p. 24].\n",
    "articles/the-bloc.md": "---\ntitle: The bloc\nauthor: Ann Tester\ndate: 2026\n---\nAbout [[Leon Trotsky]] [@getty-1986].\n",
    "sources/getty-1986.md": "---\ntitle: \"Trotsky in Exile: The Founding of the Fourth International\"\nkind: secondary\nauthor: J. Arch Getty\ndate: 1986\ncontainer: Soviet Studies\nvolume: 38\nissue: 1\npages: 24–35\n---\nThe article.\n",
}


def git(root, *args, date="2026-11-30T12:00:00+00:00"):
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "Ed", "GIT_AUTHOR_EMAIL": "ed@example.org", "GIT_COMMITTER_NAME": "Ed", "GIT_COMMITTER_EMAIL": "ed@example.org"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def make(root, site_url="https://example.org/dossier", settings=""):
    (root / "pelicanconf.py").write_text(f'SITENAME = "Dossier"\nTIMEZONE = "UTC"\nTHEME = "{REPO_THEME}"\n{settings}', encoding="utf-8")
    project = Project.at(root)
    project.search = False
    project.site_url = site_url
    return project


REPO_THEME = str(__import__("pathlib").Path(__file__).resolve().parent.parent / "dossier" / "theme")


def page(project, path):
    return (project.output / path).read_text(encoding="utf-8")


def text(html):
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u2060", "").split())
    return re.sub(r" ([.,:;)])", r"\1", words)


@pytest.fixture
def repo(make_site):
    root = make_site(SITE)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "content: the first pages")
    return root


def test_cite_this_page_in_chicago_and_three_formats(repo):
    git(repo, "tag", "v2026.12")
    project = make(repo)
    build(project, clean=True)
    html = page(project, "people/leon-trotsky/index.html")
    cite = text(html[html.index('class="cite-this-page"') :])
    assert "“Leon Trotsky.” Dossier, version v2026.12. Last modified November 30, 2026. https://example.org/dossier/people/leon-trotsky/." in cite
    assert "Add the date you consulted it" in cite
    # each format is shown whole, to copy; no data: address a sanitizer would have to trust
    assert "download=" not in html and "href=\"data:application" not in html
    formats = dict(re.findall(r'<h3>([^<]+)</h3>\s*<pre class="cite-code">([^<]*)</pre>', html))
    bib = unescape(formats["BibTeX"])
    assert bib.startswith("@online{dossier-people-leon-trotsky,") and "date = {2026-11-30}" in bib and "version = {version v2026.12}" in bib
    # (an HTML page holds its lines with LF; RIS readers take either)
    ris = unescape(formats["RIS"])
    assert ris.startswith("TY  - ELEC\nTI  - Leon Trotsky\n") and "DA  - 2026/11/30\n" in ris and ris.endswith("ER  -\n")
    (item,) = json.loads(unescape(formats["CSL-JSON"]))
    assert item == {"id": "dossier-people-leon-trotsky", "type": "webpage", "title": "Leon Trotsky", "container-title": "Dossier", "version": "version v2026.12", "URL": "https://example.org/dossier/people/leon-trotsky/", "issued": {"date-parts": [[2026, 11, 30]]}}
    # an article is cited with its author
    article = text(page(project, "articles/the-bloc/index.html"))
    assert "Tester, Ann. “The bloc.” Dossier, version v2026.12. Last modified November 30, 2026." in article
    # the feed names the edition
    assert "<subtitle>Dossier, version v2026.12</subtitle>" in page(project, "feeds/articles.atom.xml")


def test_the_edition_setting_wins_over_the_tag(repo):
    project = make(repo, settings='EDITION = "second edition"\n')
    build(project, clean=True)
    assert "“Leon Trotsky.” Dossier, second edition. Last modified" in text(page(project, "people/leon-trotsky/index.html"))


def test_meta_tags_describe_the_page_and_on_a_source_page_the_source(repo):
    project = make(repo)
    build(project, clean=True)
    meta = lambda html: re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', html)  # noqa: E731
    assert meta(page(project, "people/leon-trotsky/index.html")) == [
        ("citation_title", "Leon Trotsky"),
        ("citation_publication_date", "2026/11/30"),
        ("citation_publisher", "Dossier"),
        ("citation_public_url", "https://example.org/dossier/people/leon-trotsky/"),
    ]
    assert meta(page(project, "sources/getty-1986/index.html")) == [
        ("citation_title", "Trotsky in Exile: The Founding of the Fourth International"),
        ("citation_author", "Getty, J. Arch"),
        ("citation_publication_date", "1986"),
        ("citation_journal_title", "Soviet Studies"),
        ("citation_volume", "38"),
        ("citation_issue", "1"),
        ("citation_firstpage", "24"),
        ("citation_lastpage", "35"),
    ]


def test_the_whole_bibliography_in_three_formats(repo):
    project = make(repo)
    build(project, clean=True)
    (item,) = json.loads(page(project, "data/bibliography.json"))
    assert item["id"] == "getty-1986" and item["type"] == "article-journal" and item["page"] == "24–35" and item["author"] == [{"family": "Getty", "given": "J. Arch"}]
    assert page(project, "data/bibliography.bib").startswith("@article{getty-1986,\n  title = {Trotsky in Exile: The Founding of the Fourth International},\n  author = {Getty, J. Arch},")
    assert "TY  - JOUR\r\n" in (project.output / "data/bibliography.ris").read_bytes().decode()
    assert "bibliography.bib" in page(project, "data/index.html")


def test_page_history_from_git(repo):
    project = make(repo)
    path = repo / "content/people/leon-trotsky.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nHe was exiled in 1929.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "people: Trotsky's exile", date="2026-12-01T09:00:00+00:00")
    build(project, clean=True)
    html = page(project, "people/leon-trotsky/index.html")
    history = text(html[html.index('class="page-history"') :])
    assert "Last changed 1 December 2026. History of this page (2 changes) 1 December 2026: people: Trotsky's exile 30 November 2026: content: the first pages" in history
    # a page nobody edited since has its one change
    assert "History of this page (1 change)" in text(page(project, "sources/getty-1986/index.html"))
    # an edit not yet committed: no date at all, never a wrong one
    path.write_text(path.read_text(encoding="utf-8") + "\nAnd murdered in 1940.\n", encoding="utf-8")
    report = build(project)
    assert not report.up_to_date
    html = page(project, "people/leon-trotsky/index.html")
    assert "changes not yet committed" in html and "Last changed" not in html[html.index('class="cite-this-page"') :]
    # committing it rewrites the page although its bytes did not change
    git(repo, "commit", "-q", "-am", "people: Trotsky's death", date="2026-12-02T09:00:00+00:00")
    report = build(project)
    assert "Last changed 2 December 2026" in text(page(project, "people/leon-trotsky/index.html"))
    assert "Last changed 30 November 2026" in text(page(project, "sources/getty-1986/index.html"))


def test_a_shallow_clone_shows_no_history_rather_than_a_wrong_one(repo, tmp_path):
    path = repo / "content/people/leon-trotsky.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nExile.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "people: exile", date="2026-12-01T09:00:00+00:00")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    project = make(clone)
    build(project, clean=True)
    html = page(project, "sources/getty-1986/index.html")
    assert "Last changed" not in html and "History of this page" not in html  # the clone would say 1 December: wrong
    assert "Cite this page" in html and "Last modified" not in text(html)


def test_the_same_commit_builds_the_same_bytes(repo, tmp_path):
    project = make(repo)
    build(project, clean=True)
    first = {p.relative_to(project.output): p.read_bytes() for p in project.output.rglob("*") if p.is_file() and p.name != ".dossier-build.json"}
    other = Project.at(repo, output=tmp_path / "again")
    other.search, other.site_url = False, project.site_url
    build(other, clean=True)
    again = {p.relative_to(other.output): p.read_bytes() for p in other.output.rglob("*") if p.is_file() and p.name != ".dossier-build.json"}
    assert first == again
