"""dossier.text: name folding and slugs."""

from __future__ import annotations

import pytest

from dossier.text import fold, is_slug, slugify, transliterate


@pytest.mark.parametrize(
    "a, b",
    [
        ("Zinov'ev", "Zinovev"),  # apostrophe inside a word vanishes
        ("Zinov’ev", "zinovev"),  # typographic apostrophe too
        ("Grünstein", "Grunstein"),  # diacritics
        ("LEON TROTSKY", "leon trotsky"),  # case
        ("Left–Right Bloc", "left right bloc"),  # en dash separates words
        ("Bloc of Oppositions.", "bloc of oppositions"),  # trailing punctuation
        ("  Lev   Sedov ", "Lev Sedov"),  # spacing
        ("Straße", "strasse"),
        ("Łódź", "lodz"),  # letters NFKD cannot decompose
    ],
)
def test_fold_equates_spelling_variants(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    "a, b",
    [("Zinoviev", "Zinovev"), ("Lev Sedov", "Lev Sedova"), ("left-right", "leftright")],
)
def test_fold_keeps_different_names_apart(a, b):
    assert fold(a) != fold(b)


def test_fold_exact_forms():
    assert fold("Zinov'ev") == "zinovev"
    assert fold("Grünstein") == "grunstein"
    assert fold("Trotsky's bloc") == "trotskys bloc"
    assert fold("Зиновьев") == "зиновьев"  # Cyrillic stays Cyrillic


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Лев Седов", "lev-sedov"),
        ("Григорий Зиновьев", "grigorii-zinovev"),
        ("Щедрин", "shchedrin"),
        ("Юрий Пятаков", "iurii-piatakov"),
        ("Leon Trotsky", "leon-trotsky"),
        ("Trotsky's bloc", "trotskys-bloc"),
        ("Lev Sedov (1906–1938)", "lev-sedov-1906-1938"),
        ("Grünstein", "grunstein"),
        ("!!!", ""),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugify_output_is_always_a_slug_or_empty():
    for text in ["Лев Седов", "  Ève -- Łódź ", "a_b", "Trotsky’s"]:
        s = slugify(text)
        assert s == "" or is_slug(s), (text, s)


def test_transliterate_keeps_capitals():
    assert transliterate("Лев Седов") == "Lev Sedov"


@pytest.mark.parametrize("text, ok", [("a-b", True), ("lev-sedov-2", True), ("a--b", False), ("-a", False), ("A", False), ("a_b", False), ("lev sedov", False), ("", False)])
def test_is_slug(text, ok):
    assert is_slug(text) is ok
