"""Content cannot inject script or markup.

A hostile fixture site puts script payloads into every front-matter string
and into every body; the test builds it and audits the WHOLE output (every
.html, .json, .xml and .csv file): no script but the site's own, no event
handler attribute, no ``javascript:``/``data:`` URL, no embedding element,
and the payload text still visible, escaped, where it belongs.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from dossier.diagnostics import BuildFailed
from dossier.pipeline import Project, build

pytestmark = pytest.mark.slow

# The payloads -------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">j1</a>',
    '<a href="JaVaScRiPt:alert(1)">j2</a>',
    '<a href="&#106;avascript:alert(1)">j3</a>',
    '<a href=" jav&#x09;ascript:alert(1)">j4</a>',
    "data:text/html,<script>alert(1)</script>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d1</a>',
    '<iframe src="https://evil.example/"></iframe>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="width:expression(alert(1))" onclick="alert(1)">css</div>',
    '<object data="x.swf"></object><embed src="x.swf">',
    "</script><script>alert(1)</script>",
    "</title></textarea><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input onfocus=alert(1) autofocus></form>',
    "{{ 7*7 }}{% if true %}jinja{% endif %}${7*7}",
    "\u2028\u2029 &amp; &lt;b&gt; ]]> ",
]
PAY = " ".join(PAYLOADS)

BODY = """\
## Heading <script>alert(1)</script> "><img src=x onerror=alert(1)>

Text {pay}

[c1](javascript:alert(1)) [c2](JaVaScRiPt:alert(1)) [c3](&#106;avascript:alert(1)) [c4](data:text/html,<script>alert(1)</script>) [c5](  javascript:alert(1)) [c6](vbscript:msgbox(1))

![i1](javascript:alert(1)) <img src="data:image/svg+xml,<svg onload=alert(1)>"> <img src=x onerror="alert(1)"> <img src="x" srcset="javascript:alert(1) 1x">

<div style="background:url(javascript:alert(1))" onclick="alert(1)" onmouseover="alert(1)">div</div>

<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">m</maction></math>

<link rel="stylesheet" href="javascript:alert(1)"><video poster="javascript:alert(1)"></video><table background="javascript:alert(1)"><tr><td>t</td></tr></table>

[ref]: javascript:alert(1)

Use [the ref][ref]. A link to [[people/hostile-two|<script>alert(1)</script> "><img src=x onerror=alert(1)>]] and one to [[Hostile Group]], a citation [@hostile-source, p. <script>alert(1)</script> "><img src=x onerror=alert(1)>].

A footnote[^1].

`<script>alert(1)</script>` in code.

    <script>alert(1)</script> in an indented block

[^1]: Note {pay}
"""


def body(n: int) -> str:
    return BODY.format(pay=PAY) + f"\nPage {n}.\n"


def page(fields: dict, text: str = "") -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10**6) + "---\n" + text


def p(label: str) -> str:
    """A hostile value, unique per field (titles and aliases must differ)."""
    return f"{label} {PAY}"


FILES = {
    "index.md": page({"title": p("Home"), "summary": p("Home summary")}, body(0)),
    "people/hostile-one.md": page(
        {
            "title": p("Person One"),
            "aliases": [p("Alias One"), p("Alias Two")],
            "native_name": p("Native One"),
            "summary": p("Summary One"),
            "tags": [p("Tag One")],
            "born": 1900,
            "died": 1950,
            "birth_place": p("Birthplace"),
            "death_place": p("Deathplace"),
            "roles": [p("Role One"), p("Role Two")],
            "wikidata": "Q1",
            "sources": ["hostile-source"],
            "memberships": [{"group": "hostile-group", "role": p("Member role"), "from": 1920, "to": 1930, "note": p("Member note")}],
            "field_sources": {"born": [f"hostile-source, {p('Field locator')}"]},
            "debates": [
                {
                    "question": p("Question"),
                    "status": "unresolved",
                    "note": p("Debate note"),
                    "positions": [
                        {"by": "hostile-two", "view": p("View Two"), "cite": f"hostile-source, {p('Position locator')}"},
                    ],
                }
            ],
        },
        body(1),
    ),
    "people/hostile-two.md": page({"title": p("Person Two"), "summary": p("Summary Two"), "born": "1930?"}, body(2)),
    "groups/hostile-group.md": page(
        {
            "title": "Hostile Group",
            "aliases": [p("Group alias")],
            "summary": p("Group summary"),
            "leaders": ["hostile-one"],
            "members": ["hostile-two"],
            "founded": 1919,
            "ideology": [p("Ideology")],
            "position": p("Position"),
            "state": p("State"),
            "colorcode": "red",
        },
        body(3),
    ),
    "events/hostile-event.md": page(
        {
            "title": p("Event"),
            "summary": p("Event summary"),
            "date": "1925-05",
            "place": p("Place"),
            "outcome": p("Outcome"),
            "participants": ["hostile-one", "hostile-two"],
            "groups": ["hostile-group"],
        },
        body(4),
    ),
    "sources/hostile-source.md": page(
        {
            "title": p("Source"),
            "kind": "primary",
            "genre": "letter",
            "author": [p("Author One"), p("Author Two")],
            "editor": p("Editor"),
            "translator": p("Translator"),
            "recipient": p("Recipient"),
            "date": 1926,
            "publisher": p("Publisher"),
            "publisher_place": p("Publisher place"),
            "container": p("Container"),
            "volume": p("Volume"),
            "issue": p("Issue"),
            "pages": p("Pages"),
            "archive": p("Archive"),
            "language": p("Language"),
            "short_title": p("Short title"),
            "url": "https://example.org/x'onmouseover='alert(1)'&a=1",
            "archived_url": "https://example.org/y?q=javascript:alert(1)",
        },
        body(5),
    ),
    "sources/second-source.md": page({"title": p("Second source"), "kind": "secondary", "entry_type": "webpage", "author": p("Web author"), "url": "https://example.org/z"}, "[@hostile-source]"),
    "articles/hostile-article.md": page(
        {"title": p("Article"), "summary": p("Article summary"), "author": [p("Article author")], "date": 1999, "about": ["hostile-one", "hostile-group", "hostile-event"], "sources": ["second-source"]},
        body(6),
    ),
}

# The audit ----------------------------------------------------------------------

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data", "cite", "ping", "manifest", "codebase"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
FORBIDDEN_TAGS = {"iframe", "object", "embed", "frame", "frameset", "applet", "base", "portal", "style"}
OWN_SCRIPT_SRC = re.compile(r"^(?:/|(?:\.\./)*)(?:theme/js/|pagefind/)[\w./-]+\.js$")
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


def _dangerous_url(value: str) -> bool:
    # Browsers ignore whitespace and control characters inside the scheme
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
    return squeezed.startswith(DANGEROUS_SCHEMES) or any(part.strip().lower().startswith(DANGEROUS_SCHEMES) for part in value.split(","))


class Auditor(HTMLParser):
    """Collects every unsafe construct of one HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts = 0
        self.in_script: str | None = None  # the type of the data block we are in
        self.script_text: list[str] = []
        self.h1: list[str] = []
        self.in_h1 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            self.scripts += 1
            src, kind = a.get("src"), (a.get("type") or "").lower()
            if src is not None:
                if not OWN_SCRIPT_SRC.match(src):
                    self.problems.append(f"<script src={src!r}>")
            elif kind in DATA_SCRIPT_TYPES:
                self.in_script = kind
                self.script_text = []
            else:
                self.problems.append(f"inline <script type={kind!r}>")
        if tag == "h1":
            self.in_h1 = True
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if value is None:
                continue
            if name in URL_ATTRS and _dangerous_url(value) and not (tag == "link" and a.get("rel") == "icon" and value == "data:,"):
                # (the site's own empty favicon, which spares a request, is allowed)
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "style" and re.search(r"expression|javascript:|url\s*\(|@import|behavior", value, re.I):
                self.problems.append(f"<{tag} style={value[:60]!r}>")

    def handle_endtag(self, tag):
        if tag == "script" and self.in_script:
            text = "".join(self.script_text)
            if "<" in text:
                self.problems.append(f"raw '<' inside a {self.in_script} block")
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"{self.in_script} block is not JSON")
            self.in_script = None
        if tag == "h1":
            self.in_h1 = False

    def handle_data(self, data):
        if self.in_script:
            self.script_text.append(data)
        if self.in_h1:
            self.h1.append(data)


def audit_html(text: str) -> list[str]:
    """The unsafe constructs of an HTML document (empty: safe)."""
    auditor = Auditor()
    auditor.feed(text)
    auditor.close()
    problems = auditor.problems
    # belt and braces: the raw text agrees with the parser about scripts
    raw = len(re.findall(r"<script\b", text, re.I))
    if raw != auditor.scripts:
        problems.append(f"{raw} '<script' in the text but {auditor.scripts} script elements parsed")
    return problems


def h1_text(text: str) -> str:
    auditor = Auditor()
    auditor.feed(text)
    return " ".join("".join(auditor.h1).split())


def audit_xml(text: str) -> list[str]:
    problems = []
    if re.search(r"<script\b", text, re.I):
        problems.append("'<script' in XML")
    root = ET.fromstring(text.encode("utf-8"))
    for el in root.iter():
        for name, value in el.attrib.items():
            if name.rsplit("}", 1)[-1] in URL_ATTRS and _dangerous_url(value):
                problems.append(f"{el.tag} {name}={value!r}")
        if el.tag.rsplit("}", 1)[-1] in ("loc", "id", "uri", "icon", "logo") and el.text and _dangerous_url(el.text.strip()):
            problems.append(f"{el.tag} {el.text!r}")
        if el.get("type") in ("html", "xhtml") and el.text:
            # a feed reader renders it as HTML
            problems.extend(f"{el.tag}: {x}" for x in audit_html(el.text))
    return problems


def audit_json(text: str) -> list[str]:
    json.loads(text)
    return ["'<script' in JSON"] if re.search(r"<script\b", text, re.I) else []


def audit_csv(text: str) -> list[str]:
    """A CSV is data, never rendered as HTML: a cell may hold the text
    "<script>" exactly as the editor wrote it (changing it would corrupt the
    data). What must hold is its structure: quotes, commas and line breaks
    inside values never split or shift a cell."""
    rows = list(csv.reader(io.StringIO(text)))
    width = len(rows[0]) if rows else 0
    return [f"row {i} has {len(r)} cells, the header {width}" for i, r in enumerate(rows) if len(r) != width]


def script_text_in_csv(text: str) -> list[str]:
    return [cell[:40] for row in csv.reader(io.StringIO(text)) for cell in row if re.search(r"<script\b", cell, re.I)]


AUDITS = {".html": audit_html, ".xml": audit_xml, ".json": audit_json, ".csv": audit_csv}


def audit_output(folder: Path) -> dict[str, list[str]]:
    """path -> problems, for every audited file of a built site."""
    found = {}
    for f in sorted(folder.rglob("*")):
        check = AUDITS.get(f.suffix)
        if check is None or not f.is_file():
            continue
        rel = f.relative_to(folder).as_posix()
        if rel.startswith("pagefind/"):
            continue  # Pagefind's own bundle, not made from content
        problems = check(f.read_text(encoding="utf-8"))
        if problems:
            found[rel] = problems
    return found


# The tests ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    for rel, text in FILES.items():
        f = root / "content" / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    project = Project.at(root, jobs=1)
    try:
        report = build(project, clean=True)
    except BuildFailed as failed:  # the fixture itself must be valid content
        pytest.fail(failed.diagnostics.report())
    return project.output, report


def test_the_auditor_catches_what_it_should():
    """The audit is only worth something if it can fail."""
    bad = [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<script type="application/json">{"a": "</script><script>alert(1)</script>"}</script>',
        '<img src=x onerror="alert(1)">',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<iframe></iframe>",
        "<object></object>",
        "<embed>",
        '<div style="width:expression(alert(1))">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<img srcset="x 1x, javascript:alert(1) 2x">',
    ]
    for html in bad:
        assert audit_html(html), html
    good = [
        '<script src="../../theme/js/previews.js" defer></script>',
        '<script type="module" src="../theme/js/search.js"></script>',
        '<script type="application/ld+json">{"name":"\\u003cscript\\u003e"}</script>',
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</p>',
        '<a href="https://example.org/?q=javascript:x">x</a>',
    ]
    for html in good:
        assert audit_html(html) == [], html
    assert audit_xml('<feed><entry><content type="html">&lt;script&gt;alert(1)&lt;/script&gt;</content></entry></feed>')
    assert audit_xml("<feed><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></feed>") == []
    assert audit_json('{"t": "<script>alert(1)</script>"}') and audit_json('{"t": "\\u003cscript>"}') == []


def _files(output: Path, kind: str) -> list[Path]:
    return [f for f in sorted(output.rglob("*" + kind)) if not f.relative_to(output).as_posix().startswith("pagefind/")]


@pytest.mark.parametrize(
    "kind",
    [
        ".html",
        ".xml",
        ".json",
        ".csv",
    ],
)
def test_no_script_or_markup_injected_anywhere(hostile_site, kind):
    output, _ = hostile_site
    files = _files(output, kind)
    assert files, f"no {kind} files in the output"
    # the payloads reached files of this kind: the audit audits real attacks
    assert sum(f.read_text(encoding="utf-8").count("alert(1)") for f in files) > 0
    problems = {k: v for k, v in audit_output(output).items() if k.endswith(kind)}
    assert problems == {}


def test_csv_cells_hold_the_payload_text_exactly(hostile_site):
    output, report = hostile_site
    rows = list(csv.reader(io.StringIO((output / "data/people.csv").read_text(encoding="utf-8"))))
    titles = {r[rows[0].index("title")] for r in rows[1:]}
    assert report.resolved.site.entities["people/hostile-one"].title in titles


def test_every_entity_page_was_built_and_audited(hostile_site):
    output, report = hostile_site
    pages = [output / e.url / "index.html" for e in report.resolved.site]
    assert len(pages) == len(FILES) - 1
    for f in pages:
        assert f.is_file(), f
    # every payload went into the pages: the audit above audited real attacks
    assert sum(f.read_text(encoding="utf-8").count("alert(1)") for f in pages) > 100


@pytest.mark.parametrize("key", ["people/hostile-one", "people/hostile-two", "events/hostile-event", "sources/hostile-source", "articles/hostile-article"])
def test_title_is_shown_escaped_in_the_h1(hostile_site, key):
    output, report = hostile_site
    entity = report.resolved.site.entities[key]
    html = (output / key / "index.html").read_text(encoding="utf-8")
    # the visible heading reads exactly as the editor wrote the title
    assert h1_text(html) == " ".join(entity.title.split())
    assert escape(PAYLOADS[0], quote=False) in html  # &lt;script&gt;alert(1)&lt;/script&gt;
    # and the <title> element too
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "&lt;script&gt;" in title and "<script" not in title


def test_payloads_in_fields_are_visible_as_text(hostile_site):
    output, _ = hostile_site
    person = (output / "people/hostile-one/index.html").read_text(encoding="utf-8")
    source = (output / "sources/hostile-source/index.html").read_text(encoding="utf-8")
    for label in ("Alias One", "Native One", "Birthplace", "Role One", "Member role", "Question", "View Two"):
        shown = escape(f"{label} {PAYLOADS[0]}", quote=False)
        assert shown in person or escape(f"{label} {PAYLOADS[0]}") in person, label
    for label in ("Publisher", "Container", "Archive"):
        assert escape(f"{label} {PAYLOADS[0]}", quote=False) in source, label
    group = (output / "groups/hostile-group/index.html").read_text(encoding="utf-8")
    assert escape(f"Ideology {PAYLOADS[0]}", quote=False) in group


def test_body_links_and_citations_escape_their_labels(hostile_site):
    output, _ = hostile_site
    html = (output / "people/hostile-one/index.html").read_text(encoding="utf-8")
    # the [[…|label]] label, as text inside the link
    assert re.search(r'<a class="xref"[^>]*href="[^"]*people/hostile-two/"[^>]*>&lt;script&gt;alert\(1\)&lt;/script&gt; ', html)
    # the citation locator, in the notes
    assert "p. &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_dangerous_links_in_bodies_lose_their_urls(hostile_site):
    output, _ = hostile_site
    html = (output / "people/hostile-one/index.html").read_text(encoding="utf-8")
    body = html[html.index('<div class="body prose">') :]
    # the link texts survive, without their javascript:, data: or vbscript: targets
    for text in ("c1", "c2", "c3", "c4", "c5", "c6", "the ref"):
        assert f"<a>{text}</a>" in body, text
    assert "i1" in body and "<img" in body
    assert all(not _dangerous_url(src) for src in re.findall(r'<img[^>]*src="([^"]*)"', body))


def test_headings_in_bodies_are_escaped_and_get_safe_ids(hostile_site):
    output, _ = hostile_site
    html = (output / "people/hostile-one/index.html").read_text(encoding="utf-8")
    m = re.search(r'<h3 id="([^"]*)">Heading (.*?)</h3>', html)
    assert m, "the body's ## heading is an h3"
    assert re.fullmatch(r"[a-z0-9-]+", m.group(1))
    assert audit_html(m.group(2)) == [] and "alert" not in m.group(2)


# The bibliography files: a value cannot add a field, an author or a record ------


EVIL_SOURCE = """\
---
title: "Evil title\\nER  - \\nTY  - JOUR\\nTI  - Injected"
kind: secondary
author: ["Evil}, title = {Pwned", "Doe, J. %comment", "Smith and Jones Ltd"]
publisher: "Pub}, note = {injected"
url: "https://example.org/a}b{c"
date: 2001
---
"""


@pytest.fixture(scope="module")
def evil_bibliography(tmp_path_factory):
    root = tmp_path_factory.mktemp("evilbib")
    for rel, text in {"sources/evil.md": EVIL_SOURCE, "people/p.md": "---\ntitle: P\n---\nSee [@evil].\n"}.items():
        f = root / "content" / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    project = Project.at(root, jobs=1)
    build(project, clean=True)
    return project.output / "data"


def test_bibtex_values_cannot_end_their_field(evil_bibliography):
    import pybtex.database

    data = pybtex.database.parse_string((evil_bibliography / "bibliography.bib").read_text(encoding="utf-8"), "bibtex")
    entry = data.entries["evil"]
    assert sorted(entry.fields.keys(), key=str.lower) == ["date", "publisher", "title", "url"]
    assert "Injected" in entry.fields["title"] and "note" not in entry.fields
    assert len(entry.persons["author"]) == 3  # no name split, none added
    assert entry.fields["url"] == "https://example.org/a%7Db%7Bc"


def test_ris_values_cannot_start_a_tag_or_a_record(evil_bibliography):
    lines = (evil_bibliography / "bibliography.ris").read_bytes().decode("utf-8").split("\r\n")
    tags = [line[:2] for line in lines if line]
    assert tags.count("TY") == 1 and tags.count("ER") == 1 and tags.count("TI") == 1
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  -( .*)?", line) for line in lines if line)
