"""Logging for the command line: plain lines on stderr, warnings counted for --strict.

Modules log through `logging.getLogger(__name__)`; only the CLI installs handlers.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

ROOT_LOGGER = "distillm"
_DIAGNOSTIC = re.compile(r"^\S.*?: (?:warning|error): ")


class _PlainFormatter(logging.Formatter):
    """Print INFO and DEBUG as they are; prefix warnings and errors unless already in diagnostic form."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno < logging.WARNING or _DIAGNOSTIC.match(message):
            text = message
        else:
            text = f"{record.levelname.lower()}: {message}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def plain_text(record: logging.LogRecord) -> str:
    """Return a log record as the command line prints it."""
    return _PlainFormatter().format(record)


class WarningCounter(logging.Handler):
    """Count and keep the warnings logged while it is installed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    @property
    def count(self) -> int:
        return len(self.messages)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def configure_logging(verbosity: int) -> None:
    """Send distillm's log to stderr: -1 quiet (warnings), 0 normal (info), 1 verbose (debug)."""
    level = {-1: logging.WARNING, 0: logging.INFO}.get(verbosity, logging.DEBUG)
    logger = logging.getLogger(ROOT_LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PlainFormatter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


@contextmanager
def counting_warnings() -> Iterator[WarningCounter]:
    """Count the warnings distillm logs inside the block."""
    counter = WarningCounter()
    logger = logging.getLogger(ROOT_LOGGER)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
