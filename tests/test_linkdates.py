"""Date items and period headings: every written form, and the year rule."""

from __future__ import annotations

from datetime import date

import pytest

from distillm.linkdates import DateItemText, InvalidDateItem, Month, heading_period, parse_date_item, resolve_year


@pytest.mark.parametrize(
    "text, expected",
    [
        ("April 2nd", DateItemText(4, 2, None)),
        ("April 7th.", DateItemText(4, 7, None)),
        ("April 1st:", DateItemText(4, 1, None)),
        ("april 23rd", DateItemText(4, 23, None)),
        ("Apr 2", DateItemText(4, 2, None)),
        ("Apr. 2", DateItemText(4, 2, None)),
        ("Sept 9", DateItemText(9, 9, None)),
        ("2 April", DateItemText(4, 2, None)),
        ("2nd of April", DateItemText(4, 2, None)),
        ("2 April 2024", DateItemText(4, 2, 2024)),
        ("April 2, 2024", DateItemText(4, 2, 2024)),
        ("April 2 2024.", DateItemText(4, 2, 2024)),
        ("2024-04-02", DateItemText(4, 2, 2024)),
        ("2024-04-02:", DateItemText(4, 2, 2024)),
        ("February 29th", DateItemText(2, 29, None)),
    ],
)
def test_date_item_forms(text, expected):
    assert parse_date_item(text) == expected


@pytest.mark.parametrize(
    "text",
    ["April", "April 2024", "In April 2nd", "April 2nd, the big day", "Aprils 2", "2024-04", "Maybe 2", "32 days", ""],
)
def test_not_a_date_item(text):
    assert parse_date_item(text) is None


@pytest.mark.parametrize("text", ["April 31st", "February 30", "2024-13-01", "2023-02-29", "0 May"])
def test_impossible_date_item(text):
    with pytest.raises(InvalidDateItem):
        parse_date_item(text)


@pytest.mark.parametrize(
    "parts, heading, post_date, expected",
    [
        (DateItemText(4, 2, None), None, date(2024, 5, 1), date(2024, 4, 2)),
        (DateItemText(5, 1, None), None, date(2024, 5, 1), date(2024, 5, 1)),
        (DateItemText(5, 2, None), None, date(2024, 5, 1), date(2023, 5, 2)),
        (DateItemText(12, 30, None), None, date(2025, 1, 2), date(2024, 12, 30)),
        (DateItemText(1, 1, None), None, date(2025, 1, 2), date(2025, 1, 1)),
        (DateItemText(12, 30, None), Month(2025, 12), date(2025, 1, 2), date(2025, 12, 30)),
        (DateItemText(4, 2, 2020), Month(2024, 4), date(2024, 5, 1), date(2020, 4, 2)),
        (DateItemText(2, 29, None), None, date(2024, 3, 1), date(2024, 2, 29)),
        (DateItemText(2, 29, None), None, date(2025, 3, 1), None),
        (DateItemText(4, 2, None), None, None, None),
    ],
)
def test_resolve_year(parts, heading, post_date, expected):
    assert resolve_year(parts, heading, post_date) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("What happened in April 2024?", Month(2024, 4)),
        ("December, 2023", Month(2023, 12)),
        ("Links of Sept 2024", Month(2024, 9)),
        ("Links of 2024-04", Month(2024, 4)),
        ("Something not happened in April, or not about LLM, but", None),
        ("My notes on hallucination", None),
        ("The 2024 review", None),
        ("Version 2024-13", None),
    ],
)
def test_heading_period(text, expected):
    assert heading_period(text) == expected


def test_month_text():
    assert str(Month(2024, 4)) == "2024-04"
    assert Month(2024, 4).name == "April 2024"
