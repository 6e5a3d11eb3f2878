"""External links of the link database: which to request, and how to report each verdict.

Each canonical URL is requested once, however many posts link it, and every
occurrence that is not `ok` is reported at its post's `path:line`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..errors import Diagnostic, display_path
from ..model import Link
from .cache import CheckResult, LinkCache, Streak
from .external import LinkChecker, invalid_url_reason, robot_blocking_host
from .options import ExternalOptions

logger = logging.getLogger(__name__)

WAYBACK_URL = "https://web.archive.org/web/"


@dataclass
class ExternalReport:
    """The results of one `--external` run."""

    results: dict[str, CheckResult] = field(default_factory=dict)
    """Each canonical URL's result, requested now, reused from the cache, or not requested."""
    requested: int = 0
    cached: int = 0
    problems: list[Diagnostic] = field(default_factory=list)
    """Every occurrence that is not `ok`, in the order of the links given."""
    occurrences: Counter[str] = field(default_factory=Counter)
    """How many link occurrences got each verdict."""

    def verdicts(self) -> Counter[str]:
        return Counter(result.verdict for result in self.results.values())


def external_links(links: Sequence[Link]) -> list[Link]:
    """Return the links to other sites over http(s), in the order given."""
    return [
        link
        for link in links
        if link.kind != "internal" and link.canonical_url.partition(":")[0].lower() in ("http", "https")
    ]


def check_external_links(links: Sequence[Link], source_dir: Path, options: ExternalOptions) -> ExternalReport:
    """Judge every external link, requesting only the URLs the cache has no fresh result for."""
    report = ExternalReport()
    cache = LinkCache.load(source_dir)
    external = external_links(links)
    to_request = _judge_without_request(report, cache, external, options)
    logger.debug("requesting %d external URLs, %d from the cache", len(to_request), report.cached)

    for url, result in LinkChecker(options).check_all(to_request).items():
        cache.record(url, result)
        report.results[url] = result
    report.requested = len(to_request)
    cache.save(set(report.results))

    for link in external:
        result = report.results[link.canonical_url]
        report.occurrences[result.verdict] += 1
        problem = link_problem(link, result, cache.streak(link.canonical_url))
        if problem is not None:
            report.problems.append(problem)
    return report


def _judge_without_request(
    report: ExternalReport, cache: LinkCache, links: list[Link], options: ExternalOptions
) -> list[str]:
    """Fill in the results that need no request (invalid, robot-blocking, fresh in the cache); return the other URLs."""
    now = datetime.now(timezone.utc)
    max_age = timedelta(days=options.cache_days)
    to_request = []
    for url in dict.fromkeys(link.canonical_url for link in links):
        invalid = invalid_url_reason(url)
        if invalid is not None:
            report.results[url] = CheckResult("broken", invalid, now)
            continue
        blocked = robot_blocking_host(url)
        fresh = cache.fresh(url, now, max_age)
        if blocked is not None:
            reason = f"{blocked} blocks automated requests, so it was not requested"
            report.results[url] = CheckResult("unverified", reason, now)
        elif fresh is not None:
            report.results[url] = fresh
            report.cached += 1
        else:
            to_request.append(url)
    return to_request


def link_problem(link: Link, result: CheckResult, streak: Streak | None) -> Diagnostic | None:
    """Describe a link whose result is not `ok`, at its line in its post."""
    path = display_path(link.post.source_path)
    if result.verdict == "ok":
        return None
    if result.verdict == "moved":
        message = f"moved link {link.url}: {result.reason} to {result.target}; link the new URL"
        return Diagnostic(path, message, link.line, severity="warning")
    history = f" (failing since {streak.since.date().isoformat()}, {_checks(streak.checks)})" if streak else ""
    if result.verdict == "unverified":
        message = f"unverified link {link.url}: {result.reason}{history}; open it in a browser to check it"
        return Diagnostic(path, message, link.line, severity="warning")
    message = (
        f"broken link {link.url}: {result.reason}{history}; "
        f"replace it, or link a copy from the Wayback Machine: {wayback_url(link)}"
    )
    return Diagnostic(path, message, link.line)


def wayback_url(link: Link) -> str:
    """Return the Wayback Machine's address of its copy of the link nearest to when it was curated."""
    day: date | None = link.date or (link.post.date.date() if link.post.date else None)
    stamp = f"{day:%Y%m%d}/" if day else ""
    return f"{WAYBACK_URL}{stamp}{link.canonical_url}"


def _checks(count: int) -> str:
    return "1 check" if count == 1 else f"{count} checks"
