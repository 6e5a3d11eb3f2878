"""TOML parsing that reports errors as a line, a column and a hint.

`tomllib` only puts the position inside its message text, and its wording is
terse ("Illegal character '\\n'"). This module turns that into the parts of a
`Diagnostic`, relative to the parsed text, so callers can shift the line to
where the text sits in the user's file.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")

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
    ("Invalid date or datetime", "invalid date", "write dates as 2024-05-01 or 2024-05-01T09:00:00+02:00"),
]


@dataclass(frozen=True)
class TomlSyntaxError(Exception):
    """A TOML syntax error located in the parsed text (1-based, column optional)."""

    line: int
    column: int | None
    message: str


def parse_toml(text: str) -> dict[str, Any]:
    """Parse `text` as TOML, raising `TomlSyntaxError` with a position and a hint."""
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
    wording, hint = reason[:1].lower() + reason[1:], "see https://toml.io for the syntax"
    for start, known_wording, known_hint in _HINTS:
        if reason.startswith(start):
            wording, hint = known_wording, known_hint
            break
    return TomlSyntaxError(line, column, f"invalid TOML: {wording}; {hint}")


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
