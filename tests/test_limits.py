"""Limits: nothing is written outside the output folder, symlinks out of
content/ are refused, and huge or deeply nested inputs stay bounded.

The huge inputs are built in a subprocess with a generous timeout, so that a
hang fails the test instead of blocking the suite; each reports its time and
peak memory (printed at the end of the module for the issue's note).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO

from dossier.diagnostics import CODES, BuildFailed, UnsafeOutputPath
from dossier.incremental import input_digests as _input_digests
from dossier.output import Staging
from dossier.pipeline import Project, build

LIMIT_TIMEOUT = float(os.environ.get("DOSSIER_LIMIT_TIMEOUT", "120"))
GOOD = {
    "people/target.md": "---\ntitle: Target\n---\nThe page everyone links to.\n",
    "people/other.md": "---\ntitle: Other\n---\nSee [[Target]].\n",
}
DIAGNOSTIC_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?:error|warning)\[(?P<code>[a-z-]+)\]: ", re.S)

#: name -> measurements, printed at the end of the module
MEASURED: dict[str, dict] = {}

def say(request, text: str) -> None:
    """Print past pytest's output capture: the counts belong in the test log."""
    capman = request.config.pluginmanager.getplugin("capturemanager")
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    if capman is None or tr is None:
        print(text)
        return
    with capman.global_and_fixture_disabled():
        tr.write_line("\n" + text)


@pytest.fixture(scope="module", autouse=True)
def report_measurements(request):
    yield
    if not MEASURED:
        return
    lines = ["limits:"] + [f"  {k}: " + ", ".join(f"{a}={b}" for a, b in v.items()) for k, v in MEASURED.items()]
    say(request, "\n".join(lines))


def put(content: Path, rel: str, data: str | bytes) -> Path:
    f = content / rel
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return f


def snapshot(top: Path, skip: list[Path]) -> set[str]:
    """Every path under ``top`` except those under ``skip``."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if here / d not in skip]
        out.update((here / n).relative_to(top).as_posix() for n in dirnames + filenames)
    return out


# No file from content lands outside the output folder ---------------------------

HOSTILE_NAMES = [
    "...md",
    "..%2f..%2fevil.md",
    "%2e%2e%2f%2e%2e%2fevil.md",
    "..\\..\\..\\evil.md",
    "\\etc\\passwd.md",
    "C:\\evil.md",
    "evil\n.md",
    "evil\r.md",
    "\u2024\u2024\u2215\u2024\u2024\u2215evil.md",  # one dot leaders and a division slash
    "\uff0e\uff0e\uff0fevil.md",  # fullwidth ../
    "\u0430dmin.md",  # a Cyrillic a
    "evil\u200b.md",  # zero width space
    "evil\u202egpj.md",  # right-to-left override
    "-evil.md",
    "evil-.md",
    "Evil.md",
    "e" * 252 + ".md",  # a valid slug as long as a file name can be
    "x" * 251 + "-.md",
    "nul.md",
    "index.md",
]


@pytest.fixture
def sandbox(tmp_path):
    """A project three folders deep, so that any '../' escape lands in tmp_path."""
    root = tmp_path / "a" / "b" / "project"
    for rel, text in GOOD.items():
        put(root / "content", rel, text)
    return tmp_path, root


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda n: n.encode("unicode_escape").decode()[:40])
def test_no_file_name_writes_outside_the_output(sandbox, name):
    top, root = sandbox
    try:
        put(root / "content", f"people/{name}", "---\ntitle: Hostile name\n---\nA page [[Target]].\n")
    except OSError as exc:  # the file system itself refuses the name
        pytest.skip(f"cannot create {name!r}: {exc}")
    output = root / "output"
    before = snapshot(top, [output, root / ".dossier-cache"])
    project = Project.at(root, jobs=1)
    project.search = False
    try:
        report = build(project, clean=True)
    except BuildFailed as failed:
        errors = failed.diagnostics.errors
        assert errors and all(d.code in CODES and d.line >= 1 for d in errors)
        assert any(d.path == f"content/people/{name}" and d.code == "file-name" for d in errors), [d.format() for d in errors]
        assert not output.exists()
    else:
        slug = name[:-3]
        assert name in ("e" * 252 + ".md", "nul.md", "index.md") or name.startswith("."), f"{name!r} built"
        if not name.startswith("."):
            assert (output / "people" / slug / "index.html").is_file()
            assert report.resolved.site.get("person", slug) is not None
    after = snapshot(top, [output, root / ".dossier-cache"])
    assert after == before, f"written outside the output: {sorted(after - before)}"
    assert not [p for p in top.rglob("*evil*") if "content" not in p.parts]
    if output.exists():  # and nothing inside it leads outside
        real = output.resolve()
        for p in output.rglob("*"):
            assert p.resolve() == real or real in p.resolve().parents, p


@pytest.mark.parametrize(
    "relpath",
    ["../x", "../../x", "/etc/passwd", "a/../../x", "./../x", "a/b/../../../x", "people/../../x", "//x", "people/" + "/.." * 3],
)
def test_staging_refuses_every_escape(tmp_path, relpath):
    with Staging(tmp_path / "output") as staging:
        with pytest.raises(UnsafeOutputPath):
            staging.write(relpath, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_staging_refuses_a_symlink_inside_leading_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    with Staging(tmp_path / "output") as staging:
        (staging.path / "people").symlink_to(outside)
        with pytest.raises(UnsafeOutputPath):
            staging.write("people/x/index.html", "x")
    assert list(outside.iterdir()) == []


# Symlinks out of content/ are refused ---------------------------------------------

SECRET = "TOPSECRET-7f3a9c"


@pytest.fixture
def outside(tmp_path):
    """Content-like files outside the project, which links may try to reach."""
    folder = tmp_path / "elsewhere"
    put(folder, "secret.md", f"---\ntitle: {SECRET}\n---\n{SECRET} body\n")
    put(folder, "people/stolen.md", f"---\ntitle: {SECRET} person\n---\n{SECRET}\n")
    return folder


def _refused(root: Path, link: str) -> None:
    from dossier.diagnostics import Diagnostics
    from dossier.pipeline import read_and_resolve

    diags = Diagnostics()
    resolved = read_and_resolve(Project.at(root, jobs=1), diags)
    found = [d for d in diags.errors if d.code == "symlink"]
    assert [d.path for d in found] == [link], [d.format() for d in diags.errors]
    # nothing from outside was read: no page, no message quotes it
    assert not [e for e in resolved.site if SECRET in e.title]
    assert SECRET not in diags.report()
    project = Project.at(root, jobs=1)
    project.search = False
    with pytest.raises(BuildFailed):
        build(project, clean=True)
    assert not (root / "output").exists()


@pytest.mark.parametrize(
    "link, target",
    [
        ("people/secret.md", "secret.md"),  # a file, absolute link
        ("people/relative.md", "../../../elsewhere/secret.md"),  # a file, relative link
        ("index.md", "secret.md"),  # the home page
        ("people/dangling.md", "missing.md"),  # points nowhere, outside
        ("people/zero.md", "/dev/zero"),  # would never end
        ("people/stolen", "people"),  # a folder inside a type folder
        ("events", "people"),  # a type folder
    ],
)
def test_symlinks_out_of_content_are_refused(sandbox, outside, link, target):
    _, root = sandbox
    content = root / "content"
    dest = Path(target) if target.startswith(("/", "..")) else outside / target
    (content / link).parent.mkdir(parents=True, exist_ok=True)
    (content / link).symlink_to(dest)
    _refused(root, f"content/{link}")


def test_a_symlink_loop_is_a_diagnostic(sandbox):
    _, root = sandbox
    people = root / "content" / "people"
    (people / "loop.md").symlink_to(people / "loop.md")
    (people / "ping.md").symlink_to(people / "pong.md")
    (people / "pong.md").symlink_to(people / "ping.md")
    project = Project.at(root, jobs=1)
    with pytest.raises(BuildFailed) as failed:
        build(project, clean=True)
    assert sorted(d.path for d in failed.value.diagnostics.errors) == ["content/people/loop.md", "content/people/ping.md", "content/people/pong.md"]
    assert {d.code for d in failed.value.diagnostics.errors} == {"symlink"}


def test_a_symlink_inside_content_is_followed(sandbox):
    _, root = sandbox
    people = root / "content" / "people"
    (people / "target-again.md").symlink_to(people / "target.md")
    project = Project.at(root, jobs=1)
    with pytest.raises(BuildFailed) as failed:  # followed: two pages now claim "Target"
        build(project, clean=True)
    assert {d.code for d in failed.value.diagnostics.errors} == {"duplicate-name", "ambiguous-link"}


def test_a_named_pipe_is_refused_not_read(sandbox):
    _, root = sandbox
    os.mkfifo(root / "content" / "people" / "pipe.md")
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); from dossier.cli import main; sys.exit(main(['check', '--root', {str(root)!r}]))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "content/people/pipe.md:1:1: error[unreadable]: not a regular file" in proc.stderr


def test_a_named_pipe_does_not_block_the_up_to_date_check(sandbox):
    _, root = sandbox
    pipe = root / "content" / "people" / "pipe.md"
    os.mkfifo(pipe)
    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault("digests", _input_digests(Project.at(root))), daemon=True)
    worker.start()
    worker.join(5)
    blocked = worker.is_alive()
    if blocked:  # release the reader: a writer that closes at once gives it EOF
        open(pipe, "wb").close()
        worker.join(5)
    assert not blocked, "reading content/ blocked on a named pipe"


def test_a_symlink_to_dev_zero_does_not_exhaust_the_up_to_date_check(sandbox):
    _, root = sandbox
    (root / "content" / "people" / "zero.md").symlink_to("/dev/zero")
    code = (
        f"import resource, sys; sys.path.insert(0, {str(REPO)!r}); resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
        f"from pathlib import Path; from dossier.pipeline import Project; from dossier.incremental import input_digests; input_digests(Project.at(Path({str(root)!r})))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-500:]


# Huge inputs ---------------------------------------------------------------------

RUNNER = textwrap.dedent(
    """
    import json, resource, sys, time
    sys.path.insert(0, {repo!r})
    from pathlib import Path
    from dossier.diagnostics import BuildFailed
    from dossier.pipeline import Project, build
    t = time.perf_counter()
    try:
        report = build(Project.at(Path(sys.argv[1])), clean=True)
        outcome, diags = "built", report.diagnostics
    except BuildFailed as failed:
        outcome, diags = "refused", failed.diagnostics
    seconds = time.perf_counter() - t
    mb = lambda who: resource.getrusage(who).ru_maxrss // 1024
    # VmHWM, not ru_maxrss: Linux keeps the forking process's high-water mark across exec
    hwm = [int(l.split()[1]) // 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:")]
    print(json.dumps({{"outcome": outcome, "seconds": round(seconds, 2), "peak_mb": hwm[0] if hwm else mb(resource.RUSAGE_SELF),
                      "children_peak_mb": mb(resource.RUSAGE_CHILDREN), "count": len(diags),
                      "diagnostics": [d.format()[:300] for d in diags.sorted()[:5]]}}))
    """
)


def run_limit(root: Path, name: str) -> dict:
    """Build ``root`` in a subprocess; a hang or a crash fails the test."""
    t = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", RUNNER.format(repo=str(REPO)), str(root)], capture_output=True, text=True, timeout=LIMIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: no result within {LIMIT_TIMEOUT:.0f} s (a hang?)")
    assert proc.returncode == 0, f"{name}: exit {proc.returncode}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - t, 2)
    MEASURED[name] = {k: result[k] for k in ("outcome", "seconds", "wall_s", "peak_mb", "children_peak_mb")} | ({"first": result["diagnostics"][0][:120]} if result["outcome"] == "refused" else {})
    for line in result["diagnostics"]:
        m = DIAGNOSTIC_RE.match(line)
        assert m and m.group("code") in CODES and int(m.group("line")) >= 1, line
        assert (root / m.group("path")).exists(), line
    if result["outcome"] == "built":
        assert (root / "output" / "index.html").is_file()
    else:
        assert result["count"] >= 1
        assert not (root / "output").exists(), "a refused build wrote a site"
    assert not [p.name for p in root.iterdir() if ".staging-" in p.name or ".old-" in p.name]
    return result


def limit_site(tmp_path: Path, rel: str, text: str | bytes) -> Path:
    root = tmp_path / "project"
    for r, t in GOOD.items():
        put(root / "content", r, t)
    put(root / "content", rel, text)
    return root


def ten_mb_body() -> str:
    rng = random.Random(6)
    words = "the party bloc opposition letter trial exile congress of and in to a was that it's Trotsky's \"left\" 'right' — 1932 members".split()
    out, size, i = [], 0, 0
    while size < 10_000_000:
        if i % 10 == 0:
            p = f"## Section {i}"
        else:
            w = [rng.choice(words) for _ in range(150)]
            w[10], w[40], w[80] = "[[Target]]", "*emphasis*", "[[people/other|Other]]"
            p = " ".join(w)
        out.append(p)
        size += len(p) + 2
        i += 1
    return "\n\n".join(out) + "\n"


@pytest.mark.slow
def test_a_10_mb_markdown_body(tmp_path):
    root = limit_site(tmp_path, "articles/huge.md", "---\ntitle: Huge\n---\n" + ten_mb_body())
    result = run_limit(root, "10 MB body")
    assert result["outcome"] == "built"  # ordinary prose, however long, builds


@pytest.mark.slow
def test_10000_aliases(tmp_path):
    aliases = "".join(f"  - Alias number {i}\n" for i in range(10_000))
    root = limit_site(tmp_path, "people/many.md", f"---\ntitle: Many names\naliases:\n{aliases}---\nSee [[Alias number 9999]] and [[Target]].\n")
    result = run_limit(root, "10,000 aliases")
    assert result["outcome"] == "built"


@pytest.mark.parametrize(
    "style, yaml_text",
    [
        ("block", "title: Deep\nx:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(10_000)) + " " * 10_001 + "v\n"),
        ("flow", "title: Deep\nx: " + "[" * 10_000 + "1" + "]" * 10_000 + "\n"),
        ("flow-mapping", "title: Deep\nx: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"),
        ("compact-sequence", "title: Deep\nx:\n" + "- " * 100_000 + "\n"),  # segfaulted libyaml
        ("explicit-keys", "title: Deep\n? " + "- ? " * 50_000 + "x\n"),
        ("alias-bomb", "title: Bomb\n" + "a0: &a0 [lol]\n" + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10))),
    ],
)
def test_deeply_nested_yaml_is_refused(tmp_path, style, yaml_text):
    root = limit_site(tmp_path, "people/deep.md", f"---\n{yaml_text}---\n")
    result = run_limit(root, f"nested YAML ({style})")
    assert result["outcome"] == "refused"
    first = result["diagnostics"][0]
    assert first.startswith("content/people/deep.md:")
    # 10,000 levels of block indentation need 50 MB of spaces: over the file size limit
    assert "error[yaml-too-complex]" in first or (style == "block" and "error[too-large]" in first), first


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind, yaml_text",
    [
        ("aliases", "title: Long\naliases:\n" + "".join(f"  - Name {i}\n" for i in range(100_000))),
        ("comments", "title: Long\n" + "# a note\n" * 100_000),
        ("fields", "title: Long\n" + "".join(f"field{i}: {i}\n" for i in range(100_000))),
    ],
)
def test_a_100000_line_front_matter(tmp_path, kind, yaml_text):
    root = limit_site(tmp_path, "people/long.md", f"---\n{yaml_text}---\n")
    result = run_limit(root, f"100,000-line front matter ({kind})")
    if kind == "comments":
        assert result["outcome"] == "built"
    else:
        assert result["outcome"] == "refused"


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["paragraphs", "one-paragraph"])
def test_100000_links_to_one_page(tmp_path, layout):
    sep = "\n\n" if layout == "paragraphs" else "\n"
    root = limit_site(tmp_path, "articles/links.md", "---\ntitle: Links\n---\n" + f"See [[Target]].{sep}" * 100_000)
    result = run_limit(root, f"100,000 links ({layout})")
    # a 1.6 MB paragraph of links, or 100,000 paragraphs: too much Markdown work
    assert result["outcome"] == "refused" and "error[too-large]" in result["diagnostics"][0]


@pytest.mark.slow
def test_10000_links_to_one_page_build(tmp_path):
    root = limit_site(tmp_path, "articles/links.md", "---\ntitle: Links\n---\n" + "See [[Target]] and [[Other]].\n\n" * 10_000)
    result = run_limit(root, "10,000 links (paragraphs)")
    assert result["outcome"] == "built"


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind, line",
    [
        ("words", ("lorem ipsum dolor sit amet " * 40_000)[:1_000_000]),
        ("prose", ("It's the \"party\" line, said Trotsky's son -- and *so* it was. " * 16_000)[:1_000_000]),
        ("brackets", ("[a" * 500_000)),
        ("backticks", ("``a`" * 250_000)),
    ],
)
def test_a_line_of_1_mb(tmp_path, kind, line):
    root = limit_site(tmp_path, "articles/line.md", "---\ntitle: One line\n---\n" + line + "\n")
    result = run_limit(root, f"1 MB line ({kind})")
    if kind == "words":
        assert result["outcome"] == "built"
    if kind in ("brackets", "backticks"):
        assert result["outcome"] == "refused" and "error[too-large]" in result["diagnostics"][0]


@pytest.mark.parametrize(
    "kind, body, line",
    [
        ("brackets", "[a" * 10_000, 6),
        ("link-openers", "[a](" * 10_000, 6),
        ("footnote-openers", "[^a" * 10_000, 6),
        ("backticks", "``a`" * 10_000, 6),
        ("angle-brackets", "<a " * 20_000, 6),
        ("paragraphs", "a\n\n" * 1_000_000, 4),
    ],
)
def test_pathological_markdown_is_refused_quickly(make_site, kind, body, line):
    """Each took Python-Markdown from 10 s to hours; refused in a second."""
    from conftest import check_site

    root = make_site({**GOOD, "articles/slow.md": "---\ntitle: Slow\n---\nFine.\n\n" + body + "\n"})
    t = time.perf_counter()
    diags = check_site(root)
    seconds = time.perf_counter() - t
    assert [(d.path, d.line, d.code) for d in diags.errors] == [("content/articles/slow.md", line, "too-large")]
    assert seconds < 30  # generous: the estimate itself is linear


def test_a_file_over_the_size_limit_is_refused_unread(make_site):
    from conftest import check_site

    from dossier.model import MAX_FILE_BYTES

    root = make_site(GOOD)
    with open(root / "content" / "people" / "big.md", "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no time or space to write
    diags = check_site(root)
    assert [(d.path, d.code) for d in diags.errors] == [("content/people/big.md", "too-large")]


# Markdown time and depth: bounded for every input, not only the estimated ones


@pytest.fixture
def short_markdown_limit(monkeypatch):
    """A render limit of a fraction of a second, so that an input the
    estimate lets through shows what the real bound does with it."""
    from dossier import markup

    monkeypatch.setattr(markup, "MARKDOWN_SECONDS", 0.3)
    monkeypatch.setattr(markup, "MARKDOWN_SECONDS_PER_MB", 0.0)
    markup._expired.clear()
    yield
    markup._expired.clear()


def _table(rows: int, cols: int) -> str:
    head = "|" + "|".join(f"h{i}" for i in range(cols)) + "|\n|" + "|".join("-" * cols) + "|\n"
    return head + ("|" + "|".join("x" for _ in range(cols)) + "|\n") * rows


@pytest.mark.parametrize(
    "kind, body",
    [
        ("backslashes", "\\" * 200_000),  # 6 s before, 1 MB: 327 s
        ("table", _table(300, 200)),  # 2,000 rows: 23 s
    ],
)
def test_markdown_past_its_time_is_refused_with_a_diagnostic(make_site, short_markdown_limit, kind, body):
    from conftest import check_site

    from dossier import markup

    assert markup.markdown_work(body)[0] <= markup.MAX_MARKDOWN_WORK  # the estimate lets it through
    root = make_site({**GOOD, "articles/slow.md": "---\ntitle: Slow\n---\nFine.\n\n" + body + "\n"})
    diags = check_site(root)
    assert [(d.path, d.line, d.code) for d in diags.errors] == [("content/articles/slow.md", 6, "too-large")]
    assert "was stopped" in diags.errors[0].message
    # the parser is usable afterwards, and the next body renders as before
    assert markup.render_markdown("*fine* [[x]]").html.startswith("<p><em>fine</em> ")


def test_the_time_limit_holds_in_a_thread_as_in_the_devserver(short_markdown_limit):
    from dossier import markup

    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("r", markup.render_markdown("\\" * 200_000)))
    worker.start()
    worker.join(LIMIT_TIMEOUT)
    assert not worker.is_alive()
    assert out["r"].timed_out and out["r"].html == "" and out["r"].problems[0][0] == 1


def test_a_timed_out_body_is_not_kept_in_the_cache(tmp_path, short_markdown_limit):
    from dossier.cache import ContentCache
    from dossier.diagnostics import Diagnostics
    from dossier.model import load_site
    from dossier.pipeline import render_all

    root = limit_site(tmp_path, "articles/slow.md", "---\ntitle: Slow\n---\n" + "\\" * 200_000 + "\n")
    site = load_site(root / "content", root, Diagnostics())
    cache = ContentCache(None)
    rendered = render_all(site, cache)
    assert rendered["articles/slow"].timed_out
    assert not any(getattr(v, "timed_out", False) for v in cache.entries.values())
    # the other body is kept: its references, and beside them its text
    assert any(isinstance(v, tuple) and v[0].startswith("<p>The page") for v in cache.entries.values())


@pytest.mark.parametrize(
    "kind, body, line",
    [
        ("list", "".join("    " * i + "- x\n" for i in range(300)), 305),  # a RecursionError after 8 s
        ("mixed-list", "".join("    " * i + ("1. " if i % 2 else "- ") + "x\n" for i in range(300)), 305),
        ("definitions", "".join("    " * i + "term\n" + "    " * i + ": def\n\n" for i in range(1000)), 6 + 3 * 999),
        ("html", "<div>\n" + "<div>" * 2000 + "x" + "</div>" * 2000 + "\n</div>", 7),
    ],
)
def test_too_deep_nesting_is_a_diagnostic(make_site, kind, body, line):
    from conftest import check_site

    root = make_site({**GOOD, "articles/deep.md": "---\ntitle: Deep\n---\nFine.\n\n" + body + "\n"})
    diags = check_site(root)
    assert [(d.path, d.code) for d in diags.errors] == [("content/articles/deep.md", "too-large")]
    assert "nests" in diags.errors[0].message
    assert diags.errors[0].line == line


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind, body",
    [
        ("1 MB of backslashes", "\\" * 1_000_000),  # 327 s before
        ("a 2,000 x 200 table", _table(2000, 200)),  # 23 s before
    ],
)
def test_markdown_is_bounded_at_the_real_limit(tmp_path, kind, body):
    root = limit_site(tmp_path, "articles/slow.md", "---\ntitle: Slow\n---\n" + body)
    result = run_limit(root, kind)
    assert result["outcome"] == "refused" and "error[too-large]" in result["diagnostics"][0]
    assert result["diagnostics"][0].startswith("content/articles/slow.md:4:1:")
