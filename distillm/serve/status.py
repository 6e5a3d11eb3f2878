"""What the browser overlay shows: the last rebuild's errors, the current warnings, the skipped posts.

An incremental rebuild redoes only part of the work, so it logs only part of
the warnings. `WarningLog` keeps each warning under the unit of work that
logged it (a content file, an output page, a site-wide stage) and replaces a
unit's warnings when that unit runs again, so the overlay always lists the
warnings of the whole site.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, display_path
from ..logs import ROOT_LOGGER, plain_text
from ..model import SkippedPost

SITE_WIDE = ("site", "assemble")
"""The origin of warnings logged outside any more specific unit of work."""


@dataclass(frozen=True)
class BuildStatus:
    """The state of the served site after a rebuild, sent to every open page."""

    build: int = 0
    """How many rebuilds have finished, failed ones included."""
    errors: tuple[Diagnostic, ...] = ()
    """The problems that stopped the last rebuild; empty when it succeeded."""
    error_message: str | None = None
    """An error of the last rebuild that names no file, such as a --strict failure."""
    warnings: tuple[str, ...] = ()
    """Every current warning, as printed on the terminal."""
    skipped: tuple[SkippedPost, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return bool(self.errors) or self.error_message is not None

    def to_json(self) -> dict[str, Any]:
        """Return the status as the live-reload script reads it."""
        return {
            "build": self.build,
            "failed": self.failed,
            "errors": [_diagnostic_json(diagnostic) for diagnostic in self.errors],
            "error_message": self.error_message,
            "warnings": list(self.warnings),
            "skipped": [
                {
                    "path": display_path(post.source_path),
                    "title": post.title,
                    "reason": post.reason,
                    "detail": post.detail,
                }
                for post in self.skipped
            ],
        }


def _diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "path": diagnostic.path,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "message": diagnostic.message,
        "text": str(diagnostic),
    }


class WarningLog(logging.Handler):
    """Warnings that distillm logs while rebuilding, kept by the unit of work that logged them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.by_origin: dict[Hashable, list[str]] = {}
        self._origin: Hashable = SITE_WIDE
        self._thread: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # Request threads of the server log too; only the rebuilding thread's warnings are the site's.
        if record.thread == self._thread:
            self.by_origin.setdefault(self._origin, []).append(plain_text(record))

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Record the warnings that the calling thread logs inside the block."""
        logger = logging.getLogger(ROOT_LOGGER)
        self._thread = threading.get_ident()
        logger.addHandler(self)
        try:
            yield
        finally:
            logger.removeHandler(self)
            self._thread = None

    @contextmanager
    def origin(self, origin: Hashable) -> Iterator[None]:
        """Attribute the warnings logged inside the block to `origin`, replacing its earlier ones."""
        previous = self._origin
        self._origin = origin
        self.by_origin[origin] = []
        try:
            yield
        finally:
            self._origin = previous

    def forget(self, origins: Iterable[Hashable]) -> None:
        """Drop the warnings of units of work that no longer exist (a deleted post, a page gone)."""
        for origin in origins:
            self.by_origin.pop(origin, None)

    def current(self) -> tuple[str, ...]:
        """Return every warning kept, each once, in the order first logged."""
        return tuple(dict.fromkeys(text for texts in self.by_origin.values() for text in texts))


class RepeatedWarningFilter(logging.Filter):
    """Keep the terminal quiet about warnings it already showed, which a rebuild logs again."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: frozenset[str] = frozenset()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING or plain_text(record) not in self.shown
