"""Options of `distillm check`, kept apart so that the offline check never imports httpx."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..loader import LoadOptions


@dataclass(frozen=True)
class ExternalOptions:
    """Limits of the requests of `distillm check --external`."""

    timeout: float = 10.0
    """Seconds to wait for a connection, and then for each read, before giving up."""
    max_wait: float = 30.0
    """Seconds one URL may wait in total for the `Retry-After` delays its server requests."""
    workers: int = 8
    """Requests in flight at once."""
    per_host: int = 2
    """Requests in flight at once to one host."""
    host_delay: float = 1.0
    """Minimum seconds between the starts of two requests to one host."""
    cache_days: float = 7.0
    """Results younger than this many days are reused instead of asking again."""


@dataclass(frozen=True)
class CheckOptions:
    """The site and the checks of one `distillm check` run."""

    source_dir: Path = Path(".")
    load: LoadOptions = field(default_factory=LoadOptions)
    """The kinds of unpublished posts the build includes."""
    external: ExternalOptions | None = None
    """Limits of the external requests; None checks no external link."""
