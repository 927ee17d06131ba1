"""Spelling variants generated from native names: search, links, "did you
mean", ambiguity (dossier/romanize.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import check_site, messages

from dossier import romanize

ZINOVIEV = "---\ntitle: Grigory Zinoviev\nnative_name: Григорий Евсеевич Зиновьев\nnative_lang: ru\n---\nBolshevik.\n"


def spellings(name: str, lang: str = "ru") -> set[str]:
    return {v.text for v in romanize.variants(name, lang)}


def test_every_common_romanisation_of_a_russian_surname_is_generated():
    got = spellings("Григорий Евсеевич Зиновьев")
    # ALA-LC with and without diacritics, BGN/PCGN (typographic and ASCII
    # apostrophe), ISO 9, English usage, French, German
    for expected in ("Zinovʹev", "Zinov'ev", "Zinov’yev", "Zinov'yev", "Zinovyev", "Zinoviev", "Sinowjew"):
        assert expected in got, expected
    # the whole name and the name without the patronymic too
    assert "Grigory Yevseevich Zinovyev" in got and "Grigory Zinovyev" in got and "Grigori Jewsejewitsch Sinowjew" in got


def test_the_german_system_gives_the_spellings_german_reference_works_use():
    german = romanize.SYSTEMS[-1].schema
    samples = json.loads(Path(romanize.__file__).with_name("romanize_de.json").read_text(encoding="utf-8"))["samples"]
    assert len(samples) >= 10
    assert [german.translate(a) for a, _ in samples] == [b for _, b in samples]
    assert german.translate("Лев Давидович Троцкий") == "Lew Dawidowitsch Trozki"


def test_the_scholarly_romanisation_is_ala_lc():
    assert romanize.scholarly("Лев Давидович Троцкий", "ru") == "Lev Davidovich Trot͡skiĭ"


@pytest.mark.parametrize("name, lang", [("Лев Львович Седов", "und-Cyrl"), ("Лев Львович Седов", None), ("Wilhelm von Mirbach", "de"), ("Mirbach", "ru")])
def test_nothing_is_generated_for_another_language_or_script(name, lang):
    assert romanize.variants(name, lang) == ()
    assert romanize.scholarly(name, lang) == ""


def test_initials_are_not_taken_for_a_given_name():
    got = spellings("Г. В. Бутов")
    assert "Butov" not in got and "G. V. Butov" in got


def test_a_link_by_any_generated_spelling_reaches_the_page(make_site):
    body = "Links: [[Sinowjew]], [[Zinovyev]], [[Zinov'yev]], [[Grigory Zinovyev]].\n"
    root = make_site({"people/zinoviev.md": ZINOVIEV, "people/writer.md": f"---\ntitle: A writer\n---\n{body}"})
    assert messages(check_site(root)) == []


def test_did_you_mean_offers_the_page_for_a_misspelt_variant(make_site):
    root = make_site({"people/zinoviev.md": ZINOVIEV, "people/writer.md": "---\ntitle: A writer\n---\nSee [[Sinowiew]].\n"})
    (msg,) = messages(check_site(root))
    assert "error[link]" in msg and "did you mean 'Grigory Zinoviev'" in msg


def test_an_ambiguous_variant_is_a_warning_and_a_link_by_it_picks_no_page(make_site):
    root = make_site({
        "people/zinoviev.md": ZINOVIEV,
        "groups/circle.md": "---\ntitle: Sinowjew circle\naliases: [Sinowjew]\n---\nA group.\n",
        "people/writer.md": "---\ntitle: A writer\n---\nSee [[Sinowjew]].\n",
    })
    got = messages(check_site(root))
    assert any("people/zinoviev.md:3:14: warning[ambiguous-variant]: the spelling 'Sinowjew'" in m and "circle.md" in m for m in got), got
    assert any("people/writer.md" in m and "error[ambiguous-link]" in m and "matches 2 pages" in m for m in got), got
    # a spelling both pages' native names give is ambiguous for both
    root2 = make_site({
        "people/a.md": "---\ntitle: Ivan Smirnov\nnative_name: Иван Никитич Смирнов\nnative_lang: ru\n---\n",
        "people/b.md": "---\ntitle: Vladimir Smirnov\nnative_name: Владимир Михайлович Смирнов\nnative_lang: ru\n---\n",
    }, root=make_site({}).parent / "two")
    got2 = messages(check_site(root2))
    assert any("people/a.md" in m and "'Smirnov'" in m and "ambiguous-variant" in m for m in got2), got2
    assert any("people/b.md" in m and "'Smirnov'" in m and "ambiguous-variant" in m for m in got2), got2


def test_the_page_shows_one_romanisation_and_search_indexes_the_others(make_site, build_site):
    root = make_site({"people/zinoviev.md": ZINOVIEV})
    build_site(root)
    page = (root / "output" / "people" / "zinoviev" / "index.html").read_text(encoding="utf-8")
    hidden = page[page.index("<p hidden") :]
    hidden = hidden[: hidden.index("</p>")]
    assert page.count("Grigoriĭ Evseevich Zinovʹev") - hidden.count("Grigoriĭ Evseevich Zinovʹev") == 1
    for spelling in ("Sinowjew", "Zinovyev", "Zinoviev", "Zinov&#39;yev"):
        assert spelling in hidden, spelling
    # nowhere visible but there
    assert page.count("Sinowjew") == hidden.count("Sinowjew")
