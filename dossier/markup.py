"""Markdown → sanitized HTML with placeholders for links and citations.

``render_markdown(body)`` is a pure function of the body text, so its result
can be cached by file hash and computed in worker processes. Cross-links
``[[…]]`` and citations ``[@…]`` become opaque placeholders (private-use
characters that survive the sanitizer and never occur in content); they are
resolved later, once every file has been read (``resolve.py``), and
substituted into the HTML by :func:`substitute`.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .deadline import Expired, time_limit
from .text import slugify

__all__ = ["Ref", "Rendered", "render_markdown", "substitute", "PLACEHOLDER_RE", "RESERVED_IDS", "split_sentences", "strip_placeholders"]

# Placeholder: \ue000 <kind> <index as private-use digits> \ue001
_OPEN, _CLOSE = "\ue000", "\ue001"
_KIND_CHAR = {"link": "\ue002", "cite": "\ue003"}
_CHAR_KIND = {v: k for k, v in _KIND_CHAR.items()}
_DIGITS = "".join(chr(0xE010 + i) for i in range(10))
PLACEHOLDER_RE = re.compile(f"{_OPEN}([\ue002\ue003])([{_DIGITS}]+){_CLOSE}")
_PRIVATE_RE = re.compile("[\ue000-\ue0ff]")

#: Ids the page template uses; a body heading never takes one of them.
RESERVED_IDS = frozenset(
    "main content top references notes infobox relations what-links-here debates positions cited-by "
    "timeline neighbourhood members search footnotes contents "
    "infobox-title entry-title sources-title site-search-q read browse formats".split()
)
#: ... nor one of the numbered ids of notes, debates and relation sections.
_RESERVED_ID_RE = re.compile(r"^(?:ref-\d+|cite-\d+-\d+|debate-\d+|rel-.+|letter-.+)$")

WIKILINK_RE = r"\[\[([^\[\]\n]+?)\]\]"
# Any [@word...] is a citation, so that a mistyped key ([@Broue-1980]) is an
# error rather than silently left as text.
CITATION_RE = r"\[((?:-?@\w[^\[\]\n;]*)(?:;\s*-?@\w[^\[\]\n;]*)*)\]"


def _placeholder(kind: str, index: int) -> str:
    return _OPEN + _KIND_CHAR[kind] + "".join(_DIGITS[int(c)] for c in str(index)) + _CLOSE


@dataclass(frozen=True)
class Ref:
    kind: str  # "link" | "cite"
    raw: str  # the whole token as written: "[[Leon Trotsky|Trotsky]]"
    inner: str  # between the brackets
    line: int  # line within the body (1-based), 0 if unknown
    column: int
    #: written inside an attribute (a link's address, an image's source or
    #: alt text, a title): no link there, only its text (see render_markdown)
    in_attribute: bool = False


@dataclass
class Rendered:
    """A rendered body: its HTML with placeholders, the references they stand
    for, its headings and its sentences. The HTML and the sentences may be
    left on disk, read each time they are asked for (:meth:`kept`,
    :meth:`later`): a build needs every page's references, but only the text
    of the pages it renders or quotes, and only one page's at a time."""

    text: tuple[str, list[str]] | None  # (html, its sentences: split_sentences(html)); None: left on disk
    refs: list[Ref]
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (level, id, text)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (body line, message): not rendered
    timed_out: bool = False  # stopped by MARKDOWN_SECONDS: not kept in the cache
    #: the digest of the sentences that link or cite (what other pages may quote)
    quoted: str = ""
    #: what gives the text, each time it is read, when it is not held (never kept in the cache)
    fetch: Callable[[], tuple[str, list[str]]] | None = field(default=None, repr=False, compare=False)

    @property
    def html(self) -> str:
        return self._text()[0]

    @property
    def sentences(self) -> list[str]:
        return self._text()[1]

    def _text(self) -> tuple[str, list[str]]:
        if self.text is not None:
            return self.text
        # read again each time, never kept: a build holds no more text at
        # once than the page it is writing shows (see ``pipeline``)
        return self.fetch()

    def kept(self) -> Rendered:
        """This without its text, as the cache keeps it beside the text."""
        return replace(self, text=None, fetch=None)

    def later(self, fetch: Callable[[], tuple[str, list[str]]]) -> Rendered:
        """A copy of this (a :meth:`kept` one, which the cache may still hold
        for its next save), with what gives its text when read."""
        return replace(self, text=None, fetch=fetch)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["fetch"] = None  # what gives the text belongs to one build
        return state


# The "|" of [[target|label]] (or "\|", as it may be written in a table)
# hidden from the table extension, which would split the cell at it.
_PIPE, _ESCAPED_PIPE = "\ue004", "\ue005"


def _hide_pipes(m: re.Match) -> str:
    return m.group(0).replace("\\|", _ESCAPED_PIPE).replace("|", _PIPE)


def _as_written(text: str) -> str:
    return text.replace(_ESCAPED_PIPE, "\\|").replace(_PIPE, "|")


class _ProtectPipes(Preprocessor):
    def run(self, lines):
        return [re.sub(WIKILINK_RE, _hide_pipes, line) if "[[" in line else line for line in lines]


class _RefProcessor(InlineProcessor):
    def __init__(self, pattern: str, kind: str, refs: list[tuple[str, str, str]]):
        super().__init__(pattern)
        self.kind = kind
        self.refs = refs

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        inner = m.group(1).replace(_ESCAPED_PIPE, "|").replace(_PIPE, "|")
        self.refs.append((self.kind, _as_written(m.group(0)), inner))
        return AtomicString(_placeholder(self.kind, len(self.refs) - 1)), m.start(0), m.end(0)


def written_text(kind: str, inner: str) -> str:
    """A link as its text reads before resolution: the label, or the name
    written (a citation reads as nothing)."""
    if kind != "link":
        return ""
    target, _, label = inner.partition("|")
    target = target.partition("#")[0].strip()
    folder, slash, rest = target.partition("/")
    if not label.strip() and slash and folder in ("people", "groups", "events", "sources", "articles"):
        return rest.replace("-", " ")
    return label.strip() or target


class _Headings(Treeprocessor):
    """Demote headings one level (the page title is the only h1) and give
    each a stable, unique id that avoids the template's own ids."""

    def __init__(self, md, headings: list, refs: list):
        super().__init__(md)
        self.headings = headings
        self.refs = refs

    def _written(self, m: re.Match) -> str:
        kind, _raw, inner = self.refs[_index(m)]
        return written_text(kind, inner)

    def run(self, root):
        used = set(RESERVED_IDS)
        tried: dict[str, int] = {}  # id base -> last suffix tried
        for el in root.iter():
            if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                level = min(int(el.tag[1]) + 1, 6)
                el.tag = f"h{level}"
                text = "".join(el.itertext())
                text = PLACEHOLDER_RE.sub(self._written, text)
                text = re.sub(r"\s+", " ", _PRIVATE_RE.sub("", text)).strip()
                # Python-Markdown stashes inline HTML: drop stash markers
                text = re.sub("\x02wzxhzdk:\\d+\x03", "", text)
                base = slugify(text) or "section"
                if _RESERVED_ID_RE.match(base):
                    base = f"section-{base}"
                # resume where the last heading with this base stopped:
                # 10,000 equal headings cost 10,000 tries, not 50 million
                n = tried.get(base, 1)
                ident = base if n == 1 else f"{base}-{n}"
                while ident in used:
                    n += 1
                    ident = f"{base}-{n}"
                tried[base] = n
                used.add(ident)
                el.set("id", ident)
                self.headings.append((level, ident, text))


class DossierExtension(Extension):
    def __init__(self, **kwargs):
        self.refs: list[tuple[str, str, str]] = []
        self.headings: list[tuple[int, str, str]] = []
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802
        # after fenced code (25) and raw HTML blocks (20) are stashed, before tables
        md.preprocessors.register(_ProtectPipes(md), "dossier_pipes", 15)
        md.inlinePatterns.register(_RefProcessor(WIKILINK_RE, "link", self.refs), "dossier_wikilink", 177)
        md.inlinePatterns.register(_RefProcessor(CITATION_RE, "cite", self.refs), "dossier_citation", 176)
        md.treeprocessors.register(_Headings(md, self.headings, self.refs), "dossier_headings", 4)
        # Smarty's inline pass (6) looks up the position of every element
        # that has a tail, and "prettify" (10) gives every block a "\n" tail:
        # quadratic in the number of paragraphs (20,000 took 10 s). Prettify
        # after smarty: the same HTML, in linear time.
        prettify = md.treeprocessors["prettify"]
        md.treeprocessors.deregister("prettify")
        md.treeprocessors.register(prettify, "prettify", 5)

    def reset(self):
        self.refs.clear()
        self.headings.clear()


# Sanitizer allowlist: what Markdown produces, plus the harmless raw HTML an
# editor may want (sup/sub, small, mark, figure). Everything else is dropped.
_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "del", "ins",
    "mark", "small", "sub", "sup", "code", "pre", "kbd", "samp", "var", "blockquote", "q", "cite",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "abbr", "table", "thead", "tbody", "tfoot", "tr",
    "th", "td", "caption", "div", "span", "figure", "figcaption",
}
_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href", "class"},
    "img": {"src", "alt", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start", "type"},
    "div": {"class"},
    "li": {"class"},
    "sup": {"class"},
    "span": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "blockquote": {"cite"},
    "q": {"cite"},
}


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    # raw HTML may not take an id the page template uses (<div id="main">)
    if attribute == "id" and (value in RESERVED_IDS or _RESERVED_ID_RE.match(value)):
        return None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


_md_cache: dict[str, tuple[markdown.Markdown, DossierExtension]] = {}


def _markdown() -> tuple[markdown.Markdown, DossierExtension]:
    if "md" not in _md_cache:
        ext = DossierExtension()
        md = markdown.Markdown(
            extensions=["extra", "sane_lists", "smarty", ext],
            extension_configs={"smarty": {"smart_angled_quotes": False}},
            output_format="html",
        )
        _md_cache["md"] = (md, ext)
    md, ext = _md_cache["md"]
    md.reset()
    ext.reset()
    return md, ext


# Bounded work ---------------------------------------------------------------
#
# Python-Markdown is quadratic in places: every "[", "](", "<" or backtick
# run that opens nothing (or closes far away) makes a pattern rescan the rest
# of its paragraph, and every inline match rebuilds the paragraph's text. A
# 10 KB paragraph of "[a" took 10 s, 40 KB of "``a`" 23 s. The work is
# estimated first, in linear time, and a body above the budget is refused
# with a diagnostic instead of rendered for minutes.

#: estimated steps per body: characters rescanned, text copied / 64, and
#: inline elements per paragraph squared (a step is 150-550 ns: the worst
#: body allowed renders in 10-25 s; a 10 MB body of ordinary prose needs
#: a fifth of it)
MAX_MARKDOWN_WORK = 50_000_000

_BLOCK_SPLIT_RE = re.compile(r"\n[ \t]*\n")
_BRACKET_RE = re.compile(r"[\[\]]")
_TICKS_RE = re.compile(r"`+")
_MATCHES = "[`<*_&'\""


def markdown_work(body: str) -> tuple[int, int, int]:
    """(estimated work, first line of the costliest paragraph, paragraphs).
    Stops counting once the work is over the budget."""
    import bisect

    # Python-Markdown's block parser pops and inserts at the front of its
    # list of blocks: 100,000 paragraphs took 35 s
    paragraphs = len(_BLOCK_SPLIT_RE.findall(body)) + 1
    total = paragraphs * paragraphs // 100
    worst = (0, 0)  # (work, characters) of the costliest paragraph
    worst_line = line = 1
    pos = 0
    while pos <= len(body) and total <= MAX_MARKDOWN_WORK:
        m = _BLOCK_SPLIT_RE.search(body, pos)
        end = m.start() if m else len(body)
        block = body[pos:end]
        n = len(block)
        work = n * sum(block.count(c) for c in _MATCHES) // 64
        # inline elements of one paragraph: each one's tail looks up its place
        elements = (block.count("`") + block.count("*") + block.count("_")) // 2 + block.count("<") + block.count("[")
        work += elements * elements
        stack: list[int] = []
        for b in _BRACKET_RE.finditer(block):
            if b.group() == "[":
                stack.append(b.start())
            elif stack:
                work += b.start() - stack.pop()
        work += sum(n - p for p in stack)  # never closed: rescanned to the end
        for opener, closer in (("](", ")"), ("<", ">")):
            closes = [c.start() for c in re.finditer(re.escape(closer), block)]
            i = block.find(opener)
            while i != -1:
                k = bisect.bisect_right(closes, i)
                work += (closes[k] if k < len(closes) else n) - i
                i = block.find(opener, i + 1)
        following: dict[int, int] = {}  # backtick run length -> where the next one starts
        for t in reversed(list(_TICKS_RE.finditer(block))):
            size = t.end() - t.start()
            work += following.get(size, n) - t.start()
            following[size] = t.start()
        total += work
        if (work, n) > worst:
            worst, worst_line = (work, n), line
        if m is None:
            break
        line += body.count("\n", pos, m.end())
        pos = m.end()
    return total, worst_line, paragraphs


_FENCED_RE = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
_CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)


def _mask_code(body: str) -> str:
    """The body with fenced code and code spans blanked (same lines and
    columns): a literal ``[[x]]`` there is no link and has no position."""

    def blank(m: re.Match) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    return _CODE_SPAN_RE.sub(blank, _FENCED_RE.sub(blank, body))


def _positions(body: str, pattern: str) -> dict[str, list[tuple[int, int]]]:
    """Where each raw token occurs in the body (line, column), the last first."""
    out: dict[str, list[tuple[int, int]]] = {}
    rx = re.compile(pattern)
    for lineno, line in enumerate(_mask_code(body).split("\n"), 1):
        for m in rx.finditer(line):
            out.setdefault(m.group(0), []).append((lineno, m.start() + 1))
    for where in out.values():
        where.reverse()  # the first occurrence last: render_markdown pops it
    return out


#: CPU seconds one body may take to render, plus so many per megabyte: the
#: bound for every input (the estimate above only refuses the foreseeable
#: ones at once). The site's largest body renders in a fraction of a second,
#: ordinary prose in 1 to 2.5 s per MB, as fast or slow as the machine (a
#: 10 MB body: 9.5 s on the machine of 2026-12-01, 23.2 s on the slower one
#: of 2026-12-03, of its 45): the bound leaves room for a machine slower again.
MARKDOWN_SECONDS = 5.0
MARKDOWN_SECONDS_PER_MB = 4.0
#: elements inside elements: html5ever (the sanitizer's parser, out of reach
#: of the time limit) is quadratic in the depth (100,000 took 53 s)
MAX_NESTING = 1000

_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_HTML_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>")


def _after_tag(m: re.Match, depth: int) -> int:
    """The nesting depth after the tag ``m``: a closing tag leaves an
    element, an opening one (not void, not self-closed) enters one."""
    if m.group(1):
        return max(0, depth - 1)
    if not m.group(3) and m.group(2).lower() not in _VOID:
        return depth + 1
    return depth


def nesting_depth(html: str) -> int:
    """How deep elements nest in ``html`` (unclosed ones count as open)."""
    depth = deepest = 0
    for m in _HTML_TAG_RE.finditer(html):
        depth = _after_tag(m, depth)
        deepest = max(deepest, depth)
    return deepest


def _deepest_line(body: str) -> int:
    """The body line that looks most deeply nested: quote markers and
    indentation at its start, plus the depth of the tags open in it."""
    best, best_line = -1, 1
    depth = 0  # of the HTML tags opened so far
    for n, line in enumerate(body.split("\n"), 1):
        lead = len(line) - len(line.lstrip(" \t>"))
        peak = depth
        if "<" in line:
            for m in _HTML_TAG_RE.finditer(line):
                depth = _after_tag(m, depth)
                peak = max(peak, depth)
        score = lead + line[:lead].count("\t") * 3 + peak
        if score > best:
            best, best_line = score, n
    return best_line


#: bodies that ran out of time in this process, so that the devserver does
#: not spend the time again on each rebuild (never in the on-disk cache: the
#: next build tries again)
_expired: dict[str, Rendered] = {}


def remember_expired(body: str, rendered: Rendered) -> None:
    if len(_expired) >= 16:
        _expired.pop(next(iter(_expired)))
    _expired[body] = rendered


def render_markdown(body: str) -> Rendered:
    """Render a body. Pure: same text, same result (but for a body that
    runs out of time, which a faster machine might have rendered)."""
    body = _PRIVATE_RE.sub("", body)  # nobody may forge a placeholder
    work, line, paragraphs = markdown_work(body)
    if work > MAX_MARKDOWN_WORK:
        why = (
            f"it has {paragraphs:,} paragraphs"
            if paragraphs * paragraphs // 100 > MAX_MARKDOWN_WORK
            else "the paragraph that starts here has unclosed '[', '(', '<' or '`', or thousands of links or marks"
        )
        message = f"the body would take too long to render (at least {work:,} steps of Markdown work; the limit is {MAX_MARKDOWN_WORK:,}): {why}"
        return Rendered(("", []), [], problems=[(line, message)])
    if body in _expired:
        return _expired[body]
    seconds = MARKDOWN_SECONDS + MARKDOWN_SECONDS_PER_MB * len(body) / 1e6
    try:
        with time_limit(seconds):
            return _render(body)
    except Expired:
        _md_cache.clear()  # interrupted anywhere: start again from a fresh parser
        message = f"the body took more than {seconds:.1f} s to render and was stopped (the limit for its size; the paragraph that starts here is the largest or costliest): split it, or the file"
        rendered = Rendered(("", []), [], problems=[(line, message)], timed_out=True)
        remember_expired(body, rendered)
        return rendered
    except RecursionError:
        _md_cache.clear()
        message = "the body nests lists, quotes or other blocks too deeply to render (around this line): flatten the nesting"
        return Rendered(("", []), [], problems=[(_deepest_line(body), message)])
    except _TooDeep as deep:
        message = f"the body nests elements {deep.depth:,} deep (around this line); the limit is {MAX_NESTING:,}: flatten the nesting"
        return Rendered(("", []), [], problems=[(_deepest_line(body), message)])


class _TooDeep(Exception):
    def __init__(self, depth: int):
        self.depth = depth


def _render(body: str) -> Rendered:
    md, ext = _markdown()
    html = _as_written(md.convert(body))  # pipes left in code spans
    depth = nesting_depth(html)
    if depth > MAX_NESTING:
        raise _TooDeep(depth)
    html = sanitize(html)
    html, in_attribute = _attribute_refs(html, ext.refs)
    # "text [@x]." renders as "text[1]." : a note marker hugs its word
    html = re.sub(r"[ \t]+(?=" + _OPEN + _KIND_CHAR["cite"] + ")", "", html)
    pos = {"link": _positions(body, WIKILINK_RE), "cite": _positions(body, CITATION_RE)}
    refs = []
    for kind, raw, inner in ext.refs:
        where = pos[kind].get(raw)
        line, col = where.pop() if where else (0, 0)  # reversed below: pop(0) was quadratic
        refs.append(Ref(kind, raw, inner, line, col, len(refs) in in_attribute))
    sentences = split_sentences(html)
    return Rendered((html, sentences), refs, list(ext.headings), quoted=quoted_digest(sentences))


def quoted_digest(sentences: list[str]) -> str:
    """The digest of the sentences holding a placeholder: all that other
    pages' backlinks and "Cited by" may quote of a body (with its resolved
    references: ``resolve.Mentions``)."""
    quoted = [s for s in sentences if PLACEHOLDER_RE.search(s)]
    return hashlib.sha256("\0".join(quoted).encode("utf-8", "surrogatepass")).hexdigest()


_TAG_SPLIT_RE = re.compile(r"(<[^>]*>)")
# Python-Markdown puts a "\\" before a stashed text it inlines into raw HTML
_ATTRIBUTE_PLACEHOLDER_RE = re.compile(r"\\?" + PLACEHOLDER_RE.pattern)


def _attribute_refs(html: str, refs: list[tuple[str, str, str]]) -> tuple[str, set[int]]:
    """Placeholders inside tags (in attribute values: ``[x]([[a|b]])``,
    ``<a href="[[a]]">``, ``![[[a]]](p.png)``) replaced by the text of their
    link as written, and the HTML sanitized again: the sanitizer sees every
    attribute value as it is published (a label cannot become a
    ``javascript:`` address after it), and only text is left to substitute.
    Returns the HTML and the indexes of the refs found in tags.

    ``html`` is the sanitizer's output, whose attribute values have ``<``
    and ``>`` escaped: a tag is exactly a ``<…>`` run."""
    if _OPEN not in html:
        return html, set()
    found: set[int] = set()

    def repl(m: re.Match) -> str:
        index = int(m.group(2).translate(_DIGIT_TABLE))
        found.add(index)
        kind, _raw, inner = refs[index]
        return htmllib.escape(written_text(kind, inner), quote=True)

    parts = _TAG_SPLIT_RE.split(html)
    for i in range(1, len(parts), 2):  # the tags
        if _OPEN in parts[i]:
            parts[i] = _ATTRIBUTE_PLACEHOLDER_RE.sub(repl, parts[i])
    if not found:
        return html, found
    return sanitize("".join(parts)), found


def substitute(html: str, link_html: Callable[[int], str]) -> str:
    """Replace every placeholder in text by ``link_html(index)``, the HTML
    of ref ``index``. A rendered body has none inside a tag (see
    :func:`_attribute_refs`); were there one, it is dropped, never filled:
    nothing the sanitizer did not see may reach an attribute."""

    def repl(m: re.Match) -> str:
        return link_html(_index(m))

    parts = _TAG_SPLIT_RE.split(html)
    for i, part in enumerate(parts):
        if _OPEN not in part:
            continue
        parts[i] = PLACEHOLDER_RE.sub("" if i % 2 else repl, part)
    return "".join(parts)


_DIGIT_TABLE = str.maketrans({chr(0xE010 + i): str(i) for i in range(10)})


def _index(m: re.Match) -> int:
    return int(m.group(2).translate(_DIGIT_TABLE))


def strip_placeholders(text: str) -> str:
    return PLACEHOLDER_RE.sub("", text)


# Sentences for "What links here" and "Cited by" --------------------------------

_BLOCK_END_RE = re.compile(r"</(?:p|li|h[2-6]|td|th|dd|dt|blockquote|figcaption|div)>|<br\s*/?>", re.I)
_TAGS_RE = re.compile(r"<[^>]+>")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]*[A-ZА-ЯЁ0-9\ue000])")
_FOOTNOTE_REF_RE = re.compile(r'<sup id="fnref[^"]*"><a[^>]*>\d+</a></sup>')


def split_sentences(html: str) -> list[str]:
    """Plain-text sentences of rendered HTML, placeholders kept.

    Footnote definitions at the end are included (a mention in a footnote
    counts); footnote markers are dropped.
    """
    import html as htmllib

    html = _FOOTNOTE_REF_RE.sub("", html)
    html = re.sub(r'<a class="footnote-backref"[^>]*>.*?</a>', "", html)
    blocks = _BLOCK_END_RE.split(html)
    out = []
    for block in blocks:
        text = htmllib.unescape(_TAGS_RE.sub("", block))
        text = re.sub(r"\s+", " ", text).strip()
        if not text:
            continue
        sentences: list[str] = []
        for piece in _SENTENCE_END_RE.split(text):
            piece = piece.strip()
            if sentences and piece and _ABBREVIATION_END_RE.search(sentences[-1]):
                sentences[-1] += " " + piece  # "c. 1932", "J. Arch Getty", "p. 12" end no sentence
            elif piece:
                sentences.append(piece)
        out.extend(sentences)
    return out


#: A piece ending like this was cut at an abbreviation, not a sentence end.
_ABBREVIATION_END_RE = re.compile(
    r"(?:^|[\s(\[.])(?:[^\W\d_]|(?i:ca|cf|pp|vol|vols|no|nos|ch|chap|fig|ed|eds|trans|Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|viz|approx|Gen|Col|Capt|Lt|Prof))\.$"
)


def refs_in(sentence: str) -> list[tuple[str, int]]:
    """(kind, index) of each placeholder in a sentence."""
    return [(_CHAR_KIND[m.group(1)], _index(m)) for m in PLACEHOLDER_RE.finditer(sentence)]


def sentence_parts(sentence: str, label: Callable[[str, int], str | None]) -> list[str]:
    """Split a sentence at placeholders: text, then the label (or dropped)."""
    out: list[str] = []
    last = 0
    for m in PLACEHOLDER_RE.finditer(sentence):
        out.append(sentence[last : m.start()])
        out.append(label(_CHAR_KIND[m.group(1)], _index(m)) or "")
        last = m.end()
    out.append(sentence[last:])
    return out
