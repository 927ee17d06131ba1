""""Did you mean" gives what difflib gives, from a RapidFuzz preselection
(near-linear instead of every broken name against every name)."""

from __future__ import annotations

import difflib
import random

import pytest
from conftest import REPO, check_site, messages, write_site
from hypothesis import given
from hypothesis import strategies as st

from dossier import suggest
from dossier.diagnostics import Diagnostics
from dossier.model import index_names, load_site
from dossier.suggest import NameIndex, close_matches
from dossier.text import fold

# short words over a small alphabet: many near ties, many equal scores
WORDS = st.text(alphabet="abcdeé -'", min_size=0, max_size=12)


@given(word=WORDS, names=st.lists(WORDS, max_size=60), n=st.integers(1, 5), cutoff=st.sampled_from([0.0, 0.3, 0.6, 0.75, 1.0]))
def test_the_same_as_difflib_on_any_names(word, names, n, cutoff):
    assert close_matches(word, names, n=n, cutoff=cutoff) == difflib.get_close_matches(word, names, n=n, cutoff=cutoff)


def _typos(name: str, rng: random.Random) -> str:
    chars = list(name)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(chars))
        op = rng.choice("dis")
        if op == "d" and len(chars) > 1:
            del chars[i]
        elif op == "i":
            chars.insert(i, rng.choice("aeiouklmnrst"))
        else:
            chars[i] = rng.choice("aeiouklmnrst")
    return "".join(chars)


@pytest.fixture(params=["exact", "trigram index"])
def matcher(request, monkeypatch):
    """close_matches over a list, or through the trigram index of a large
    site (made to preselect here whatever the number of names)."""
    if request.param == "exact":
        return lambda word, names: close_matches(word, names)
    monkeypatch.setattr(suggest, "INDEX_ABOVE", 0)
    monkeypatch.setattr(suggest, "CANDIDATES", 16)  # fewer than in a build: a harder test
    indexes = {}
    return lambda word, names: indexes.setdefault(id(names), NameIndex(names)).close_matches(word)


def test_the_same_as_difflib_on_the_sites_names():
    # (exact: a site of fewer than INDEX_ABOVE names never uses the trigram
    # index, whose preselection can miss a short name that shares no
    # trigram: "kirlv" and "silov" have a ratio of 0.6)
    matcher = lambda word, names: close_matches(word, names)  # noqa: E731
    site = load_site(REPO / "content", REPO, Diagnostics())
    names = list(index_names(site))
    assert len(names) > 100
    rng = random.Random(11)
    for name in rng.sample(names, 100):
        wrong = fold(_typos(name, rng))
        assert matcher(wrong, names) == difflib.get_close_matches(wrong, names), wrong
    # and words that are close to many names at once
    for word in ("trotsky", "zinoviev", "bloc", "opposition", "sedov", "the", "", "a"):
        assert matcher(word, names) == difflib.get_close_matches(word, names), word


def test_the_same_as_difflib_on_1000_similar_names(matcher):
    rng = random.Random(3)
    first = ["Ivan", "Ivar", "Pyotr", "Lev", "Leon", "Grigory", "Yakov", "Nikolai", "Karl", "Vagarshak"]
    last = ["Ivanov", "Ivanova", "Petrov", "Sedov", "Smirnov", "Zinoviev", "Kamenev", "Radek", "Ter-Vaganyan", "Preobrazhensky"]
    names = sorted({fold(f"{rng.choice(first)} {rng.choice(last)} {rng.randrange(300)}") for _ in range(1000)})
    assert len(names) > 900
    for _ in range(40):
        wrong = fold(_typos(rng.choice(names), rng))
        assert matcher(wrong, names) == difflib.get_close_matches(wrong, names), wrong


def test_arguments_are_checked_like_difflib():
    with pytest.raises(ValueError):
        close_matches("a", ["a"], n=0)
    with pytest.raises(ValueError):
        close_matches("a", ["a"], cutoff=1.5)


def test_a_broken_link_still_gets_its_suggestion(tmp_path):
    write_site(tmp_path, {
        "people/leon-trotsky.md": "---\ntitle: Leon Trotsky\n---\n",
        "people/lev-sedov.md": "---\ntitle: Lev Sedov\nmemberships:\n  - group: left-oposition\n---\nSee [[Leon Trotski]] and [[people/lev-sedof]].\n",
        "groups/left-opposition.md": "---\ntitle: Left Opposition\n---\n",
    })
    found = messages(check_site(tmp_path))
    assert any("[[Leon Trotski]] matches no page (did you mean 'Leon Trotsky'?)" in m for m in found), found
    assert any("there is no person 'lev-sedof' (did you mean 'Lev Sedov'?)" in m for m in found), found
    assert any("'left-oposition', which does not exist (did you mean 'left-opposition'?)" in m for m in found), found
