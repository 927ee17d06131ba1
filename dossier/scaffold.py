"""``dossier new KIND TITLE``: a new content file from ``templates/``.

The scaffolds in ``templates/`` are generated from the schema
(``python -m dossier.docs`` rewrites them), so every field of the type is
present, commented, with its description; required fields are left open so
that ``dossier check`` says exactly what is still missing.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import DossierError
from .schema import CONTENT_TYPES, DateType, Field
from .text import slugify

__all__ = ["new_entity", "scaffold_text", "ScaffoldError"]


class ScaffoldError(DossierError):
    pass


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _line(f: Field) -> str:
    if f.name in NESTED_EXAMPLES:
        return f"{f.name}:"
    example = f.example if f.example is not None else f.type.example
    if isinstance(f.type, DateType):
        example = '""'
    return f"{f.name}: {example}"


#: Nested fields get a commented example below their line.
NESTED_EXAMPLES = {
    "names": ["  - name: Petrograd", '    from: "1914"', '    to: "1924"', '    cite: ["britannica-st-petersburg"]'],
    "memberships": ["  - group: left-opposition", "    role: leader", '    from: "1923"', '    to: "1928~"', '    cite: ["broue-1980, p. 12"]'],
    "charges": [
        "  - accused: [grigory-zinoviev, lev-kamenev]",
        "    charge: Organised the murder of Kirov.",
        "    claimed_by: andrei-vyshinsky",
        "    basis: confession",
        "    status: confession-only",
        "    note: What later evidence says.",
        '    cite: ["getty-1985, p. 207"]',
    ],
    "debates": [
        "  - question: Who were \"the liberals\"?",
        "    status: unresolved",
        "    positions:",
        "      - by: pierre-broue",
        "        view: Moderate officials, perhaps around Kirov.",
        "        cite: broue-1980, p. 12",
    ],
    "field_sources": ["  born: [\"broue-1980, p. 5\"]"],
}


def scaffold_text(kind: str) -> str:
    """The scaffold for a type; ``{title}`` marks where the title goes."""
    ctype = CONTENT_TYPES[kind]
    lines = ["---", "title: {title}"]
    width = max(len(_line(f)) for f in ctype) + 4
    for f in ctype:
        if f.name in ("title", "type"):
            continue
        line = _line(f)
        comment = f"# {f.description}"
        if f.required:
            lines.append(f"{line.ljust(width)}{comment} (required)")
        else:
            lines.append(f"# {line.ljust(width - 2)}{comment}")
        lines.extend(f"# {x}" for x in NESTED_EXAMPLES.get(f.name, []))
    lines.append("---")
    body = {
        "person": "Who they were and what they did, in your own words, with [[links]] and citations [@source-slug, p. 12].",
        "group": "What the group was, who belonged to it and what became of it, with [[links]] and citations [@source-slug].",
        "event": "What happened, with [[links]] to the people and groups involved and citations [@source-slug].",
        "source": "An annotation: what this source is, who made it and when, and how much weight it carries.",
        "article": "The essay, in sections that start with '## Heading', with [[links]] and citations [@source-slug, p. 12].",
        "place": "What the place is and what happened there, with [[links]] and citations [@source-slug]; events, births and deaths there are listed by themselves.",
    }[kind]
    lines += ["", f"<!-- {body} Replace this comment with the text. -->", ""]
    return "\n".join(lines)


def new_entity(project, kind: str, title: str) -> Path:
    """Write ``content/<folder>/<slug>.md``; never overwrites."""
    if kind not in CONTENT_TYPES:
        raise ScaffoldError(f"unknown type {kind!r}; choose one of {', '.join(CONTENT_TYPES)}")
    title = title.strip()
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"cannot make a slug from {title!r}")
    template = project.root / "templates" / f"{kind}.md"
    text = template.read_text(encoding="utf-8") if template.is_file() else scaffold_text(kind)
    folder = project.content / CONTENT_TYPES[kind].folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    try:
        fh = open(path, "x", encoding="utf-8")  # "x": refuse to overwrite
    except FileExistsError:
        raise ScaffoldError(f"{path} exists already; edit it, or choose another title") from None
    try:
        with fh:
            fh.write(text.replace("{title}", _yaml_string(title), 1))
    except BaseException:  # a full disk: no half-written page left to be built
        path.unlink(missing_ok=True)
        raise
    return path
