"""The last guard of every XML writer: no character XML 1.0 forbids.

XML 1.0 allows tab, line feed, carriage return, U+0020–U+D7FF,
U+E000–U+FFFD and U+10000–U+10FFFF, as characters and as character
references. Text fields refuse the others at validation (``control-character``),
but a writer must never depend on every input having been checked: an Atom
feed, a sitemap, GraphML, GEXF or an SVG drawing with one of them is not
XML at all, and its reader stops at it. :func:`xml_safe` turns each into
U+FFFD (the replacement character), visible where it was.
"""

from __future__ import annotations

import re

__all__ = ["xml_safe", "FORBIDDEN_XML_RE"]

#: characters XML 1.0 forbids
FORBIDDEN_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHAR_REF_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def _allowed(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _ref(m: re.Match) -> str:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return m.group(0) if _allowed(code) else "&#xFFFD;"


def xml_safe(text: str) -> str:
    """``text`` (a whole document or a fragment) with every character and
    character reference that XML 1.0 forbids replaced by U+FFFD; the same
    object when it has none (the normal case)."""
    if FORBIDDEN_XML_RE.search(text):
        text = FORBIDDEN_XML_RE.sub("\ufffd", text)
    if "&#" in text:
        text = _CHAR_REF_RE.sub(_ref, text)
    return text
