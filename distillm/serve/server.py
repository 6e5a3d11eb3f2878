"""The HTTP side of `distillm serve`: files of the built site, live-reload events, and the script that listens.

Every file is looked up inside the served folder after percent-decoding, and
its resolved path must stay inside that folder, so neither `..` (encoded or
not), backslashes nor symlinks can reach other files. HTML pages get a script
tag that loads `live.js`, which listens to the Server-Sent Events endpoint.
Both live under the site's base path, as the pages do.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import queue
import re
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .status import BuildStatus

logger = logging.getLogger(__name__)

LIVE_PREFIX = "__distillm/"
"""Folder, under the base path, of the live-reload endpoint and script; no page of a site can be there."""
EVENTS = LIVE_PREFIX + "events"
SCRIPT = LIVE_PREFIX + "live.js"
KEEPALIVE_SECONDS = 15.0
"""Idle time after which an event stream sends a comment, so that proxies and the browser keep it open."""
RETRY_MILLISECONDS = 500
"""Delay before a browser reconnects to the event stream after the server went away."""

# By file name first: feeds share the `.xml` and `.json` suffixes with other files.
_TYPES_BY_NAME = {
    "index.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "feed.json": "application/feed+json",
}
_TYPES_BY_SUFFIX = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
}
# The standard library's table without the machine's /etc/mime.types, so types are the same everywhere.
_FALLBACK_TYPES = mimetypes.MimeTypes()
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_PLACEHOLDER = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head>
<body><p>The site has not built yet; the error is shown above.</p></body></html>
"""


def content_type(path: Path) -> str:
    """Return the Content-Type of a served file."""
    name = path.name.lower()
    if name in _TYPES_BY_NAME:
        return _TYPES_BY_NAME[name]
    suffix = path.suffix.lower()
    if suffix in _TYPES_BY_SUFFIX:
        return _TYPES_BY_SUFFIX[suffix]
    guessed, _ = _FALLBACK_TYPES.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def inject_script(html: bytes, script_url: str) -> bytes:
    """Add the live-reload script tag before the last `</body>`, or at the end of a page without one."""
    tag = f'<script src="{script_url}" defer></script>\n'.encode()
    matches = list(_BODY_END.finditer(html))
    if not matches:
        return html + tag
    at = matches[-1].start()
    return html[:at] + tag + html[at:]


class EventHub:
    """The open event streams, and what to send them; implements the session's `Listener`."""

    def __init__(self, server_id: str) -> None:
        self.server_id = server_id
        self._clients: set[queue.Queue[tuple[str, str] | None]] = set()
        self._lock = threading.Lock()
        self.status = BuildStatus()

    def connect(self) -> queue.Queue[tuple[str, str] | None]:
        """Open a stream; it first gets the current status."""
        client: queue.Queue[tuple[str, str] | None] = queue.Queue()
        with self._lock:
            self._clients.add(client)
            client.put(("status", self._status_json()))
        return client

    def disconnect(self, client: queue.Queue[tuple[str, str] | None]) -> None:
        with self._lock:
            self._clients.discard(client)

    def close(self) -> None:
        """End every open stream."""
        with self._lock:
            for client in self._clients:
                client.put(None)
            self._clients.clear()

    def reload(self, url_paths: Sequence[str] | None) -> None:
        self._send("reload", json.dumps({"paths": None if url_paths is None else list(url_paths)}))

    def swap_stylesheets(self, url_paths: Sequence[str]) -> None:
        self._send("css", json.dumps({"paths": list(url_paths)}))

    def show_status(self, status: BuildStatus) -> None:
        with self._lock:
            self.status = status
        self._send("status", self._status_json())

    def _status_json(self) -> str:
        return json.dumps({"server": self.server_id, **self.status.to_json()})

    def _send(self, event: str, data: str) -> None:
        with self._lock:
            for client in self._clients:
                client.put((event, data))


@dataclass(frozen=True)
class ServedSite:
    """The folder, base path and event hub that the request handler serves."""

    root: Path
    base_path: Callable[[], str]
    """Returns the current base path (`/blog/`); it changes when the settings do."""
    hub: EventHub
    stopping: threading.Event


class SiteServer(ThreadingHTTPServer):
    """A threaded HTTP server for one served site."""

    daemon_threads = True
    request_queue_size = 256
    """Listen backlog: the default of 5 drops connections when a browser opens many at once."""

    def __init__(self, address: tuple[str, int], site: ServedSite) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.site = site
        super().__init__(address, SiteRequestHandler)


class SiteRequestHandler(BaseHTTPRequestHandler):
    """Answer GET and HEAD with the site's files, the live-reload script and its events."""

    server: SiteServer
    server_version = "distillm"

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def respond(self, send_body: bool) -> None:
        site = self.server.site
        base_path = site.base_path()
        url_path = urlsplit(self.path).path
        if not url_path.startswith(base_path):
            self.send_not_found(send_body)
            return
        relative = url_path[len(base_path) :]
        if relative == EVENTS:
            self.stream_events()
        elif relative == SCRIPT:
            self.send_bytes(_live_script(), "text/javascript; charset=utf-8", send_body)
        else:
            self.send_site_file(relative, url_path, send_body)

    def send_site_file(self, relative: str, url_path: str, send_body: bool) -> None:
        root = self.server.site.root.resolve()
        target = resolve_inside(root, unquote(relative))
        if target is None:
            self.send_error(HTTPStatus.FORBIDDEN, "Path outside the served site")
            return
        if target.is_dir():
            if not url_path.endswith("/"):
                query = urlsplit(self.path).query
                self.redirect(url_path + "/" + (f"?{query}" if query else ""))
                return
            target = target / "index.html"
        if not target.is_file():
            self.send_not_found(send_body)
            return
        self.send_file(target, HTTPStatus.OK, send_body)

    def send_file(self, path: Path, status: HTTPStatus, send_body: bool) -> None:
        try:
            body = path.read_bytes()
        except OSError:
            self.send_not_found(send_body)
            return
        kind = content_type(path)
        if kind.startswith("text/html"):
            body = inject_script(body, self.server.site.base_path() + SCRIPT)
        self.send_bytes(body, kind, send_body, status)

    def send_not_found(self, send_body: bool) -> None:
        """Send the theme's 404 page with status 404, or a placeholder before the first good build."""
        page = self.server.site.root / "404.html"
        if page.is_file():
            self.send_file(page, HTTPStatus.NOT_FOUND, send_body)
            return
        body = inject_script(_PLACEHOLDER, self.server.site.base_path() + SCRIPT)
        self.send_bytes(body, "text/html; charset=utf-8", send_body, HTTPStatus.NOT_FOUND)

    def send_bytes(self, body: bytes, kind: str, send_body: bool, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def stream_events(self) -> None:
        """Send Server-Sent Events until the browser goes away or the server stops."""
        hub = self.server.site.hub
        client = hub.connect()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(f"retry: {RETRY_MILLISECONDS}\n\n".encode())
            self.wfile.flush()
            while not self.server.site.stopping.is_set():
                try:
                    message = client.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    continue
                if message is None:
                    break
                event, data = message
                self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # The page was closed or reloaded.
        finally:
            hub.disconnect(client)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def log_error(self, format: str, *args: Any) -> None:
        logger.debug("request failed: %s", format % args)


def resolve_inside(root: Path, relative: str) -> Path | None:
    """Return the file a decoded URL path names inside `root`, or None when it would leave `root`.

    `root` must be resolved. `..` segments, backslashes and NUL bytes are
    rejected outright; any symlink on the way must point inside `root`.
    """
    if "\\" in relative or "\x00" in relative:
        return None
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    target = root.joinpath(*parts)
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return None
    return resolved if resolved.is_relative_to(root) else None


def _live_script() -> bytes:
    return resources.files(__package__).joinpath("live.js").read_bytes()
