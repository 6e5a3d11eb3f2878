"""A real HTTP server on 127.0.0.1 whose paths respond as web servers do, for `check --external`.

Each path gives one kind of response (see `ROUTES`). The server records every
request it receives, runs in a thread, and stops when its `with` block ends.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

SLOW_SECONDS = 3.0
"""How long `/slow` waits before it responds: longer than the tests' --timeout."""
PAUSE_SECONDS = 0.2
"""How long `/pause` waits before it responds: long enough for requests to overlap."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    at: float
    """`time.monotonic()` when the request arrived."""


class _Handler(BaseHTTPRequestHandler):
    server: LinkServer.HTTPServer

    def do_HEAD(self) -> None:
        self.respond()

    def do_GET(self) -> None:
        self.respond()

    def respond(self) -> None:
        owner = self.server.owner
        owner.record(Request(self.command, self.path, time.monotonic()))
        route = ROUTES.get(urlsplit(self.path).path)
        if route is None:
            self.reply(404)
            return
        route(self, owner)

    def reply(self, status: int, headers: dict[str, str] | None = None) -> None:
        body = b"" if self.command == "HEAD" else f"status {status}\n".encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # Tests assert on `LinkServer.requests` instead.


def _busy_once(handler: _Handler, owner: LinkServer) -> None:
    """Respond 429 with `Retry-After: 1` to the first request, then 200."""
    earlier = owner.requests_for(handler.path)
    if len(earlier) == 1:
        handler.reply(429, {"Retry-After": "1"})
    else:
        handler.reply(200)


def _head_not_allowed(handler: _Handler, owner: LinkServer) -> None:
    handler.reply(405 if handler.command == "HEAD" else 200)


def _pause(handler: _Handler, owner: LinkServer) -> None:
    """Respond 200 after `PAUSE_SECONDS`, counting the requests in progress meanwhile."""
    owner.started()
    try:
        time.sleep(PAUSE_SECONDS)
        handler.reply(200)
    finally:
        owner.finished()


def _slow(handler: _Handler, owner: LinkServer) -> None:
    """Respond 200 after `SLOW_SECONDS`, or never if the server stops first."""
    if owner.stopping.wait(SLOW_SECONDS):
        return
    handler.reply(200)


ROUTES = {
    "/ok": lambda handler, owner: handler.reply(200),
    "/moved": lambda handler, owner: handler.reply(301, {"Location": "/ok"}),
    "/moved-twice": lambda handler, owner: handler.reply(308, {"Location": "/moved"}),
    "/temporary": lambda handler, owner: handler.reply(302, {"Location": "/ok"}),
    "/missing": lambda handler, owner: handler.reply(404),
    "/gone": lambda handler, owner: handler.reply(410),
    "/forbidden": lambda handler, owner: handler.reply(403),
    "/rate-limited": lambda handler, owner: handler.reply(429, {"Retry-After": "1"}),
    "/busy-once": _busy_once,
    "/unavailable": lambda handler, owner: handler.reply(503),
    "/head-not-allowed": _head_not_allowed,
    "/slow": _slow,
    "/pause": _pause,
}


class LinkServer:
    """Serve `ROUTES` at `http://127.0.0.1:<port>` while the `with` block runs."""

    class HTTPServer(ThreadingHTTPServer):
        owner: LinkServer

    def __init__(self) -> None:
        self.server = self.HTTPServer(("127.0.0.1", 0), _Handler)
        self.server.owner = self
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.in_progress = 0
        self.max_in_progress = 0
        """The most requests to `/pause` the server handled at once."""
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def started(self) -> None:
        with self.lock:
            self.in_progress += 1
            self.max_in_progress = max(self.max_in_progress, self.in_progress)

    def finished(self) -> None:
        with self.lock:
            self.in_progress -= 1

    def record(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)

    def requests_for(self, path: str) -> list[Request]:
        with self.lock:
            return [request for request in self.requests if request.path == path]

    def __enter__(self) -> LinkServer:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on: bound, then closed again."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
