#!/usr/bin/env python3
"""Run one Dossier build the way ``build.py build`` does and print its report
as one JSON line (pages rendered, files written, stage timings), for run.py.

    python bench/dossier_build.py --generator DIR --root ROOT [--output DIR] [--clean] [--jobs N]

``--generator`` is the folder holding the ``dossier`` package (its theme inside)
(the checkout, or run.py's snapshot of it). The build is exactly
``dossier.pipeline.build(Project.at(root, None, output, jobs=…, use_cache=not clean), clean=clean)``,
which is what ``dossier/cli.py`` calls.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main() -> int:
    t0 = time.perf_counter()
    ap = argparse.ArgumentParser()
    ap.add_argument("--generator", type=Path, required=True)
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--output", type=Path, default=None)
    ap.add_argument("--clean", action="store_true")
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    sys.path.insert(0, str(args.generator.resolve()))
    from dossier.diagnostics import BuildFailed
    from dossier.pipeline import Project, build

    imported = time.perf_counter() - t0
    project = Project.at(args.root, None, args.output, jobs=args.jobs, use_cache=not args.clean)
    try:
        report = build(project, clean=args.clean)
    except BuildFailed as failed:
        print(failed.diagnostics.report(), file=sys.stderr)
        return 1
    out = {
        "pages": getattr(report, "pages", None),
        "written": getattr(report, "written", None),
        "files": getattr(report, "files", None),
        "up_to_date": bool(getattr(report, "up_to_date", False)),
        "seconds": round(getattr(report, "seconds", 0.0), 4),
        "import_seconds": round(imported, 4),
        "timings": {k: round(v, 4) for k, v in (getattr(report, "timings", None) or {}).items()},
        "generator_file": sys.modules["dossier.pipeline"].__file__,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
