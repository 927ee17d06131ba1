"""dossier.frontmatter: bytes -> front matter with positions, body, diagnostics."""

from __future__ import annotations

import datetime
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossier.frontmatter import MAX_ALIAS_CHARS, MAX_YAML_DEPTH, Plain, parse_document


def parse(text: str | bytes):
    return parse_document("people/x.md", text.encode("utf-8") if isinstance(text, str) else text)


def codes(doc) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.code) for d in doc.diagnostics]


def test_meta_body_and_body_line():
    doc = parse("---\ntitle: Lev Sedov\nborn: 1906-02-24\n---\nFirst line.\nSecond.")
    assert doc.diagnostics == []
    assert doc.meta == {"title": "Lev Sedov", "born": "1906-02-24"}
    assert doc.meta["born"].resolved == datetime.date(1906, 2, 24)  # what YAML 1.1 would have made of it
    assert doc.body == "First line.\nSecond."
    assert doc.body_line == 5


def test_marks_point_at_values_and_keys_in_file_lines():
    doc = parse("---\ntitle: A\nmemberships:\n  - group: g\n    role: r\n---\n")
    assert doc.marks[("title",)] == (2, 8)
    assert doc.key_marks[("title",)] == (2, 1)
    assert doc.marks[("memberships", 0, "group")] == (4, 12)
    assert doc.marks[("memberships", 0, "role")] == (5, 11)
    assert doc.key_marks[("memberships", 0, "role")] == (5, 5)


def test_flow_list_items_have_their_own_columns():
    doc = parse("---\ntitle: A\ntags: [alpha, beta]\n---\n")
    assert doc.marks[("tags", 0)] == (3, 8)
    assert doc.marks[("tags", 1)] == (3, 15)


def test_mark_falls_back_to_the_nearest_parent():
    doc = parse("---\ntitle: A\ntags: [a]\n---\n")
    assert doc.mark(("tags", 5)) == (3, 7)
    assert doc.mark(("nothing",)) == (1, 1)


def test_crlf_and_bom_accepted_with_correct_lines():
    doc = parse(b"\xef\xbb\xbf---\r\ntitle: A\r\ntags: [a]\r\n---\r\nBody\r\nmore\r\n")
    assert doc.diagnostics == []
    assert doc.meta == {"title": "A", "tags": ["a"]}
    assert doc.marks[("tags",)] == (3, 7)
    assert doc.body == "Body\nmore\n"
    assert doc.body_line == 5


def test_not_utf8_reports_line_and_column_of_the_bad_byte():
    doc = parse(b"---\ntitle: A\nsummary: caf\xe9\n---\n")
    [d] = doc.diagnostics
    assert (d.line, d.column, d.code) == (3, 13, "encoding")
    assert d.message == "the file is not UTF-8 (byte 0xe9 at offset 25)"


def test_missing_front_matter():
    doc = parse("title: A\n")
    assert codes(doc) == [(1, 1, "front-matter")]
    assert doc.diagnostics[0].message == "expected front matter starting with a '---' line"


def test_empty_file_has_no_front_matter():
    assert codes(parse(b"")) == [(1, 1, "front-matter")]


def test_front_matter_never_closed():
    doc = parse("---\ntitle: A\nBody text\n")
    assert codes(doc) == [(1, 1, "front-matter")]
    assert doc.diagnostics[0].message == "the front matter opened on line 1 is never closed by a '---' line"


def test_yaml_closing_with_dots_and_trailing_space():
    assert parse("---\ntitle: A\n...\nbody").body == "body"
    assert parse("---\ntitle: A\n---  \nbody").body == "body"


def test_malformed_yaml_reports_the_line_of_the_problem():
    doc = parse("---\ntitle: A\nborn: 1900\n  died: 1950\n---\n")
    [d] = doc.diagnostics
    assert (d.line, d.column, d.code) == (4, 3, "yaml")
    assert d.message == "this line is indented under 'born' (line 3), which already has a value"


def test_tab_indentation_is_malformed_yaml():
    [d] = parse("---\ntitle: A\n\tborn: 1900\n---\n").diagnostics
    assert (d.line, d.code) == (3, "yaml")
    assert "tab" in d.message


def test_duplicate_key_is_an_error_at_the_second_key():
    doc = parse("---\ntitle: A\nborn: 1900\ntitle: B\n---\n")
    assert codes(doc) == [(4, 1, "yaml")]
    assert doc.diagnostics[0].message == "the field 'title' appears twice"
    assert doc.meta["title"] == "A"


def test_empty_front_matter_requires_title():
    doc = parse("---\n---\n")
    assert codes(doc) == [(1, 1, "required")]


def test_front_matter_that_is_a_list():
    assert codes(parse("---\n- a\n---\n")) == [(2, 1, "not-a-mapping")]


def test_merge_keys_refused():
    doc = parse("---\ntitle: A\nbase: &b {x: 1}\nother:\n  <<: *b\n---\n")
    assert codes(doc) == [(5, 3, "yaml")]


def test_unsupported_tag_is_reported_not_swallowed():
    doc = parse("---\ntitle: !!python/object:os.system x\n---\n")
    assert codes(doc) == [(2, 8, "yaml")]
    assert doc.diagnostics[0].message == "the YAML tag 'tag:yaml.org,2002:python/object:os.system' is not supported in front matter"


def test_impossible_unquoted_date_is_kept_as_text_for_the_schema():
    doc = parse("---\ntitle: A\nborn: 1932-02-30\n---\n")
    assert doc.diagnostics == []
    assert doc.meta["born"] == "1932-02-30"


def test_billion_laughs_refused():
    lines = ["---", "title: A", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    doc = parse("\n".join(lines + ["---", ""]))
    assert [d.code for d in doc.diagnostics] == ["yaml-too-complex"]
    assert doc.meta == {}


def test_few_aliases_are_fine():
    doc = parse("---\ntitle: &t A\naliases: [*t]\n---\n")
    assert doc.diagnostics == []
    assert doc.meta["aliases"] == ["A"]


def test_deeply_nested_flow_yaml_refused_without_recursion_error():
    doc = parse("---\ntitle: A\ntags: " + "[" * 10_000 + "]" * 10_000 + "\n---\n")
    assert codes(doc) == [(2, 1, "yaml-too-complex")]
    assert doc.diagnostics[0].message == f"the front matter is nested 10000 levels deep; the limit is {MAX_YAML_DEPTH}"


def test_deeply_nested_unclosed_mapping_refused():
    doc = parse("---\ntitle: A\ntags: " + "{a: " * 10_000 + "\n---\n")
    assert [d.code for d in doc.diagnostics] == ["yaml-too-complex"]


def test_deep_block_nesting_refused():
    yaml_text = "".join("  " * i + "- \n" for i in range(200))
    doc = parse("---\ntitle: A\ntags:\n" + yaml_text + "---\n")
    assert [d.code for d in doc.diagnostics] == ["yaml-too-complex"]


def test_digest_depends_on_bytes():
    assert parse("---\ntitle: A\n---\n").digest != parse("---\ntitle: B\n---\n").digest
    assert parse("---\ntitle: A\n---\n").digest == parse("---\ntitle: A\n---\n").digest


def test_not_utf8_column_counts_characters_not_bytes():
    [d] = parse("---\ntitle: A\nsummary: Grünstein ".encode() + b"\xff\n---\n").diagnostics
    assert (d.line, d.column) == (3, 20)


# What the editor wrote -----------------------------------------------------


@pytest.mark.parametrize(
    "written, yaml_1_1",
    [
        ("0476", 318),  # octal
        ("-0043", -35),
        ("0010", 8),
        ("yes", True),
        ("off", False),
        ("1_000", 1000),
        ("1:20", 80),  # sexagesimal
        ("0x1F", 31),
        ("~", None),
        ("null", None),
        ("1906-02-24", datetime.date(1906, 2, 24)),
    ],
)
def test_unquoted_values_keep_their_characters(written, yaml_1_1):
    doc = parse(f"---\ntitle: A\nborn: {written}\ntags: [{written}]\n---\n")
    assert doc.diagnostics == []
    assert doc.meta["born"] == written and doc.meta["tags"] == [written]
    assert isinstance(doc.meta["born"], Plain) and doc.meta["born"].resolved == yaml_1_1


def test_unquoted_infinity_keeps_its_characters():
    doc = parse("---\ntitle: A\nsummary: .inf\n---\n")
    assert doc.meta["summary"] == ".inf" and doc.meta["summary"].resolved == float("inf")


def test_quoted_values_and_ordinary_text_are_plain_strings():
    doc = parse("---\ntitle: Lev Sedov\nborn: \"0476\"\nsummary: 'yes'\n---\n")
    assert doc.meta == {"title": "Lev Sedov", "born": "0476", "summary": "yes"}
    assert not any(isinstance(v, Plain) for v in doc.meta.values())


def test_nothing_after_the_colon_is_none():
    assert parse("---\ntitle: A\nborn:\n---\n").meta["born"] is None


def test_plain_values_survive_the_cache():
    value = parse("---\ntitle: A\nborn: 0476\n---\n").meta["born"]
    again = pickle.loads(pickle.dumps(value))
    assert again == "0476" and again.resolved == 318 and isinstance(again, Plain)


# Aliases: the expanded size is bounded ------------------------------------


def test_an_alias_repeating_a_huge_anchor_is_refused_at_the_alias():
    anchor = "x" * 20_000
    refs = ", ".join(["*a"] * 2_000)
    text = f"---\ntitle: A\nsummary: &a \"{anchor}\"\naliases: [{refs}]\n---\n"
    assert 27_000 < len(text) < 29_000  # the file: 28 KB written, 40 MB expanded
    doc = parse(text)
    [d] = doc.diagnostics
    assert (d.line, d.column, d.code) == (4, 11, "yaml-too-complex")
    assert d.message == f"YAML aliases ('*name') repeat more than {MAX_ALIAS_CHARS:,} characters of the front matter"
    assert doc.meta == {}


def test_aliases_within_the_bound_are_followed():
    doc = parse("---\ntitle: &t Lev Sedov\naliases: [*t, *t]\n---\n")
    assert doc.diagnostics == []
    assert doc.meta["aliases"] == ["Lev Sedov", "Lev Sedov"]
    assert doc.marks[("aliases", 1)] == (3, 15)  # the alias itself, not its anchor


def test_alias_bomb_is_refused_where_the_expansion_starts():
    lines = ["---", "title: A", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    [d] = parse("\n".join(lines + ["---", ""])).diagnostics
    assert (d.line, d.code) == (6, "yaml-too-complex")  # "d": its nine *c make 19,683 characters


# Control characters ---------------------------------------------------------


@pytest.mark.parametrize(
    "escape, what",
    [
        ("\\x01", "the control character U+0001"),
        ("\\v", "the control character U+000B (vertical tab)"),
        ("\\e", "the control character U+001B (ESC)"),
        ("\\0", "the control character U+0000 (NUL)"),
        ("\\x85", "the control character U+0085 (NEL)"),
        ("\\uFFFF", "the Unicode non-character U+FFFF"),
        ("\\uFFFE", "the Unicode non-character U+FFFE"),
        ("\\uFDD0", "the Unicode non-character U+FDD0"),
        ("\\ud800", "a lone surrogate (U+D800)"),
    ],
)
def test_escaped_control_characters_are_refused_where_they_are_written(escape, what):
    doc = parse(f'---\ntitle: A\nsummary: "ab{escape}cd"\n---\n')
    [d] = doc.diagnostics
    assert (d.line, d.column, d.code) == (3, 13, "control-character")
    assert d.message == f"{what} cannot be part of a field's text"


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1b", "\x00", "\x7f", "\x9f", "\ufffe", "\uffff", "\U0010ffff"])
def test_raw_control_characters_are_refused_at_their_line_and_column(char):
    doc = parse(f"---\ntitle: A\nsummary: Bloc{char} of 1932\n---\n")
    [d] = doc.diagnostics
    assert (d.line, d.column, d.code) == (3, 14, "control-character")


def test_raw_control_character_in_a_nested_value_and_a_key():
    doc = parse("---\ntitle: A\nmemberships:\n  - group: g\n    note: caf\u00e9 \x1b[31m\n---\n")
    [d] = doc.diagnostics
    assert (d.line, d.column) == (5, 16)
    [d] = parse('---\ntitle: A\n"bad\\x07key": 1\n---\n').diagnostics
    assert (d.line, d.code) == (3, "control-character")


def test_tab_and_newline_are_allowed_in_text():
    doc = parse('---\ntitle: A\nsummary: "a\\tb\\nc"\nnative_name: "Лев\tСедов"\n---\n')
    assert doc.diagnostics == []
    assert doc.meta["summary"] == "a\tb\nc"


def test_unclosed_flow_list_is_reported_where_it_opens():
    [d] = parse("---\ntitle: A\naliases: [Lev Sedov, Leon\nborn: 1906\n---\n").diagnostics
    assert (d.line, d.column, d.code) == (3, 10, "yaml")
    assert d.message == "the list opened with '[' here is not closed with ']'"


@given(st.text(alphabet=st.sampled_from(list("ab :-'\"[]{},#&*!|>?%@`~\t\n\\x0")), max_size=60))
def test_any_front_matter_gives_diagnostics_never_an_exception(text):
    doc = parse("---\ntitle: A\n" + text + "\n---\n")
    for d in doc.diagnostics:
        assert d.line >= 1 and d.column >= 1


def test_a_document_from_the_cache_gives_the_same_places():
    """The content cache keeps a document's marks as one blob, unpacked when a
    diagnostic first asks for a place: the places are the same."""
    import pickle

    raw = b"---\ntitle: A\ntags: [a, b]\nmemberships:\n  - group: g\n    role: r\n---\nBody\n"
    doc = parse_document("x.md", raw)
    asked = [(("tags", 1), False), (("memberships", 0, "role"), True), (("memberships", 0, "role"), False), (("memberships", 3), False), (("nothing",), False)]
    places = [doc.mark(kp, key=key) for kp, key in asked]
    assert places == [(3, 11), (6, 5), (6, 11), (5, 3), (1, 1)]  # (an item that is not there: its list's place)
    kept = pickle.loads(pickle.dumps(doc))
    assert isinstance(kept.marks, bytes)  # not unpacked until asked
    assert [kept.mark(kp, key=key) for kp, key in asked] == places
    assert isinstance(kept.marks, bytes) and kept.key_marks is None  # read from the blob, not kept unpacked
    packed = parse_document("x.md", raw)
    packed.pack()  # as a build holds a document once it is validated
    assert isinstance(packed.marks, bytes) and [packed.mark(kp, key=key) for kp, key in asked] == places
    # kept again, unpacked or not
    assert [pickle.loads(pickle.dumps(kept)).mark(kp, key=key) for kp, key in asked] == places
    assert [pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(doc)))).mark(kp, key=key) for kp, key in asked] == places
