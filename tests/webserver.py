"""A real HTTP server for built sites, and a link checker that crawls it.

The server serves an output folder under a URL path prefix on 127.0.0.1, as
GitHub Pages serves a project site under `/<repo>/`. Anything outside the
prefix is a 404. The server runs in a thread and stops when its `with` block
ends.
"""

from __future__ import annotations

import functools
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

REQUEST_TIMEOUT = 5.0
# Requests go straight to 127.0.0.1 even where the environment sets a proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _PrefixHandler(SimpleHTTPRequestHandler):
    """Serve `directory` at URL path `prefix`; other paths are not found."""

    def __init__(self, *args, prefix: str, **kwargs) -> None:
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def send_head(self):
        if not urlsplit(self.path).path.startswith(self.prefix):
            self.send_error(404, "Not under the served path")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        return super().translate_path("/" + url_path[len(self.prefix) :])

    def log_message(self, format: str, *args: object) -> None:
        pass  # Keep the test output clean; failures report the URLs themselves.


class SiteServer:
    """Serve `root` at `http://127.0.0.1:<port><prefix>` while the `with` block runs."""

    def __init__(self, root: Path, prefix: str = "/") -> None:
        handler = functools.partial(_PrefixHandler, directory=str(root), prefix=prefix)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=REQUEST_TIMEOUT)


def fetch(url: str) -> tuple[int, bytes]:
    """GET `url` and return the status and body; HTTP errors are statuses, not exceptions."""
    try:
        with _OPENER.open(url, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@dataclass
class LinkReport:
    """What a crawl of every page found."""

    pages: list[str] = field(default_factory=list)
    """Public URLs of the pages crawled."""
    internal: set[str] = field(default_factory=set)
    """Every internal URL that some page links to, fragment removed."""
    outside_base: set[str] = field(default_factory=set)
    """Internal URLs that are not under the base URL."""
    broken: dict[str, set[str]] = field(default_factory=dict)
    """Internal URL paths that did not return status 200 -> pages linking to them."""


def page_urls(output: Path, base_url: str) -> Iterator[tuple[str, Path]]:
    """Yield the public URL and file of every HTML page in `output`."""
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output).as_posix()
        if relative == "index.html" or relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        yield base_url + relative, path


def link_targets(soup: BeautifulSoup) -> Iterator[str]:
    """Yield every `href` and `src` attribute value in a page."""
    for element in soup.find_all(href=True):
        yield element["href"]
    for element in soup.find_all(src=True):
        yield element["src"]


def check_links(server: SiteServer, output: Path, base_url: str) -> LinkReport:
    """Fetch every page of `output` from `server`, then every internal URL the pages link to.

    A URL is internal when it has the base URL's host. The server is asked
    for its path, so a link outside the base URL's path is a 404 there.
    """
    host = urlsplit(base_url).netloc
    base_path = urlsplit(base_url).path
    report = LinkReport()
    status_of: dict[str, int] = {}
    for public_url, path in page_urls(output, base_url):
        report.pages.append(public_url)
        status, body = fetch(server.origin + urlsplit(public_url).path)
        assert status == 200, f"{public_url} is in the output but the server answered {status}"
        soup = BeautifulSoup(body.decode("utf-8"), "html.parser")
        for target in link_targets(soup):
            url = urldefrag(urljoin(public_url, target)).url
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            report.internal.add(url)
            if not parts.path.startswith(base_path):
                report.outside_base.add(url)
            if parts.path not in status_of:
                status_of[parts.path] = fetch(server.origin + parts.path)[0]
            if status_of[parts.path] != 200:
                report.broken.setdefault(parts.path, set()).add(public_url)
    return report
