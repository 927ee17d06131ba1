"""The content cache: an entry is read when the build needs it and written only
when it is new; a cache that cannot be read is made again, never trusted."""

from __future__ import annotations

import pickle
import sqlite3
from collections import Counter

import pytest

from dossier import cache as cache_module
from dossier import markup, model, network, pipeline, resolve
from dossier.cache import ContentCache, atomic_pickle, generator_version
from dossier.diagnostics import BuildFailed
from dossier.pipeline import Project, build
from dossier.resolve import _bucket
from dossier.views import NETWORK

SITE = {
    "people/leon-trotsky.md": "---\ntitle: Leon Trotsky\n---\nHe led the [[Left Opposition]] [@broue-1980].\n",
    "people/lev-sedov.md": "---\ntitle: Lev Sedov\n---\nSon of [[people/leon-trotsky]].\n",
    "people/otto-bauer.md": "---\ntitle: Otto Bauer\n---\nAn Austrian socialist.\n",
    "groups/left-opposition.md": "---\ntitle: Left Opposition\n---\nThe opposition of [[Leon Trotsky]].\n",
    "sources/broue-1980.md": "---\ntitle: Trotsky et le bloc\nkind: secondary\nauthor: Pierre Broué\ndate: 1980\n---\nThe article.\n",
}
FILES = len(SITE)  # no home page in this site
#: a file's parsed document, its rendered body and that body's text; what
#: the checks across pages found in the front matter, and the relations
#: derived from it; what the bodies' resolutions read, and the rows holding
#: those resolutions
ROWS = 3 * FILES + 3 + len({_bucket(name.removesuffix(".md")) for name in SITE})
#: the pages whose bodies link to or cite another: a build keeps what they say of it
SAYING = ["groups/left-opposition", "people/leon-trotsky", "people/lev-sedov"]


@pytest.fixture
def project(make_site):
    p = Project.at(make_site(SITE))
    p.search = False
    return p


@pytest.fixture
def counted(monkeypatch):
    """How many files were parsed and bodies rendered (cache misses), and
    which pages' mentions of other pages were found again."""
    calls = {"parse": 0, "markdown": 0, "mentions": []}
    real_parse, real_render, real_mentions = model.parse_document, pipeline.render_markdown, resolve.body_mentions

    def parse(*a, **k):
        calls["parse"] += 1
        return real_parse(*a, **k)

    def render(*a, **k):
        calls["markdown"] += 1
        return real_render(*a, **k)

    def mentions(page):
        calls["mentions"].append(page.entity.key)
        return real_mentions(page)

    monkeypatch.setattr(model, "parse_document", parse)
    monkeypatch.setattr(pipeline, "render_markdown", render)
    monkeypatch.setattr(resolve, "body_mentions", mentions)
    return calls


def rows(project: Project) -> dict[str, bytes]:
    with sqlite3.connect(project.cache_dir / ContentCache.FILE) as db:
        return dict(db.execute("SELECT key, value FROM entries"))


def edit(project: Project, name: str, old: str, new: str) -> None:
    path = project.content / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_an_edit_parses_and_renders_only_the_edited_file(project, counted):
    build(project, check_only=True)
    assert counted == {"parse": FILES, "markdown": FILES, "mentions": []}  # no page is shown: none is quoted
    edit(project, "people/otto-bauer.md", "An Austrian", "An Austrian Marxist and")
    counted.update(parse=0, markdown=0, mentions=[])
    build(project, check_only=True)
    assert counted == {"parse": 1, "markdown": 1, "mentions": []}


def test_a_build_finds_what_a_body_says_of_other_pages_once(project, counted):
    build(project)
    assert sorted(counted["mentions"]) == SAYING
    assert sum(k.startswith("mentions:") for k in rows(project)) == len(SAYING)
    # Bauer's body links nowhere: his edit is quoted on no page
    edit(project, "people/otto-bauer.md", "An Austrian", "An Austrian Marxist and")
    counted.update(mentions=[])
    build(project)
    assert counted["mentions"] == []
    # Sedov's is quoted on Trotsky's page: found again for it, the others kept
    edit(project, "people/lev-sedov.md", "Son of", "The son of")
    counted.update(mentions=[])
    build(project)
    assert counted["mentions"] == ["people/lev-sedov"]
    assert sum(k.startswith("mentions:") for k in rows(project)) == len(SAYING)
    page = (project.output / "people" / "leon-trotsky" / "index.html").read_text(encoding="utf-8")
    assert "The son of <mark>Leon Trotsky</mark>." in page


def test_a_new_title_finds_again_the_mentions_of_the_pages_that_show_it(project, counted):
    build(project)
    edit(project, "people/leon-trotsky.md", "title: Leon Trotsky", "title: Lev Trotsky\naliases: [Leon Trotsky]")
    counted.update(parse=0, markdown=0, mentions=[])
    build(project)
    # Sedov's link by address shows the title; the others name him as written
    assert counted == {"parse": 1, "markdown": 0, "mentions": ["people/lev-sedov"]}
    page = (project.output / "people" / "leon-trotsky" / "index.html").read_text(encoding="utf-8")
    assert "Son of <mark>Lev Trotsky</mark>." in page
    assert "Son of <mark>Leon Trotsky</mark>." not in page


def test_an_edit_of_bodies_only_takes_the_checks_across_pages_from_the_cache(make_site, monkeypatch):
    """What the checks of the fields find depends on the front matter alone:
    kept for the builds whose front matter is the same, to the character,
    since the diagnostics say where they are."""
    project = Project.at(make_site({
        "people/otto-bauer.md": "---\ntitle: Otto Bauer\nborn: 1938\ndied: 1881\n---\nAn Austrian socialist.\n",
        "people/lev-sedov.md": "---\ntitle: Lev Sedov\nborn: 1906\ndied: 1938\n---\nHe wrote the [[Otto Bauer]] letters.\n",
    }))
    calls = []
    real = resolve._check_dates
    monkeypatch.setattr(resolve, "_check_dates", lambda site, diags: (calls.append(1), real(site, diags)))

    def found() -> list[str]:
        with pytest.raises(BuildFailed) as failed:
            build(project, check_only=True)
        return [d.format() for d in failed.value.diagnostics]

    first = found()
    assert first == ["content/people/otto-bauer.md:4:7: error[date-order]: died (1881) before being born (1938)"] and calls == [1]
    edit(project, "people/otto-bauer.md", "An Austrian", "An Austrian Marxist and")
    edit(project, "people/lev-sedov.md", "He wrote", "Sedov wrote")
    assert found() == first and calls == [1]  # from the cache
    # the same fields, a line lower: found again, where they now are
    edit(project, "people/otto-bauer.md", "born:", "# the dates as Bauer's biographers give them\nborn:")
    assert found() == ["content/people/otto-bauer.md:5:7: error[date-order]: died (1881) before being born (1938)"] and calls == [1, 1]
    # another page's fields change what the checks find: found again
    edit(project, "people/lev-sedov.md", "died: 1938", "died: 1938\naliases: [Lyova]")
    assert found()[0].startswith("content/people/otto-bauer.md:5:7:") and calls == [1, 1, 1]
    assert sum(k.startswith(resolve.CHECKS_ROW) for k in rows(project)) == 1  # the others forgotten


def test_the_files_the_up_to_date_check_read_are_not_read_again(project, monkeypatch):
    from dossier import incremental

    build(project)
    read = []
    real_read = model._read
    monkeypatch.setattr(model, "_read", lambda path, *a: (read.append(path.name), real_read(path, *a))[1])
    edit(project, "people/otto-bauer.md", "An Austrian", "An Austrian Marxist and")
    build(project)
    assert read == ["otto-bauer.md"]  # only the file the cache does not hold
    # a file changed after the check is built as the check found it, then again
    real_check = incremental.up_to_date

    def check(*a, **k):
        answer = real_check(*a, **k)
        edit(project, "people/lev-sedov.md", "Son of", "The son of")
        return answer

    monkeypatch.setattr(incremental, "up_to_date", check)
    edit(project, "people/otto-bauer.md", "Marxist", "social democrat")
    build(project)
    page = project.output / "people" / "lev-sedov" / "index.html"
    assert "Son of" in page.read_text(encoding="utf-8")
    monkeypatch.setattr(incremental, "up_to_date", real_check)
    assert not build(project).up_to_date
    assert "The son of" in page.read_text(encoding="utf-8")


def test_the_names_of_a_page_are_folded_once_and_kept_with_it(project, monkeypatch):
    build(project, check_only=True)
    folded = []
    real = model.fold
    monkeypatch.setattr(model, "fold", lambda text: (folded.append(text), real(text))[1])
    edit(project, "people/otto-bauer.md", "An Austrian", "An Austrian Marxist and")
    build(project, check_only=True)
    assert folded == ["otto-bauer", "Otto Bauer"]  # the edited page's names only: the others' came with them


def test_forked_renderers_read_the_rows_their_pages_need_with_their_own_connection(project, monkeypatch, tmp_path):
    """A page renderer forked from the build reads the cache through a
    connection it opens (the inherited one is not its to use): it finds the
    bodies' texts there, and renders none again."""
    import os

    from dossier import render

    log = tmp_path / "rendered.log"
    real = pipeline.render_markdown

    def counted(body):
        with open(log, "a", encoding="utf-8") as fh:  # written by whichever process renders
            fh.write(f"{os.getpid()}\n")
        return real(body)

    monkeypatch.setattr(render, "_forks", lambda pages, workers: True)
    build(project)
    monkeypatch.setattr(pipeline, "render_markdown", counted)
    texts: list[tuple[int, str]] = []  # (process, body) of each text read from the cache
    real_fetch = pipeline._fetch

    def fetch(cache, key, body):
        inner = real_fetch(cache, key, body)
        return lambda: (texts.append((os.getpid(), body.split(".")[0])), inner())[1]

    monkeypatch.setattr(pipeline, "_fetch", fetch)
    edit(project, "people/lev-sedov.md", "Son of", "The son of")
    build(project)
    assert log.read_text(encoding="utf-8").split() == [str(os.getpid())]  # the edited body, by the build itself
    # and the build itself read no body's text: the renderers did
    assert texts == []
    page = (project.output / "people" / "leon-trotsky" / "index.html").read_text(encoding="utf-8")
    assert "The son of <mark>Leon Trotsky</mark>." in page
    assert pages(project.output) == clean_pages(project, tmp_path)


def _text_read(rendered) -> bool:
    """Whether a body's text was read (or rendered) by the build; asked of
    a body still in the cache (pipeline.LaterRendered), nothing was read."""
    if isinstance(rendered, pipeline.LaterRendered):
        rendered = object.__getattribute__(rendered, "_rendered")
    return rendered is not None and rendered.text is not None


def test_what_forked_renderers_find_of_the_bodies_is_kept_for_the_next_build(project, counted, monkeypatch, tmp_path):
    """What a page's body says of others (resolve.Mentions) is found when a
    page quoting it is rendered: in a forked renderer, the rows it made are
    handed back to the build, which saves them; a later build finds them."""
    from dossier import render

    monkeypatch.setattr(render, "_forks", lambda pages, workers: True)
    build(project)
    kept = {k.removeprefix("mentions:") for k in rows(project) if k.startswith("mentions:")}
    assert set(SAYING) <= kept and counted["mentions"] == []  # none found by the build's own process
    monkeypatch.setattr(render, "_forks", lambda pages, workers: False)
    edit(project, "people/lev-sedov.md", "Son of", "The son of")
    build(project)
    assert counted["mentions"] == ["people/lev-sedov"]  # the edited body's alone
    assert pages(project.output) == clean_pages(project, tmp_path)


def test_save_writes_the_new_entries_and_forgets_the_stale_ones(project):
    build(project, check_only=True)
    before = rows(project)
    assert len(before) == ROWS
    edit(project, "people/otto-bauer.md", "An Austrian", "An Austrian Marxist and")
    build(project, check_only=True)
    after = rows(project)
    assert len(after) == ROWS
    gone, added = set(before) - set(after), set(after) - set(before)
    assert len(gone) == len(added) == 3 and all("otto-bauer" in k for k in gone if k.startswith("doc:"))
    # the entries of unchanged files were not rewritten; of the rows of
    # resolutions, the one holding the edited body's was
    resolution = f"resolutions:dossier:{_bucket('people/otto-bauer')}"
    assert all(after[k] == before[k] for k in set(before) & set(after) - {resolution})
    assert after[resolution] != before[resolution]


def test_an_unchanged_site_leaves_the_file_alone(project):
    build(project, check_only=True)
    path = project.cache_dir / ContentCache.FILE
    stamp = path.stat().st_mtime_ns, path.read_bytes()
    build(project, check_only=True)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == stamp


def test_another_generator_versions_cache_is_not_used(project, counted):
    build(project, check_only=True)
    with sqlite3.connect(project.cache_dir / ContentCache.FILE) as db:
        db.execute("UPDATE meta SET value = 'an-older-one' WHERE name = 'generator'")
    counted.update(parse=0, markdown=0, mentions=[])
    build(project, check_only=True)
    assert counted == {"parse": FILES, "markdown": FILES, "mentions": []}
    with sqlite3.connect(project.cache_dir / ContentCache.FILE) as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'generator'").fetchone() == (generator_version(),)
    assert len(rows(project)) == ROWS


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_damaged_file_is_made_again(project, counted, damage):
    report = build(project)
    page = (project.output / "people" / "otto-bauer" / "index.html").read_bytes()
    (project.cache_dir / ContentCache.FILE).write_bytes(damage)
    edit(project, "people/otto-bauer.md", "An Austrian", "An Austrian Marxist and")
    counted.update(parse=0, markdown=0, mentions=[])
    report = build(project)
    assert not report.notes
    # (only Bauer's page was rendered: it quotes no other page)
    assert counted == {"parse": FILES, "markdown": FILES, "mentions": []}
    kept = rows(project)
    assert len(kept) == ROWS + 1 and sum(k.startswith("network:") for k in kept) == 1  # and the site's network
    assert (project.output / "people" / "otto-bauer" / "index.html").read_bytes() != page


def test_a_row_that_cannot_be_read_is_made_again(project, counted):
    build(project, check_only=True)
    with sqlite3.connect(project.cache_dir / ContentCache.FILE) as db:
        key = next(k for (k,) in db.execute("SELECT key FROM entries WHERE key LIKE 'md:%'"))
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (b"\x80\x05 torn", key))
    counted.update(parse=0, markdown=0, mentions=[])
    build(project, check_only=True)  # a check reads no body it has resolved before
    assert counted["markdown"] == 0 and rows(project)[key] == b"\x80\x05 torn"
    build(project)  # the pages read every body: the torn one is rendered again
    assert counted["parse"] == 0 and counted["markdown"] == 1
    value = rows(project)[key]
    assert pickle.loads(value).refs  # the row was written again, whole


def test_the_single_pickle_of_earlier_versions_is_removed_once_replaced(project):
    project.cache_dir.mkdir(parents=True)
    old = project.cache_dir / ContentCache.OLD_FILE
    atomic_pickle(old, ("an-older-generator", {}))
    build(project, check_only=True)
    assert not old.exists()
    assert (project.cache_dir / ContentCache.FILE).is_file()


def test_a_file_of_that_name_dossier_did_not_write_is_left_alone(project):
    project.cache_dir.mkdir(parents=True)
    old = project.cache_dir / ContentCache.OLD_FILE
    old.write_bytes(b"somebody's notes")
    build(project, check_only=True)
    assert old.read_bytes() == b"somebody's notes"


def test_a_cache_that_cannot_be_written_says_so_in_the_words_of_the_file_system(project, monkeypatch):
    real = sqlite3.connect

    def connect(database, *a, **k):
        if not str(database).startswith("file:"):  # the connection that writes
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real(database, *a, **k)

    monkeypatch.setattr(cache_module.sqlite3, "connect", connect)
    c = ContentCache(project.cache_dir)
    c.put("md:x", markup.render_markdown("Text."))
    with pytest.raises(OSError, match="readonly database") as info:
        c.save()
    assert info.value.filename == str(project.cache_dir / ContentCache.FILE)


def test_without_a_folder_nothing_is_written(tmp_path):
    c = ContentCache(None)
    c.put("md:x", markup.render_markdown("Text."))
    assert c.get("md:x").html.startswith("<p>Text.")
    c.save()
    assert not any(tmp_path.iterdir())


def test_the_network_is_kept_for_the_builds_of_the_same_shape(project, monkeypatch, tmp_path):
    made = []
    real = network.build_graph
    monkeypatch.setattr(network, "build_graph", lambda resolved: made.append(1) or real(resolved))
    build(project)
    assert len(made) == 1
    build(project, check_only=True)  # a check keeps it for the next build
    # new words, the same fields and links: the network is taken from the cache
    edit(project, "people/lev-sedov.md", "Son of", "The son of")
    report = build(project)
    assert len(made) == 1 and report.resolved.memo.made(NETWORK) is not None
    sedov = (project.output / "people" / "lev-sedov" / "index.html").read_text(encoding="utf-8")
    assert "The son of" in sedov and "<svg" in sedov  # his neighbourhood, drawn from the kept network
    # a new link changes the network's shape: it is made again, and replaces the old one
    edit(project, "people/otto-bauer.md", "socialist.", "socialist who met [[Lev Sedov]].")
    build(project)
    assert len(made) == 2
    assert sum(k.startswith("network:") for k in rows(project)) == 1
    sedov = (project.output / "people" / "lev-sedov" / "index.html").read_text(encoding="utf-8")
    assert "Otto Bauer" in sedov
    # and the site is the one a clean build makes
    assert pages(project.output) == clean_pages(project, tmp_path)


def clean_pages(project: Project, tmp_path) -> dict[str, bytes]:
    """The pages a clean build of the same content writes."""
    clean = Project.at(project.root, output=tmp_path / "clean")
    clean.search = False
    build(clean, clean=True)
    return pages(clean.output)


def pages(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".dossier")}


def test_a_bodys_text_is_read_only_for_the_pages_that_show_it(project, monkeypatch):
    read: list[str] = []
    real = pipeline._fetch

    def fetch(cache, key, body):
        inner = real(cache, key, body)

        def counted():
            read.append(body.split(".")[0])
            return inner()

        return counted

    monkeypatch.setattr(pipeline, "_fetch", fetch)
    build(project)
    read.clear()  # a first build reads back every text it rendered (see below)
    # Sedov's new words are quoted on Trotsky's page, which is rendered again
    # from its kept text; Sedov's own was rendered anew; nobody else's is read
    edit(project, "people/lev-sedov.md", "Son of", "The son of")
    report = build(project)
    # Sedov's, rendered by this build, is read back from the cache each time
    # it is asked for (his page; what it says, for Trotsky's): texts are not held
    assert sorted(read) == ["He led the [[Left Opposition]] [@broue-1980]", "The son of [[people/leon-trotsky]]", "The son of [[people/leon-trotsky]]"]
    # after the build (the devserver's previews) a text is still there: rendered again, the same
    bauer = report.resolved.of(report.resolved.site.get("person", "otto-bauer")).markdown
    assert not _text_read(bauer)
    assert bauer.html == markup.render_markdown(bauer_body(project)).html


def bauer_body(project) -> str:
    return (project.content / "people" / "otto-bauer.md").read_text(encoding="utf-8").split("---\n", 2)[2]


def test_two_files_with_the_same_body_share_its_row_and_each_shows_it(make_site):
    same = "The same words, linking [[Leon Trotsky]].\n"
    project = Project.at(make_site({**SITE, "people/a.md": "---\ntitle: A\n---\n" + same, "people/b.md": "---\ntitle: B\n---\n" + same}))
    project.search = False
    report = build(project)
    assert not report.notes  # the cache was saved
    for slug in ("a", "b"):
        assert "The same words, linking" in (project.output / "people" / slug / "index.html").read_text(encoding="utf-8")
    edit(project, "people/a.md", "title: A", "title: A2")
    assert not build(project).notes
    assert "The same words, linking" in (project.output / "people" / "b" / "index.html").read_text(encoding="utf-8")


def _what_was_derived(res) -> dict:
    """Everything resolution derived for each page of ``res``, by keys and values."""
    out = {}
    for key, page in res.entities.items():
        out[key] = (
            {title: [(r.entity.key, r.said, r.sort, r.given) for r in items] for title, items in page.derived.items()},
            [(holder.key, ref.field, ref.keypath, ref.slug) for holder, ref in page.referenced_by],
            [(p.holder.key, p.debate, p.said) for p in page.positions],
            page.targets_of_fields(res.site),
            [(type(r).__name__, getattr(r.target, "key", None), r._label, r._fragment, r.titled) if hasattr(r, "titled") else r.cites for r in page.resolved_refs],
            page.targets_of_body(res.site),
        )
    return out


def test_what_the_cache_gives_of_a_resolution_is_what_resolving_finds(tmp_path):
    """On the project's own content (relations, records, debates, sections,
    citations of every kind): the relations and the bodies' resolutions
    taken from the cache are those a build without a cache derives."""
    import shutil

    from conftest import REPO

    from dossier.diagnostics import Diagnostics

    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    fresh = pipeline.read_and_resolve(Project.at(root), Diagnostics())
    for _ in range(2):  # the second time from the rows the first one kept
        cache = ContentCache(tmp_path / "cache")
        kept = pipeline.read_and_resolve(Project.at(root), Diagnostics(), cache=cache)
        cache.save()
        if _ == 1:
            assert kept.entities[next(iter(kept.entities))].later_refs is not None  # (taken from the cache)
            assert sum(p.later_incoming is not None for p in kept.entities.values()) > 50
        assert _what_was_derived(kept) == _what_was_derived(fresh)
        cache.close()


def test_an_edit_outside_the_sentences_quoted_elsewhere_keeps_what_the_body_says(project, counted):
    """What a body says of others is kept by the digest of the sentences
    that link or cite (and their references): a sentence added that links
    nowhere finds nothing again, and the page quoting the body is not
    rendered again."""
    build(project)
    trotsky = project.output / "people" / "leon-trotsky" / "index.html"
    stamp = trotsky.stat().st_mtime_ns
    edit(project, "groups/left-opposition.md", "The opposition of [[Leon Trotsky]].\n", "The opposition of [[Leon Trotsky]].\n\nIt was founded in 1923.\n")
    counted.update(mentions=[])
    report = build(project)
    assert counted["mentions"] == [] and report.pages == 1
    assert trotsky.stat().st_mtime_ns == stamp
    edit(project, "groups/left-opposition.md", "The opposition of", "The opposition led by")
    build(project)
    assert counted["mentions"] == ["groups/left-opposition"]
    assert "The opposition led by <mark>Leon Trotsky</mark>." in trotsky.read_text(encoding="utf-8")


def test_a_first_build_leaves_the_texts_it_rendered_on_disk_once_saved(project, monkeypatch):
    """A body rendered by this build is in memory until the cache holds it;
    then each page reads its own from there, as a later build would, and
    lets it go once written."""
    report = build(project)
    bodies = [page.markdown for page in report.resolved.entities.values()]
    assert bodies and all(isinstance(r, pipeline.LaterRendered) for r in bodies)
    assert all(object.__getattribute__(r, "_rendered") is None for r in bodies)
    page = (project.output / "people" / "lev-sedov" / "index.html").read_text(encoding="utf-8")
    assert "Son of <a" in page
    # a cache that could not be saved holds nothing on disk: the texts stay
    def refuse(self, forget=True):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ContentCache, "save", refuse)
    (project.content / "people" / "otto-bauer.md").write_text("---\ntitle: Otto Bauer\n---\nAn Austrian Marxist.\n", encoding="utf-8")
    report = build(project, clean=True)
    bauer = report.resolved.of(report.resolved.site.get("person", "otto-bauer")).markdown
    assert isinstance(bauer, markup.Rendered) and bauer.text is not None and "An Austrian Marxist." in bauer.html


def _held(resolved) -> list[str]:
    """The pages whose backlinks, "Cited by", references or cached body are held."""
    out = []
    for key, page in resolved.entities.items():
        body = object.__getattribute__(page.markdown, "_rendered") if isinstance(page.markdown, pipeline.LaterRendered) else None
        if page.given_backlinks is not None or page.given_cited_by is not None or body is not None or (page.later_refs is not None and page.given_refs is not None):
            out.append(key)
    return out


def test_writing_holds_what_one_page_read_not_what_every_page_did(project, monkeypatch, tmp_path):
    """What a page read of others (their backlinks and "Cited by", the
    references and bodies the cache gave) is let go of once it is written,
    and found again by the next page that needs it: the same pages as when
    all of it is held."""
    from dossier import render

    build(project)
    report = build(project, clean=True)  # every body and resolution from the cache
    assert _held(report.resolved) == [] and resolve._HELD == []
    let_go = pages(project.output)
    monkeypatch.setattr(render, "forget_read", lambda: None)
    report = build(project, clean=True)
    assert "people/leon-trotsky" in _held(report.resolved)  # what the check above would have seen
    resolve._HELD.clear()
    assert pages(project.output) == let_go


def test_the_mentions_held_at_once_are_bounded(project, monkeypatch):
    """What each body says of others is held for the pages read last, at
    most MENTIONS_HELD of them; the others are kept as their pickles, and
    each body's is found once a build however often it is let go."""
    report = build(project)
    assert len(report.resolved.said._mentions) == len(SAYING)
    held_all = pages(project.output)
    monkeypatch.setattr(resolve, "MENTIONS_HELD", 1)
    found = Counter()  # what a body's mentions are checked against (read with them from the cache)
    digest = resolve.mentions_digest
    monkeypatch.setattr(resolve, "mentions_digest", lambda page, titles=True: (titles and found.update([page.entity.key])) or digest(page, titles))
    report = build(project, clean=True)
    said = report.resolved.said
    assert len(said._mentions) == 1
    assert pages(project.output) == held_all
    assert found and max(found.values()) == 1
    assert len(said._let_go) >= len(SAYING) - 1  # read more than once each: let go and read again
    assert all(isinstance(v, bytes) for v in said._let_go.values())


def test_what_a_forked_renderer_hands_back_it_no_longer_holds(tmp_path):
    cache = ContentCache(tmp_path)
    cache._origin = -1  # as in a renderer forked from the build
    cache.put("mentions:people/lev-sedov", ("digest", "what it says"))
    made = cache.handed_back()
    assert set(made) == {"mentions:people/lev-sedov"}
    assert cache.entries == {} and cache.get("mentions:people/lev-sedov") is None
