"""dossier.markup: Markdown -> sanitized HTML with link and citation placeholders."""

from __future__ import annotations

import re

import pytest

from dossier.markup import PLACEHOLDER_RE, RESERVED_IDS, render_markdown, split_sentences, substitute


def resolved_html(body: str) -> str:
    """Render, then replace each placeholder by <X i=kind:inner> to see where it went."""
    r = render_markdown(body)
    return substitute(r.html, lambda i: f"<X {r.refs[i].kind}:{r.refs[i].inner}>")


def inners(body: str) -> list[tuple[str, str]]:
    return [(ref.kind, ref.inner) for ref in render_markdown(body).refs]


@pytest.mark.parametrize(
    "body, element",
    [
        ("Text [[Leon Trotsky]] here.", "p"),
        ("## About [[Leon Trotsky]]", "h3"),
        ("- item [[Leon Trotsky]]", "li"),
        ("> quoted [[Leon Trotsky]]", "blockquote"),
        ("| a | b |\n|---|---|\n| [[Leon Trotsky]] | x |", "td"),
        ("Note[^1].\n\n[^1]: See [[Leon Trotsky]].", "li"),
    ],
)
def test_links_everywhere_become_placeholders(body, element):
    r = render_markdown(body)
    assert [(x.kind, x.inner) for x in r.refs] == [("link", "Leon Trotsky")]
    assert "[[" not in r.html
    html = resolved_html(body)
    # the placeholder sits inside the expected element
    assert re.search(rf"<{element}[^>]*>(?:(?!</{element}>).)*<X link:Leon Trotsky>", html, re.S), html


@pytest.mark.parametrize(
    "body",
    ["Text [@broue-1980].", "## Head [@broue-1980]", "- item [@broue-1980]", "> q [@broue-1980]", "| a |\n|---|\n| [@broue-1980] |", "N[^1].\n\n[^1]: see [@broue-1980]."],
)
def test_citations_everywhere_become_placeholders(body):
    r = render_markdown(body)
    assert [(x.kind, x.inner) for x in r.refs] == [("cite", "@broue-1980")]
    assert "[@" not in r.html


def test_citation_forms():
    assert inners("A [@getty-1986, p. 119]. B [@broue-1980; @getty-1986].") == [
        ("cite", "@getty-1986, p. 119"),
        ("cite", "@broue-1980; @getty-1986"),
    ]


def test_citation_marker_hugs_its_word():
    assert resolved_html("Text [@broue-1980].") == "<p>Text<X cite:@broue-1980>.</p>"


def test_ordinary_markdown_links_are_not_citations():
    r = render_markdown("An [ordinary](https://example.org) link and [a ref].")
    assert r.refs == []
    assert '<a href="https://example.org">ordinary</a>' in r.html


@pytest.mark.parametrize("link", ["[[leon-trotsky|Trotsky]]", "[[leon-trotsky\\|Trotsky]]"])
def test_labelled_link_in_a_table_cell_is_not_split_by_the_table(link):
    r = render_markdown(f"| who | what |\n|---|---|\n| {link} | x |")
    assert [(x.inner, x.raw, x.line, x.column) for x in r.refs] == [("leon-trotsky|Trotsky", link, 3, 3)]
    assert resolved_html(f"| who | what |\n|---|---|\n| {link} | x |").count("<td>") == 2


def test_pipes_in_code_are_kept():
    html = render_markdown("`[[a|b]]` and `a|b`\n\n    [[c|d]]\n").html
    assert "<code>[[a|b]]</code>" in html and "<code>a|b</code>" in html and "[[c|d]]" in html


def test_links_in_code_stay_literal():
    body = "Write `[[Leon Trotsky]]` like this.\n\n```\n[[Lev Sedov]] [@broue-1980]\n```\n"
    r = render_markdown(body)
    assert r.refs == []
    assert "<code>[[Leon Trotsky]]</code>" in r.html
    assert "[[Lev Sedov]] [@broue-1980]" in r.html


def test_link_position_skips_literal_copies_in_code():
    body = "Write `[[x]]` like this.\n\n```\n[[x]]\n```\n\nSee [[x]]."
    [ref] = render_markdown(body).refs
    assert (ref.line, ref.column) == (7, 5)


def test_link_positions_are_body_lines_and_columns():
    refs = render_markdown("First line.\n\nThird [[a]] and [[b|B]].\n- [@c-1]").refs
    assert [(r.raw, r.line, r.column) for r in refs] == [("[[a]]", 3, 7), ("[[b|B]]", 3, 17), ("[@c-1]", 4, 3)]


def test_link_forms_keep_their_inner_text():
    assert inners("[[leon-trotsky|Trotsky]] [[Leon Trotsky#Exile]] [[people/lev-sedov]]") == [
        ("link", "leon-trotsky|Trotsky"),
        ("link", "Leon Trotsky#Exile"),
        ("link", "people/lev-sedov"),
    ]


def test_placeholders_cannot_be_forged():
    r = render_markdown("fake \ue000\ue002\ue010\ue001 placeholder")
    assert r.refs == []
    assert PLACEHOLDER_RE.search(r.html) is None


@pytest.mark.parametrize(
    "raw, forbidden",
    [
        ("<script>alert(1)</script>", ["<script", "alert(1)"]),
        ('<img src="x.png" onerror="alert(1)">', ["onerror", "alert"]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:", "alert"]),
        ('<a href="data:text/html,hi">x</a>', ["data:"]),
        ('<img src="data:image/png;base64,AAAA">', ["data:"]),
        ('<p style="color:red" onclick="x()">p</p>', ["style=", "onclick"]),
        ("<iframe src='https://example.org'></iframe>", ["<iframe"]),
        ("[x](javascript:alert(1))", ["javascript:"]),
    ],
)
def test_raw_html_is_sanitized(raw, forbidden):
    html = render_markdown(f"Before.\n\n{raw}\n\nAfter.").html
    for bad in forbidden:
        assert bad not in html
    assert "<p>Before.</p>" in html and "<p>After.</p>" in html


def test_harmless_raw_html_survives():
    html = render_markdown("H<sub>2</sub>O and <mark>this</mark>.").html
    assert "<sub>2</sub>" in html and "<mark>this</mark>" in html


def test_headings_are_demoted_so_the_page_title_is_the_only_h1():
    r = render_markdown("# Exile\n\n## Death\n\n###### Deep")
    assert "<h1" not in r.html
    assert [(lvl, ident) for lvl, ident, _ in r.headings] == [(2, "exile"), (3, "death"), (6, "deep")]
    assert '<h2 id="exile">Exile</h2>' in r.html


def test_heading_ids_are_unique_and_avoid_reserved_ids():
    r = render_markdown("## Exile\n\n## Exile\n\n## References\n\n## What links here\n\n## Main")
    ids = [ident for _, ident, _ in r.headings]
    assert ids == ["exile", "exile-2", "references-2", "what-links-here-2", "main-2"]
    assert not set(ids) & RESERVED_IDS
    assert len(set(ids)) == len(ids)


def test_heading_text_and_id_read_links_as_written_and_drop_citations():
    r = render_markdown("## Exile of [[Leon Trotsky]] [@broue-1980]\n\n## With [[leon-trotsky|Trotsky]]")
    assert r.headings == [(3, "exile-of-leon-trotsky", "Exile of Leon Trotsky"), (3, "with-trotsky", "With Trotsky")]


def test_heading_ids_avoid_the_numbered_ids_of_notes_and_debates():
    r = render_markdown("## Debate 1\n\n## Ref 2\n\n## Read\n\n## Debate")
    assert [ident for _, ident, _ in r.headings] == ["section-debate-1", "section-ref-2", "read-2", "debate"]


def test_raw_html_cannot_take_a_template_id():
    html = render_markdown('<div id="references">x</div> <span id="what-links-here">y</span> <span id="ref-1">z</span> <span id="mine">w</span>').html
    assert 'id="references"' not in html and 'id="what-links-here"' not in html and 'id="ref-1"' not in html
    assert 'id="mine"' in html


def test_heading_id_from_cyrillic():
    assert render_markdown("# Лев Седов").headings[0][1] == "lev-sedov"


def test_render_is_pure():
    body = "A [[x]] and [@y-1].\n\n## H"
    a, b = render_markdown(body), render_markdown(body)
    assert (a.html, a.refs, a.headings) == (b.html, b.refs, b.headings)


def test_split_sentences_keeps_placeholders_and_footnotes():
    r = render_markdown("One sentence. Another with [[x]].\n\nNote[^1].\n\n[^1]: In a footnote [[y]].")
    sentences = split_sentences(r.html)
    assert sentences[0] == "One sentence."
    assert PLACEHOLDER_RE.search(sentences[1]) and sentences[1].startswith("Another with")
    assert sentences[2] == "Note."
    assert sentences[-1].startswith("In a footnote")


def test_a_link_in_an_attribute_is_its_written_text_and_text_links_are_substituted():
    r = render_markdown("![A photo of [[x]]](p.png) and [[y]]")
    assert [ref.in_attribute for ref in r.refs] == [True, False]
    html = substitute(r.html, lambda i: "<b>TEXT</b>")
    assert html == '<p><img alt="A photo of x" src="p.png"> and <b>TEXT</b></p>'


def test_mistyped_citation_key_is_still_a_citation():
    # so that the resolver reports it instead of leaving "[@Broue-1980]" as text
    assert inners("As shown [@Broue-1980].") == [("cite", "@Broue-1980")]
    assert inners("Mail [me@example.org] or [see below].") == []


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("According to J. Arch Getty, he was born c. 1890 in Kiev. Then he left.", ["According to J. Arch Getty, he was born c. 1890 in Kiev.", "Then he left."]),
        ("See p. 12 of vol. 3 (ch. 4). Done.", ["See p. 12 of vol. 3 (ch. 4).", "Done."]),
        ("He did. The U.S.S.R. Fell.", ["He did.", "The U.S.S.R. Fell."]),
        ("First? Second! Third.", ["First?", "Second!", "Third."]),
    ],
)
def test_split_sentences_does_not_cut_at_abbreviations(text, sentences):
    assert split_sentences(render_markdown(text).html) == sentences
