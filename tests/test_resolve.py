"""dossier.resolve: links, derived (inverse) relations, backlinks, citations."""

from __future__ import annotations

import pytest
from conftest import messages

from dossier.diagnostics import Diagnostics
from dossier.pipeline import Project, read_and_resolve
from dossier.resolve import CiteGroup, Link


def resolve_site(root):
    diags = Diagnostics()
    res = read_and_resolve(Project.at(root), diags)
    return res, messages(diags)


def page(res, key):
    return res.entities[key]


def links(res, key) -> list[tuple[str | None, str, str]]:
    return [(r.target.key if r.target else None, r.label, r.fragment) for r in page(res, key).refs if isinstance(r, Link)]


def derived(res, key) -> dict[str, list[tuple[str, str]]]:
    return {section: [(r.entity.key, r.note) for r in items] for section, items in page(res, key).derived.items()}


TROTSKY = "---\ntitle: Leon Trotsky\naliases: [The Old Man]\nnative_name: Лев Троцкий\n---\n## Exile\n\nIn Turkey.\n"
ZINOVIEV = "---\ntitle: Grigory Zinov'ev\n---\n"


# Links ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link, label",
    [
        ("[[leon-trotsky]]", "Leon Trotsky"),  # slug: shown with its title
        ("[[Leon Trotsky]]", "Leon Trotsky"),  # title
        ("[[leon trotsky]]", "leon trotsky"),  # case folded; the text as written
        ("[[The Old Man]]", "The Old Man"),  # alias
        ("[[the old man.]]", "the old man."),  # punctuation folded
        ("[[Лев Троцкий]]", "Лев Троцкий"),  # native name
        ("[[people/leon-trotsky]]", "Leon Trotsky"),  # type/slug
        ("[[leon-trotsky|Trotsky]]", "Trotsky"),  # label
        ("[[The Old Man|him]]", "him"),
    ],
)
def test_link_resolves(make_site, link, label):
    root = make_site({"people/leon-trotsky.md": TROTSKY, "people/a.md": f"---\ntitle: A\n---\nSee {link}.\n"})
    res, msgs = resolve_site(root)
    assert msgs == []
    assert links(res, "people/a") == [("people/leon-trotsky", label, "")]


@pytest.mark.parametrize("link", ["[[Grigory Zinovev]]", "[[GRIGORY ZINOV’EV]]", "[[Grigóry Zinov'ev]]"])
def test_link_resolves_folded_spellings(make_site, link):
    root = make_site({"people/z.md": ZINOVIEV, "people/a.md": f"---\ntitle: A\n---\n{link}\n"})
    res, msgs = resolve_site(root)
    assert msgs == []
    assert links(res, "people/a")[0][0] == "people/z"


def test_section_link_keeps_the_fragment(make_site):
    root = make_site({"people/leon-trotsky.md": TROTSKY, "people/a.md": "---\ntitle: A\n---\n[[Leon Trotsky#Exile]] [[leon-trotsky#exile|there]]\n"})
    res, msgs = resolve_site(root)
    assert msgs == []
    assert links(res, "people/a") == [("people/leon-trotsky", "Leon Trotsky § Exile", "exile"), ("people/leon-trotsky", "there", "exile")]


def test_link_to_a_missing_section(make_site):
    root = make_site({"people/leon-trotsky.md": TROTSKY, "people/a.md": "---\ntitle: A\n---\n[[Leon Trotsky#Death]]\n"})
    _, msgs = resolve_site(root)
    assert msgs == ["content/people/a.md:4:1: error[link-section]: the link [[Leon Trotsky#Death]]: 'Leon Trotsky' has no section 'Death' (its sections: 'Exile')"]


def test_type_slug_link_to_nothing(make_site):
    root = make_site({"people/leon-trotsky.md": TROTSKY, "people/a.md": "---\ntitle: A\n---\n[[groups/leon-trotsky]]\n"})
    _, msgs = resolve_site(root)
    assert msgs == [
        "content/people/a.md:4:1: error[link]: the link [[groups/leon-trotsky]] matches no page: there is no group 'leon-trotsky' (did you mean 'Leon Trotsky'?)"
    ]


def test_type_slug_link_disambiguates(make_site):
    root = make_site(
        {
            "people/a.md": "---\ntitle: A\naliases: [Bloc]\n---\n",
            "groups/b.md": "---\ntitle: B\naliases: [bloc]\n---\n",
            "people/c.md": "---\ntitle: C\n---\n[[groups/b]]\n",
        }
    )
    res, msgs = resolve_site(root)
    assert links(res, "people/c") == [("groups/b", "B", "")]
    assert not any("people/c.md" in m for m in msgs)


def test_citations_resolve_with_locators(make_site):
    root = make_site(
        {
            "sources/broue-1980.md": "---\ntitle: B\nkind: secondary\n---\n",
            "sources/getty-1986.md": "---\ntitle: G\nkind: secondary\n---\n",
            "people/a.md": "---\ntitle: A\n---\nOne [@broue-1980, p. 12]. Two [@broue-1980; @getty-1986, 119].\n",
        }
    )
    res, msgs = resolve_site(root)
    assert msgs == []
    cites = [[(c.key, c.locator) for c in r.cites] for r in page(res, "people/a").refs if isinstance(r, CiteGroup)]
    assert cites == [[("broue-1980", "p. 12")], [("broue-1980", ""), ("getty-1986", "119")]]


# Derived relations ------------------------------------------------------------


@pytest.fixture
def rich(make_site):
    root = make_site(
        {
            "people/leon-trotsky.md": "---\ntitle: Leon Trotsky\nmemberships:\n  - group: left-opposition\n    role: leader\n    from: 1923\n    to: 1928\n---\n",
            "people/lev-sedov.md": "---\ntitle: Lev Sedov\nmemberships:\n  - group: left-opposition\n---\n",
            "people/ivan-smirnov.md": "---\ntitle: Ivan Smirnov\n---\n",
            "groups/left-opposition.md": "---\ntitle: Left Opposition\nleaders: [leon-trotsky]\nfounded: 1923\nsuccessor: [bloc]\n---\n",
            "groups/united-opposition.md": "---\ntitle: United Opposition\nmembers: [ivan-smirnov]\n---\n",
            "groups/bloc.md": "---\ntitle: Bloc\nmerger: [left-opposition, smirnov-group]\npredecessor: [united-opposition]\n---\n",
            "groups/smirnov-group.md": "---\ntitle: Smirnov group\npart_of: [bloc]\n---\n",
            "events/trial.md": "---\ntitle: Trial\ndate: 1936-08\nparticipants: [ivan-smirnov]\ngroups: [bloc]\n---\n",
            "events/arrest.md": "---\ntitle: Arrest\ndate: 1933-01-01\nparticipants: [ivan-smirnov]\npart_of: moscow-trials\n---\n",
            "events/moscow-trials.md": "---\ntitle: Moscow trials\ndate: 1932/1938\n---\n",
            "events/undated-ish.md": '---\ntitle: Exile\ndate: "193X"\nparticipants: [ivan-smirnov]\npart_of: moscow-trials\n---\n',
            "articles/essay.md": "---\ntitle: Essay\nabout: [bloc, lev-sedov]\n---\n",
        }
    )
    res, msgs = resolve_site(root)
    assert msgs == []
    return res


def test_memberships_appear_under_the_groups_members(rich):
    assert derived(rich, "groups/left-opposition")["Members"] == [("people/leon-trotsky", "leader, 1923–1928"), ("people/lev-sedov", "")]


def test_leaders_appear_as_led_on_the_person(rich):
    assert derived(rich, "people/leon-trotsky")["Led"] == [("groups/left-opposition", "1923 – ?")]


def test_group_members_appear_as_member_of_on_the_person(rich):
    assert derived(rich, "people/ivan-smirnov")["Member of"] == [("groups/united-opposition", "")]


def test_merger_appears_as_merged_into(rich):
    assert derived(rich, "groups/left-opposition")["Merged into"] == [("groups/bloc", "")]
    assert derived(rich, "groups/smirnov-group")["Merged into"] == [("groups/bloc", "")]


def test_predecessor_and_successor_mirror(rich):
    assert derived(rich, "groups/united-opposition")["Succeeded by"] == [("groups/bloc", "")]
    assert derived(rich, "groups/bloc")["Preceded by"] == [("groups/left-opposition", "")]


def test_group_part_of_lists_the_wings_on_the_whole(rich):
    assert derived(rich, "groups/bloc")["Wings and member groups"] == [("groups/smirnov-group", "")]


def test_event_participants_appear_on_the_person_in_date_order(rich):
    # ordered by the earliest each could be: "193X" starts in 1930
    assert derived(rich, "people/ivan-smirnov")["Events"] == [
        ("events/undated-ish", "the 1930s"),
        ("events/arrest", "1 January 1933"),
        ("events/trial", "August 1936"),
    ]


def test_event_groups_appear_on_the_group(rich):
    assert derived(rich, "groups/bloc")["Events"] == [("events/trial", "August 1936")]


def test_event_part_of_lists_the_parts(rich):
    assert derived(rich, "events/moscow-trials")["Parts"] == [("events/undated-ish", "the 1930s"), ("events/arrest", "1 January 1933")]


def test_article_about_appears_on_the_subjects(rich):
    assert derived(rich, "groups/bloc")["Articles"] == [("articles/essay", "")]
    assert derived(rich, "people/lev-sedov")["Articles"] == [("articles/essay", "")]


def test_relation_backlinks_say_how(rich):
    backlinks = page(rich, "people/ivan-smirnov").backlinks
    assert {k: bl.relations for k, bl in backlinks.items()} == {
        "events/arrest": ["list {} as a participant"],
        "events/trial": ["list {} as a participant"],
        "events/undated-ish": ["list {} as a participant"],
        "groups/united-opposition": ["list {} as a member"],
    }
    # a relation is no sentence: the text's sentences stay apart
    assert all(bl.contexts == [] for bl in backlinks.values()), {k: bl.contexts for k, bl in backlinks.items()}


def test_every_relation_phrase_names_its_target_and_no_pronoun():
    from dossier.schema import SCHEMA, Relation

    phrases = set()

    def walk(fields):
        for f in fields:
            if f.relation and f.relation.phrase:
                phrases.add(f.relation.phrase)
            record = getattr(f.type, "record", None)
            if record is not None:
                walk(record.fields.values())
    for kind in SCHEMA.kinds:
        walk(SCHEMA[kind].fields.values())
    assert len(phrases) >= 10, phrases
    for phrase in phrases:
        assert phrase.count("{}") == 1, phrase
        assert not set(phrase.replace("{}", "").split()) & {"it", "them", "they", "its"}, phrase
    with pytest.raises(ValueError, match="for the target's title"):
        Relation(phrase="lists it as a witness")


# What links here ----------------------------------------------------------------


def test_backlinks_carry_the_sentence_of_each_mention(make_site):
    root = make_site(
        {
            "people/lev-sedov.md": "---\ntitle: Lev Sedov\n---\n",
            "people/leon-trotsky.md": "---\ntitle: Leon Trotsky\n---\nHe wrote a lot. His son was [[Lev Sedov]], who died in Paris. Later [[lev-sedov|Lyova]] was mourned.\n",
            "groups/bloc.md": "---\ntitle: Bloc\n---\n- Organised by [[Lev Sedov]] in Berlin\n",
            "articles/essay.md": "---\ntitle: Essay\n---\n| who |\n|---|\n| [[Lev Sedov]] and [[Leon Trotsky]] |\n",
        }
    )
    res, msgs = resolve_site(root)
    assert msgs == []
    bl = page(res, "people/lev-sedov").backlinks
    assert sorted(bl) == ["articles/essay", "groups/bloc", "people/leon-trotsky"]
    assert bl["people/leon-trotsky"].contexts == [
        [("His son was ", False), ("Lev Sedov", True), (", who died in Paris.", False)],
        [("Later ", False), ("Lyova", True), (" was mourned.", False)],
    ]
    assert bl["groups/bloc"].contexts == [[("Organised by ", False), ("Lev Sedov", True), (" in Berlin", False)]]
    # the other link of the sentence is shown, not marked
    assert bl["articles/essay"].contexts == [[("Lev Sedov", True), (" and ", False), ("Leon Trotsky", False)]]


def test_backlinks_from_footnotes_and_headings(make_site):
    root = make_site(
        {
            "people/lev-sedov.md": "---\ntitle: Lev Sedov\n---\n",
            "people/a.md": "---\ntitle: A\n---\n## On [[Lev Sedov]]\n\nText[^1].\n\n[^1]: Compare [[Lev Sedov]].\n",
        }
    )
    res, _ = resolve_site(root)
    contexts = page(res, "people/lev-sedov").backlinks["people/a"].contexts
    assert [("Lev Sedov", True)] in [c[1:] for c in contexts]
    assert [("Compare ", False), ("Lev Sedov", True), (".", False)] in contexts


def test_a_page_linking_to_itself_is_no_backlink(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\n---\nI am [[A]].\n"})
    res, msgs = resolve_site(root)
    assert msgs == []
    assert page(res, "people/a").backlinks == {}


def test_home_page_links_count_as_backlinks(make_site):
    root = make_site({"index.md": "---\ntitle: Home\n---\nStart with [[A]].\n", "people/a.md": "---\ntitle: A\n---\n"})
    res, _ = resolve_site(root)
    assert page(res, "people/a").backlinks["index"].contexts == [[("Start with ", False), ("A", True), (".", False)]]


def test_cited_by_lists_body_field_and_debate_citations(make_site):
    root = make_site(
        {
            "sources/s.md": "---\ntitle: S\nkind: secondary\n---\n",
            "people/p.md": "---\ntitle: P\n---\n",
            "groups/g.md": "---\ntitle: G\nfounded: 1932\nfield_sources:\n  founded: [\"s, p. 5\"]\n"
            "debates:\n  - question: When?\n    positions:\n      - by: p\n        view: Early.\n        cite: s, p. 7\n---\n"
            "Founded in secret [@s, p. 3].\n",
        }
    )
    res, msgs = resolve_site(root)
    assert msgs == []
    got = sorted((c.source.key, c.where, c.locator, "".join(t for t, _ in c.sentence)) for c in page(res, "sources/s").cited_by)
    assert got == [
        ("groups/g", "body", "p. 3", "Founded in secret."),
        ("groups/g", "debate", "p. 7", "When?"),
        ("groups/g", "founded", "p. 5", ""),
    ]
    assert [(p.holder.slug, p.debate) for p in page(res, "people/p").positions] == [("g", 0)]


def test_backlink_sentence_is_not_cut_at_initials_or_circa(make_site):
    root = make_site(
        {
            "people/kirov.md": "---\ntitle: Kirov\n---\n",
            "people/a.md": "---\ntitle: A\n---\nAccording to J. Arch Getty, [[Kirov]] was no moderate c. 1932. Other.\n",
        }
    )
    res, _ = resolve_site(root)
    assert page(res, "people/kirov").backlinks["people/a"].contexts == [
        [("According to J. Arch Getty, ", False), ("Kirov", True), (" was no moderate c. 1932.", False)]
    ]


def test_two_memberships_of_the_same_group_both_show(make_site):
    root = make_site(
        {
            "people/z.md": "---\ntitle: Zinoviev\nmemberships:\n  - group: party\n    from: 1901\n    to: 1927\n"
            "  - group: party\n    role: readmitted\n    from: 1928\n    to: 1932\n---\n",
            "groups/party.md": "---\ntitle: Party\n---\n",
        }
    )
    res, msgs = resolve_site(root)
    assert msgs == []
    assert derived(res, "groups/party")["Members"] == [("people/z", "1901–1927"), ("people/z", "readmitted, 1928–1932")]


def test_section_link_to_a_heading_that_holds_a_link(make_site):
    root = make_site(
        {
            "people/leon-trotsky.md": TROTSKY,
            "people/a.md": "---\ntitle: A\n---\n## Meeting [[Leon Trotsky]]\n",
            "people/b.md": "---\ntitle: B\n---\n[[A#Meeting Leon Trotsky]]\n",
        }
    )
    res, msgs = resolve_site(root)
    assert msgs == []
    assert links(res, "people/b") == [("people/a", "A § Meeting Leon Trotsky", "meeting-leon-trotsky")]
