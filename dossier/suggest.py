""""Did you mean": the names closest to a mistyped one, in near-linear time.

:func:`close_matches` gives what ``difflib.get_close_matches`` gives (the
same names, in the same order) without comparing the word with every name
in Python, which made 3,000 broken links against 3,000 names take 30 s:

- difflib's ``ratio`` is 2·M/T, where M counts the characters of matching
  blocks, which form a common subsequence: it is never above 2·LCS/T,
  RapidFuzz's normalized Indel similarity. RapidFuzz (C++, a fraction of a
  microsecond a name) finds the names whose bound reaches the cutoff, and
  difflib scores only those, best bound first, until no bound left can beat
  the n-th score. Exactly difflib's answer.
- Over :data:`INDEX_ABOVE` names, even that scan is long (45,000 names, 3,000
  links: 30 s), so a trigram index of the names first picks the
  :data:`CANDIDATES` names that share the most trigrams with the word, and
  the exact step runs on those: the same answer whenever difflib's best
  names are among them (they share most trigrams with a mistyped name; the
  tests compare both on a thousand similar names). A short name that shares
  no trigram can be missed ("kirlv" and "silov" have a ratio of 0.6): on
  sites that large, the price of not comparing every pair.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from rapidfuzz import process
from rapidfuzz.distance import Indel

__all__ = ["close_matches", "NameIndex"]

_EPS = 1e-9  # the two libraries compute in floating point: bounds are read with a margin
INDEX_ABOVE = 5000  # names, over which the trigram index preselects
CANDIDATES = 64  # names the index passes on


def _exact(word: str, possibilities: Sequence[str], n: int, cutoff: float) -> list[str]:
    # RapidFuzz turns a score cutoff into a distance and lost an exact 0.6: a margin
    bounds = process.extract(word, possibilities, scorer=Indel.normalized_similarity, score_cutoff=max(0.0, cutoff - 0.01), limit=None)
    bounds.sort(key=lambda c: -c[1])
    s = SequenceMatcher()
    s.set_seq2(word)
    best: list[tuple[float, str]] = []  # a min-heap of the n best (score, name)
    result: list[tuple[float, str]] = []
    for x, bound, _index in bounds:
        if len(best) == n and bound + _EPS < best[0][0]:
            break  # no name left can enter the n best
        s.set_seq1(x)
        if s.real_quick_ratio() >= cutoff and s.quick_ratio() >= cutoff and s.ratio() >= cutoff:
            item = (s.ratio(), x)
            result.append(item)
            if len(best) < n:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
    return [x for _score, x in heapq.nlargest(n, result)]


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class NameIndex:
    """Names with their trigrams, built once for many look-ups."""

    def __init__(self, names: Sequence[str]):
        self.names = list(names)
        self.postings: dict[str, list[int]] = {}
        for i, name in enumerate(self.names):
            for g in _trigrams(name):
                self.postings.setdefault(g, []).append(i)

    def candidates(self, word: str, limit: int = CANDIDATES) -> list[str]:
        """The ``limit`` names that share the most trigrams with ``word``
        (and every name tied with the last), in the names' order."""
        shared: Counter[int] = Counter()
        for g in _trigrams(word):
            for i in self.postings.get(g, ()):
                shared[i] += 1
        if len(shared) > limit:
            top = shared.most_common(limit)
            floor = top[-1][1]
            keep = sorted(i for i, c in shared.items() if c >= floor)
        else:
            keep = sorted(shared)
        return [self.names[i] for i in keep]

    def close_matches(self, word: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
        _check(n, cutoff)
        if len(self.names) <= INDEX_ABOVE or cutoff <= 0.0:
            return _exact(word, self.names, n, cutoff)
        return _exact(word, self.candidates(word), n, cutoff)


def _check(n: int, cutoff: float) -> None:
    if not n > 0:
        raise ValueError(f"n must be > 0: {n!r}")
    if not 0.0 <= cutoff <= 1.0:
        raise ValueError(f"cutoff must be in [0.0, 1.0]: {cutoff!r}")


def close_matches(word: str, possibilities: Sequence[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """``difflib.get_close_matches(word, possibilities, n, cutoff)``, exactly."""
    _check(n, cutoff)
    return _exact(word, possibilities, n, cutoff)
