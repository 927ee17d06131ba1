"""Command line: ``dossier [build|check|serve|new|init|import-sources]``.

The console script ``dossier``, ``python -m dossier`` and ``python build.py``
(a thin wrapper kept for old habits) all run :func:`main`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .diagnostics import BuildFailed, DossierError
from .schema import CONTENT_TYPES

__all__ = ["main"]

PROG = "dossier"

HELP = """\
Build a Dossier reference work from content/ into output/.

commands:
  build            build the site (the default): every problem is reported as
                   path:line:column: error[code]: message, and the previous
                   output is left untouched unless the build succeeds
  check            validate the content only; write nothing
  serve            build, serve on localhost and rebuild when files change
  new KIND TITLE   scaffold a new person, group, event, place, source or article
  init DIR         start a new, empty reference work in DIR
  import-sources FILE
                   write content/sources/*.md from a CSL-JSON or BibTeX file
  clean            remove the output, the leftovers of killed builds and the
                   cache: only what a build can prove it made

On a terminal a build that takes more than a second shows its progress on one
line; in a file, a pipe or CI it prints one line per stage (--quiet: only the
summary). Diagnostics are coloured on a terminal (NO_COLOR turns that off).

exit status: 0 on success, 1 on any error (or warning, with --strict),
2 on a usage error.
"""


def _common(p: argparse.ArgumentParser, sub: bool = False) -> None:
    # A subcommand's options default to "not given", so that they never reset
    # the same option given before the subcommand (dossier --strict check).
    def d(value):
        return argparse.SUPPRESS if sub else value

    p.add_argument("--content", type=Path, default=d(None), metavar="DIR", help="content folder (default: content/)")
    p.add_argument("--output", type=Path, default=d(None), metavar="DIR", help="output folder (default: output/)")
    p.add_argument("--strict", action="store_true", default=d(False), help="fail on warnings too")
    p.add_argument("--root", type=Path, default=d(None), metavar="DIR", help="project folder (default: the current one)")
    p.add_argument("--clean", action="store_true", default=d(False), help="ignore the cache and the last build: render every page")
    p.add_argument("--jobs", type=int, default=d(0), metavar="N", help="worker processes (default: one per core)")
    p.add_argument("--no-search", action="store_true", default=d(False), help="skip the Pagefind search index (faster; the search page will not work)")
    p.add_argument("-q", "--quiet", action="store_true", default=d(False), help="print only the summary and the problems: no progress, no stage lines")
    p.add_argument("--timings", action="store_true", default=d(False), help="print the time of each stage and the ten slowest pages to render")
    p.add_argument("-v", "--verbose", action="store_true", default=d(False), help="say which pages were rendered again, and which input change made it necessary")
    p.add_argument(
        "--site-url",
        type=_site_url,
        default=d(None),
        metavar="URL",
        help="the address the site is published at, e.g. https://example.org/dossier (default: SITEURL in pelicanconf.py); "
        "sitemap.xml, the feed, JSON-LD and OpenGraph need it to give absolute addresses",
    )


def _site_url(text: str) -> str:
    import re

    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", text):
        raise argparse.ArgumentTypeError(f"not an http(s) address: {text!r}")
    return text.rstrip("/")


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("dossier")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


class _Version(argparse.Action):
    """--version, its lookup deferred: importlib.metadata costs start-up time."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{PROG} {version()}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    _common(p)
    sub = p.add_subparsers(dest="command")
    for name, text in (("build", "build the site"), ("check", "validate only; write nothing")):
        _common(sub.add_parser(name, help=text, description=text), sub=True)
    s = sub.add_parser("serve", help="serve on localhost, rebuilding on change")
    _common(s, sub=True)
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument(
        "--poll",
        action="store_true",
        help="find changes by checking every file every 0.3 s instead of the system's change events "
        "(for network and container file systems that send none)",
    )
    n = sub.add_parser("new", help="scaffold a new content file")
    _common(n, sub=True)
    n.add_argument("kind", choices=list(CONTENT_TYPES))
    n.add_argument("title")
    t = sub.add_parser("init", help="start a new, empty reference work", description="Create DIR (empty or new) with one example of each content type, settings, a README and a publishing workflow; it builds at once.")
    t.add_argument("dir", type=Path, metavar="DIR")
    t.add_argument("--title", default=None, help="the site's name (default: from DIR)")
    i = sub.add_parser("import-sources", help="import CSL-JSON or BibTeX into content/sources/")
    _common(i, sub=True)
    i.add_argument("file", type=Path)
    _common(sub.add_parser("clean", help="remove what builds made (output, leftovers, cache), and only that"), sub=True)
    return p


def _project(args):
    from .pipeline import Project

    root = args.root or Path.cwd()
    project = Project.at(root, args.content, args.output, strict=args.strict, jobs=args.jobs, use_cache=not args.clean)
    project.search = not args.no_search
    project.site_url = getattr(args, "site_url", None)
    return project


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .interrupt import handling_signals

    with handling_signals():
        return _main(args)


def _main(args) -> int:
    """Every failure as one line and an exit status, never a traceback."""
    from .interrupt import Interrupted, describe, exit_status

    command = args.command or "build"
    writes = command in ("build", "serve")
    try:
        return _run(args, command)
    except (KeyboardInterrupt, Interrupted) as exc:
        print(f"{describe(exc)}: {_left(exc, writes)}", file=sys.stderr)
        return exit_status(exc)
    except OSError as exc:
        print(f"error: {_os_error(exc)}" + (f"; {_left(exc, writes)}" if writes else ""), file=sys.stderr)
        return 1


def _left(exc: BaseException, writes: bool) -> str:
    if not writes:
        return "stopped"
    if getattr(exc, "dossier_swapped", False):
        return "the new output was already in place"
    return "the build stopped and the previous output was left as it was"


def _os_error(exc: OSError) -> str:
    """'No space left on device: /path' (the system's words, the file named)."""
    text = exc.strerror or str(exc)
    if exc.filename is not None:
        text += f": {exc.filename}"
        if exc.filename2 is not None:
            text += f" -> {exc.filename2}"
    return text


def _run(args, command: str) -> int:
    try:
        if command in ("build", "check"):
            return _build(args, check_only=command == "check")
        if command == "serve":
            from .serve import serve

            return serve(_project(args), args.host, args.port, poll=args.poll)
        if command == "new":
            from .scaffold import new_entity

            path = new_entity(_project(args), args.kind, args.title)
            print(f"wrote {path}")
            return 0
        if command == "clean":
            from .clean import clean

            project = _project(args)
            done = clean(project.output, project.cache_dir, project.root, project.content)
            for path in done.removed:
                print(f"removed {path}")
            for text in done.left:
                print(f"warning: {text}", file=sys.stderr)
            return 0
        if command == "init":
            from .newsite import init

            made = init(args.dir, args.title)
            print(f"created a new reference work in {made}: {len(made.files)} files")
            print(f"next: cd {args.dir} && {PROG} build && {PROG} serve")
            return 0
        if command == "import-sources":
            from .importer import SourceImportError, import_sources

            project = _project(args)
            try:
                report = import_sources(args.file, project.content / "sources")
            except SourceImportError as failed:
                print(failed, file=sys.stderr)
                print("nothing was imported", file=sys.stderr)
                return 1
            for d in report.diagnostics:
                print(d.format(), file=sys.stderr)
            for p in report.written:
                print(f"wrote {p}")
            for key, reason in report.skipped:
                print(f"skipped {key}: {reason}")
            print(f"{len(report.written)} written, {len(report.skipped)} skipped")
            return 0
    except DossierError as exc:
        from .console import styled

        styled(f"error: {exc}", "bold red", sys.stderr)
        return 1
    return 2


def _build(args, check_only: bool) -> int:
    from .console import print_report
    from .pipeline import build
    from .progress import Collector, reporter_for

    project = _project(args)
    # the face of the progress (live line, stage lines or nothing); the
    # collector keeps what --timings and --verbose print at the end
    reporter = Collector(reporter_for(sys.stdout, quiet=args.quiet), keep_reasons=args.verbose)
    try:
        report = build(project, check_only=check_only, clean=args.clean, reporter=reporter)
    except BuildFailed as failed:
        reporter.close()
        print_report(failed.diagnostics, sys.stderr)
        if not check_only:
            from .console import styled

            styled("build failed: the previous output was left as it was", "bold red", sys.stderr)
        return 1
    finally:
        reporter.close()
    if report.diagnostics.items:
        print_report(report.diagnostics, sys.stderr)
    if report.up_to_date:
        print(f"{project.output} is up to date ({report.seconds:.2f}s, nothing written)")
        return 0
    for note in report.notes:
        print(f"warning: {note}", file=sys.stderr)
    if args.verbose:
        _print_reasons(reporter)
    if args.timings:
        _print_timings(report, reporter)
    site = report.resolved.site
    counts = ", ".join(f"{len(site.of_kind(k))} {CONTENT_TYPES[k].folder}" for k in CONTENT_TYPES)
    if check_only:
        print(f"ok: {counts}; no errors")
    else:
        print(f"built {project.output}: {counts}; {report.pages} pages rendered, {report.written} files written, in {report.seconds:.2f}s")
    return 0


def _print_reasons(reporter) -> None:
    reasons = reporter.reasons
    if not reasons:
        print("no page needed rendering again")
        return
    by_reason: dict[str, list[str]] = {}
    for path, why in reasons:
        by_reason.setdefault(why, []).append(path)
    if len(by_reason) == 1 and len(reasons) > 20:
        (why, paths), = by_reason.items()
        print(f"rendering all {len(paths)} pages: {why}")
        return
    print(f"rendering {len(reasons)} page{'s' if len(reasons) != 1 else ''}:")
    for path, why in reasons:
        print(f"  {path}: {why}")


def _print_timings(report, reporter) -> None:
    from .progress import STAGES

    print("stage timings:")
    for stage, seconds in report.timings.items():
        print(f"  {STAGES.get(stage, stage):<14}{seconds:8.3f}s")
    print(f"  {'total':<14}{report.seconds:8.3f}s")
    slow = reporter.slowest()
    if slow:
        print(f"the {len(slow)} slowest page{'s' if len(slow) != 1 else ''} to render:")
        for seconds, path in slow:
            print(f"  {seconds * 1000:8.1f} ms  {path}")
