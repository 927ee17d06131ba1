"""Full-text search: Pagefind indexes the finished site (in the staging
folder, before it is swapped in) and writes its bundle into ``pagefind/``.

Pages mark what is indexed (``data-pagefind-body`` on the main content only),
and the type and summary shown in results (``data-pagefind-meta``; Pagefind's
filter index is not used: it is serialised in a different order on every run).
Pagefind matches words as written; for the other spellings readers type
(diacritics folded, transliterations) the entity page carries a hidden list of
folded names (see ``search_names``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .text import fold, transliterate

__all__ = ["index_site", "search_names", "SearchFailed"]

BUNDLE = "pagefind"


class SearchFailed(RuntimeError):
    pass


def search_names(names: list[str]) -> list[str]:
    """Extra spellings for the index: folded and transliterated forms that
    differ from the names as written ("Grünstein" → "Grunstein",
    "Зиновьев" → "Zinovev", "Zinov'ev" → "Zinovev")."""
    out: list[str] = []
    written = {n.casefold() for n in names}
    for name in names:
        for variant in (transliterate(name), fold(name), fold(transliterate(name))):
            v = " ".join(variant.split())
            if v and v.casefold() not in written and v not in out:
                out.append(v)
    return out


def index_site(site_dir: Path) -> int:
    """Index every HTML page of ``site_dir`` with Pagefind; returns the count.

    Runs Pagefind's own command (``python -m pagefind``, from the
    ``pagefind[bin]`` package): it indexes in parallel, about ten times faster
    than feeding pages one by one through its Python API. Its output is
    byte-identical for identical sites whatever order the files were written
    in (tests/test_build.py), as long as no ``data-pagefind-filter`` is used.
    """
    import subprocess
    import sys

    shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", BUNDLE, "--force-language", "en", "--silent"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not (site_dir / BUNDLE / "pagefind.js").is_file():
        raise SearchFailed(f"pagefind failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()}")
    return sum(1 for _ in site_dir.rglob("*.html"))
