"""Reading one content file: bytes → front matter (with positions) + body.

Nothing here knows the schema. A file becomes a :class:`Document` whose
``meta`` holds plain Python values and whose ``marks`` map every key path
(``("memberships", 0, "group")``) to the line and column where its value
starts in the file, so that later stages can point at the exact line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic

try:  # libyaml's C parser when the wheel has it: several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the installed wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = ["Document", "parse_document", "MAX_YAML_NODES", "MAX_YAML_DEPTH"]

#: Safety limits: a billion-laughs alias bomb or a deeply nested value is
#: refused instead of hanging the build or overflowing the stack.
MAX_YAML_NODES = 50_000
MAX_YAML_DEPTH = 40
MAX_FRONT_MATTER_BYTES = 1_000_000

KeyPath = tuple  # of str | int


@dataclass
class Document:
    """One file, read but not yet validated."""

    path: str  # as shown in diagnostics (relative to the project)
    meta: dict[str, Any]
    marks: dict[KeyPath, tuple[int, int]]  # key path -> (line, column) of the value
    key_marks: dict[KeyPath, tuple[int, int]]  # key path -> (line, column) of the key
    body: str
    body_line: int  # file line number of the body's first line
    digest: str  # sha256 of the raw bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def mark(self, keypath: KeyPath, key: bool = False) -> tuple[int, int]:
        """Where a value (or its key) starts; falls back to its nearest parent."""
        table = self.key_marks if key else self.marks
        kp = tuple(keypath)
        while kp:
            if kp in table:
                return table[kp]
            if not key and kp in self.key_marks:
                return self.key_marks[kp]
            kp = kp[:-1]
        return (1, 1)


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
    doc.body = "\n".join(lines[end + 1 :])
    doc.body_line = end + 2
    if len(yaml_text) > MAX_FRONT_MATTER_BYTES:
        doc.diagnostics.append(_err(path, 2, 1, "too-large", f"the front matter is {len(yaml_text)} characters long; the limit is {MAX_FRONT_MATTER_BYTES}"))
        return doc
    depth = _flow_depth(yaml_text)
    if depth > MAX_YAML_DEPTH:
        doc.diagnostics.append(_err(path, 2, 1, "yaml-too-complex", f"the front matter is nested {depth} levels deep; the limit is {MAX_YAML_DEPTH}"))
        return doc
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _place(yaml_text)(mark) if mark else (2, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        doc.diagnostics.append(_err(path, line, col, "yaml", f"malformed YAML: {problem}"))
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
    walker = _Walker(doc, _place(yaml_text))
    try:
        doc.meta = walker.mapping(node, ())
    except _TooComplex as exc:
        doc.meta = {}
        doc.diagnostics.append(_err(path, 2, 1, "yaml-too-complex", str(exc)))
    return doc


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
    pass


class _Walker:
    """Turns a composed node graph into plain values, recording marks.

    Aliases are followed, but every visited node is counted: an alias bomb
    exceeds :data:`MAX_YAML_NODES` long before it exhausts time or memory.
    """

    def __init__(self, doc: Document, place=None):
        self.doc = doc
        self.place = place or (lambda mark: (mark.line + 2, mark.column + 1))
        self.count = 0

    def visit(self, node: yaml.Node, keypath: KeyPath, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise _TooComplex(f"the front matter expands to more than {MAX_YAML_NODES} values (YAML aliases?)")
        if depth > MAX_YAML_DEPTH:
            raise _TooComplex(f"the front matter is nested more than {MAX_YAML_DEPTH} levels deep")
        self.doc.marks[keypath] = self.place(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, keypath, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.visit(item, keypath + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:
            return _scalar_constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            # an unknown tag (!!python/object, !custom): say so, never swallow it
            line, col = self.place(node.start_mark)
            self.doc.diagnostics.append(_err(self.doc.path, line, col, "yaml", f"the YAML tag '{node.tag}' is not supported in front matter"))
            return node.value
        except ValueError as exc:
            # e.g. an impossible unquoted date such as 1932-02-30: keep the text
            return node.value
        except Exception:
            # an explicit tag on a value it cannot read (!!timestamp 'x',
            # !!bool 'maybe'): PyYAML fails with AttributeError, KeyError...
            line, col = self.place(node.start_mark)
            self.doc.diagnostics.append(_err(self.doc.path, line, col, "yaml", f"the value {node.value[:40]!r} cannot be read as YAML '{node.tag.rsplit(':', 1)[-1]}'"))
            return node.value

    def mapping(self, node: yaml.MappingNode, keypath: KeyPath, depth: int = 0) -> dict:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, col = self.place(key_node.start_mark)
                self.doc.diagnostics.append(_err(self.doc.path, line, col, "yaml", "YAML merge keys ('<<') are not supported in front matter"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = self.place(key_node.start_mark)
                self.doc.diagnostics.append(_err(self.doc.path, line, col, "not-a-mapping", "a field name must be plain text"))
                continue
            key = key_node.value
            kline, kcol = self.place(key_node.start_mark)
            if key in result:
                self.doc.diagnostics.append(_err(self.doc.path, kline, kcol, "yaml", f"the field '{key}' appears twice"))
                continue
            self.doc.key_marks[keypath + (key,)] = (kline, kcol)
            result[key] = self.visit(value_node, keypath + (key,), depth + 1)
        return result
