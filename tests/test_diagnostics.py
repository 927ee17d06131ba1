"""dossier.diagnostics, and every diagnostic kind of the contract's
"What a broken file gets", each through a whole fixture site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import check_site, messages

from dossier.diagnostics import CODES, Diagnostic, Diagnostics, Severity

# The collector ---------------------------------------------------------------


def test_format():
    d = Diagnostic("content/people/x.md", 3, 7, "date", "'born' must be an EDTF date", "write 1906-02-24")
    assert d.format() == "content/people/x.md:3:7: error[date]: 'born' must be an EDTF date (write 1906-02-24)"
    w = Diagnostic("content/sources/s.md", 1, 1, "uncited-source", "no page cites it", severity=Severity.WARNING)
    assert str(w) == "content/sources/s.md:1:1: warning[uncited-source]: no page cites it"


def test_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError):
        Diagnostic("x", 1, 1, "no-such-code", "m")


def test_sorted_by_path_then_line_then_column_and_deduplicated():
    diags = Diagnostics()
    diags.error("b.md", 1, 1, "yaml", "m")
    diags.error("a.md", 10, 1, "yaml", "m")
    diags.error("a.md", 2, 5, "yaml", "m")
    diags.error("a.md", 2, 1, "yaml", "m")
    diags.error("a.md", 2, 1, "yaml", "m")  # found twice
    assert [(d.path, d.line, d.column) for d in diags] == [("a.md", 2, 1), ("a.md", 2, 5), ("a.md", 10, 1), ("b.md", 1, 1)]


def test_report_ends_with_a_count():
    diags = Diagnostics()
    diags.error("a.md", 1, 1, "yaml", "bad")
    diags.warning("s.md", 1, 1, "uncited-source", "unused")
    assert diags.report().splitlines() == [
        "a.md:1:1: error[yaml]: bad",
        "s.md:1:1: warning[uncited-source]: unused",
        "1 error, 1 warning",
    ]


def test_fails_only_on_errors_unless_strict():
    diags = Diagnostics()
    assert not diags.fails(strict=True)
    diags.warning("s.md", 1, 1, "uncited-source", "unused")
    assert not diags.fails()
    assert diags.fails(strict=True)
    diags.error("a.md", 1, 1, "yaml", "bad")
    assert diags.fails()


def test_every_code_is_described():
    assert all(text.endswith(".") for text in CODES.values())


# Every kind of problem, through a fixture site ----------------------------------

GOOD_PERSON = "---\ntitle: {title}\n---\n"


def only(root) -> list[str]:
    """The errors and warnings of a site, formatted."""
    return messages(check_site(root))


def test_clean_site_has_no_diagnostics(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\n---\nSee [[B]].\n", "people/b.md": "---\ntitle: B\n---\n"})
    assert only(root) == []


def test_malformed_yaml(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn: 1900\n  died: 1950\n---\n"})
    assert only(root) == [
        "content/people/a.md:4:3: error[yaml]: this line is indented under 'born' (line 3), which already has a value "
        "(remove the indentation; to give 'born' a list or fields of its own, put nothing after 'born:')"
    ]


def test_colon_inside_an_unquoted_title_says_to_quote_it(make_site):
    root = make_site({"sources/getty-1986.md": "---\ntitle: Trotsky in Exile: The Founding of the Fourth International\nkind: secondary\n---\n"})
    assert only(root) == [
        "content/sources/getty-1986.md:2:8: error[yaml]: a value that contains ': ' must be quoted: "
        'title: "Trotsky in Exile: …"'
    ]


# What the editor wrote is what the reader sees (YAML 1.1's resolver is never
# allowed to turn an unquoted value into a number, a boolean or nothing).


def test_unquoted_years_with_leading_zeros_are_years_not_octal_numbers(make_site, build_site, tmp_path):
    root = make_site({
        "people/a.md": "---\ntitle: A\nborn: 0476\ndied: 0510\n---\n",
        "people/b.md": "---\ntitle: B\nborn: -0043\ndied: 0010\n---\n",
    })
    assert only(root) == []
    build_site(root)
    a = (root / "output" / "people" / "a" / "index.html").read_text(encoding="utf-8")
    b = (root / "output" / "people" / "b" / "index.html").read_text(encoding="utf-8")
    assert "476–510" in a and "318" not in a  # YAML 1.1 reads 0476 as octal 318
    assert "44 BC – AD 10" in b and "36 BC" not in b  # -0043 is 44 BC; YAML 1.1 reads it as octal -35


@pytest.mark.parametrize("written", ["yes", "no", "on", "off", "1_000", "1:20", ".inf", "0x1F", "~", "null", "0476", "1906-02-24"])
def test_unquoted_text_fields_show_the_characters_written(make_site, build_site, written):
    root = make_site({"people/a.md": f"---\ntitle: A\nbirth_place: {written}\nsummary: {written}\naliases: [{written} Ivanov]\n---\n"})
    assert only(root) == []
    build_site(root)
    html = (root / "output" / "people" / "a" / "index.html").read_text(encoding="utf-8")
    assert f"<dd>{written}</dd>" in html  # the birthplace, as written


@pytest.mark.parametrize("written, found", [
    ("yes", "'yes'"), ("1_000", "'1_000'"), ("1:20", "'1:20'"), (".inf", "'.inf'"), ("0x1F", "'0x1F'"),
    ("~", "'~' (to leave a date empty, write nothing after the colon)"),
    ("null", "'null' (to leave a date empty, write nothing after the colon)"),
])
def test_a_date_field_reports_the_characters_written(make_site, written, found):
    root = make_site({"people/a.md": f"---\ntitle: A\nborn: {written}\n---\n"})
    assert only(root) == [
        "content/people/a.md:3:7: error[date]: 'born' must be an EDTF date (levels 0–1) such as 1932-12-24, "
        f"1932-12~, 1933? or 1933-01/1933-04, got {found}"
    ]


def test_a_value_that_cannot_be_in_a_vocabulary_is_named_as_written(make_site):
    root = make_site({"sources/s.md": "---\ntitle: S\nkind: yes\n---\n"})
    [msg] = [m for m in only(root) if "[vocabulary]" in m]
    assert msg == "content/sources/s.md:3:7: error[vocabulary]: 'kind' must be one of primary, secondary, got 'yes'"


def test_nothing_after_the_colon_is_still_an_empty_field(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn:\naliases: ~\nsummary:\n---\n"})
    assert only(root) == []


def test_a_list_under_a_text_field(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nsummary:\n  - Old Bolshevik\n  - oppositionist\n---\n"})
    assert only(root) == [
        "content/people/a.md:4:3: error[type]: 'summary' must be text, got a list of 2 items (the lines under it start "
        "with '- '; write the text after the colon, in quotes if it starts with '- ')"
    ]


def test_a_list_item_after_a_text_value(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nsummary: Old Bolshevik\n- oppositionist\n---\n"})
    assert only(root) == [
        "content/people/a.md:4:1: error[yaml]: a list item under 'summary' (line 3), which already has a value "
        "(for a list, put nothing after 'summary:' and indent each '- ' item under it; for text, keep it on the line of 'summary:')"
    ]


def test_an_indented_list_item_is_not_silently_joined_to_the_text(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nsummary: Old Bolshevik\n  - oppositionist\n---\n"})
    [msg] = only(root)
    assert msg.startswith("content/people/a.md:4:3: error[yaml]: a list item under a text value: this line continues the text that starts on line 3")


def test_a_list_item_with_a_colon_is_a_mapping_and_says_to_quote(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\naliases:\n  - Trotsky: the exile\n---\n"})
    assert only(root) == [
        "content/people/a.md:4:5: error[type]: 'aliases' must be text, got 'Trotsky: the exile', which YAML reads as a "
        "field and its value (a value that contains ': ' must be quoted)"
    ]


def test_unclosed_quote_is_reported_where_it_opens(make_site):
    root = make_site({"people/a.md": '---\ntitle: A\nsummary: "Old Bolshevik\nborn: 1881\n---\n'})
    assert only(root) == ['content/people/a.md:3:10: error[yaml]: the quotation mark " opened here is never closed (end the value with ")']


def test_unclosed_quote_before_another_quoted_value(make_site):
    root = make_site({"people/a.md": '---\ntitle: "A\nsummary: "Old Bolshevik"\n---\n'})
    assert only(root) == [
        'content/people/a.md:2:8: error[yaml]: the quotation mark " opened here is not closed on its line (end the value with " on line 2)'
    ]


def test_apostrophe_inside_single_quotes(make_site):
    root = make_site({"people/a.md": "---\ntitle: 'Trotsky's son'\n---\n"})
    assert only(root) == [
        "content/people/a.md:2:8: error[yaml]: the quoted value ends at the second ', and text follows it (an apostrophe "
        "inside single quotes is written twice (''), or quote the value with \" instead: title: \"Trotsky's son\")"
    ]


def test_tab_in_the_indentation(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nmemberships:\n\t- group: g\n---\n"})
    assert only(root) == [
        "content/people/a.md:4:1: error[yaml]: a tab is used for indentation; YAML indents with spaces only "
        "(replace the tab at the start of the line with spaces)"
    ]


def test_unclosed_flow_list_is_malformed_yaml(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\naliases: [x\nborn: 1900\n---\n"})
    [msg] = only(root)
    assert msg == "content/people/a.md:3:10: error[yaml]: the list opened with '[' here is not closed with ']' (add ']' at the end of the list, and quote any item that contains a comma or a colon)"


def test_front_matter_missing(make_site):
    root = make_site({"people/a.md": "Just a body.\n"})
    assert only(root) == [
        "content/people/a.md:1:1: error[front-matter]: expected front matter starting with a '---' line "
        "(the file must begin with ---, the YAML fields, then ---)"
    ]


def test_front_matter_never_closed(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nBody.\n"})
    assert only(root) == ["content/people/a.md:1:1: error[front-matter]: the front matter opened on line 1 is never closed by a '---' line"]


def test_missing_title(make_site):
    root = make_site({"people/a.md": "---\nborn: 1900\n---\n"})
    assert only(root) == ["content/people/a.md:1:1: error[required]: the required field 'title' is missing"]


def test_event_without_date(make_site):
    root = make_site({"events/e.md": "---\ntitle: E\n---\n"})
    assert only(root) == ["content/events/e.md:1:1: error[required]: the required field 'date' is missing"]


def test_source_without_kind(make_site):
    root = make_site({"sources/s.md": "---\ntitle: S\n---\n", "people/a.md": "---\ntitle: A\n---\n[@s]\n"})
    assert only(root) == ["content/sources/s.md:1:1: error[required]: the required field 'kind' is missing"]


def test_unknown_field_did_you_mean(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\ntitel: B\n---\n"})
    assert only(root) == ["content/people/a.md:3:1: error[unknown-field]: unknown field 'titel' for a person; did you mean 'title'?"]


def test_aliases_not_a_list(make_site):
    root = make_site({"people/a.md": '---\ntitle: A\naliases: "x"\n---\n'})
    assert only(root) == ["content/people/a.md:3:10: error[type]: 'aliases' must be a list of text, got 'x'"]


def test_leaders_a_string_not_a_list(make_site):
    root = make_site({"groups/g.md": "---\ntitle: G\nleaders: leon-trotsky\n---\n", "people/leon-trotsky.md": "---\ntitle: LT\n---\n"})
    assert only(root) == ["content/groups/g.md:3:10: error[type]: 'leaders' must be a list of person slugs, got 'leon-trotsky'"]


def test_bad_date_text(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn: sometime in 1871\n---\n"})
    assert only(root) == [
        "content/people/a.md:3:7: error[date]: 'born' must be an EDTF date (levels 0–1) such as "
        "1932-12-24, 1932-12~, 1933? or 1933-01/1933-04, got 'sometime in 1871'"
    ]


def test_impossible_unquoted_date(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn: 1932-02-30\n---\n"})
    assert only(root) == ["content/people/a.md:3:7: error[date]: 'born' must be a day from 01 to 29 in February 1932, got day 30 in '1932-02-30'"]


def test_membership_of_a_group_that_does_not_exist(make_site):
    root = make_site(
        {
            "people/a.md": "---\ntitle: A\nmemberships:\n  - group: left-oposition\n    role: member\n---\n",
            "groups/left-opposition.md": "---\ntitle: Left Opposition\n---\n",
        }
    )
    assert only(root) == [
        "content/people/a.md:4:12: error[relation]: 'group' in 'memberships' names 'left-oposition', which does not exist "
        "(did you mean 'left-opposition'?)"
    ]


def test_relation_to_the_wrong_type(make_site):
    root = make_site(
        {
            "events/e.md": "---\ntitle: E\ndate: 1930\nparticipants: [a, g]\n---\n",
            "people/a.md": "---\ntitle: A\n---\n",
            "groups/g.md": "---\ntitle: G\n---\n",
        }
    )
    assert only(root) == ["content/events/e.md:4:19: error[relation]: 'participants' must name a person, but 'g' is a group"]


def test_link_to_nothing_suggests_nearest_titles(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\n---\nSee [[Leon Trotski]].\n", "people/leon-trotsky.md": "---\ntitle: Leon Trotsky\n---\n"})
    assert only(root) == ["content/people/a.md:4:5: error[link]: the link [[Leon Trotski]] matches no page (did you mean 'Leon Trotsky'?)"]


def test_ambiguous_link_and_duplicate_alias(make_site):
    root = make_site(
        {
            "people/a.md": "---\ntitle: A\naliases: [The Old Man]\n---\n",
            "people/b.md": "---\ntitle: B\naliases: [the old man]\n---\n",
            "people/c.md": "---\ntitle: C\n---\nSee [[The Old Man]].\n",
        }
    )
    assert only(root) == [
        "content/people/a.md:3:11: error[duplicate-name]: the name 'The Old Man' is also claimed by content/people/b.md ('the old man') "
        "(links to it would be ambiguous; make titles and aliases unique)",
        "content/people/b.md:3:11: error[duplicate-name]: the name 'the old man' is also claimed by content/people/a.md ('The Old Man') "
        "(links to it would be ambiguous; make titles and aliases unique)",
        "content/people/c.md:4:5: error[ambiguous-link]: the link [[The Old Man]] matches 2 pages: 'people/a' (A), 'people/b' (B) "
        "(write the type/slug form, e.g. [[people/a]])",
    ]


def test_citation_to_nothing(make_site):
    root = make_site(
        {
            "people/a.md": "---\ntitle: A\n---\nText [@broue-1908, p. 3].\n",
            "sources/broue-1980.md": "---\ntitle: Trotsky et le bloc\nkind: secondary\n---\n",
            "people/b.md": "---\ntitle: Pierre Broué\nsources: [broue-1980]\n---\n",
        }
    )
    assert only(root) == [
        "content/people/a.md:4:6: error[citation]: the citation [@broue-1908, p. 3] names 'broue-1908', which is not a source (did you mean 'broue-1980'?)"
    ]


def test_two_entities_claim_the_same_slug(make_site):
    root = make_site({"people/x.md": "---\ntitle: Person X\n---\n", "groups/x.md": "---\ntitle: Group X\n---\n"})
    assert only(root) == ["content/people/x.md:1:1: error[duplicate-slug]: the slug 'x' is also claimed by content/groups/x.md (rename one of the files)"]


def test_two_entities_claim_the_same_title(make_site):
    root = make_site({"people/a.md": "---\ntitle: Sedov\n---\n", "groups/b.md": "---\ntitle: Sédov\n---\n"})
    assert only(root) == [
        "content/groups/b.md:2:8: error[duplicate-name]: the name 'Sédov' is also claimed by content/people/a.md ('Sedov') "
        "(links to it would be ambiguous; make titles and aliases unique)",
        "content/people/a.md:2:8: error[duplicate-name]: the name 'Sedov' is also claimed by content/groups/b.md ('Sédov') "
        "(links to it would be ambiguous; make titles and aliases unique)",
    ]


def test_died_before_born(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn: 1900-05-01\ndied: 1890\n---\n"})
    assert only(root) == ["content/people/a.md:4:7: error[date-order]: died (1890) before being born (1 May 1900)"]


@pytest.mark.parametrize("born, died", [("1890?", "1890"), ("1890", "1890-01-01"), ("1890-01/1890-06", "1890-02"), ("189X", "1895")])
def test_overlapping_uncertain_dates_are_not_an_error(make_site, born, died):
    root = make_site({"people/a.md": f'---\ntitle: A\nborn: "{born}"\ndied: "{died}"\n---\n'})
    assert only(root) == []


def test_event_ends_before_it_starts(make_site):
    root = make_site({"events/e.md": "---\ntitle: E\ndate: 1930-05\nend: 1930-04-30\n---\n"})
    assert only(root) == ["content/events/e.md:4:6: error[date-order]: ends (30 April 1930) before it starts (May 1930)"]


def test_group_dissolved_before_founded(make_site):
    root = make_site({"groups/g.md": "---\ntitle: G\nfounded: 1930\ndissolved: 1920\n---\n"})
    assert only(root) == ["content/groups/g.md:4:12: error[date-order]: dissolved (1920) before being founded (1930)"]


def test_membership_ends_before_it_starts(make_site):
    root = make_site(
        {"people/a.md": "---\ntitle: A\nmemberships:\n  - group: g\n    from: 1930\n    to: 1920\n---\n", "groups/g.md": "---\ntitle: G\n---\n"}
    )
    assert only(root) == ["content/people/a.md:6:9: error[date-order]: the membership ends (1920) before it starts (1930)"]


def test_event_part_of_cycle(make_site):
    root = make_site(
        {
            "events/a.md": "---\ntitle: A\ndate: 1930\npart_of: b\n---\n",
            "events/b.md": "---\ntitle: B\ndate: 1930\npart_of: a\n---\n",
        }
    )
    assert only(root) == ["content/events/a.md:4:10: error[cycle]: part_of loops back: a → b → a"]


def test_group_part_of_cycle_of_three(make_site):
    root = make_site(
        {
            "groups/a.md": "---\ntitle: A\npart_of: [b]\n---\n",
            "groups/b.md": "---\ntitle: B\npart_of: [c]\n---\n",
            "groups/c.md": "---\ntitle: C\npart_of: [a]\n---\n",
        }
    )
    assert only(root) == ["content/groups/a.md:3:10: error[cycle]: part_of loops back: a → b → c → a"]


def test_part_of_itself(make_site):
    root = make_site({"events/a.md": "---\ntitle: A\ndate: 1930\npart_of: a\n---\n"})
    assert only(root) == ["content/events/a.md:4:10: error[self-relation]: 'part_of' names the page itself"]


def test_not_utf8(make_site):
    root = make_site({"people/a.md": b"---\ntitle: A\nsummary: caf\xe9\n---\n"})
    assert only(root) == ["content/people/a.md:3:13: error[encoding]: the file is not UTF-8 (byte 0xe9 at offset 25) (save it as UTF-8)"]


def test_file_name_not_a_slug(make_site):
    root = make_site({"people/Leon Trotsky.md": "---\ntitle: Leon Trotsky\n---\n"})
    assert only(root) == [
        "content/people/Leon Trotsky.md:1:1: error[file-name]: the file name 'Leon Trotsky.md' is not a slug "
        "(lowercase ASCII letters, digits and hyphens) (rename it to 'leon-trotsky.md')"
    ]


def test_markdown_outside_the_type_folders(make_site):
    root = make_site({"misc/a.md": GOOD_PERSON.format(title="A"), "b.md": GOOD_PERSON.format(title="B"), "people/sub/c.md": GOOD_PERSON.format(title="C")})
    assert only(root) == [
        "content/b.md:1:1: error[folder]: a content file must be in one of the folders articles, events, groups, people, places, sources (or be index.md, the home page)",
        "content/misc/a.md:1:1: error[folder]: content files cannot live in the folder 'misc'; the type folders are articles, events, groups, people, places, sources",
        "content/people/sub/c.md:1:1: error[folder]: content files cannot live in a subfolder; the type folders are articles, events, groups, people, places, sources",
    ]


def test_type_disagrees_with_folder(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\ntype: group\n---\n"})
    assert only(root) == ["content/people/a.md:3:7: error[type-mismatch]: 'type' says group but the file is in people/, which holds persons"]


def test_type_agreeing_with_folder_is_fine(make_site):
    assert only(make_site({"people/a.md": "---\ntitle: A\ntype: person\n---\n"})) == []


def test_field_sources_key_not_a_field(make_site):
    root = make_site(
        {
            "people/a.md": "---\ntitle: A\nborn: 1900\nfield_sources:\n  bron: [s]\n---\n",
            "sources/s.md": "---\ntitle: S\nkind: primary\n---\n",
        }
    )
    assert only(root) == ["content/people/a.md:5:3: error[field-sources]: 'field_sources' names 'bron', which is not a field of a person (did you mean 'born'?)"]


def test_field_sources_cites_nothing(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn: 1900\nfield_sources:\n  born: [nope]\n---\n"})
    assert only(root) == ["content/people/a.md:5:10: error[citation]: 'field_sources' cites 'nope', which is not a source (add it under content/sources/)"]


def test_debate_position_by_a_non_person(make_site):
    root = make_site(
        {
            "people/a.md": "---\ntitle: A\ndebates:\n  - question: Who?\n    positions:\n      - by: g\n        view: V\n---\n",
            "groups/g.md": "---\ntitle: G\n---\n",
        }
    )
    assert only(root) == ["content/people/a.md:6:13: error[relation]: 'by' in 'debates' must name a person, but 'g' is a group"]


def test_debate_position_missing_view_points_at_the_position(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\ndebates:\n  - question: Who?\n    positions:\n      - by: a\n---\n"})
    assert only(root) == ["content/people/a.md:6:9: error[required]: a position needs 'view'"]


def test_wikidata_not_a_q_number(make_site):
    root = make_site({"people/a.md": '---\ntitle: A\nwikidata: "33391"\n---\n'})
    assert only(root) == ["content/people/a.md:3:11: error[type]: 'wikidata' must be a Wikidata identifier such as Q33391, got '33391'"]


def test_genre_outside_the_vocabulary(make_site):
    root = make_site({"sources/s.md": "---\ntitle: S\nkind: primary\ngenre: letters\n---\n", "people/a.md": "---\ntitle: A\n---\n[@s]\n"})
    [msg] = only(root)
    assert msg.startswith("content/sources/s.md:4:8: error[vocabulary]: 'genre' must be one of letter, trial-record,")
    assert msg.endswith("got 'letters'; did you mean 'letter'?")


def test_yaml_alias_bomb(make_site):
    lines = ["---", "title: A", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    root = make_site({"people/a.md": "\n".join(lines + ["---", ""])})
    assert [(d.path, d.code) for d in check_site(root)] == [("content/people/a.md", "yaml-too-complex")]


def test_deeply_nested_flow_yaml(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\ntags: " + "[" * 10_000 + "]" * 10_000 + "\n---\n"})
    assert only(root) == ["content/people/a.md:2:1: error[yaml-too-complex]: the front matter is nested 10000 levels deep; the limit is 40"]


def test_symlink_outside_content_refused(make_site, tmp_path):
    root = make_site({"people/a.md": GOOD_PERSON.format(title="A")})
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\n")
    os.symlink(secret, root / "content/people/s.md")
    os.symlink(tmp_path, root / "content/groups")
    assert only(root) == [
        f"content/groups:1:1: error[symlink]: the folder is a link to {tmp_path.resolve()}, outside the content folder",
        f"content/people/s.md:1:1: error[symlink]: the file is a link to {secret.resolve()}, outside the content folder",
    ]


def test_duplicate_keys(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn: 1900\nborn: 1901\n---\n"})
    assert only(root) == ["content/people/a.md:4:1: error[yaml]: the field 'born' appears twice"]


def test_crlf_and_bom_accepted_with_correct_lines(make_site):
    root = make_site({"people/a.md": b"\xef\xbb\xbf---\r\ntitle: A\r\nborn: 1900\r\ndied: 1890\r\n---\r\nSee [[Nobody]].\r\n"})
    assert only(root) == [
        "content/people/a.md:4:7: error[date-order]: died (1890) before being born (1900)",
        "content/people/a.md:6:5: error[link]: the link [[Nobody]] matches no page",
    ]


def test_uncited_source_is_a_warning_that_fails_under_strict(make_site):
    root = make_site({"sources/s.md": "---\ntitle: S\nkind: primary\n---\n"})
    diags = check_site(root)
    assert messages(diags) == ["content/sources/s.md:1:1: warning[uncited-source]: no page cites the source 's' (cite it with [@s] or remove it)"]
    assert not diags.fails()
    assert diags.fails(strict=True)


def test_source_listed_in_sources_counts_as_cited(make_site):
    root = make_site({"sources/s.md": "---\ntitle: S\nkind: primary\n---\n", "people/a.md": "---\ntitle: A\nsources: [s]\n---\n"})
    assert only(root) == []


# Lines and order ------------------------------------------------------------------


def test_line_is_that_of_the_link_in_the_body(make_site):
    # front matter: 4 lines (---, title, born, ---); the bad link is on body line 3
    root = make_site({"people/a.md": "---\ntitle: A\nborn: 1900\n---\nFirst.\n\nThen [[Nobody]] and [@nothing].\n"})
    assert only(root) == [
        "content/people/a.md:7:6: error[link]: the link [[Nobody]] matches no page",
        "content/people/a.md:7:21: error[citation]: the citation [@nothing] names 'nothing', which is not a source (add it under content/sources/)",
    ]


def test_line_is_that_of_the_list_item(make_site):
    root = make_site({"groups/g.md": "---\ntitle: G\nleaders:\n  - a\n  - nobody\n---\n", "people/a.md": GOOD_PERSON.format(title="A")})
    assert only(root) == ["content/groups/g.md:5:5: error[relation]: 'leaders' names 'nobody', which does not exist (no person has that slug)"]


def test_all_problems_reported_together_sorted_by_path_and_line(make_site):
    root = make_site(
        {
            "people/c.md": "---\ntitle: C\nborn: never\ntitel: x\n---\nSee [[Nobody]].\n",
            "groups/b.md": "---\ntitle: B\nleaders: [nobody]\nfounded: soon\n---\n[@none]\n",
            "events/a.md": "---\ntitle: A\nparticipants: x\n---\n[[Nowhere]]\n",
        }
    )
    got = [(d.path, d.line, d.code) for d in check_site(root)]
    assert got == [
        ("content/events/a.md", 1, "required"),
        ("content/events/a.md", 3, "type"),
        ("content/events/a.md", 5, "link"),
        ("content/groups/b.md", 3, "relation"),
        ("content/groups/b.md", 4, "date"),
        ("content/groups/b.md", 6, "citation"),
        ("content/people/c.md", 3, "date"),
        ("content/people/c.md", 4, "unknown-field"),
        ("content/people/c.md", 6, "link"),
    ]


def test_citation_key_that_is_not_a_slug(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\n---\nText [@Broue-1980].\n"})
    assert only(root) == [
        "content/people/a.md:4:6: error[citation]: cannot read the citation '@Broue-1980' in [@Broue-1980] (write [@source-slug] or [@source-slug, p. 12])"
    ]


def test_debate_position_cites_nothing(make_site):
    root = make_site(
        {
            "people/a.md": "---\ntitle: A\n---\n",
            "groups/g.md": "---\ntitle: G\ndebates:\n  - question: Q?\n    positions:\n      - by: a\n        view: V\n        cite: nope, p. 3\n---\n",
        }
    )
    assert only(root) == ["content/groups/g.md:8:15: error[citation]: the debate position cites 'nope', which is not a source (add it under content/sources/)"]


def test_old_style_after_1918_is_a_warning_with_its_place(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn: 1918-03-01 O.S.\n---\n"})
    diags = check_site(root)
    [d] = diags.sorted()
    assert (d.line, d.column, d.code, d.is_error) == (3, 7, "old-style", False)
    assert not diags.fails() and diags.fails(strict=True)


def test_a_group_that_ended_some_time_in_an_interval_reads_unambiguously(make_site, build_site):
    root = make_site({
        "people/ivan.md": "---\ntitle: Ivan\n---\n",
        "groups/g.md": "---\ntitle: G\nleaders: [ivan]\ndissolved: 1932-10/1933-01\n---\n",
        "events/trial.md": "---\ntitle: Trial\ndate: 1936-08-19\nend: 1936-08-24\nparticipants: [ivan]\n---\n[[G]]\n",
    })
    build_site(root)
    html = (root / "output" / "people" / "ivan" / "index.html").read_text(encoding="utf-8")
    assert "(? – between October 1932 and January 1933)" in html
    assert "October 1932 – January 1933)" not in html
    assert "(19–24 August 1936)" in html


def test_native_name_is_marked_with_its_language(make_site, build_site):
    import json
    import re

    root = make_site({
        "people/trotsky.md": "---\ntitle: Leon Trotsky\nnative_name: Лев Давидович Троцкий\nnative_lang: ru\n---\n",
        "people/sedov.md": "---\ntitle: Lev Sedov\nnative_name: Лев Львович Седов\n---\nSon of [[Leon Trotsky]].\n",
    })
    assert only(root) == []
    build_site(root)
    page = (root / "output" / "people" / "trotsky" / "index.html").read_text(encoding="utf-8")
    # with its scholarly (ALA-LC) romanisation once beside it, generated
    assert '<p class="native-name"><span lang="ru">Лев Давидович Троцкий</span> <span class="romanized" title="ALA-LC romanisation">(<span lang="ru-Latn">Lev Davidovich Trot͡skiĭ</span>)</span></p>' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert {"@value": "Лев Давидович Троцкий", "@language": "ru"} in ld["alternateName"]
    other = (root / "output" / "people" / "sedov" / "index.html").read_text(encoding="utf-8")
    assert '<p class="native-name"><span lang="und-Cyrl">Лев Львович Седов</span></p>' in other  # the script, not a guessed language, and no romanisation of a language not known
    previews = (root / "output" / "assets" / "previews.json").read_text(encoding="utf-8")
    assert '"native_lang": "ru"' in previews or '"native_lang":"ru"' in previews  # the link preview of Trotsky


def test_relpath_shows_a_path_from_the_project_and_a_symlink_where_it_is(tmp_path, monkeypatch):
    from dossier.diagnostics import relpath

    root = tmp_path / "site"
    (root / "content" / "people").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "content" / "linked").symlink_to(elsewhere)
    monkeypatch.chdir(root)
    assert relpath(root / "content" / "people" / "a.md", root) == "content/people/a.md"
    assert relpath(Path("content/people/a.md"), root) == "content/people/a.md"  # relative to the working folder
    assert relpath(root / "content" / ".." / "a.md", root) == "a.md"
    assert relpath(root / "content" / "linked", root) == "content/linked"  # the link, not where it points
    # a file in a linked folder that lies outside the project: shown as given
    assert relpath(root / "content" / "linked" / "b.md", root) == (root / "content" / "linked" / "b.md").as_posix()
    assert relpath(root, root) == "."
    assert relpath(tmp_path / "other.md", root) == (tmp_path / "other.md").as_posix()
    assert relpath(Path("/"), root) == "/"
