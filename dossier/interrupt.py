"""Ctrl-C, SIGTERM and SIGHUP: a build stops as if it had failed.

:func:`handling_signals` makes SIGTERM and SIGHUP raise :class:`Interrupted`
(Ctrl-C raises Python's own ``KeyboardInterrupt``), so that every ``with``
block unwinds: the staging folder is removed, a child process (Pagefind, git,
a worker) is killed and waited for, and the previous output stays as it was.
The swap itself holds the signals back until it is whole
(``output.deferred_signals``). Worker processes ignore Ctrl-C (the build
stops them) and die at once of SIGTERM (:func:`in_worker`).
"""

from __future__ import annotations

import contextlib
import signal
import threading

__all__ = ["Interrupted", "handling_signals", "in_worker", "exit_status", "SIGNALS"]

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class Interrupted(BaseException):
    """A signal asked the process to stop (not an ``Exception``: nothing
    that handles errors may swallow it)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _raise(signum, frame) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def handling_signals():
    """SIGTERM and SIGHUP raise :class:`Interrupted` while the block runs (in
    the main thread; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def in_worker() -> None:
    """Initializer of worker processes: the parent handles Ctrl-C (it reaches
    the whole process group) and stops them; SIGTERM ends them at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for s in SIGNALS:
        signal.signal(s, signal.SIG_DFL)


def exit_status(exc: BaseException) -> int:
    """The shell's convention: 128 + the signal's number."""
    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    return 128 + int(signum)


def describe(exc: BaseException) -> str:
    name = signal.Signals(exc.signum).name if isinstance(exc, Interrupted) else "Ctrl-C"
    return f"interrupted ({name})"
