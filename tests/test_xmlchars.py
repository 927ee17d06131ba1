"""No XML writer emits a character XML 1.0 forbids, whatever it is given;
and the body, like the front matter, refuses them with a diagnostic."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import check_site, messages, write_site

from dossier import network, opendata, timeline
from dossier.diagnostics import Diagnostics
from dossier.pipeline import Project, read_and_resolve
from dossier.views import whole_network
from dossier.xmlchars import FORBIDDEN_XML_RE, xml_safe

BAD = "\x01\x0b\x1b[31m\x00\ud800\ufffe\uffff"


def test_xml_safe_replaces_only_what_xml_forbids():
    assert xml_safe("tab\tnl\ncr\r é — \ue000 \U0001F600 &#10; &#x263A;") == "tab\tnl\ncr\r é — \ue000 \U0001F600 &#10; &#x263A;"
    assert xml_safe("a" + BAD + "b") == "a\ufffd\ufffd\ufffd[31m\ufffd\ufffd\ufffd\ufffdb"
    assert xml_safe("&#1;&#x0B;&#55296;&#xFFFF;&amp;#1;") == "&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&amp;#1;"
    ET.fromstring("<a>" + xml_safe("x" + BAD + "&#1;") + "</a>")


SITE = {
    "people/a.md": "---\ntitle: Person A\nborn: 1900\nmemberships:\n  - {group: g, role: member}\n---\nBody.\n",
    "groups/g.md": "---\ntitle: Group G\nfounded: 1920\n---\nBody.\n",
    "events/e.md": "---\ntitle: Event E\ndate: 1925\nparticipants: [a]\n---\nBody.\n",
    "articles/x.md": "---\ntitle: Article X\ndate: 1999\nsummary: An article.\nabout: [a]\n---\nBody.\n",
}


@pytest.fixture
def poisoned(tmp_path):
    """A valid site whose text fields are then given forbidden characters,
    as if validation had let them through."""
    write_site(tmp_path, SITE)
    diags = Diagnostics()
    resolved = read_and_resolve(Project.at(tmp_path), diags)
    assert not diags.errors
    for e in resolved.site:
        e.fields["title"] = e.fields["title"] + " " + BAD
        if "summary" in e.fields:
            e.fields["summary"] += BAD
    return resolved


def _parses(text: str) -> None:
    ET.fromstring(text.encode("utf-8"))  # expat: XML 1.0, strict


def test_the_atom_feed_sitemap_graphml_and_gexf_stay_xml(poisoned):
    articles = [e for e in poisoned.site if e.kind == "article"]
    feed = opendata.atom_feed(articles, site_name="S" + BAD, site_url="https://example.org/", feed_url="feeds/articles.atom.xml")
    _parses(feed)
    assert "Article X" in feed and "\ufffd" in feed
    _parses(opendata.sitemap_xml(["people/a/", "x" + BAD + "/"], site_url="https://example.org/"))
    graph = whole_network(poisoned)
    for text in (network.to_graphml(graph), network.to_gexf(graph)):
        _parses(text)
        assert "Person A" in text


def test_the_svg_drawings_stay_xml(poisoned):
    graph = whole_network(poisoned)
    pos = network.layout(graph)
    svg = str(network.render_svg(graph, pos, href=lambda k: k + "/", title="Net " + BAD))
    _parses(svg)
    assert "Person A" in svg
    drawn = str(timeline.render_svg(timeline.site_rows(poisoned), href=lambda k: k + "/", title="Timeline " + BAD, id_prefix="tl"))
    assert "Person A" in drawn and not FORBIDDEN_XML_RE.search(drawn)
    assert not [r for r in re.findall(r"&#(?:x([0-9a-fA-F]+)|(\d+));", drawn) if int(r[0], 16) < 32 if r[0]]


def test_a_control_character_in_a_body_is_refused(tmp_path):
    write_site(tmp_path, {"people/a.md": "---\ntitle: A\n---\nFirst line.\nSecond \x1b[31mred.\n"})
    found = messages(check_site(tmp_path))
    assert found == ["content/people/a.md:5:8: error[control-character]: the control character U+001B (ESC) cannot be part of the body (delete it: it is invisible on the page and XML files cannot hold it; a tab or a line break is fine)"]


def test_an_imported_source_with_a_control_character_is_refused_when_read(tmp_path):
    from dossier.cli import main

    (tmp_path / "content" / "sources").mkdir(parents=True)
    data = [{"id": "ctl-2001", "type": "book", "title": "Bad \u0001 title", "issued": {"date-parts": [[2001]]}, "author": [{"family": "Doe", "given": "J."}]}]
    (tmp_path / "refs.json").write_text(json.dumps(data), encoding="utf-8")
    main(["--root", str(tmp_path), "import-sources", str(tmp_path / "refs.json")])
    found = [m for m in messages(check_site(tmp_path)) if "control-character" in m]
    written = list((tmp_path / "content" / "sources").glob("*.md"))
    # the importer writes it as it was given; reading the file refuses it
    assert [f.name for f in written] == ["doe-2001.md"]
    assert found and found[0].startswith("content/sources/doe-2001.md:2:")
