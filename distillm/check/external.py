"""Request external links and judge each one: ok, moved, unverified or broken.

Requests run on one asyncio loop with an httpx client: at most `workers` at a
time, at most `per_host` at a time to one host, and each host's requests
start at least `host_delay` seconds apart. A URL is requested with HEAD first,
then with GET when HEAD gets an error status, because many servers handle
HEAD wrongly. Redirects are followed. A 429 or 503 with `Retry-After` is
tried again after the delay the server requests, while the waits for one URL
add up to no more than `max_wait` seconds.

Verdicts:

    ok          2xx after redirects
    moved       2xx after a permanent redirect (301 or 308) from the URL itself
    unverified  401, 403, 429, 999, 5xx, other statuses, a timeout, a TLS error
    broken      404, 410, a host name that does not resolve, a refused connection

Without a request, a URL that cannot be requested at all is broken, and a
link to a host that blocks automated requests is unverified: the caller
judges both with `invalid_url_reason` and `robot_blocking_host`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import socket
import ssl
import sys
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from urllib.parse import urlsplit

import httpx
from tqdm import tqdm

from .. import __version__
from .cache import CheckResult, Verdict
from .options import ExternalOptions

USER_AGENT = f"distillm/{__version__} link check (+https://pypi.org/project/distillm/)"
MAX_REDIRECTS = 10
MAX_ATTEMPTS = 3
"""Requests per URL, counting those repeated after a `Retry-After`."""
PERMANENT_REDIRECTS = frozenset([301, 308])
BROKEN_STATUSES = frozenset([404, 410])
RETRY_STATUSES = frozenset([429, 503])
# Hosts that respond to automated requests with errors or login walls whatever the page,
# so their responses do not show whether a link works. Their subdomains count too.
ROBOT_BLOCKING_HOSTS = ("x.com", "twitter.com", "linkedin.com")


def invalid_url_reason(url: str) -> str | None:
    """Return why `url` cannot be requested at all (a bad port, no host), or None when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # Parsed on access: raises ValueError for a port out of range.
    except ValueError as error:
        return f"invalid URL: {error}"
    if not parts.hostname:
        return "invalid URL: it has no host name"
    try:
        httpx.URL(url)
    except httpx.InvalidURL as error:
        return f"invalid URL: {error}"
    return None


def robot_blocking_host(url: str) -> str | None:
    """Return the host of `url` when it is one that blocks automated requests."""
    host = (urlsplit(url).hostname or "").lower()
    for blocked in ROBOT_BLOCKING_HOSTS:
        if host == blocked or host.endswith("." + blocked):
            return blocked
    return None


class _HostLimit:
    """The concurrency limit and the pacing of the requests to one host."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.slots = asyncio.Semaphore(per_host)
        self.delay = delay
        self.next_start = 0.0
        """Loop time before which no request to this host may start."""

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for a free slot and for the host's delay, then hold the slot."""
        async with self.slots:
            loop = asyncio.get_running_loop()
            now = loop.time()
            start = max(now, self.next_start)
            self.next_start = start + self.delay
            await asyncio.sleep(start - now)
            yield

    def pause(self, seconds: float) -> None:
        """Start no request to this host for `seconds` from now."""
        self.next_start = max(self.next_start, asyncio.get_running_loop().time() + seconds)


@dataclass(frozen=True)
class _Outcome:
    """The result of one attempt, and the delay in seconds its server requests before another, if any."""

    result: CheckResult
    retry_after: float | None = None


class LinkChecker:
    """Check URLs with the limits of `options`, reporting progress on stderr when it is a terminal."""

    def __init__(self, options: ExternalOptions) -> None:
        self.options = options

    def check_all(self, urls: Iterable[str]) -> dict[str, CheckResult]:
        """Request every URL and return its result."""
        return asyncio.run(self._check_all(list(urls)))

    async def _check_all(self, urls: list[str]) -> dict[str, CheckResult]:
        self.pool = asyncio.Semaphore(self.options.workers)
        self.hosts: dict[str, _HostLimit] = {}
        results: dict[str, CheckResult] = {}
        async with self._client() as client:
            tasks = [asyncio.create_task(self._check(client, url)) for url in _interleave_hosts(urls)]
            with _progress_bar(len(tasks)) as bar:
                for finished in asyncio.as_completed(tasks):
                    url, result = await finished
                    results[url] = result
                    bar.update(1)
        return results

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(self.options.timeout),
            limits=httpx.Limits(max_connections=self.options.workers),
            headers={"User-Agent": USER_AGENT},
        )

    async def _check(self, client: httpx.AsyncClient, url: str) -> tuple[str, CheckResult]:
        host = self.hosts.setdefault(
            urlsplit(url).hostname or "", _HostLimit(self.options.per_host, self.options.host_delay)
        )
        waited = 0.0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            async with host.turn(), self.pool:
                outcome = await self._attempt(client, url)
            wait = outcome.retry_after
            if wait is None:
                return url, outcome.result
            if attempt == MAX_ATTEMPTS:
                break
            if waited + wait > self.options.max_wait:
                reason = f"{outcome.result.reason}, and the server requests a wait of {wait:g} s, longer than --max-wait"
                return url, dataclasses.replace(outcome.result, reason=reason)
            host.pause(wait)
            waited += wait
        reason = f"{outcome.result.reason} on each of {MAX_ATTEMPTS} attempts"
        return url, dataclasses.replace(outcome.result, reason=reason)

    async def _attempt(self, client: httpx.AsyncClient, url: str) -> _Outcome:
        """Ask for `url` with HEAD, then with GET if HEAD got an error status and no request to wait."""
        checked = datetime.now(timezone.utc)
        try:
            response = await client.head(url)
            retry_after = _retry_after(response)
            if response.status_code >= 400 and retry_after is None:
                async with client.stream("GET", url) as response:
                    pass  # The status and headers are enough; the body is never read.
                retry_after = _retry_after(response)
        except httpx.HTTPError as error:
            return _Outcome(failure_result(error, checked, self.options.timeout))
        return _Outcome(response_result(response, checked), retry_after)


def response_result(response: httpx.Response, checked: datetime) -> CheckResult:
    """Judge the final response of a request, redirects followed."""
    status = response.status_code
    reason = status_text(status)
    if 200 <= status < 300:
        target = moved_target(response)
        if target is not None:
            return CheckResult("moved", status_text(response.history[0].status_code), checked, status, target)
        return CheckResult("ok", reason, checked, status)
    verdict: Verdict = "broken" if status in BROKEN_STATUSES else "unverified"
    return CheckResult(verdict, reason, checked, status)


def moved_target(response: httpx.Response) -> str | None:
    """Return where the permanent redirects at the start of the chain lead, if the chain starts with one.

    A temporary redirect after them stops the walk: the URL it left is the
    one to link to.
    """
    target = None
    next_urls = [hop.url for hop in response.history[1:]] + [response.url]
    for hop, next_url in zip(response.history, next_urls):
        if hop.status_code not in PERMANENT_REDIRECTS:
            break
        target = str(next_url)
    return target


def status_text(status: int) -> str:
    """Return `404 Not Found` for 404; only the number for statuses without a standard phrase."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _retry_after(response: httpx.Response) -> float | None:
    return retry_after_seconds(response) if response.status_code in RETRY_STATUSES else None


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Return the delay a `Retry-After` header requests, in seconds, or None without a valid one."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def failure_result(error: httpx.HTTPError, checked: datetime, timeout: float) -> CheckResult:
    """Judge a request that got no response."""
    if isinstance(error, httpx.TimeoutException):
        return CheckResult("unverified", f"timed out after {timeout:g} s", checked)
    if isinstance(error, httpx.TooManyRedirects):
        return CheckResult("unverified", f"more than {MAX_REDIRECTS} redirects", checked)
    causes = list(_causes(error))
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return CheckResult("broken", "the host name does not resolve", checked)
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return CheckResult("broken", "connection refused", checked)
    tls = next((cause for cause in causes if isinstance(cause, ssl.SSLError)), None)
    if tls is not None:
        return CheckResult("unverified", f"TLS error: {getattr(tls, 'reason', None) or tls}", checked)
    return CheckResult("unverified", f"request failed: {error or type(error).__name__}", checked)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """Yield `error` and every exception it was raised from, exception groups included."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(cause for cause in (current.__cause__, current.__context__) if cause is not None)
        grouped = getattr(current, "exceptions", None)  # An ExceptionGroup (Python 3.11, or its backport).
        if isinstance(grouped, (list, tuple)):
            pending.extend(grouped)


def _interleave_hosts(urls: list[str]) -> list[str]:
    """Order URLs round-robin by host, so the first requests spread over many hosts."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(urlsplit(url).hostname or "", []).append(url)
    queues = list(by_host.values())
    ordered = []
    for index in range(max((len(queue) for queue in queues), default=0)):
        ordered.extend(queue[index] for queue in queues if index < len(queue))
    return ordered


def _progress_bar(total: int) -> tqdm:
    """Return a progress bar on stderr, shown only when stderr is a terminal."""
    return tqdm(
        total=total, desc="Checking links", unit="link", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False
    )
