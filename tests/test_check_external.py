"""`distillm check --external` against a real HTTP server on 127.0.0.1.

Every link of the test sites points at `LinkServer` or at a closed local
port, so no request leaves the machine.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import socket
import struct
import subprocess
import sys
import termios
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from conftest import SiteFolder, run_distillm
from distillm.check.external import LinkChecker, retry_after_seconds
from distillm.check.options import ExternalOptions
from linkserver import LinkServer, closed_port

# Fast limits for a server on this machine: a short timeout, no pause between requests.
FAST = ("--timeout", "1", "--host-delay", "0", "--per-host", "4", "--max-wait", "5")
POST = "content/posts/links.md"
WAYBACK = "replace it, or link a copy from the Wayback Machine: https://web.archive.org/web/20240501/"
IN_A_BROWSER = "open it in a browser to check it"


def _write_links(site: SiteFolder, urls: list[str]) -> None:
    """Write one post listing `urls`, one per line from line 5."""
    site.post("links", title="Links", date="2024-05-01", body="".join(f"- [link {n}]({url})\n" for n, url in enumerate(urls)))


def _check(site: SiteFolder, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_distillm("check", "--external", *FAST, *arguments, cwd=site.root)


def _cache(site: SiteFolder) -> dict:
    return json.loads((site.root / ".distillm-cache/links.json").read_text(encoding="utf-8"))["links"]


def _since(site: SiteFolder, url: str) -> str:
    """Return the day of the first check of `url` in the cache, as the report shows it."""
    return datetime.fromisoformat(_cache(site)[url][0]["checked"]).date().isoformat()


@pytest.fixture
def server():
    with LinkServer() as running:
        yield running


def test_every_verdict(site, server):
    refused = f"http://127.0.0.1:{closed_port()}/"
    paths = [
        "/ok", "/temporary", "/head-not-allowed", "/busy-once", "/moved", "/moved-twice",
        "/missing", "/gone", "/forbidden", "/rate-limited", "/unavailable", "/slow",
    ]
    urls = [server.origin + path for path in paths] + [refused, "https://x.com/someone/status/1"]
    _write_links(site, urls)

    result = _check(site)

    assert result.returncode == 1
    origin = server.origin
    day = {url: _since(site, url) for url in _cache(site)}
    assert result.stderr.splitlines()[:-2] == [
        f"{POST}:9: warning: moved link {origin}/moved: 301 Moved Permanently to {origin}/ok; link the new URL",
        f"{POST}:10: warning: moved link {origin}/moved-twice: 308 Permanent Redirect to {origin}/ok; link the new URL",
        f"{POST}:11: error: broken link {origin}/missing: 404 Not Found "
        f"(failing since {day[origin + '/missing']}, 1 check); {WAYBACK}{origin}/missing",
        f"{POST}:12: error: broken link {origin}/gone: 410 Gone (failing since {day[origin + '/gone']}, 1 check); "
        f"{WAYBACK}{origin}/gone",
        f"{POST}:13: warning: unverified link {origin}/forbidden: 403 Forbidden "
        f"(failing since {day[origin + '/forbidden']}, 1 check); {IN_A_BROWSER}",
        f"{POST}:14: warning: unverified link {origin}/rate-limited: 429 Too Many Requests on each of 3 attempts "
        f"(failing since {day[origin + '/rate-limited']}, 1 check); {IN_A_BROWSER}",
        f"{POST}:15: warning: unverified link {origin}/unavailable: 503 Service Unavailable "
        f"(failing since {day[origin + '/unavailable']}, 1 check); {IN_A_BROWSER}",
        f"{POST}:16: warning: unverified link {origin}/slow: timed out after 1 s "
        f"(failing since {day[origin + '/slow']}, 1 check); {IN_A_BROWSER}",
        f"{POST}:17: error: broken link {refused}: connection refused (failing since {day[refused]}, 1 check); "
        f"{WAYBACK}{refused}",
        f"{POST}:18: warning: unverified link https://x.com/someone/status/1: "
        f"x.com blocks automated requests, so it was not requested; {IN_A_BROWSER}",
    ]
    assert result.stderr.splitlines()[-2].endswith(
        " and 1 content file: 3 broken links, 2 moved links, 5 unverified links; "
        "14 external URLs (4 ok, 2 moved, 5 unverified, 3 broken), 13 requested and 0 from the cache"
    )
    assert result.stderr.splitlines()[-1] == "error: check found 3 problems: 3 broken links"
    assert not any(request.path.startswith("/someone") for request in server.requests)


def test_second_run_uses_fresh_cache(site, server):
    _write_links(site, [server.origin + "/ok", server.origin + "/missing", server.origin + "/moved"])
    first = _check(site)
    requests_after_first = len(server.requests)

    second = _check(site)

    assert requests_after_first > 0
    assert len(server.requests) == requests_after_first
    assert second.returncode == first.returncode == 1
    assert second.stderr.splitlines()[:-2] == first.stderr.splitlines()[:-2]
    assert second.stderr.splitlines()[-2].endswith("3 external URLs (1 ok, 1 moved, 0 unverified, 1 broken), 0 requested and 3 from the cache")


def test_new_link_alone_requested(site, server):
    _write_links(site, [server.origin + "/ok"])
    _check(site)
    _write_links(site, [server.origin + "/ok", server.origin + "/gone"])
    before = len(server.requests)

    result = _check(site)

    assert [request.path for request in server.requests[before:]] == ["/gone", "/gone"]  # HEAD, then GET
    assert result.stderr.splitlines()[-2].endswith("1 requested and 1 from the cache")


def test_history_counts_failing_checks(site, server):
    url = server.origin + "/missing"
    _write_links(site, [url])
    _check(site)

    result = _check(site, "--cache-days", "0")

    since = _since(site, url)
    assert result.stderr.splitlines()[0] == (
        f"{POST}:5: error: broken link {url}: 404 Not Found (failing since {since}, 2 checks); {WAYBACK}{url}"
    )
    assert [check["verdict"] for check in _cache(site)[url]] == ["broken", "broken"]


def test_retry_after_honoured(site, server):
    _write_links(site, [server.origin + "/busy-once", server.origin + "/rate-limited"])

    result = _check(site)

    busy = server.requests_for("/busy-once")
    assert [request.method for request in busy] == ["HEAD", "HEAD"]
    assert busy[1].at - busy[0].at >= 1.0
    limited = server.requests_for("/rate-limited")
    assert len(limited) == 3
    assert all(later.at - earlier.at >= 1.0 for earlier, later in zip(limited, limited[1:]))
    assert result.stderr.splitlines()[-1].endswith("1 ok, 0 moved, 1 unverified, 0 broken), 2 requested and 0 from the cache")


def test_retry_after_beyond_max_wait(site, server):
    url = server.origin + "/rate-limited"
    _write_links(site, [url])

    result = _check(site, "--max-wait", "0.5")

    assert len(server.requests_for("/rate-limited")) == 1
    assert result.returncode == 0
    assert result.stderr.splitlines()[0] == (
        f"{POST}:5: warning: unverified link {url}: 429 Too Many Requests, and the server requests a wait of 1 s, "
        f"longer than --max-wait (failing since {_since(site, url)}, 1 check); {IN_A_BROWSER}"
    )


def test_tls_error_unverified(site, server):
    url = server.origin.replace("http://", "https://") + "/ok"  # The server speaks plain HTTP.
    _write_links(site, [url])

    result = _check(site)

    assert result.returncode == 0
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"{POST}:5: warning: unverified link {url}: TLS error: ")
    assert line.endswith(f"; {IN_A_BROWSER}")


def test_unresolvable_host_broken(monkeypatch):
    resolve = socket.getaddrinfo

    def no_invalid_names(host, *arguments, **keywords):
        # The .invalid top-level domain never resolves (RFC 6761), so fail as a resolver would, without a DNS query.
        if str(host).endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, *arguments, **keywords)

    monkeypatch.setattr(socket, "getaddrinfo", no_invalid_names)

    results = LinkChecker(ExternalOptions(timeout=1, host_delay=0)).check_all(["http://nothing.invalid/page"])

    result = results["http://nothing.invalid/page"]
    assert result.verdict == "broken"
    assert result.reason == "the host name does not resolve"


def test_per_host_limit_and_delay(server):
    urls = [f"{server.origin}/ok?n={n}" for n in range(4)]

    LinkChecker(ExternalOptions(per_host=1, host_delay=0.3)).check_all(urls)

    starts = sorted(request.at for request in server.requests)
    assert len(starts) == 4
    assert all(later - earlier >= 0.29 for earlier, later in zip(starts, starts[1:]))


@pytest.mark.parametrize(("workers", "per_host"), [(8, 2), (2, 8), (1, 1)])
def test_concurrency_bounded(server, workers, per_host):
    urls = [f"{server.origin}/pause?n={n}" for n in range(6)]

    results = LinkChecker(ExternalOptions(workers=workers, per_host=per_host, host_delay=0)).check_all(urls)

    assert {result.verdict for result in results.values()} == {"ok"}
    assert server.max_in_progress == min(workers, per_host)


def test_invalid_urls_broken_without_request(site, server):
    _write_links(site, ["http://[::1/page", "http://127.0.0.1:99999/"])

    result = _check(site)

    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        f"{POST}:5: error: broken link http://[::1/page: invalid URL: Invalid IPv6 URL; {WAYBACK}http://[::1/page",
        f"{POST}:6: error: broken link http://127.0.0.1:99999/: invalid URL: Port out of range 0-65535; "
        f"{WAYBACK}http://127.0.0.1:99999/",
    ]
    assert server.requests == []


def test_progress_bar_only_on_terminal(site, server):
    _write_links(site, [server.origin + "/ok"])
    main, terminal = pty.openpty()
    # A new pseudo-terminal has 0 columns, and tqdm draws no bar in 0 columns.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "distillm", "check", "--external", *FAST],
        cwd=site.root, stdout=subprocess.DEVNULL, stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # Linux reports the end of a pseudo-terminal as EIO.
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)

    assert process.wait(timeout=60) == 0
    assert b"Checking links" in shown
    piped = _check(site, "--cache-days", "0")
    assert "Checking links" not in piped.stderr


def test_cache_file_records_history(site, server):
    url = server.origin + "/moved"
    _write_links(site, [url])
    before = datetime.now(timezone.utc)

    _check(site)

    (record,) = _cache(site)[url]
    assert record["verdict"] == "moved"
    assert record["status"] == 200
    assert record["target"] == server.origin + "/ok"
    assert record["reason"] == "301 Moved Permanently"
    assert datetime.fromisoformat(record["checked"]) >= before


def test_unreadable_cache_started_afresh(site, server):
    _write_links(site, [server.origin + "/ok"])
    site.write(".distillm-cache/links.json", "{not json")

    result = _check(site)

    assert result.returncode == 0
    assert result.stderr.splitlines()[0].startswith(
        ".distillm-cache/links.json: warning: unreadable link cache (Expecting property name"
    )
    assert result.stderr.splitlines()[0].endswith("); every link is checked again")
    assert len(server.requests_for("/ok")) == 1
    assert [check["verdict"] for check in _cache(site)[server.origin + "/ok"]] == ["ok"]


@pytest.mark.parametrize("option", ["--timeout", "--max-wait", "--workers", "--per-host", "--host-delay", "--cache-days"])
def test_invalid_limits_are_misuse(site, option):
    result = run_distillm("check", "--external", option, "-1", cwd=site.root)

    assert result.returncode == 2
    assert f"argument {option}: " in result.stderr
    assert not (site.root / ".distillm-cache").exists()


def test_retry_after_forms():
    later = datetime.now(timezone.utc) + timedelta(seconds=120)
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "7"})) == 7.0
    assert 100 < retry_after_seconds(httpx.Response(429, headers={"Retry-After": format_datetime(later, usegmt=True)})) <= 120
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert retry_after_seconds(httpx.Response(429)) is None
