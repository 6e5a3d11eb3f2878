"""`distillm serve` over real HTTP: URLs under the base path, headers, path safety, load, Ctrl-C."""

from __future__ import annotations

import http.client
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import SiteFolder, run_distillm
from sample_sites import write_hugo_site
from serving import ServeProcess

CONCURRENT_REQUESTS = 200


def request(origin: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send `path` exactly as given (no normalisation) and return status, headers and body."""
    host = urlsplit(origin)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = SiteFolder(tmp_path_factory.mktemp("serve-http") / "site")
    site.root.mkdir()
    write_hugo_site(site)
    site.write_bytes("static/fonts/body.woff2", b"wOF2 not really a font")
    site.write("static/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    outside = site.root.parent / "secret.txt"
    outside.write_text("not part of the site\n", encoding="utf-8")
    with ServeProcess(site.root) as server:
        (server.folder / "escape.txt").symlink_to(outside)
        yield server


def test_serves_under_base_path(served):
    assert urlsplit(served.url).path == "/blog/"
    status, headers, body = request(served.origin, "/blog/posts/first/")
    assert status == 200
    page = BeautifulSoup(body, "html.parser")
    assert page.find("link", rel="canonical")["href"] == served.url + "posts/first/"


def test_binds_loopback_by_default(served):
    port = urlsplit(served.url).port
    assert urlsplit(served.url).hostname == "127.0.0.1"
    listening = _listening_addresses(port)
    assert listening == {"127.0.0.1"}


def _listening_addresses(port: int) -> set[str]:
    """Return the local IPv4 addresses with a listening TCP socket on `port`, read from /proc/net/tcp."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:
            octets = [str(int(address[i : i + 2], 16)) for i in range(6, -1, -2)]
            addresses.add(".".join(octets))
    return addresses


def test_folder_url_without_slash_redirects(served):
    status, headers, _ = request(served.origin, "/blog/posts/first?x=1")
    assert status == 301
    assert headers["location"] == "/blog/posts/first/?x=1"


def test_missing_page_gets_theme_404(served):
    status, headers, body = request(served.origin, "/blog/no/such/page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert BeautifulSoup(body, "html.parser").find("h1").get_text(strip=True) == "Page not found"


def test_path_outside_base_path_is_404(served):
    status, _, _ = request(served.origin, "/posts/first/")
    assert status == 404


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/blog/index.xml", "application/rss+xml"),
        ("/blog/atom.xml", "application/atom+xml"),
        ("/blog/feed.json", "application/feed+json"),
        ("/blog/tags/nlp/index.xml", "application/rss+xml"),
        ("/blog/links/feed.json", "application/feed+json"),
        ("/blog/sitemap.xml", "application/xml"),
        ("/blog/css/style.css", "text/css; charset=utf-8"),
        ("/blog/logo.svg", "image/svg+xml"),
        ("/blog/fonts/body.woff2", "font/woff2"),
        ("/blog/posts/second/chart.png", "image/png"),
        ("/blog/", "text/html; charset=utf-8"),
    ],
)
def test_content_types_and_no_store(served, path, expected):
    status, headers, _ = request(served.origin, path)
    assert status == 200
    assert headers["content-type"] == expected
    assert headers["cache-control"] == "no-store"


def test_reload_script_only_in_html(served):
    _, _, page = request(served.origin, "/blog/posts/first/")
    scripts = [tag["src"] for tag in BeautifulSoup(page, "html.parser").find_all("script", src=True)]
    assert "/blog/__distillm/live.js" in scripts
    _, _, feed = request(served.origin, "/blog/index.xml")
    assert b"__distillm" not in feed
    status, headers, script = request(served.origin, "/blog/__distillm/live.js")
    assert status == 200
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert b"EventSource" in script


def test_served_files_on_disk_have_no_script(served):
    on_disk = (served.folder / "posts" / "first" / "index.html").read_bytes()
    assert b"__distillm" not in on_disk


@pytest.mark.parametrize(
    "path",
    [
        "/blog/../../etc/passwd",
        "/blog/%2e%2e/%2e%2e/etc/passwd",
        "/blog/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/blog/posts/..%2f..%2f..%2fsecret.txt",
        "/blog/..%5c..%5csecret.txt",
        "/blog/posts\\..\\..\\secret.txt",
        "/blog/%00",
        "/blog/escape.txt",
        "/blog//etc/passwd",
    ],
)
def test_traversal_is_refused(served, path):
    status, _, body = request(served.origin, path)
    assert status in (403, 404)
    assert b"not part of the site" not in body
    assert b"root:" not in body


def test_symlink_out_is_forbidden(served):
    status, _, _ = request(served.origin, "/blog/escape.txt")
    assert status == 403


def test_many_concurrent_requests(served):
    paths = ["/blog/", "/blog/posts/first/", "/blog/index.xml", "/blog/css/style.css"]
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(CONCURRENT_REQUESTS)

    def fetch(number: int) -> None:
        start.wait(timeout=30)
        status, _, body = request(served.origin, paths[number % len(paths)])
        with lock:
            statuses.append(status if body else 0)

    threads = [threading.Thread(target=fetch, args=(n,)) for n in range(CONCURRENT_REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * CONCURRENT_REQUESTS


def test_ctrl_c_stops_cleanly(site):
    site.post("only", title="Only post")
    server = ServeProcess(site.root)
    with server:
        assert server.folder.is_dir()
    assert server.returncode == 0
    assert not server.folder.exists()
    assert server.lines[-1] == f"Stopped; removed {server.folder}"
    assert not any("Traceback" in line for line in server.lines)


def test_busy_port_is_an_error(site, served):
    site.post("only", title="Only post")
    port = urlsplit(served.url).port
    result = run_distillm("serve", "--source", str(site.root), "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(f"error: cannot listen on 127.0.0.1 port {port}: ")
    assert "Traceback" not in result.stderr


def test_serve_help_names_its_options():
    result = run_distillm("serve", "--help")
    assert result.returncode == 0
    for option in ("--bind", "--port", "--drafts", "--future", "--open"):
        assert option in result.stdout
    assert re.search(r"default: 127\.0\.0\.1", result.stdout)
