"""The whole build, end to end: a small but rich fixture site, checked on
its parsed HTML; and determinism."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, write_site

from dossier.output import tree_digest
from dossier.pipeline import Project, build

pytestmark = pytest.mark.slow

FILES = {
    "index.md": "---\ntitle: The Bloc of Oppositions\n---\nStart with [[Leon Trotsky]].\n",
    "people/leon-trotsky.md": """\
        ---
        title: Leon Trotsky
        native_name: Лев Троцкий
        aliases: [The Old Man]
        born: 1879-11-07
        died: 1940-08-21
        memberships:
          - group: left-opposition
            role: leader
            from: 1923
            to: 1928
        ---
        He led the [[Left Opposition]] [@broue-1980, p. 12].

        ## Exile

        His son was [[Lev Sedov]], who ran the [[Bulletin]]. He joined the bloc [@broue-1980, p. 15; @getty-1986].
        """,
    "people/lev-sedov.md": """\
        ---
        title: Lev Sedov
        born: 1906-02-24
        died: "1938-02~"
        ---
        Son of [[leon-trotsky|Trotsky]]; see [[Leon Trotsky#Exile]].
        """,
    "people/pierre-broue.md": "---\ntitle: Pierre Broué\nborn: 1926\ndied: 2005\n---\n",
    "people/j-arch-getty.md": "---\ntitle: J. Arch Getty\nborn: 1950\n---\n",
    "groups/left-opposition.md": """\
        ---
        title: Left Opposition
        leaders: [leon-trotsky]
        founded: "1923?"
        dissolved: 1929-21
        ---
        """,
    "groups/zinovievists.md": "---\ntitle: Zinovievists\nfounded: 192X\n---\n",
    "groups/bulletin-group.md": "---\ntitle: Bulletin\npart_of: [bloc-of-oppositions]\n---\n",
    "groups/bloc-of-oppositions.md": """\
        ---
        title: Bloc of Oppositions
        aliases: [Trotsky's bloc]
        colorcode: red
        leaders: [leon-trotsky, lev-sedov]
        founded: "1932-12~"
        dissolved: "1933-01/1933-04"
        merger: [left-opposition, zinovievists]
        predecessor: [united-opposition]
        field_sources:
          founded: ["broue-1980, p. 20"]
        debates:
          - question: Who were the liberals?
            status: unresolved
            positions:
              - by: pierre-broue
                view: Moderates around Kirov.
                cite: broue-1980
              - by: j-arch-getty
                view: Kirov was no moderate.
                cite: getty-1986
        ---
        Formed by [[Trotsky's bloc|the bloc]]'s founders.
        """,
    "groups/united-opposition.md": "---\ntitle: United Opposition\nfounded: 1926\ndissolved: 1927\n---\n",
    "events/moscow-trials.md": "---\ntitle: Moscow trials\ndate: 1936-08/1938-03\n---\n",
    "events/trial-of-the-sixteen.md": """\
        ---
        title: Trial of the Sixteen
        date: 1936-08-19
        end: 1936-08-24
        part_of: moscow-trials
        participants: [lev-sedov, leon-trotsky]
        about: [bloc-of-oppositions]
        ---
        """,
    "events/bloc-formed.md": """\
        ---
        title: Bloc formed
        date: "1932-12~"
        participants: [leon-trotsky]
        ---
        """,
    "events/xss.md": "---\ntitle: <script>alert(1)</script>\ndate: 1933?\nparticipants: [lev-sedov]\n---\n",
    "sources/broue-1980.md": "---\ntitle: Trotsky et le bloc des oppositions de 1932\nkind: secondary\ngenre: historiography\nauthor: Pierre Broué\ndate: 1980\n---\n",
    "sources/getty-1986.md": "---\ntitle: Trotsky in Exile\nkind: secondary\nauthor: J. Arch Getty\ndate: 1986\n---\n",
    "articles/finding-the-bloc.md": """\
        ---
        title: Finding the bloc
        about: [bloc-of-oppositions]
        ---
        How [[Pierre Broué]] found the [[Bloc of Oppositions]] in the archive [@broue-1980].
        """,
}


# A small DOM on the standard library's parser -------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        def ok(n: Node) -> bool:
            if tag and n.tag != tag:
                return False
            for k, v in attrs.items():
                have = n.attrs.get(k.rstrip("_"))
                if k.rstrip("_") == "class" and have is not None:
                    if v not in have.split():
                        return False
                elif have != v:
                    return False
            return True

        return [n for n in self.iter() if ok(n)]

    def find(self, tag: str | None = None, **attrs) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def text(self) -> str:
        out = []
        for c in self.children:
            out.append(c.text() if isinstance(c, Node) else c)
        return re.sub(r"\s+", " ", "".join(out)).strip()


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v or "") for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, {k: (v or "") for k, v in attrs}, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(path: Path) -> Node:
    b = _Builder()
    b.feed(path.read_text(encoding="utf-8"))
    return b.root


def visible_text(node: Node) -> str:
    parts = []
    for c in node.children:
        if isinstance(c, Node):
            if c.tag not in ("script", "style", "head"):
                parts.append(visible_text(c))
        else:
            parts.append(c)
    return " ".join(parts)


def section(doc: Node, heading_id: str) -> Node:
    """The <section> labelled by the heading with ``heading_id``."""
    return doc.find("section", **{"aria-labelledby": heading_id})


# The build ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("rich"), FILES)
    report = build(Project.at(root))
    assert [d.format() for d in report.diagnostics] == []
    out = root / "output"

    class Site:
        def page(self, rel: str) -> Node:
            return parse(out / rel / "index.html")

    s = Site()
    s.root, s.out = root, out
    return s


def test_entity_pages_exist_at_clean_urls(site):
    for rel in [
        "people/leon-trotsky",
        "people/lev-sedov",
        "groups/bloc-of-oppositions",
        "events/trial-of-the-sixteen",
        "sources/broue-1980",
        "articles/finding-the-bloc",
        "people",
        "groups",
        "events",
        "sources",
        "articles",
        "chronology",
    ]:
        assert (site.out / rel / "index.html").is_file(), rel
    assert (site.out / "index.html").is_file() and (site.out / "404.html").is_file()


def test_every_page_has_exactly_one_h1(site):
    pages = sorted(site.out.rglob("*.html"))
    assert len(pages) > 20
    for p in pages:
        assert len(parse(p).find_all("h1")) == 1, p


def test_body_links_point_to_relative_urls(site):
    doc = site.page("people/leon-trotsky")
    body = doc.find("div", class_="body")
    hrefs = {a.text(): a.attrs["href"] for a in body.find_all("a", class_="xref")}
    assert hrefs == {"Left Opposition": "../../groups/left-opposition/", "Lev Sedov": "../../people/lev-sedov/", "Bulletin": "../../groups/bulletin-group/"}


def test_label_and_section_links(site):
    body = site.page("people/lev-sedov").find("div", class_="body")
    assert [(a.text(), a.attrs["href"]) for a in body.find_all("a", class_="xref")] == [
        ("Trotsky", "../../people/leon-trotsky/"),
        ("Leon Trotsky § Exile", "../../people/leon-trotsky/#exile"),
    ]
    # the fragment exists on the target
    assert site.page("people/leon-trotsky").find(id="exile").text() == "Exile"


def test_home_page_links_are_relative_to_the_root(site):
    doc = parse(site.out / "index.html")
    assert any(a.attrs.get("href") == "people/leon-trotsky/" and a.text() == "Leon Trotsky" for a in doc.find_all("a"))


def test_backlinks_grouped_by_relation_one_item_per_page(site):
    wlh = section(site.page("people/lev-sedov"), "what-links-here")
    groups = [h.text() for h in wlh.find_all("h3")]
    # the relations first (the group names him as a leader), then the text's mentions
    assert groups[0].startswith("Groups that name Lev Sedov as a leader"), groups
    assert re.match(r"Other (pages|people) that mention Lev Sedov \(?1\)?$", groups[-1]), groups
    items = {li.find("a").text(): li for li in wlh.find_all("li")}
    assert len(items) == len(wlh.find_all("li")), "a page listed twice"
    assert items["Leon Trotsky"].find("a").attrs["href"] == "../../people/leon-trotsky/"
    # the sentence, shown on demand
    context = items["Leon Trotsky"].find("details")
    assert context.find("summary") is not None
    assert "His son was Lev Sedov, who ran the Bulletin." in context.text()
    assert context.find("mark").text() == "Lev Sedov"
    # no fragment that calls a person "it"
    assert " it" not in " ".join(groups) and "names it" not in wlh.text(), wlh.text()


def test_backlink_from_the_home_page_and_an_article(site):
    wlh = section(site.page("groups/bloc-of-oppositions"), "what-links-here")
    contexts = [c.text() for c in wlh.find_all("details")]
    assert any("How Pierre Broué found the Bloc of Oppositions in the archive." in c for c in contexts), contexts
    headings = [h.text() for h in wlh.find_all("h3")]
    assert any(re.match(r"(Articles|Pages) that are about Bloc of Oppositions", h) for h in headings), headings


def relations(doc: Node) -> dict[str, list[str]]:
    sec = section(doc, "relations")
    out, current = {}, None
    for n in sec.iter():
        if n.tag == "h3":
            current = n.text()
            out[current] = []
        elif n.tag == "li" and current:
            out[current].append(n.text())
    return out


def test_derived_relations_on_both_sides(site):
    lo = relations(site.page("groups/left-opposition"))
    assert lo["Members"] == ["Leon Trotsky (leader, 1923–1928)"]
    assert lo["Merged into"] == ["Bloc of Oppositions"]
    trotsky = relations(site.page("people/leon-trotsky"))
    # the groups he led are in the infobox (with their dates), not repeated below
    assert "Led" not in trotsky
    led = site.page("people/leon-trotsky").find("aside", class_="infobox").find("div", class_="field-inverse-led")
    assert [a.text() for a in led.find_all("a")] == ["Left Opposition", "Bloc of Oppositions"]
    assert "(1923–1928)" in led.text() or "1923" in led.text(), led.text()
    assert [x.split(" (")[0] for x in trotsky["Events"]] == ["Bloc formed", "Trial of the Sixteen"]
    assert relations(site.page("groups/united-opposition"))["Succeeded by"] == ["Bloc of Oppositions"]
    assert relations(site.page("groups/bloc-of-oppositions"))["Wings and member groups"] == ["Bulletin"]
    assert [x.split(" (")[0] for x in relations(site.page("events/moscow-trials"))["Parts"]] == ["Trial of the Sixteen"]
    sedov_events = relations(site.page("people/lev-sedov"))["Events"]
    assert [x.split(" (")[0] for x in sedov_events] == ["<script>alert(1)</script>", "Trial of the Sixteen"]


def test_infobox_links_declared_relations(site):
    infobox = site.page("groups/bloc-of-oppositions").find("aside", class_="infobox")
    merger = infobox.find("div", class_="field-merger")
    assert [(a.text(), a.attrs["href"]) for a in merger.find_all("a")] == [
        ("Left Opposition", "../../groups/left-opposition/"),
        ("Zinovievists", "../../groups/zinovievists/"),
    ]


def test_citations_are_numbered_markers_linked_to_the_references_and_back(site):
    doc = site.page("people/leon-trotsky")
    markers = doc.find("div", class_="body").find_all("sup", class_="cite")
    # a body citation's id is fixed by its place in the text (the 2nd
    # placeholder, its 1st citation), so that "Cited by" can link to it
    assert [(m.attrs["id"], m.find("a").attrs["href"], m.find("a").text()) for m in markers] == [
        ("cite-t1-0", "#ref-1", "[1, p. 12]"),
        ("cite-t4-0", "#ref-1", "[1, p. 15]"),
        ("cite-t4-1", "#ref-2", "[2]"),
    ]
    refs = section(doc, "references")
    items = refs.find_all("li")
    assert [li.attrs["id"] for li in items] == ["ref-1", "ref-2"]
    assert [a.attrs["href"] for a in items[0].find_all("a") if a.attrs["href"].startswith("#")] == ["#cite-t1-0", "#cite-t4-0"]
    assert items[0].find("a", class_="to-source").attrs["href"] == "../../sources/broue-1980/"
    assert "Trotsky et le bloc des oppositions de 1932" in items[0].text()


def test_field_sources_and_debates_cite_too(site):
    doc = site.page("groups/bloc-of-oppositions")
    founded = doc.find("div", class_="field-founded")
    assert founded.find("sup", class_="cite").find("a").attrs["href"] == "#ref-1"
    debate = section(doc, "debates")
    assert [a.text() for a in debate.find_all("a", class_="xref")] == ["Pierre Broué", "J. Arch Getty"]
    positions = section(site.page("people/pierre-broue"), "positions")
    assert "Moderates around Kirov." in positions.text()


def test_source_page_lists_who_cites_it(site):
    cited = section(site.page("sources/broue-1980"), "cited-by")
    assert {li.find("a").text() for li in cited.find_all("li")} == {"Leon Trotsky", "Bloc of Oppositions", "Finding the bloc"}


EDTF_RE = re.compile(r"\d{4}(?:-\d\d){0,2}[~?%]|\d{3}X|\d{2}XX|\d{4}(?:-\d\d){0,2}/\d{4}|\b\d{4}-2[1-4]\b")


def test_no_raw_edtf_in_visible_text(site):
    for p in sorted(site.out.rglob("*.html")):
        text = visible_text(parse(p))
        assert not EDTF_RE.search(text), (p, EDTF_RE.search(text).group(0))


def test_dates_are_shown_as_a_reader_would_say_them(site):
    header = site.page("groups/bloc-of-oppositions").find("header", class_="entity-header")
    assert header.find("p", class_="life-dates").text() == "c. December 1932 – early 1933"
    born = site.page("people/leon-trotsky").find("div", class_="field-born").find("time")
    assert (born.text(), born.attrs["datetime"]) == ("7 November 1879", "1879-11-07")


def test_titles_are_escaped_everywhere(site):
    for p in sorted(site.out.rglob("*.html")):
        html = p.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html, p
        # JSON-LD may carry the title, but only with "<" escaped
        assert not any("<" in n.text() for n in parse(p).find_all("script")), p
    assert site.page("events/xss").find("h1").text() == "<script>alert(1)</script>"


# Determinism --------------------------------------------------------------------------


def site_digest(out: Path, search: bool = False) -> str:
    """tree_digest of the site; the Pagefind bundle only when ``search``."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out)
        if p.is_file() and (rel.parts[0] == "pagefind") == search:
            h.update(rel.as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """Two clean builds of the same input in two folders."""
    base = tmp_path_factory.mktemp("twice")
    a, b = write_site(base / "a", FILES), write_site(base / "b", FILES)
    build(Project.at(a))
    build(Project.at(b))
    return a / "output", b / "output"


def test_two_builds_are_byte_identical(twice):
    a, b = twice
    assert site_digest(a) == site_digest(b)


def test_two_search_bundles_are_byte_identical(twice):
    a, b = twice
    assert site_digest(a, search=True) == site_digest(b, search=True)


def test_rebuilding_changes_nothing(site):
    before = tree_digest(site.out)
    report = build(Project.at(site.root))
    assert report.up_to_date and report.written == 0
    assert tree_digest(site.out) == before
    before = site_digest(site.out)
    build(Project.at(site.root), clean=True)
    assert site_digest(site.out) == before


def test_plain_pelican_says_it_is_not_the_way_and_writes_nothing(tmp_path):
    """`pelican` on the project (its pelicanconf.py names the plugin) would
    build without the checks, staging, incremental builds or search: it stops
    at once with one line saying what to run, and no traceback."""
    import subprocess
    import sys

    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(out)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "build it with `dossier build`" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not out.exists()
