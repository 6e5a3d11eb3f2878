"""Front-matter dates: every accepted form made timezone-aware in the site's zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from typing import Any

# 2024-05-01, 2024-05-01T09:30, 2024-05-01 09:30:15.5, ...Z, ...+02:00, ...+0200
_ISO_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?)?$"
)

DATE_FORMS_HINT = "write 2024-05-01, 2024-05-01T09:30:00 or 2024-05-01T09:30:00+02:00"


class InvalidDate(ValueError):
    """A front-matter value that is not a date in an accepted form."""


def to_aware_datetime(value: Any, zone: tzinfo) -> datetime:
    """Return `value` as a datetime in `zone`.

    Accepts what TOML and YAML parsers produce (a date, a local datetime, an
    offset datetime) and ISO 8601 strings of the same forms. A value without a
    zone is taken to be in `zone`. A value with a zone keeps its instant and is
    converted to `zone`, so posts of mixed forms sort and display together.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        moment = _parse_iso(value.strip())
    else:
        raise InvalidDate(f"expected a date, got {type(value).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _parse_iso(text: str) -> datetime:
    match = _ISO_DATE_TIME.match(text)
    if not match:
        raise InvalidDate("not a date in a known form")
    zone = match.group("zone")
    clock = match.group("time") or "00:00"
    if "." in clock:
        # Python 3.10's fromisoformat takes only 3 or 6 fraction digits.
        seconds, fraction = clock.split(".")
        clock = f"{seconds}.{fraction.ljust(6, '0')}"
    normalized = match.group("date") + "T" + clock
    if zone:
        if zone in ("Z", "z"):
            zone = "+00:00"
        elif ":" not in zone:
            zone = zone[:3] + ":" + zone[3:]
        normalized += zone
    try:
        return datetime.fromisoformat(normalized)
    except ValueError as error:
        raise InvalidDate(str(error)) from error
