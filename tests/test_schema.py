"""dossier.schema: field declarations, conversion and their messages."""

from __future__ import annotations

import pytest

from dossier.schema import CONTENT_TYPES, GENRES, Citation, a_kind, convert_fields, parse_citation

PERSON, GROUP, EVENT, SOURCE, ARTICLE = (CONTENT_TYPES[k] for k in ("person", "group", "event", "source", "article"))


def errors(ctype, meta) -> list[tuple[tuple, str, str]]:
    _, errs = convert_fields(ctype, meta)
    return [(e.keypath, e.code, e.message) for e in errs]


def test_valid_person_converts():
    values, errs = convert_fields(PERSON, {"title": " Lev Sedov ", "aliases": ["Leon Sedov"], "born": "1906-02-24"})
    assert errs == []
    assert values["title"] == "Lev Sedov"
    assert values["aliases"] == ["Leon Sedov"]
    assert values["born"].edtf == "1906-02-24"


def test_title_required_for_every_type():
    for ctype in CONTENT_TYPES.values():
        assert ("required", "the required field 'title' is missing") in [(c, m) for _, c, m in errors(ctype, {})]


@pytest.mark.parametrize("ctype, field", [(EVENT, "date"), (SOURCE, "kind")])
def test_type_specific_required_fields(ctype, field):
    assert errors(ctype, {"title": "X"}) == [((), "required", f"the required field '{field}' is missing")]


def test_empty_required_field():
    assert errors(PERSON, {"title": ""}) == [(("title",), "required", "'title' is required but empty")]


def test_unknown_field_did_you_mean():
    assert errors(PERSON, {"title": "A", "titel": "B"}) == [
        (("titel",), "unknown-field", "unknown field 'titel' for a person; did you mean 'title'?")
    ]


def test_unknown_field_without_a_close_match():
    assert errors(EVENT, {"title": "A", "date": "1930", "zzzz": 1}) == [(("zzzz",), "unknown-field", "unknown field 'zzzz' for an event")]


def test_type_specific_field_on_the_wrong_type_is_unknown():
    [(kp, code, msg)] = errors(GROUP, {"title": "G", "born": "1900"})
    assert (kp, code) == (("born",), "unknown-field")


def test_string_where_a_list_is_expected():
    assert errors(PERSON, {"title": "A", "aliases": "x"}) == [(("aliases",), "type", "'aliases' must be a list of text, got 'x'")]
    assert errors(GROUP, {"title": "G", "leaders": "leon-trotsky"}) == [
        (("leaders",), "type", "'leaders' must be a list of person slugs, got 'leon-trotsky'")
    ]


def test_bad_list_item_points_at_the_item():
    assert errors(PERSON, {"title": "A", "aliases": ["ok", 3]}) == [(("aliases", 1), "type", "'aliases' must be text, got the number 3")]
    assert errors(GROUP, {"title": "G", "leaders": ["Leon Trotsky"]}) == [
        (("leaders", 0), "type", "'leaders' must be the slug of a person, got 'Leon Trotsky'")
    ]


def test_single_slug_field_names_an_event_with_the_right_article():
    assert errors(EVENT, {"title": "E", "date": "1930", "part_of": ["x"]}) == [
        (("part_of",), "type", "'part_of' must be the slug of an event, got a list")
    ]


@pytest.mark.parametrize(
    "raw, message",
    [
        ("sometime in 1871", "'born' must be an EDTF date (levels 0–1) such as 1932-12-24, 1932-12~, 1933? or 1933-01/1933-04, got 'sometime in 1871'"),
        ("1932-02-30", "'born' must be a day from 01 to 29 in February 1932, got day 30 in '1932-02-30'"),
    ],
)
def test_bad_date(raw, message):
    assert errors(PERSON, {"title": "A", "born": raw}) == [(("born",), "date", message)]


def test_wikidata_must_be_a_q_number():
    assert errors(PERSON, {"title": "A", "wikidata": "33391"}) == [
        (("wikidata",), "type", "'wikidata' must be a Wikidata identifier such as Q33391, got '33391'")
    ]
    assert errors(PERSON, {"title": "A", "wikidata": "Q33391"}) == []


def test_genre_outside_the_vocabulary():
    [(kp, code, msg)] = errors(SOURCE, {"title": "S", "kind": "primary", "genre": "letters"})
    assert (kp, code) == (("genre",), "vocabulary")
    assert msg == "'genre' must be one of " + ", ".join(GENRES) + ", got 'letters'; did you mean 'letter'?"


def test_kind_did_you_mean():
    assert errors(SOURCE, {"title": "S", "kind": "primery"}) == [
        (("kind",), "vocabulary", "'kind' must be one of primary, secondary, got 'primery'; did you mean 'primary'?")
    ]


def test_url_must_be_http():
    assert errors(SOURCE, {"title": "S", "kind": "primary", "url": "javascript:alert(1)"}) == [
        (("url",), "type", "'url' must be an http:// or https:// URL, got 'javascript:alert(1)'")
    ]


def test_colour():
    assert convert_fields(GROUP, {"title": "G", "colorcode": "#FF0000"})[0]["colorcode"] == "#ff0000"
    assert errors(GROUP, {"title": "G", "colorcode": "reddish"}) == [
        (("colorcode",), "type", "'colorcode' must be a CSS colour name or #rrggbb, got 'reddish'")
    ]


def test_bibliographic_numbers_become_text():
    values, errs = convert_fields(SOURCE, {"title": "S", "kind": "primary", "issue": 5, "author": "Pierre Broué"})
    assert errs == []
    assert values["issue"] == "5"
    assert values["author"] == ["Pierre Broué"]


def test_membership_errors_point_into_the_record():
    errs = errors(PERSON, {"title": "A", "memberships": [{"group": "g", "rol": "x"}, {"role": "y"}]})
    assert errs == [
        (("memberships", 0, "rol"), "unknown-field", "unknown field 'rol' for a membership; did you mean 'role'?"),
        (("memberships", 1), "required", "a membership needs 'group'"),
    ]


def test_debate_position_errors_keep_the_full_key_path():
    errs = errors(PERSON, {"title": "A", "debates": [{"question": "Q?", "positions": [{"by": "x", "view": "v"}, {"by": "y"}]}]})
    assert errs == [(("debates", 0, "positions", 1), "required", "a position needs 'view'")]


def test_debate_position_cite_is_a_citation():
    values, errs = convert_fields(PERSON, {"title": "A", "debates": [{"question": "Q?", "positions": [{"by": "x", "view": "v", "cite": "broue-1980, p. 3"}]}]})
    assert errs == []
    assert values["debates"][0]["positions"][0]["cite"] == Citation("broue-1980", "p. 3")


def test_field_sources_are_citations():
    values, errs = convert_fields(GROUP, {"title": "G", "field_sources": {"leaders": ["broue-1980, p. 12"], "founded": "getty-1986"}})
    assert errs == []
    assert values["field_sources"] == {"leaders": [Citation("broue-1980", "p. 12")], "founded": [Citation("getty-1986")]}


def test_field_sources_bad_citation():
    assert errors(GROUP, {"title": "G", "field_sources": {"leaders": ["ok", "Not A Slug"]}}) == [
        (("field_sources", "leaders", 1), "type", "expected a citation such as 'broue-1980, p. 12', got 'Not A Slug'")
    ]


def test_empty_optional_values_are_ignored():
    values, errs = convert_fields(PERSON, {"title": "A", "tags": None, "aliases": [], "summary": ""})
    assert errs == []
    assert values == {"title": "A"}


@pytest.mark.parametrize(
    "text, cite",
    [("broue-1980", Citation("broue-1980")), ("@getty-1986, p. 119", Citation("getty-1986", "p. 119")), ("Not-a-slug", None), ("", None)],
)
def test_parse_citation(text, cite):
    assert parse_citation(text) == cite


def test_a_kind():
    assert a_kind("person") == "a person"
    assert a_kind("event") == "an event"
    assert a_kind("article") == "an article"
    assert a_kind("person", "group") == "a person or group"


def test_infobox_order_is_the_declared_order():
    assert [f.name for f in GROUP.infobox_fields() if f.name in GROUP.own_fields][:5] == ["colorcode", "leaders", "founded", "seat", "dissolved"]


def test_old_style_date_after_the_calendar_reform_is_a_warning():
    values, errs = convert_fields(PERSON, {"title": "A", "born": "1918-03-01 O.S.", "memberships": [{"group": "g", "from": "1917-10-25 O.S.", "to": "1918-02-01 O.S."}]})
    assert values["born"].calendar == "julian"
    assert [(e.keypath, e.code, e.warning) for e in errs] == [
        (("born",), "old-style", True),
        (("memberships", 0, "to"), "old-style", True),
    ]
    assert errs[0].message == (
        "'1918-03-01 O.S.' is marked O.S., but Old Style dates end with 31 January 1918: "
        "its Gregorian equivalent, 1918-03-14, is after Russia adopted the Gregorian calendar"
    )


def test_old_style_date_before_the_reform_is_fine():
    values, errs = convert_fields(PERSON, {"title": "A", "born": "1879-10-26 O.S.", "died": "1918-01-31 O.S."})
    assert errs == [] and values["born"].human() == "7 November [O.S. 26 October] 1879"


@pytest.mark.parametrize(
    "meta, lang, messages",
    [
        ({"native_name": "Лев Седов", "native_lang": "ru"}, "ru", []),
        ({"native_name": "Лев Седов", "native_lang": "uk"}, "uk", []),
        ({"native_name": "Wilhelm von Mirbach-Harff", "native_lang": "de-1901"}, "de-1901", []),
        ({"native_name": "Srpski", "native_lang": "sr-Latn"}, "sr-Latn", []),
        # no tag: a language only where the script names one
        ({"native_name": "Лев Седов"}, "und-Cyrl", []),
        ({"native_name": "Wilhelm von Mirbach"}, "und-Latn", []),
        ({"native_name": "ვისარიონ ლომინაძე"}, "ka", []),
        ({"native_name": "Ἀριστοτέλης"}, "el", []),
        ({"native_name": "Лев Sedov"}, "und", []),
        # malformed or unregistered
        ({"native_name": "x", "native_lang": "ru_RU"}, None, ["'native_lang' must be a BCP 47 language tag such as ru, uk, de or sr-Latn, got 'ru_RU'"]),
        ({"native_name": "x", "native_lang": "russian"}, None, ["'native_lang' must be a BCP 47 language tag such as ru, uk, de or sr-Latn, got 'russian', which uses a subtag that is not in the IANA registry"]),
        ({"native_name": "x", "native_lang": "xx"}, None, ["'native_lang' must be a BCP 47 language tag such as ru, uk, de or sr-Latn, got 'xx', which uses a subtag that is not in the IANA registry"]),
        ({"native_lang": "ru"}, None, ["'native_lang' gives the language of 'native_name', which this page does not have"]),
    ],
)
def test_native_lang(meta, lang, messages):
    values, errs = convert_fields(PERSON, {"title": "A", **meta})
    assert [e.message for e in errs] == messages
    if lang:
        assert values["native_lang"] == lang
