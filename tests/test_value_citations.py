"""A source for one relation or one value (issue: the generator guards the evidence, §2).

A membership carries its own ``cite:``; a single value of a list field is
written ``{value: …, cite: […]}``. Each citation is numbered with the page's
other notes, shown beside that value in the infobox and beside the relation
on the other side's page, and listed in the source's "Cited by".
"""

from __future__ import annotations

import re
import textwrap

from conftest import check_site, messages

from dossier.pipeline import Project, build

SITE = {
    "people/leon-trotsky.md": """\
        ---
        title: Leon Trotsky
        memberships:
          - group: left-opposition
            role: leader
            cite: ["broue-1980, p. 12"]
        ideology:
        ---
        He wrote to [[Lev Sedov]] [@getty-1986, p. 24].
        """,
    "people/lev-sedov.md": "---\ntitle: Lev Sedov\n---\nHis son.\n",
    "groups/left-opposition.md": """\
        ---
        title: Left Opposition
        leaders:
          - leon-trotsky
          - value: lev-sedov
            cite: ["broue-1980, § The Trotskyist group", "getty-1986, p. 28"]
        ideology:
          - value: Trotskyism
            cite: ["getty-1986, p. 30"]
        ---
        The opposition [@broue-1980, p. 5].
        """,
    "sources/broue-1980.md": "---\ntitle: Trotsky et le bloc\nkind: secondary\nauthor: Pierre Broué\ndate: 1980\n---\nThe article.\n",
    "sources/getty-1986.md": "---\ntitle: Trotsky in Exile\nkind: secondary\nauthor: J. Arch Getty\ndate: 1986\n---\nThe article.\n",
}


def _fix(files):
    out = {k: textwrap.dedent(v) for k, v in files.items()}
    out["people/leon-trotsky.md"] = out["people/leon-trotsky.md"].replace("ideology:\n", "")
    return out


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _built(make_site):
    project = Project.at(make_site(_fix(SITE)))
    project.search = False
    build(project, clean=True)
    return project.output


def test_a_value_and_a_membership_carry_their_own_notes_on_both_pages(make_site):
    out = _built(make_site)
    group = (out / "groups/left-opposition/index.html").read_text(encoding="utf-8")
    infobox = group[group.index('class="infobox"') : group.index("</aside>")]
    # the infobox comes first: Sedov's two citations are notes 1 and 2, the ideology's note 2 again (same source)
    assert re.search(r"Lev Sedov</a>\u2060<sup[^>]*>.*?\[1, § The Trotskyist group\].*?\[2, p\. 28\]", infobox, re.S)
    assert re.search(r"Trotskyism\u2060<sup[^>]*>.*?\[2, p\. 30\]", infobox, re.S)
    assert "Leon Trotsky</a><" in infobox.replace("\u2060", "")  # the value without a citation has no note
    # the membership, cited on Trotsky's page, shows on the group's page beside that member
    members = group[group.index('id="rel-members"') :]
    assert re.search(r"Leon Trotsky</a> <span class=\"note\">\(leader\)</span>\u2060<sup[^>]*>.*?\[1, p\. 12\]", members, re.S)

    sedov = (out / "people/lev-sedov/index.html").read_text(encoding="utf-8")
    led = sedov[sedov.index('class="row field-inverse-led"') : sedov.index("</aside>")]
    # on Sedov's page the leadership, in his infobox, comes with the two citations, numbered in his notes
    assert re.search(r"Left Opposition</a>.*?\[1, § The Trotskyist group\].*?\[2, p\. 28\]", led, re.S)
    references = _text(sedov[sedov.index('id="references"') :])
    assert "Broué" in references and "Getty" in references

    trotsky = (out / "people/leon-trotsky/index.html").read_text(encoding="utf-8")
    box = trotsky[trotsky.index('class="infobox"') : trotsky.index("</aside>")]
    assert re.search(r"Left Opposition</a> <span class=\"note\">\(leader\)</span>\u2060<sup[^>]*>.*?\[1, p\. 12\]", box, re.S)
    # the body's citation is numbered after the infobox's
    assert "[2, p. 24]" in trotsky


def test_the_source_lists_each_value_it_supports(make_site):
    out = _built(make_site)
    broue = _text((out / "sources/broue-1980/index.html").read_text(encoding="utf-8"))
    cited = broue[broue.index("Cited by") :]
    assert "Left Opposition" in cited and "leaders" in cited and "Lev Sedov" in cited
    assert "memberships" in cited and "Left Opposition (leader)" in cited


def test_a_citation_of_a_value_to_no_source_is_an_error_at_its_place(make_site):
    files = _fix(SITE)
    files["groups/left-opposition.md"] = files["groups/left-opposition.md"].replace("getty-1986, p. 28", "gety-1986, p. 28")
    root = make_site(files)
    got = messages(check_site(root))
    line = files["groups/left-opposition.md"].splitlines()[5]
    column = line.index('"gety-1986') + 1
    assert f"content/groups/left-opposition.md:6:{column}: error[citation]: 'leaders' cites 'gety-1986', which is not a source (did you mean 'getty-1986'?)" in got, got


def test_a_value_with_a_citation_but_no_value_is_refused(make_site):
    files = _fix(SITE)
    files["groups/left-opposition.md"] = files["groups/left-opposition.md"].replace("  - value: lev-sedov\n", "  - valu: lev-sedov\n")
    got = messages(check_site(make_site(files)))
    assert got == ["content/groups/left-opposition.md:5:5: error[unknown-field]: unknown field 'valu' for a value with its own citation (it takes 'value' and 'cite')"]
