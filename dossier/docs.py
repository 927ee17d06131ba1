"""Generated documentation: ``python -m dossier.docs`` (or ``make docs``).

Writes, from the schema and the diagnostic codes themselves, so that they
can never drift from the code (tests/test_docs.py fails when they do):

- ``docs/format.md``: every field of every content type, its type and meaning;
- ``docs/diagnostics.md``: every diagnostic code, what it means, how to fix it;
- ``templates/<type>.md``: the scaffolds that ``dossier new`` copies.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .diagnostics import CODES
from .scaffold import scaffold_text
from .schema import CHARGE, CONTENT_TYPES, DEBATE, MEMBERSHIP, POSITION, Record

__all__ = ["format_reference", "diagnostics_reference", "generated_files", "FIXES"]

#: How to fix each diagnostic (docs/diagnostics.md). Every code needs one.
FIXES: dict[str, str] = {
    "encoding": "Re-save the file as UTF-8 (most editors: 'Save with encoding… UTF-8'). The column points at the first bad byte.",
    "unreadable": "Give yourself read permission (`chmod -R u+rX content`), or move the file or folder out of the content folder if it is not content. A build never skips what it cannot read: the pages in it would vanish from the site.",
    "file-name": "Rename the file: lowercase ASCII letters, digits and hyphens, ending in `.md` (`Leon Trotsky.md` → `leon-trotsky.md`). The slug is the page's id in links and URLs.",
    "folder": "Move the file into `people/`, `groups/`, `events/`, `sources/` or `articles/` (directly, not in a subfolder). Only `content/index.md`, the home page, lives at the top.",
    "symlink": "Copy the file into the content folder instead of linking to a file outside it.",
    "front-matter": "Start the file with a line `---`, then the fields, then another `---` line, then the body.",
    "yaml": "Fix the YAML at the line shown; the message names the mistake. The common ones: a value that contains `: ` must be quoted (`title: \"Trotsky in Exile: The Founding of the Fourth International\"`); a quotation mark opened and never closed (the message points where it opens); an apostrophe inside single quotes (write it twice, or use double quotes); a tab in the indentation (YAML indents with spaces); a `- ` list item under a field that already has a value on its own line; a field written twice.",
    "yaml-too-complex": "Front matter is for plain fields. Remove YAML anchors and aliases (`&a`, `*a`) and deep nesting; aliases may repeat at most 10,000 characters in all.",
    "control-character": "Delete the character at the line and column shown: it is invisible (often pasted from a terminal or a PDF) and XML feeds and graph files cannot hold it. In double quotes, look for escapes such as `\\e`, `\\x01` or `\\uFFFF`. Tabs and line breaks are fine.",
    "not-a-mapping": "Write the front matter as `field: value` lines; list items that should be records (memberships, debates) as `- key: value` blocks.",
    "required": "Add the field named in the message (`title` everywhere; `date` for an event; `kind` for a source; `group` in a membership; `by` and `view` in a debate position).",
    "unknown-field": "Check the spelling (the message suggests the nearest field) or see docs/format.md for the fields of this type.",
    "type": "Give the value the shape the message asks for: a list is `[a, b]` or `- a` lines; text that looks like a number or a date may need quotes.",
    "type-mismatch": "Remove the `type:` line, or move the file into the folder of that type.",
    "vocabulary": "Use one of the values the message lists (e.g. `genre: trial-record`).",
    "date": "Write an EDTF date: `1932-12-24`, `1932-12`, `1932`, `1932-12~` (approximately), `1933?` (uncertain), `1933-01/1933-04` (some time in that interval), `193X` (the 1930s), `1929-21` (spring 1929); add ` O.S.` for an Old Style (Julian) date: `1879-10-26 O.S.`. Check that the day exists. Level-2 EDTF and years of more than four digits are not supported.",
    "old-style": "Remove ` O.S.`: Soviet Russia counted 31 January 1918 (Old Style), then 14 February 1918, so a later date is already New Style. Before the reform, `born: \"1879-10-26 O.S.\"` is read as the Julian date and shown with its Gregorian equivalent.",
    "former-slug": "Keep only slugs that no page has now, each claimed by one page; write `slug` for the same folder or `folder/slug` for another (`former_slugs: [butov-death, events/blumkin-execution]`).",
    "moved": "Write the link with the page's present slug or title; the old one keeps working for readers, but not for a future page that takes the slug.",
    "renamed": "Add the old slug to the page's `former_slugs` (the message says which), so that links and bookmarks to the old address keep working; or ignore it if the old page really is gone.",
    "uncited": "Add `cite: [\"source-slug, p. 12\"]` to the record, with a locator a reader can check.",
    "role-is-a-relation": "Drop the role and record the relation on either page: a group's `leaders` or `members`, or the person's `memberships` (with a role and dates, if known). The infobox then lists the group under “Led” or “Member of”, linked, and the timeline, the network and the data files have it too. A role that names no group page (“People's Commissar for Military and Naval Affairs”) stays a role.",
    "contradiction": "The message names both files and lines: correct the date that is wrong, or the relation. Only what the dates make certain is reported: EDTF bounds give each date its widest reading, and an uncertain or approximate date (`1932?`, `1932~`) is widened by one more unit. A source published after its author's death says `posthumous: true`.",
    "date-order": "One of the two dates is wrong, or the second one belongs to another field. Only dates that are certainly in the wrong order are reported.",
    "relation": "Use the slug (the file name without `.md`) of an existing page of the right type; the message suggests near matches. Create the missing page with `dossier new`.",
    "link": "Link to an existing page by its slug, title or an alias (`[[Leon Trotsky]]`, `[[leon-trotsky|Trotsky]]`); the message lists the nearest names. Or add the name as an alias of the page you mean.",
    "ambiguous-link": "Use the `type/slug` form (`[[people/lev-sedov]]`), or make the names unique.",
    "overlapping-names": "A place bears one name at a time: give the earlier name a `to` no later than the next one's `from` (the renaming year belongs to the new name).",
    "ambiguous-variant": "A romanisation of one page's native name (ALA-LC, BGN/PCGN, ISO 9, English, French, German) is also another page's name. Links by that spelling list both pages; link by a name that tells them apart.",
    "link-section": "Link to a heading that exists on the target page (the message lists them), or drop the `#section`.",
    "link-place": "A link gives its own text after a bar: write `[[page|text]]`, not `[text]([[page]])`; an image or attribute takes plain text. A citation goes after the link, not inside it.",
    "citation": "Cite an existing source by its slug (`[@broue-1980, p. 12]`); add the source under `content/sources/` (or `dossier import-sources`).",
    "duplicate-slug": "Two files have the same name in different folders: rename one, since the slug must be unique across the site.",
    "duplicate-name": "Two pages share a title or alias, so `[[links]]` to it would be ambiguous: change or remove one of them.",
    "cycle": "A `part_of` chain leads back to where it started: one of the `part_of` values is wrong.",
    "field-sources": "A key of `field_sources` must be a field the page has (`born`, `leaders`, …).",
    "uncited-source": "Cite the source somewhere (`[@slug]` in a body, `sources:`, `field_sources` or a debate position), or delete it. A warning: `--strict` makes it fail the build.",
    "self-relation": "A page cannot be its own leader, member, predecessor or part: correct the slug.",
    "import-syntax": "Fix the import file at the line and column shown, or export it again (Zotero: 'Export collection → CSL JSON' or 'BibTeX'); the extension must be .json or .bib. Nothing was imported.",
    "import-write": "Free some space, or make content/sources/ writable, and run the import again: this run wrote nothing (what it had written was removed).",
    "too-large": "Split the file, or shorten the front matter; the limits keep builds bounded.",
}


def _type_name(f) -> str:
    return f.type.expected


def _record_table(record: Record) -> list[str]:
    rows = ["| key | value | meaning |", "|---|---|---|"]
    for f in record.fields.values():
        req = " **(required)**" if f.required else ""
        rows.append(f"| `{f.name}` | {_type_name(f)} | {f.description}{req} |")
    return rows


def format_reference() -> str:
    out = [
        "# Content format reference",
        "",
        "<!-- Generated from dossier/schema.py by `python -m dossier.docs`: do not edit by hand. -->",
        "",
        "Each file is `content/<folder>/<slug>.md`: YAML front matter between two `---` lines, then a Markdown body.",
        "The slug (file name) is the page's id; the folder gives its type. Dates are EDTF (see the editor's guide).",
        "Fields marked *infobox* appear in the page's infobox, in this order.",
        "",
    ]
    for ctype in CONTENT_TYPES.values():
        out += [f"## {ctype.plural} (`content/{ctype.folder}/`)", "", "| field | value | meaning |", "|---|---|---|"]
        for f in ctype:
            notes = []
            if f.required:
                notes.append("**required**")
            if f.label:
                notes.append(f"*infobox: {f.label}*")
            extra = (" " + ", ".join(notes)) if notes else ""
            out.append(f"| `{f.name}` | {_type_name(f)} | {f.description}{extra} |")
        out.append("")
    out += ["## Records inside fields", "", "### A membership (`memberships:` of a person)", ""]
    out += _record_table(MEMBERSHIP)
    out += ["", "### A debate (`debates:`)", ""]
    out += _record_table(DEBATE)
    out += ["", "### A position in a debate (`positions:`)", ""]
    out += _record_table(POSITION)
    out += ["", "### A charge (`charges:` of an event)", ""]
    out += _record_table(CHARGE)
    out += [
        "",
        "Each charge says who was accused of what (`accused`, `charge`), who made the accusation (`claimed_by`: a",
        "person, a group, or the source that made it), what it rested on (`basis`), what became of it (`status`:",
        "`documented` when independent evidence bears it out, `confession-only` when nothing but the accused's",
        "confession supports it, `retracted`, `refuted` when later evidence shows it false, `unresolved`) and where",
        "that is documented (`cite`, with locators; a charge without one is a warning, an error under `--strict`).",
        "The event's page shows the charges as a matrix of the accused and the charges; each accused's page lists",
        "the charges against them, the accuser's the charges they made; `/charges/` lists every charge by event,",
        "by status and by person, and `data/charges.csv` has one row per charge. A charge against someone who",
        "died before the event is an error.",
    ]
    out += [
        "",
        "## A source for one relation or one value",
        "",
        "`field_sources` cites a source for a whole field. A single membership cites its own with `cite:`, and any",
        "single value of a list field (a leader, a member group, an ideology …) can be written as `value:` with its",
        "own `cite:`, one citation or several, each with its locator:",
        "",
        "```yaml",
        "memberships:",
        "  - group: left-opposition",
        "    role: leader",
        "    cite: [\"broue-1980, p. 12\"]",
        "leaders:",
        "  - leon-trotsky",
        "  - value: lev-sedov",
        "    cite: [\"broue-1980, § The Trotskyist group\", \"getty-1986, p. 28\"]",
        "```",
        "",
        "The note is numbered with the page's other notes and shown beside that value in the infobox, beside the",
        "relation on the other page (Sedov's page lists the group he led, with the note), and the source's",
        "\"Cited by\" lists it. A citation to no source is an error at its line and column.",
        "",
        "## Values as written",
        "",
        "Every value is read from the characters you wrote. Unquoted `0476` is the year 476 (not the octal number",
        "YAML 1.1 would make of it), `yes`, `no`, `on`, `off`, `1_000`, `1:20`, `.inf`, `0x1F`, `~` and `null` are text in a",
        "text field and mistakes in a date field. Nothing after the colon (`born:`) leaves a field empty.",
        "Quotes are needed only where YAML itself needs them: a value that contains `: ` or ` #`, or that starts with",
        "one of `[ ] { } , & * ! | > ' \" % @` or a backquote, or with `- `, `? ` or `: `. No date of levels 0 and 1 needs quotes.",
        "Control characters (other than tab and line break) and Unicode non-characters are refused.",
        "",
        "## Dates (EDTF levels 0 and 1)",
        "",
        "Every EDTF level 0 form is accepted: days, months, years, date-times (shown as their day), intervals.",
        "Of level 1, these are accepted: qualified dates (`1984?`, `2004-06~`, `2004-06-11%`), unspecified digits",
        "from the right (`201X`, `20XX`, `2004-XX`, `1985-04-XX`, `1985-XX-XX`), seasons 21–24 (`2001-21`; winter runs",
        "from December to February), extended intervals with open (`1985/..`, `../1985`) or unknown (`1985/`, `/1985`)",
        "ends, qualified interval ends (`1984~/2004-06`) and negative years (`-0043` is 44 BC).",
        "**Not supported** (refused with a message saying so): letter-prefixed years of more than four digits",
        "(`Y170000002`, `Y-170000002`), the one level 1 feature left out, and every level 2 feature (three or more",
        "unspecified digits such as `1XXX`, qualification of single parts, sets, exponents, significant digits,",
        "seasons 25–41).",
        "",
        "**Old Style dates.** A date written in the Julian calendar, as Russian dates before February 1918 often are,",
        "ends with ` O.S.`: `born: 1878-12-06 O.S.` (any level 0 or 1 date). It is shown with its Gregorian equivalent",
        "first, \"18 December [O.S. 6 December] 1878\"; a month or season with the Gregorian days it covers",
        "(\"14 October – 13 November 1917 [O.S. October 1917]\"); a year or coarser as written, marked \"[O.S.]\".",
        "It is sorted and bounded by its Gregorian days, and the data downloads give both. A qualifier applies to",
        "both calendars: `1878-12-06? O.S.` is \"possibly 18 December [O.S. 6 December] 1878\" (the Gregorian",
        "equivalent is as uncertain as the date written); unspecified digits are converted by their bounds",
        "(`187X O.S.` is 13 January 1870 – 12 January 1880). An O.S. date that can fall on or after 14 February 1918,",
        "when Soviet Russia adopted the Gregorian calendar, is a warning (`old-style`).",
        "",
        "## Names in their language",
        "",
        "`native_lang` is a BCP 47 tag (`ru`, `uk`, `be`, `de`, `sr-Latn`), checked against the IANA subtag",
        "registry. The native name is marked with it (`lang`) on the page, in link previews and in JSON-LD.",
        "Without it the language is taken from the script only when the script has one language (Georgian `ka`,",
        "Armenian `hy`, Greek `el`, Hangul `ko`, kana `ja`, Thai `th`); a Cyrillic, Latin, Arabic, Hebrew or Han",
        "name is marked with its script alone (`und-Cyrl`), since Russian, Ukrainian and Belarusian (or German",
        "and Dutch) share a script: give `native_lang` for every such name.",
        "",
        "## Body syntax",
        "",
        "- Cross-links: `[[Leon Trotsky]]`, `[[leon-trotsky|Trotsky]]`, `[[Trotsky's bloc]]` (an alias), `[[Leon Trotsky#Exile]]` (a section), `[[people/lev-sedov]]` (type/slug).",
        "- Citations: `[@broue-1980]`, `[@getty-1986, p. 119]`, `[@broue-1980; @getty-1986]`.",
        "- Footnotes: `[^1]` … `[^1]: text`, for editorial notes: numbered in the same series as the citations, in the order read, and listed with them under References.",
        "- Headings start at `#`, which becomes the page's second level (the title is the only first-level heading).",
        "- In an article, the headings of the top level used make the table of contents, shown after the lead (the text before the first heading); the byline names the `author`, else the site's `AUTHOR`.",
        "- Raw HTML is allowed but sanitized: scripts, styles, event handlers and `javascript:`/`data:` URLs are removed.",
        "",
    ]
    return "\n".join(out)


def diagnostics_reference() -> str:
    out = [
        "# Diagnostics reference",
        "",
        "<!-- Generated from dossier/diagnostics.py and dossier/docs.py by `python -m dossier.docs`: do not edit by hand. -->",
        "",
        "Every problem is printed as `path:line:column: error[code]: message (hint)`. All problems of a build",
        "are reported together, sorted by file and line; any error makes the build exit 1 and leaves the",
        "previous site untouched. Warnings fail the build only with `--strict`.",
        "",
    ]
    for code, meaning in CODES.items():
        out += [f"## `{code}`", "", meaning, "", f"**Fix:** {FIXES[code]}", ""]
    return "\n".join(out)


def generated_files(root: Path) -> dict[Path, str]:
    files = {root / "docs" / "format.md": format_reference(), root / "docs" / "diagnostics.md": diagnostics_reference()}
    for kind in CONTENT_TYPES:
        files[root / "templates" / f"{kind}.md"] = scaffold_text(kind)
    return files


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".").resolve()
    for path, text in generated_files(root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
