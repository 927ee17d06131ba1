"""The amalgams as evidence: charges on events (issue: the amalgams as evidence).

An event's ``charges`` record who was accused of what, by whom, on what
basis and what became of it; the accused's and the accuser's pages, the
event's matrix, the page of every charge, the CSV and the dataset show them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from conftest import check_site, messages

from dossier.diagnostics import BuildFailed
from dossier.pipeline import Project, build

TRIAL = """\
---
title: Trial of the Sixteen
date: 1936-08-19
end: 1936-08-24
charges:
  - accused: [grigory-zinoviev, lev-kamenev]
    charge: Organised the murder of Kirov on Trotsky's instructions.
    claimed_by: andrei-vyshinsky
    basis: confession
    status: refuted
    note: No document links them to the murder.
    cite: ["getty-1985, p. 207"]
  - accused: [grigory-zinoviev]
    charge: Formed a bloc with the Trotskyists in 1932.
    claimed_by: andrei-vyshinsky
    basis: [confession, document]
    status: documented
    cite: ["broue-1980, p. 5"]
---
The first Moscow trial.
"""

SITE = {
    "events/trial-of-the-sixteen.md": TRIAL,
    "people/grigory-zinoviev.md": "---\ntitle: Grigory Zinoviev\nborn: 1883\ndied: 1936-08-25\n---\n",
    "people/lev-kamenev.md": "---\ntitle: Lev Kamenev\nborn: 1883\ndied: 1936-08-25\n---\n",
    "people/andrei-vyshinsky.md": "---\ntitle: Andrei Vyshinsky\nborn: 1883\ndied: 1954\n---\n",
    "sources/getty-1985.md": "---\ntitle: Origins of the Great Purges\nkind: secondary\nauthor: J. Arch Getty\ndate: 1985\n---\n",
    "sources/broue-1980.md": "---\ntitle: Trotsky et le bloc\nkind: secondary\nauthor: Pierre Broué\ndate: 1980\n---\n",
}


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u2060", "").split())


@pytest.fixture
def out(make_site):
    project = Project.at(make_site(SITE))
    project.search = False
    build(project, clean=True)
    return project.output


def read(out, path):
    return (out / path).read_text(encoding="utf-8")


def test_the_event_shows_the_matrix_with_a_status_in_each_cell(out):
    page = read(out, "events/trial-of-the-sixteen/index.html")
    matrix = page[page.index('class="charge-matrix"') : page.index("</table>", page.index('class="charge-matrix"'))]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", matrix, re.S)
    cells = {text(r).split(" ")[1]: [text(c) for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in rows}
    assert cells == {"Zinoviev": ["refuted", "documented"], "Kamenev": ["refuted", "– not accused of this"]}  # the dash for the eye, the words for a screen reader
    legend = text(page[page.index('class="charge-legend"') :])
    assert "confession only nothing supports it but the accused's own confession" in legend
    table = text(page[page.index('class="charge-table"') :])
    assert "Grigory Zinoviev , Lev Kamenev Organised the murder of Kirov on Trotsky's instructions. Andrei Vyshinsky confession refuted No document links them to the murder." in table
    assert "confession, document" in table


def test_the_accused_and_the_accuser_list_the_charges_with_status_and_note(out):
    kamenev = text(read(out, "people/lev-kamenev/index.html"))
    assert re.search(r"Accused Trial of the Sixteen \(Organised the murder of Kirov on Trotsky's instructions, refuted\) \[1, p\. 207\]", kamenev)
    vyshinsky = text(read(out, "people/andrei-vyshinsky/index.html"))
    assert "Accusations made Trial of the Sixteen (Organised the murder" in vyshinsky and "Formed a bloc with the Trotskyists in 1932, documented" in vyshinsky


def test_every_charge_over_time_by_status_and_by_person(out):
    every = text(read(out, "charges/index.html"))
    assert "Trial of the Sixteen" in every and "refuted (1)" in every and "documented (1)" in every
    assert re.search(r"By person Lev Kamenev : Trial of the Sixteen \( refuted \) Grigory Zinoviev : Trial of the Sixteen \( refuted \); Trial of the Sixteen \( documented \)", every)
    refuted = text(read(out, "charges/refuted/index.html"))
    assert "Organised the murder" in refuted and "Formed a bloc" not in refuted
    assert not (out / "charges/retracted").exists()  # no page for a status nobody has


def test_charges_in_the_csv_and_the_dataset(out):
    rows = list(csv.DictReader(io.StringIO(read(out, "data/charges.csv"))))
    assert [(r["event"], r["accused"], r["status"], r["basis"], r["cite"]) for r in rows] == [
        ("events/trial-of-the-sixteen", "people/grigory-zinoviev", "documented", "confession; document", "broue-1980, p. 5"),
        ("events/trial-of-the-sixteen", "people/grigory-zinoviev; people/lev-kamenev", "refuted", "confession", "getty-1985, p. 207"),
    ]
    dataset = json.loads(read(out, "data/dossier.json"))
    trial = next(e for e in dataset["entities"] if e["key"] == "events/trial-of-the-sixteen")
    assert [c["status"] for c in trial["fields"]["charges"]] == ["refuted", "documented"]
    assert trial["relations"] == {} and "people/lev-kamenev" in trial["references"]["charges"]


def bad(make_site, old: str, new: str, strict: bool = False) -> list[str]:
    files = dict(SITE)
    files["events/trial-of-the-sixteen.md"] = TRIAL.replace(old, new)
    return messages(check_site(make_site(files), strict))


def test_an_unknown_status(make_site):
    assert [m for m in bad(make_site, "status: refuted", "status: disproved") if "error" in m] == [
        "content/events/trial-of-the-sixteen.md:10:13: error[vocabulary]: 'status' expected one of documented, confession-only, retracted, refuted, unresolved, got 'disproved'"
    ]


def test_an_unknown_accused(make_site):
    got = bad(make_site, "[grigory-zinoviev, lev-kamenev]", "[grigory-zinoviev, lev-kamenyev]")
    assert got == ["content/events/trial-of-the-sixteen.md:6:33: error[relation]: 'accused' in 'charges' names 'lev-kamenyev', which does not exist (did you mean 'lev-kamenev'?)"]


def test_a_charge_against_someone_dead_before_the_event_is_an_error(make_site):
    files = dict(SITE)
    files["people/lev-kamenev.md"] = "---\ntitle: Lev Kamenev\nborn: 1883\ndied: 1930\n---\n"
    got = messages(check_site(make_site(files)))
    assert got == [
        "content/events/trial-of-the-sixteen.md:6:33: error[contradiction]: 'accused' in 'charges' names Lev Kamenev, who died 1930 (content/people/lev-kamenev.md:4), "
        "before Trial of the Sixteen began (19 August 1936) (one of the dates is wrong, or the relation is)"
    ]


def test_a_charge_without_a_citation_fails_a_strict_build(make_site):
    files = dict(SITE)
    files["events/trial-of-the-sixteen.md"] = TRIAL.replace('    cite: ["broue-1980, p. 5"]\n', "")
    files["sources/broue-1980.md"] += "[@broue-1980]\n"
    project = Project.at(make_site(files), strict=True)
    project.search = False
    with pytest.raises(BuildFailed) as failed:
        build(project)
    assert [d.format() for d in failed.value.diagnostics] == [
        'content/events/trial-of-the-sixteen.md:13:5: warning[uncited]: the charge has no citation (say where it is documented: cite: ["source-slug, p. 12"])'
    ]


def test_the_page_of_every_charge_names_each_charge_s_sources_with_their_locators(out):
    # that page has no numbered notes: each row names and links its sources
    every = read(out, "charges/refuted/index.html")
    row = every[every.index("Organised the murder") : every.index("</tr>", every.index("Organised the murder"))]
    assert re.search(r'\(Sources: <a class="xref" href="\.\./\.\./sources/getty-1985/">Origins of the Great Purges</a>, p\. 207\)', row), row
    documented = text(read(out, "charges/documented/index.html"))
    assert "(Sources: Trotsky et le bloc , p. 5)" in documented
