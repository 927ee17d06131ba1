"""Authority identifiers: checked by their format (and ISNI by its check
character), shown as an authority-control line, given as sameAs in JSON-LD."""

from __future__ import annotations

import json
import re

import pytest
from conftest import check_site, messages

from dossier.pipeline import Project, build

PERSON = "---\ntitle: Leon Trotsky\n{ids}---\nA revolutionary.\n"


@pytest.mark.parametrize(
    "line, message",
    [
        ("wikidata: 33391", "'wikidata' must be a Wikidata identifier such as Q33391, got '33391'"),
        ("viaf: VIAF-12", "'viaf' must be a VIAF identifier such as 99258624, got 'VIAF-12'"),
        ("gnd: 11862376x", "'gnd' must be a GND identifier such as 118623761, got '11862376x'"),
        ("lccn: 79021164", "'lccn' must be an LCCN identifier such as n79021164, got '79021164'"),
        ("isni: 0000 0001 2281 9550", "'isni' must be an ISNI identifier such as 0000 0001 2281 955X, got '0000 0001 2281 9550', whose check character is wrong (a typo?)"),
        ("isni: 0000 0001 2281", "'isni' must be an ISNI identifier such as 0000 0001 2281 955X, got '0000 0001 2281'"),
    ],
)
def test_a_malformed_identifier_is_refused_at_its_place(make_site, line, message):
    root = make_site({"people/leon-trotsky.md": PERSON.format(ids=line + "\n")})
    got = messages(check_site(root))
    assert len(got) == 1 and got[0].startswith("content/people/leon-trotsky.md:3:") and got[0].endswith(message), got


def test_identifiers_make_an_authority_line_and_same_as_links(make_site):
    ids = "wikidata: Q33391\nviaf: 99258624\ngnd: 118623761\nlccn: n79021164\nisni: 0000 0001 2281 955X\n"
    project = Project.at(make_site({"people/leon-trotsky.md": PERSON.format(ids=ids)}))
    project.search = False
    build(project, clean=True)
    html = (project.output / "people/leon-trotsky/index.html").read_text(encoding="utf-8")
    line = html[html.index('class="authority-control"') :]
    links = re.findall(r'<a href="([^"]+)" rel="external">([^<]+)</a>', line[: line.index("</nav>")])
    assert links == [
        ("https://www.wikidata.org/wiki/Q33391", "Wikidata Q33391"),
        ("https://viaf.org/viaf/99258624", "VIAF 99258624"),
        ("https://d-nb.info/gnd/118623761", "GND 118623761"),
        ("https://id.loc.gov/authorities/n79021164", "LCCN n79021164"),
        ("https://isni.org/isni/000000012281955X", "ISNI 000000012281955X"),
    ]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert ld["sameAs"] == [url for url, _label in links]
