"""A time limit on a piece of pure-Python work, in any thread.

``with time_limit(5): work()`` raises :class:`Expired` in the working thread
once it has used 5 s of CPU time (wall time where a thread's CPU clock
cannot be read). The bound holds for every input, not only for the inputs an
estimate foresaw: Python-Markdown has costs no linear estimate predicts
(1 MB of backslashes rendered in 327 s).

How: one watchdog thread per process looks at the running limits a few times
a second and, when one has expired, raises the exception in the working
thread with ``PyThreadState_SetAsyncExc`` (CPython's documented way to
interrupt another thread; a signal would only reach the main thread, and the
devserver renders in its watcher thread). The exception arrives between two
Python instructions, so a long call into C code ends first: the callers keep
those linear (see ``markup``). CPU time, not wall time, so that a loaded
machine does not refuse a body a quiet one accepts.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Expired", "time_limit"]


class Expired(BaseException):
    """The time limit ran out. A BaseException, so that no ``except
    Exception`` in the interrupted code can swallow it."""


@dataclass
class _Limit:
    clock: int | None  # the working thread's CPU clock, or None: wall time
    start: float
    seconds: float
    fired: bool = False


_POLL = 0.05  # seconds between two looks at the running limits


def _now(clock: int | None) -> float:
    return time.monotonic() if clock is None else time.clock_gettime(clock)


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


class _Watchdog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wake = threading.Condition(self.lock)
        self.limits: dict[int, _Limit] = {}  # thread id -> its running limit
        self.thread: threading.Thread | None = None

    def add(self, thread_id: int, limit: _Limit) -> None:
        with self.lock:
            self.limits[thread_id] = limit
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="dossier-deadline", daemon=True)
                self.thread.start()
            self.wake.notify()

    def remove(self, thread_id: int) -> bool:
        """Forget the thread's limit; True if it had expired. Once this has
        returned, no Expired is on its way to the thread."""
        with self.lock:
            limit = self.limits.pop(thread_id, None)
            if limit is not None and limit.fired:
                _raise_in(thread_id, None)  # cancel one not yet delivered
                return True
            return False

    def _run(self) -> None:
        with self.lock:
            while True:
                if not self.limits:
                    self.wake.wait()
                    continue
                for thread_id, limit in self.limits.items():
                    if limit.fired:
                        continue
                    try:
                        used = _now(limit.clock) - limit.start
                    except OSError:  # the thread is gone
                        continue
                    if used > limit.seconds:
                        limit.fired = True
                        _raise_in(thread_id, Expired)
                self.wake.wait(_POLL)


_watchdog = _Watchdog()


def _after_fork() -> None:  # the watchdog thread does not survive a fork
    global _watchdog
    _watchdog = _Watchdog()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def _thread_clock() -> int | None:
    try:
        return time.pthread_getcpuclockid(threading.get_ident())
    except (AttributeError, OSError):
        return None


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Expired` in this thread once the block has used
    ``seconds`` of CPU time. It is raised if and only if the limit fired."""
    thread_id = threading.get_ident()
    clock = _thread_clock()
    watchdog = _watchdog
    watchdog.add(thread_id, _Limit(clock, _now(clock), seconds))
    fired = False
    try:
        yield
    except Expired:
        fired = True
    finally:
        while True:  # the exception may arrive while the limit is removed
            try:
                fired = watchdog.remove(thread_id) or fired
                break
            except Expired:
                fired = True
    if fired:
        raise Expired
