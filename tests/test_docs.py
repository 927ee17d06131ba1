"""The generated docs and scaffolds match the schema; `new` works."""

from pathlib import Path

import pytest
from conftest import REPO, check_site

from dossier.diagnostics import AFTER_A_BUILD, CODES, IMPORT_ONLY, NOT_IN_A_CHECKOUT
from dossier.docs import FIXES, generated_files
from dossier.pipeline import Project
from dossier.scaffold import ScaffoldError, new_entity
from dossier.schema import CONTENT_TYPES


@pytest.mark.parametrize("path", sorted(generated_files(REPO)), ids=lambda p: p.relative_to(REPO).as_posix())
def test_generated_file_is_current(path: Path):
    expected = generated_files(REPO)[path]
    assert path.read_text(encoding="utf-8") == expected, f"run `make docs`: {path} is out of date"


def test_every_diagnostic_code_is_documented():
    assert set(FIXES) == set(CODES)


def test_format_reference_lists_every_field():
    text = generated_files(REPO)[REPO / "docs" / "format.md"]
    for ctype in CONTENT_TYPES.values():
        for name in ctype.fields:
            assert f"| `{name}` |" in text


def test_new_writes_a_scaffold_that_check_explains(tmp_path):
    project = Project.at(tmp_path)
    path = new_entity(project, "person", "Иван Никитич Смирнов")
    assert path == tmp_path / "content" / "people" / "ivan-nikitich-smirnov.md"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Иван Никитич Смирнов"' in text
    assert "# memberships:" in text and "# born:" in text
    diags = check_site(tmp_path)
    assert not diags.errors  # a person needs nothing but a title


def test_new_event_leaves_the_required_date_for_check_to_report(tmp_path):
    path = new_entity(Project.at(tmp_path), "event", "Trial of the Sixteen")
    diags = check_site(tmp_path)
    assert [(d.path, d.code) for d in diags.errors] == [("content/events/trial-of-the-sixteen.md", "required")]
    assert "'date' is required" in diags.errors[0].message
    assert path.name == "trial-of-the-sixteen.md"


def test_new_refuses_to_overwrite(tmp_path):
    project = Project.at(tmp_path)
    path = new_entity(project, "group", "Left Opposition")
    path.write_text("---\ntitle: mine\n---\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="exists already"):
        new_entity(project, "group", "Left Opposition")
    assert path.read_text(encoding="utf-8") == "---\ntitle: mine\n---\n"


def test_new_folds_diacritics(tmp_path):
    path = new_entity(Project.at(tmp_path), "person", "Pierre Broué")
    assert path.name == "pierre-broue.md"


def test_ci_workflow_is_valid_against_its_schema():
    import subprocess
    import sys

    workflow = REPO / ".github" / "workflows" / "site.yml"
    exe = Path(sys.executable).with_name("check-jsonschema")
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.github-workflows", str(workflow)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "--strict" in workflow.read_text(encoding="utf-8")


def test_guide_examples_match_the_tools():
    from dossier.text import slugify

    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    assert slugify("Иван Смирнов") == "ivan-smirnov" and "`ivan-smirnov.md`" in guide


def test_the_broken_examples_show_every_diagnostic_code_as_their_readme_says():
    import re
    import subprocess
    import sys

    folder = REPO / "docs" / "examples" / "broken"
    proc = subprocess.run([sys.executable, "build.py", "check", "--content", str(folder / "content")], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1
    found = set()
    for line in proc.stderr.splitlines() + proc.stdout.splitlines():
        m = re.match(r"docs/examples/broken/(content/[^:]+):\d+:\d+: (?:error|warning)\[([a-z-]+)\]: ", line)
        if m:
            found.add((m.group(1), m.group(2)))
    assert {code for _f, code in found} == set(CODES) - AFTER_A_BUILD - NOT_IN_A_CHECKOUT - IMPORT_ONLY  # every code, and none the docs do not know
    table = set()
    for row in re.findall(r"^\| `(content/[^`]+)`[^|]*\| (.+) \|$", (folder / "README.md").read_text(encoding="utf-8"), re.M):
        table |= {(row[0], code) for code in re.findall(r"`([a-z-]+)`", row[1])}
    assert table == found
