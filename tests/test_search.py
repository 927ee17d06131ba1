"""What the build gives Pagefind of a page (search.search_input): its indexed
element without the parts Pagefind leaves out wholly, or the page as it is
when that cannot be cut out for sure. That Pagefind makes the same bundle of
both is tested on the real site (tests/test_links.py)."""

from __future__ import annotations

from dossier.search import search_input


def page(main: str, head: str = "<title>A page · Dossier</title>", outside: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n{head}\n<script type="application/ld+json">{{"a": "<b>"}}</script>\n</head>\n'
        f'<body>\n<nav><a href="../">Home</a></nav>\n<main>{main}</main>\n{outside}<footer>Built</footer>\n</body>\n</html>\n'
    )


ARTICLE = (
    '<article class="entity" data-pagefind-body data-pagefind-meta="type:person">'
    "<h1>Ivan Smirnov</h1><p>Before.</p>"
    '<section class="neighbourhood" data-pagefind-ignore="all"><h2>Near</h2>'
    "<section><p>nested</p></section><svg><text>drawn</text></svg></section>"
    "<p>Between.</p>"
    '<figure class="place-map" data-pagefind-ignore="all"><figure><p>a map</p></figure></figure>'
    '<p data-pagefind-ignore>Kept: only its words are not indexed.</p>'
    '<section class="cite-this-page" data-pagefind-ignore="all">Cite</section>'
    "<p>After.</p></article>"
)


def test_the_indexed_element_alone_without_what_pagefind_leaves_out():
    cut = search_input(page(ARTICLE, outside="<section><h2>What links here</h2></section>\n"))
    assert cut == (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8"><title>A page · Dossier</title></head><body>'
        '<article class="entity" data-pagefind-body data-pagefind-meta="type:person"><h1>Ivan Smirnov</h1><p>Before.</p>'
        "<p>Between.</p><p data-pagefind-ignore>Kept: only its words are not indexed.</p><p>After.</p></article>"
        "</body></html>\n"
    )


def test_a_page_that_cannot_be_cut_for_sure_is_indexed_whole():
    assert search_input(page("<p>No indexed element.</p>")) is None
    assert search_input(page(ARTICLE + ARTICLE)) is None  # two of them
    assert search_input(page(ARTICLE, outside='<p data-pagefind-meta="date:1932">x</p>')) is None  # read outside it
    assert search_input(page(ARTICLE.replace("<p>Between.</p>", "<!-- </section> --><p>Between.</p>"))) is None
    assert search_input(page(ARTICLE.replace("<p>After.</p>", "<script>'</article>'</script><p>After.</p>"))) is None
    assert search_input(page(ARTICLE.replace("</article>", ""))) is None  # not closed
    unclosed = ARTICLE.replace('Cite</section>', "Cite")
    assert search_input(page(unclosed)) is None
    assert search_input(page(unclosed, outside="<section><h2>What links here</h2></section>\n")) is None  # runs past the element


def test_the_original_title_and_language_or_none():
    cut = search_input(page(ARTICLE, head=""))
    assert cut.startswith('<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8"></head><body><article')
