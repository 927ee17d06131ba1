"""How soon the devserver shows a saved edit, on a generated corpus.

    .venv/bin/python bench/devserver.py N [--repeat 5] [--work DIR] [--poll]

Generates (or reuses) the corpus of size N (bench/corpus.py), builds it once,
then runs the devserver as `dossier serve` wires it (the watcher of change
events, or with --poll the one that checks every file every 0.3 s, as
`dossier serve --poll`; rebuilder, HTTP server with server-sent events) in
this process, and for each repeat appends a sentence to the first paragraph of
the corpus's typical person page, then measures:

- save → first "reload" event (what the open browser page waits for), and
  whether the page then served holds the new sentence;
- save → the end of the incremental build that follows (every page the
  edit touches rewritten).

Prints the medians as a Markdown table row for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from dossier.pipeline import Project, build  # noqa: E402
from dossier.serve import DevServer, Rebuilder, make_watcher, watch_paths  # noqa: E402


class Events:
    def __init__(self, port: int):
        self.resp = urllib.request.urlopen(f"http://127.0.0.1:{port}/__dossier__/events", timeout=120)

    def next(self) -> str:
        event = "message"
        while True:
            line = self.resp.readline().decode("utf-8")
            if line == "":
                raise EOFError
            line = line.rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                return event


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--poll", action="store_true", help="the polling watcher (dossier serve --poll)")
    args = ap.parse_args()
    root = args.work / f"devserver-{args.n}"
    if root.exists():
        shutil.rmtree(root)
    subprocess.run([sys.executable, str(HERE / "corpus.py"), str(args.n), str(root)], check=True, stdout=subprocess.DEVNULL)
    meta = json.loads((root / "bench-meta.json").read_text())
    key = meta["paragraph_edit"]["key"]
    project = Project.at(root)
    project.search = False
    t = time.perf_counter()
    build(project)
    print(f"N={args.n}: first build {time.perf_counter() - t:.1f}s", file=sys.stderr)

    server = DevServer(project.output, "127.0.0.1", 0).start()
    rebuild = Rebuilder(project, server, out=sys.stderr, err=sys.stderr)
    watcher = make_watcher(watch_paths(project), rebuild, poll=args.poll, poll_interval=0.3, exclude=[project.output])
    first, full, shown = [], [], []
    try:
        rebuild()  # as `serve` starts: resolves the up-to-date site
        watcher.start()
        path = project.content / (key + ".md")
        for i in range(args.repeat):
            events = Events(server.port)
            time.sleep(0.5)
            text = path.read_text(encoding="utf-8")
            builds = rebuild.builds
            marker = f"Edit number {i} of the benchmark."
            body_start = text.index("\n---\n", 4) + 5
            para_end = text.index("\n\n", body_start)
            saved = time.monotonic()
            path.write_text(text[:para_end] + " " + marker + text[para_end:], encoding="utf-8")
            assert events.next() == "reload"
            first.append(time.monotonic() - saved)
            page = urllib.request.urlopen(f"http://127.0.0.1:{server.port}/{key}/", timeout=30).read().decode("utf-8")
            shown.append(marker in page)
            # the build that follows: done when the rebuilder is idle again
            while rebuild.builds == builds or rebuild._lock.locked():
                time.sleep(0.01)
            full.append(time.monotonic() - saved)
            events.resp.close()
    finally:
        watcher.stop()
        server.stop()
    med = statistics.median
    print(f"| {args.n} | {'poll' if args.poll else 'events'} | {med(first):.2f} | {min(first):.2f} | {max(first):.2f} | {med(full):.2f} | {sum(shown)}/{len(shown)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
