"""Reading one content file: bytes → front matter (with positions) + body.

Nothing here knows the schema. A file becomes a :class:`Document` whose
``meta`` holds plain Python values and whose ``marks`` map every key path
(``("memberships", 0, "group")``) to the line and column where its value
starts in the file, so that later stages can point at the exact line.

What the editor wrote is what the reader sees
---------------------------------------------
YAML 1.1's resolver turns unquoted values into other things: ``born: 0476``
becomes the octal number 318, ``-0043`` becomes -35, ``yes``/``no``/``on``/
``off`` booleans, ``1_000`` a thousand, ``1:20`` (sexagesimal) 80, ``.inf``
infinity, ``0x1F`` 31, ``~`` and ``null`` nothing, ``1906-02-24`` a date.  No
value here is ever read that way: a quoted scalar is its text, an unquoted one
is the characters the editor wrote, as a :class:`Plain` string that keeps what
YAML would have made of it in ``.resolved``.  The schema's field types read the
characters (a date field parses "0476" as the year 476; a text field shows
"yes"), and a value that cannot be what the field expects is a diagnostic.  An
unquoted value with nothing after the colon is None (an empty field).

Problems are explained in an editor's terms (a colon inside an unquoted value,
an unclosed quotation mark reported where it opens, a tab in the indentation,
a list item under a text value), control characters and Unicode
non-characters are refused at their line and column (they are invisible and
XML cannot carry them), and YAML aliases may not repeat more than
:data:`MAX_ALIAS_CHARS` characters (an alias "bomb" of a few kilobytes would
otherwise expand into pages, CSV and JSON of a hundred megabytes).
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic

try:  # libyaml's C parser when the wheel has it: several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the installed wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = ["Document", "Plain", "parse_document", "MAX_YAML_NODES", "MAX_YAML_DEPTH", "MAX_ALIAS_CHARS", "FORBIDDEN_CHARACTERS"]

#: Safety limits: a billion-laughs alias bomb or a deeply nested value is
#: refused instead of hanging the build or overflowing the stack.
MAX_YAML_NODES = 50_000
MAX_YAML_DEPTH = 40
MAX_FRONT_MATTER_BYTES = 1_000_000
#: What YAML aliases (``*a``) may add to the front matter, in characters, in
#: all: a 28 KB file repeating a 20,000-character anchor 2,000 times would
#: otherwise become a 40 MB page, CSV row and JSON object.
MAX_ALIAS_CHARS = 10_000

#: Characters no text field may hold: C0 and C1 controls except tab and
#: newline, DEL, lone surrogates and the Unicode non-characters (U+FDD0-U+FDEF
#: and the last two code points of every plane, U+FFFE and U+FFFF among them).
#: They are invisible to a reader and XML 1.0 forbids most of them.
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)

KeyPath = tuple  # of str | int


@dataclass
class Document:
    """One file, read but not yet validated."""

    path: str  # as shown in diagnostics (relative to the project)
    meta: dict[str, Any]  # the front matter as read; emptied once it is an entity's data (model)
    #: key path -> (line, column) of the value; of the key. Read them by
    #: :meth:`mark`: a document from the cache holds both as one blob
    marks: dict[KeyPath, tuple[int, int]]
    key_marks: dict[KeyPath, tuple[int, int]]
    body: str
    body_line: int  # file line number of the body's first line
    digest: str  # sha256 of the raw bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: sha256 of the front matter as read, its fences included: all that
    #: ``meta`` and the marks come from ("" when there is none)
    front: str = ""

    def __getstate__(self) -> dict[str, Any]:
        # Kept in the content cache with the marks as one blob, unpacked by
        # the first mark() asked for: a build reads thousands of documents
        # and asks for the marks of a few (47 MB of dicts at 5,000 pages).
        state = dict(self.__dict__)
        if not isinstance(self.marks, bytes):
            state["marks"] = pickle.dumps((self.marks, self.key_marks), protocol=pickle.HIGHEST_PROTOCOL)
            state["key_marks"] = None
        return state

    def pack(self) -> None:
        """Hold the marks as the content cache keeps them, one blob unpacked
        by the first :meth:`mark` asked for: once a document is validated, a
        build asks for the marks of a few."""
        if not isinstance(self.marks, bytes):
            self.marks, self.key_marks = pickle.dumps((self.marks, self.key_marks), protocol=pickle.HIGHEST_PROTOCOL), None

    def mark(self, keypath: KeyPath, key: bool = False) -> tuple[int, int]:
        """Where a value (or its key) starts; falls back to its nearest parent.
        Packed marks are read from their blob and not kept: a diagnostic asks
        for a place or two, and a document keeps its few bytes."""
        marks, key_marks = pickle.loads(self.marks) if isinstance(self.marks, bytes) else (self.marks, self.key_marks)
        table = key_marks if key else marks
        kp = tuple(keypath)
        while kp:
            if kp in table:
                return table[kp]
            if not key and kp in key_marks:
                return key_marks[kp]
            kp = kp[:-1]
        return (1, 1)


class Plain(str):
    """An unquoted YAML value that YAML 1.1 would not read as text.

    The string is the characters the editor wrote (``"0476"``, ``"yes"``,
    ``"~"``, ``"1906-02-24"``); ``resolved`` is what YAML's resolver made of
    them (318, True, None, a ``datetime.date``), for a field type that wants a
    number or a yes/no value.
    """

    def __new__(cls, text: str, resolved: Any = None) -> Plain:
        self = super().__new__(cls, text)
        self.resolved = resolved
        return self

    def __reduce__(self):
        return (Plain, (str(self), self.resolved))


_FENCE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


class _Constructor(yaml.constructor.SafeConstructor):
    pass


_scalar_constructor = _Constructor()


def _err(path: str, line: int, col: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, col, code, message, hint)


def parse_document(path: str, raw: bytes) -> Document:
    """Parse ``raw`` (the file's bytes). Problems land in ``doc.diagnostics``."""
    digest = hashlib.sha256(raw).hexdigest()
    doc = Document(path, {}, {}, {}, "", 1, digest)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        # the column in characters, as an editor counts them ("café" is 4)
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", errors="replace")) + 1
        doc.diagnostics.append(
            _err(path, line, col, "encoding", f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})", "save it as UTF-8")
        )
        return doc
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        doc.diagnostics.append(
            _err(path, 1, 1, "front-matter", "expected front matter starting with a '---' line", "the file must begin with ---, the YAML fields, then ---")
        )
        return doc
    end = None
    for i in range(1, len(lines)):
        if _FENCE_RE.match(lines[i]):
            end = i
            break
    if end is None:
        doc.diagnostics.append(_err(path, 1, 1, "front-matter", "the front matter opened on line 1 is never closed by a '---' line"))
        return doc
    yaml_text = "\n".join(lines[1:end])
    doc.front = hashlib.sha256("\n".join(lines[: end + 1]).encode()).hexdigest()
    doc.body = "\n".join(lines[end + 1 :])
    doc.body_line = end + 2
    bad = FORBIDDEN_CHARACTERS.search(doc.body)
    if bad:  # the body reaches pages, previews, the search index and other pages' quotations
        before = doc.body[: bad.start()]
        line, col = doc.body_line + before.count("\n"), bad.start() - (before.rfind("\n") + 1) + 1
        found = _control_character(path, line, col, bad.group())
        doc.diagnostics.append(_err(path, line, col, found.code, found.message.replace("part of a field's text", "part of the body"), found.hint))
    if len(yaml_text) > MAX_FRONT_MATTER_BYTES:
        doc.diagnostics.append(_err(path, 2, 1, "too-large", f"the front matter is {len(yaml_text)} characters long; the limit is {MAX_FRONT_MATTER_BYTES}"))
        return doc
    depth = _flow_depth(yaml_text)
    if depth > MAX_YAML_DEPTH:
        doc.diagnostics.append(_err(path, 2, 1, "yaml-too-complex", f"the front matter is nested {depth} levels deep; the limit is {MAX_YAML_DEPTH}"))
        return doc
    bad = FORBIDDEN_CHARACTERS.search(yaml_text)
    if bad:  # YAML's reader refuses most of them, with a position in characters
        line, col = _place(yaml_text)(_Mark(bad.start(), yaml_text))
        doc.diagnostics.append(_control_character(path, line, col, bad.group()))
        return doc
    loader = _AliasLoader if "*" in yaml_text else _Loader
    try:
        node = yaml.compose(yaml_text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        try:
            doc.diagnostics.append(_explain(path, yaml_text, exc))
        except Exception:  # a heuristic must never turn a YAML error into a traceback
            doc.diagnostics.append(_generic_yaml_error(path, yaml_text, exc))
        return doc
    except yaml.YAMLError as exc:  # e.g. a stream that is several documents
        doc.diagnostics.append(_err(path, 2, 1, "yaml", f"malformed YAML: {exc}"))
        return doc
    except RecursionError:
        doc.diagnostics.append(_err(path, 2, 1, "yaml-too-complex", "the front matter is nested too deeply"))
        return doc
    if node is None:
        doc.diagnostics.append(_err(path, 1, 1, "required", "the front matter is empty; 'title' is required"))
        return doc
    if not isinstance(node, yaml.MappingNode):
        doc.diagnostics.append(_err(path, *_place(yaml_text)(node.start_mark), "not-a-mapping", "the front matter must be a mapping of field names to values"))
        return doc
    walker = _Walker(doc, _place(yaml_text), yaml_text)
    try:
        doc.meta = walker.mapping(node, ())
    except _TooComplex as exc:
        doc.meta = {}
        doc.diagnostics.append(_err(path, *exc.where, "yaml-too-complex", exc.message))
    return doc


class _Mark:
    """A position in the YAML text, shaped like a PyYAML mark."""

    def __init__(self, index: int, text: str):
        self.index = index
        self.line = text.count("\n", 0, index)
        self.column = index - (text.rfind("\n", 0, index) + 1)


def _control_character(path: str, line: int, col: int, char: str) -> Diagnostic:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        what = f"a lone surrogate (U+{code:04X})"
    elif code <= 0x9F:
        what = f"the control character U+{code:04X}" + (f" ({_CONTROL_NAMES[code]})" if code in _CONTROL_NAMES else "")
    else:
        what = f"the Unicode non-character U+{code:04X}"
    return _err(path, line, col, "control-character", f"{what} cannot be part of a field's text", "delete it: it is invisible on the page and XML files cannot hold it; a tab or a line break is fine")


_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "backspace", 0x0B: "vertical tab", 0x0C: "form feed", 0x0D: "carriage return", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL"}


# --------------------------------------------------------------------------
# YAML errors in an editor's terms


def _explain(path: str, yaml_text: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    """One diagnostic for a YAML syntax error: where, what, and the fix."""
    place = _place(yaml_text)
    lines = yaml_text.split("\n")
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    line_no = mark.line if mark else 0
    text = lines[line_no] if line_no < len(lines) else ""
    at = place(mark) if mark else (2, 1)

    if "invalid Unicode character escape" in problem or "expected escape sequence of" in problem:
        escape = max(text.rfind("\\u", 0, mark.column + 1), text.rfind("\\U", 0, mark.column + 1))
        code = int(text[escape + 2 : escape + (6 if text[escape + 1] == "u" else 10)] or "0", 16) if escape >= 0 else 0xD800
        return _control_character(path, at[0], (escape if escape >= 0 else mark.column) + 1, chr(min(code, 0x10FFFF)) if not 0xD800 <= code <= 0xDFFF else "\ud800")
    if "tab" in problem or "'\\t'" in problem or (mark and yaml_text[mark.index : mark.index + 1] == "\t"):
        col = len(text) - len(text.lstrip(" \t")) if text[:1] in " \t" else mark.column
        tab = text.find("\t")
        return _err(path, at[0], (tab if tab >= 0 else col) + 1, "yaml", "a tab is used for indentation; YAML indents with spaces only", "replace the tab at the start of the line with spaces")
    if "end of stream" in problem and exc.context and "quoted scalar" in exc.context and exc.context_mark:
        quote = yaml_text[exc.context_mark.index]
        return _err(path, *place(exc.context_mark), "yaml", f"the quotation mark {quote} opened here is never closed", f"end the value with {quote}")
    if exc.context and exc.context_mark and ("flow sequence" in exc.context or "flow mapping" in exc.context) and "expected" in problem:
        opening = yaml_text[exc.context_mark.index]
        closing = {"[": "]", "{": "}"}.get(opening)
        if closing:
            what = "list" if opening == "[" else "mapping"
            return _err(path, *place(exc.context_mark), "yaml", f"the {what} opened with '{opening}' here is not closed with '{closing}'", f"add '{closing}' at the end of the {what}, and quote any item that contains a comma or a colon")
    if "mapping values are not allowed" in problem:
        key = _KEY_RE.match(text)
        if key and mark.column > key.end():
            value = text[key.end():]
            fix = _quoted_example(key.group(0).strip(), value, value.find(": ") + 2)
            return _err(path, at[0], key.end() + 1, "yaml", f"a value that contains ': ' must be quoted: {fix}")
        above = _field_above(lines, line_no)
        if above is not None:
            name, number = above
            return _err(path, at[0], len(text) - len(text.lstrip()) + 1, "yaml", f"this line is indented under '{name}' (line {number + 2}), which already has a value", f"remove the indentation; to give '{name}' a list or fields of its own, put nothing after '{name}:'")
    if "expected" in problem or "block end" in problem:
        opened = _unclosed_quote(lines, line_no, mark.column)
        if opened is not None:
            kind, q_line, q_col, fix = opened
            if kind == "early":
                q_line = line_no
                return _err(path, q_line + 2, q_col + 1, "yaml", f"the quoted value ends at the second {fix[0]}, and text follows it", fix[1])
            return _err(path, q_line + 2, q_col + 1, "yaml", f"the quotation mark {fix} opened here is not closed on its line", f"end the value with {fix} on line {q_line + 2}")
        if text.lstrip().startswith("- ") or text.strip() == "-":
            above = _field_above(lines, line_no)
            if above is not None:
                name, number = above
                return _err(path, at[0], len(text) - len(text.lstrip()) + 1, "yaml", f"a list item under '{name}' (line {number + 2}), which already has a value", f"for a list, put nothing after '{name}:' and indent each '- ' item under it; for text, keep it on the line of '{name}:'")
    return _generic_yaml_error(path, yaml_text, exc)


def _generic_yaml_error(path: str, yaml_text: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    at = _place(yaml_text)(mark) if mark else (2, 1)
    problem = exc.problem or "invalid YAML"
    detail = f"{problem} ({exc.context})" if exc.context else problem
    return _err(path, *at, "yaml", f"malformed YAML: {detail}")


#: "title: ", "  - role: ", "- ": the key (and list dash) that starts a line.
_KEY_RE = re.compile(r"^[ \t]*(?:-[ \t]+)*[^\s:#'\"\[\]{},&*!|>%@`-][^:#]*?:[ \t]+")


def _quoted_example(key: str, value: str, cut: int) -> str:
    """'title: "Trotsky in Exile: …"': the start of the value, quoted."""
    shown = value[:cut].rstrip() + " …" if len(value) > cut else value
    if '"' in value and "'" not in value:
        return f"{key} '{shown}'"
    shown = shown.replace("\\", "\\\\").replace('"', '\\"')
    return f'{key} "{shown}"'


def _field_above(lines: list[str], line_no: int) -> tuple[str, int] | None:
    """The field on the nearest line above that has a value on its own line."""
    indent = len(lines[line_no]) - len(lines[line_no].lstrip())
    for number in range(line_no - 1, -1, -1):
        text = lines[number]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        match = _KEY_RE.match(text)
        if match and text[match.end():].strip() and not text[match.end():].lstrip().startswith("#"):
            if len(text) - len(text.lstrip()) <= indent:
                return match.group(0).strip().rstrip(":").lstrip("- ").strip(), number
        return None
    return None


def _unclosed_quote(lines: list[str], line_no: int, column: int):
    """An opening quote that explains a 'did not find expected key' error.

    ("early", line, col, (quote, hint)) when a quoted value closes before the
    end of its own line (a quotation mark or apostrophe inside it), or
    ("open", line, col, quote) when a line above opens a quote it never closes.
    """
    for number in range(min(line_no, len(lines) - 1), max(-1, line_no - 50), -1):
        text = lines[number]
        match = _KEY_RE.match(text)
        start = match.end() if match else len(text) - len(text.lstrip())
        quoted = start < len(text) and text[start] in "\"'"
        close = _closing(text, start) if quoted else None
        if number == line_no:
            if quoted and close is not None and close < column:
                return _early_close(text, match, start)
            continue
        if quoted and close is None:
            return ("open", number, start, text[start])
        if match or text.strip():
            return None
    return None


def _early_close(text: str, match, start: int):
    quote = text[start]
    value = text[start + 1 :].rstrip()
    if value.endswith(quote):
        value = value[:-1]
    key = match.group(0).strip() if match else ""
    if quote == "'":
        fixed = f'{key} "{value}"' if '"' not in value else f"{key} '" + value.replace("'", "''") + "'"
        return ("early", 0, start, ("'", f"an apostrophe inside single quotes is written twice (''), or quote the value with \" instead: {fixed}"))
    fixed = f"{key} '{value}'" if "'" not in value else f'{key} "' + value.replace('"', '\\"') + '"'
    return ("early", 0, start, ('"', f"a quotation mark inside double quotes is written \\\", or quote the value with ' instead: {fixed}"))


def _closing(text: str, start: int) -> int | None:
    """Index of the quote that closes the one at ``start`` on this line."""
    quote, i = text[start], start + 1
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return None


def _flow_depth(text: str) -> int:
    """Deepest nesting of flow collections or indentation, measured cheaply."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    indent = 0
    # Block nesting: indentation plus compact indicators ("- - x", "? - x",
    # ": - x"), on every line YAML sees (it also breaks at NEL, LS and PS).
    # A line of bare "- - -" counts too: libyaml's composer recurses once per
    # level and overflows the C stack (a segfault) near 100,000 levels.
    for line in _YAML_LINES_RE.split(text):
        indent = max(indent, _BLOCK_PREFIX_RE.match(line).end() // 2)
    return max(deepest, indent)


_YAML_LINES_RE = re.compile("[\n\x85\u2028\u2029]")
_BLOCK_PREFIX_RE = re.compile(r"(?:[ \t]|[-?:](?=[ \t]|$))*")


def _place(yaml_text: str):
    """mark -> (file line, column). YAML also breaks lines at NEL, LS and PS,
    which the file's lines do not: there, count from the mark's offset."""
    if not _ODD_BREAK_RE.search(yaml_text):
        return lambda mark: (mark.line + 2, mark.column + 1)
    import bisect

    starts = [0] + [m.end() for m in re.finditer("\n", yaml_text)]

    def place(mark) -> tuple[int, int]:
        i = bisect.bisect_right(starts, mark.index) - 1
        return i + 2, mark.index - starts[i] + 1

    return place


_ODD_BREAK_RE = re.compile("[\x85\u2028\u2029]")


class _TooComplex(Exception):
    def __init__(self, message: str, where: tuple[int, int] = (2, 1)):
        super().__init__(message)
        self.message = message
        self.where = where


class _AliasNode:
    """An alias (``*a``) as it occurs: the node it names and where it is."""

    def __init__(self, node: yaml.Node, mark):
        self.node = node
        self.start_mark = mark


class _AliasLoader(yaml.SafeLoader):
    """The pure-Python loader, keeping each alias's own position.

    Used only when the front matter contains a '*': libyaml's composer
    replaces an alias by the anchored node, so the place of the alias (where
    a diagnostic should point) would be lost.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            return _AliasNode(super().compose_node(parent, index), mark)
        return super().compose_node(parent, index)


_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"


class _Walker:
    """Turns a composed node graph into plain values, recording marks.

    Scalars become the characters the editor wrote (see :class:`Plain`).
    Aliases are followed, but every visited node is counted and the
    characters aliases repeat are added up: an alias bomb exceeds
    :data:`MAX_YAML_NODES` or :data:`MAX_ALIAS_CHARS` long before it exhausts
    time or memory.
    """

    def __init__(self, doc: Document, place=None, text: str = ""):
        self.doc = doc
        self.place = place or (lambda mark: (mark.line + 2, mark.column + 1))
        self.text = text
        self.count = 0
        self.aliases: list[tuple[int, int]] = []  # the aliases being expanded
        self.alias_chars = 0

    def where(self, node) -> tuple[int, int]:
        return self.aliases[0] if self.aliases else self.place(node.start_mark)

    def visit(self, node, keypath: KeyPath, depth: int = 0) -> Any:
        if isinstance(node, _AliasNode):
            at = self.place(node.start_mark)
            self.doc.marks[keypath] = at
            self.aliases.append(at)
            try:
                return self._visit(node.node, keypath, depth, alias=True)
            finally:
                self.aliases.pop()
        return self._visit(node, keypath, depth)

    def _visit(self, node: yaml.Node, keypath: KeyPath, depth: int, alias: bool = False) -> Any:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise _TooComplex(f"the front matter expands to more than {MAX_YAML_NODES} values (YAML aliases?)", self.where(node))
        if depth > MAX_YAML_DEPTH:
            raise _TooComplex(f"the front matter is nested more than {MAX_YAML_DEPTH} levels deep", self.where(node))
        if not alias:
            self.doc.marks[keypath] = self.place(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, keypath, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.visit(item, keypath + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def _count_chars(self, node, text: str) -> None:
        if not self.aliases:
            return
        self.alias_chars += len(text)
        if self.alias_chars > MAX_ALIAS_CHARS:
            raise _TooComplex(
                f"YAML aliases ('*name') repeat more than {MAX_ALIAS_CHARS:,} characters of the front matter",
                self.where(node),
            )

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        self._count_chars(node, text)
        bad = FORBIDDEN_CHARACTERS.search(text)
        if bad:
            line, col = self._char_place(node, bad.group())
            self.doc.diagnostics.append(_control_character(self.doc.path, line, col, bad.group()))
        if node.tag == _STR_TAG:
            if not node.style and "\n" in self.text[node.start_mark.index : node.end_mark.index]:
                self._check_continuation(node)
            return text
        if not node.style and node.tag == _NULL_TAG and text == "":
            return None  # "field:" with nothing after it: an empty field
        try:
            table = _Constructor.yaml_constructors
            resolved = (table.get(node.tag) or table[None])(_scalar_constructor, node)
        except yaml.constructor.ConstructorError:
            # an unknown tag (!!python/object, !custom): say so, never swallow it
            line, col = self.place(node.start_mark)
            self.doc.diagnostics.append(_err(self.doc.path, line, col, "yaml", f"the YAML tag '{node.tag}' is not supported in front matter"))
            return text
        except ValueError:
            resolved = text  # e.g. an impossible unquoted date such as 1932-02-30
        except Exception:
            # an explicit tag on a value it cannot read (!!timestamp 'x',
            # !!bool 'maybe'): PyYAML fails with AttributeError, KeyError...
            line, col = self.place(node.start_mark)
            self.doc.diagnostics.append(_err(self.doc.path, line, col, "yaml", f"the value {text[:40]!r} cannot be read as YAML '{node.tag.rsplit(':', 1)[-1]}'"))
            return text
        return Plain(text, resolved)

    def _char_place(self, node: yaml.ScalarNode, char: str) -> tuple[int, int]:
        """Where ``char`` is written in the source: raw, or as an escape."""
        start, end = node.start_mark.index, node.end_mark.index
        source = self.text[start:end]
        raw = source.find(char)
        if raw >= 0:
            return self.place(_Mark(start + raw, self.text))
        if node.style == '"':
            for match in _ESCAPE_RE.finditer(source):
                if _unescape(match.group()) == char:
                    return self.place(_Mark(start + match.start(), self.text))
        return self.place(node.start_mark)

    def _check_continuation(self, node: yaml.ScalarNode) -> None:
        """An unquoted text that goes on over lines that begin with '- '.

        YAML reads "summary: Some text" followed by an indented "- item" as
        the one text "Some text - item": a list item under a text field.
        """
        first = node.start_mark.line
        lines = self.text.split("\n")
        for number in range(first + 1, node.end_mark.line + 1):
            line = lines[number]
            if line.lstrip().startswith("- "):
                col = len(line) - len(line.lstrip()) + 1
                self.doc.diagnostics.append(_err(
                    self.doc.path, number + 2, col, "yaml",
                    f"a list item under a text value: this line continues the text that starts on line {first + 2}",
                    "for a list, put nothing after the field's colon and start each item with '- '; if the dash belongs to the text, quote the whole value",
                ))
                return

    def mapping(self, node: yaml.MappingNode, keypath: KeyPath, depth: int = 0) -> dict:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, _AliasNode):
                key_node = key_node.node
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, col = self.place(key_node.start_mark)
                self.doc.diagnostics.append(_err(self.doc.path, line, col, "yaml", "YAML merge keys ('<<') are not supported in front matter"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = self.place(key_node.start_mark)
                self.doc.diagnostics.append(_err(self.doc.path, line, col, "not-a-mapping", "a field name must be plain text"))
                continue
            key = key_node.value
            self._count_chars(key_node, key)
            kline, kcol = self.place(key_node.start_mark)
            bad = FORBIDDEN_CHARACTERS.search(key)
            if bad:
                self.doc.diagnostics.append(_control_character(self.doc.path, *self._char_place(key_node, bad.group()), bad.group()))
                continue
            if key in result:
                self.doc.diagnostics.append(_err(self.doc.path, kline, kcol, "yaml", f"the field '{key}' appears twice"))
                continue
            self.doc.key_marks[keypath + (key,)] = (kline, kcol)
            result[key] = self.visit(value_node, keypath + (key,), depth + 1)
        return result


#: A double-quoted scalar's escapes; consecutive backslashes pair up.
_ESCAPE_RE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c", "r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def _unescape(escape: str) -> str:
    body = escape[1:]
    if body[:1] in "xuU" and len(body) > 1:
        return chr(int(body[1:], 16))
    return _SIMPLE_ESCAPES.get(body, body)
