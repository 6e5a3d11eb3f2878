"""Hold the warnings a check's build logs, so the check can print them once and in its own order.

`distillm check` builds the site and loads the link database, and both log
the same warnings. The check prints each distinct warning once, and lists
duplicate links together instead of in build order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..logs import ROOT_LOGGER


class HeldWarnings(logging.Handler):
    """Collect the distinct warning messages logged while installed, in order."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: dict[str, int] = {}
        """Each distinct message, formatted, with its level; dicts keep insertion order."""

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.setdefault(record.getMessage(), record.levelno)

    def replay(self, leave_out: Iterable[str] = ()) -> None:
        """Log every held message again, except those in `leave_out`, then forget them."""
        skipped = set(leave_out)
        logger = logging.getLogger(ROOT_LOGGER)
        for message, level in self.messages.items():
            if message not in skipped:
                logger.log(level, "%s", message)
        self.messages.clear()


def _below_warning(record: logging.LogRecord) -> bool:
    return record.levelno < logging.WARNING


@contextmanager
def holding_warnings() -> Iterator[HeldWarnings]:
    """Keep distillm's warnings from the console inside the block; INFO and DEBUG pass as usual.

    Warnings still held when the block raises are replayed first, so they
    print before the error that ended it.
    """
    logger = logging.getLogger(ROOT_LOGGER)
    consoles = list(logger.handlers)
    held = HeldWarnings()
    for handler in consoles:
        handler.addFilter(_below_warning)
    logger.addHandler(held)
    try:
        yield held
    except BaseException:
        _restore(logger, consoles, held)
        held.replay()
        raise
    _restore(logger, consoles, held)


def _restore(logger: logging.Logger, consoles: list[logging.Handler], held: HeldWarnings) -> None:
    logger.removeHandler(held)
    for handler in consoles:
        handler.removeFilter(_below_warning)
