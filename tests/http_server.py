"""A local HTTP server for network tests: 127.0.0.1 only, range requests, scripted failures.

Each path gets a :class:`Route` that says what to answer: a body (with ``Range`` support, which
GDAL's ``/vsicurl/`` needs and :mod:`http.server` lacks), a redirect, an error status, a body cut
short, a stall, or a few failing answers before success. Every request is recorded so tests can
count them (e.g. that a cache hit makes none).
"""

from __future__ import annotations

import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOST = "127.0.0.1"


@dataclass
class Route:
    """What the server answers on one path.

    Attributes
    ----------
    body : bytes
        Content served with status 200 (or 206 for a range request).
    status : int
        Status to answer instead of the body (e.g. 403, 404), or 302 with ``location``.
    location : str or None
        Redirect target (a path on this server or a full URL); implies ``status`` 302.
    truncate_to : int or None
        Send only this many bytes of ``body`` (with the full ``Content-Length``), then close.
    delay_s : float
        Sleep before answering anything.
    stall_after : int or None
        Send this many bytes of ``body``, then sleep ``stall_s`` and close.
    stall_s : float
        Length of the stall [s].
    fail_first : list of int
        Statuses answered to the first requests (one each), before answering normally.
    ranges : bool
        Honour ``Range`` headers.
    content_type : str
        ``Content-Type`` of the body.
    """

    body: bytes = b""
    status: int = 200
    location: str | None = None
    truncate_to: int | None = None
    delay_s: float = 0.0
    stall_after: int | None = None
    stall_s: float = 0.0
    fail_first: list[int] = field(default_factory=list)
    ranges: bool = True
    content_type: str = "application/octet-stream"


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    range: str | None


class LocalHTTPServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 and a free port; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.bytes_sent: dict[str, int] = {}
        self._lock = threading.Lock()
        self._httpd = _QuietServer((HOST, 0), _make_handler(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        """Full URL of ``path`` on this server."""
        return self.base_url + path

    def local(self, url: str) -> str:
        """``url`` with scheme and host swapped for this server (path and query kept)."""
        parts = urlsplit(url)
        return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    def add(self, path: str, route: Route) -> str:
        """Serve ``route`` at ``path`` (or at the path of a full URL); returns the local URL."""
        self.routes[urlsplit(path).path] = route
        return self.local(path)

    def count(self, path: str | None = None, *, method: str | None = None) -> int:
        """Number of requests (to ``path``, with ``method``) received so far."""
        return sum(
            1
            for r in list(self.requests)
            if (path is None or r.path == urlsplit(path).path) and (method is None or r.method == method)
        )

    def __enter__(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _record(self, req: Request) -> None:
        with self._lock:
            self.requests.append(req)

    def _sent(self, path: str, n: int) -> None:
        with self._lock:
            self.bytes_sent[path] = self.bytes_sent.get(path, 0) + n


class _QuietServer(ThreadingHTTPServer):
    """Daemon handler threads; a client hanging up (as timeout tests make it) is not an error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            super().handle_error(request, client_address)


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _make_handler(server: LocalHTTPServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _empty(self, status: int, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _answer(self, *, head: bool) -> None:
            path = urlsplit(self.path).path
            server._record(Request(self.command, path, self.headers.get("Range")))
            route = server.routes.get(path)
            if route is None:
                self._empty(404)
                return
            if route.delay_s:
                time.sleep(route.delay_s)
            if route.fail_first:
                self._empty(route.fail_first.pop(0))
                return
            if route.location is not None:
                self._empty(302, {"Location": route.location})
                return
            if route.status != 200:
                self._empty(route.status)
                return
            body, status, extra = route.body, 200, {}
            rng = self.headers.get("Range")
            if route.ranges and rng:
                match = _RANGE.match(rng.split(",")[0].strip())
                size = len(route.body)
                if match is None or size == 0:
                    self._empty(416, {"Content-Range": f"bytes */{size}"})
                    return
                first, last = match.groups()
                if first:
                    start, end = int(first), min(int(last) if last else size - 1, size - 1)
                else:
                    start, end = max(0, size - int(last)), size - 1
                if start >= size or start > end:
                    self._empty(416, {"Content-Range": f"bytes */{size}"})
                    return
                body, status = route.body[start : end + 1], 206
                extra["Content-Range"] = f"bytes {start}-{end}/{size}"
            self.send_response(status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            if route.ranges:
                self.send_header("Accept-Ranges", "bytes")
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            if head:
                return
            if route.truncate_to is not None:
                body = body[: route.truncate_to]
                self.close_connection = True
            if route.stall_after is not None:
                self.wfile.write(body[: route.stall_after])
                self.wfile.flush()
                time.sleep(route.stall_s)
                self.close_connection = True
                return
            self.wfile.write(body)
            self.wfile.flush()
            server._sent(path, len(body))

    return Handler
