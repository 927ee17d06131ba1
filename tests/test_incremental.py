"""Incremental builds: exact, by recorded dependencies, byte-identical to clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dossier.output import tree_digest
from dossier.pipeline import Project, build
from dossier.progress import Reporter

SITE = {
    "people/leon-trotsky.md": "---\ntitle: Leon Trotsky\nborn: 1879-11-07\nmemberships:\n  - group: left-opposition\n    role: leader\n---\nHe led the [[Left Opposition]] with [[Lev Sedov]] [@broue-1980].\n",
    "people/lev-sedov.md": "---\ntitle: Lev Sedov\nborn: 1906-02-24\n---\nSon of [[Leon Trotsky]]. He wrote the [[people/ivan-smirnov|letters]] to Smirnov.\n\nA second paragraph.\n",
    "people/ivan-smirnov.md": "---\ntitle: Ivan Smirnov\n---\nLed the group inside the USSR.\n",
    "people/otto-bauer.md": "---\ntitle: Otto Bauer\n---\nAn Austrian socialist, unrelated to the others.\n",
    "groups/left-opposition.md": "---\ntitle: Left Opposition\nfounded: 1923\n---\nThe opposition of [[Leon Trotsky]].\n",
    "events/exile.md": "---\ntitle: Trotsky's exile\ndate: 1929-01\nparticipants: [leon-trotsky]\n---\nExile.\n",
    "sources/broue-1980.md": "---\ntitle: Trotsky et le bloc\nkind: secondary\nauthor: Pierre Broué\ndate: 1980\n---\nThe article.\n",
}


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".dossier")}


@pytest.fixture
def site(make_site, tmp_path):
    root = make_site(SITE)
    project = Project.at(root)
    project.search = False  # Pagefind has its own determinism test
    build(project, clean=True)
    return project


def clean_copy(project: Project, tmp_path: Path) -> dict[str, bytes]:
    root = tmp_path / "clean"
    shutil.copytree(project.content, root / "content")
    clean = Project.at(root)
    clean.search = False
    build(clean, clean=True)
    return files(clean.output)


def test_nothing_changed_writes_nothing(site):
    before = tree_digest(site.output)
    report = build(site)
    assert report.up_to_date and report.written == 0 and report.pages == 0
    assert tree_digest(site.output) == before


def test_body_edit_renders_only_dependent_pages_and_matches_a_clean_build(site, tmp_path):
    before = files(site.output)
    path = site.content / "people" / "lev-sedov.md"
    path.write_text(path.read_text(encoding="utf-8").replace("A second paragraph.", "A second paragraph, edited."), encoding="utf-8")
    report = build(site)
    after = files(site.output)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed == {"people/lev-sedov/index.html"}
    assert report.written == 1
    # rendered: Sedov's page and the pages his text or relations touch, not Bauer's or the indexes
    assert report.pages < 8
    assert after == clean_copy(site, tmp_path)


def test_new_mention_adds_a_backlink_on_the_target(site, tmp_path):
    path = site.content / "people" / "lev-sedov.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nHe met [[Otto Bauer]] once.\n", encoding="utf-8")
    build(site)
    bauer = (site.output / "people" / "otto-bauer" / "index.html").read_text(encoding="utf-8")
    assert "He met <mark>Otto Bauer</mark> once." in bauer
    assert files(site.output) == clean_copy(site, tmp_path)


def test_the_manifest_holds_each_key_once_however_many_pages_read_it(site, monkeypatch):
    """Pages rendered by forked workers send back what they read as copies:
    kept so, the manifest held 1.2 million strings for 37,000 keys at 5,000
    pages (37 MB to load and save at every build)."""
    from dossier import render
    from dossier.incremental import Manifest

    monkeypatch.setattr(render, "_forks", lambda pages, workers: True)
    build(site, clean=True)

    def copies(manifest) -> tuple[int, int]:
        keys = [k for read, _digest in manifest.records.values() for k in read]
        return len(set(keys)), len({id(k) for k in keys})

    first = Manifest.load(site.cache_dir, site.output)
    distinct, objects = copies(first)
    assert len(first.records) > 10 and distinct < len([k for read, _ in first.records.values() for k in read])
    assert objects == distinct  # one string a key, in memory and in the pickle
    # the records carried over and the new ones share them too, build after build
    path = site.content / "people" / "lev-sedov.md"
    for n in range(3):
        path.write_text(path.read_text(encoding="utf-8").replace("A second paragraph", f"A second paragraph ({n})"), encoding="utf-8")
        assert build(site).pages > 0
        distinct, objects = copies(Manifest.load(site.cache_dir, site.output))
        assert objects == distinct


def test_title_change_rewrites_exactly_the_pages_that_show_it(site, tmp_path):
    before = files(site.output)
    path = site.content / "people" / "lev-sedov.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Lev Sedov", "title: Leon Sedov\naliases: [Lev Sedov]"), encoding="utf-8")
    build(site)
    after = files(site.output)
    written = {k for k in after if before.get(k) != after[k]}
    shows_title = {k for k, v in after.items() if b"Leon Sedov" in v}
    # every page that now shows the new title was rewritten, and only pages
    # whose bytes had to change were written
    assert shows_title <= written
    assert "people/otto-bauer/index.html" not in written
    assert after == clean_copy(site, tmp_path)


def test_title_quoted_in_another_pages_sentence_is_rewritten(site, tmp_path):
    # Smirnov's title shows, through a by-slug link, in a sentence of
    # Trotsky's page; that sentence is quoted in the source's "Cited by" and
    # in Bauer's "What links here", pages that never link to Smirnov
    path = site.content / "people" / "leon-trotsky.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nHe wrote to [[people/ivan-smirnov]] about [[Otto Bauer]] [@broue-1980, p. 7].\n", encoding="utf-8")
    build(site)
    before = files(site.output)
    for page in ("sources/broue-1980/index.html", "people/otto-bauer/index.html"):
        assert b"He wrote to Ivan Smirnov about" in before[page]
    path = site.content / "people" / "ivan-smirnov.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Ivan Smirnov", "title: Ivan N. Smirnov"), encoding="utf-8")
    build(site)
    after = files(site.output)
    for page in ("sources/broue-1980/index.html", "people/otto-bauer/index.html"):
        assert b"He wrote to Ivan N. Smirnov about" in after[page]
    assert after == clean_copy(site, tmp_path)


def test_deleting_a_page_removes_it_and_its_backlinks(site, tmp_path):
    (site.content / "people" / "otto-bauer.md").unlink()
    build(site)
    assert not (site.output / "people" / "otto-bauer").exists()
    assert files(site.output) == clean_copy(site, tmp_path)


def test_theme_change_rebuilds_everything(site, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(Path(__file__).resolve().parent.parent / "dossier" / "theme", theme)
    build(site)  # the project now has its own theme: a new environment
    report = build(site)
    assert report.up_to_date
    (theme / "templates" / "404.html").write_text((theme / "templates" / "404.html").read_text(encoding="utf-8").replace("Page not found", "Nothing here"), encoding="utf-8")
    report = build(site)
    assert not report.up_to_date
    assert "Nothing here" in (site.output / "404.html").read_text(encoding="utf-8")
    assert report.written >= 1


def test_an_edit_reindexes_only_the_search_shard_of_its_page(make_site, tmp_path, monkeypatch):
    from dossier import search

    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # 8 pages: 4 shards, those with pages written
    project = Project.at(make_site(SITE))
    build(project, clean=True)
    bundle = project.output / "pagefind"
    held = search.shards(sorted(build(project, check_only=True).resolved.entities))
    assert len(held) >= 2 and sorted(p.name for p in bundle.iterdir()) == [str(n) for n in held]
    inodes = {p.relative_to(bundle).as_posix(): p.stat().st_ino for p in bundle.rglob("*") if p.is_file()}
    path = project.content / "people" / "otto-bauer.md"  # linked from nowhere: only its own page changes
    path.write_text(path.read_text(encoding="utf-8").replace("unrelated to the others", "unrelated to the others, and a marxist"), encoding="utf-8")
    report = build(project)
    assert report.written == 1 and "search" in report.timings
    shard = str(search.shard_of("people/otto-bauer", 4))
    rewritten = {p.relative_to(bundle).parts[0] for p in bundle.rglob("*") if p.is_file() and inodes.get(p.relative_to(bundle).as_posix()) != p.stat().st_ino}
    assert rewritten == {shard}
    # and the result is what a clean build writes
    root = tmp_path / "clean"
    shutil.copytree(project.content, root / "content")
    build(Project.at(root), clean=True)

    def bundle_files(out: Path) -> dict[str, bytes]:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}

    assert bundle_files(project.output) == bundle_files(root / "output")
    assert build(project).up_to_date


def test_the_search_input_is_kept_and_only_changed_pages_are_cut_again(make_site, tmp_path, monkeypatch):
    """What Pagefind reads of each page is kept in the cache between builds:
    an edit cuts again the pages whose bytes changed, not the whole shard,
    and the bundle stays what a clean build makes, whatever a killed build
    or a shrinking site left there."""
    import hashlib
    import json

    from dossier import search
    from dossier.incremental import Manifest
    from dossier.output import _read_tag

    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # 8 pages: 4 shards
    project = Project.at(make_site(SITE))
    build(project)
    kept = Manifest.search_input_for(project.cache_dir, project.output)
    assert _read_tag(kept) is not None

    def inputs() -> dict[str, tuple[int, int]]:  # a file written again has a new change time
        return {p.relative_to(kept).as_posix(): (p.stat().st_ino, p.stat().st_ctime_ns) for p in kept.rglob("index.html")}

    def notes(n: int) -> dict[str, str]:
        return json.loads((kept / f"{n}.json").read_text(encoding="utf-8"))

    def same_bundle_as_clean() -> bool:
        root = tmp_path / "clean"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(project.content, root / "content")
        build(Project.at(root), clean=True)

        def bundle(out: Path) -> dict[str, bytes]:
            return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}

        return bundle(project.output) == bundle(root / "output")

    shard = search.shard_of("people/otto-bauer", 4)
    first = inputs()
    # one input a page, in its shard's folder, noted with the digest of the page it was cut from
    assert sorted(first) == sorted(f"{search.shard_of(k, 4)}/{search.page_file(k)}" for k in build(project, check_only=True).resolved.entities)
    page = project.output / "people/otto-bauer/index.html"
    assert notes(shard)["people/otto-bauer/index.html"] == hashlib.sha256(page.read_bytes()).hexdigest()
    cut = (kept / str(shard) / "people/otto-bauer/index.html").read_text(encoding="utf-8")
    assert "unrelated to the others" in cut and len(cut) < len(page.read_text(encoding="utf-8")) / 2

    path = project.content / "people" / "otto-bauer.md"
    path.write_text(path.read_text(encoding="utf-8").replace("unrelated to the others", "unrelated to the others, and a marxist"), encoding="utf-8")
    assert build(project).written == 1
    now = inputs()
    assert {k for k in now if first.get(k) != now[k]} == {f"{shard}/people/otto-bauer/index.html"}
    assert "and a marxist" in (kept / str(shard) / "people/otto-bauer/index.html").read_text(encoding="utf-8")
    assert notes(shard)["people/otto-bauer/index.html"] == hashlib.sha256(page.read_bytes()).hexdigest()
    assert same_bundle_as_clean()

    # a build stopped between cutting and indexing leaves a shard without notes (and anything in it):
    # the next build makes that shard's input again whole
    (kept / f"{shard}.json").unlink()
    for p in (kept / str(shard)).rglob("index.html"):
        p.write_text("<html><body>stale</body></html>", encoding="utf-8")
    (kept / str(shard) / "people/nobody/index.html").parent.mkdir(parents=True)
    (kept / str(shard) / "people/nobody/index.html").write_text("<html><body>left over</body></html>", encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("and a marxist", "and a Marxist"), encoding="utf-8")
    build(project)
    assert not (kept / str(shard) / "people/nobody").exists()
    assert all("stale" not in p.read_text(encoding="utf-8") for p in kept.rglob("index.html"))
    assert same_bundle_as_clean()

    # a page removed leaves its shard's input; a site of fewer shards, the others
    gone = "people/ivan-smirnov"
    (project.content / f"{gone}.md").unlink()
    lev = project.content / "people/lev-sedov.md"
    lev.write_text(lev.read_text(encoding="utf-8").replace("[[people/ivan-smirnov|letters]]", "letters"), encoding="utf-8")
    build(project)
    assert not any(p.relative_to(kept).as_posix().endswith(f"{gone}/index.html") for p in kept.rglob("index.html"))
    assert same_bundle_as_clean()
    monkeypatch.setattr(search, "SHARD_PAGES", 4)  # 7 pages: 2 shards
    build(project, clean=True)
    assert sorted(p.name for p in kept.iterdir() if p.name != ".dossier-staging.json") == ["0", "0.json", "1", "1.json"]
    assert same_bundle_as_clean()


def test_a_search_input_folder_no_build_made_is_left_alone(make_site):
    from dossier.clean import clean
    from dossier.incremental import Manifest

    project = Project.at(make_site(SITE))
    kept = Manifest.search_input_for(project.cache_dir, project.output)
    (kept / "0").mkdir(parents=True)
    (kept / "0" / "notes.txt").write_text("somebody's", encoding="utf-8")
    report = build(project)
    assert (project.output / "pagefind" / "0" / "pagefind.js").is_file()
    assert (kept / "0" / "notes.txt").read_text(encoding="utf-8") == "somebody's"
    assert any(str(kept) in note and "left alone" in note for note in report.notes)
    assert not [p for p in project.output.iterdir() if p.name.startswith(".search-")]  # indexed from a folder it removed
    cleaned = clean(project.output, project.cache_dir)
    assert (kept / "0" / "notes.txt").is_file() and any(kept.name in why for why in cleaned.left)
    shutil.rmtree(kept)
    build(project)  # now one of its own, which clean removes
    assert kept.is_dir()
    clean(project.output, project.cache_dir)
    assert not kept.exists() and not project.cache_dir.exists()


def test_a_capped_neighbourhood_is_drawn_again_when_the_shape_changes_not_a_title(make_site, tmp_path, monkeypatch):
    """A page whose drawing leaves nodes out chose them by how connected
    they are across the whole network: it depends on the network's shape
    (its nodes and edges), not on the titles of pages it does not draw."""
    from dossier import views
    from dossier.progress import Reporter

    monkeypatch.setattr(views, "NEIGHBOURHOOD_MAX", 3)  # the hub and two of its five members
    people = {f"people/{s}.md": f"---\ntitle: {s.upper()}\n---\nA member.\n" for s in "abcde"}
    root = make_site({
        "groups/hub.md": "---\ntitle: Hub\nmembers: [a, b, c, d, e]\n---\nA group.\n",
        "people/zed.md": "---\ntitle: Zed\n---\nNo member.\n",
        **people,
    })
    project = Project.at(root)
    project.search = False
    build(project)

    class Heard(Reporter):
        def __init__(self):
            self.paths = []

        def rebuilt(self, path, why):
            self.paths.append(path)

    def rendered() -> list[str]:
        heard = Heard()
        build(project, reporter=heard)
        return heard.paths

    hub = "groups/hub/index.html"

    def drawing() -> str:
        page = (project.output / hub).read_text(encoding="utf-8")
        return page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="dossier-graph net-near"') :].split("</svg>", 1)[0]

    assert "the 2 closest of 5 connections" in drawing() and "people/a/" in drawing() and "people/e/" not in drawing()
    path = root / "content/people/zed.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Zed", "title: Zedd"), encoding="utf-8")
    assert hub not in rendered()  # Zed is not in the hub's neighbourhood: a title is no shape
    # a link makes E the best connected member: the hub draws E now
    path = root / "content/people/e.md"
    path.write_text(path.read_text(encoding="utf-8").replace("A member.", "A member, who knew [[Zedd]]."), encoding="utf-8")
    assert hub in rendered()
    assert "people/e/" in drawing()
    assert files(project.output) == clean_copy(project, tmp_path)


def test_shards_indexed_side_by_side_are_the_shards_indexed_one_by_one(make_site, tmp_path, monkeypatch):
    from dossier import search

    monkeypatch.setattr(search, "SHARD_PAGES", 1)  # 8 pages: 8 shards, some empty
    bundles = []
    for jobs in (1, 3):
        root = make_site(SITE, root=tmp_path / f"jobs-{jobs}")
        build(Project.at(root, jobs=jobs), clean=True)
        out = root / "output" / "pagefind"
        bundles.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
        assert len({name.split("/")[0] for name in bundles[-1]}) >= 3
        assert not [p for p in (root / "output").iterdir() if p.name.startswith(".search-")]  # no folder of links left
    assert bundles[0] == bundles[1]


def test_a_shard_pagefind_fails_on_stops_the_build_in_one_line_and_the_other_shards(make_site, monkeypatch, capsys):
    import subprocess
    import sys

    from dossier import cli, search
    from dossier.output import tree_digest

    monkeypatch.setattr(search, "SHARD_PAGES", 1)
    root = make_site(SITE)
    build(Project.at(root, jobs=2))
    before = tree_digest(root / "output")
    path = root / "content" / "people" / "otto-bauer.md"
    path.write_text(path.read_text(encoding="utf-8").replace("unrelated", "wholly unrelated"), encoding="utf-8")
    (root / "content" / "people" / "ivan-smirnov.md").write_text("---\ntitle: Ivan Smirnov\n---\nLed the group, and [[Otto Bauer]] knew it.\n", encoding="utf-8")
    real, started = subprocess.Popen, []

    def popen(cmd, *args, **kwargs):
        if "pagefind" not in cmd:  # git
            return real(cmd, *args, **kwargs)
        # the first shard fails at once, the others would take minutes
        cmd = [sys.executable, "-c", "import sys; sys.stderr.write('disk full'); sys.exit(3)" if not started else "import time; time.sleep(300)"]
        started.append(real(cmd, *args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    assert cli.main(["build", "--root", str(root), "--jobs", "2", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Pagefind stopped with exit status 3 (disk full) on shard" in err, err
    assert len(started) == 2 and all(p.poll() is not None for p in started)  # the second was stopped, not left running
    assert tree_digest(root / "output") == before


def test_a_new_view_that_reads_an_entity_it_does_not_link_stays_exact(site, tmp_path, monkeypatch):
    """A view written without a thought for incremental builds: Trotsky's
    page shows Bauer's title without linking to him, and a new file lists
    the summary of Smirnov. Nothing records a dependency by hand, yet editing
    Bauer and Smirnov rewrites both, and the result is a clean build's."""
    from dossier import views

    make = views.PageBuilder.build

    def build_with_an_aside(self):
        ctx = make(self)
        if self.entity.slug == "leon-trotsky":
            ctx["summary"] = f"Compare {self.resolved.site.get('person', 'otto-bauer').title}."
        return ctx

    pages = views.site_pages

    def with_a_list(resolved, options=None):
        smirnov = lambda: resolved.site.get("person", "ivan-smirnov").get("summary", "none") + "\n"  # noqa: E731
        return sorted(pages(resolved, options) + [views.Page("aside.txt", "aside.txt", "", lambda: {"raw": smirnov()})], key=lambda p: p.path)

    monkeypatch.setattr(views.PageBuilder, "build", build_with_an_aside)
    monkeypatch.setattr(views, "site_pages", with_a_list)
    every = build(site, clean=True).pages
    assert b"Compare Otto Bauer." in files(site.output)["people/leon-trotsky/index.html"]
    assert files(site.output)["aside.txt"] == b"none\n"

    bauer = site.content / "people" / "otto-bauer.md"
    bauer.write_text(bauer.read_text(encoding="utf-8").replace("title: Otto Bauer", "title: Otto Bauer (1881–1938)\naliases: [Otto Bauer]"), encoding="utf-8")
    smirnov = site.content / "people" / "ivan-smirnov.md"
    smirnov.write_text(smirnov.read_text(encoding="utf-8").replace("title: Ivan Smirnov", "title: Ivan Smirnov\nsummary: Old Bolshevik."), encoding="utf-8")
    report = build(site)
    after = files(site.output)
    assert b"Compare Otto Bauer (1881\xe2\x80\x931938)." in after["people/leon-trotsky/index.html"]
    assert after["aside.txt"] == b"Old Bolshevik.\n"
    assert report.pages < every  # incremental, not everything again
    assert after == clean_copy(site, tmp_path)



def test_what_a_page_records_does_not_depend_on_when_its_backlinks_are_assembled(site, tmp_path, monkeypatch):
    """Backlinks and "Cited by" are assembled when a page first reads them,
    inside the recording of what it depends on; a page must record the same
    keys as if they had all been assembled before any page was rendered."""
    from dossier import render
    from dossier.incremental import Manifest

    lazy = Manifest.load(site.cache_dir, site.output).records
    write = render.write_site

    def all_first(pages, resolved, *args, **kwargs):
        for page in resolved.entities.values():
            page.backlinks, page.cited_by  # noqa: B018
        return write(pages, resolved, *args, **kwargs)

    monkeypatch.setattr(render, "write_site", all_first)
    monkeypatch.setattr("dossier.pipeline.write_site", all_first)
    build(site, clean=True)
    eager = Manifest.load(site.cache_dir, site.output).records
    assert eager == lazy
    assert any("face:people/leon-trotsky" in keys for keys, _digest in lazy.values())


def test_a_file_whose_status_is_unchanged_is_not_read_again(site, monkeypatch, tmp_path):
    """The up-to-date check reads only the files whose status (inode, size,
    times) differs from the last build's; a file rewritten to the same size
    with its modification time put back differs in its change time."""
    import os

    from dossier import incremental

    monkeypatch.setattr(incremental, "RACY_NS", 0)  # every file here was written a moment ago
    path = site.content / "people" / "lev-sedov.md"
    path.write_text(path.read_text(encoding="utf-8").replace("A second paragraph.", "A second paragraph, edited."), encoding="utf-8")
    assert not build(site).up_to_date  # this build notes every file's status
    read: list[str] = []
    real = Path.read_bytes

    def counted(self: Path) -> bytes:
        if self.suffix == ".md":
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    assert build(site).up_to_date and read == []
    path = site.content / "people" / "otto-bauer.md"
    st = os.stat(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Austrian", "Austriah"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    report = build(site)
    assert not report.up_to_date and set(read) == {"otto-bauer.md"}
    assert "Austriah" in (site.output / "people" / "otto-bauer" / "index.html").read_text(encoding="utf-8")
    assert files(site.output) == clean_copy(site, tmp_path)


def test_a_file_changed_just_before_its_status_was_taken_is_read_again(tmp_path):
    """A change in the same tick of a coarse clock as the look could be
    followed by another the status would not show ("racily clean")."""
    import os

    from dossier.incremental import RACY_NS, FileStats

    path = tmp_path / "a.md"
    path.write_text("text", encoding="utf-8")
    st = os.stat(path)
    entry = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, "its digest")
    changed = max(st.st_ctime_ns, st.st_mtime_ns)
    assert FileStats(changed + RACY_NS + 1, {"a.md": entry}).digest("a.md", st) == "its digest"
    assert FileStats(changed + RACY_NS // 2, {"a.md": entry}).digest("a.md", st) is None
    assert FileStats(changed + RACY_NS + 1, {"a.md": (*entry[:3], st.st_ctime_ns - 1, "its digest")}).digest("a.md", st) is None
    assert FileStats(changed + RACY_NS + 1, {"b.md": entry}).digest("a.md", st) is None


def test_the_up_to_date_check_leaves_the_manifest_s_records_unread(site):
    """A manifest's digests and records (most of its bytes) are unpickled
    when first read; the up-to-date check reads neither."""
    from dossier import incremental
    from dossier.incremental import Manifest

    manifest = Manifest.load(site.cache_dir, site.output)
    assert "records" not in vars(manifest) and "digests" not in vars(manifest)
    assert incremental.up_to_date(site, manifest, incremental.environment_digest(site))
    assert "records" not in vars(manifest) and "digests" not in vars(manifest)
    # read when asked, as saved
    assert "people/lev-sedov/index.html" in manifest.records and "people/lev-sedov" in manifest.digests
    assert build(site).up_to_date


# Resolution by what it read ------------------------------------------------------

#: a page whose body reads the site in every way a resolution can: a titled
#: ``type/slug`` link, a name with a section, a plain name and a citation
READING = {
    "people/anna.md": "---\ntitle: Anna\n---\nSee [[people/boris]], [[Boris#Early life]] and [[Cyril]] [@src-1930, p. 4].\n",
    "people/boris.md": "---\ntitle: Boris Petrov\naliases: [Boris]\n---\n## Early life\n\nBorn.\n",
    "people/kirill.md": "---\ntitle: Cyril\n---\nPlain.\n",
    "people/dora.md": "---\ntitle: Dora\n---\nUnrelated, but see [[people/kirill|him]].\n",
    "sources/src-1930.md": "---\ntitle: A memoir\nkind: primary\nauthor: Someone\ndate: 1930\n---\nThe memoir.\n",
}


@pytest.fixture
def reading(make_site, monkeypatch):
    """The site above, built once; then the keys of the bodies each build resolves."""
    from dossier import resolve

    project = Project.at(make_site(READING))
    project.search = False
    build(project)
    resolved: list[str] = []
    real = resolve.resolve_body

    def counted(res, e, diags, read=None):
        resolved.append(e.key)
        return real(res, e, diags, read)

    monkeypatch.setattr(resolve, "resolve_body", counted)
    return project, resolved


def _edit(project: Project, name: str, old: str, new: str) -> None:
    path = project.content / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_resolves_again_only_the_body_edited(reading, tmp_path):
    project, resolved = reading
    _edit(project, "people/dora.md", "Unrelated", "Not related")
    build(project)
    assert resolved == ["people/dora"]
    assert files(project.output) == clean_copy(project, tmp_path)


def test_a_new_title_resolves_again_the_bodies_showing_it(reading, tmp_path):
    project, resolved = reading
    _edit(project, "people/boris.md", "title: Boris Petrov", "title: Boris Ivanov")
    build(project)
    assert resolved == ["people/anna"]  # Boris's own body reads nothing
    assert ">Boris Ivanov</a>" in (project.output / "people" / "anna" / "index.html").read_text(encoding="utf-8")
    assert files(project.output) == clean_copy(project, tmp_path)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("people/boris.md", "## Early life", "## Youth"), "link-section"),  # the section linked to is gone
        (("people/dora.md", "title: Dora", "title: Dora\naliases: [Cyril]"), "ambiguous-link"),  # a second page claims a name
        (("people/kirill.md", "title: Cyril", "title: Kirill"), "link"),  # no page has the name now
        (("sources/src-1930.md", "kind: primary", "kind: memoir"), None),  # another error; the citation still holds
    ],
)
def test_what_a_resolution_read_changing_resolves_the_body_again(reading, change, code):
    from dossier.diagnostics import BuildFailed

    project, resolved = reading
    _edit(project, *change)
    with pytest.raises(BuildFailed) as failed:
        build(project)
    found = {(d.path, d.code) for d in failed.value.diagnostics.errors}
    if code is not None:
        assert ("content/people/anna.md", code) in found
        assert "people/anna" in resolved
        # and the next build reports it again: a body whose resolution found
        # a problem is never taken from the cache
        resolved.clear()
        with pytest.raises(BuildFailed) as again:
            build(project)
        assert ("content/people/anna.md", code) in {(d.path, d.code) for d in again.value.diagnostics.errors}
        assert "people/anna" in resolved
    else:
        assert "people/anna" not in resolved


@pytest.mark.parametrize(
    ("removed", "page", "code"),
    [
        ("people/kirill.md", "people/dora", "link"),  # named by its type/slug alone
        ("sources/src-1930.md", "people/anna", "citation"),
    ],
)
def test_a_page_or_source_removed_resolves_again_the_bodies_naming_it(reading, removed, page, code):
    from dossier.diagnostics import BuildFailed

    project, resolved = reading
    (project.content / removed).unlink()
    with pytest.raises(BuildFailed) as failed:
        build(project)
    assert (f"content/{page}.md", code) in {(d.path, d.code) for d in failed.value.diagnostics.errors}
    assert page in resolved


def test_what_no_body_reads_any_more_is_forgotten_and_the_rest_still_seen(reading):
    """When most of what the kept resolutions read is read by no body any
    more, it is numbered afresh; a kept resolution still sees its own."""
    from dossier import resolve
    from dossier.cache import ContentCache
    from dossier.diagnostics import BuildFailed

    project, resolved = reading
    _edit(project, "people/anna.md", "See [[people/boris]], [[Boris#Early life]] and [[Cyril]] [@src-1930, p. 4].", "No links now [@src-1930].")
    build(project)
    cache = ContentCache(project.cache_dir)
    read, _values = cache.get(f"{resolve.RESOLUTIONS_ROW}dossier")
    cache.close()
    assert sorted(read) == [("key", "person", "kirill"), ("source", "src-1930")]
    (project.content / "people/kirill.md").unlink()
    resolved.clear()
    with pytest.raises(BuildFailed) as failed:
        build(project)
    assert ("content/people/dora.md", "link") in {(d.path, d.code) for d in failed.value.diagnostics.errors}
    assert resolved == ["people/dora"]


def test_a_body_refused_as_too_large_is_reported_by_every_build(make_site, monkeypatch):
    """Its rendering is kept in the cache, yet its resolution is not: the
    next build reports it again."""
    from dossier import markup
    from dossier.diagnostics import BuildFailed

    monkeypatch.setattr(markup, "MAX_MARKDOWN_WORK", 2_000)
    project = Project.at(make_site({**READING, "articles/long.md": "---\ntitle: Long\n---\n" + "Trotsky's words in a paragraph. " * 300 + "\n"}))
    project.search = False
    for _ in range(2):
        with pytest.raises(BuildFailed) as failed:
            build(project)
        assert [(d.path, d.code) for d in failed.value.diagnostics.errors] == [("content/articles/long.md", "too-large")]


class Why(Reporter):
    """A reporter keeping why each page was rendered (page path -> reason)."""

    def __init__(self):
        super().__init__()
        self.why: dict[str, str] = {}

    def rebuilt(self, path, reason):
        self.why[path] = reason


def test_an_edit_outside_the_sentences_quoted_elsewhere_renders_its_page_alone(site, tmp_path):
    """Sedov's body links to Trotsky and Smirnov, whose pages quote the
    sentences with those links: an edit of another sentence changes nothing
    they show, so only his own page is rendered (and the pages that list
    every page's words: none in this site)."""
    path = site.content / "people" / "lev-sedov.md"
    path.write_text(path.read_text(encoding="utf-8").replace("A second paragraph.", "A second paragraph, edited."), encoding="utf-8")
    told = Why()
    report = build(site, reporter=told)
    assert sorted(told.why) == ["people/lev-sedov/index.html"], told.why
    assert report.pages == 1
    # the sentence quoted on Trotsky's page: his page too
    path.write_text(path.read_text(encoding="utf-8").replace("Son of [[Leon Trotsky]].", "The son of [[Leon Trotsky]]."), encoding="utf-8")
    told = Why()
    before = files(site.output)
    build(site, reporter=told)
    assert "what content/people/lev-sedov.md says of other pages changed" in told.why["people/leon-trotsky/index.html"]
    # (Smirnov's page as well, since what a body says is one key; its bytes are the same)
    assert {k for k, v in files(site.output).items() if before.get(k) != v} == {"people/lev-sedov/index.html", "people/leon-trotsky/index.html"}
    assert files(site.output) == clean_copy(site, tmp_path)


def test_a_new_title_renders_the_pages_quoting_a_sentence_that_shows_it(make_site):
    """Anna's body shows Boris's title in one sentence and names Cyril in
    another: Boris's new title changes the sentence Boris's page quotes, not
    the one Cyril's page quotes."""
    project = Project.at(make_site({**READING, "people/anna.md": "---\ntitle: Anna\n---\nShe knew [[people/boris]] well. She also met [[Cyril]].\n"}))
    project.search = False
    build(project)
    _edit(project, "people/boris.md", "title: Boris Petrov", "title: Boris Ivanov")
    told = Why()
    build(project, reporter=told)
    assert "people/anna/index.html" in told.why and "people/boris/index.html" in told.why
    assert "people/kirill/index.html" not in told.why, told.why["people/kirill/index.html"]
    assert "She knew <mark>Boris Ivanov</mark> well." in (project.output / "people" / "boris" / "index.html").read_text(encoding="utf-8")
