"""Mojibake in content files: text decoded with the wrong encoding, found and repaired by ftfy.

Only `ftfy.fix_encoding` is used, never `ftfy.fix_text`: the latter would also
unescape `&lt;`, straighten curly quotes and change other characters that the
Markdown means as written. A file is read as UTF-8 exactly as stored (byte
order mark and line ends included) and written back the same way.

The repair runs line by line, as `ftfy.fix_text` does, because ftfy judges
the text it gets as a whole: one correct `“` elsewhere in a file would stop it
from repairing any line of it. A line that mixes correct non-ASCII characters
with mojibake can still go unrepaired.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ftfy

from ..errors import Diagnostic, display_path

UTF8_BOM = "\ufeff"
SHOWN_REPLACEMENTS = 3
"""How many garbled spans one message shows before it counts the rest."""
# Line ends as the loader reads them: `\r\n`, `\r` or `\n`, and nothing else.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class GarbledLine:
    """A line whose text ftfy repairs, with each garbled span and its repair."""

    line: int
    """1-based line in the file."""
    column: int
    """1-based column of the first garbled character."""
    replacements: list[tuple[str, str]]


@dataclass(frozen=True)
class ContentText:
    """A content file's text as stored, and the same text with its encoding repaired."""

    path: Path
    text: str
    """The text without its byte order mark; line ends as stored."""
    repaired: str
    bom: bool

    @property
    def changed(self) -> bool:
        return self.text != self.repaired


def read_content_text(path: Path) -> ContentText | None:
    """Read a content file and repair its encoding in memory; None when it is not UTF-8 (the build reports that)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    bom = text.startswith(UTF8_BOM)
    text = text.removeprefix(UTF8_BOM)
    return ContentText(path, text, repair_encoding(text), bom)


def repair_encoding(text: str) -> str:
    """Return `text` with `ftfy.fix_encoding` applied to each line; line ends are kept as they are."""
    repaired = []
    for line in split_lines(text, keepends=True):
        content = line.rstrip("\r\n")
        repaired.append(ftfy.fix_encoding(content) + line[len(content) :])
    return "".join(repaired)


def garbled_lines(content: ContentText) -> list[GarbledLine]:
    """Return the lines that the repair changes, with the spans it changes in each."""
    if not content.changed:
        return []
    old_lines = split_lines(content.text)
    new_lines = split_lines(content.repaired)
    found = []
    for number, (old, new) in enumerate(zip(old_lines, new_lines), start=1):
        if old != new:
            replacements, column = _changed_spans(old, new)
            found.append(GarbledLine(number, column, replacements))
    return found


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """Split `text` at line ends as the loader counts lines."""
    lines = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def _changed_spans(old: str, new: str) -> tuple[list[tuple[str, str]], int]:
    """Return the `(garbled, repaired)` spans between two versions of a line and the first one's column."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    changes = [(old[i1:i2], new[j1:j2], i1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    return [(garbled, repaired) for garbled, repaired, _ in changes], changes[0][2] + 1


def mojibake_problem(path: Path, garbled: GarbledLine) -> Diagnostic:
    """Describe one garbled line as an error at its first garbled character."""
    shown = [f'"{_visible(old)}" should be "{_visible(new)}"' for old, new in garbled.replacements]
    more = len(shown) - SHOWN_REPLACEMENTS
    listed = ", ".join(shown[:SHOWN_REPLACEMENTS]) + (f" and {more} more" if more > 0 else "")
    return Diagnostic(
        display_path(path),
        f"mojibake: {listed}; run distillm check --fix-text to repair it",
        garbled.line,
        garbled.column,
    )


def _visible(text: str) -> str:
    """Return `text` with invisible characters (controls, private use, format) written as `\\uXXXX`."""
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cn", "Cs") else char
        for char in text
    )


def text_diff(contents: Iterable[ContentText]) -> str:
    """Return a unified diff of every repair, with paths as `display_path` shows them."""
    chunks = []
    for content in contents:
        shown = display_path(content.path)
        old, new = split_lines(content.text, keepends=True), split_lines(content.repaired, keepends=True)
        for line in difflib.unified_diff(old, new, fromfile=shown, tofile=shown):
            chunks.append(line if line.endswith(("\n", "\r")) else line + "\n")
    return "".join(chunks)


def write_repaired(content: ContentText) -> None:
    """Replace a content file with its repaired text, keeping its byte order mark and line ends."""
    text = (UTF8_BOM if content.bom else "") + content.repaired
    content.path.write_bytes(text.encode("utf-8"))
