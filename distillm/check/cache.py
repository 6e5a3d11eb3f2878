"""The results of external link checks, kept between runs in `.distillm-cache/links.json`.

Each URL keeps the history of its checks, newest last, so a run requests only
the URLs that are new or whose last check is older than the cache's
maximum age, and a report can say how long a link has been failing.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from ..errors import display_path

logger = logging.getLogger(__name__)

CACHE_DIR = ".distillm-cache"
CACHE_FILE = "links.json"
CACHE_VERSION = 1
HISTORY_LENGTH = 20
"""Checks kept per URL; older ones are dropped."""

Verdict = Literal["ok", "moved", "unverified", "broken"]
VERDICTS: tuple[Verdict, ...] = ("ok", "moved", "unverified", "broken")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of requesting one URL."""

    verdict: Verdict
    reason: str
    """What the server or the network did, such as `404 Not Found` or `timed out after 10 s`."""
    checked: datetime
    """When the request was made; timezone-aware."""
    status: int | None = None
    """The final HTTP status, when there was a response."""
    target: str | None = None
    """For `moved`: the URL the permanent redirects lead to."""


@dataclass(frozen=True)
class Streak:
    """The run of most recent checks of a URL that share its latest verdict."""

    since: datetime
    checks: int


class LinkCache:
    """The check history of every URL, loaded from and saved to one JSON file."""

    def __init__(self, path: Path, history: dict[str, list[CheckResult]] | None = None) -> None:
        self.path = path
        self.history = history or {}

    @classmethod
    def load(cls, source_dir: Path) -> LinkCache:
        """Load the cache of the site in `source_dir`; an unreadable cache is reported and started afresh."""
        path = source_dir / CACHE_DIR / CACHE_FILE
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, _read_history(document))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("%s: warning: unreadable link cache (%s); every link is checked again", display_path(path), error)
            return cls(path)

    def latest(self, url: str) -> CheckResult | None:
        checks = self.history.get(url)
        return checks[-1] if checks else None

    def fresh(self, url: str, now: datetime, max_age: timedelta) -> CheckResult | None:
        """Return the latest result for `url` if it is younger than `max_age`."""
        latest = self.latest(url)
        if latest is None or now - latest.checked >= max_age:
            return None
        return latest

    def record(self, url: str, result: CheckResult) -> None:
        checks = self.history.setdefault(url, [])
        checks.append(result)
        del checks[:-HISTORY_LENGTH]

    def streak(self, url: str) -> Streak | None:
        """Return since when and for how many checks `url` has had its latest verdict."""
        checks = self.history.get(url)
        if not checks:
            return None
        verdict = checks[-1].verdict
        run = 0
        for check in reversed(checks):
            if check.verdict != verdict:
                break
            run += 1
        return Streak(checks[-run].checked, run)

    def save(self, keep: set[str]) -> None:
        """Write the history of the URLs in `keep` (the site's links), replacing the file atomically."""
        links = {url: [_result_record(result) for result in checks] for url, checks in self.history.items() if url in keep}
        document = {"version": CACHE_VERSION, "links": dict(sorted(links.items()))}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)


def _result_record(result: CheckResult) -> dict[str, Any]:
    record = asdict(result)
    record["checked"] = result.checked.isoformat()
    return record


def _read_history(document: dict[str, Any]) -> dict[str, list[CheckResult]]:
    if document.get("version") != CACHE_VERSION:
        raise ValueError(f"version {document.get('version')!r} is not {CACHE_VERSION}")
    history = {}
    for url, records in document["links"].items():
        history[url] = [_read_result(record) for record in records]
    return history


def _read_result(record: dict[str, Any]) -> CheckResult:
    checked = datetime.fromisoformat(record["checked"])
    if checked.tzinfo is None or record["verdict"] not in VERDICTS:
        raise ValueError(f"invalid check record {record!r}")
    return CheckResult(record["verdict"], record["reason"], checked, record.get("status"), record.get("target"))
