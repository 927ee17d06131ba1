#!/usr/bin/env python3
"""Deterministic benchmark corpus for Dossier, plus the same bodies as a
plain-Pelican project (the baseline).

    python bench/corpus.py N OUT_DIR [--seed S]

writes

    OUT_DIR/content/{people,groups,events,sources,articles}/*.md   Dossier
    OUT_DIR/content/index.md                                       home page
    OUT_DIR/pelicanconf.py                                         Dossier settings
    OUT_DIR/pelican/content/*.md, OUT_DIR/pelican/pelicanconf.py   baseline
    OUT_DIR/bench-meta.json                                        what run.py edits

N people, N/5 groups, N/2 events, N/10 sources, N/50 articles. Each body is
about 400 words: paragraphs, a ``## heading`` and a bulleted list, with
``[[wiki-links]]`` in every form of the content format (title, alias,
``type/slug``, ``slug|label``, ``Title#Section``) and citations
``[@source, p. 12]``. Titles, aliases, native names and slugs are unique once
folded (case, diacritics, punctuation ignored), so the build has no errors;
every source is cited at least once. The same seed gives the same bytes.

Only the standard library is needed; name folding is Dossier's own
(``dossier.text.fold``) when it can be imported, so uniqueness is judged by
the generator's rules.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

try:  # the generator's own folding: uniqueness exactly as the build judges it
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from dossier.text import fold, slugify  # type: ignore
except Exception:  # pragma: no cover - a stand-alone copy of the rules
    _PUNCT = re.compile(r"[^\w\s]")

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(c for c in text if not unicodedata.combining(c))
        for k, v in {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l"}.items():
            text = text.replace(k, v)
        text = re.sub(r"(?<=\w)['’ʼ`´](?=\w)", "", text)
        text = _PUNCT.sub(" ", text).replace("_", " ")
        return " ".join(text.split())

    def slugify(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.lower())
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = re.sub(r"(?<=\w)['’ʼ`´](?=\w)", "", text)
        return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
finally:
    sys.path.pop(0)


# Name material -------------------------------------------------------------------

MALE_FIRST = [
    ("Ivan", "Иван"), ("Pyotr", "Пётр"), ("Nikolai", "Николай"), ("Sergei", "Сергей"), ("Aleksei", "Алексей"),
    ("Mikhail", "Михаил"), ("Grigory", "Григорий"), ("Lev", "Лев"), ("Boris", "Борис"), ("Fyodor", "Фёдор"),
    ("Vasily", "Василий"), ("Dmitry", "Дмитрий"), ("Yakov", "Яков"), ("Semyon", "Семён"), ("Andrei", "Андрей"),
    ("Konstantin", "Константин"), ("Viktor", "Виктор"), ("Anatoly", "Анатолий"), ("Yevgeny", "Евгений"),
    ("Leonid", "Леонид"), ("Matvei", "Матвей"), ("Timofei", "Тимофей"), ("Arkady", "Аркадий"), ("Georgy", "Георгий"),
    ("Ilya", "Илья"), ("Pavel", "Павел"), ("Roman", "Роман"), ("Vladimir", "Владимир"), ("Maxim", "Максим"),
    ("Oleg", "Олег"), ("Khristian", "Христиан"), ("Vissarion", "Виссарион"), ("Valerian", "Валериан"), ("Karl", "Карл"),
]
FEMALE_FIRST = [
    ("Anna", "Анна"), ("Maria", "Мария"), ("Yelena", "Елена"), ("Olga", "Ольга"), ("Natalia", "Наталья"),
    ("Vera", "Вера"), ("Nadezhda", "Надежда"), ("Lyubov", "Любовь"), ("Yekaterina", "Екатерина"),
    ("Tatiana", "Татьяна"), ("Sofia", "Софья"), ("Zinaida", "Зинаида"), ("Larisa", "Лариса"), ("Irina", "Ирина"),
    ("Raisa", "Раиса"), ("Polina", "Полина"), ("Aleksandra", "Александра"), ("Yevgenia", "Евгения"),
]
# (male Latin, female Latin, male Cyrillic, female Cyrillic)
PATRONYMICS = [
    ("Ivanovich", "Ivanovna", "Иванович", "Ивановна"), ("Petrovich", "Petrovna", "Петрович", "Петровна"),
    ("Nikolaevich", "Nikolaevna", "Николаевич", "Николаевна"), ("Sergeevich", "Sergeevna", "Сергеевич", "Сергеевна"),
    ("Alekseevich", "Alekseevna", "Алексеевич", "Алексеевна"), ("Mikhailovich", "Mikhailovna", "Михайлович", "Михайловна"),
    ("Grigorievich", "Grigorievna", "Григорьевич", "Григорьевна"), ("Lvovich", "Lvovna", "Львович", "Львовна"),
    ("Borisovich", "Borisovna", "Борисович", "Борисовна"), ("Fyodorovich", "Fyodorovna", "Фёдорович", "Фёдоровна"),
    ("Vasilievich", "Vasilievna", "Васильевич", "Васильевна"), ("Dmitrievich", "Dmitrievna", "Дмитриевич", "Дмитриевна"),
    ("Yakovlevich", "Yakovlevna", "Яковлевич", "Яковлевна"), ("Semyonovich", "Semyonovna", "Семёнович", "Семёновна"),
    ("Andreevich", "Andreevna", "Андреевич", "Андреевна"), ("Moiseevich", "Moiseevna", "Моисеевич", "Моисеевна"),
    ("Abramovich", "Abramovna", "Абрамович", "Абрамовна"), ("Davidovich", "Davidovna", "Давидович", "Давидовна"),
    ("Osipovich", "Osipovna", "Осипович", "Осиповна"), ("Pavlovich", "Pavlovna", "Павлович", "Павловна"),
    ("Romanovich", "Romanovna", "Романович", "Романовна"), ("Zakharovich", "Zakharovna", "Захарович", "Захаровна"),
]
# surnames: (Latin stem, Cyrillic stem, declension): "ov" adds -a for women,
# "sky" becomes -sky/-skaya, "fix" does not change
_OV = (
    "Smirnov Смирнов|Ivanov Иванов|Kuznetsov Кузнецов|Popov Попов|Sokolov Соколов|Lebedev Лебедев|Kozlov Козлов|"
    "Novikov Новиков|Morozov Морозов|Petrov Петров|Volkov Волков|Solovyov Соловьёв|Vasiliev Васильев|Zaitsev Зайцев|"
    "Pavlov Павлов|Semyonov Семёнов|Golubev Голубев|Vinogradov Виноградов|Bogdanov Богданов|Vorobyov Воробьёв|"
    "Fyodorov Фёдоров|Mikhailov Михайлов|Belyaev Беляев|Tarasov Тарасов|Belov Белов|Komarov Комаров|Orlov Орлов|"
    "Kiselyov Киселёв|Makarov Макаров|Andreev Андреев|Kovalyov Ковалёв|Ilyin Ильин|Gusev Гусев|Titov Титов|"
    "Kuzmin Кузьмин|Kudryavtsev Кудрявцев|Baranov Баранов|Kulikov Куликов|Alekseev Алексеев|Stepanov Степанов|"
    "Yakovlev Яковлев|Sorokin Сорокин|Sergeev Сергеев|Romanov Романов|Zakharov Захаров|Borisov Борисов|"
    "Korolyov Королёв|Gerasimov Герасимов|Ponomaryov Пономарёв|Grigoriev Григорьев|Lazarev Лазарев|Medvedev Медведев|"
    "Yershov Ершов|Nikitin Никитин|Sobolev Соболев|Ryabov Рябов|Polyakov Поляков|Tsvetkov Цветков|Danilov Данилов|"
    "Zhukov Жуков|Frolov Фролов|Zhuravlyov Журавлёв|Nikolaev Николаев|Krylov Крылов|Maksimov Максимов|"
    "Sidorov Сидоров|Osipov Осипов|Belousov Белоусов|Fedotov Федотов|Dorofeev Дорофеев|Yegorov Егоров|"
    "Matveev Матвеев|Bobrov Бобров|Dmitriev Дмитриев|Kalinin Калинин|Anisimov Анисимов|Petukhov Петухов|"
    "Antonov Антонов|Timofeev Тимофеев|Nikiforov Никифоров|Veselov Веселов|Filippov Филиппов|Markov Марков|"
    "Bolshakov Большаков|Sukhanov Суханов|Mironov Миронов|Shiryaev Ширяев|Aleksandrov Александров|"
    "Konovalov Коновалов|Shestakov Шестаков|Kazakov Казаков|Yefimov Ефимов|Denisov Денисов|Gromov Громов|"
    "Fomin Фомин|Davydov Давыдов|Melnikov Мельников|Shcherbakov Щербаков|Blinov Блинов|Kolesnikov Колесников|"
    "Karpov Карпов|Afanasiev Афанасьев|Vlasov Власов|Maslov Маслов|Isakov Исаков|Tikhonov Тихонов|Aksyonov Аксёнов|"
    "Gavrilov Гаврилов|Rodionov Родионов|Kotov Котов|Gorbunov Горбунов|Kudryashov Кудряшов|Bykov Быков|"
    "Zuev Зуев|Tretyakov Третьяков|Savelyev Савельев|Panov Панов|Rybakov Рыбаков|Suvorov Суворов|Abramov Абрамов|"
    "Voronov Воронов|Mukhin Мухин|Arkhipov Архипов|Trofimov Трофимов|Martynov Мартынов|Yemelyanov Емельянов|"
    "Gorshkov Горшков|Chernov Чернов|Ovchinnikov Овчинников|Seleznyov Селезнёв|Panfilov Панфилов|Kopylov Копылов"
)
_SKY = (
    "Ostrov Остров|Zamyat Замят|Vyshin Вышин|Pokrov Покров|Zadorozh Задорож|Uglan Углан|Sosnov Соснов|"
    "Rakov Раков|Dubrov Дубров|Kamen Камен|Lomov Ломов|Bersen Берсен|Volyn Волын|Krasnopol Краснополь|Trubets Трубец"
)
_FIX = (
    "Lominadze Ломинадзе|Mdivani Мдивани|Okudzhava Окуджава|Rabinovich Рабинович|Shulman Шульман|"
    "Kobulov Кобулов|Gogoberidze Гогоберидзе|Kavtaradze Кавтарадзе|Sapronov Сапронов|Rakovsky Раковский|"
    "Grünstein Грюнштейн|Ter-Vaganian Тер-Ваганян|Zhordania Жордания|Goloshchekin Голощёкин|Eltsin Эльцин"
)
SURNAMES = (
    [(a, b, "ov") for a, b in (p.split(" ") for p in _OV.split("|"))]
    + [(a, b, "sky") for a, b in (p.split(" ") for p in _SKY.split("|"))]
    + [(a, b, "fix") for a, b in (p.split(" ") for p in _FIX.split("|"))]
)
# people outside Russia (no native_name, diacritics in the title)
FOREIGN_FIRST = ["José", "Zdeněk", "Łukasz", "Jürgen", "Søren", "François", "Ödön", "Mihály", "Dragoș", "Tomáš", "Hélène", "Agnès"]
FOREIGN_LAST = ["Gutiérrez", "Kučera", "Wróbel", "Müller", "Kierkegård", "Brouè", "Szántó", "Kovács", "Mureșan", "Dvořák", "Lefèvre", "Nørgaard", "Ibáñez", "Łoziński", "Horváth"]
VARIANT_SPELLINGS = {"Aleksei": "Alexei", "Yevgeny": "Evgeny", "Fyodor": "Fedor", "Grigory": "Grigorii", "Georgy": "Georgii", "Semyon": "Semen", "Yelena": "Elena", "Yekaterina": "Ekaterina", "Maxim": "Maksim", "Dmitry": "Dmitrii"}

PLACES = (
    "Moscow Leningrad Kharkov Kiev Tula Samara Saratov Tiflis Baku Odessa Omsk Tomsk Irkutsk Perm Kazan Ufa Minsk "
    "Vitebsk Rostov Novgorod Pskov Tver Yaroslavl Ivanovo Vladimir Kostroma Vyatka Vologda Arkhangelsk Murmansk "
    "Astrakhan Tsaritsyn Penza Orenburg Chelyabinsk Sverdlovsk Tobolsk Krasnoyarsk Chita Yakutsk Tashkent Samarkand "
    "Alma-Ata Erivan Batum Sukhum Poltava Chernigov Zhitomir Vinnitsa Nikolaev Kherson Ekaterinoslav Voronezh Kursk "
    "Orel Bryansk Smolensk Kaluga Ryazan Narym Kolyma Vorkuta Solovki Suzdal Verkhne-Uralsk Kansk Minusinsk Barnaul"
).split()
GROUP_ADJ = [
    "Left", "Right", "Workers'", "Democratic", "Revolutionary", "United", "Socialist", "Proletarian",
    "Internationalist", "Communist", "Syndicalist", "Centralist", "Marxist", "Bolshevik-Leninist", "Agrarian",
    "Radical", "Young", "Old", "Free", "Unitary",
]
GROUP_NOUN = ["Opposition", "Group", "Circle", "Bloc", "Union", "League", "Committee", "Faction", "Centre", "Federation", "Society", "Council", "Tendency", "Alliance"]
IDEOLOGIES = ["Marxism", "Leninism", "Trotskyism", "Bukharinism", "Anarchism", "Syndicalism", "Social democracy", "Agrarianism", "Internationalism", "Democratic centralism"]
POSITIONS = ["Far-left", "Left-wing", "Centre-left", "Centre", "Right-wing"]
COLOURS = ["red", "maroon", "crimson", "darkred", "firebrick", "navy", "teal", "olive", "purple", "#8b0000", "#336699", "#aa5500", "darkgreen", "steelblue"]
ROLES = ["member", "leader", "secretary", "organiser", "founder", "treasurer", "editor", "courier", "delegate"]
PERSON_ROLES = ["Party organiser", "Journalist", "Trade unionist", "Economist", "Historian", "Diplomat", "Military commissar", "Teacher", "Engineer", "Secret police officer", "Publicist", "Translator"]
EVENT_KINDS = ["Arrest", "Trial", "Exile", "Expulsion", "Conference", "Congress", "Meeting", "Strike", "Demonstration", "Plenum", "Hunger strike", "Deportation", "Release", "Interrogation", "Execution", "Founding"]
GENRES_PRIMARY = ["letter", "trial-record", "interrogation-record", "memoir", "press", "archive-document", "decree"]
GENRES_SECONDARY = ["historiography", "reference"]
PUBLISHERS = ["Partizdat", "Gosizdat", "Nauka", "Mouvement Social", "Ostrov Press", "University of Tula Press", "Krasnaya Nov'", "Granit"]
LANGUAGES = ["Russian", "English", "French", "German"]
TAGS = [
    "opposition", "exile", "trial", "prison", "underground", "letters", "party-history", "historiography", "secret-police",
    "trade-unions", "press", "emigration", "industrialisation", "collectivisation", "amalgam", "confession", "isolator",
    "congress", "purge", "rehabilitation",
]
HEADINGS = {
    "person": ["Early life", "Political activity", "In the opposition", "Arrest and exile", "Later years", "Assessment", "Role in the bloc"],
    "group": ["Origins", "Programme", "Membership", "Repression", "Dissolution", "Historiography"],
    "event": ["Background", "Course of events", "Participants", "Aftermath", "Evidence", "Interpretations"],
    "source": ["Content", "Provenance", "Reliability", "Use by historians", "Editions"],
    "article": ["The question", "The evidence", "Competing readings", "Conclusion"],
}

# Body text -----------------------------------------------------------------------

ADJ = ["clandestine", "open", "hesitant", "decisive", "fragile", "secret", "public", "bitter", "cautious", "radical", "moderate", "loyal", "divided", "stubborn", "forgotten"]
ADJ2 = ["short-lived", "well organised", "badly compromised", "closely watched", "deeply divided", "surprisingly durable", "poorly documented", "widely discussed"]
NOUN = ["platform", "declaration", "correspondence", "meeting", "network", "circle", "campaign", "programme", "dispute", "alliance", "confession", "testimony", "statement", "conference", "polemic"]
VERB = ["joined", "denounced", "organised", "supported", "criticised", "left", "defended", "abandoned", "described", "visited", "reported on", "corresponded with"]
DOCS = ["police report", "party circular", "interrogation protocol", "private letter", "memoir", "diary", "court transcript", "press report"]

SENTENCES = [
    "In {year} {L} {verb} the {adj} {noun} in {place}{C}.",
    "{L} later recalled that the {noun} had been {adj2} from the start{C}.",
    "The {noun} was discussed at length during {L}, where speakers attacked the {adj} line of the majority.",
    "According to a {doc} from {place}, {L} {verb} the group shortly before the arrests of {year}{C}.",
    "Contemporaries described the {noun} as {adj2}, and the surviving {doc}s agree on this point{C}.",
    "Historians have disagreed about the part played by {L} in the {noun} of {year}{C}.",
    "Little is known about the {noun} before {year}, although letters sent from {place} mention it in passing.",
    "The {adj} wing of the party regarded {L} with suspicion, and the feeling was returned.",
    "A {doc} dated {year} names {L} among those who {verb} the {noun} in {place}.",
    "Nothing in the record suggests that the {noun} was more than a {adj} exchange of views between old comrades.",
    "By the end of {year} the {noun} had become {adj2}, and most of its supporters were in prison or exile{C}.",
    "The memoirs of {L} give a different account, placing the {noun} in {place} rather than in the capital.",
    "It was in {place} that the {adj} {noun} first took shape, with {L} acting as intermediary{C}.",
    "Later investigators treated the {noun} as proof of a conspiracy, a reading that the evidence hardly supports.",
    "The connection with {L} rests on a single {doc}, which several historians consider unreliable{C}.",
    "After {year} the name of {L} disappears from the party press, and the {noun} with it.",
    "Whether the {noun} amounted to an organisation or only to a {adj} understanding is still debated.",
    "The correspondence between {L} and the exiles in {place} breaks off abruptly in {year}.",
]
LIST_ITEMS = [
    "{year}: {L} {verb} the {noun}",
    "a {adj} {noun} in {place} ({year})",
    "the {doc} on {L}",
    "{year}: arrests in {place}{C}",
    "contacts with {L} and the {adj} circle",
    "the {noun} of {year}, as reported by a {doc}",
]


@dataclass
class Entity:
    kind: str
    slug: str
    title: str
    aliases: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # written in this order after title/aliases
    heading: str = ""
    tags: list[str] = field(default_factory=list)
    date_iso: str = "1930-01-01"  # for the baseline's front matter
    body: str = ""
    pelican_body: str = ""
    inlinks: int = 0

    @property
    def folder(self) -> str:
        return {"person": "people", "group": "groups", "event": "events", "source": "sources", "article": "articles"}[self.kind]

    @property
    def key(self) -> str:
        return f"{self.folder}/{self.slug}"


class Names:
    """Folded names claimed so far (titles, aliases, native names, slugs)."""

    def __init__(self) -> None:
        self.owner: dict[str, str] = {}

    def free(self, name: str, owner: str = "") -> bool:
        f = fold(name)
        return bool(f) and self.owner.get(f, owner) == owner

    def claim(self, name: str, owner: str) -> None:
        self.owner[fold(name)] = owner


def q(s: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def qlist(items: list[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


# Dates ---------------------------------------------------------------------------


def edtf(rng: random.Random, year: int, allow_interval: bool = True) -> tuple[str, str]:
    """An EDTF date in ``year``: (EDTF string, ISO date for the baseline)."""
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    iso = f"{year}-{m:02d}-{d:02d}"
    r = rng.random()
    if r < 0.40:
        return iso, iso
    if r < 0.55:
        return f"{year}-{m:02d}", iso
    if r < 0.65:
        return f"{year}", iso
    if r < 0.77:
        return (f"{year}-{m:02d}~" if rng.random() < 0.5 else f"{year}~"), iso
    if r < 0.87:
        return f"{year}?", iso
    if allow_interval and m < 12:
        m2 = rng.randint(m + 1, 12)
        return f"{year}-{m:02d}/{year}-{m2:02d}", iso
    return f"{year}", iso


# The corpus ----------------------------------------------------------------------


class Corpus:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = random.Random(seed)
        self.names = Names()
        self.people: list[Entity] = []
        self.groups: list[Entity] = []
        self.events: list[Entity] = []
        self.sources: list[Entity] = []
        self.articles: list[Entity] = []
        self.by_key: dict[str, Entity] = {}

    # identity helpers
    def _register(self, e: Entity) -> None:
        for name in [e.slug, e.title, *e.aliases, e.fields.get("native_name", "")]:
            if name:
                self.names.claim(name, e.key)
        self.by_key[e.key] = e

    def _unique_slug(self, base: str, folder: str) -> str:
        slug, i = base, 1
        while not self.names.free(slug, f"{folder}/{slug}") or any(f"{f}/{slug}" in self.by_key for f in ("people", "groups", "events", "sources", "articles")):
            i += 1
            slug = f"{base}-{i}"
        return slug

    # people
    def make_people(self) -> None:
        rng = self.rng
        triples: set[tuple[str, str, str]] = set()
        for _i in range(self.n):
            foreign = rng.random() < 0.04
            for _attempt in range(1000):
                if foreign:
                    first, last = rng.choice(FOREIGN_FIRST), rng.choice(FOREIGN_LAST)
                    title = f"{first} {last}"
                    native, long_form, initials = "", "", f"{first[0]}. {last}"
                    if rng.random() < 0.5 or not self.names.free(title):
                        title = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTVW')}. {last}"
                    if not self.names.free(title) or not self.names.free(slugify(title)):
                        continue
                    break
                female = rng.random() < 0.2
                first, first_c = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
                pm, pf, pmc, pfc = rng.choice(PATRONYMICS)
                stem, stem_c, decl = rng.choice(SURNAMES)
                if decl == "ov":
                    last, last_c = (stem + "a", stem_c + "а") if female else (stem, stem_c)
                elif decl == "sky":
                    last, last_c = (stem + "skaya", stem_c + "ская") if female else (stem + "sky", stem_c + "ский")
                else:
                    last, last_c = stem, stem_c
                patr, patr_c = (pf, pfc) if female else (pm, pmc)
                if (first, patr, last) in triples:
                    continue
                short, long_form = f"{first} {last}", f"{first} {patr} {last}"
                title = short if (self.names.free(short) and self.names.free(slugify(short))) else long_form
                if not self.names.free(title) or not self.names.free(slugify(title)):
                    continue
                triples.add((first, patr, last))
                native = f"{first_c} {patr_c} {last_c}"
                initials = f"{first[0]}. {patr[0]}. {last}"
                break
            else:  # pragma: no cover
                raise SystemExit("ran out of person names")
            slug = self._unique_slug(slugify(title), "people")
            e = Entity("person", slug, title)
            key = f"people/{slug}"
            aliases = []
            for cand in (initials, long_form if long_form and long_form != title else ""):
                if cand and rng.random() < 0.7 and self.names.free(cand, key) and fold(cand) != fold(title):
                    aliases.append(cand)
                    self.names.claim(cand, key)
            if not foreign and first in VARIANT_SPELLINGS and rng.random() < 0.6:
                variant = title.replace(first, VARIANT_SPELLINGS[first], 1)
                if self.names.free(variant, key):
                    aliases.append(variant)
                    self.names.claim(variant, key)
            e.aliases = aliases
            born_y = rng.randint(1860, 1915)
            died_y = born_y + rng.randint(20, 60)
            born, born_iso = edtf(rng, born_y)
            if rng.random() < 0.03:
                born = f"{str(born_y)[:3]}X"
                died_y = max(died_y, (born_y // 10) * 10 + 30)
            died, _ = edtf(rng, died_y)
            f: dict = {}
            if native:
                f["native_name"] = native
            f["summary"] = f"{rng.choice(PERSON_ROLES)} from {rng.choice(PLACES)}, active in the {rng.choice(ADJ)} {rng.choice(NOUN)} of the {(born_y + 30) // 10 * 10}s."
            f["born"] = born
            if rng.random() < 0.6:
                f["birth_place"] = rng.choice(PLACES)
            if rng.random() < 0.9:
                f["died"] = died
                if rng.random() < 0.5:
                    f["death_place"] = rng.choice(PLACES)
            f["roles"] = rng.sample(PERSON_ROLES, rng.randint(1, 2))
            e.fields = f
            e.date_iso = born_iso
            e.tags = rng.sample(TAGS, rng.randint(1, 3))
            e.heading = rng.choice(HEADINGS["person"])
            e._born_y, e._died_y = born_y, died_y  # type: ignore[attr-defined]
            self.people.append(e)
            self._register(e)

    # groups
    def make_groups(self) -> None:
        rng = self.rng
        for _i in range(max(1, self.n // 5)):
            for _attempt in range(1000):
                adj, noun, place = rng.choice(GROUP_ADJ), rng.choice(GROUP_NOUN), rng.choice(PLACES)
                title = f"{adj} {noun} of {place}" if rng.random() < 0.6 else f"{place} {adj} {noun}"
                if self.names.free(title) and self.names.free(slugify(title)):
                    break
            else:  # pragma: no cover
                raise SystemExit("ran out of group names")
            slug = self._unique_slug(slugify(title), "groups")
            e = Entity("group", slug, title)
            key = e.key
            founded_y = rng.randint(1895, 1935)
            dissolved_y = min(1941, founded_y + rng.randint(1, 15))
            founded, founded_iso = edtf(rng, founded_y)
            dissolved, _ = edtf(rng, dissolved_y) if dissolved_y > founded_y else (f"{dissolved_y}", "")
            leaders = rng.sample(self.people, rng.randint(1, 2))
            aliases = []
            cand = f"{leaders[0].title.split()[-1]}'s {noun.lower()}"
            if rng.random() < 0.6 and self.names.free(cand, key):
                aliases.append(cand)
                self.names.claim(cand, key)
            e.aliases = aliases
            f: dict = {"summary": f"A {rng.choice(ADJ)} {noun.lower()} active in {place} between {founded_y} and {dissolved_y}."}
            f["colorcode"] = rng.choice(COLOURS)
            f["leaders"] = [p.slug for p in leaders]
            f["founded"] = founded
            f["dissolved"] = dissolved
            if self.groups and rng.random() < 0.3:
                f["predecessor"] = [rng.choice(self.groups).slug]
            if len(self.groups) > 2 and rng.random() < 0.05:
                f["merger"] = [g.slug for g in rng.sample(self.groups, 2)]
            if self.groups and rng.random() < 0.1:
                f["part_of"] = [rng.choice(self.groups).slug]  # earlier groups only: acyclic
            if rng.random() < 0.2:
                f["members"] = [p.slug for p in rng.sample(self.people, rng.randint(1, 3)) if p not in leaders]
                if not f["members"]:
                    del f["members"]
            f["ideology"] = rng.sample(IDEOLOGIES, rng.randint(1, 2))
            f["position"] = rng.choice(POSITIONS)
            f["state"] = "Soviet Union" if founded_y >= 1922 else "Russian Empire"
            e.fields = f
            e.date_iso = founded_iso
            e.tags = rng.sample(TAGS, rng.randint(1, 3))
            e.heading = rng.choice(HEADINGS["group"])
            self.groups.append(e)
            self._register(e)
        # memberships, declared on the people (group slugs exist now)
        for p in self.people:
            k = rng.choices([0, 1, 2, 3], [0.15, 0.45, 0.3, 0.1])[0]
            ms = []
            for g in rng.sample(self.groups, min(k, len(self.groups))):
                m = {"group": g.slug}
                if rng.random() < 0.8:
                    m["role"] = rng.choice(ROLES)
                if rng.random() < 0.6:
                    y = rng.randint(p._born_y + 16, max(p._born_y + 16, p._died_y - 1))  # type: ignore[attr-defined]
                    m["from"] = str(y)
                    if rng.random() < 0.6:
                        m["to"] = str(rng.randint(y, y + 10))
                if rng.random() < 0.1:
                    m["note"] = f"through the {rng.choice(PLACES)} {rng.choice(NOUN)}"
                ms.append(m)
            if ms:
                p.fields["memberships"] = ms

    # events
    def make_events(self) -> None:
        rng = self.rng
        for _i in range(max(1, self.n // 2)):
            year = rng.randint(1900, 1940)
            for _attempt in range(1000):
                kind = rng.choice(EVENT_KINDS)
                if rng.random() < 0.5:
                    subject = rng.choice(self.people).title
                else:
                    subject = "the " + rng.choice(self.groups).title
                title = f"{kind} of {subject}"
                if not self.names.free(title) or not self.names.free(slugify(title)):
                    title = f"{kind} of {subject} ({year})"
                if self.names.free(title) and self.names.free(slugify(title)):
                    break
            else:  # pragma: no cover
                raise SystemExit("ran out of event names")
            slug = self._unique_slug(slugify(title), "events")
            e = Entity("event", slug, title)
            date, iso = edtf(rng, year)
            f: dict = {"summary": f"{kind} in {rng.choice(PLACES)}, {year}."}
            f["date"] = date
            if re.fullmatch(r"\d{4}-\d\d-\d\d", date) and rng.random() < 0.4:
                m, _d = int(date[5:7]), int(date[8:10])
                if m < 12:
                    f["end"] = f"{year}-{rng.randint(m + 1, 12):02d}-{rng.randint(1, 28):02d}"
            f["place"] = rng.choice(PLACES)
            f["participants"] = [p.slug for p in rng.sample(self.people, rng.randint(1, 5))]
            if rng.random() < 0.7:
                f["groups"] = [g.slug for g in rng.sample(self.groups, min(len(self.groups), rng.randint(1, 2)))]
            if self.events and rng.random() < 0.2:
                f["part_of"] = rng.choice(self.events).slug  # earlier events only: acyclic
            if rng.random() < 0.5:
                f["outcome"] = f"{rng.choice(['Sentenced', 'Dispersed', 'Released', 'Exiled', 'Adjourned', 'Expelled'])}."
            e.fields = f
            e.date_iso = iso
            e.tags = rng.sample(TAGS, rng.randint(1, 3))
            e.heading = rng.choice(HEADINGS["event"])
            self.events.append(e)
            self._register(e)

    # sources
    def make_sources(self) -> None:
        rng = self.rng
        templates = [
            "Letters from {place}, {y}–{y2}",
            "The {adj} {noun}: documents from {place}",
            "Protocol of the interrogation of {person}",
            "Memoirs of a {role}",
            "{place} in the years of the {noun}",
            "The {noun} and its enemies",
            "Report on the {noun} in {place}",
            "Notes on the {adj} {noun}",
        ]
        for _i in range(max(1, self.n // 10)):
            author_p = rng.choice(self.people)
            surname = author_p.title.split()[-1]
            year = rng.randint(1905, 2020)
            for _attempt in range(1000):
                t = rng.choice(templates)
                title = t.format(place=rng.choice(PLACES), y=year, y2=year + rng.randint(1, 4), adj=rng.choice(ADJ), noun=rng.choice(NOUN), person=rng.choice(self.people).title, role=rng.choice(PERSON_ROLES).lower())
                if not self.names.free(title) or not self.names.free(slugify(title)):
                    title = f"{title} ({surname}, {year})"
                if self.names.free(title) and self.names.free(slugify(title)):
                    break
            else:  # pragma: no cover
                raise SystemExit("ran out of source titles")
            slug = self._unique_slug(f"{slugify(surname)}-{year}", "sources")
            e = Entity("source", slug, title)
            primary = year < 1945 or rng.random() < 0.2
            f: dict = {"summary": f"A {'primary' if primary else 'secondary'} source on the {rng.choice(NOUN)} in {rng.choice(PLACES)}."}
            f["kind"] = "primary" if primary else "secondary"
            f["genre"] = rng.choice(GENRES_PRIMARY if primary else GENRES_SECONDARY)
            first = author_p.title.split()[0]
            f["author"] = f"{surname}, {first}" if rng.random() < 0.7 else [f"{surname}, {first}", f"{rng.choice(self.people).title.split()[-1]}, {rng.choice(MALE_FIRST)[0]}"]
            date, iso = edtf(rng, year, allow_interval=False)
            f["date"] = date
            if f["genre"] == "press":
                f["container"] = rng.choice(["Pravda", "Izvestiia", "Biulleten' oppozitsii", "Bolshevik", "Krasnaya Gazeta"])
                f["issue"] = str(rng.randint(1, 300))
            else:
                f["publisher"] = rng.choice(PUBLISHERS)
            f["pages"] = f"{(a := rng.randint(1, 300))}–{a + rng.randint(2, 60)}"
            f["language"] = rng.choice(LANGUAGES)
            e.fields = f
            e.date_iso = iso
            e.tags = rng.sample(TAGS, rng.randint(1, 2))
            e.heading = rng.choice(HEADINGS["source"])
            self.sources.append(e)
            self._register(e)

    # articles
    def make_articles(self) -> None:
        rng = self.rng
        for _i in range(max(1, self.n // 50)):
            for _attempt in range(1000):
                title = f"The {rng.choice(ADJ)} {rng.choice(NOUN)}: {rng.choice(PLACES)} and {rng.choice(PLACES)}, {rng.randint(1905, 1940)}"
                if self.names.free(title) and self.names.free(slugify(title)):
                    break
            slug = self._unique_slug(slugify(title), "articles")
            e = Entity("article", slug, title)
            date, iso = edtf(rng, rng.randint(1990, 2024), allow_interval=False)
            about = rng.sample(self.people, 2) + rng.sample(self.groups, 1) + rng.sample(self.events, 1)
            e.fields = {"summary": "An essay tying together " + ", ".join(x.title for x in about[:3]) + ".", "date": date, "author": "The Dossier editors", "about": [x.key.split("/", 1)[1] for x in about]}
            e.date_iso = iso
            e.tags = rng.sample(TAGS, rng.randint(2, 4))
            e.heading = rng.choice(HEADINGS["article"])
            self.articles.append(e)
            self._register(e)

    # extras that need every entity
    def make_extras(self) -> None:
        rng = self.rng
        for p in self.people:
            if rng.random() < 0.3:
                p.fields["sources"] = [s.slug for s in rng.sample(self.sources, min(len(self.sources), rng.randint(1, 2)))]
            if rng.random() < 0.05 and "born" in p.fields:
                p.fields["field_sources"] = {"born": [f"{rng.choice(self.sources).slug}, p. {rng.randint(1, 400)}"]}
            if rng.random() < 0.02 and len(self.people) > 3:
                a, b = rng.sample([x for x in self.people if x is not p], 2)
                p.fields["debates"] = [
                    {
                        "question": f"Did {p.title} belong to the {rng.choice(ADJ)} {rng.choice(NOUN)}?",
                        "status": rng.choice(["unresolved", "consensus", "settled"]),
                        "positions": [
                            {"by": a.slug, "view": "Yes: the letters leave little doubt.", "cite": f"{rng.choice(self.sources).slug}, p. {rng.randint(1, 400)}"},
                            {"by": b.slug, "view": "No: the only evidence is a forced confession.", "cite": rng.choice(self.sources).slug},
                        ],
                    }
                ]
            if rng.random() < 0.1:
                p.fields["wikidata"] = f"Q{rng.randint(1000, 9999999)}"

    # bodies
    def make_bodies(self) -> None:
        rng = self.rng
        everyone = self.people + self.groups + self.events + self.sources + self.articles
        linkable = self.people + self.groups + self.events + self.articles
        ranked = linkable[:]
        rng.shuffle(ranked)  # Zipf-like popularity: a few pages are linked from many
        cum, total = [], 0.0
        for i in range(len(ranked)):
            total += 1.0 / (i + 1)
            cum.append(total)
        must_cite = self.sources[:]
        rng.shuffle(must_cite)
        # the person whose title run.py changes: well linked (rank ~20 in
        # popularity), and never linked by its bare title (a renamed page
        # would break such links); type/slug links show its title instead
        self.star = next(e for e in ranked[20:] + ranked if e.kind == "person")
        star = self.star

        def pick_target(me: Entity) -> Entity:
            while True:
                r = rng.random()
                if r < 0.6:
                    t = rng.choice(linkable)
                elif r < 0.95:
                    t = ranked[bisect.bisect_left(cum, rng.random() * total)]
                else:
                    t = rng.choice(self.sources)
                if t is not me:
                    return t

        for me in everyone:
            links = 0

            def link(me=me) -> tuple[str, str]:
                """(Dossier syntax, baseline Markdown link)"""
                nonlocal links
                links += 1
                t = pick_target(me)
                t.inlinks += 1
                url = f"/{t.folder}/{t.slug}/"
                r = rng.random()
                if r < 0.45 and t is star:
                    return f"[[{t.key}]]", f"[{t.title}]({url})"
                if r < 0.45:
                    return f"[[{t.title}]]", f"[{t.title}]({url})"
                if r < 0.60 and t.aliases:
                    a = rng.choice(t.aliases)
                    return f"[[{a}]]", f"[{a}]({url})"
                if r < 0.75:
                    return f"[[{t.key}]]", f"[{t.title}]({url})"
                if r < 0.92:
                    label = t.title.split()[-1] if t.kind == "person" else t.title.split(":")[0]
                    target = t.slug if rng.random() < 0.5 else t.key
                    return f"[[{target}|{label}]]", f"[{label}]({url})"
                target = t.key if t is star else t.title
                return f"[[{target}#{t.heading}]]", f"[{t.title} § {t.heading}]({url}#{slugify(t.heading)})"

            def cite(me=me) -> tuple[str, str]:
                if must_cite and must_cite[-1] is not me:
                    s = must_cite.pop()
                else:
                    s = rng.choice(self.sources)
                    while s is me and len(self.sources) > 1:
                        s = rng.choice(self.sources)
                r = rng.random()
                name = s.title if len(s.title) < 40 else s.title[:37] + "..."
                if r < 0.5:
                    p = rng.randint(1, 400)
                    return f" [@{s.slug}, p. {p}]", f" ({name}, p. {p})"
                if r < 0.8 or len(self.sources) < 3:
                    return f" [@{s.slug}]", f" ({name})"
                s2 = rng.choice([x for x in self.sources[:50] if x is not s and x is not me] or [s])
                p = rng.randint(1, 400)
                return f" [@{s.slug}; @{s2.slug}, pp. {p}–{p + 3}]", f" ({name}; {s2.title[:30]}, pp. {p}–{p + 3})"

            def fill(template: str, force_cite: bool = False) -> tuple[str, str]:
                d_parts, p_parts = [], []
                vals = {
                    "year": str(rng.randint(1905, 1940)), "place": rng.choice(PLACES), "adj": rng.choice(ADJ),
                    "adj2": rng.choice(ADJ2), "noun": rng.choice(NOUN), "verb": rng.choice(VERB), "doc": rng.choice(DOCS),
                }
                pos = 0
                for m in re.finditer(r"\{(\w+)\}", template):
                    d_parts.append(template[pos : m.start()])
                    p_parts.append(template[pos : m.start()])
                    name = m.group(1)
                    if name == "L":
                        a, b = link()
                    elif name == "C":
                        a, b = cite() if (force_cite or rng.random() < 0.35) else ("", "")
                    else:
                        a = b = vals[name]
                    d_parts.append(a)
                    p_parts.append(b)
                    pos = m.end()
                d_parts.append(template[pos:])
                p_parts.append(template[pos:])
                s_d, s_p = "".join(d_parts), "".join(p_parts)
                return s_d[:1].upper() + s_d[1:], s_p[:1].upper() + s_p[1:]

            def paragraph(k: int, first_cite: bool = False) -> tuple[str, str]:
                sents = [fill(rng.choice(SENTENCES), force_cite=(first_cite and i == 0)) for i in range(k)]
                return " ".join(s for s, _ in sents), " ".join(s for _, s in sents)

            blocks = [paragraph(7, first_cite=True), (f"## {me.heading}", f"## {me.heading}"), paragraph(7)]
            items = [fill(rng.choice(LIST_ITEMS)) for _ in range(4)]
            blocks.append(("\n".join("- " + a for a, _ in items), "\n".join("- " + b for _, b in items)))
            blocks.append(paragraph(7))
            me.body = "\n\n".join(a for a, _ in blocks) + "\n"
            me.pelican_body = "\n\n".join(b for _, b in blocks) + "\n"
        assert not must_cite, "every source is cited"

    def build(self) -> None:
        self.make_people()
        self.make_groups()
        self.make_events()
        self.make_sources()
        self.make_articles()
        self.make_extras()
        self.make_bodies()

    def all(self) -> list[Entity]:
        return self.people + self.groups + self.events + self.sources + self.articles


# Writing -------------------------------------------------------------------------


def yaml_value(v, indent: str = "") -> str:
    if isinstance(v, str):
        return " " + q(v)
    if isinstance(v, list):
        if all(isinstance(x, str) for x in v):
            return " " + qlist(v)
        out = ""
        for item in v:
            out += "\n" + indent + "  -" + yaml_mapping(item, indent + "    ", first_inline=True)
        return out
    if isinstance(v, dict):
        return yaml_mapping(v, indent + "  ")
    raise TypeError(v)


def yaml_mapping(d: dict, indent: str, first_inline: bool = False) -> str:
    out = ""
    for i, (k, v) in enumerate(d.items()):
        lead = " " if (first_inline and i == 0) else "\n" + indent
        out += f"{lead}{k}:{yaml_value(v, indent)}"
    return out


def front_matter(e: Entity) -> str:
    lines = ["---", f"title: {q(e.title)}"]
    if e.aliases:
        lines.append(f"aliases: {qlist(e.aliases)}")
    text = "\n".join(lines)
    fields = dict(e.fields)
    fields["tags"] = e.tags
    text += yaml_mapping(fields, "")
    return text + "\n---\n"


PELICAN_CONF_DOSSIER = '''"""Dossier settings for the benchmark corpus (as the project's own)."""
SITENAME = "Dossier benchmark"
SITEURL = ""
AUTHOR = "The Dossier editors"
DEFAULT_LANG = "en"
TIMEZONE = "UTC"
PATH = "content"
THEME = "theme"
THEME_STATIC_DIR = "theme"
PLUGINS = ["dossier.pelican_plugin"]
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
'''

PELICAN_CONF_BASELINE = '''"""Plain Pelican 4.12 baseline: default theme, caching off, default feeds."""
AUTHOR = "The Dossier editors"
SITENAME = "Baseline"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PLUGINS = ["yaml_metadata"]  # pelican-yaml-metadata: YAML front matter
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
RELATIVE_URLS = True
# the same URLs as Dossier's, so that the rewritten links resolve
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
'''


def write(corpus: Corpus, out: Path) -> dict:
    content = out / "content"
    baseline = out / "pelican" / "content"
    for p in (content, out / "pelican"):
        if p.exists():
            shutil.rmtree(p)
    for folder in ("people", "groups", "events", "sources", "articles"):
        (content / folder).mkdir(parents=True)
    baseline.mkdir(parents=True)
    words = 0
    for e in corpus.all():
        (content / e.folder / f"{e.slug}.md").write_text(front_matter(e) + e.body, encoding="utf-8")
        bl = ["---", f"title: {q(e.title)}", f"date: {e.date_iso}", f"slug: {e.slug}", f"category: {e.folder}", f"tags: {qlist(e.tags)}", "---", ""]
        (baseline / f"{e.folder}--{e.slug}.md").write_text("\n".join(bl) + e.pelican_body, encoding="utf-8")
        words += len(re.sub(r"\[\[|\]\]|\[@[^\]]*\]", " ", e.body).split())
    (content / "index.md").write_text(
        '---\ntitle: "Dossier benchmark"\nsummary: "A generated corpus for timing the build."\n---\n'
        f"A generated reference work of {len(corpus.people)} people, {len(corpus.groups)} groups and {len(corpus.events)} events. "
        f"Start with [[{corpus.articles[0].title}]] or [[{corpus.people[0].title}]].\n",
        encoding="utf-8",
    )
    (out / "pelicanconf.py").write_text(PELICAN_CONF_DOSSIER, encoding="utf-8")
    (out / "pelican" / "pelicanconf.py").write_text(PELICAN_CONF_BASELINE, encoding="utf-8")

    # what run.py edits: a typical person (paragraph edit) and a well-linked
    # one never linked by bare title (title change); the same for a seed
    people = sorted(corpus.people, key=lambda p: (p.inlinks, p.slug))
    typical = people[len(people) // 2]
    known = corpus.star
    meta = {
        "n": corpus.n,
        "counts": {k: len(v) for k, v in (("people", corpus.people), ("groups", corpus.groups), ("events", corpus.events), ("sources", corpus.sources), ("articles", corpus.articles))},
        "files": len(corpus.all()) + 1,
        "mean_words": round(words / max(1, len(corpus.all())), 1),
        "paragraph_edit": {"key": typical.key, "title": typical.title, "inlinks": typical.inlinks},
        "title_change": {"key": known.key, "title": known.title, "aliases": known.aliases, "inlinks": known.inlinks},
        "max_inlinks": people[-1].inlinks,
    }
    (out / "bench-meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of people (groups N/5, events N/2, sources N/10, articles N/50)")
    ap.add_argument("out", type=Path, help="output folder (content/ and pelican/ are replaced)")
    ap.add_argument("--seed", type=int, default=1932)
    args = ap.parse_args(argv)
    if args.n < 50:
        ap.error("N must be at least 50")
    corpus = Corpus(args.n, args.seed)
    corpus.build()
    meta = write(corpus, args.out)
    print(f"wrote {meta['files']} files ({meta['counts']}) into {args.out}/content and {args.out}/pelican; mean {meta['mean_words']} words per body")
    return 0


if __name__ == "__main__":
    sys.exit(main())
