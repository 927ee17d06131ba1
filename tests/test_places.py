"""Places: the type, its checks, the name of the date, the pages and maps
(dossier/places.py, dossier/maps.py)."""

from __future__ import annotations

import re

import pytest
from conftest import check_site, messages

from dossier import maps

CITY = """---
title: Saint Petersburg
aliases: [Leningrad, Petrograd]
kind: city
part_of: russia
coordinates: "59.9386, 30.3141"
geonames: "498817"
names:
  - name: Saint Petersburg
    to: "1914"
  - name: Petrograd
    from: "1914"
    to: "1924"
  - name: Leningrad
    from: "1924"
    to: "1991"
  - name: Saint Petersburg
    from: "1991"
---
A city.
"""
COUNTRY = """---
title: Russia
kind: country
names:
  - name: Russian Empire
    to: "1917"
  - name: Soviet Union
    from: "1922"
    to: "1991"
---
"""


def site(make_site, **extra):
    files = {"places/saint-petersburg.md": CITY, "places/russia.md": COUNTRY}
    files.update(extra)
    return make_site(files)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_a_clean_site_of_places_has_no_diagnostics(make_site):
    assert messages(check_site(site(make_site))) == []


@pytest.mark.parametrize(
    "written, message",
    [
        ('"91.0, 30.0"', "the latitude 91.0 is outside -90 to 90"),
        ('"30.0, 190.0"', "the longitude 190.0 is outside -180 to 180"),
        ('"59° 56′ N, 30° 18′ E"', "must be latitude, then longitude, in decimal degrees"),
        ("[59.9, 30.3]", "must be latitude, then longitude"),
    ],
)
def test_bad_coordinates_are_refused_where_written(make_site, written, message):
    root = site(make_site, **{"places/smolny.md": f"---\ntitle: Smolny\ncoordinates: {written}\n---\n"})
    (msg,) = messages(check_site(root))
    assert msg.startswith("content/places/smolny.md:3:14: error[type]:") or msg.startswith("content/places/smolny.md:3:")
    assert message in msg, msg


def test_overlapping_names_and_a_name_ending_before_it_begins(make_site):
    bad = """---
title: Tsaritsyn
names:
  - name: Tsaritsyn
    to: "1925"
  - name: Stalingrad
    from: "1920"
    to: "1961"
  - name: Volgograd
    from: "1961"
    to: "1950"
---
"""
    got = messages(check_site(site(make_site, **{"places/volgograd.md": bad})))
    assert any("volgograd.md:6:5: error[overlapping-names]: the name 'Stalingrad' overlaps 'Tsaritsyn'" in m for m in got), got
    assert any("volgograd.md:11:9: error[date-order]: the name 'Volgograd' ends (1950) before it begins (1961)" in m for m in got), got


def test_an_unknown_place_slug_is_an_error_and_plain_text_stays_text(make_site, build_site):
    root = site(make_site, **{
        "events/a.md": "---\ntitle: A meeting\ndate: \"1932\"\nplace: saint-peterburg\n---\n",
        "events/b.md": "---\ntitle: Another meeting\ndate: \"1932\"\nplace: \"A dacha near <Minsk>\"\n---\n",
    })
    (msg,) = messages(check_site(root))
    assert "content/events/a.md:4:8: error[relation]: 'place' names 'saint-peterburg', which does not exist" in msg
    assert "did you mean 'saint-petersburg'" in msg
    (root / "content" / "events" / "a.md").unlink()
    build_site(root)
    page = (root / "output" / "events" / "b" / "index.html").read_text(encoding="utf-8")
    assert "A dacha near &lt;Minsk&gt;" in page and "<Minsk>" not in page


@pytest.mark.parametrize(
    "field, written, date_field, date, shown",
    [
        ("place", "Leningrad", "date", "1934-12-01", "Leningrad, Soviet Union"),
        # no name of the country's covers 1918 or 1995: its title
        ("place", "saint-petersburg", "date", "1918", "Petrograd, Russia"),
        ("place", "Petrograd", "date", "1905", "Saint Petersburg, Russian Empire"),
        ("place", "Saint Petersburg", "date", "1995", "Saint Petersburg, Russia"),
    ],
)
def test_a_place_is_shown_under_its_name_of_the_date(make_site, build_site, field, written, date_field, date, shown):
    root = site(make_site, **{"events/e.md": f'---\ntitle: An event\n{date_field}: "{date}"\n{field}: {written}\n---\n'})
    build_site(root)
    page = (root / "output" / "events" / "e" / "index.html").read_text(encoding="utf-8")
    dd = re.search(r"<dt>Place</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert text(dd).strip() == shown
    assert 'href="../../places/saint-petersburg/"' in dd


def test_the_place_page_lists_what_happened_there_and_who_was_born_there(make_site, build_site):
    root = site(make_site, **{
        "events/e.md": '---\ntitle: The murder\ndate: "1934-12-01"\nplace: Leningrad\n---\n',
        "people/p.md": '---\ntitle: Lev Sedov\nborn: "1906"\nbirth_place: saint-petersburg\n---\n',
        "places/smolny.md": '---\ntitle: Smolny\nkind: building\npart_of: saint-petersburg\ncoordinates: "59.9463, 30.3961"\n---\n',
    })
    build_site(root)
    page = (root / "output" / "places" / "saint-petersburg" / "index.html").read_text(encoding="utf-8")
    for heading in ("Events here", "Born here", "Places within"):
        assert heading in page, heading
    assert 'href="../../events/e/"' in page and 'href="../../people/p/"' in page and 'href="../../places/smolny/"' in page
    person = (root / "output" / "people" / "p" / "index.html").read_text(encoding="utf-8")
    assert text(re.search(r"<dt>Birthplace</dt><dd>(.*?)</dd>", person, re.S).group(1)).strip() == "Saint Petersburg, Russian Empire"
    # the authority line names GeoNames
    assert "https://www.geonames.org/498817" in page


@pytest.mark.skipif(maps.find_data_path(maps.Path(__file__).resolve().parents[1]) is None, reason="world-atlas not installed (npm ci)")
def test_the_map_draws_todays_borders_and_marks_the_place(make_site, build_site):
    root = site(make_site, **{"places/smolny.md": '---\ntitle: Smolny\nkind: building\npart_of: saint-petersburg\ncoordinates: "59.9463, 30.3961"\n---\n'})
    build_site(root)
    page = (root / "output" / "places" / "saint-petersburg" / "index.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg class="map".*?</svg>', page, re.S).group(0)
    assert svg.count('<path class="map-land"') >= 3  # Russia, Finland, Estonia at least
    assert '<circle class="map-dot map-main"' in svg and ">Saint Petersburg</text>" in svg
    assert "Borders of today" in page
    # the main dot sits where its coordinates say: x and y inside the drawing
    w, h = map(float, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    cx, cy = map(float, re.search(r'map-main" cx="([\d.]+)" cy="([\d.]+)"', svg).groups())
    assert 0.3 * w < cx < 0.7 * w and 0.3 * h < cy < 0.7 * h
    # the same input draws the same bytes
    build_site(root)
    assert (root / "output" / "places" / "saint-petersburg" / "index.html").read_text(encoding="utf-8") == page


def test_without_the_map_data_the_page_says_so(make_site, build_site, monkeypatch):
    monkeypatch.setattr(maps, "find_data", lambda root: None)
    root = site(make_site)
    build_site(root)
    page = (root / "output" / "places" / "saint-petersburg" / "index.html").read_text(encoding="utf-8")
    assert "<svg class=\"map\"" not in page and "The map is not drawn" in page and "npm ci" in page


def test_the_old_address_of_the_isolator_leads_to_its_place_page():
    from pathlib import Path

    content = Path(__file__).resolve().parents[1] / "content"
    text_ = (content / "places" / "verkhne-uralsk-isolator.md").read_text(encoding="utf-8")
    assert "groups/verkhne-uralsk-isolator" in text_ and not (content / "groups" / "verkhne-uralsk-isolator.md").exists()
