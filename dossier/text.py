"""Text folding shared by link resolution, slugs and search.

Plain Python, no third-party imports: used by the model, the resolver,
scaffolding (``dossier new``) and the source importer.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["fold", "slugify", "is_slug", "transliterate", "SLUG_RE"]

#: A slug: lowercase ASCII letters and digits, words joined by single hyphens.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Scholarly-library transliteration of Russian Cyrillic, simplified to ASCII
# (the form English-language historiography uses in URLs: Zinov'ev -> zinovev).
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Ukrainian and Belarusian letters that occur in names
    "є": "ie", "і": "i", "ї": "i", "ґ": "g", "ў": "u",
}
# Letters that NFKD does not decompose into ASCII.
_SPECIAL = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th",
    "ł": "l", "ı": "i", "ħ": "h",
}
_PUNCT_RE = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def transliterate(text: str) -> str:
    """Return ``text`` with Cyrillic transliterated and diacritics removed."""
    out = []
    for ch in text:
        low = ch.lower()
        if low in _CYRILLIC:
            rep = _CYRILLIC[low]
            out.append(rep.capitalize() if ch != low and rep else rep)
        elif low in _SPECIAL:
            out.append(_SPECIAL[low])
        else:
            out.append(ch)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """Fold a name for matching: case, diacritics and punctuation ignored.

    ``fold("Zinov'ev") == fold("zinovev")``; ``fold("Grünstein") == "grunstein"``;
    ``fold("Left–Right Bloc") == fold("left right bloc")``. Cyrillic stays
    Cyrillic (lowercased, without diacritics), so "Зиновьев" matches itself.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    for k, v in _SPECIAL.items():
        text = text.replace(k, v)
    # Apostrophes inside words vanish (Zinov'ev -> zinovev); other
    # punctuation separates words (Left–Right -> left right).
    text = re.sub(r"(?<=\w)['’ʼ`´](?=\w)", "", text)
    text = _PUNCT_RE.sub(" ", text).replace("_", " ")
    return _SPACE_RE.sub(" ", text).strip()


def slugify(text: str) -> str:
    """Make a URL slug: ``slugify("Лев Седов") == "lev-sedov"``."""
    text = transliterate(text).lower()
    text = re.sub(r"(?<=\w)['’ʼ`´](?=\w)", "", text)
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return text.strip("-")


def is_slug(text: str) -> bool:
    return bool(SLUG_RE.match(text))
