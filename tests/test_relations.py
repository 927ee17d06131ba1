"""A relation is declared once, in the schema, and shows everywhere.

A test schema adds a field that no code knows about; with no other change it
must appear on both pages (infobox, inverse section, "What links here"), in
the network, in the JSON-LD and in the CSV and JSON downloads.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

from dossier.pipeline import Project, build
from dossier.schema import SCHEMA, Edge, Field, RefList, Relation

WITNESSES = Field(
    "witnesses",
    RefList("person"),
    "people who saw it",
    label="Witnesses",
    relation=Relation(
        inverse="Witnessed",
        phrase="list {} as a witness",
        edge=Edge("witness", "witnessed", 8),
        edge_from_target=True,
        jsonld="contributor",
        note="span",
        place=95,
    ),
)
TEST_SCHEMA = SCHEMA.extend("event", WITNESSES, name="test-witnesses")

SITE = {
    "people/anna-ivanova.md": "---\ntitle: Anna Ivanova\nborn: 1901\n---\nA teacher.\n",
    "people/boris-petrov.md": "---\ntitle: Boris Petrov\n---\nA clerk.\n",
    "events/the-meeting.md": "---\ntitle: The meeting\ndate: 1932-10\nwitnesses: [anna-ivanova]\nparticipants: [boris-petrov]\n---\nA meeting.\n",
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        self._in_ld = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_endtag(self, tag):
        self._in_ld = False

    def handle_data(self, data):
        (self.ld if self._in_ld else self.parts).append(data)


def _page(out, path):
    p = _Text()
    p.feed((out / path).read_text(encoding="utf-8"))
    return " ".join(" ".join(p.parts).split()), [json.loads(x) for x in p.ld]


def test_a_relation_declared_in_the_schema_appears_everywhere(make_site):
    root = make_site(SITE)
    project = Project.at(root)
    project.schema = TEST_SCHEMA
    project.search = False
    build(project, clean=True)
    out = project.output

    event_text, event_ld = _page(out, "events/the-meeting/index.html")
    assert "Witnesses Anna Ivanova" in event_text  # the infobox row, linked
    person_text, _ = _page(out, "people/anna-ivanova/index.html")
    assert re.search(r"Witnessed The meeting\b.*October 1932", person_text)  # the inverse section, with the event's date
    assert "Events that list Anna Ivanova as a witness" in person_text  # What links here
    # nothing of the relation on the page of a person it does not name
    other_text, _ = _page(out, "people/boris-petrov/index.html")
    assert "Witnessed" not in other_text

    (ld,) = event_ld
    assert [r["name"] for r in ld["contributor"]] == ["Anna Ivanova"]
    assert ld["contributor"][0]["@type"] == "Person"

    graphml = (out / "data/network.graphml").read_text(encoding="utf-8")
    edge = re.search(r'<edge source="people/anna-ivanova" target="events/the-meeting" id="e\d+">(.*?)</edge>', graphml, re.S)
    assert edge and ">witness<" in edge.group(1) and ">witnessed<" in edge.group(1)

    events = list(csv.DictReader(io.StringIO((out / "data/events.csv").read_text(encoding="utf-8"))))
    assert events[0]["witnesses"] == "anna-ivanova"
    relations = list(csv.reader(io.StringIO((out / "data/relations.csv").read_text(encoding="utf-8"))))
    assert ["events/the-meeting", "witnesses", "people/anna-ivanova"] in relations

    dataset = json.loads((out / "data/dossier.json").read_text(encoding="utf-8"))
    person = next(e for e in dataset["entities"] if e["key"] == "people/anna-ivanova")
    assert person["relations"] == {"Witnessed": ["events/the-meeting"]}


def test_the_default_schema_does_not_know_the_test_relation(make_site, tmp_path):
    """The same site under the default schema: the field is refused, so the
    relation above really comes from the test schema's declaration."""
    from dossier.diagnostics import BuildFailed

    root = make_site(SITE)
    project = Project.at(root)
    project.search = False
    try:
        build(project, clean=True)
    except BuildFailed as failed:
        assert any(d.code == "unknown-field" and "witnesses" in d.message for d in failed.diagnostics)
    else:
        raise AssertionError("the default schema accepted 'witnesses'")
