"""Property tests: arbitrary front matter and bodies never break the build.

Whatever an editor (or a hostile pull request) writes, the outcome is either
a site or diagnostics, each with a path, a line >= 1 (and within the file)
and a known code: never an uncaught exception, never a hang (inputs are
bounded; hypothesis runs without deadlines, see conftest), never a partial
site (after a failed build the output folder is byte-for-byte as before).

The number of examples each test ran is printed at the end of the module
(``EXAMPLES``); the issue's note reports them.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape as markup_escape
from test_hostile import audit_html

from dossier.diagnostics import CODES, BuildFailed, Diagnostic, Diagnostics
from dossier.frontmatter import parse_document
from dossier.markup import render_markdown
from dossier.model import entity_from_document
from dossier.output import MARKER, tree_digest
from dossier.pipeline import Project, build, read_and_resolve
from dossier.schema import CONTENT_TYPES

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

#: examples run per test, reported at the end of the module
EXAMPLES: dict[str, int] = {}

KINDS = [None, *CONTENT_TYPES]  # None: the home page

# Front matter -------------------------------------------------------------------

SCHEMA_NAMES = sorted(
    {f for t in CONTENT_TYPES.values() for f in t.fields}
    | {"group", "role", "from", "to", "note", "question", "status", "positions", "by", "view", "cite"}
)
field_names = st.one_of(
    st.sampled_from(SCHEMA_NAMES),
    st.sampled_from(["<<", "? ", "title ", "Title", "tïtle", "", "1", "null", "true", "-", "&a", "*a"]),
    st.text(max_size=12),
)

# Every character class YAML and Markdown care about, and those they forbid.
NASTY_CHARS = "\x00\x01\x07\x08\t\x0b\x0c\r\x1b\x7f\x85\xa0\u2028\u2029\ufeff\ue000\ue001\ue002\ue003\ue010\U0001f600'\"\\:#&*!|>%@`{}[],-?~"
texts = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(NASTY_CHARS)),
    max_size=40,
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**80), max_value=10**80),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
    st.sampled_from(["1932-12-24", "1933?", "193X", "1929-21", "1933-01/1933-04", "../..", "1932-02-30", "Y170000002", "broue-1980, p. 12", "left-opposition", "primary", "unresolved", "#ff0000", "Q42", "https://example.org/x"]),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
)


def _values(children):
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(field_names, children, max_size=4),
    )


values = st.recursive(scalars, _values, max_leaves=12)


@st.composite
def shared_mappings(draw):
    """A mapping in which one value object appears several times: YAML
    emits it once with an anchor (&id001) and then as aliases (*id001)."""
    shared = draw(values)
    keys = draw(st.lists(field_names, min_size=2, max_size=5, unique=True))
    return {k: shared for k in keys}


mappings = st.one_of(
    st.dictionaries(field_names, values, max_size=8),
    shared_mappings(),
    st.fixed_dictionaries({"title": texts}, optional={k: values for k in ("aliases", "born", "debates", "memberships", "date", "kind", "field_sources")}),
)


@st.composite
def dumped_yaml(draw):
    """Valid YAML of a random structure in a random style."""
    data = draw(st.one_of(mappings, values))
    style = draw(st.sampled_from([None, True, False]))
    try:
        return yaml.safe_dump(data, default_flow_style=style, allow_unicode=draw(st.booleans()), sort_keys=False, width=draw(st.sampled_from([20, 80, 10**6])))
    except yaml.YAMLError:
        return "title: x\n"


YAML_TOKENS = [
    "title: ", "aliases: ", "born: ", "memberships:\n", "debates:\n", "  - ", "- ", ": ", "\n", "  ", "\t",
    "{", "}", "[", "]", ", ", "&a ", "*a", "&b ", "*b", "!!python/object:os.system ", "!!str ", "!custom ",
    "!!binary ", "<<: *a", "? ", "|\n", ">-\n", "'", '"', "#", "%YAML 1.1\n", "--- ", "...", "~", "null",
    "yes", "0x1F", "1e999", "-.inf", ".nan", "1932-12-24", "2024-13-45", "9" * 40, "\\u0000", "\\x85",
]
soup = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), field_names, texts), max_size=40).map("".join)


@st.composite
def alias_bombs(draw):
    """Billion laughs: each level a list of aliases of the previous one."""
    depth = draw(st.integers(1, 12))
    width = draw(st.integers(2, 10))
    lines = ["title: bomb", "a0: &a0 [lol]"]
    for i in range(1, depth + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@st.composite
def deep_yaml(draw):
    n = draw(st.integers(1, 120))
    if draw(st.booleans()):
        return "title: deep\nx: " + "[" * n + "1" + "]" * n + "\n"
    return "title: deep\n" + "".join("  " * i + f"k{i}:\n" for i in range(n)) + "  " * n + "v\n"


@st.composite
def mutated(draw, base):
    """Valid YAML with a random token spliced in (most mutants are garbage)."""
    text = draw(base)
    pos = draw(st.integers(0, len(text)))
    return text[:pos] + draw(st.sampled_from(YAML_TOKENS)) + text[pos:]


front_matter = st.one_of(dumped_yaml(), mutated(dumped_yaml()), soup, alias_bombs(), deep_yaml(), st.just(""))

# Bodies -------------------------------------------------------------------------

BODY_TOKENS = [
    "[[", "]]", "[@", "@", "]", "[", "|", "#", "## ", "\n# ", "`", "```", "```\n", "~~~\n", "\n", "\n\n", "    ",
    "> ", "- ", "1. ", "* ", "_", "**", "[^1]", "\n[^1]: ", "[^x]:", "<script>alert(1)</script>", "<b>", "</b>",
    "<div>", "</div>", "<!--", "-->", "&amp;", "&#x", ";", "\\", "{", "}", "---", "\ue000", "\ue001", "\ue002",
    "\ue003", "\ue010", "\x00", "\r", "\t", "![x](", "](", ")", "javascript:", "<a href=", ">", "<", "'", '"',
    "[[Alpha]]", "[[alpha|A]]", "[[people/alpha]]", "[[Alpha#Early life]]", "[[Al]]", "[[Beta]]", "[[nobody]]",
    "[@src-one]", "[@src-one, p. 12]", "[@src-one; @nobody]", "[@-src-one]", "{#id}", "*[HTML]: x", "| a | b |\n|---|---|\n",
    "[x](javascript:alert(1))", '<a href="javascript:alert(1)">x</a>', '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>', "[x](data:text/html,<script>alert(1)</script>)", "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>", "<iframe src=x></iframe>", "<style>*{x:expression(alert(1))}</style>", '<p style="x:expression(1)">',
    "![x](javascript:alert(1))", "[x]: javascript:alert(1)\n", "<java\x00script:>", "<object data=x>", "<embed src=x>",
]
bodies = st.lists(st.one_of(st.sampled_from(BODY_TOKENS), texts, st.sampled_from(["Alpha", "Beta", "word", ". ", "Sentence. Next"])), max_size=60).map("".join)


def document(fm: str, body: str, fence: str = "---") -> bytes:
    return f"---\n{fm}\n{fence}\n{body}".encode("utf-8", "surrogatepass")


raw_files = st.one_of(
    st.builds(document, front_matter, bodies, st.sampled_from(["---", "...", "--- ", "---\t"])),
    st.builds(lambda fm, body, crlf, bom: (b"\xef\xbb\xbf" if bom else b"") + document(fm, body).replace(b"\n", b"\r\n" if crlf else b"\n"), front_matter, bodies, st.booleans(), st.booleans()),
    st.binary(max_size=200),
    st.builds(lambda fm: f"---\n{fm}".encode("utf-8", "surrogatepass"), front_matter),  # never closed
    st.builds(lambda head, tail: head + tail, st.builds(document, front_matter, bodies), st.binary(max_size=8)),  # bad UTF-8 inside
)

# Checks -------------------------------------------------------------------------


def _file_lines(raw: bytes) -> int:
    return raw.count(b"\n") + raw.count(b"\r") + 1  # generous: CR, CRLF and LF each count


def check_diagnostic(d: Diagnostic, files: dict[str, bytes]) -> None:
    """A diagnostic an editor can act on: a real path, a line in the file."""
    assert isinstance(d, Diagnostic)
    assert d.code in CODES
    assert d.path in files, (d.path, sorted(files))
    assert isinstance(d.line, int) and isinstance(d.column, int)
    assert d.line >= 1 and d.column >= 1, d.format()
    assert d.line <= _file_lines(files[d.path]), (d.format(), files[d.path][:300])
    assert d.message
    d.format()


def count(name: str) -> None:
    EXAMPLES[name] = EXAMPLES.get(name, 0) + 1

def say(request, text: str) -> None:
    """Print past pytest's output capture: the counts belong in the test log."""
    capman = request.config.pluginmanager.getplugin("capturemanager")
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    if capman is None or tr is None:
        print(text)
        return
    with capman.global_and_fixture_disabled():
        tr.write_line("\n" + text)


@pytest.fixture(scope="module", autouse=True)
def report_examples(request):
    yield
    say(request, "property examples run: " + ", ".join(f"{k}={v}" for k, v in sorted(EXAMPLES.items())))


class _Unsafe(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value is not None:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag} {name}={value!r}")
            if name == "style":
                self.found.append(f"{tag} style=")


def unsafe_markup(html: str) -> list[str]:
    """Script, event handlers, dangerous URLs or embedding tags in a body."""
    parser = _Unsafe()
    parser.feed(html)
    parser.close()
    return parser.found


# (a) One document: parse_document + entity_from_document ------------------------


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=raw_files, kind=st.sampled_from(KINDS))
# found by this test: YAML breaks lines at LS/NEL too, the file does not (line 11 of 5)
@example(raw="---\ntitle: x\nk: 1\u2028\u2028\u2028\u2028\u2028\u2028\nj: [\n---\n".encode(), kind="person")
@example(raw=b"---\nx: \xc2\x85\xc2\x85\xc2\x85y: {\n---\n", kind=None)
# found by this test: an explicit tag on a value it cannot read raised AttributeError
@example(raw=b"---\nabout: !!timestamp 'title: 2000-01-01'\nb: !!bool maybe\n---\n", kind="article")
def test_parse_and_validate_any_document(raw, kind):
    count("parse_document")
    path = "content/people/x.md"
    doc = parse_document(path, raw)
    entity, found = entity_from_document(doc, kind, "x")
    for d in found:
        check_diagnostic(d, {path: raw})
    if entity is None:
        assert any(d.is_error for d in found), "a file that yields no page must say why"
    else:
        assert isinstance(entity.title, str) and entity.title
        assert entity.body == doc.body


@settings(max_examples=200)
@given(body=bodies)
def test_render_any_body(body):
    count("render_markdown")
    r = render_markdown(body)
    lines = body.count("\n") + 1
    for ref in r.refs:
        assert ref.kind in ("link", "cite")
        assert 0 <= ref.line <= lines
    # nothing executable survives the sanitizer, whatever the body
    assert unsafe_markup(r.html) == []
    assert render_markdown(body).html == r.html  # pure


# (b) The whole read-and-resolve over a small site -------------------------------

BASE = {
    "people/alpha.md": "---\ntitle: Alpha\naliases: [Al]\nborn: 1900\nsources: [src-one]\n---\n## Early life\n\nAlpha met [[Beta]] [@src-one, p. 3].\n",
    "groups/beta.md": "---\ntitle: Beta\nleaders: [alpha]\nfounded: 1923\n---\nLed by [[Alpha]].\n",
    "sources/src-one.md": "---\ntitle: Source One\nkind: primary\n---\n",
    "events/meeting.md": "---\ntitle: The Meeting\ndate: 1932-10\nparticipants: [alpha]\n---\n",
}
NAMES = st.sampled_from(["people/gen.md", "groups/gen.md", "events/gen.md", "sources/gen.md", "articles/gen.md", "index.md", "people/alpha.md", "people/Bad Name.md", "misc/gen.md", "people/x.txt"])
generated_sites = st.dictionaries(NAMES, raw_files, min_size=1, max_size=3)

# Files that should build: unique titles, links and citations that resolve,
# but still unicode, HTML, footnotes and Markdown of every shape.
GOOD_TOKENS = [t for t in BODY_TOKENS if "[[" not in t and "]]" not in t and "[@" not in t and t not in ("[", "]", "@", "\ue000", "\ue001", "\ue002", "\ue003", "\ue010")]
GOOD_TOKENS += ["[[Alpha]]", "[[alpha|A]]", "[[people/alpha]]", "[[Alpha#Early life]]", "[[Al]]", "[[Beta]]", "[@src-one]", "[@src-one, p. 12]", "[@src-one; @src-one, p. 3]"]
words = st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), max_size=12)
good_bodies = st.lists(st.one_of(st.sampled_from(GOOD_TOKENS), words), max_size=40).map("".join)
good_titles = st.builds(lambda w: "Gen " + w, st.text(alphabet=st.characters(categories=["L", "N", "P", "S"], exclude_characters="[]"), min_size=1, max_size=20))


@st.composite
def good_sites(draw):
    files = {}
    title = draw(good_titles)
    kind = draw(st.sampled_from(["people", "groups", "articles"]))
    fm = {"title": title, "summary": draw(words), "aliases": [title + " alias"]}
    files[f"{kind}/gen.md"] = document(yaml.safe_dump(fm, allow_unicode=True), draw(good_bodies))
    if draw(st.booleans()):
        files["index.md"] = document(yaml.safe_dump({"title": draw(good_titles) + " home"}, allow_unicode=True), draw(good_bodies))
    return files


def write(content: Path, files: dict[str, bytes | str]) -> dict[str, bytes]:
    """Write files under content/; return {path as diagnostics show it: bytes}."""
    shown = {}
    for rel, data in files.items():
        p = content / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        raw = data.encode() if isinstance(data, str) else data
        p.write_bytes(raw)
        shown[f"content/{rel}"] = raw
    return shown


def fresh_content(root: Path, extra: dict[str, bytes]) -> dict[str, bytes]:
    content = root / "content"
    shutil.rmtree(content, ignore_errors=True)
    content.mkdir(parents=True)
    files = write(content, BASE)
    files.update(write(content, extra))
    files["content"] = b""  # the content folder itself may be named
    return files


@settings(max_examples=120)
@given(extra=generated_sites)
def test_read_and_resolve_any_site(extra):
    count("read_and_resolve")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = fresh_content(root, extra)
        diags = Diagnostics()
        resolved = read_and_resolve(Project.at(root, jobs=1, use_cache=False), diags)
        for d in diags.sorted():
            check_diagnostic(d, files)
        if not diags.fails():
            # a clean result really is a site: every page resolved
            assert set(resolved.entities) >= {"people/alpha", "groups/beta"}


# (c) The whole build: a site, or diagnostics and the output untouched -----------


@pytest.fixture(scope="module")
def build_project():
    """One project whose output holds a good site before every example."""
    tmp = Path(tempfile.mkdtemp(prefix="dossier-prop-"))
    fresh_content(tmp, {})
    project = Project.at(tmp, jobs=1)
    project.search = False  # Pagefind's own run is covered by test_kill
    build(project, clean=True)
    yield project
    shutil.rmtree(tmp, ignore_errors=True)


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(output.name + "."))


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(good=good_sites(), bad=generated_sites, only_good=st.booleans(), clean=st.booleans())
def test_build_any_site(build_project, good, bad, only_good, clean):
    count("build")
    project = build_project
    extra = good if only_good else {**good, **bad}
    before = tree_digest(project.output)
    files = fresh_content(project.root, extra)
    try:
        report = build(project, clean=clean)
    except BuildFailed as failed:
        count("build:failed")
        assert failed.diagnostics.fails()
        for d in failed.diagnostics.sorted():
            check_diagnostic(d, files)
        assert tree_digest(project.output) == before, "a failed build changed the output"
    else:
        if report.up_to_date:  # the same content as the last good build
            count("build:up-to-date")
            assert tree_digest(project.output) == before
            return
        count("build:site")
        for d in report.diagnostics.sorted():
            check_diagnostic(d, files)
        out = project.output
        assert (out / MARKER).is_file() and (out / "index.html").is_file()
        for key, page in report.resolved.entities.items():
            html = (out / page.entity.url / "index.html").read_text(encoding="utf-8")
            # escaped exactly as the templates' autoescape does (quotes too)
            assert str(markup_escape(page.entity.title)) in html, key
            assert audit_html(html) == [], key
    assert leftovers(project.output) == []
    fresh_content(project.root, {})
