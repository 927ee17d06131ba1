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

    Pages are added in sorted path order through Pagefind's API (the CLI walks
    folders in file-system order, which makes the bundle differ between two
    identical sites), so the bundle is byte-identical for identical input.
    """
    import asyncio

    shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)
    pages = sorted(p for p in site_dir.rglob("*.html") if BUNDLE not in p.relative_to(site_dir).parts[:1])

    async def run() -> int:
        from pagefind.index import IndexConfig, PagefindIndex

        config = IndexConfig(force_language="en", output_path=str(site_dir / BUNDLE))
        count = 0
        async with PagefindIndex(config=config) as index:
            for page in pages:
                rel = page.relative_to(site_dir).as_posix()
                url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
                await index.add_html_file(content=page.read_text(encoding="utf-8"), url=url)
                count += 1
            await index.write_files(output_path=str(site_dir / BUNDLE))
        return count

    def run_sync() -> int:
        return asyncio.run(run())

    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case: no event loop in this thread
            count = run_sync()
        else:  # called from async code (e.g. a test driving a browser): own thread
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(1) as pool:
                count = pool.submit(run_sync).result()
    except Exception as exc:  # the service is a separate binary: report, don't trace
        raise SearchFailed(f"pagefind failed: {exc}") from exc
    if not (site_dir / BUNDLE / "pagefind.js").is_file():
        raise SearchFailed("pagefind wrote no bundle")
    return count
