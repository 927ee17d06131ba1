"""Romanisations of a native name: the spellings readers type.

A reader looks for Zinoviev as "Zinov'ev" (the Library of Congress),
"Zinov'yev" (BGN/PCGN), "Zinovʹev" (ISO 9), "Zinovyev" (English usage),
"Zinoviev" (French) or "Sinowjew" (German). None of them is typed by an
editor: they are generated here, at build time, from ``native_name`` when
``native_lang`` is Russian (``ru``), by iuliia (a maintained library of the
published transliteration systems). iuliia has no German system, so the
German one is written as data for iuliia's engine (``romanize_de.json``:
the Duden rules, with its one simplification stated there).

Each system gives the whole name and, for a name of three words whose middle
one is a patronymic, the name without it ("Grigory Zinovyev") and the
surname alone ("Zinovyev"). They serve search, ``[[links]]`` and "did you
mean"; a variant that is also a name of another page is ambiguous and is
reported (``ambiguous-variant``), never silently given to one of them.

The page shows one romanisation, the scholarly one (ALA-LC), beside the
native name.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import iuliia
from iuliia.schema import TranslitSchema

__all__ = ["SYSTEMS", "Variant", "scholarly", "variants"]

_GERMAN_FILE = Path(__file__).with_name("romanize_de.json")


def _german() -> TranslitSchema:
    d = json.loads(_GERMAN_FILE.read_text(encoding="utf-8"))
    return TranslitSchema(
        name=d["name"],
        description=d["description"],
        mapping=d["mapping"],
        prev_mapping=d["prev_mapping"],
        next_mapping=d["next_mapping"],
        ending_mapping=d["ending_mapping"],
        samples=d["samples"],
    )


@dataclass(frozen=True)
class System:
    key: str
    label: str
    schema: object


#: The systems, in the order a reader of English-language scholarship meets
#: them. The first is the scholarly romanisation shown on the page.
SYSTEMS: tuple[System, ...] = (
    System("ala-lc", "ALA-LC", iuliia.ALA_LC),
    System("ala-lc-plain", "ALA-LC without diacritics", iuliia.ALA_LC_ALT),
    System("bgn-pcgn", "BGN/PCGN", iuliia.BGN_PCGN),
    System("iso-9", "ISO 9:1995", iuliia.GOST_779),
    System("english", "English usage (Wikipedia)", iuliia.WIKIPEDIA),
    System("french", "French", iuliia.MVD_310_FR),
    System("german", "German (Duden)", _german()),
)

#: Languages whose names these systems romanise.
LANGUAGES = frozenset({"ru"})

_PATRONYMIC = re.compile(r"(?:ович|евич|ьич|ич|овна|евна|ична|инична)$", re.IGNORECASE)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@dataclass(frozen=True)
class Variant:
    text: str
    system: str  # the System.key that gave it


def _forms(name: str) -> list[str]:
    """The name, and for "Given Patronymic Surname" also "Given Surname" and
    "Surname"."""
    words = name.split()
    out = [" ".join(words)]
    if len(words) == 3 and _PATRONYMIC.search(words[1]) and not words[0].endswith("."):
        out += [f"{words[0]} {words[2]}", words[2]]
    return out


def _language(lang: str) -> str:
    return lang.split("-")[0].lower()


@functools.lru_cache(maxsize=65536)
def _variants(name: str, lang: str) -> tuple[Variant, ...]:
    if _language(lang) not in LANGUAGES or not _CYRILLIC.search(name):
        return ()
    out: dict[str, Variant] = {}
    for system in SYSTEMS:
        for form in _forms(name):
            text = system.schema.translate(form)
            for t in (text, text.replace("’", "'")):
                out.setdefault(t, Variant(t, system.key))
    return tuple(out.values())


def variants(native_name: str | None, native_lang: str | None) -> tuple[Variant, ...]:
    """Every generated spelling of ``native_name`` (none when the language is
    not one the systems romanise)."""
    if not native_name or not native_lang:
        return ()
    return _variants(native_name, native_lang)


def scholarly(native_name: str | None, native_lang: str | None) -> str:
    """The ALA-LC romanisation of the whole name, or ``""``."""
    if not native_name or not native_lang or _language(native_lang) not in LANGUAGES or not _CYRILLIC.search(native_name):
        return ""
    return SYSTEMS[0].schema.translate(" ".join(native_name.split()))
