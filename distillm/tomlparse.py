"""TOML parsing that reports errors as a line, a column and a hint.

`tomllib` only puts the position inside its message text, and its wording is
terse ("Illegal character '\\n'"). This module turns that into the parts of a
`Diagnostic`, relative to the parsed text, so callers can shift the line to
where the text sits in the user's file.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")

_DATE_HINT = "write dates as 2024-05-01 or 2024-05-01T09:00:00+02:00"
_REPEATS = ("Cannot overwrite a value", "Cannot declare")

# tomllib's message (its start) -> our wording and what to do next.
_HINTS: list[tuple[str, str, str]] = [
    ("Illegal character '\\n'", "unterminated string", "close the quote on the same line"),
    ("Unterminated string", "unterminated string", "close the quote"),
    ('Expected "\'"', "unterminated string", "close the quote"),
    ("Unclosed array", "unclosed array", "close it with ]"),
    ("Unclosed inline table", "unclosed inline table", "close it with } on the same line"),
    ("Expected '=' after a key", "missing = after a key", "write key = value"),
    ("Cannot overwrite a value", "repeated key", "keep only one of the two values"),
    ("Cannot declare", "repeated table", "keep only one of the two tables"),
    ("Unescaped '\\'", "invalid escape in a string", "write \\\\ or use a 'literal string'"),
    (
        "Expected newline or end of document",
        "unexpected text after a value",
        "put one key = value on each line, and quote strings",
    ),
    ("Invalid value", "invalid value", 'quote strings ("...") and write dates as 2024-05-01'),
    ("Invalid date or datetime", "invalid date", _DATE_HINT),
]
# An unquoted value that starts like a date. tomllib reads `2026-13-45` as the number
# 2026 followed by stray text, so its own message does not mention a date.
_DATE_LIKE_VALUE = re.compile(r"^\s*[\w.\"'-]+\s*=\s*(?P<value>\d{4}[-/.][^\s#,\]}]*)")


@dataclass(frozen=True)
class TomlSyntaxError(Exception):
    """A TOML syntax error located in the parsed text (1-based, column optional)."""

    line: int
    column: int | None
    message: str


def parse_toml(text: str) -> dict[str, Any]:
    """Parse `text` as TOML, raising `TomlSyntaxError` with a position and a hint."""
    if not text.endswith("\n"):
        # A front-matter block ends without a line end. tomllib reports an error on that
        # last line "at end of document", with no column, unless a line end follows it.
        text += "\n"
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _describe(error, text) from error
    except RecursionError as error:
        # tomllib parses nested arrays and inline tables recursively, so deep nesting exhausts the stack.
        raise TomlSyntaxError(
            _deepest_line(text), None, "invalid TOML: arrays or tables nested too deeply; flatten the value"
        ) from error


def _deepest_line(text: str) -> int:
    """Return the 1-based line where brackets and braces are nested deepest, those in strings counted too."""
    depth = deepest = 0
    deepest_line = 1
    for number, line in enumerate(text.splitlines(), start=1):
        for character in line:
            if character in "[{":
                depth += 1
            elif character in "]}":
                depth -= 1
            if depth > deepest:
                deepest, deepest_line = depth, number
    return deepest_line


def _describe(error: tomllib.TOMLDecodeError, text: str) -> TomlSyntaxError:
    raw = str(error).splitlines()[0]
    position = _POSITION.search(raw)
    reason = raw[: position.start()] if position else raw
    if position and position.group(1):
        line, column = int(position.group(1)), int(position.group(2))
    else:
        line, column = _last_content_line(text), None
    bad_date = _bad_date(text, line)
    if bad_date is not None and (column is None or column <= bad_date[1] + len(bad_date[0])):
        value, date_column = bad_date
        return TomlSyntaxError(line, date_column, f'invalid date "{value}"; {_DATE_HINT}')
    wording, hint = reason[:1].lower() + reason[1:], "see https://toml.io for the syntax"
    for start, known_wording, known_hint in _HINTS:
        if reason.startswith(start):
            wording, hint = known_wording, known_hint
            break
    if reason.startswith(_REPEATS) and column is not None:
        # tomllib notices a repeat at the end of its line; the repeated key starts the line.
        column = _first_character_column(text, line)
    return TomlSyntaxError(line, column, f"invalid TOML: {wording}; {hint}")


def _bad_date(text: str, line: int) -> tuple[str, int] | None:
    """Return the unquoted date-like value on `line` and its 1-based column, if the line has one."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    match = _DATE_LIKE_VALUE.match(lines[line - 1])
    if match is None:
        return None
    return match["value"], match.start("value") + 1


def _first_character_column(text: str, line: int) -> int | None:
    """Return the 1-based column of the first character that is not white space on `line`."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines) or not lines[line - 1].strip():
        return None
    content = lines[line - 1]
    return len(content) - len(content.lstrip()) + 1


def _last_content_line(text: str) -> int:
    """Return the last non-blank line of `text`: where an error at its end is noticed."""
    lines = text.splitlines()
    for number in range(len(lines), 0, -1):
        if lines[number - 1].strip():
            return number
    return 1


def find_key_line(lines: list[str], key: str, start: int = 0, stop: int | None = None) -> int | None:
    """Return the 1-based line among `lines[start:stop]` that assigns `key`, if any.

    Matches TOML (`key =`) and YAML (`key:`) forms, case-insensitively and with
    the key optionally quoted, because front-matter keys ignore case.
    """
    pattern = re.compile(
        r"""^\s*["']?%s["']?\s*[=:]""" % re.escape(key),
        re.IGNORECASE,
    )
    for index in range(start, len(lines) if stop is None else stop):
        if pattern.match(lines[index]):
            return index + 1
    return None


def describe_value(value: Any) -> str:
    """Return `value` as the user would write it in TOML, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "[" + ", ".join(describe_value(item) for item in value) + "]"
    return type(value).__name__


# The key and separator of a `key = value` (TOML) or `key: value` (YAML) line, up to the value.
_BEFORE_VALUE = re.compile(r"""^\s*(?:"[^"]*"|'[^']*'|[^\s=:]+)\s*[=:][ \t]*""")


def value_column(line: str) -> int | None:
    """Return the 1-based column where the value of a one-line `key = value` starts, if there is one."""
    match = _BEFORE_VALUE.match(line)
    if match is None or match.end() >= len(line.rstrip()):
        return None
    return match.end() + 1
