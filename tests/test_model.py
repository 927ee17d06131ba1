"""dossier.model: discovery, validation into entities, the name index."""

from __future__ import annotations

import os

from conftest import messages

from dossier import model
from dossier.diagnostics import Diagnostics
from dossier.model import index_names, load_site


def load(root):
    diags = Diagnostics()
    site = load_site(root / "content", root, diags)
    return site, messages(diags)


def test_entities_by_type_with_keys_and_urls(make_site):
    root = make_site(
        {
            "people/lev-sedov.md": "---\ntitle: Lev Sedov\nborn: 1906-02-24\n---\nBody.\n",
            "groups/left-opposition.md": "---\ntitle: Left Opposition\n---\n",
            "events/e.md": "---\ntitle: E\ndate: 1930\n---\n",
            "sources/s.md": "---\ntitle: S\nkind: primary\n---\n",
            "articles/a.md": "---\ntitle: A\n---\n",
        }
    )
    site, msgs = load(root)
    assert msgs == []
    assert [(e.kind, e.key, e.url) for e in site] == [
        ("article", "articles/a", "articles/a/"),
        ("event", "events/e", "events/e/"),
        ("group", "groups/left-opposition", "groups/left-opposition/"),
        ("person", "people/lev-sedov", "people/lev-sedov/"),
        ("source", "sources/s", "sources/s/"),
    ]
    sedov = site.get("person", "lev-sedov")
    assert sedov.body == "Body.\n"
    assert sedov.get("born").edtf == "1906-02-24"
    assert site.get("group", "lev-sedov") is None


def test_home_page_is_index_md(make_site):
    root = make_site({"index.md": "---\ntitle: The Bloc\nsummary: An introduction.\n---\nWelcome.\n"})
    site, msgs = load(root)
    assert msgs == []
    assert site.home.title == "The Bloc" and site.home.kind == "home" and site.home.url == ""
    assert list(site) == []


def test_home_page_accepts_only_title_and_summary(make_site):
    root = make_site({"index.md": "---\ntitle: Home\nborn: 1900\n---\n"})
    _, msgs = load(root)
    assert msgs == ["content/index.md:3:1: error[unknown-field]: unknown field 'born' for a home"]


def test_names_include_slug_title_aliases_and_native_name(make_site):
    root = make_site({"people/lev-sedov.md": "---\ntitle: Lev Sedov\naliases: [Leon Sedov]\nnative_name: Лев Седов\n---\n"})
    site, _ = load(root)
    assert site.get("person", "lev-sedov").names == ["lev-sedov", "Lev Sedov", "Leon Sedov", "Лев Седов"]


def test_index_names_is_folded(make_site):
    root = make_site(
        {
            "people/g.md": "---\ntitle: Grigory Zinov'ev\n---\n",
            "people/h.md": "---\ntitle: H\naliases: [grigory zinovev]\n---\n",
        }
    )
    site, _ = load(root)
    index = index_names(site)
    assert [e.slug for e in index["grigory zinovev"]] == ["g", "h"]
    assert [e.slug for e in index["h"]] == ["h"]


def test_entity_with_a_bad_field_is_still_loaded(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\nborn: never\nroles: [Leader]\n---\n"})
    site, msgs = load(root)
    assert len(msgs) == 1 and "error[date]" in msgs[0]
    a = site.get("person", "a")
    assert "born" not in a.fields and a.get("roles") == ["Leader"]


def test_entity_without_a_title_is_not_loaded(make_site):
    root = make_site({"people/a.md": "---\nborn: 1900\n---\n"})
    site, msgs = load(root)
    assert site.get("person", "a") is None
    assert msgs == ["content/people/a.md:1:1: error[required]: the required field 'title' is missing"]


def test_other_files_warn_hidden_files_are_skipped(make_site):
    root = make_site(
        {
            "people/a.md": "---\ntitle: A\n---\n",
            "people/notes.txt": "notes",
            "people/.a.md.swp": "x",
            "people/a.md~": "backup",
            ".git/HEAD": "ref",
        }
    )
    site, msgs = load(root)
    assert [e.slug for e in site] == ["a"]
    assert msgs == ["content/people/notes.txt:1:1: warning[folder]: not a Markdown file: ignored (content files end in .md)"]


def test_symlink_inside_content_is_followed(make_site):
    root = make_site({"people/a.md": "---\ntitle: A\n---\n", "drafts.txt": "x"})
    (root / "content/shared").mkdir()
    (root / "content/shared/b.txt").write_text("x")
    os.symlink(root / "content/people/a.md", root / "content/people/b.md")
    site, msgs = load(root)
    assert [e.slug for e in site] == ["a", "b"]
    assert not any("symlink" in m for m in msgs)


def test_slug_with_uppercase_or_underscore_is_refused(make_site):
    root = make_site({"people/Lev_Sedov.md": "---\ntitle: Lev Sedov\n---\n"})
    site, msgs = load(root)
    assert list(site) == []
    assert msgs == [
        "content/people/Lev_Sedov.md:1:1: error[file-name]: the file name 'Lev_Sedov.md' is not a slug "
        "(lowercase ASCII letters, digits and hyphens) (rename it to 'lev-sedov.md')"
    ]


def test_too_large_file_refused(make_site, monkeypatch):
    monkeypatch.setattr(model, "MAX_FILE_BYTES", 100)
    root = make_site({"people/a.md": "---\ntitle: A\n---\n" + "x" * 200})
    site, msgs = load(root)
    assert list(site) == []
    assert msgs == ["content/people/a.md:1:1: error[too-large]: the file is 217 bytes; the limit is 100"]


def test_type_mismatch_points_at_the_type_field(make_site):
    root = make_site({"events/e.md": "---\ntitle: E\ndate: 1930\ntype: article\n---\n"})
    _, msgs = load(root)
    assert msgs == ["content/events/e.md:4:7: error[type-mismatch]: 'type' says article but the file is in events/, which holds events"]
