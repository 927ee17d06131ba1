"""Timelines: rows from the content, and the SVG's geometry, escaping and links."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from dossier import timeline
from dossier.dates import parse_date
from dossier.diagnostics import Diagnostics
from dossier.pipeline import Project, read_and_resolve
from dossier.timeline import Mark, Row

NS = "{http://www.w3.org/2000/svg}"


def D(text):
    return parse_date(text)


def href(key):
    return f"../{key}/"


def render(rows, **kw):
    kw.setdefault("href", href)
    kw.setdefault("title", "A timeline")
    kw.setdefault("id_prefix", "tl")
    return str(timeline.render_svg(rows, **kw))


def parse(svg):
    """The timeline: a <div class="tl"> holding the names' SVG and the plot's."""
    return ET.fromstring(svg)


def plot(root):
    found = [el for el in root.iter(f"{NS}svg") if "tl-plot" in el.get("class").split()]
    assert len(found) == 1
    return found[0]


def rows_of(root):
    return [g for g in root.iter(f"{NS}g") if "tl-row" in (g.get("class") or "").split()]


def year_x(root):
    """Map a year (as a float) to x, read off the axis labels of the SVG."""
    labels = {}
    for t in root.iter(f"{NS}text"):
        if t.get("text-anchor") == "middle" and t.text and t.text.isdigit():
            labels[int(t.text)] = float(t.get("x"))
    years = sorted(labels)
    a, b = years[0], years[-1]

    def x(year):
        return labels[a] + (year - a) * (labels[b] - labels[a]) / (b - a)

    return x


def frac(d, end=False):
    """Fractional year at the start (or the end) of day d."""
    days = 366 if d.year % 4 == 0 and (d.year % 100 or d.year % 400 == 0) else 365
    return d.year + (d.timetuple().tm_yday - (0 if end else 1)) / days


def mark_group(root, edtf):
    found = root.findall(f".//{NS}g[@data-edtf='{edtf}']")
    assert len(found) == 1, edtf
    return found[0]


def extent(g):
    rects = list(g.iter(f"{NS}rect"))
    assert rects
    return min(float(r.get("x")) for r in rects), max(float(r.get("x")) + float(r.get("width")) for r in rects)


# Geometry ---------------------------------------------------------------------------

GEOMETRY_ROWS = [
    Row(
        "Bloc of Oppositions",
        "groups/bloc",
        (D("1932-12~"), D("1933-01/1933-04")),
        [
            Mark("End of the bloc", "events/bloc-end", D("1933-01/1933-04"), None, "event"),
            Mark("Kirov assassination", "events/kirov", D("1934-12-01"), None, "event"),
            Mark("Trial", "events/trial", D("1936-08-19"), D("1936-08-24"), "event"),
        ],
        "group",
    ),
    Row("A decade", None, (None, None), [Mark("Something in the thirties", None, D("193X"), None, "event")]),
]


def test_interval_date_is_drawn_over_its_whole_interval():
    root = parse(render(GEOMETRY_ROWS))
    x = year_x(root)
    x0, x1 = extent(mark_group(root, "1933-01/1933-04"))
    assert x0 == pytest.approx(x(frac(dt.date(1933, 1, 1))), abs=1)
    assert x1 == pytest.approx(x(frac(dt.date(1933, 4, 30))), abs=1)
    assert x1 == pytest.approx(x(frac(dt.date(1933, 4, 30), end=True)), abs=0.2)
    assert x1 - x0 > 10  # a range, not a tick


def test_day_precise_date_is_a_thin_tick():
    root = parse(render(GEOMETRY_ROWS))
    x = year_x(root)
    g = mark_group(root, "1934-12-01")
    rects = list(g.iter(f"{NS}rect"))
    assert len(rects) == 1 and rects[0].get("class") == "tl-tick"
    x0, x1 = extent(g)
    assert x1 - x0 <= 3
    assert (x0 + x1) / 2 == pytest.approx(x(frac(dt.date(1934, 12, 1))), abs=1)


def test_decade_spans_the_whole_decade():
    root = parse(render(GEOMETRY_ROWS))
    x = year_x(root)
    x0, x1 = extent(mark_group(root, "193X"))
    assert x0 == pytest.approx(x(1930), abs=1)
    assert x1 == pytest.approx(x(1940), abs=1)  # the end of 31 December 1939


def test_mark_with_an_end_covers_start_to_end():
    root = parse(render(GEOMETRY_ROWS))
    x = year_x(root)
    g = mark_group(root, "1936-08-19/1936-08-24")
    x0, x1 = extent(g)
    assert x0 == pytest.approx(x(frac(dt.date(1936, 8, 19))), abs=1)
    assert x1 == pytest.approx(x(frac(dt.date(1936, 8, 24), end=True)), abs=1)


def test_uncertain_dates_are_hatched_and_open_ends_fade():
    rows = [
        Row("Someone", "people/someone", (D("1890~"), None), [Mark("Born", None, D("1890~"), None, "birth")], "person"),
        Row("Exact", "people/exact", (D("1900-01-01"), D("1930-06-30")), [Mark("Born", None, D("1900-01-01"), None, "birth")], "person"),
    ]
    root = parse(render(rows, id_prefix="p1"))
    born = mark_group(root, "1890~")
    assert "tl-fuzzy" in born.get("class")
    assert [r.get("fill")[:13] for r in born.iter(f"{NS}rect")] == ["url(#p1-hatch"]
    bars = root.findall(f".//{NS}g[@class='tl-bar']")
    first = [r.get("class").split()[0] for r in bars[0].iter(f"{NS}rect")]
    assert first == ["tl-bar-in", "tl-bar-out"]  # the year 1890 fades in, the unknown death fades out
    assert bars[0].findall(f"{NS}rect")[1].get("fill").startswith("url(#p1-out-")
    second = [r.get("class").split()[0] for r in bars[1].iter(f"{NS}rect")]
    assert second == ["tl-bar-solid"]  # exact ends: a crisp bar
    exact = mark_group(root, "1900-01-01")
    assert "tl-fuzzy" not in exact.get("class")


def test_every_url_reference_and_id_is_prefixed():
    svg = render(GEOMETRY_ROWS, id_prefix="chrono")
    root = parse(svg)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert ids and all(i.startswith("chrono-") for i in ids)

    refs = set(re.findall(r"url\(#([^)]+)\)", svg))
    assert refs and refs <= ids
    labelled = plot(root).get("aria-labelledby").split()
    assert labelled == ["chrono-title", "chrono-desc"] and set(labelled) <= ids


def test_accessible_names_and_tooltips():
    root = parse(render(GEOMETRY_ROWS, title="Timeline of the bloc"))
    assert all(svg.get("role") is None for svg in root.iter(f"{NS}svg"))  # they hold links: role=img would hide them (axe nested-interactive)
    assert plot(root).find(f"{NS}title").text == "Timeline of the bloc"
    assert "2 rows" in plot(root).find(f"{NS}desc").text
    marks = root.findall(f".//{NS}g[@data-edtf]")
    assert len(marks) == 4
    for g in marks:
        assert g.find(f".//{NS}title") is not None
    assert mark_group(root, "1933-01/1933-04").find(f".//{NS}title").text == "End of the bloc — early 1933"
    assert mark_group(root, "193X").find(f".//{NS}title").text == "Something in the thirties — the 1930s"


def test_links_and_escaping():
    rows = [
        Row('<b>Bad</b> & "quoted"', "people/x", (D("1900"), D("1950")), [Mark("</title><script>x</script>", "events/e", D("1920"), None, "event")]),
        Row("No link", None, (D("1910"), D("1940")), []),
    ]
    svg = render(rows, title="T & <t>")
    assert "<b>" not in svg and "<script>" not in svg
    root = parse(svg)
    assert plot(root).find(f"{NS}title").text == "T & <t>"
    links = [(a.get("href"), "".join(a.itertext())) for a in root.iter(f"{NS}a")]
    name = next(a for a in root.iter(f"{NS}a") if a.get("href") == "../people/x/")
    shown = name.find(f"{NS}text").text  # cut to the names column, the whole name in its tooltip
    assert shown.startswith("<b>Bad</b> &") and (shown == '<b>Bad</b> & "quoted"' or name.find(f"{NS}title").text == '<b>Bad</b> & "quoted"')
    assert any(h == "../events/e/" for h, _ in links)
    assert not any("No link" in text for _, text in links)
    row_texts = [t.text for t in root.iter(f"{NS}text")]
    assert "No link" in row_texts


def test_long_labels_are_truncated_with_the_full_title():
    label = "Trotskyist prison group at Verkhne-Uralsk political isolator"
    root = parse(render([Row(label, "groups/x", (D("1930"), D("1933")), [])]))
    a = next(root.iter(f"{NS}a"))
    assert a.find(f"{NS}text").text.endswith("…") and len(a.find(f"{NS}text").text) < len(label)
    assert a.find(f"{NS}title").text == label


def test_axis_step():
    assert timeline.tick_step(1932, 1934) == 1
    assert timeline.tick_step(1930, 1950) == 2
    assert timeline.tick_step(1879, 1940) == 10
    assert timeline.tick_step(1871, 2024) == 20
    root = parse(render([Row("x", None, (D("1879"), D("2005")), [])]))
    years = sorted(int(t.text) for t in root.iter(f"{NS}text") if t.get("text-anchor") == "middle")
    steps = {b - a for a, b in zip(years, years[1:]) if b != a}
    assert steps == {20} and years[0] == 1880 and years[-1] == 2000


def test_render_is_deterministic_and_empty_without_dates():
    assert render(GEOMETRY_ROWS) == render(GEOMETRY_ROWS)
    assert str(timeline.render_svg([], href=href, title="t", id_prefix="x")) == ""


# Rows from content ---------------------------------------------------------------------

SITE = {
    "people/leon-trotsky.md": """\
        ---
        title: Leon Trotsky
        born: "1879-11-07"
        died: "1940-08-21"
        memberships:
          - {group: left-opposition, role: leader, from: "1923", to: "1929"}
          - {group: bloc-of-oppositions, from: "1932-10~"}
          - {group: left-opposition, role: undated}
        ---
        Text.
        """,
    "people/ivan-smirnov.md": """\
        ---
        title: Ivan Smirnov
        born: "1881"
        died: "1936-08-25"
        ---
        Text.
        """,
    "people/undated.md": """\
        ---
        title: Undated Person
        ---
        Text.
        """,
    "groups/left-opposition.md": """\
        ---
        title: Left Opposition
        founded: "1923"
        dissolved: "1929~"
        ---
        Text.
        """,
    "groups/bloc-of-oppositions.md": """\
        ---
        title: Bloc of Oppositions
        colorcode: red
        founded: "1932-12~"
        dissolved: "1933-01/1933-04"
        ---
        Text.
        """,
    "groups/undated-group.md": """\
        ---
        title: Undated group
        ---
        Text.
        """,
    "events/bloc-end.md": """\
        ---
        title: End of the bloc
        date: "1933-01/1933-04"
        participants: [ivan-smirnov]
        groups: [bloc-of-oppositions]
        ---
        Text.
        """,
    "events/trial.md": """\
        ---
        title: Trial of the Sixteen
        date: "1936-08-19"
        end: "1936-08-24"
        participants: [ivan-smirnov, undated]
        ---
        Text.
        """,
    "events/kirov.md": """\
        ---
        title: Kirov assassination
        date: "1934-12-01"
        ---
        Text.
        """,
}


@pytest.fixture
def resolved(make_site):
    diags = Diagnostics()
    res = read_and_resolve(Project.at(make_site(SITE)), diags)
    assert not [d for d in diags.sorted() if d.is_error]
    return res


def test_site_rows(resolved):
    rows = timeline.site_rows(resolved)
    assert [r.key for r in rows] == [
        "people/leon-trotsky",
        "people/ivan-smirnov",
        "groups/left-opposition",
        "groups/bloc-of-oppositions",
        None,  # other events come last
    ]
    earliest = [r.earliest() for r in rows[:-1]]
    assert earliest == sorted(earliest)
    smirnov = rows[1]
    assert smirnov.span[0].edtf == "1881" and smirnov.span[1].edtf == "1936-08-25"
    assert [(m.moment, m.key) for m in smirnov.marks] == [
        ("birth", None),
        ("event", "events/bloc-end"),
        ("event", "events/trial"),
        ("death", None),
    ]
    bloc = rows[3]
    assert bloc.colour == "red"
    assert [m.moment for m in bloc.marks] == ["founded", "event", "dissolved"]
    assert rows[-1].label == "Other events" and [m.key for m in rows[-1].marks] == ["events/kirov"]


def test_site_svg_links_every_row(resolved):
    rows = timeline.site_rows(resolved)
    root = parse(render(rows))
    hrefs = {a.get("href") for a in root.iter(f"{NS}a")}
    for r in rows:
        if r.key:
            assert href(r.key) in hrefs
    assert {"../events/kirov/", "../events/trial/", "../events/bloc-end/"} <= hrefs
    assert len(rows_of(root)) == len(rows)
    assert render(timeline.site_rows(resolved)) == render(rows)  # deterministic


def test_person_rows(resolved):
    trotsky = resolved.site.get("person", "leon-trotsky")
    rows = timeline.person_rows(resolved, trotsky)
    assert [(r.label, r.key) for r in rows] == [
        ("Leon Trotsky", None),
        ("Left Opposition (leader)", "groups/left-opposition"),
        ("Left Opposition (undated)", "groups/left-opposition"),
        ("Bloc of Oppositions", "groups/bloc-of-oppositions"),
    ]
    assert [m.label for m in rows[1].marks] == ["Joined", "Left"]
    # an undated membership: the group's own span, as "some time within"
    assert rows[2].style == "tie" and [d.edtf for d in rows[2].span] == ["1923", "1929~"] and rows[2].marks == []
    assert rows[3].span[1] is None  # open end: fades out
    smirnov = timeline.person_rows(resolved, resolved.site.get("person", "ivan-smirnov"))
    assert len(smirnov) == 1 and [m.key for m in smirnov[0].marks if m.moment == "event"] == ["events/bloc-end", "events/trial"]
    undated = timeline.person_rows(resolved, resolved.site.get("person", "undated"))
    assert len(undated) == 1 and undated[0].span == (None, None) and [m.key for m in undated[0].marks] == ["events/trial"]


def test_rows_table(resolved):
    table = timeline.rows_table(timeline.site_rows(resolved))
    smirnov = table[1]
    assert smirnov["dates"] == "1881 – 25 August 1936"
    assert smirnov["start"] == "1881" and smirnov["end"] == "1936-08-25"
    trial = [m for m in smirnov["marks"] if m["key"] == "events/trial"][0]
    assert trial["edtf"] == "1936-08-19/1936-08-24" and trial["when"] == "19–24 August 1936"


def test_css_is_provided():
    assert ".timeline" in timeline.TIMELINE_CSS and "tl-text" in timeline.TIMELINE_CSS


def test_window_cuts_the_axis_and_leaves_out_what_is_outside():
    rows = GEOMETRY_ROWS + [Row("Early", "groups/early", (D("1900"), D("1920")), [])]
    root = parse(render(rows, window=(1933, 1934)))
    years = sorted({int(t.text) for t in root.iter(f"{NS}text") if t.get("text-anchor") == "middle"})
    assert years == [1933, 1934, 1935]
    keys = [g.get("data-key") for g in rows_of(root)]
    assert keys == ["groups/bloc", None]  # "Early" has nothing in 1933-1934
    assert root.findall(f".//{NS}g[@data-edtf='1936-08-19/1936-08-24']") == []
    assert len(root.findall(f".//{NS}g[@data-edtf='1934-12-01']")) == 1
    x = year_x(root)
    x0, x1 = extent(mark_group(root, "193X"))  # cut at the window's edges
    assert x0 == pytest.approx(x(1933), abs=1) and x1 == pytest.approx(x(1935), abs=1)
    assert "1933 to 1934" in plot(root).find(f"{NS}desc").text


# Reading the story (issue 15) ------------------------------------------------------------

STORY = [
    Row("Old man", "people/old", (D("1868-03-01"), D("1936-06-18")), [Mark("Born", None, D("1868-03-01"), None, "birth")], "person"),
    Row(
        "Bloc",
        "groups/bloc",
        (D("1932-06"), D("1933-01")),
        [
            Mark("Formation of the bloc", "events/formation", D("1932-10"), None, "event"),
            Mark("Trotsky accepts", "events/accepts", D("1932-10"), None, "event"),
            Mark("Arrests", "events/arrests", D("1932-10-02"), None, "event"),
            Mark("Trial", "events/trial", D("1936-08-19"), D("1936-08-24"), "event"),
            Mark("Kirov", "events/kirov", D("1934-12-01"), None, "event"),
            Mark("Expulsion", "events/expulsion", D("1927-11"), None, "event"),
        ],
        "group",
    ),
    Row("Historian", "people/historian", (D("1926"), D("2005")), [Mark("Discovery", "events/discovery", D("1980"), None, "event")], "person"),
]


def axis_x(root) -> dict[int, float]:
    return {int(t.text): float(t.get("x")) for t in plot(root).iter(f"{NS}text") if t.get("text-anchor") == "middle" and t.text.isdigit()}


def test_the_dense_years_get_most_of_the_width_and_the_rest_is_marked_compressed():
    root = parse(render(STORY))
    svg = plot(root)
    width = float(svg.get("width"))
    x = axis_x(root)
    seams = sorted(x)  # the tick years include both seams of the dense years
    assert 1926 in x or 1927 in x
    first_dense = min(y for y in x if y >= 1926)
    last_dense = max(y for y in x if y <= 1938)
    assert x[last_dense] - x[first_dense] >= 0.6 * width
    per_year_dense = (x[last_dense] - x[first_dense]) / (last_dense - first_dense)
    before = [y for y in seams if y < first_dense]
    assert before and (x[first_dense] - x[before[0]]) / (first_dense - before[0]) < per_year_dense / 3
    bands = [r for r in svg.findall(f".//{NS}rect[@class='tl-compressed']") if r.find(f"{NS}title") is not None]
    assert [b.find(f"{NS}title").text for b in bands] == ["1866–1925: compressed", "1938–2008: compressed"]
    assert len(svg.findall(f".//{NS}path[@class='tl-break']")) == 4
    assert "compressed" in svg.find(f"{NS}desc").text
    start = float(root.get("data-tl-start"))
    assert start == pytest.approx(x[first_dense] - 22, abs=2)
    # a spread of events all over the axis keeps it linear
    linear = parse(render(GEOMETRY_ROWS))
    assert linear.get("data-tl-start") is None and not plot(linear).findall(f".//{NS}rect[@class='tl-compressed']")


def test_coinciding_marks_are_stacked_never_drawn_over_each_other():
    root = parse(render(STORY))
    row = next(g for g in rows_of(root) if g.get("data-key") == "groups/bloc")
    boxes = []
    for g in row.findall(f"{NS}g"):
        if "tl-mark" not in (g.get("class") or ""):
            continue
        rects = list(g.iter(f"{NS}rect"))
        boxes.append((g.get("data-key"), min(float(r.get("x")) for r in rects), min(float(r.get("y")) for r in rects),
                      max(float(r.get("x")) + float(r.get("width")) for r in rects), max(float(r.get("y")) + float(r.get("height")) for r in rects)))
    assert len(boxes) == 6
    clashes = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]
    assert not clashes
    ys = {b[0]: b[2] for b in boxes}
    assert len({ys["events/formation"], ys["events/accepts"], ys["events/arrests"]}) == 3  # three lanes
    # the row grew to hold them; its neighbours did not
    stripes = [float(r.get("height")) for r in plot(root).find(f"{NS}g[@class='tl-stripes']")]
    assert stripes and stripes[0] > timeline.ROW_H


def test_the_names_have_a_column_of_their_own_that_stays_in_view():
    root = parse(render(STORY))
    assert root.tag == "div" and root.get("class") == "tl"
    names, plot_svg = list(root)
    assert "tl-names" in names.get("class") and "tl-plot" in plot_svg.get("class")
    assert names.get("height") == plot_svg.get("height")
    assert [t.text for t in names.iter(f"{NS}text")] == ["Old man", "Bloc", "Historian"]
    assert not [t for t in plot_svg.iter(f"{NS}text") if t.text == "Old man"]
    assert ".tl-names { position: sticky; left: 0;" in timeline.TIMELINE_CSS


ROLES = {
    "people/trotsky.md": """\
        ---
        title: Trotsky
        born: "1879"
        died: "1940"
        memberships:
          - {group: party, role: member, from: "1917", to: "1927-11"}
        ---
        """,
    "groups/party.md": '---\ntitle: Party\nfounded: "1912"\n---\n',
    "groups/opposition.md": '---\ntitle: Opposition\nfounded: "1923-10"\ndissolved: "1929"\nleaders: [trotsky]\n---\n',
    "groups/united.md": '---\ntitle: United\nfounded: "1926"\ndissolved: "1927-12"\nleaders: [trotsky]\nmembers: [trotsky]\n---\n',
    "groups/undated.md": "---\ntitle: Undated\nmembers: [trotsky]\n---\n",
}


def test_a_persons_timeline_has_every_membership_and_leadership(make_site):
    diags = Diagnostics()
    res = read_and_resolve(Project.at(make_site(ROLES)), diags)
    assert not [d for d in diags.sorted() if d.is_error]
    rows = timeline.person_rows(res, res.site.get("person", "trotsky"))
    assert [(r.label, r.key, r.style) for r in rows] == [
        ("Trotsky", None, "person"),
        ("Party (member)", "groups/party", "membership"),
        ("Opposition (led)", "groups/opposition", "tie"),
        ("United (led)", "groups/united", "tie"),
        ("United (member)", "groups/united", "tie"),
    ]  # the undated group has nothing to draw
    assert [d.edtf for d in rows[2].span] == ["1923-10", "1929"]
    root = parse(render(rows))
    tie = next(g for g in rows_of(root) if g.get("data-key") == "groups/opposition")
    assert "tl-tie" in tie.get("class")
    drawn = {r.get("class").split()[0] for r in tie.iter(f"{NS}rect")}
    assert "tl-bar-range" in drawn and "tl-bar-solid" not in drawn  # some time within, not a solid stretch
