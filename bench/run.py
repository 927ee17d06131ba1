#!/usr/bin/env python3
"""Benchmark Dossier against plain Pelican 4.12 on generated corpora.

    python bench/run.py [--sizes 1000,5000] [--repeat 3] [--seed 1932]
                        [--profile] [--live] [--no-results]

For each size N, on a corpus from ``bench/corpus.py`` (in ``bench/work/nN``):

  baseline      plain Pelican 4.12 (pelican-yaml-metadata, default theme,
                caching off) over the same bodies with ordinary links, in the
                venv bench/.venv-baseline (created here when missing)
  cold          Dossier, ``--clean`` into a fresh output (no cache, no output)
  first         Dossier, first build without --clean on an empty cache
                (the editor's first ``make html``; fills the content cache)
  no-change     Dossier rebuild with nothing changed (must write no file)
  paragraph     rebuild after editing one body paragraph of one person
  title         rebuild after changing one well-linked person's title
  memory        peak RSS of the build process and its children

Baseline and cold builds alternate, so that the load of a shared machine
falls on both alike. Every figure is the median of ``--repeat`` runs. Which
files a rebuild wrote is read off the output tree: Dossier writes every file
as a new inode (hard links keep the unchanged ones), so "written" = new
inode; "changed" = bytes differ. After the edits, the incremental output is
compared byte for byte with a clean build of the same input.

The generator is snapshotted (``dossier/`` with its ``theme/``, ``build.py`` copied
into bench/work/) at the start, so that colleagues' edits during a run do not
mix two versions of the code into one table; ``--live`` uses the checkout.
Prints a table and writes bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import pickle
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
BASE_VENV = BENCH / ".venv-baseline"
MARKER = ".dossier-build.json"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

TARGETS = {  # issue 18's (the no-change rebuild: issue 7's)
    "cold_ratio": 1.0,  # cold build ≤ 1.0 × baseline, at every N
    "nochange_s": 1.0,  # at N = 5,000
    "paragraph_s": 1.5,  # at N = 5,000
    "title_s": 5.0,  # at N = 5,000
    "memory_mb": 400.0,  # at N = 5,000
}


# Running and measuring -------------------------------------------------------------


@dataclass
class Run:
    cmd: list[str]
    wall: float
    user: float
    sys: float
    maxrss_mb: float  # largest single process of the tree (wait4 rusage)
    tree_mb: float  # peak of the summed RSS of the tree (sampled)
    rc: int
    stdout: str
    stderr: str
    report: dict = field(default_factory=dict)

    @property
    def cpu(self) -> float:
        return self.user + self.sys


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        ppid = int(data[data.rfind(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def _tree_rss(pid: int) -> int:
    kids = _children_map()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            pass
    return total


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None, check: bool = True) -> Run:
    """Run a command; wall clock, CPU and peak memory of it and its children."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], _tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        r = Run(cmd, wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024, peak[0] / 2**20, proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))
    if check and r.rc != 0:
        raise SystemExit(f"command failed ({r.rc}): {' '.join(map(str, cmd))}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# Output trees ---------------------------------------------------------------------


def tree(root: Path) -> dict[str, tuple[int, str]]:
    """relative path -> (inode, sha256) of every file under root."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            st = os.stat(p)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = (st.st_ino, hashlib.sha256(fh.read()).hexdigest())
    return out


def category(rel: str) -> str:
    if rel == MARKER:
        return "marker"
    if rel.startswith("pagefind/"):
        return "search"
    if rel.startswith("theme/"):
        return "static"
    return "page"


@dataclass
class Diff:
    written: dict[str, set[str]]  # category -> paths written (new inode or new)
    changed: dict[str, set[str]]  # category -> paths whose bytes differ (or new)
    removed: set[str]

    def pages_ok(self) -> bool:
        return self.written.get("page", set()) == self.changed.get("page", set())

    def summary(self) -> str:
        parts = []
        for cat in ("page", "static", "search"):
            w, c = self.written.get(cat, set()), self.changed.get(cat, set())
            if w or c:
                parts.append(f"{cat}: {len(w)} written / {len(c)} changed")
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        return "; ".join(parts) or "nothing"


def diff(before: dict, after: dict) -> Diff:
    written: dict[str, set[str]] = {}
    changed: dict[str, set[str]] = {}
    for rel, (ino, sha) in after.items():
        old = before.get(rel)
        cat = category(rel)
        if old is None or old[0] != ino:
            written.setdefault(cat, set()).add(rel)
        if old is None or old[1] != sha:
            changed.setdefault(cat, set()).add(rel)
    return Diff(written, changed, set(before) - set(after))


def compare_trees(a: Path, b: Path) -> list[str]:
    ta, tb = tree(a), tree(b)
    out = sorted(set(ta) ^ set(tb))
    out += sorted(k for k in set(ta) & set(tb) if ta[k][1] != tb[k][1])
    return out


# Environment ----------------------------------------------------------------------


def ensure_baseline() -> Path:
    pelican = BASE_VENV / "bin" / "pelican"
    if not pelican.exists():
        print(f"creating {BASE_VENV} (pelican 4.12, pelican-yaml-metadata, markdown)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(BASE_VENV)], check=True)
        subprocess.run([str(BASE_VENV / "bin" / "pip"), "install", "--quiet", "pelican==4.12.*", "pelican-yaml-metadata", "markdown"], check=True)
    return pelican


def snapshot_generator(live: bool, reuse: bool = False) -> tuple[Path, dict]:
    saved = WORK / "generator" / "snapshot.json"
    if reuse and not live and saved.is_file():
        return saved.parent, json.loads(saved.read_text(encoding="utf-8"))
    info: dict = {}
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "dossier", "theme", "build.py"], cwd=REPO, capture_output=True, text=True).stdout.split("\n")
        info["dirty"] = [line[3:] for line in dirty if line.strip()]
    except OSError:
        info["commit"], info["dirty"] = "?", []
    if live:
        gen = REPO
    else:
        gen = WORK / "generator"
        if gen.exists():
            shutil.rmtree(gen)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(REPO / "dossier", gen / "dossier", ignore=ignore)
        if (REPO / "theme").is_dir():  # older checkouts: the theme beside the package
            shutil.copytree(REPO / "theme", gen / "theme", ignore=ignore)
        shutil.copy2(REPO / "build.py", gen / "build.py")
    h = hashlib.sha256()
    for p in sorted((gen / "dossier").glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    info["digest"] = h.hexdigest()[:12]
    info["path"] = str(gen)
    info["taken"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if not live:
        (gen / "snapshot.json").write_text(json.dumps(info), encoding="utf-8")
    return gen, info


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    pelican_version = subprocess.run([str(BASE_VENV / "bin" / "python"), "-c", "import pelican; print(pelican.__version__)"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "pelican": pelican_version,
        "os": platform.platform(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# The benchmark of one size ----------------------------------------------------------


NEW_SURNAMES = ["Zorin-Kvasnikov", "Kvasnikov-Zorin", "Lapidus-Zorin", "Zorin-Lapidus", "Kvasnikov-Lapidus", "Lapidus-Kvasnikov", "Zorin-Zorin"]
EDIT_WORDS = ["later", "earlier", "so-called", "alleged", "notorious", "well-known", "obscure"]


class SizeBench:
    def __init__(self, n: int, args, gen: Path, pelican: Path):
        self.n = n
        self.args = args
        self.gen = gen
        self.pelican = pelican
        self.root = WORK / f"n{n}"
        self.out = self.root / "output"
        self.res: dict = {"n": n, "loads": []}

    def log(self, msg: str) -> None:
        print(f"[N={self.n} {time.strftime('%H:%M:%S')} load {loadavg()}] {msg}", flush=True)

    def dossier(self, *extra: str, check: bool = True) -> Run:
        cmd = [sys.executable, str(BENCH / "dossier_build.py"), "--generator", str(self.gen), "--root", str(self.root), *extra]
        if self.args.jobs:
            cmd += ["--jobs", str(self.args.jobs)]
        r = run(cmd, check=check)
        if r.rc == 0:
            r.report = json.loads(r.stdout.strip().splitlines()[-1])
        return r

    def wipe(self) -> None:
        for p in [self.out, self.root / ".dossier-cache", *self.root.glob("output.*")]:
            if p.is_dir():
                shutil.rmtree(p)

    # steps
    def corpus(self) -> None:
        self.log("generating the corpus")
        self.wipe()
        run([sys.executable, str(BENCH / "corpus.py"), str(self.n), str(self.root), "--seed", str(self.args.seed)])
        self.meta = json.loads((self.root / "bench-meta.json").read_text(encoding="utf-8"))
        self.res["meta"] = self.meta
        self.log("checking the corpus (python build.py check)")
        r = run([sys.executable, str(self.gen / "build.py"), "check", "--root", str(self.root)], check=False)
        if r.rc != 0:
            raise SystemExit(f"the corpus does not check clean:\n{r.stderr[-5000:]}")
        self.res["check"] = r.stdout.strip()

    def cold_and_baseline(self) -> None:
        base_root = self.root / "pelican"
        cold, base = [], []
        for i in range(self.args.repeat):
            self.log(f"baseline {i + 1}/{self.args.repeat}")
            shutil.rmtree(base_root / "out", ignore_errors=True)
            b = run([str(self.pelican), "content", "-s", "pelicanconf.py", "-o", "out"], cwd=base_root)
            b.report = {"files": sum(len(f) for _, _, f in os.walk(base_root / "out"))}
            base.append(b)
            self.log(f"  {b.wall:.1f}s wall, {b.cpu:.1f}s CPU")
            self.log(f"cold build {i + 1}/{self.args.repeat}")
            self.wipe()
            c = self.dossier("--clean")
            cold.append(c)
            if i < 2:  # two clean builds of the same input: reproducible?
                self.res.setdefault("cold_trees", []).append({k: v[1] for k, v in tree(self.out).items()})
            self.log(f"  {c.wall:.1f}s wall, {c.cpu:.1f}s CPU, {c.report['pages']} pages; {c.report['timings']}")
        self.res["baseline"] = base
        self.res["cold"] = cold
        trees = self.res.pop("cold_trees", [])
        if len(trees) == 2:
            a, b = trees
            differ = sorted(set(a) ^ set(b)) + sorted(k for k in set(a) & set(b) if a[k] != b[k])
            self.res["reproducible"] = differ
            self.log(f"two clean builds of the same input identical: {'yes' if not differ else f'NO, {len(differ)} files differ: {differ[:6]}'}")
        self.res["baseline_files"] = base[-1].report["files"]
        shutil.rmtree(base_root / "out", ignore_errors=True)

    def first_and_nochange(self) -> None:
        self.log("first build without --clean (empty cache)")
        self.wipe()
        self.res["first"] = [self.dossier()]
        runs, problems = [], []
        for i in range(self.args.repeat):
            before = tree(self.out)
            ino = os.stat(self.out).st_ino
            r = self.dossier()
            after = tree(self.out)
            d = diff(before, after)
            if not r.report["up_to_date"]:
                problems.append(f"run {i + 1}: not reported up to date ({r.report['pages']} pages rendered)")
            if before != after or os.stat(self.out).st_ino != ino:
                problems.append(f"run {i + 1}: the output changed ({d.summary()})")
            runs.append(r)
            self.log(f"no-change {i + 1}: {r.wall:.2f}s wall, up to date: {r.report['up_to_date']}")
        self.res["nochange"] = runs
        self.res["nochange_problems"] = problems

    def _person_file(self, key: str) -> Path:
        return self.root / "content" / f"{key}.md"

    def _clean_compare(self, label: str, needle: bytes | None = None) -> tuple[list[str], set[str]]:
        """Files that differ between the incremental output and a clean build
        of the same input; and the clean build's files holding ``needle``."""
        other = self.root / "output-clean"
        shutil.rmtree(other, ignore_errors=True)
        self.dossier("--clean", "--output", str(other))
        bad = compare_trees(self.out, other)
        showing = set()
        if needle:
            for rel in tree(other):
                if category(rel) == "page" and needle in (other / rel).read_bytes():
                    showing.add(rel)
        shutil.rmtree(other, ignore_errors=True)
        self.log(f"byte-identical to a clean build after {label}: {'yes' if not bad else f'NO, {len(bad)} files differ: {bad[:8]}'}")
        return bad, showing

    def paragraph(self) -> None:
        key = self.meta["paragraph_edit"]["key"]
        path = self._person_file(key)
        original = path.read_text(encoding="utf-8")
        head, sep, body = original.partition("\n---\n")
        first, nl, rest = body.partition("\n")
        if " the " not in first:
            raise SystemExit(f"no ' the ' in the first paragraph of {path}")
        runs, samples = [], []
        for i in range(self.args.repeat):
            edited = first.replace(" the ", f" the {EDIT_WORDS[i % len(EDIT_WORDS)]} ", 1)
            path.write_text(head + sep + edited + nl + rest, encoding="utf-8")
            before = tree(self.out)
            r = self.dossier()
            d = diff(before, tree(self.out))
            runs.append(r)
            samples.append({"rendered": r.report["pages"], "reported_written": r.report["written"], "diff": d})
            self.log(f"paragraph edit {i + 1}: {r.wall:.2f}s wall; {r.report['pages']} rendered, {r.report['written']} written; {d.summary()}")
        self.res["paragraph"] = runs
        self.res["paragraph_samples"] = samples
        if self.args.lean:  # compared once, after the title changes too
            self.res["paragraph_identical"] = None
            return
        self.res["paragraph_identical"], _ = self._clean_compare("the paragraph edits")
        path.write_text(original, encoding="utf-8")
        self.dossier()  # back to the original (untimed)

    def title(self) -> None:
        info = self.meta["title_change"]
        key, old = info["key"], info["title"]
        path = self._person_file(key)
        original = path.read_text(encoding="utf-8")
        line = f"title: {json.dumps(old, ensure_ascii=False)}\n"
        if line not in original:
            raise SystemExit(f"cannot find {line!r} in {path}")
        corpus_text = "\n".join(p.read_text(encoding="utf-8") for p in (self.root / "content").rglob("*.md"))
        first = old.split()[0]
        titles = [t for t in (f"{first} {s}" for s in NEW_SURNAMES) if t not in corpus_text]
        runs, samples = [], []
        for i in range(self.args.repeat):
            new = titles[i % len(titles)]
            path.write_text(original.replace(line, f"title: {json.dumps(new, ensure_ascii=False)}\n", 1), encoding="utf-8")
            before = tree(self.out)
            r = self.dossier()
            after = tree(self.out)
            d = diff(before, after)
            # the new surname is unique in the corpus: a page "shows the title"
            # if it holds it in any form (title, "Surname, First" in indexes,
            # JSON and CSV exports)
            needle = new.split(" ", 1)[1].encode()
            showing = {rel for rel in after if category(rel) == "page" and needle in (self.out / rel).read_bytes()}
            runs.append(r)
            samples.append({"new": new, "rendered": r.report["pages"], "reported_written": r.report["written"], "diff": d, "showing": showing})
            written = d.written.get("page", set())
            self.log(
                f"title change {i + 1} ('{new}'): {r.wall:.2f}s wall; {r.report['pages']} rendered, {r.report['written']} written; "
                f"{d.summary()}; {len(showing)} pages show the title; written == changed: {d.pages_ok()}; "
                f"changed == showing: {d.changed.get('page', set()) == showing}; written - showing: {sorted(written - showing)[:5]}"
            )
        self.res["title"] = runs
        self.res["title_samples"] = samples
        # ground truth for "the pages that show the title": a clean build's
        self.res["title_identical"], showing_clean = self._clean_compare("the title changes", samples[-1]["new"].split(" ", 1)[1].encode())
        samples[-1]["showing_clean"] = showing_clean
        last = samples[-1]["diff"].changed.get("page", set())
        self.log(f"pages showing the new title in a clean build: {len(showing_clean)}; changed by the last rebuild: {len(last)}; shown but not rewritten: {sorted(showing_clean - last)[:8]}")
        if self.res.get("paragraph_identical", ()) is None:
            self.res["paragraph_identical"] = self.res["title_identical"]
            self.res["lean"] = True
        path.write_text(original, encoding="utf-8")
        if not self.args.lean:
            self.dossier()  # back to the original (untimed)

    def profile(self) -> None:
        """cProfile of a cold build, in one process (--jobs 1) and as built
        (the default workers: work done in the workers is not seen)."""
        self.res["profiles"] = {}
        for jobs in ("1", "0"):
            self.log(f"profiling a cold build (--jobs {jobs})")
            self.wipe()
            r = run([sys.executable, "-m", "cProfile", "-s", "cumtime", str(self.gen / "build.py"), "build", "--root", str(self.root), "--clean", "--jobs", jobs])
            text = "\n".join(r.stdout.splitlines()[:60])
            (WORK / f"profile-n{self.n}-jobs{jobs}.txt").write_text(r.stdout, encoding="utf-8")
            self.res["profiles"][jobs] = (r.wall, text)

    def all(self) -> dict:
        self.res["loads"].append(("start", loadavg()))
        self.corpus()
        self.cold_and_baseline()
        self.res["loads"].append(("after cold/baseline", loadavg()))
        self.first_and_nochange()
        self.paragraph()
        self.title()
        self.res["loads"].append(("after incremental", loadavg()))
        if self.args.profile and self.n == min(self.args.sizes):
            self.profile()
        self.wipe()
        return self.res


# Reporting ---------------------------------------------------------------------------


def med(runs: list[Run], attr: str = "wall") -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def status(value: float, limit: float, unit: str = "s") -> str:
    if value <= limit:
        return "met"
    return f"missed by {value - limit:.2f}{unit} ({value / limit:.1f}× the target)"


def table(results: list[dict]) -> str:
    rows = ["| N | measure | median wall (s) | min wall (s) | median CPU (s) | × baseline (wall) | × baseline (CPU) | pages rendered / files written | peak RSS (MB): max process / tree |", "|---|---|---:|---:|---:|---:|---:|---|---|"]
    for res in results:
        n = res["n"]
        bw, bc = med(res["baseline"]), med(res["baseline"], "cpu")

        def row(name: str, runs: list[Run], detail: str, n=n, bw=bw, bc=bc) -> None:
            w, c = med(runs), med(runs, "cpu")
            rss = max(r.maxrss_mb for r in runs)
            tree_mb = max(r.tree_mb for r in runs)
            lo = min(r.wall for r in runs)
            rows.append(f"| {n} | {name} | {w:.2f} | {lo:.2f} | {c:.2f} | {w / bw:.3f} | {c / bc:.3f} | {detail} | {rss:.0f} / {tree_mb:.0f} |")

        row("baseline: plain Pelican 4.12", res["baseline"], f"{res['meta']['files'] - 1} articles → {res['baseline_files']} files")
        cold = res["cold"][-1].report
        row("Dossier cold build (--clean)", res["cold"], f"{cold['pages']} / {cold['written']}")
        first = res["first"][-1].report
        row("Dossier first build, empty cache", res["first"], f"{first['pages']} / {first['written']}")
        nc = res["nochange"][-1].report
        row("rebuild, nothing changed", res["nochange"], "up to date, 0 written" if nc["up_to_date"] and not res["nochange_problems"] else "; ".join(res["nochange_problems"]))
        ps = res["paragraph_samples"]
        row("rebuild, one paragraph edited", res["paragraph"], ", ".join(f"{s['rendered']} / {s['reported_written']}" for s in ps))
        ts = res["title_samples"]
        row("rebuild, one title changed", res["title"], ", ".join(f"{s['rendered']} / {s['reported_written']}" for s in ts))
    return "\n".join(rows)


def stage_table(results: list[dict]) -> str:
    stages: list[str] = []
    for res in results:
        for r in res["cold"] + res["paragraph"] + res["title"]:
            for k in r.report.get("timings", {}):
                if k not in stages:
                    stages.append(k)
    rows = ["| N | build | import | " + " | ".join(stages) + " | total in-process |", "|---|---|---:|" + "---:|" * len(stages) + "---:|"]
    for res in results:
        for name, runs in (("cold", res["cold"]), ("first (empty cache)", res["first"]), ("paragraph edit", res["paragraph"]), ("title change", res["title"])):
            cells = [f"{statistics.median(r.report.get('timings', {}).get(k, 0.0) for r in runs):.2f}" for k in stages]
            imp = statistics.median(r.report.get("import_seconds", 0.0) for r in runs)
            tot = statistics.median(r.report.get("seconds", 0.0) for r in runs)
            rows.append(f"| {res['n']} | {name} | {imp:.2f} | " + " | ".join(cells) + f" | {tot:.2f} |")
    return "\n".join(rows)


def split_cats(paths: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in paths:
        out.setdefault(category(p), []).append(p)
    return out


def unexplained(res: dict, key: str) -> list[str]:
    """Files that differ from a clean build, except those of a category in
    which two clean builds of the same input differ as well (the Pagefind
    bundle is not reproducible: that is not the incremental logic's fault)."""
    noisy = set(split_cats(res.get("reproducible") or []))
    order = {"page": 0, "static": 1, "marker": 2, "search": 3}
    return sorted((p for p in res[key] if category(p) not in noisy), key=lambda p: (order[category(p)], p))


def identity(res: dict, key: str) -> str:
    """'yes', or which files differ, separating what two clean builds of the
    same input also disagree on."""
    bad = res[key]
    if not bad:
        return "yes"
    cats = split_cats(bad)
    text = "NO: " + ", ".join(f"{len(v)} {k} files" for k, v in sorted(cats.items()))
    wrong = unexplained(res, key)
    if wrong:
        text += " — the incremental output differs from a clean build in: " + ", ".join(f"`{p}`" for p in wrong[:12]) + (f" … (+{len(wrong) - 12})" if len(wrong) > 12 else "")
    rep = res.get("reproducible")
    if rep:
        noisy = sorted(set(split_cats(rep)) & set(cats))
        if noisy:
            text += f" ({', '.join(noisy)} files differ between two clean builds of the same input too)"
    return text


def without_search(results: list[dict]) -> str:
    rows = ["| N | build | median wall (s) | median of (wall − search stage) (s) | × baseline (wall − search) |", "|---|---|---:|---:|---:|"]
    for res in results:
        bw = med(res["baseline"])
        for name, runs in (("cold (--clean)", res["cold"]), ("first (empty cache)", res["first"]), ("paragraph edit", res["paragraph"]), ("title change", res["title"])):
            rest = statistics.median(r.wall - r.report.get("timings", {}).get("search", 0.0) for r in runs)
            rows.append(f"| {res['n']} | {name} | {med(runs):.2f} | {rest:.2f} | {rest / bw:.3f} |")
    return "\n".join(rows)


def targets(results: list[dict]) -> tuple[str, list[str]]:
    rows = ["| N | target | measured | status |", "|---|---|---|---|"]
    notes = []
    for res in results:
        n = res["n"]
        at5k = "" if n >= 5000 else " (target is set at N = 5,000; shown for reference)"
        ratio = med(res["cold"]) / med(res["baseline"])
        cratio = med(res["cold"], "cpu") / med(res["baseline"], "cpu")
        rows.append(f"| {n} | cold build ≤ {TARGETS['cold_ratio']:g} × baseline (wall) | {ratio:.2f}× ({med(res['cold']):.1f}s vs {med(res['baseline']):.1f}s; CPU {cratio:.2f}×) | {status(ratio, TARGETS['cold_ratio'], '×')} |")
        nc = med(res["nochange"])
        ok_write = not res["nochange_problems"]
        st = status(nc, TARGETS["nochange_s"])
        if not ok_write:
            st += "; WROTE FILES: " + "; ".join(res["nochange_problems"])
        rows.append(f"| {n} | no-change rebuild ≤ {TARGETS['nochange_s']:g} s, writes no file{at5k} | {nc:.2f}s, {'no file written' if ok_write else 'files written'} | {st} |")
        pw = med(res["paragraph"])
        p_ok = all(s["diff"].pages_ok() for s in res["paragraph_samples"])
        ident = not unexplained(res, "paragraph_identical")
        desc = "; ".join(f"{s['rendered']} rendered, {len(s['diff'].written.get('page', ()))} pages written, {len(s['diff'].changed.get('page', ()))} changed" for s in res["paragraph_samples"])
        st = status(pw, TARGETS["paragraph_s"])
        if not p_ok:
            st += "; pages written ≠ pages changed"
        if not ident:
            st += "; output NOT byte-identical to a clean build"
        st += f". Byte-identical to a clean build{' (compared once, after all the edits)' if res.get('lean') else ''}: {identity(res, 'paragraph_identical')}"
        rows.append(f"| {n} | one-paragraph edit ≤ {TARGETS['paragraph_s']:g} s, rewrites only dependent pages{at5k} | {pw:.2f}s; {desc} | {st} |")
        t_ok = all(s["diff"].pages_ok() and s["diff"].changed.get("page", set()) == s.get("showing_clean", s["showing"]) for s in res["title_samples"])
        ident_t = not unexplained(res, "title_identical")
        desc = "; ".join(
            f"{len(s['showing'])} pages show it"
            + (f" ({len(s['showing_clean'])} in a clean build)" if "showing_clean" in s else "")
            + f", {len(s['diff'].written.get('page', ()))} written, {len(s['diff'].changed.get('page', ()))} changed"
            for s in res["title_samples"]
        )
        st = "met" if t_ok and ident_t else "missed"
        if not t_ok:
            for s in res["title_samples"]:
                w, c, sh = s["diff"].written.get("page", set()), s["diff"].changed.get("page", set()), s["showing"]
                sh = s.get("showing_clean", sh)
                if w == c == sh:
                    continue
                notes.append(f"N={n}, title '{s['new']}': written−changed {sorted(w - c)[:10]}, changed−written {sorted(c - w)[:10]}, changed−showing {sorted(c - sh)[:10]}, showing (in a clean build) but not rewritten {sorted(sh - c)[:10]}")
        if not ident_t:
            st += "; output NOT byte-identical to a clean build"
        st += f". Byte-identical to a clean build: {identity(res, 'title_identical')}"
        rows.append(f"| {n} | title change rewrites exactly the pages that show the title | {med(res['title']):.2f}s; {desc} | {st} |")
        rows.append(f"| {n} | title change ≤ {TARGETS['title_s']:g} s{at5k} | {med(res['title']):.2f}s | {status(med(res['title']), TARGETS['title_s'])} |")
        rss = max(r.maxrss_mb for r in res["cold"] + res["first"] + res["paragraph"] + res["title"])
        tree_mb = max(r.tree_mb for r in res["cold"] + res["first"] + res["paragraph"] + res["title"])
        rows.append(f"| {n} | peak memory ≤ {TARGETS['memory_mb']:g} MB{at5k} | {rss:.0f} MB largest process (tree sum, sampled: {tree_mb:.0f} MB) | {status(rss, TARGETS['memory_mb'], ' MB')} |")
    return "\n".join(rows), notes


def incremental_details(results: list[dict]) -> str:
    out = []
    for res in results:
        n = res["n"]
        pe, tc = res["meta"]["paragraph_edit"], res["meta"]["title_change"]
        out.append(f"**N = {n}.** Paragraph edit: the first paragraph of `{pe['key']}` ({pe['inlinks']} links point to it); title change: `{tc['key']}` (“{tc['title']}”, {tc['inlinks']} links point to it, none by its bare title).")
        for label, key in (("paragraph edit", "paragraph_samples"), ("title change", "title_samples")):
            for i, s in enumerate(res[key], 1):
                d = s["diff"]
                pages = sorted(d.changed.get("page", set()))
                shown = ", ".join(f"`{p}`" for p in pages[:8]) + (f" … (+{len(pages) - 8})" if len(pages) > 8 else "")
                extra = f"; {len(s['showing'])} pages of the incremental output show the new title" if "showing" in s else ""
                if "showing_clean" in s:
                    extra += f", {len(s['showing_clean'])} pages of a clean build do"
                    missing = sorted(s["showing_clean"] - d.changed.get("page", set()))
                    if missing:
                        extra += f" ({len(missing)} shown but NOT rewritten: " + ", ".join(f"`{p}`" for p in missing[:12]) + ")"
                out.append(f"- {label} {i}: {s['rendered']} pages rendered, {s['reported_written']} files written (build report); on disk {d.summary()}{extra}. Changed pages: {shown}")
        if res.get("lean"):
            out.append(f"- byte-identical to a clean build of the same input (compared once, after the paragraph edits and the title changes: `--lean`): {identity(res, 'title_identical')}")
        else:
            out.append(f"- byte-identical to a clean build of the same input: after the paragraph edits {identity(res, 'paragraph_identical')}; after the title changes {identity(res, 'title_identical')}")
        rep = res.get("reproducible")
        if rep is not None:
            out.append(f"- two clean builds of the same input (cold runs 1 and 2) identical: {'yes' if not rep else 'NO: ' + ', '.join(rep[:8])}")
        out.append("")
    return "\n".join(out)


def runs_info(results: list[dict], mach: dict, gen: dict) -> str:
    lines = []
    for res in results:
        m, g = res.get("machine", mach), res.get("generator", gen)
        dirty = f" + uncommitted changes in {', '.join(g['dirty'])}" if g.get("dirty") else ""
        where = "snapshotted at the start of the run" if "work" in g["path"] else "live checkout"
        lines.append(f"- N = {res['n']}: run on {m['date']}, {res.get('repeat', '?')} repeat{'' if res.get('repeat') == 1 else 's'}; generator at commit {g['commit']}{dirty} (code digest {g['digest']}, {where})")
    return "\n".join(lines)


def write_results(results: list[dict], mach: dict, gen: dict, args, elapsed: float) -> str:
    tgt, notes = targets(results)
    loads = "; ".join(f"N={r['n']} " + ", ".join(f"{k}: {v}" for k, v in r["loads"]) for r in results)
    text = f"""# Benchmark results

Written by `python bench/run.py --sizes {','.join(map(str, args.sizes))} --repeat {args.repeat}` (see bench/README.md) in {elapsed / 60:.0f} minutes.

## Machine

- {mach['nproc']} cores ({mach['cpu']}), {mach['ram']} RAM, {mach['os']}
- Python {mach['python']}; baseline Pelican {mach['pelican']}
{runs_info(results, mach, gen)}
- **The machine is shared**: other engineers were running tests, builds and browsers on the same 2 cores during the run
  (1/5/15-minute load averages: {loads}). Wall-clock times are therefore inflated and noisy, for the baseline and for
  Dossier alike (their runs alternate); the CPU-time columns (user + system of the process and its children) are
  less sensitive to the contention and give a second ratio.

## Medians

{table(results)}

"× baseline" divides by the plain-Pelican median of the same size. "Pages rendered / files written" are the build's own
counts (one figure per repeat for the edits). Peak RSS: the largest resident set of any single process of the build
(from `wait4`), and the peak of the summed RSS of the whole process tree sampled every 0.2 s (forked workers share pages,
so the sum overstates).

### Where the time goes (medians of the build's own stage timings, seconds)

{stage_table(results)}

"import" is the time to import the generator before the build starts; "total in-process" is the build's own
`BuildReport.seconds`. The rest of the wall clock is interpreter start-up.

### Without the search stage (derived)

The search stage (Pagefind) dominates; this is each build's wall clock minus its own `search` timing, to show what
the rest of the pipeline costs. The targets above are judged with every feature on.

{without_search(results)}

## Targets

{tgt}
{chr(10).join('- ' + x for x in notes)}

## Incremental rebuilds in detail

Written = the file is a new inode (Dossier replaces a file it writes and hard-links the ones it keeps); changed = its
bytes differ from before. "page" is every file outside `pagefind/` (the search bundle) and `theme/` (the theme's static
files, copied by Pelican).

{incremental_details(results)}
"""
    for res in results:
        for jobs, (wall, prof) in res.get("profiles", {}).items():
            text += f"\n## Profile of a cold build at N = {res['n']} (`--jobs {jobs}`, {wall:.0f}s wall under cProfile)\n\n```\n{prof}\n```\n"
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000", help="comma-separated N (default 1000,5000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1932)
    ap.add_argument("--jobs", type=int, default=0, help="Dossier worker processes (default: one per core)")
    ap.add_argument("--profile", action="store_true", help="also profile a cold build at the smallest N")
    ap.add_argument("--live", action="store_true", help="run the checkout's generator, not a snapshot of it")
    ap.add_argument("--reuse-snapshot", action="store_true", help="run the generator snapshot of the previous run (bench/work/generator), for comparable sizes")
    ap.add_argument("--lean", action="store_true", help="skip the untimed restoring builds and compare with a clean build only once, after all the edits (for large N)")
    ap.add_argument("--no-results", action="store_true", help="print the table only; do not write RESULTS.md")
    ap.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    ap.add_argument("--report-only", type=Path, nargs="+", default=None, metavar="PICKLE", help="rewrite the report from saved runs (bench/work/results-*.pickle; several are merged, in order)")
    args = ap.parse_args(argv)
    args.sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    start = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        results, elapsed, repeats = [], 0.0, []
        for path in args.report_only:
            with open(path, "rb") as fh:
                saved = pickle.load(fh)
            for res in saved["results"]:
                res.setdefault("generator", saved["generator"])
                res.setdefault("machine", saved["machine"])
                res.setdefault("repeat", saved["repeat"])
            results += saved["results"]
            mach, gen_info = saved["machine"], saved["generator"]
            elapsed += saved["elapsed"]
            repeats.append(saved["repeat"])
        args.sizes = [r["n"] for r in results]
        args.repeat = "/".join(str(r) for r in repeats) if len(set(repeats)) > 1 else repeats[0]
        start = time.perf_counter() - elapsed
    else:
        pelican = ensure_baseline()
        gen, gen_info = snapshot_generator(args.live, args.reuse_snapshot)
        mach = machine()
        print(f"machine: {mach}\ngenerator: {gen_info}", flush=True)
        results = []
        for n in args.sizes:
            res = SizeBench(n, args, gen, pelican).all()
            res.update(generator=gen_info, machine=mach, repeat=args.repeat)
            results.append(res)
            saved_at = WORK / f"results-{'-'.join(map(str, args.sizes))}.pickle"
            with open(saved_at, "wb") as fh:  # report again with --report-only
                pickle.dump({"results": results, "machine": mach, "generator": gen_info, "elapsed": time.perf_counter() - start, "sizes": [r["n"] for r in results], "repeat": args.repeat}, fh)
    print()
    print(table(results))
    print()
    print(stage_table(results))
    print()
    print(without_search(results))
    print()
    tgt, notes = targets(results)
    print(tgt)
    for x in notes:
        print(" -", x)
    if not args.no_results:
        args.results.write_text(write_results(results, mach, gen_info, args, time.perf_counter() - start), encoding="utf-8")
        print(f"\nwrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
