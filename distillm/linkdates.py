"""Dates in link lists: date items (`April 2nd`) and period headings (`April 2024`).

Month names are English, full or abbreviated (`Sep`, `Sept`, `Apr.`), in any
letter case. These are the forms a date item may take, alone in its item and
optionally followed by `.` or `:`:

    April 2nd    Apr 2    April 2, 2024    April 2 2024    2 April    2nd of April 2024    2024-04-02
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
MONTH_NAMES = [name.capitalize() for name in MONTHS]
_MONTH_ABBREVIATIONS = {name[:3]: number for name, number in MONTHS.items()} | {"sept": 9}
_MONTH_NUMBERS = MONTHS | _MONTH_ABBREVIATIONS

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_END = r"\s*[.:]?$"

# April 2nd | Apr. 2 | April 2, 2024 | April 2 2024
_MONTH_FIRST = re.compile(rf"^{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?{_END}", re.IGNORECASE)
# 2 April | 2nd of April | 2 April 2024 | 2nd April, 2024
_DAY_FIRST = re.compile(rf"^{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?{_END}", re.IGNORECASE)
# 2024-04-02
_ISO_DATE = re.compile(rf"^{_YEAR}-(?P<month>\d{{2}})-{_DAY}{_END}")

# A month name followed by a year anywhere in a heading: "What happened in April 2024?".
_MONTH_AND_YEAR = re.compile(
    r"\b(?P<month>" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")\.?,?\s+(?P<year>\d{4})\b",
    re.IGNORECASE,
)
# 2024-04 as a word of its own in a heading ("Links of 2024-04"); a full ISO date names its month too.
_ISO_MONTH = re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})(?![\d])")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month: the period of a link."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def name(self) -> str:
        """The month in words, `April 2024`, the same in every locale."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)


@dataclass(frozen=True)
class DateItemText:
    """The parts of a date item's text; `year` is None when the text gives none."""

    month: int
    day: int
    year: int | None


class InvalidDateItem(ValueError):
    """Text shaped like a date item whose day does not exist (`February 30th`)."""


def parse_date_item(text: str) -> DateItemText | None:
    """Return the date parts of `text` when it is a date alone, else None.

    Raises `InvalidDateItem` when the text has a date item's shape but names a
    day that no month has (`April 31st`, `2024-13-01`).
    """
    text = " ".join(text.split())
    match = _MONTH_FIRST.match(text) or _DAY_FIRST.match(text) or _ISO_DATE.match(text)
    if match is None:
        return None
    month_text = match.group("month").lower()
    month = int(month_text) if month_text.isdigit() else _MONTH_NUMBERS[month_text]
    day = int(match.group("day"))
    year = int(match.group("year")) if match.group("year") else None
    # 2000 is a leap year, so February 29th passes here when no year is given.
    try:
        date(year or 2000, month, day)
    except ValueError as error:
        raise InvalidDateItem(str(error)) from error
    return DateItemText(month, day, year)


def resolve_year(parts: DateItemText, heading_period: Month | None, post_date: date | None) -> date | None:
    """Return the date of a date item, choosing its year when the text has none.

    The year comes from the text, else from the period heading above the item,
    else it is the year that puts the date closest before or on the post's date
    (a digest of 2025-01-02 listing `December 30th` means 2024-12-30). Returns
    None when that day does not exist in the year chosen (February 29th).
    """
    if parts.year is not None:
        year = parts.year
    elif heading_period is not None:
        year = heading_period.year
    elif post_date is not None:
        year = post_date.year
        if (parts.month, parts.day) > (post_date.month, post_date.day):
            year -= 1
    else:
        return None
    try:
        return date(year, parts.month, parts.day)
    except ValueError:
        return None


def heading_period(text: str) -> Month | None:
    """Return the month a heading names together with a year, or None.

    A month without a year (`Not in April`) names no period.
    """
    match = _MONTH_AND_YEAR.search(text)
    if match:
        return Month(int(match.group("year")), _MONTH_NUMBERS[match.group("month").lower()])
    iso = _ISO_MONTH.search(text)
    if iso and 1 <= int(iso.group("month")) <= 12:
        return Month(int(iso.group("year")), int(iso.group("month")))
    return None
