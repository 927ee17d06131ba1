"""Addresses that never break: former slugs, redirect pages, renames noticed."""

from __future__ import annotations

import re

from conftest import check_site, messages

from dossier.pipeline import Project, build

SITE = {
    "events/butov-affair.md": "---\ntitle: Butov affair\nformer_slugs: [butov-death, sources/butov-papers]\ndate: 1928\n---\nButov died in prison.\n",
    "people/g-v-butov.md": "---\ntitle: G. V. Butov\n---\nSee [[events/butov-death]] and [[butov-death|his death]].\n",
}


def test_a_former_address_becomes_a_redirect_page_and_a_redirects_line(make_site):
    project = Project.at(make_site(SITE))
    project.search = False
    project.site_url = "https://example.org/dossier"
    build(project, clean=True)
    out = project.output
    page = (out / "events/butov-death/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../../events/butov-affair/">' in page
    assert '<link rel="canonical" href="https://example.org/dossier/events/butov-affair/">' in page
    assert '<a href="../../events/butov-affair/">Butov affair</a>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert (out / "sources/butov-papers/index.html").is_file()  # from another folder
    assert (out / "_redirects").read_text(encoding="utf-8") == (
        "/dossier/events/butov-death/ /dossier/events/butov-affair/ 301\n/dossier/sources/butov-papers/ /dossier/events/butov-affair/ 301\n"
    )


def test_links_by_a_former_slug_resolve_with_a_warning(make_site):
    root = make_site(SITE)
    assert [m for m in messages(check_site(root))] == [
        "content/people/g-v-butov.md:4:5: warning[moved]: the link [[events/butov-death]] uses a former address of 'Butov affair' (write [[events/butov-affair]])",
        "content/people/g-v-butov.md:4:32: warning[moved]: the link [[butov-death|his death]] uses a former slug of 'Butov affair' (write [[events/butov-affair]] or its title)",
    ]
    project = Project.at(root)
    project.search = False
    build(project, clean=True)
    html = (project.output / "people/g-v-butov/index.html").read_text(encoding="utf-8")
    assert html.count('href="../../events/butov-affair/"') >= 2  # both go to the page itself, not through the redirect


def test_a_former_slug_cannot_be_a_page_that_exists_nor_claimed_twice(make_site):
    files = dict(SITE)
    files["events/other.md"] = "---\ntitle: Other\nformer_slugs: [butov-death, g-v-butov]\ndate: 1929\n---\n"
    got = [m for m in messages(check_site(make_site(files))) if "former-slug" in m]
    assert got == [
        "content/events/other.md:3:16: error[former-slug]: 'butov-death' is also claimed as a former slug by content/events/butov-affair.md:3 (an old address can lead to one page only)",
        "content/events/other.md:3:29: error[former-slug]: 'g-v-butov' is the slug of a page that exists: content/people/g-v-butov.md (a former slug must be free: remove it, or rename that page)",
    ]


def test_a_rename_is_noticed_and_the_fix_suggested(make_site):
    root = make_site({"events/butov-death.md": "---\ntitle: Butov's death\ndate: 1928-09\n---\nHe died in prison.\n"})
    project = Project.at(root)
    project.search = False
    build(project)
    (root / "content/events/butov-death.md").rename(root / "content/events/butov-affair.md")
    report = build(project)
    assert [d.format() for d in report.diagnostics] == [
        "content/events/butov-affair.md:1:1: warning[renamed]: this file was content/events/butov-death.md in the last build: its old address will break "
        "(add former_slugs: [butov-death] so that links and bookmarks to it keep working)"
    ]
    path = root / "content/events/butov-affair.md"
    path.write_text(path.read_text(encoding="utf-8").replace("date:", "former_slugs: [butov-death]\ndate:"), encoding="utf-8")
    report = build(project)
    assert not list(report.diagnostics)
    assert re.search(r'url=\.\./\.\./events/butov-affair/', (project.output / "events/butov-death/index.html").read_text(encoding="utf-8"))
