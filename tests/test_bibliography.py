"""Chicago notes-bibliography formatting: exact strings for every entry shape."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from dossier.bibliography import (
    entry_type,
    format_bibliography,
    format_bibliography_text,
    format_note,
    format_note_text,
    format_short_note,
    format_short_note_text,
    normalize_locator,
    parse_name,
    short_title,
    sort_key,
)


@dataclass(frozen=True)
class FakeDate:
    """Stand-in for dossier.dates.Date: only .edtf, .lower.year and .human()."""

    edtf: str
    text: str = ""

    @property
    def lower(self):
        return SimpleNamespace(year=int(self.edtf[:4]))

    def human(self) -> str:
        return self.text or self.edtf


BOOK = {
    "title": "The Revolution Betrayed: What Is the Soviet Union and Where Is It Going?",
    "author": ["Trotsky, Leon"],
    "translator": ["Max Eastman"],
    "publisher": "Doubleday, Doran",
    "publisher_place": "Garden City, NY",
    "date": FakeDate("1937"),
    "kind": "primary",
}

EDITED_BOOK = {
    "title": "Writings of Leon Trotsky, 1932–33",
    "author": ["Leon Trotsky"],
    "editor": ["George Breitman", "Sarah Lovell"],
    "translator": ["Jean van Heijenoort"],
    "publisher": "Pathfinder Press",
    "publisher_place": "New York",
    "date": FakeDate("1972"),
}

JOURNAL = {
    "title": "Trotsky in Exile: The Founding of the Fourth International",
    "author": ["J. Arch Getty"],
    "container": "Soviet Studies",
    "volume": "38",
    "issue": "1",
    "date": FakeDate("1986-01", "January 1986"),
    "pages": "24-35",
}

BROUE = {
    "title": "Trotsky et le bloc des oppositions de 1932",
    "author": ["Broué, Pierre"],
    "container": "Cahiers Léon Trotsky",
    "issue": "5",
    "pages": "5--37",
    "date": FakeDate("1980"),
}

CHAPTER = {
    "title": "The Bloc of the Oppositions against Stalin",
    "author": ["Pierre Broué"],
    "container": "The Trotsky Reappraisal",
    "editor": ["Terry Brotherstone", "Paul Dukes"],
    "publisher": "Edinburgh University Press",
    "publisher_place": "Edinburgh",
    "pages": "12-30",
    "date": FakeDate("1992"),
}

LETTER = {
    "title": "Letter to Lev Sedov",
    "author": ["Trotsky, Leon"],
    "recipient": "Lev Sedov",
    "date": FakeDate("1932-12~", "c. December 1932"),
    "container": "Trotsky Papers",
    "archive": "Houghton Library",
    "genre": "letter",
    "kind": "primary",
}

PERIODICAL = {
    "title": "Bulletin of the Opposition",
    "entry_type": "periodical",
    "issue": "1-2",
    "date": FakeDate("1929"),
    "kind": "primary",
    "genre": "press",
}

WEBPAGE = {
    "title": "The Moscow Trials",
    "author": ["Dewey Commission"],
    "container": "Marxists Internet Archive",
    "entry_type": "webpage",
    "date": FakeDate("2005"),
    "url": "https://www.marxists.org/archive/trotsky/1937/dewey/",
    "accessed": FakeDate("2024-03-01", "1 March 2024"),
    "archived_url": "https://web.archive.org/web/2024/https://www.marxists.org/archive/trotsky/1937/dewey/",
}

DOCUMENT = {
    "title": "Protocol of the interrogation of E. S. Gol'tsman",
    "date": FakeDate("1936-08-05", "5 August 1936"),
    "container": "Fond 3, opis 24, delo 260",
    "archive": "Archive of the President of the Russian Federation",
    "genre": "interrogation-record",
    "entry_type": "document",
    "kind": "primary",
}


# --- books ------------------------------------------------------------------


def test_book_bibliography_text_and_html():
    assert format_bibliography_text(BOOK) == (
        "Trotsky, Leon. The Revolution Betrayed: What Is the Soviet Union and Where Is It "
        "Going? Translated by Max Eastman. Garden City, NY: Doubleday, Doran, 1937."
    )
    html = format_bibliography(BOOK)
    assert isinstance(html, Markup)
    assert html == (
        "Trotsky, Leon. <i>The Revolution Betrayed: What Is the Soviet Union and Where Is It "
        "Going?</i> Translated by Max Eastman. Garden City, NY: Doubleday, Doran, 1937."
    )


def test_book_notes():
    assert format_note(BOOK, "p. 119") == (
        "Leon Trotsky, <i>The Revolution Betrayed: What Is the Soviet Union and Where Is It "
        "Going?</i> trans. Max Eastman (Garden City, NY: Doubleday, Doran, 1937), 119."
    )
    assert format_note_text(BOOK) == (
        "Leon Trotsky, The Revolution Betrayed: What Is the Soviet Union and Where Is It "
        "Going? trans. Max Eastman (Garden City, NY: Doubleday, Doran, 1937)."
    )
    assert format_short_note(BOOK, "12") == "Trotsky, <i>Revolution Betrayed</i>, 12."
    assert format_short_note_text(BOOK) == "Trotsky, Revolution Betrayed."


def test_book_with_editor_and_translator():
    assert format_bibliography_text(EDITED_BOOK) == (
        "Trotsky, Leon. Writings of Leon Trotsky, 1932–33. Edited by George Breitman and "
        "Sarah Lovell. Translated by Jean van Heijenoort. New York: Pathfinder Press, 1972."
    )
    assert format_note_text(EDITED_BOOK, "pp. 5-7") == (
        "Leon Trotsky, Writings of Leon Trotsky, 1932–33, ed. George Breitman and Sarah "
        "Lovell, trans. Jean van Heijenoort (New York: Pathfinder Press, 1972), 5–7."
    )


def test_edited_book_without_author_is_headed_by_the_editor():
    src = {
        "title": "The Case of Leon Trotsky",
        "editor": ["Dewey, John"],
        "publisher": "Harper & Brothers",
        "publisher_place": "New York",
        "date": FakeDate("1937"),
    }
    assert format_bibliography_text(src) == (
        "Dewey, John, ed. The Case of Leon Trotsky. New York: Harper & Brothers, 1937."
    )
    assert format_bibliography(src) == (
        "Dewey, John, ed. <i>The Case of Leon Trotsky</i>. New York: Harper &amp; Brothers, 1937."
    )
    assert format_note_text(src, "12") == (
        "John Dewey, ed., The Case of Leon Trotsky (New York: Harper & Brothers, 1937), 12."
    )
    assert format_short_note_text(src, "12") == "Dewey, Case of Leon Trotsky, 12."


def test_book_without_author_starts_with_title():
    src = {"title": "Report of Court Proceedings", "publisher": "People's Commissariat of Justice",
           "publisher_place": "Moscow", "date": FakeDate("1936")}
    assert format_bibliography_text(src) == (
        "Report of Court Proceedings. Moscow: People's Commissariat of Justice, 1936."
    )
    assert format_note_text(src, "p. 55") == (
        "Report of Court Proceedings (Moscow: People's Commissariat of Justice, 1936), 55."
    )
    assert format_short_note_text(src, "p. 55") == "Report of Court Proceedings, 55."


def test_approximate_publication_year_is_ca():
    src = dict(BOOK, date=FakeDate("1937~", "c. 1937"))
    assert format_bibliography_text(src).endswith("Garden City, NY: Doubleday, Doran, ca. 1937.")


# --- articles and chapters -----------------------------------------------------


def test_journal_article_with_volume_issue_date_pages():
    assert format_bibliography_text(JOURNAL) == (
        "Getty, J. Arch. “Trotsky in Exile: The Founding of the Fourth International.” "
        "Soviet Studies 38, no. 1 (January 1986): 24–35."
    )
    assert format_bibliography(JOURNAL) == (
        "Getty, J. Arch. “Trotsky in Exile: The Founding of the Fourth International.” "
        "<i>Soviet Studies</i> 38, no. 1 (January 1986): 24–35."
    )
    assert format_note_text(JOURNAL, "p. 27") == (
        "J. Arch Getty, “Trotsky in Exile: The Founding of the Fourth International,” "
        "Soviet Studies 38, no. 1 (January 1986): 27."
    )
    # Without a locator the note gives the article's page range.
    assert format_note_text(JOURNAL).endswith("(January 1986): 24–35.")
    assert format_short_note_text(JOURNAL, "27") == "Getty, “Trotsky in Exile,” 27."


def test_broue_article_short_note_from_the_brief():
    assert format_bibliography_text(BROUE) == (
        "Broué, Pierre. “Trotsky et le bloc des oppositions de 1932.” "
        "Cahiers Léon Trotsky, no. 5 (1980): 5–37."
    )
    assert format_note(BROUE, "12") == (
        "Pierre Broué, “Trotsky et le bloc des oppositions de 1932,” "
        "<i>Cahiers Léon Trotsky</i>, no. 5 (1980): 12."
    )
    assert format_short_note(BROUE, "12") == "Broué, “Trotsky et le bloc,” 12."
    assert format_short_note(BROUE) == "Broué, “Trotsky et le bloc.”"


def test_newspaper_article_without_volume():
    src = {"title": "The Trotskyist-Zinovievite Terrorist Centre", "author": ["Karl Radek"],
           "container": "Pravda", "genre": "press", "date": FakeDate("1936-08-21", "21 August 1936"),
           "pages": "2"}
    assert entry_type(src) == "article"
    assert format_bibliography_text(src) == (
        "Radek, Karl. “The Trotskyist-Zinovievite Terrorist Centre.” Pravda, August 21, 1936, 2."
    )
    assert format_note_text(src) == (
        "Karl Radek, “The Trotskyist-Zinovievite Terrorist Centre,” Pravda, August 21, 1936, 2."
    )


def test_chapter_in_edited_volume():
    assert format_bibliography_text(CHAPTER) == (
        "Broué, Pierre. “The Bloc of the Oppositions against Stalin.” In The Trotsky "
        "Reappraisal, edited by Terry Brotherstone and Paul Dukes, 12–30. Edinburgh: "
        "Edinburgh University Press, 1992."
    )
    assert format_bibliography(CHAPTER).startswith(
        "Broué, Pierre. “The Bloc of the Oppositions against Stalin.” In <i>The Trotsky "
        "Reappraisal</i>, edited by"
    )
    assert format_note_text(CHAPTER, "p. 19") == (
        "Pierre Broué, “The Bloc of the Oppositions against Stalin,” in The Trotsky "
        "Reappraisal, ed. Terry Brotherstone and Paul Dukes (Edinburgh: Edinburgh "
        "University Press, 1992), 19."
    )
    assert format_short_note_text(CHAPTER, "19") == "Broué, “Bloc of the Oppositions,” 19."


# --- letters, periodicals, web pages, documents ------------------------------------


def test_letter_in_archive():
    assert entry_type(LETTER) == "letter"
    assert format_bibliography_text(LETTER) == (
        "Trotsky, Leon. Letter to Lev Sedov, ca. December 1932. Trotsky Papers, Houghton Library."
    )
    assert format_bibliography(LETTER) == (
        "Trotsky, Leon. Letter to Lev Sedov, ca. December 1932. Trotsky Papers, Houghton Library."
    )
    assert format_note_text(LETTER) == (
        "Leon Trotsky to Lev Sedov, ca. December 1932, Trotsky Papers, Houghton Library."
    )
    assert format_note_text(LETTER, "p. 2") == (
        "Leon Trotsky to Lev Sedov, ca. December 1932, Trotsky Papers, Houghton Library, 2."
    )
    assert format_short_note_text(LETTER) == "Trotsky to Sedov, ca. December 1932."


def test_letter_recipient_inferred_without_genre():
    src = {k: v for k, v in LETTER.items() if k not in ("genre",)}
    assert entry_type(src) == "letter"


def test_periodical_issue():
    assert format_bibliography_text(PERIODICAL) == "Bulletin of the Opposition, nos. 1–2, 1929."
    assert format_bibliography(PERIODICAL) == "<i>Bulletin of the Opposition</i>, nos. 1–2, 1929."
    assert format_note(PERIODICAL, "p. 4") == "<i>Bulletin of the Opposition</i>, nos. 1–2, 1929, 4."
    assert format_short_note_text(PERIODICAL, "4") == "Bulletin of the Opposition, nos. 1–2, 4."


def test_periodical_with_place():
    src = dict(PERIODICAL, publisher_place="Paris", issue="no. 3")
    assert format_bibliography_text(src) == "Bulletin of the Opposition (Paris), no. 3, 1929."


def test_webpage():
    assert format_bibliography_text(WEBPAGE) == (
        "Dewey Commission. “The Moscow Trials.” Marxists Internet Archive. 2005. "
        "Accessed March 1, 2024. https://www.marxists.org/archive/trotsky/1937/dewey/. "
        "Archived at https://web.archive.org/web/2024/https://www.marxists.org/archive/trotsky/1937/dewey/."
    )
    url = "https://www.marxists.org/archive/trotsky/1937/dewey/"
    arch = "https://web.archive.org/web/2024/" + url
    assert format_bibliography(WEBPAGE) == (
        "Dewey Commission. “The Moscow Trials.” Marxists Internet Archive. 2005. "
        f'Accessed March 1, 2024. <a href="{url}">{url}</a>. '
        f'Archived at <a href="{arch}">{arch}</a>.'
    )
    assert format_note_text(WEBPAGE) == (
        "Dewey Commission, “The Moscow Trials,” Marxists Internet Archive, 2005, "
        f"accessed March 1, 2024, {url}, archived at {arch}."
    )
    assert format_short_note_text(WEBPAGE) == "Dewey Commission, “Moscow Trials.”"


def test_webpage_inferred_from_url_alone():
    src = {"title": "Chronology", "url": "https://example.org/chronology"}
    assert entry_type(src) == "webpage"
    assert format_bibliography_text(src) == "“Chronology.” https://example.org/chronology."


def test_archive_document():
    assert format_bibliography_text(DOCUMENT) == (
        "“Protocol of the interrogation of E. S. Gol'tsman.” August 5, 1936. "
        "Fond 3, opis 24, delo 260, Archive of the President of the Russian Federation."
    )
    assert format_bibliography(DOCUMENT) == (
        "“Protocol of the interrogation of E. S. Gol&#39;tsman.” August 5, 1936. "
        "Fond 3, opis 24, delo 260, Archive of the President of the Russian Federation."
    )
    assert format_note_text(DOCUMENT, "l. 12") == (
        "“Protocol of the interrogation of E. S. Gol'tsman,” August 5, 1936, Fond 3, "
        "opis 24, delo 260, Archive of the President of the Russian Federation, l. 12."
    )
    assert format_short_note_text(DOCUMENT, "l. 12") == "“Protocol of the interrogation,” l. 12."


# --- names --------------------------------------------------------------------


AUTHORS = ["Broué, Pierre", "J. Arch Getty", "Rogovin, Vadim", "Jean van Heijenoort",
           "Kotkin, Stephen", "Oleg Khlevniuk", "Service, Robert", "Lih, Lars T.",
           "Deutscher, Isaac", "Swain, Geoffrey", "Thatcher, Ian D."]


def _book_by(n: int) -> dict:
    return {"title": "Bloc", "author": AUTHORS[:n], "publisher": "P", "date": FakeDate("2000")}


@pytest.mark.parametrize(
    "n, bib, note, short",
    [
        (2, "Broué, Pierre, and J. Arch Getty.", "Pierre Broué and J. Arch Getty,", "Broué and Getty,"),
        (3, "Broué, Pierre, J. Arch Getty, and Vadim Rogovin.",
         "Pierre Broué, J. Arch Getty, and Vadim Rogovin,", "Broué, Getty, and Rogovin,"),
        (4, "Broué, Pierre, J. Arch Getty, Vadim Rogovin, and Jean van Heijenoort.",
         "Pierre Broué et al.,", "Broué et al.,"),
        (10, "Broué, Pierre, J. Arch Getty, Vadim Rogovin, Jean van Heijenoort, Stephen Kotkin, "
             "Oleg Khlevniuk, Robert Service, Lars T. Lih, Isaac Deutscher, and Geoffrey Swain.",
         "Pierre Broué et al.,", "Broué et al.,"),
        (11, "Broué, Pierre, J. Arch Getty, Vadim Rogovin, Jean van Heijenoort, Stephen Kotkin, "
             "Oleg Khlevniuk, Robert Service, et al.",
         "Pierre Broué et al.,", "Broué et al.,"),
    ],
)
def test_multiple_authors(n, bib, note, short):
    assert format_bibliography_text(_book_by(n)) == f"{bib} Bloc. P, 2000."
    assert format_note_text(_book_by(n), "3") == f"{note} Bloc (P, 2000), 3."
    assert format_short_note_text(_book_by(n), "3") == f"{short} Bloc, 3."


def test_name_forms():
    assert parse_name("Jean van Heijenoort").inverted == "van Heijenoort, Jean"
    assert parse_name("Broué, Pierre").natural == "Pierre Broué"
    assert parse_name("Lev Davidovich Bronstein").inverted == "Bronstein, Lev Davidovich"
    assert parse_name("Central Committee of the VKP(b)").inverted == "Central Committee of the VKP(b)"
    assert parse_name("{Trotsky Archive Team}").inverted == "Trotsky Archive Team"
    assert parse_name("Voline").inverted == "Voline"
    king = parse_name("King, Martin Luther, Jr.")
    assert (king.inverted, king.natural, king.short) == (
        "King, Martin Luther, Jr.", "Martin Luther King Jr.", "King")


def test_no_doubled_period_after_abbreviation():
    src = {"title": "Why We Can't Wait", "author": ["King, Martin Luther, Jr."],
           "publisher": "Harper & Row", "date": FakeDate("1964")}
    assert format_bibliography_text(src) == "King, Martin Luther, Jr. Why We Can't Wait. Harper & Row, 1964."


def test_organisation_author_not_inverted():
    src = {"title": "Resolution on the Riutin group", "author": "Central Committee of the VKP(b)",
           "entry_type": "document", "date": FakeDate("1932-10-02")}
    assert format_bibliography_text(src) == (
        "Central Committee of the VKP(b). “Resolution on the Riutin group.” October 2, 1932."
    )


# --- locators, ranges, titles -------------------------------------------------------


@pytest.mark.parametrize(
    "raw, out",
    [("p. 119", "119"), ("pp. 5–7", "5–7"), ("pp. 5-7", "5–7"), ("12", "12"),
     ("page 3", "3"), ("xi-xiv", "xi–xiv"), ("chap. 3", "chap. 3"), ("n. 5", "n. 5"),
     ("", ""), (None, "")],
)
def test_locators(raw, out):
    assert normalize_locator(raw) == out


def test_short_titles():
    assert short_title({"title": "Trotsky et le bloc des oppositions de 1932"}) == "Trotsky et le bloc"
    assert short_title({"title": "The Revolution Betrayed"}) == "Revolution Betrayed"
    assert short_title({"title": "Origins of the Great Purges"}) == "Origins of the Great Purges"
    assert short_title({"title": "Stalin's Great Terror and the Collapse of the Opposition"}) == \
        "Stalin's Great Terror"


def test_title_ending_in_question_mark_takes_no_extra_period():
    src = {"title": "Who Killed Kirov?", "author": ["Amy Knight"], "entry_type": "article",
           "container": "Journal", "volume": "3", "date": FakeDate("1999")}
    assert format_bibliography_text(src) == "Knight, Amy. “Who Killed Kirov?” Journal 3 (1999)."
    assert format_short_note_text(src, "5") == "Knight, “Who Killed Kirov?” 5."


# --- escaping -----------------------------------------------------------------


def test_hostile_values_are_escaped():
    src = {
        "title": "<script>alert('x')</script> & co",
        "author": ["<b>Evil</b>, Eve"],
        "container": "Journal <img src=x onerror=alert(1)>",
        "pages": "1-2",
        "url": "javascript:alert(1)",
        "archived_url": 'https://example.org/"onmouseover="alert(1)',
    }
    html = str(format_bibliography(src))
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in html
    assert "<a " not in html  # neither URL becomes a link
    assert "javascript:alert(1)" in html  # but is shown as text
    assert 'onmouseover="' not in html
    note = str(format_note(src, "<i>1</i>"))
    assert "&lt;i&gt;1&lt;/i&gt;" in note and "<a " not in note
    assert "<script>" in format_bibliography_text(src)  # text form is not HTML


def test_http_url_is_a_link_and_attribute_is_escaped():
    src = {"title": "T", "url": "https://example.org/?a=1&b=2"}
    assert format_bibliography(src) == (
        '“T.” <a href="https://example.org/?a=1&amp;b=2">https://example.org/?a=1&amp;b=2</a>.'
    )


# --- entry types and sorting ----------------------------------------------------------


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"container": "J", "pages": "1-2"}, "article"),
        ({"container": "J", "issue": "3"}, "article"),
        ({"container": "Pravda", "genre": "press"}, "article"),
        ({"container": "Book", "editor": ["A B"], "pages": "1-2"}, "chapter"),
        ({"container": "Book"}, "chapter"),
        ({"genre": "letter"}, "letter"),
        ({"recipient": "Lev Sedov"}, "letter"),
        ({"genre": "archive-document"}, "document"),
        ({"url": "https://x.org"}, "webpage"),
        ({"url": "https://x.org", "publisher": "P"}, "book"),
        ({}, "book"),
        ({"entry_type": "periodical", "container": "J", "pages": "1"}, "periodical"),
    ],
)
def test_entry_type_inference(fields, expected):
    assert entry_type({"title": "T", **fields}) == expected


def test_unknown_entry_type_is_an_error():
    with pytest.raises(ValueError, match="unknown entry_type 'novel'"):
        entry_type({"title": "T", "entry_type": "novel"})


def test_sort_order():
    sources = {
        "trotsky-1937": BOOK,
        "trotsky-1932": LETTER,
        "broue-1980": BROUE,
        "broue-1992": CHAPTER,
        "brown": {"title": "Z", "author": ["Brown, A"], "date": FakeDate("1950")},
        "bukharin-nd": {"title": "A", "author": ["Bukharin, Nikolai"]},
        "bukharin-1920": {"title": "B", "author": ["Nikolai Bukharin"], "date": FakeDate("1920")},
        "moscow-trials": {"title": "The Moscow Trials", "date": FakeDate("2005")},
        "bulletin": PERIODICAL,
        "dewey": {"title": "The Case of Leon Trotsky", "editor": ["Dewey, John"], "date": FakeDate("1937")},
        "emile": {"title": "E", "author": ["Émile Zola"], "date": FakeDate("1898")},
        "getty": JOURNAL,
    }
    order = sorted(sources, key=lambda k: sort_key(sources[k]))
    assert order == [
        "broue-1980", "broue-1992", "brown", "bukharin-1920", "bukharin-nd", "bulletin",
        "dewey", "getty", "moscow-trials", "trotsky-1932", "trotsky-1937", "emile",
    ]


def test_with_real_dates_module_when_present():
    dates = pytest.importorskip("dossier.dates")
    if not hasattr(dates, "parse_date"):
        pytest.skip("dossier.dates.parse_date not there yet")
    src = dict(BOOK, date=dates.parse_date("1937"))
    assert format_bibliography_text(src).endswith("Doubleday, Doran, 1937.")
    web = dict(WEBPAGE, accessed=dates.parse_date("2024-03-01"))
    assert "Accessed March 1, 2024." in format_bibliography_text(web)


def test_quotation_inside_quoted_title_becomes_single():
    src = {"title": "“Bloc of Soviet Oppositions” (encyclopedia article)",
           "author": ["Anonymous contributors"], "entry_type": "webpage"}
    assert format_bibliography_text(src) == (
        "Anonymous contributors. “‘Bloc of Soviet Oppositions’ (encyclopedia article).”"
    )
    src = dict(src, title='"The Liberals" in Trotsky\'s Letters of 1932 and after')
    assert format_short_note_text(src, "4") == "Anonymous contributors, “‘The Liberals’ in Trotsky's,” 4."
    src = dict(src, title="On “the liberals”")
    assert format_short_note_text(src, "4") == "Anonymous contributors, “On ‘the liberals,’” 4."


def test_description_as_author_is_not_inverted():
    src = {"title": "Verkhne-Uralsk prison notebooks (1932–1933)", "entry_type": "document",
           "author": "Imprisoned oppositionists at Verkhne-Uralsk"}
    assert format_bibliography_text(src) == (
        "Imprisoned oppositionists at Verkhne-Uralsk. “Verkhne-Uralsk prison notebooks (1932–1933).”"
    )
    assert format_short_note_text(src) == (
        "Imprisoned oppositionists at Verkhne-Uralsk, “Verkhne-Uralsk prison notebooks.”"
    )


def test_short_title_drops_trailing_numbers():
    src = {"title": "Trotsky's article of 4 March 1929 (Bulletin of the Opposition, no. 1–2)"}
    assert short_title(src) == "Trotsky's article"


# ---------------------------------------------------------------------------
# Chicago notes-bibliography (17th ed.), one row per entry type: the
# bibliography entry, the full note and the shortened note.  Rows marked
# "CMOS quick guide" are the Manual's own examples (its "Notes and
# Bibliography: Sample Citations"), word for word; the others follow the
# pattern of the section named, with this project's sources.

from dossier.dates import parse_date as _d  # noqa: E402

CHICAGO = [
    # book, one author (CMOS quick guide; 14.100)
    ({"title": "Swing Time", "author": ["Zadie Smith"], "publisher": "Penguin Press", "publisher_place": "New York", "date": _d("2016")},
     "315–16", "320",
     "Smith, Zadie. Swing Time. New York: Penguin Press, 2016.",
     "Zadie Smith, Swing Time (New York: Penguin Press, 2016), 315–16.",
     "Smith, Swing Time, 320."),
    # book, two authors (CMOS quick guide; 14.76)
    ({"title": "The War: An Intimate History, 1941–1945", "author": ["Geoffrey C. Ward", "Ken Burns"], "publisher": "Knopf", "publisher_place": "New York", "date": _d("2007")},
     "52", "59–61",
     "Ward, Geoffrey C., and Ken Burns. The War: An Intimate History, 1941–1945. New York: Knopf, 2007.",
     "Geoffrey C. Ward and Ken Burns, The War: An Intimate History, 1941–1945 (New York: Knopf, 2007), 52.",
     "Ward and Burns, War, 59–61."),
    # translated book (CMOS quick guide; 14.104)
    ({"title": "Love in the Time of Cholera", "author": ["García Márquez, Gabriel"], "translator": ["Edith Grossman"], "publisher": "Cape", "publisher_place": "London", "date": _d("1988"), "short_title": "Cholera"},
     "242–55", "33",
     "García Márquez, Gabriel. Love in the Time of Cholera. Translated by Edith Grossman. London: Cape, 1988.",
     "Gabriel García Márquez, Love in the Time of Cholera, trans. Edith Grossman (London: Cape, 1988), 242–55.",
     "García Márquez, Cholera, 33."),
    # edited book, the editor heading the entry (CMOS quick guide; 14.103)
    ({"title": "The Making of the American Essay", "editor": ["John D’Agata"], "publisher": "Graywolf Press", "publisher_place": "Minneapolis", "date": _d("2016"), "short_title": "American Essay"},
     "177–78", "182",
     "D’Agata, John, ed. The Making of the American Essay. Minneapolis: Graywolf Press, 2016.",
     "John D’Agata, ed., The Making of the American Essay (Minneapolis: Graywolf Press, 2016), 177–78.",
     "D’Agata, American Essay, 182."),
    # chapter in an edited book (CMOS quick guide; 14.106)
    ({"title": "Walking", "author": ["Henry David Thoreau"], "container": "The Making of the American Essay", "editor": ["John D’Agata"], "publisher": "Graywolf Press", "publisher_place": "Minneapolis", "date": _d("2016"), "pages": "167–95", "entry_type": "chapter"},
     "177–78", "182",
     "Thoreau, Henry David. “Walking.” In The Making of the American Essay, edited by John D’Agata, 167–95. Minneapolis: Graywolf Press, 2016.",
     "Henry David Thoreau, “Walking,” in The Making of the American Essay, ed. John D’Agata (Minneapolis: Graywolf Press, 2016), 177–78.",
     "Thoreau, “Walking,” 182."),
    # journal article (CMOS quick guide; 14.171)
    ({"title": "Livy and the Pax Deum", "author": ["Susan Satterfield"], "container": "Classical Philology", "volume": "111", "issue": "2", "date": _d("2016-04"), "pages": "165–76", "url": "https://doi.org/10.1086/685795", "short_title": "Livy"},
     "170", "172–73",
     "Satterfield, Susan. “Livy and the Pax Deum.” Classical Philology 111, no. 2 (April 2016): 165–76. https://doi.org/10.1086/685795.",
     "Susan Satterfield, “Livy and the Pax Deum,” Classical Philology 111, no. 2 (April 2016): 170, https://doi.org/10.1086/685795.",
     "Satterfield, “Livy,” 172–73."),
    # magazine article (CMOS quick guide; 14.188)
    ({"title": "The Prophet of Dystopia", "author": ["Rebecca Mead"], "container": "New Yorker", "date": _d("2017-04-17"), "entry_type": "article", "short_title": "Dystopia"},
     "43", "47",
     "Mead, Rebecca. “The Prophet of Dystopia.” New Yorker, April 17, 2017.",
     "Rebecca Mead, “The Prophet of Dystopia,” New Yorker, April 17, 2017, 43.",
     "Mead, “Dystopia,” 47."),
    # newspaper article (CMOS quick guide; 14.191)
    ({"title": "Snap Makes a Bet on the Cultural Supremacy of the Camera", "author": ["Farhad Manjoo"], "container": "New York Times", "date": _d("2017-03-08"), "genre": "press",
      "url": "https://www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-on-the-cultural-supremacy-of-the-camera.html", "short_title": "Snap"},
     None, None,
     "Manjoo, Farhad. “Snap Makes a Bet on the Cultural Supremacy of the Camera.” New York Times, March 8, 2017. https://www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-on-the-cultural-supremacy-of-the-camera.html.",
     "Farhad Manjoo, “Snap Makes a Bet on the Cultural Supremacy of the Camera,” New York Times, March 8, 2017, https://www.nytimes.com/2017/03/08/technology/snap-makes-a-bet-on-the-cultural-supremacy-of-the-camera.html.",
     "Manjoo, “Snap.”"),
    # website content, the owner heading the bibliography entry (CMOS quick guide; 14.206)
    ({"title": "Yale Facts", "publisher": "Yale University", "entry_type": "webpage", "accessed": _d("2017-05-01"), "url": "https://www.yale.edu/about-yale/yale-facts"},
     None, None,
     "Yale University. “Yale Facts.” Accessed May 1, 2017. https://www.yale.edu/about-yale/yale-facts.",
     "“Yale Facts,” Yale University, accessed May 1, 2017, https://www.yale.edu/about-yale/yale-facts.",
     "“Yale Facts.”"),
    # unpublished letter in a manuscript collection (pattern of 14.111, 14.232)
    ({"title": "Letter to Lev Sedov", "author": ["Leon Trotsky"], "recipient": "Lev Sedov", "date": _d("1932-11-03"), "archive": "Trotsky Papers, Houghton Library, Harvard University"},
     None, None,
     "Trotsky, Leon. Letter to Lev Sedov, November 3, 1932. Trotsky Papers, Houghton Library, Harvard University.",
     "Leon Trotsky to Lev Sedov, November 3, 1932, Trotsky Papers, Houghton Library, Harvard University.",
     "Trotsky to Sedov, November 3, 1932."),
    # archival document (pattern of 14.232), an approximate date: "ca." (10.43)
    ({"title": "Protocol of the interrogation of E. S. Gol'tsman", "date": _d("1936-08~"), "container": "Fond 3, opis 24, delo 260",
      "archive": "Archive of the President of the Russian Federation", "entry_type": "document"},
     "fol. 12v", "fol. 14",
     "“Protocol of the interrogation of E. S. Gol'tsman.” ca. August 1936. Fond 3, opis 24, delo 260, Archive of the President of the Russian Federation.",
     "“Protocol of the interrogation of E. S. Gol'tsman,” ca. August 1936, Fond 3, opis 24, delo 260, Archive of the President of the Russian Federation, fol. 12v.",
     "“Protocol of the interrogation,” fol. 14."),
    # a whole periodical (pattern of 14.171), a run of years
    ({"title": "Bulletin of the Opposition", "entry_type": "periodical", "editor": ["Leon Trotsky"], "publisher_place": "Paris", "date": _d("1929/1941")},
     None, None,
     "Trotsky, Leon, ed. Bulletin of the Opposition (Paris), 1929–1941.",
     "Leon Trotsky, ed., Bulletin of the Opposition (Paris), 1929–1941.",
     "Trotsky, Bulletin of the Opposition."),
    # the known failures: a double issue is "nos."; a bracketed description is
    # shortened inside its brackets, not quoted
    ({"title": "[Article of 4 March 1929 on Stalin and the Opposition]", "author": ["Leon Trotsky"], "date": _d("1929-03-04"),
      "container": "Bulletin of the Opposition", "issue": "1–2", "entry_type": "article"},
     "3", "4",
     "Trotsky, Leon. [Article of 4 March 1929 on Stalin and the Opposition]. Bulletin of the Opposition, nos. 1–2 (March 4, 1929).",
     "Leon Trotsky, [Article of 4 March 1929 on Stalin and the Opposition], Bulletin of the Opposition, nos. 1–2 (March 4, 1929): 3.",
     "Trotsky, [Article of 4 March], 4."),
    # a chapter without its book: "Edited by" starts a sentence; an uncertain date: "1933?"
    ({"title": "Walking", "author": ["Henry David Thoreau"], "editor": ["John D’Agata"], "entry_type": "chapter", "publisher": "Graywolf Press", "date": _d("1933?")},
     "12", "12",
     "Thoreau, Henry David. “Walking.” Edited by John D’Agata. Graywolf Press, 1933?",
     "Henry David Thoreau, “Walking,” ed. John D’Agata (Graywolf Press, 1933?), 12.",
     "Thoreau, “Walking,” 12."),
    # a book of approximate and uncertain-approximate years
    ({"title": "The Red Book on the Moscow Trials", "author": ["Leon Sedov"], "publisher_place": "Paris", "date": _d("1936%")},
     None, None,
     "Sedov, Leon. The Red Book on the Moscow Trials. Paris, ca. 1936?",
     "Leon Sedov, The Red Book on the Moscow Trials (Paris, ca. 1936?).",
     "Sedov, Red Book."),
]


@pytest.mark.parametrize("source, note_loc, short_loc, bibliography, note, short", CHICAGO, ids=lambda v: v["title"][:30] if isinstance(v, dict) else None)
def test_chicago_entries_of_every_type(source, note_loc, short_loc, bibliography, note, short):
    assert format_bibliography_text(source) == bibliography
    assert format_note_text(source, note_loc) == note
    assert format_short_note_text(source, short_loc) == short


def test_the_table_covers_every_entry_type():
    assert {entry_type(row[0]) for row in CHICAGO} == {"book", "article", "chapter", "periodical", "letter", "webpage", "document"}


@pytest.mark.parametrize(
    "locator, in_note",
    [
        ("p. 12", "12"),  # Chicago notes give a page number alone (14.18)
        ("pp. 12–14", "12–14"),
        ("pp. 12-14", "12–14"),
        ("12", "12"),
        ("§ Member groups", "§ Member groups"),
        ("§ Anti-Stalinist bloc", "§ Anti-Stalinist bloc"),  # a word's hyphen is not a range
        ("¶ 7", "¶ 7"),
        ("fol. 3v", "fol. 3v"),
        ("fols. 3v-4r", "fols. 3v–4r"),
        ("no. 5", "no. 5"),
        ("chap. 3", "chap. 3"),
    ],
)
def test_every_locator_is_accepted_and_the_note_stays_chicago(locator, in_note):
    from dossier.schema import parse_citation

    cite = parse_citation(f"broue-1980, {locator}")
    assert cite is not None and cite.locator == locator  # kept as written (the page shows it so)
    assert format_short_note_text(BROUE, cite.locator) == f"Broué, “Trotsky et le bloc,” {in_note}."
    assert format_note_text(BROUE, cite.locator).endswith(f"(1980): {in_note}.")
