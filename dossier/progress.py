"""What a build tells while it runs: the reporter interface and its three faces.

The pipeline announces its stages and how far each has got through a
:class:`Reporter` (``pipeline.build(..., reporter=...)``); it never prints.
The command line picks the face:

- :class:`LiveReporter` on a terminal: after about a second, one line that
  updates in place (the stage, pages rendered of the total, search shards
  indexed), drawn with Rich and cleared before the summary;
- :class:`StageLines` when the output is a file, a pipe or CI: one line per
  stage with its time;
- :class:`Reporter` itself (every method a no-op) for ``--quiet``, the dev
  server and the tests.

Whatever the face, :class:`Collector` keeps what ``--timings`` and
``--verbose`` print: each page's rendering time and why each page was
rendered again. Rich is imported only when the live line is first drawn, so a
build that is up to date (or quick) pays nothing for it.
"""

from __future__ import annotations

import heapq
import os
import sys
import threading
import time
from typing import TextIO

__all__ = ["Reporter", "Collector", "StageLines", "LiveReporter", "STAGES", "reporter_for"]

#: Stage names the pipeline reports, and how they are shown.
STAGES = {
    "read": "reading",
    "markdown": "Markdown",
    "resolve": "resolving",
    "write": "rendering",
    "search": "search index",
}

#: What the unit of a stage's count is called.
UNITS = {"read": "files", "write": "pages", "search": "shards"}


class Reporter:
    """The pipeline's progress events; this base ignores them all."""

    def start(self, stage: str, total: int | None = None) -> None:
        """A stage begins (``total``: how many items, when known)."""

    def total(self, total: int) -> None:
        """The current stage now knows how many items it has."""

    def advance(self, n: int = 1) -> None:
        """``n`` more items of the current stage are done."""

    def finish(self, stage: str, seconds: float) -> None:
        """The stage ended after ``seconds``."""

    def page(self, path: str, seconds: float) -> None:
        """One page was rendered (and written) in ``seconds``."""

    def rebuilt(self, path: str, why: str) -> None:
        """The page at ``path`` is rendered because ``why``."""

    def close(self) -> None:
        """The build is over (succeeded or not): leave the terminal clean."""


class Collector(Reporter):
    """Keeps stage counts, the slowest pages and the reasons for rebuilding;
    hands every event on to ``inner`` (the face)."""

    def __init__(self, inner: Reporter | None = None, slowest: int = 10, keep_reasons: bool = False):
        self.inner = inner or Reporter()
        self.keep = slowest
        self.keep_reasons = keep_reasons
        self.counts: dict[str, int] = {}
        self._slow: list[tuple[float, str]] = []  # a min-heap of the slowest
        self.reasons: list[tuple[str, str]] = []
        self._stage = ""

    def start(self, stage, total=None):
        self._stage = stage
        self.counts[stage] = 0
        self.inner.start(stage, total)

    def total(self, total):
        self.inner.total(total)

    def advance(self, n=1):
        self.counts[self._stage] = self.counts.get(self._stage, 0) + n
        self.inner.advance(n)

    def finish(self, stage, seconds):
        self.inner.finish(stage, seconds)

    def page(self, path, seconds):
        item = (seconds, path)
        if len(self._slow) < self.keep:
            heapq.heappush(self._slow, item)
        elif item > self._slow[0]:
            heapq.heapreplace(self._slow, item)
        self.inner.page(path, seconds)

    def rebuilt(self, path, why):
        if self.keep_reasons:
            self.reasons.append((path, why))
        self.inner.rebuilt(path, why)

    def close(self):
        self.inner.close()

    def slowest(self) -> list[tuple[float, str]]:
        """The slowest pages, slowest first (ties by path)."""
        return sorted(self._slow, key=lambda sp: (-sp[0], sp[1]))


def _detail(stage: str, count: int) -> str:
    unit = UNITS.get(stage)
    if unit is None or not count:
        return ""
    if count == 1:
        unit = unit[:-1]
    return f" ({count} {unit})"


class StageLines(Reporter):
    """One line per finished stage with its time: for files, pipes and CI."""

    def __init__(self, out: TextIO | None = None):
        self.out = out
        self._count = 0

    def start(self, stage, total=None):
        self._count = 0

    def advance(self, n=1):
        self._count += n

    def finish(self, stage, seconds):
        print(f"{STAGES.get(stage, stage)}: {seconds:.2f}s{_detail(stage, self._count)}", file=self.out or sys.stdout, flush=True)


class LiveReporter(Reporter):
    """One updating line on a terminal, shown once the build has run for
    ``delay`` seconds (a quick build never shows it), redrawn at most
    ``rate`` times a second and cleared at the end."""

    def __init__(self, out: TextIO | None = None, delay: float = 1.0, rate: float = 10.0, clock=time.monotonic):
        self.out = out or sys.stdout
        self.delay = delay
        self.interval = 1.0 / rate
        self.clock = clock
        self.began = clock()
        self._lock = threading.RLock()
        self._stage = ""
        self._done = 0
        self._total: int | None = None
        self._progress = None  # rich.progress.Progress once shown
        self._task = None
        self._task_stage: tuple | None = None
        self._drawn = 0.0
        self._closed = False
        # a stage may run for seconds without an event (reading, resolving):
        # the line appears on time anyway
        self._timer = threading.Timer(delay, self._due)
        self._timer.daemon = True
        self._timer.start()

    # events ------------------------------------------------------------------

    def start(self, stage, total=None):
        with self._lock:
            self._stage, self._done, self._total = stage, 0, total
            self._draw(force=True)

    def total(self, total):
        with self._lock:
            self._total = total
            self._draw(force=True)

    def advance(self, n=1):
        with self._lock:
            self._done += n
            self._draw(force=self._total is not None and self._done >= self._total)

    def close(self):
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._progress is not None:
                self._progress.stop()  # transient: the line is erased
                self._progress = None

    # drawing -----------------------------------------------------------------

    def _due(self):
        with self._lock:
            self._draw(force=True)

    def _draw(self, force: bool = False) -> None:
        if self._closed:
            return
        now = self.clock()
        if now - self.began < self.delay:
            return
        if not force and now - self._drawn < self.interval:
            return
        self._drawn = now
        if self._progress is None:
            self._show()
        label = STAGES.get(self._stage, self._stage)
        if self._task_stage != (self._stage, self._total is None):
            # a new task for each stage (and once its total is known): Rich
            # would keep the last stage's total, and its bar, otherwise
            if self._task is not None:
                self._progress.remove_task(self._task)
            self._task = self._progress.add_task(label, total=self._total, count="")
            self._task_stage = (self._stage, self._total is None)
        count = f"{self._done}/{self._total} {UNITS.get(self._stage, '')}".rstrip() if self._total is not None else ""
        self._progress.update(self._task, description=label, completed=self._done, total=self._total, count=count)
        self._progress.refresh()

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.out, force_terminal=True, highlight=False, no_color=bool(os.environ.get("NO_COLOR")))
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            auto_refresh=False,  # drawn on events and by the timer: no thread of its own
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._progress.start()


def on_ci() -> bool:
    return bool(os.environ.get("CI"))


def reporter_for(out: TextIO, quiet: bool = False) -> Reporter:
    """The face for ``out``: nothing with ``quiet``, the live line on a
    terminal (not under CI, not TERM=dumb), else one line per stage."""
    if quiet:
        return Reporter()
    if _is_terminal(out) and not on_ci() and os.environ.get("TERM") != "dumb":
        return LiveReporter(out)
    return StageLines(out)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
