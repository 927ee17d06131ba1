"""Contradictions between pages (issue: the generator guards the evidence, §3).

Each is a warning (an error under --strict) that names both files with their
lines, and only when the dates make the claim certainly impossible.
"""

from __future__ import annotations

import pytest
from conftest import check_site, messages

from dossier.diagnostics import BuildFailed
from dossier.pipeline import Project, build

KIROV = "people/sergei-kirov.md"
PEOPLE = {
    KIROV: "---\ntitle: Sergei Kirov\nborn: 1886-03-27\ndied: 1934-12-01\n---\n",
    "people/lev-sedov.md": "---\ntitle: Lev Sedov\nborn: 1906-02-24\ndied: 1938-02-16\n---\n",
}


def found(make_site, files: dict[str, str], strict: bool = False) -> list[str]:
    return [m for m in messages(check_site(make_site({**PEOPLE, **files}), strict)) if "contradiction" in m]


def test_a_participant_dead_before_the_event_began(make_site):
    got = found(make_site, {"events/trial.md": "---\ntitle: The trial\ndate: 1936-08-19\nend: 1936-08-24\nparticipants: [sergei-kirov, lev-sedov]\n---\n"})
    assert got == [
        "content/events/trial.md:5:16: warning[contradiction]: 'participants' names Sergei Kirov, who died 1 December 1934 "
        "(content/people/sergei-kirov.md:4), before The trial began (19 August 1936) (one of the dates is wrong, or the relation is)"
    ]


def test_a_participant_not_yet_born_when_it_ended(make_site):
    got = found(make_site, {"events/revolution.md": "---\ntitle: The revolution of 1905\ndate: 1905-01\nend: 1905-12\nparticipants: [lev-sedov]\n---\n"})
    assert got == [
        "content/events/revolution.md:5:16: warning[contradiction]: 'participants' names Lev Sedov, who was born 24 February 1906 "
        "(content/people/lev-sedov.md:3), after The revolution of 1905 ended (December 1905) (one of the dates is wrong, or the relation is)"
    ]


@pytest.mark.parametrize("died", ["1934?", "1934~", "193X", "1934/1936", "1934-12~"])
def test_an_overlap_that_uncertainty_allows_is_not_reported(make_site, died):
    files = {KIROV: f'---\ntitle: Sergei Kirov\ndied: "{died}"\n---\n', "events/e.md": "---\ntitle: E\ndate: 1935-01\nparticipants: [sergei-kirov]\n---\n"}
    assert found(make_site, files) == []


def test_a_membership_outside_the_life_and_outside_the_group(make_site):
    files = {
        "people/lev-sedov.md": "---\ntitle: Lev Sedov\nborn: 1906-02-24\ndied: 1938-02-16\nmemberships:\n  - group: bloc\n    from: 1905\n    to: 1940\n---\n",
        "groups/bloc.md": "---\ntitle: The bloc\nfounded: 1932\ndissolved: 1933\n---\n",
    }
    got = found(make_site, files)
    assert got == [
        "content/people/lev-sedov.md:7:11: warning[contradiction]: the membership of The bloc begins (1905) before Lev Sedov was born (24 February 1906, content/people/lev-sedov.md:3) (one of the dates is wrong)",
        "content/people/lev-sedov.md:7:11: warning[contradiction]: the membership of The bloc begins (1905) before The bloc was founded (1932, content/groups/bloc.md:3) (one of the dates is wrong)",
        "content/people/lev-sedov.md:8:9: warning[contradiction]: the membership of The bloc ends (1940) after Lev Sedov died (16 February 1938, content/people/lev-sedov.md:4) (one of the dates is wrong)",
        "content/people/lev-sedov.md:8:9: warning[contradiction]: the membership of The bloc ends (1940) after The bloc was dissolved (1933, content/groups/bloc.md:4) (one of the dates is wrong)",
    ]


def test_a_leader_dead_before_the_group_was_founded(make_site):
    got = found(make_site, {"groups/centre.md": "---\ntitle: The centre\nfounded: 1936\nleaders: [sergei-kirov]\n---\n"})
    assert len(got) == 1 and got[0].startswith("content/groups/centre.md:4:11: warning[contradiction]: 'leaders' names Sergei Kirov, who died 1 December 1934 (content/people/sergei-kirov.md:4)")


def test_a_source_dated_after_its_authors_death_unless_posthumous(make_site):
    source = "---\ntitle: Diary\nkind: primary\nauthor: Lev Sedov\ndate: 1958\n{extra}---\n[@diary]\n"
    got = found(make_site, {"sources/diary.md": source.format(extra="")})
    assert got == [
        "content/sources/diary.md:4:9: warning[contradiction]: the source is dated 1958, after its author Lev Sedov died (16 February 1938, content/people/lev-sedov.md:4) "
        "(if it was published after the author's death, say so with posthumous: true)"
    ]
    assert found(make_site, {"sources/diary.md": source.format(extra="posthumous: true\n")}) == []


def test_a_part_outside_the_whole_and_a_predecessor_after_its_successor(make_site):
    files = {
        "events/trials.md": "---\ntitle: Moscow trials\ndate: 1936\nend: 1938\n---\n",
        "events/kirov.md": "---\ntitle: Kirov murder\ndate: 1934-12-01\npart_of: trials\n---\n",
        "groups/old.md": "---\ntitle: Old group\nfounded: 1935\n---\n",
        "groups/new.md": "---\ntitle: New group\nfounded: 1932\npredecessor: [old]\n---\n",
    }
    got = found(make_site, files)
    assert got == [
        "content/events/kirov.md:4:10: warning[contradiction]: 'part_of' names Moscow trials, which began 1936 (content/events/trials.md:3), after Kirov murder began (1 December 1934) (one of the dates is wrong, or the relation is)",
        "content/groups/new.md:4:15: warning[contradiction]: 'predecessor' names Old group, which was founded 1935 (content/groups/old.md:3), after New group was founded (1932) (one of the dates is wrong, or the relation is)",
    ]


def test_contradictions_fail_a_strict_build(make_site):
    root = make_site({**PEOPLE, "events/trial.md": "---\ntitle: The trial\ndate: 1936-08-19\nparticipants: [sergei-kirov]\n---\n"})
    project = Project.at(root, strict=True)
    project.search = False
    with pytest.raises(BuildFailed) as failed:
        build(project)
    assert [d.code for d in failed.value.diagnostics] == ["contradiction"]
    project.strict = False
    build(project)  # a warning otherwise


def test_a_role_that_restates_a_group_relation_is_a_warning(make_site):
    files = {
        "groups/left-opposition.md": "---\ntitle: Left Opposition\nleaders: [lev-sedov]\n---\n",
        "people/lev-sedov.md": "---\ntitle: Lev Sedov\nroles:\n  - Editor of the Bulletin\n  - Leader of the Left Opposition\n---\n",
        "people/ivan-smirnov.md": "---\ntitle: Ivan Smirnov\nroles: [Co-leader of the left opposition]\n---\n",
    }
    got = [m for m in messages(check_site(make_site(files))) if "role-is-a-relation" in m]
    assert len(got) == 2, got
    sedov = next(m for m in got if "lev-sedov.md" in m)
    assert "lev-sedov.md:5:" in sedov and "already lists lev-sedov in its leaders" in sedov, sedov
    smirnov = next(m for m in got if "ivan-smirnov.md" in m)
    assert "list ivan-smirnov in the leaders of" in smirnov, smirnov
    # a role that names no group page is a role
    assert not any("Editor of the Bulletin" in m for m in got)
