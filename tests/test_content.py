"""The real content: complete, connected and strict-clean (issue: the reference content)."""

from __future__ import annotations

import pytest

from dossier.diagnostics import Diagnostics
from dossier.pipeline import Project, read_and_resolve
from dossier.resolve import CiteGroup, Link

from conftest import REPO


@pytest.fixture(scope="module")
def resolved():
    diags = Diagnostics()
    res = read_and_resolve(Project.at(REPO, strict=True), diags)
    assert not diags.fails(strict=True), diags.report()
    return res


def test_coverage_counts(resolved):
    site = resolved.site
    counts = {k: len(site.of_kind(k)) for k in ("person", "group", "event", "source", "article")}
    assert counts["person"] >= 30 and counts["group"] >= 15 and counts["event"] >= 20
    assert counts["source"] >= 8 and counts["article"] >= 3
    debates = sum(len(e.get("debates", [])) for e in site)
    assert debates >= 4


def test_no_orphan_pages(resolved):
    orphans = [e.key for e in resolved.site if not resolved.of(e).backlinks]
    assert orphans == []


def test_every_article_paragraph_cites_a_source(resolved):
    for article in resolved.site.of_kind("article"):
        page = resolved.of(article)
        html = page.rendered.html.split('<div class="footnote">')[0]  # editorial notes need no source
        for para in html.split("<p>")[1:]:
            para = para.split("</p>")[0]
            if len(para) < 200:  # short connective or caption lines
                continue
            assert "\ue003" in para, f"{article.path}: a paragraph without a citation: {para[:80]!r}"


def test_the_bloc_shows_the_liberals_debate_and_its_infobox(resolved):
    bloc = resolved.site.get("group", "bloc-of-oppositions")
    questions = [d["question"] for d in bloc.get("debates", [])]
    assert any("liberals" in q for q in questions)
    assert bloc.get("colorcode") == "red"
    assert set(bloc.get("leaders")) == {"leon-trotsky", "lev-sedov"}
    assert "united-opposition" in bloc.get("predecessor")
    assert {"Trotskyism", "Marxism", "Leninism"} <= set(bloc.get("ideology"))


def test_every_source_is_cited(resolved):
    assert [s.key for s in resolved.site.of_kind("source") if not resolved.of(s).cited_by] == []


def test_links_and_citations_are_plentiful(resolved):
    links = sum(isinstance(r, Link) for p in resolved.entities.values() for r in p.refs)
    cites = sum(isinstance(r, CiteGroup) for p in resolved.entities.values() for r in p.refs)
    assert links >= 500 and cites >= 150


def test_every_page_is_reachable_from_the_home_page_by_links_alone(resolved):
    # what a reader can click on a page: its body's links, its infobox, its
    # derived relations and its "What links here"
    from dossier.incremental import outgoing

    def clickable(key: str) -> set[str]:
        page = resolved.entities[key]
        out = outgoing(resolved, key)
        out |= set(page.backlinks)
        out |= {r.entity.key for items in page.derived.values() for r in items}
        return out & set(resolved.entities)

    seen, todo = {"index"}, ["index"]
    while todo:
        for nxt in sorted(clickable(todo.pop()) - seen):
            seen.add(nxt)
            todo.append(nxt)
    assert sorted(set(resolved.entities) - seen) == []
    # and the story itself, the three articles, are one click from the home page
    assert {a.key for a in resolved.site.of_kind("article")} <= outgoing(resolved, "index")
