"""A [[link]] or [@citation] written inside an attribute (a link's address,
an image's source, alt text, a title, a raw HTML attribute) never puts text
the sanitizer did not see into that attribute.

Links and citations are placeholders while the body is sanitized; they are
filled in once every page is read. Filled into an attribute, the label of
``[click]([[alice|javascript:alert(1)]])`` became ``href="javascript:…"``
after the sanitizer had passed. Now a placeholder in a tag is replaced by its
written text *before* a second pass of the sanitizer, the build refuses it
with a ``link-place`` diagnostic, and substitution fills text only.
"""

from __future__ import annotations

import re

import pytest
from conftest import messages, write_site
from test_hostile import _dangerous_url, audit_html

from dossier.diagnostics import Diagnostics
from dossier.markup import PLACEHOLDER_RE, render_markdown, sanitize, substitute
from dossier.pipeline import Project, read_and_resolve
from dossier.views import PageBuilder

HOSTILE = {
    "a": "[click]([[alice|javascript:alert(1)]])",
    "img": "![x]([[alice|data:image/svg+xml,<svg onload=alert(1)>]])",
    "raw": 'Raw <a href="[[alice|javascript:alert(1)]]">r</a> and <img src="[[alice|data:text/html,x]]">.',
    "title": '[t](https://example.org/ "[[alice|x&quot; onmouseover=&quot;alert(1)]]")',
    "alt": "![[[alice|x\" onerror=\"alert(1)]]](https://example.org/p.png)",
    "id": 'Text <span id="[[alice|main]]">s</span>.',
    "cite": "[c]([@src])",
}


def _tags(html: str) -> list[str]:
    return re.findall(r"<[^>]*>", html)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_no_placeholder_is_left_inside_a_tag(name):
    r = render_markdown(HOSTILE[name])
    assert not [t for t in _tags(r.html) if PLACEHOLDER_RE.search(t)]
    assert any(ref.in_attribute for ref in r.refs)
    # what is published in attributes is what the sanitizer let through
    assert sanitize(r.html) == r.html
    assert audit_html(r.html) == []


def test_a_raw_href_gains_no_backslash():
    r = render_markdown('See <a href="[[alice]]">her</a>.')
    assert '<a href="alice">her</a>' in r.html
    assert "\\" not in r.html


def test_attribute_text_is_the_link_as_written():
    assert 'title="title Al"' in render_markdown('[t](u.html "title [[alice|Al]]")').html
    assert 'alt="alt leon trotsky"' in render_markdown("![alt [[people/leon-trotsky]]](p.png)").html
    # a reserved id written through a link is refused like one written plainly
    assert 'id="main"' not in render_markdown(HOSTILE["id"]).html


def test_links_in_text_are_unchanged():
    r = render_markdown("See [[alice|Alice]] and <span>[[bob]]</span>, [@src].")
    assert [ref.in_attribute for ref in r.refs] == [False, False, False]
    assert len(PLACEHOLDER_RE.findall(r.html)) == 3


def test_substitute_never_fills_a_tag():
    html = render_markdown("A [[alice]] link.").html
    placeholder = PLACEHOLDER_RE.search(html).group(0)
    forged = f'<p><a href="{placeholder}">x</a> {placeholder}</p>'
    out = substitute(forged, lambda i: "javascript:alert(1)")
    assert out == '<p><a href="">x</a> javascript:alert(1)</p>'


SITE = {
    "people/alice.md": "---\ntitle: Alice\n---\nHer page.\n",
    "sources/src.md": "---\ntitle: A Source\nkind: secondary\n---\n",
    "people/mallory.md": "---\ntitle: Mallory\nsources: [src]\n---\n" + "\n\n".join(HOSTILE[k] for k in sorted(HOSTILE)) + "\n\nA real link: [[alice|Alice]].\n",
}


def test_the_build_refuses_them_where_they_are_written_and_the_page_is_safe(tmp_path):
    write_site(tmp_path, SITE)
    diags = Diagnostics()
    resolved = read_and_resolve(Project.at(tmp_path), diags)
    found = [m for m in messages(diags) if "[link-place]" in m]
    # every hostile body above is one paragraph, from line 5 on, in sorted order
    expected_lines = [5 + 2 * i for i in range(len(HOSTILE))]
    assert [int(m.split(":")[1]) for m in found] == sorted(expected_lines + [expected_lines[sorted(HOSTILE).index("raw")]])
    assert all(m.startswith("content/people/mallory.md:") for m in found)
    assert any("the citation [@src]" in m for m in found)
    body = str(PageBuilder(resolved, resolved.site.entities["people/mallory"]).body())
    assert audit_html(body) == []
    assert not [u for u in re.findall(r'(?:href|src)="([^"]*)"', body) if _dangerous_url(u)]
    # the real link is still a link
    assert re.search(r'<a class="xref" href="\.\./\.\./people/alice/" data-key="people/alice">Alice</a>', body)
