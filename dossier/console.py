"""Diagnostics as the command line prints them.

Every problem stays one ``path:line:column: severity[code]: message`` line
(editors and CI annotations read that). Two things are added for people:

- **colour**, on a terminal only: errors red, warnings yellow, the path
  bold. Never in a file or a pipe; ``NO_COLOR`` (any value) turns it off,
  ``FORCE_COLOR`` turns it on even in a pipe, ``TERM=dumb`` off
  (https://no-color.org, https://force-color.org). Drawn with Rich, imported
  only when there is colour to draw;
- **grouping**, when there are many problems (``GROUP_FROM`` or more): the
  lines of each file under a heading that counts them, and at the end a
  count per code, before the total the build always ends with.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TextIO

from .diagnostics import Diagnostic, Diagnostics

__all__ = ["use_colour", "report_lines", "print_report", "GROUP_FROM"]

#: From this many problems on, they are grouped by file.
GROUP_FROM = 10


def use_colour(stream: TextIO, environ=None) -> bool:
    """Whether to colour what is written to ``stream``."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _total(errors: int, warnings: int) -> str:
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


# A line is a list of (text, style) pieces; styles are Rich's.
Piece = tuple[str, str]


def _diagnostic(d: Diagnostic) -> list[Piece]:
    severity = "bold red" if d.is_error else "bold yellow"
    pieces: list[Piece] = [(f"{d.path}:{d.line}:{d.column}:", "bold"), (" ", ""), (f"{d.severity.value}[{d.code}]:", severity), (f" {d.message}", "")]
    if d.hint:
        pieces.append((f" ({d.hint})", "dim"))
    return pieces


def report_lines(diags: Diagnostics) -> list[list[Piece]]:
    """The report as lines of styled pieces (the plain text is their join)."""
    items = diags.sorted()
    errors = sum(d.is_error for d in items)
    warnings = len(items) - errors
    lines: list[list[Piece]] = []
    if len(items) < GROUP_FROM:
        lines = [_diagnostic(d) for d in items]
    else:
        by_file: dict[str, list[Diagnostic]] = {}
        for d in items:
            by_file.setdefault(d.path, []).append(d)
        for path, group in by_file.items():
            e = sum(d.is_error for d in group)
            if lines:
                lines.append([])
            lines.append([(path, "bold underline"), (f" — {_total(e, len(group) - e)}", "")])
            lines.extend(_diagnostic(d) for d in group)
        lines.append([])
        counts = Counter((d.code, d.is_error) for d in items)
        parts: list[Piece] = [("by code: ", "bold")]
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
        for i, ((code, is_error), n) in enumerate(ranked):
            if i:
                parts.append((", ", ""))
            parts.append((f"{code}", "red" if is_error else "yellow"))
            parts.append((f" {n}", ""))
        lines.append(parts)
    total_style = "bold red" if errors else ("bold yellow" if warnings else "bold")
    lines.append([(_total(errors, warnings), total_style)])
    return lines


def print_report(diags: Diagnostics, stream: TextIO, colour: bool | None = None) -> None:
    """Print the report of ``diags`` on ``stream``, coloured on a terminal."""
    lines = report_lines(diags)
    if colour is None:
        colour = use_colour(stream)
    if not colour:
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        stream.flush()
        return
    print_styled(lines, stream)


def print_styled(lines: list[list[Piece]], stream: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, no_color=False, highlight=False, markup=False, emoji=False, soft_wrap=True, color_system="standard")
    for line in lines:
        text = Text()
        for piece, style in line:
            text.append(piece, style=style or None)
        console.print(text)
    stream.flush()


def styled(text: str, style: str, stream: TextIO) -> None:
    """One message line (``error: …``), coloured on a terminal."""
    if use_colour(stream):
        print_styled([[(text, style)]], stream)
    else:
        print(text, file=stream, flush=True)
