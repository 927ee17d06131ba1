"""The development server: ``dossier serve`` (and ``make devserver``).

    EventWatcher (the system's change events, through watchfiles, for
    content/, theme/, templates/, pelicanconf.py; Watcher polls instead)
      → Rebuilder (one build at a time; ``pipeline.build``)
        → DevServer.notify_reload() / notify_error(diagnostics)
          → every open page, through Server-Sent Events, reloads or shows
            the error overlay; the last good output stays served.

Everything here is serve mode only: the live-reload script, its stylesheet
and the error overlay are injected into HTML as it is served, never written
into ``output/``. The script and the stylesheet are external files served
under ``/__dossier__/`` so that a Content-Security-Policy without
``'unsafe-inline'`` does not block them. Standard library, and watchfiles
(Pelican's own dependency) for change events.
"""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import os
import queue
import re
import shutil
import signal
import socket
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .diagnostics import BuildFailed, DossierError, UnsafeOutputPath

if TYPE_CHECKING:
    from .pipeline import Project

__all__ = [
    "serve",
    "snapshot",
    "changed",
    "changed_paths",
    "watch_paths",
    "Watcher",
    "EventWatcher",
    "make_watcher",
    "DevServer",
    "Rebuilder",
    "Problem",
    "inject",
    "PREFIX",
    "LIVERELOAD_JS",
    "OVERLAY_CSS",
]

#: URL folder of the server's own files; no site page lives there.
PREFIX = "/__dossier__/"
#: live-reload event streams open at once: each holds a thread (one per
#: open tab; a page beyond it reloads by hand)
MAX_EVENT_STREAMS = 32

LIVERELOAD_JS = """\
// Dossier live reload: served only by `dossier serve`, never written to output/.
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = (me && me.getAttribute("data-generation")) || "";
  var source = new EventSource("/__dossier__/events?generation=" + encodeURIComponent(generation));

  source.addEventListener("reload", function () {
    source.close();
    window.location.reload();
  });

  // A server-sent "error" event carries the diagnostics as JSON; the
  // EventSource's own "error" (connection lost, it retries) has no data.
  source.addEventListener("error", function (event) {
    if (typeof event.data !== "string") return;
    try { show(JSON.parse(event.data)); } catch (e) { /* not ours */ }
  });

  function show(report) {
    var overlay = document.getElementById("dossier-overlay");
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "dossier-overlay";
      overlay.setAttribute("role", "alert");
      document.body.insertBefore(overlay, document.body.firstChild);
    }
    overlay.textContent = "";
    overlay.hidden = false;
    var title = document.createElement("p");
    title.className = "dossier-overlay-title";
    title.textContent = report.title;
    overlay.appendChild(title);
    var list = document.createElement("ul");
    (report.diagnostics || []).forEach(function (d) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = d.text;  // text, never HTML: messages quote content
      item.appendChild(code);
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "dossier-overlay-close";
    close.setAttribute("aria-label", "Hide the build errors");
    close.textContent = "\\u00d7";
    overlay.appendChild(close);
  }

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (t && t.classList && t.classList.contains("dossier-overlay-close")) {
      var overlay = document.getElementById("dossier-overlay");
      if (overlay) overlay.hidden = true;
    }
  });
})();
"""

OVERLAY_CSS = """\
/* Dossier build-error overlay: served only by `dossier serve`. */
#dossier-overlay {
  position: fixed; top: 0; left: 0; right: 0; z-index: 2147483647;
  max-height: 50vh; overflow: auto; box-sizing: border-box;
  margin: 0; padding: 0.75rem 3rem 0.75rem 1rem;
  background: #fff4f4; color: #5c0000; border-bottom: 3px solid #b00020;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; text-align: left;
}
#dossier-overlay[hidden] { display: none; }
#dossier-overlay .dossier-overlay-title { margin: 0 0 0.5rem; font-weight: 700; }
#dossier-overlay ul { margin: 0; padding: 0; list-style: none; }
#dossier-overlay li { margin: 0.25rem 0; }
#dossier-overlay code {
  font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  white-space: pre-wrap; overflow-wrap: anywhere; color: inherit; background: none;
}
#dossier-overlay .dossier-overlay-close {
  position: absolute; top: 0.4rem; right: 0.6rem; padding: 0.2rem 0.5rem;
  font: inherit; font-size: 1.4rem; line-height: 1; color: inherit;
  background: none; border: 0; cursor: pointer;
}
@media print { #dossier-overlay { display: none; } }
"""

# ---------------------------------------------------------------------------
# Watching: snapshots of (mtime_ns, size), compared every poll interval.

Snapshot = dict[str, tuple[int, int]]


def _ignored(name: str) -> bool:
    """Editor swap and backup files, .DS_Store, .git: as ``model.discover``."""
    return name.startswith(".") or name.endswith("~")


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    # ``output`` also excludes its siblings ``output.staging-<pid>-<token>``.
    return any(path == p or path.startswith(p + os.sep) or path.startswith(p + ".") for p in prefixes)


def snapshot(paths: Iterable[Path | str], exclude: Iterable[Path | str] = ()) -> Snapshot:
    """Every file under ``paths`` (folders walked, files as they are) mapped
    to ``(mtime_ns, size)``. Missing paths are simply absent, so creating one
    later is a change. Hidden files and ``~`` backups are left out."""
    skip = tuple(os.path.abspath(p) for p in exclude)
    out: Snapshot = {}

    def record(path: str) -> None:
        try:
            st = os.stat(path)
        except OSError:  # deleted meanwhile, or a dangling link
            return
        if stat.S_ISREG(st.st_mode):
            out[path] = (st.st_mtime_ns, st.st_size)

    for top in paths:
        top = os.path.abspath(top)
        if _under(top, skip):
            continue
        if not os.path.isdir(top):
            record(top)
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if not _ignored(d) and not _under(os.path.join(dirpath, d), skip)]
            for name in filenames:
                if not _ignored(name):
                    record(os.path.join(dirpath, name))
    return out


def changed(old: Snapshot, new: Snapshot) -> bool:
    """True when a file was added, removed or modified between two snapshots."""
    return old != new


def changed_paths(old: Snapshot, new: Snapshot) -> list[str]:
    """The files added, removed or modified, sorted."""
    return sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))


def watch_paths(project: Project) -> list[Path]:
    """What a rebuild depends on: content, the site's own theme/ (its
    overrides), templates and settings; and the package's theme, when it is
    not an installed one (someone is working on it)."""
    from .project import PACKAGE_THEME

    paths = [project.content, project.root / "theme", project.root / "templates", project.root / "pelicanconf.py"]
    if project.settings_file is not None and project.settings_file not in paths:
        paths.append(project.settings_file)
    if "site-packages" not in PACKAGE_THEME.parts and PACKAGE_THEME not in paths:
        paths.append(PACKAGE_THEME)
    return paths


class _WatchThread:
    """What both watchers share: one daemon thread, stopped by an event;
    each defines ``start``."""

    _stop: threading.Event
    _thread: threading.Thread | None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching; waits (up to ``timeout``) for a running callback."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Watcher(_WatchThread):
    """Polls ``paths`` and calls ``callback(changed_paths)`` after a change.

    A burst of saves is one call: after a change is seen, the watcher waits
    until the files have been quiet for ``debounce`` seconds (at most
    ``max_wait``). Calls happen in the watcher's thread, one at a time; a
    change made while the callback runs is seen at the next poll.
    """

    def __init__(
        self,
        paths: Iterable[Path | str],
        callback: Callable[[list[str]], object],
        *,
        poll_interval: float = 0.3,
        debounce: float = 0.1,
        max_wait: float = 2.0,
        exclude: Iterable[Path | str] = (),
    ):
        self.paths = [Path(p) for p in paths]
        self.exclude = [Path(p) for p in exclude]
        self.callback = callback
        self.poll_interval = poll_interval
        self.debounce = debounce
        self.max_wait = max_wait
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._snap: Snapshot = {}

    def snapshot(self) -> Snapshot:
        return snapshot(self.paths, self.exclude)

    def start(self) -> Watcher:
        """Take the first snapshot now (so later edits count) and start polling."""
        if self._thread is not None:
            raise RuntimeError("the watcher is already running")
        self._stop.clear()
        self._snap = self.snapshot()
        self._thread = threading.Thread(target=self._run, name="dossier-watcher", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.poll_interval):
            new = self.snapshot()
            if not changed(self._snap, new):
                continue
            deadline = time.monotonic() + self.max_wait
            while not self._stop.wait(self.debounce):
                newer = self.snapshot()
                settled = not changed(new, newer)
                new = newer
                if settled or time.monotonic() >= deadline:
                    break
            if self._stop.is_set():
                return
            paths = changed_paths(self._snap, new)
            self._snap = new
            try:
                self.callback(paths)
            except Exception:  # the watcher outlives a failing callback
                traceback.print_exc()


class EventWatcher(_WatchThread):
    """Calls ``callback(changed_paths)`` after a change, told by the
    system's file-change events (inotify, FSEvents, ReadDirectoryChangesW)
    through watchfiles, instead of reading every file's state every
    ``poll_interval``: the same interface as :class:`Watcher`.

    The folders among ``paths`` are watched with events; the rest (the
    settings file, a folder that does not exist yet) are a handful of paths
    whose state is read every ``poll_interval``: a folder that appears is
    then watched too. A burst of saves is one call: watchfiles waits until
    the files have been quiet for ``debounce`` seconds (at most ``max_wait``).
    Hidden files, ``~`` backups and ``exclude`` are ignored, as by the poller.
    """

    def __init__(
        self,
        paths: Iterable[Path | str],
        callback: Callable[[list[str]], object],
        *,
        poll_interval: float = 0.3,
        debounce: float = 0.1,
        max_wait: float = 2.0,
        exclude: Iterable[Path | str] = (),
    ):
        self.paths = [Path(p) for p in paths]
        self.exclude = tuple(os.path.abspath(p) for p in exclude)
        self.callback = callback
        self.poll_interval = poll_interval
        self.debounce = debounce
        self.max_wait = max_wait
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def _split(self) -> tuple[list[str], list[str]]:
        """(folders to watch with events, other paths to check by their state)."""
        folders, others = [], []
        for p in self.paths:
            top = os.path.abspath(p)
            if _under(top, self.exclude):
                continue
            (folders if os.path.isdir(top) else others).append(top)
        return folders, others

    def start(self, timeout: float = 10.0) -> EventWatcher:
        """Start watching; returns once the watches are set (later edits count).
        Raises what watchfiles raised when it cannot watch (no inotify, the
        limit of watches reached): poll instead."""
        import watchfiles  # noqa: F401 - fail here, not in the thread

        if self._thread is not None:
            raise RuntimeError("the watcher is already running")
        self._stop.clear()
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="dossier-watcher", daemon=True)
        self._thread.start()
        self._ready.wait(timeout)
        if self._error is not None:
            self._thread = None
            raise self._error
        return self

    def _keep(self, folders: list[str]):
        def keep(change, path: str) -> bool:
            if _under(path, self.exclude):
                return False
            for top in folders:
                if path == top or path.startswith(top + os.sep):
                    rel = path[len(top) + 1 :]
                    return not any(_ignored(part) for part in rel.split(os.sep) if part)
            return False

        return keep

    def _run(self) -> None:
        import watchfiles

        try:
            while not self._stop.is_set():
                folders, others = self._split()
                state = snapshot(others)
                shape = [os.path.isdir(p) for p in others]
                changes: set[str] = set()
                restart = False
                for batch in watchfiles.watch(
                    *folders,
                    watch_filter=self._keep(folders),
                    debounce=int(self.max_wait * 1000),
                    step=max(1, int(self.debounce * 1000)),
                    stop_event=self._stop,
                    rust_timeout=max(1, int(self.poll_interval * 1000)),
                    yield_on_timeout=True,
                    raise_interrupt=False,
                    ignore_permission_denied=True,
                ) if folders else self._idle():
                    self._ready.set()
                    changes.update(path for _change, path in batch)
                    now = snapshot(others)
                    if now != state:
                        changes.update(changed_paths(state, now))
                        state = now
                    if [os.path.isdir(p) for p in others] != shape or not all(os.path.isdir(p) for p in folders):
                        restart = True  # a folder appeared or went: watch anew
                        changes.update(p for p, was in zip(others, shape) if os.path.isdir(p) != was)
                    if changes and not self._stop.is_set():
                        paths, changes = sorted(changes), set()
                        try:
                            self.callback(paths)
                        except Exception:  # the watcher outlives a failing callback
                            traceback.print_exc()
                    if restart:
                        break
                if not restart:
                    return
        except BaseException as exc:  # cannot watch: start() raises it
            self._error = exc
            if self._ready.is_set():
                traceback.print_exc()
        finally:
            self._ready.set()

    def _idle(self):
        """No folder to watch yet: only the other paths, every poll_interval."""
        self._ready.set()
        while not self._stop.wait(self.poll_interval):
            yield set()


def make_watcher(paths, callback, *, poll: bool = False, **options) -> Watcher | EventWatcher:
    """The watcher ``serve`` uses: change events, or polling with ``poll``."""
    return (Watcher if poll else EventWatcher)(paths, callback, **options)


# ---------------------------------------------------------------------------
# Problems shown in the overlay.


@dataclass(frozen=True)
class Problem:
    """One line of the overlay: a diagnostic, or an unexpected exception."""

    text: str
    path: str = ""
    line: int = 0
    column: int = 0
    code: str = ""
    severity: str = "error"
    message: str = ""


def _problems(diagnostics) -> list[Problem]:
    """Problems from a ``Diagnostics``, Diagnostic items, strings or an exception."""
    if isinstance(diagnostics, BaseException):
        exc = diagnostics
        where = ""
        filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        if filename and lineno:  # e.g. a Jinja TemplateSyntaxError in theme/
            where = f"{filename}:{lineno}: "
        return [Problem(f"{where}error: {type(exc).__name__}: {exc}", message=str(exc))]
    if hasattr(diagnostics, "sorted"):
        diagnostics = diagnostics.sorted()
    out = []
    for d in diagnostics:
        if isinstance(d, Problem):
            out.append(d)
        elif isinstance(d, str):
            out.append(Problem(d, message=d))
        else:
            sev = getattr(d, "severity", "error")
            out.append(Problem(d.format(), d.path, d.line, d.column, d.code, getattr(sev, "value", str(sev)), d.message))
    return out


def _title(problems: list[Problem]) -> str:
    e = sum(1 for p in problems if p.severity == "error")
    w = len(problems) - e
    counts = f"{e} error{'s' if e != 1 else ''}" + (f", {w} warning{'s' if w != 1 else ''}" if w else "")
    return f"Build failed ({counts}): showing the last good build until the content is fixed."


def overlay_html(problems: list[Problem]) -> str:
    items = "".join(f"<li><code>{html.escape(p.text)}</code></li>" for p in problems)
    return (
        '<div id="dossier-overlay" role="alert">'
        f'<p class="dossier-overlay-title">{html.escape(_title(problems))}</p>'
        f"<ul>{items}</ul>"
        '<button type="button" class="dossier-overlay-close" aria-label="Hide the build errors">&times;</button>'
        "</div>"
    )


_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def _rfind_ci(text: str, tag: str) -> int:
    return text.lower().rfind(tag)


def inject(page: str, generation: int | str = 0, problems: list[Problem] | None = None) -> str:
    """Serve-mode additions to an HTML page: the overlay stylesheet in the
    head, the overlay itself after ``<body>`` when the last build failed,
    and the live-reload script before ``</body>``. ``generation`` names the
    build the page comes from, so its script can tell whether it missed one."""
    link = f'<link rel="stylesheet" href="{PREFIX}overlay.css">'
    script = f'<script src="{PREFIX}livereload.js" data-generation="{html.escape(str(generation))}"></script>'
    head_end = page.lower().find("</head>")
    if head_end >= 0:
        page = page[:head_end] + link + "\n" + page[head_end:]
        tail = script
    else:
        tail = link + script
    if problems:
        overlay = overlay_html(problems)
        m = _BODY_OPEN.search(page)
        if m:
            page = page[: m.end()] + "\n" + overlay + page[m.end() :]
        else:
            tail = overlay + tail
    body_end = _rfind_ci(page, "</body>")
    if body_end >= 0:
        return page[:body_end] + tail + "\n" + page[body_end:]
    return page + tail


# ---------------------------------------------------------------------------
# The HTTP server.

_TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
_FALLBACK_404 = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page not found</title></head><body><h1>Page not found</h1></body></html>\n"
_NO_BUILD = (
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>No build yet</title></head>"
    "<body><h1>No build yet</h1><p>The site has not been built successfully yet. This page reloads once it is.</p></body></html>\n"
)


def _content_type(path: str) -> str:
    ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith(".js"):
        ctype = "text/javascript"
    if ctype.startswith(_TEXT_TYPES):
        ctype += "; charset=utf-8"
    return ctype


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _segments(urlpath: str) -> list[str] | None:
    """Decoded path segments of a URL path, or None when it must be refused:
    ``..``, NUL, separators inside a segment, invalid percent-encoding."""
    try:
        decoded = unquote(urlpath, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or not decoded.startswith("/"):
        return None
    out = []
    for seg in decoded.split("/"):
        if seg in ("", "."):
            continue
        if seg == ".." or (os.sep != "/" and os.sep in seg) or (os.altsep and os.altsep in seg):
            return None
        out.append(seg)
    return out


_WILDCARDS = ("0.0.0.0", "::", "")


def host_allowed(header: str | None, bound: str) -> bool:
    """Whether a request's ``Host`` header names this server: a localhost
    name, a loopback address, the address or name it was started on (any
    address when it listens on all). Refusing other names defeats DNS
    rebinding, where a page of evil.example has its name resolve to
    127.0.0.1 and reads what the server shows (its status gives absolute
    paths). No header at all (an HTTP/1.0 client, never a browser) passes."""
    import ipaddress

    if header is None:
        return True
    host = header.strip().lower()
    if host.startswith("["):
        name, sep, rest = host[1:].partition("]")
        if not sep or (rest and not re.fullmatch(r":\d{1,5}", rest)):
            return False
    else:
        name, colon, port = host.rpartition(":") if ":" in host else (host, "", "")
        if colon and not re.fullmatch(r"\d{1,5}", port):
            return False
    name = name.rstrip(".")
    bound = bound.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost") or name == bound.rstrip("."):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False  # a name, not ours
    return address.is_loopback or bound in _WILDCARDS


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    devserver: DevServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name: skip it.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), port

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away: not worth a traceback
        super().handle_error(request, client_address)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "DossierDev/1"
    protocol_version = "HTTP/1.0"
    timeout = 30  # a client that stops reading cannot hold a thread forever

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    # -- routing ----------------------------------------------------------
    def _respond(self, head: bool) -> None:
        dev = self.server.devserver
        if not host_allowed(self.headers.get("Host"), dev.host):
            return self._plain(HTTPStatus.BAD_REQUEST, "bad request: this server answers to localhost only", head)
        target = self.path
        if not target.startswith("/"):
            if "://" not in target:
                return self._plain(HTTPStatus.BAD_REQUEST, "bad request", head)
            parts = urlsplit(target)
            if not host_allowed(parts.netloc, dev.host):  # the absolute form names its host
                return self._plain(HTTPStatus.BAD_REQUEST, "bad request: this server answers to localhost only", head)
            target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        urlpath, _, query = target.partition("?")
        urlpath = urlpath.split("#", 1)[0]
        if urlpath.startswith(PREFIX):
            return self._internal(urlpath[len(PREFIX) :], query, head)
        segments = _segments(urlpath)
        if segments is None:
            return self._plain(HTTPStatus.BAD_REQUEST, "bad request", head)
        root = os.path.realpath(dev.output)  # at each request: builds swap it
        if not os.path.isdir(root):
            return self._html(HTTPStatus.SERVICE_UNAVAILABLE, _NO_BUILD, head)
        if any(s.startswith(".") for s in segments):  # .dossier-build.json, .git
            return self._not_found(root, head)
        real = os.path.realpath(os.path.join(root, *segments))
        if not _inside(real, root):  # a symlink out of the output folder
            return self._not_found(root, head)
        if os.path.isdir(real):
            if not urlpath.endswith("/"):
                location = "/" + "".join(quote(s) + "/" for s in segments) + ("?" + query if query else "")
                return self._redirect(location, head)
            real = os.path.realpath(os.path.join(real, "index.html"))
            if not _inside(real, root):
                return self._not_found(root, head)
        elif urlpath.endswith("/"):  # /x/index.html/ names no folder
            return self._not_found(root, head)
        if not os.path.isfile(real):
            return self._not_found(root, head)
        self._file(HTTPStatus.OK, real, head)

    def _internal(self, name: str, query: str, head: bool) -> None:
        if name == "livereload.js":
            return self._bytes(HTTPStatus.OK, LIVERELOAD_JS.encode(), "text/javascript; charset=utf-8", head)
        if name == "overlay.css":
            return self._bytes(HTTPStatus.OK, OVERLAY_CSS.encode(), "text/css; charset=utf-8", head)
        if name == "status":
            body = json.dumps(self.server.devserver.status(), ensure_ascii=False).encode()
            return self._bytes(HTTPStatus.OK, body, "application/json", head)
        if name == "events":
            return self._events(query, head)
        self._plain(HTTPStatus.NOT_FOUND, "not found", head)

    # -- responses --------------------------------------------------------
    def _headers(self, status: int, ctype: str, length: int | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def _bytes(self, status: int, body: bytes, ctype: str, head: bool) -> None:
        self._headers(status, ctype, len(body))
        if not head:
            self.wfile.write(body)

    def _plain(self, status: int, text: str, head: bool) -> None:
        self._bytes(status, (text + "\n").encode(), "text/plain; charset=utf-8", head)

    def _html(self, status: int, page: str, head: bool) -> None:
        generation, problems = self.server.devserver._state()
        self._bytes(status, inject(page, generation, problems).encode("utf-8"), "text/html; charset=utf-8", head)

    def _redirect(self, location: str, head: bool) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _not_found(self, root: str, head: bool) -> None:
        page = os.path.realpath(os.path.join(root, "404.html"))
        if _inside(page, root) and os.path.isfile(page):
            return self._file(HTTPStatus.NOT_FOUND, page, head)
        self._html(HTTPStatus.NOT_FOUND, _FALLBACK_404, head)

    def _file(self, status: int, path: str, head: bool) -> None:
        ctype = _content_type(path)
        try:
            fh = open(path, "rb")
        except OSError:  # swapped away by a build between the checks and here
            return self._html(HTTPStatus.NOT_FOUND, _FALLBACK_404, head)
        with fh:
            if ctype.startswith("text/html"):
                data = fh.read()
                try:
                    page = data.decode("utf-8")
                except UnicodeDecodeError:
                    return self._bytes(status, data, ctype, head)
                return self._html(status, page, head)
            self._headers(status, ctype, os.fstat(fh.fileno()).st_size)
            if not head:
                shutil.copyfileobj(fh, self.wfile)

    def _events(self, query: str, head: bool) -> None:
        """Server-Sent Events: "reload" after each good build, "error" (with
        the diagnostics as JSON) after a failed one. A client that says which
        generation its page was built from gets the current state at once
        if it has missed a build meanwhile."""
        dev = self.server.devserver
        # The generation the page was served with, or (a reconnection) the
        # last event the browser received, which is newer.
        since = self.headers.get("Last-Event-ID") or (parse_qs(query).get("generation") or [""])[0]
        inbox = dev._subscribe()
        if inbox is None:
            self.send_response(HTTPStatus.SERVICE_UNAVAILABLE)
            self.send_header("Retry-After", "10")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Accel-Buffering", "no")
            self.end_headers()
            if head:
                return
            self.wfile.write(b"retry: 1000\n\n")
            current = dev._current_event()
            if since and current is not None and current[0] != since:
                self.wfile.write(_sse(*current))
            while True:
                try:
                    item = inbox.get(timeout=dev.keepalive)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")  # also finds closed clients
                    continue
                if item is None:  # the server is stopping
                    return
                self.wfile.write(_sse(*item))
        except OSError:
            return  # the page went away
        finally:
            dev._unsubscribe(inbox)


def _sse(event_id: str, event: str, data: str) -> bytes:
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n".encode()


class DevServer:
    """Serves ``output`` on ``host:port`` with live reload and the overlay.

    ``start()`` binds (port 0 picks a free port: see ``port`` and ``url``)
    and serves in a background thread; ``stop()`` ends the event streams,
    closes the socket and joins the threads.
    """

    def __init__(self, output: Path | str, host: str = "127.0.0.1", port: int = 8000, *, keepalive: float = 15.0):
        self.output = Path(output)
        self.host = host
        self.requested_port = port
        self.keepalive = keepalive
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._clients: set[queue.Queue] = set()
        self._generation = 0
        self._problems: list[Problem] | None = None
        self._event: tuple[str, str, str] | None = None
        self._stopping = False
        # Event ids and page generations are "<server>.<n>": a page from an
        # earlier run of the server is always told to reload.
        self._token = os.urandom(4).hex()

    # -- lifecycle --------------------------------------------------------
    def start(self) -> DevServer:
        if self._httpd is not None:
            raise RuntimeError("the server is already running")
        self._stopping = False
        cls = _HTTPServer6 if ":" in self.host else _HTTPServer
        httpd = cls((self.host, self.requested_port), _Handler)
        httpd.devserver = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="dossier-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is None:
            return
        with self._lock:
            self._stopping = True
            for inbox in self._clients:
                inbox.put(None)
        httpd.shutdown()
        httpd.server_close()  # joins the request threads
        if thread is not None:
            thread.join(5)

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    @property
    def port(self) -> int:
        return self.address[1]

    @property
    def url(self) -> str:
        host, port = self.address
        if host in ("0.0.0.0", "::", ""):
            host = "localhost"
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    # -- build results ----------------------------------------------------
    def notify_reload(self) -> None:
        """A build succeeded: every open page reloads; the overlay is gone."""
        with self._lock:
            self._generation += 1
            self._problems = None
            self._publish("reload", json.dumps({"generation": self._generation}))

    def notify_error(self, diagnostics) -> None:
        """A build failed: pages get the overlay (live, and when served)."""
        problems = _problems(diagnostics)
        with self._lock:
            self._generation += 1
            self._problems = problems
            data = {"generation": self._generation, "title": _title(problems), "diagnostics": [asdict(p) for p in problems]}
            self._publish("error", json.dumps(data, ensure_ascii=False))

    def status(self) -> dict:
        with self._lock:
            return {
                "generation": self._generation,
                "ok": self._problems is None,
                "diagnostics": [asdict(p) for p in self._problems or []],
                "clients": len(self._clients),
            }

    # -- internals shared with the handler ------------------------------
    def _publish(self, event: str, data: str) -> None:  # with self._lock held
        self._event = (self._generation_id(), event, data)
        for inbox in self._clients:
            inbox.put(self._event)

    def _generation_id(self) -> str:
        return f"{self._token}.{self._generation}"

    def _state(self) -> tuple[str, list[Problem] | None]:
        with self._lock:
            return self._generation_id(), self._problems

    def _current_event(self) -> tuple[str, str, str] | None:
        with self._lock:
            return self._event

    def _subscribe(self) -> queue.Queue | None:
        """A new client's inbox; None when MAX_EVENT_STREAMS are open."""
        inbox: queue.Queue = queue.Queue()
        with self._lock:
            if self._stopping:
                inbox.put(None)
            elif len(self._clients) >= MAX_EVENT_STREAMS:
                return None
            else:
                self._clients.add(inbox)
        return inbox

    def _unsubscribe(self, inbox: queue.Queue) -> None:
        with self._lock:
            self._clients.discard(inbox)


# ---------------------------------------------------------------------------
# Building and tying it together.


class Rebuilder:
    """Builds the project, one build at a time, and tells the server."""

    def __init__(self, project: Project, server: DevServer, out: TextIO | None = None, err: TextIO | None = None, preview: bool = True):
        self.project = project
        self.server = server
        self.out = out
        self.err = err
        self.preview = preview  # show an edited body ahead of the build (preview.py)
        self._lock = threading.Lock()
        self.builds = 0
        self.state = None  # (resolved site, renderer) of the last full build

    def _say(self, text: str, error: bool = False) -> None:
        stream = (self.err or sys.stderr) if error else (self.out or sys.stdout)
        print(text, file=stream, flush=True)

    def __call__(self, changes: Iterable[str] = ()) -> bool:
        """Build now; True when the build succeeded. Never raises for a
        content, template or output problem: it is reported and served.

        An edited body is first written as a preview (the browser reloads at
        once), then the incremental build follows; when it fails, the
        previewed pages are put back as they were and the overlay shows why.
        """
        from .pipeline import build

        with self._lock:
            first = self.builds == 0
            self.builds += 1
            changes = [str(c) for c in changes]
            shown = [self._shown(p) for p in changes]
            if shown:
                more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
                self._say(f"changed: {', '.join(shown[:3])}{more}")
            preview = self._preview(changes)
            try:
                # the first build resolves even an up-to-date site, for previews
                report = build(self.project, resolve_always=self.preview and self.state is None)
            except BaseException as exc:
                if preview is not None:
                    preview.restore()
                if not isinstance(exc, Exception):
                    raise
                return self._failed(exc)
            if report.resolved is not None and report.renderer is not None:
                self.state = (report.resolved, report.renderer)
            if report.resolved is not None or report.up_to_date:
                # The first build indexes the site for search; rebuilds skip
                # Pagefind (seconds per thousand pages) so that a save reaches
                # the browser at once. `dossier build` always indexes.
                self.project.search = False
            if report.diagnostics.items:  # warnings
                self._say(report.diagnostics.report(), error=True)
            for note in report.notes:
                self._say(f"warning: {note}", error=True)
            verb = "built" if first else "rebuilt"
            self._say(f"{verb} in {report.seconds:.2f}s ({report.pages} pages)")
            if preview is not None and report.written == 0 and preview.matches():
                return True  # the browser shows this already
            self.server.notify_reload()
            return True

    def _failed(self, exc: Exception) -> bool:
        if isinstance(exc, BuildFailed):
            self._say(exc.diagnostics.report(), error=True)
            self._say("build failed: still serving the last good build", error=True)
            self.server.notify_error(exc.diagnostics)
        elif isinstance(exc, OSError):  # a full disk, a read-only folder: the system's words
            where = f": {exc.filename}" if exc.filename else ""
            self._say(f"error: {exc.strerror or exc}{where}; still serving the last good build", error=True)
            self.server.notify_error([f"error: {exc.strerror or exc}{where}"])
        elif isinstance(exc, DossierError):
            self._say(f"error: {exc}", error=True)
            self.server.notify_error([f"error: {exc}"])
        else:  # a broken template, say: keep serving
            self._say("".join(traceback.format_exception(exc)).rstrip(), error=True)
            self._say("build failed: still serving the last good build", error=True)
            self.server.notify_error(exc)
        return False

    def _preview(self, changes: list[str]):
        """Write the pages of edited bodies at once and reload the browser."""
        if not (self.preview and changes and self.state is not None):
            return None
        from .preview import preview_edits

        resolved, renderer = self.state
        t = time.perf_counter()
        try:
            preview = preview_edits(changes, resolved, renderer, self.project.content, self.project.root, self.project.output)
        except Exception as exc:  # never worse than no preview: the build follows
            self._say(f"no preview ({type(exc).__name__}: {exc})", error=True)
            return None
        if preview is not None:
            self.server.notify_reload()
            self._say(f"previewed {', '.join(preview.written)} in {time.perf_counter() - t:.2f}s; rebuilding the rest")
        return preview

    def _shown(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.project.root).as_posix()
        except ValueError:
            return path


def serve(
    project: Project,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    poll_interval: float = 0.3,
    open_browser: bool = False,
    poll: bool = False,
) -> int:
    """Build, serve ``project.output`` on ``host:port``, rebuild on change and
    reload open pages, until Ctrl-C. Returns the exit status."""
    from .output import check_output_path

    try:  # a configuration error, unlike broken content, is fatal
        check_output_path(project.output, project.root, project.content)
    except UnsafeOutputPath as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    server = DevServer(project.output, host, port)
    try:
        server.start()
    except OSError as exc:
        why = "the port is in use (try --port)" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
        print(f"error: cannot serve on {host}:{port}: {why}", file=sys.stderr)
        return 1
    rebuild = Rebuilder(project, server)
    watcher = make_watcher(watch_paths(project), rebuild, poll=poll, poll_interval=poll_interval, exclude=[project.output])
    previous_term = None
    if threading.current_thread() is threading.main_thread():
        previous_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        print(f"serving {project.output} at {server.url} (Ctrl-C to stop)", flush=True)
        if host in ("0.0.0.0", "::", ""):
            print("note: listening on every network interface", flush=True)
        try:
            watcher.start()  # before the first build: edits made during it count
        except Exception as exc:  # no change events here (or too many folders): poll
            print(f"note: no file-change events ({type(exc).__name__}: {exc}); checking every file every {poll_interval}s instead (--poll)", flush=True)
            watcher = make_watcher(watch_paths(project), rebuild, poll=True, poll_interval=poll_interval, exclude=[project.output])
            watcher.start()
        rebuild()  # a failure is not fatal: the overlay shows it
        shown = ", ".join(_shown_path(p, project.root) for p in watch_paths(project) if p.exists())
        how = f"checking every file every {poll_interval}s" if isinstance(watcher, Watcher) else "with file-change events"
        print(f"watching {shown} ({how})", flush=True)
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        try:
            watcher.stop()
            server.stop()
        except KeyboardInterrupt:
            pass
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _shown_path(path: Path, root: Path) -> str:
    try:
        text = path.relative_to(root).as_posix()
    except ValueError:
        text = str(path)
    return text + "/" if path.is_dir() else text
