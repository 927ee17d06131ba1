"""Shared fixtures: fixture sites written inline (Lektor's scratch_project)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from dossier.diagnostics import Diagnostics
from dossier.pipeline import Project, build, read_and_resolve

# The machine is shared and noisy: property tests judge correctness, never speed.
settings.register_profile("dossier", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("dossier")

REPO = Path(__file__).resolve().parent.parent


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (path under content/ -> text) into ``root``.

    Text is dedented, so fixtures can be indented in the test source.
    """
    for rel, text in files.items():
        p = root / "content" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


def check_site(root: Path, strict: bool = False) -> Diagnostics:
    """Read and resolve a fixture site; return its diagnostics."""
    diags = Diagnostics()
    read_and_resolve(Project.at(root, strict=strict), diags)
    return diags


def messages(diags: Diagnostics) -> list[str]:
    return [d.format() for d in diags.sorted()]


@pytest.fixture
def make_site(tmp_path):
    """``make_site({"people/x.md": "..."})`` -> project root."""

    def _make(files: dict[str, str | bytes], root: Path | None = None) -> Path:
        return write_site(root or tmp_path, files)

    return _make


@pytest.fixture
def build_site():
    """Build a fixture project; returns the BuildReport (raises BuildFailed)."""

    def _build(root: Path, strict: bool = False, output: Path | None = None):
        return build(Project.at(root, output=output, strict=strict))

    return _build


PERSON = """\
---
title: {title}
---
{body}
"""


def person(title: str, body: str = "", **fields) -> str:
    lines = ["---", f"title: {title}"]
    lines += [f"{k}: {v}" for k, v in fields.items()]
    lines += ["---", body, ""]
    return "\n".join(lines)
