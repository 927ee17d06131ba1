"""Citing the site: "Cite this page" and what reference managers read.

- :func:`page_reference` describes a page of the site as a web page (its
  author or none, title, site, edition, date of last change, address), and
  the site's own Chicago formatter (``bibliography``) words it, as a
  bibliography entry and as a note;
- :func:`bibtex`, :func:`ris` and :func:`csl_json` give the same reference
  (or a source's own) in the formats Zotero, JabRef, EndNote and Mendeley
  import;
- :func:`highwire_meta` gives the ``citation_*`` meta tags Zotero and Google
  Scholar read: a page's own, or on a source's page that source's, so that
  "save to Zotero" there saves the source.

The reader adds the date they consulted the page: it is theirs, not the
site's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from . import bibliography
from .bibliography import parse_name

__all__ = ["page_reference", "chicago", "bibtex", "ris", "csl_json", "highwire_meta", "source_reference"]


def page_reference(entity, *, title: str, site_name: str, url: str, edition: str, modified: str | None) -> dict[str, Any]:
    """A page of the site as a web-page reference (the shape of a source)."""
    ref: dict[str, Any] = {"entry_type": "webpage", "title": title, "container": site_name}
    if entity.kind == "article" and entity.get("author"):
        ref["author"] = list(entity.get("author"))
    if edition:
        ref["edition"] = edition
    if modified:
        ref["modified"] = modified
    if url:
        ref["url"] = url
    return ref


def source_reference(source) -> dict[str, Any]:
    """A source page's own bibliographic data."""
    return {"title": source.title, **source.fields}


def chicago(ref: Mapping[str, Any]) -> tuple[Markup, Markup]:
    """(bibliography entry, full note), Chicago notes-bibliography."""
    return bibliography.format_bibliography(ref), bibliography.format_note(ref)


# The formats ---------------------------------------------------------------------

_BIBTEX_TYPE = {"book": "book", "article": "article", "chapter": "incollection", "letter": "letter", "webpage": "online", "periodical": "periodical", "document": "misc"}
_RIS_TYPE = {"book": "BOOK", "article": "JOUR", "chapter": "CHAP", "letter": "PCOMM", "webpage": "ELEC", "periodical": "JFULL", "document": "GEN"}
_CSL_TYPE = {"book": "book", "article": "article-journal", "chapter": "chapter", "letter": "personal_communication", "webpage": "webpage", "periodical": "periodical", "document": "manuscript"}


def _kind(ref: Mapping[str, Any]) -> str:
    return bibliography.entry_type(ref)


def _names(ref: Mapping[str, Any], field: str) -> list:
    value = ref.get(field) or []
    return [parse_name(n) for n in ([value] if isinstance(value, str) else value)]


def _date_parts(value: Any) -> list[int] | None:
    """[year, month, day] as far as the date is exact."""
    text = getattr(value, "gregorian_edtf", None) or (value if isinstance(value, str) else "")
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(text))
    return [int(x) for x in m.groups() if x] if m else None


_BIBTEX_SPECIAL = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"}
_BIBTEX_SPECIAL.update({ch: "\\" + ch for ch in "&%$#_"})
_BIBTEX_SPECIAL_RE = re.compile("[" + re.escape("".join(_BIBTEX_SPECIAL)) + "]")


def _bibtex_escape(text: str) -> str:
    """Text as (bib)LaTeX reads it. Braces become commands, never ``\\{``:
    BibTeX counts every brace, escaped or not, so one ``}`` in a value
    ended the field and let the rest add fields of its own."""
    return _BIBTEX_SPECIAL_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], str(text))


def _bibtex_name(name) -> str:
    """A name as BibTeX reads it: escaped like any text (a brace in it
    cannot end the field), a literal name braced whole, and an "and" inside
    a name braced so that it does not split the name in two."""
    text = _bibtex_escape(name.natural if name.literal else name.inverted)
    text = re.sub(r"(?<=\s)and(?=\s)", "{and}", text)
    return "{" + text + "}" if name.literal else text


def _bibtex_url(url: str) -> str:
    """A URL as biblatex takes it (verbatim): braces, backslashes and spaces,
    which would end or break the field, percent-encoded (the same URL)."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}" if ord(m.group()) < 128 else m.group(), url)


def bibtex(key: str, ref: Mapping[str, Any]) -> str:
    """The reference as a biblatex entry."""
    kind = _kind(ref)
    fields: list[tuple[str, str]] = [("title", ref.get("title", ""))]
    people = [("author", _names(ref, "author")), ("editor", _names(ref, "editor")), ("translator", _names(ref, "translator"))]
    for name, names in people:
        if names:
            fields.append((name, " and ".join(_bibtex_name(n) for n in names)))
    container = ref.get("container", "")
    if container:
        fields.append(({"article": "journaltitle", "chapter": "booktitle", "webpage": "organization"}.get(kind, "howpublished"), container))
    for src, dst in (("volume", "volume"), ("issue", "number"), ("pages", "pages"), ("publisher", "publisher"), ("publisher_place", "location"), ("edition", "version"), ("url", "url"), ("language", "language")):
        if ref.get(src):
            fields.append((dst, str(ref[src]).replace("–", "--")))
    parts = _date_parts(ref.get("modified") or ref.get("date"))
    if parts:
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    accessed = _date_parts(ref.get("accessed"))
    if accessed:
        fields.append(("urldate", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(accessed))))
    def written(name: str, value: str) -> str:
        if name in ("author", "editor", "translator"):
            return value  # escaped name by name above
        return _bibtex_url(value) if name == "url" else _bibtex_escape(value)

    body = ",\n".join(f"  {name} = {{{written(name, value)}}}" for name, value in fields if value)
    return f"@{_BIBTEX_TYPE.get(kind, 'misc')}{{{key},\n{body}\n}}\n"


def ris(ref: Mapping[str, Any]) -> str:
    """The reference as RIS."""
    kind = _kind(ref)
    lines = [("TY", _RIS_TYPE.get(kind, "GEN")), ("TI", ref.get("title", ""))]
    for tag, field in (("AU", "author"), ("ED", "editor"), ("A4", "translator")):
        lines += [(tag, n.inverted if not n.literal else n.natural) for n in _names(ref, field)]
    container_tag = {"article": "JO", "chapter": "T2", "webpage": "T2"}.get(kind, "T2")
    for tag, src in ((container_tag, "container"), ("VL", "volume"), ("IS", "issue"), ("PB", "publisher"), ("CY", "publisher_place"), ("ET", "edition"), ("UR", "url"), ("LA", "language")):
        if ref.get(src):
            lines.append((tag, str(ref[src])))
    pages = str(ref.get("pages") or "")
    if pages:
        first, _, last = pages.replace("–", "-").partition("-")
        lines.append(("SP", first.strip()))
        if last.strip():
            lines.append(("EP", last.strip()))
    parts = _date_parts(ref.get("modified") or ref.get("date"))
    if parts:
        lines.append(("PY", str(parts[0])))
        if len(parts) > 1:  # YYYY/MM/DD or YYYY/MM/
            lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + ("/" if len(parts) < 3 else "")))
    accessed = _date_parts(ref.get("accessed"))
    if accessed:
        lines.append(("Y2", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(accessed))))
    lines.append(("ER", ""))
    # one line per tag: a line break inside a value would start a tag (or a record) of its own
    return "".join(f"{tag}  - {' '.join(str(value).split())}".rstrip() + "\r\n" for tag, value in lines if value or tag == "ER")


def csl_json(key: str, ref: Mapping[str, Any]) -> dict[str, Any]:
    """The reference as one CSL-JSON item."""
    kind = _kind(ref)
    item: dict[str, Any] = {"id": key, "type": _CSL_TYPE.get(kind, "document"), "title": ref.get("title", "")}
    for field in ("author", "editor", "translator"):
        names = _names(ref, field)
        if names:
            item[field] = [{"literal": n.natural} if n.literal else {"family": n.family, "given": n.given} for n in names]
    for src, dst in (("container", "container-title"), ("volume", "volume"), ("issue", "issue"), ("pages", "page"), ("publisher", "publisher"), ("publisher_place", "publisher-place"), ("edition", "version"), ("url", "URL"), ("language", "language")):
        if ref.get(src):
            item[dst] = str(ref[src])
    issued = _csl_date(ref.get("modified") or ref.get("date"))
    if issued:
        item["issued"] = issued
    accessed = _date_parts(ref.get("accessed"))
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    return item


def _csl_date(value: Any) -> dict[str, Any] | None:
    """A CSL date: date-parts for an exact date, two of them for an interval
    of exact dates, ``circa`` for an approximate one; else the EDTF as
    ``raw`` (an uncertain or open date is not lost on the way)."""
    parts = _date_parts(value)
    if parts:
        return {"date-parts": [parts]}
    text = str(getattr(value, "gregorian_edtf", None) or (value if isinstance(value, str) else "") or "")
    if not text:
        return None
    start, sep, end = text.partition("/")
    if sep and _date_parts(start) and _date_parts(end):
        return {"date-parts": [_date_parts(start), _date_parts(end)]}
    if text.endswith("~") and _date_parts(text[:-1]):
        return {"date-parts": [_date_parts(text[:-1])], "circa": True}
    return {"raw": text}


def csl_json_text(items: list[dict[str, Any]]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# Meta tags -----------------------------------------------------------------------


def highwire_meta(ref: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``citation_*`` meta tags (Highwire Press, read by Zotero and Google Scholar)."""
    kind = _kind(ref)
    out = [("citation_title", str(ref.get("title", "")))]
    out += [("citation_author", n.inverted if not n.literal else n.natural) for n in _names(ref, "author")]
    parts = _date_parts(ref.get("modified") or ref.get("date"))
    if parts:
        out.append(("citation_publication_date", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    container = str(ref.get("container") or "")
    if container:
        out.append(({"article": "citation_journal_title", "chapter": "citation_inbook_title"}.get(kind, "citation_publisher" if kind == "webpage" else "citation_series_title"), container))
    for src, tag in (("volume", "citation_volume"), ("issue", "citation_issue"), ("publisher", "citation_publisher"), ("language", "citation_language"), ("url", "citation_public_url")):
        if ref.get(src) and not (tag == "citation_publisher" and kind == "webpage"):
            out.append((tag, str(ref[src])))
    pages = str(ref.get("pages") or "").replace("–", "-")
    if pages:
        first, _, last = pages.partition("-")
        out.append(("citation_firstpage", first.strip()))
        if last.strip():
            out.append(("citation_lastpage", last.strip()))
    return [(k, v) for k, v in out if v]
