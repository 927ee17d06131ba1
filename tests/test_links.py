"""Links: our own crawler (dossier.linkcheck) over a built site.

The crawler is unit-tested on a tiny hand-written folder; then the real
content is built and no internal link, anchor or asset may be broken.
"""

from __future__ import annotations

import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dossier.linkcheck import LinkStats, Problem, check_links, main
from dossier.pipeline import Project, build

REPO = Path(__file__).resolve().parent.parent


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><title>{title}</title>{head}</head>
<body>{body}</body></html>
"""


def page(title: str, body: str = "", head: str = "") -> str:
    return PAGE.format(title=title, body=body, head=head)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write(tmp_path, {
        "index.html": page(
            "Home",
            head='<link rel="stylesheet" href="theme/site.css"><link rel="stylesheet" href="theme/missing.css">',
            body="""
            <h1 id="top-heading">Home</h1>
            <a href="people/">People</a>
            <a href="people/ivan/">Ivan</a>
            <a href="people/ivan">Ivan without the slash</a>
            <a href="people/ivan/index.html#life">Ivan, life</a>
            <a href="people/nobody/">Nobody</a>
            <a href="people/ivan/#death">Ivan, death</a>
            <a href="#top-heading">Up</a>
            <a href="#nowhere">Nowhere here</a>
            <a href="#">Top</a>
            <a href="https://example.org/missing/">External</a>
            <a href="//example.org/x">Protocol-relative</a>
            <a href="mailto:editors@example.org">Mail</a>
            <a href="javascript:alert(1)">Script</a>
            <a href="people/ivan/?q=x#life">With a query</a>
            <img src="img/portrait.png" alt="">
            <img src="img/logo.png" srcset="img/logo.png 1x, img/logo-2x.png 2x" alt="">
            <script src="theme/app.js"></script>
            <a href="../outside.html">Outside</a>
            <a href="caf%C3%A9.html">Café</a>
            """,
        ),
        "people/index.html": page("People", body='<a href="ivan/">Ivan</a> <a href="../">Home</a> <a href="/theme/site.css">abs</a>'),
        "people/ivan/index.html": page("Ivan", body='<h2 id="life">Life</h2><a name="old-anchor"></a><a href="../../index.html#top-heading">Home</a> <a href="#old-anchor">old</a> <a href="/people/#x">missing</a>'),
        "theme/site.css": "body{}",
        "theme/app.js": "",
        "img/logo.png": "png",
        "café.html": page("Café"),
        "pagefind/fragment.html": page("Not crawled", body='<a href="nowhere/">nowhere</a>'),
    })


def test_crawler_reports_each_broken_link_anchor_and_asset(tiny: Path):
    stats = LinkStats()
    problems = check_links(tiny, stats=stats)
    by_url = {(p.page, p.url): p.reason for p in problems}
    assert all(isinstance(p, Problem) and len(p) == 3 for p in problems)
    # a broken link
    assert "no page at /people/nobody/" in by_url[("index.html", "people/nobody/")]
    # a broken anchor, in another page and in the page itself
    assert "'death'" in by_url[("index.html", "people/ivan/#death")]
    assert "'nowhere'" in by_url[("index.html", "#nowhere")]
    assert "'x'" in by_url[("people/ivan/index.html", "/people/#x")]
    # a missing asset: stylesheet, image, srcset candidate
    assert "missing file /theme/missing.css" == by_url[("index.html", "theme/missing.css")]
    assert "missing file /img/portrait.png" == by_url[("index.html", "img/portrait.png")]
    assert "missing file /img/logo-2x.png" == by_url[("index.html", "img/logo-2x.png")]
    # climbing above the root; a script URL
    assert "root" in by_url[("index.html", "../outside.html")]
    assert "javascript" in by_url[("index.html", "javascript:alert(1)")]
    # and nothing else: the good links, external ones and the pagefind bundle pass
    assert len(problems) == 9, [p.format() for p in problems]
    assert stats.pages == 4  # pagefind/ is not crawled
    assert stats.external == 3
    assert stats.anchors >= 6


def test_crawler_on_a_clean_folder_reports_nothing(tmp_path: Path):
    write(tmp_path, {
        "index.html": page("Home", body='<a href="a/">A</a> <a href="a/#s">A, s</a>'),
        "a/index.html": page("A", body='<h2 id="s">S</h2><a href="../">Home</a>'),
    })
    assert check_links(tmp_path) == []


def test_crawler_command_line(tiny: Path, capsys):
    assert main([str(tiny)]) == 1
    out = capsys.readouterr()
    assert "index.html: people/nobody/: no page at /people/nobody/" in out.out
    assert "9 problems" in out.err


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("linkcheck") / "site"
    # on a thread of its own: Pagefind runs through asyncio.run(), which fails
    # on a thread with a running loop (the browser tests' Playwright keeps one)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(build, Project.at(REPO, output=out, use_cache=False), clean=True).result()
    return out


@pytest.mark.slow
def test_real_site_has_no_broken_internal_link_anchor_or_asset(real_site: Path):
    stats = LinkStats()
    problems = check_links(real_site, stats=stats)
    print(f"\nlinkcheck: {stats.pages} pages, {stats.links} links ({stats.internal} internal, "
          f"{stats.anchors} with anchors, {stats.external} external not followed), "
          f"{len(stats.targets)} distinct targets, {len(problems)} problems")
    assert stats.pages > 100
    assert stats.internal > 1000
    assert (real_site / "pagefind" / "0" / "pagefind.js").is_file()
    assert not problems, "broken links:\n" + "\n".join(p.format() for p in problems)


@pytest.mark.slow
def test_the_search_bundle_is_what_pagefind_makes_of_the_whole_pages(real_site: Path, tmp_path: Path):
    """The build gives Pagefind only what it reads of each page
    (search.search_input); Pagefind run on the finished site's whole pages
    (those the build indexes) must write the same bundle, byte for byte."""
    import os
    import subprocess
    import sys

    from dossier.search import page_file, search_input

    whole = tmp_path / "whole"
    cut, sizes = 0, [0, 0]
    indexed_pages = [page_file(k) for k in build(Project.at(REPO, use_cache=False), check_only=True).resolved.entities]
    for rel in map(Path, sorted(indexed_pages)):
        page = real_site / rel
        (whole / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(page, whole / rel)
        html = page.read_text(encoding="utf-8")
        indexed = search_input(html)
        assert indexed is not None, rel  # every indexed page of the real site is cut
        assert len(indexed) < len(html) and "data-pagefind-ignore=\"all\"" not in indexed, rel
        cut, sizes = cut + 1, [sizes[0] + len(indexed), sizes[1] + len(html)]
    assert cut > 100 and sizes[0] < sizes[1] / 2  # less than half the bytes to read
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(whole), "--output-path", str(tmp_path / "bundle"), "--force-language", "en", "--silent"], check=True)

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    made, expected = files(real_site / "pagefind" / "0"), files(tmp_path / "bundle")
    assert len(made) > cut and made == expected
