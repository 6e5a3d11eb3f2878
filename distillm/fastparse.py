"""Parse Markdown with markdown-it-pyrs when it is installed, into markdown-it-py's tokens.

markdown-it-pyrs 0.4 (the Rust port of markdown-it, `pip install distillm[fast]`)
builds a post's syntax tree many times faster than markdown-it-py parses it.
`pyrs_tokens` converts that tree into the tokens markdown-it-py's `inline`
core rule leaves. markdown-it-py's own later core rules (task lists, footnote
tail, typographer, text join, heading ids) then run on them unchanged. So
the renderer and the link extractor get the same tokens and env as from
`markdown_parser().parse`.

Where pyrs parses differently from markdown-it-py, or its tree lacks what
the tokens need, the text is not accelerated and markdown-it-py parses it:
the checks below find those texts before or after pyrs parses them. Set
`DISTILLM_PARSER=markdown-it-py` to always use markdown-it-py.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import markdown_it
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .markdown import ParsedMarkdown, markdown_parser
from .pyrs_tokens import UnsupportedMarkdown, convert_tree

logger = logging.getLogger(__name__)

PARSER_VARIABLE = "DISTILLM_PARSER"
REFERENCE_PARSER = "markdown-it-py"
ACCELERATED_PARSER = "markdown-it-pyrs"

TESTED_VERSIONS = {"markdown-it-pyrs": "0.4.", "markdown-it-py": "4.3."}
"""The version series `tests/test_fastparse.py` proved equivalent; the checks below are specific to them."""
PYRS_PLUGINS = ["table", "strikethrough", "footnote"]
"""The markdown-it-pyrs rules beyond CommonMark; the other extensions are markdown-it-py core rules."""


def parse_accelerated(text: str) -> ParsedMarkdown | None:
    """Parse `text` with markdown-it-pyrs, or return None to have markdown-it-py parse it.

    Returns None when markdown-it-pyrs is not installed, when `DISTILLM_PARSER`
    is `markdown-it-py`, and for text it cannot parse as markdown-it-py does.
    Raises `ValueError` for another `DISTILLM_PARSER` value than the two
    parser names, and `ImportError` when it names markdown-it-pyrs and that is
    not installed.
    """
    if not _accelerator_requested():
        return None
    try:
        tokens, env = parse_fast(text, markdown_parser())
    except UnsupportedMarkdown as reason:
        logger.debug("Parsing with markdown-it-py, because markdown-it-pyrs would differ: %s", reason)
        return None
    return ParsedMarkdown(tokens, env)


def _accelerator_requested() -> bool:
    choice = os.environ.get(PARSER_VARIABLE, "")
    if choice == REFERENCE_PARSER:
        return False
    if choice not in ("", ACCELERATED_PARSER):
        raise ValueError(
            f"invalid {PARSER_VARIABLE}={choice!r}; set it to {REFERENCE_PARSER} or {ACCELERATED_PARSER}, or unset it"
        )
    if _pyrs_parser() is not None:
        return True
    if choice == ACCELERATED_PARSER:
        raise ImportError(f"{PARSER_VARIABLE}={ACCELERATED_PARSER} needs markdown-it-pyrs; install distillm[fast]")
    return False


@lru_cache(maxsize=1)
def _pyrs_parser() -> Any:
    """Return the configured markdown-it-pyrs parser, or None when it is not installed or not tested."""
    try:
        import markdown_it_pyrs
    except ImportError:
        return None
    versions = {"markdown-it-pyrs": markdown_it_pyrs.__version__, "markdown-it-py": markdown_it.__version__}
    untested = [f"{name} {version}" for name, version in versions.items() if not version.startswith(TESTED_VERSIONS[name])]
    if untested:
        logger.info(
            "Parsing with markdown-it-py only: the equivalence of markdown-it-pyrs is tested with %s, not %s",
            " and ".join(f"{name} {series}x" for name, series in TESTED_VERSIONS.items()),
            " and ".join(untested),
        )
        return None
    return markdown_it_pyrs.MarkdownIt("commonmark").enable_many(PYRS_PLUGINS)


def parse_fast(text: str, md: MarkdownIt) -> tuple[list[Token], dict[str, Any]]:
    """Parse `text` with markdown-it-pyrs into the tokens and env that `md.parse` returns.

    Raises `UnsupportedMarkdown` for text whose tokens would differ, and
    `ImportError` when markdown-it-pyrs is not installed.
    """
    parser = _pyrs_parser()
    if parser is None:
        raise ImportError("markdown-it-pyrs is not installed; install distillm[fast]")
    source = normalize(text)
    _check_text(source)
    try:
        tree = parser.tree(source)
    except BaseException as error:
        # pyo3 raises a Rust panic as PanicException, which derives from BaseException.
        if type(error).__name__ != "PanicException":
            raise
        raise UnsupportedMarkdown(f"markdown-it-pyrs failed: {error}") from None
    converted = convert_tree(tree, source, md)
    _check_footnote_definitions(source, converted.footnote_definitions)
    _check_tables(source, converted.table_starts, converted.table_rows)
    state = StateCore(source, md, converted.env)
    state.tokens = converted.tokens
    for rule in _core_rules_after_inline(md):
        rule(state)
    return state.tokens, state.env


_NEWLINES = re.compile(r"\r\n?|\n")


def normalize(text: str) -> str:
    """Apply markdown-it-py's `normalize` core rule: `\\n` line ends and no NUL characters."""
    return _NEWLINES.sub("\n", text).replace("\0", "\ufffd")


def _core_rules_after_inline(md: MarkdownIt) -> list[Callable[[StateCore], None]]:
    """Return the active core rules of `md` that run after `inline`, in order."""
    names = md.core.ruler.get_active_rules()
    rules = md.core.ruler.getRules("")
    return list(rules[names.index("inline") + 1 :])


# Checks on the text. Each raises UnsupportedMarkdown where pyrs would give other
# tokens than markdown-it-py; a needless fallback only costs time.

# A fence outside block quotes and lists: its lines are code up to a closing fence.
# Other fence-like lines are checked as text, which only costs needless fallbacks.
_FENCE = re.compile(r" {0,3}(```+|~~~+)")
_CLOSING_FENCE = re.compile(r" {0,3}(```+|~~~+)[ \t]*$")
_FENCE_IN_CONTAINER = re.compile(r"[ >]*(?:(?:[-+*]|\d{1,9}[.)]) +)*(?:```|~~~)")
# Lines that end a paragraph's inline content: blank lines and the starts of
# blocks that can interrupt a paragraph, also inside block quotes.
_BLOCK_BOUNDARY = re.compile(
    r" *>|[ >]*(?:$|#|[-+*][ \t]|\d{1,9}[.)]|<|\[\^|(?:[-*_=][ \t]*){3,}$|[-=]+[ \t]*$)"
)
_BACKTICKS = re.compile(r"\\`|`+")
_LEADING_TAB = re.compile(r"[ >]*\t")
_TILDE_RUN = re.compile(r"~~~")


def _check_text(text: str) -> None:
    """Raise `UnsupportedMarkdown` for text that pyrs parses differently, as far as the text alone shows."""
    if "^[" in text:
        # pyrs 0.4 panics on some inline footnotes, such as `^[` at the end of a text.
        raise UnsupportedMarkdown("an inline footnote")
    _check_lines(text)
    _check_html(text)
    _check_symbol_emphasis(text)
    _check_lazy_lines(text)
    _check_link_ends(text)


def _check_lines(text: str) -> None:
    """Check the lines outside fenced code: tabs in their indentation, `~~~` runs and unclosed code spans.

    pyrs 0.4 gives shifted byte ranges after a tab that indents a list
    item's text. It reads a run of three or more tildes inside text as no
    strikethrough (as GitHub does), where markdown-it-py splits it into `~~`
    pairs. Its code-span rule can panic (see `_check_code_spans`).
    """
    if "\t" not in text and "`" not in text and "~~~" not in text:
        return
    chunk: list[str] = []
    fence = ""
    lines = text.split("\n")
    table_lines = _table_lines(lines) if "|" in text else set()
    for number, line in enumerate(lines):
        marker = _FENCE.match(line)
        if fence:
            closing = _CLOSING_FENCE.match(line)
            if closing and closing.group(1).startswith(fence):
                fence = ""
            continue
        if _LEADING_TAB.match(line):
            raise UnsupportedMarkdown("a tab in the indentation of a line")
        if _TILDE_RUN.search(line) and not _FENCE_IN_CONTAINER.match(line):
            raise UnsupportedMarkdown("a run of three or more tildes in text")
        if marker or _BLOCK_BOUNDARY.match(line) or number in table_lines:
            _check_code_spans("\n".join(chunk))
            chunk = []
        if number in table_lines:
            # Each cell of a table row is inline content of its own.
            for cell in _UNESCAPED_PIPE.split(line):
                _check_code_spans(cell)
            continue
        if marker:
            fence = marker.group(1)
        else:
            chunk.append(line)
    _check_code_spans("\n".join(chunk))


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _table_lines(lines: list[str]) -> set[int]:
    """Return the lines that may be table rows: from a header above a delimiter row to a blank line."""
    numbers: set[int] = set()
    for number, line in enumerate(lines):
        if number and "-" in line and _delimiter_columns(line) >= 0:
            row = number - 1
            while row < len(lines) and lines[row].strip():
                numbers.add(row)
                row += 1
    return numbers


def _check_code_spans(text: str) -> None:
    """Raise `UnsupportedMarkdown` where markdown-it-pyrs may panic on a code span in `text`.

    Its code-span rule (markdown-it 0.6.0, code_pair.rs) panics with "index
    out of bounds" when it scans a backtick run a second time. It does so
    after a link label such as `[a `b` fails, if the run has neither a
    closing run nor a longer run after it. The panic is caught, but Rust
    prints it on stderr, so such text never reaches pyrs. `text` is a run
    of lines without a block start; inline content never spans two runs.
    """
    if "`" not in text:
        return
    runs = [len(match.group(0)) for match in _BACKTICKS.finditer(text) if match.group(0) != "\\`"]
    index = 0
    while index < len(runs):
        length = runs[index]
        closing = next((later for later in range(index + 1, len(runs)) if runs[later] == length), None)
        if closing is not None:
            index = closing + 1
            continue
        if not any(later >= length for later in runs[index + 1 :]):
            raise UnsupportedMarkdown("a backtick run without a closing run, on which markdown-it-pyrs may panic")
        index += 1


# The raw HTML comments and declarations of CommonMark 0.31, which markdown-it-py
# 4 follows, and of CommonMark 0.30, which markdown-it-pyrs 0.4 follows.
_HTML_COMMENT_0_31 = re.compile(r"<!---?>|<!--(?:[^-]|-[^-]|--[^>])*-->|<![A-Za-z][^>]*>")
_HTML_COMMENT_0_30 = re.compile(r"<!---->|<!--(?:-?[^>-])(?:-?[^-])*-->|<![A-Z]+\s+[^>]*>")
# CommonMark 0.31 made `search` a block-level HTML tag instead of `source`,
# and lets a declaration (an HTML block) start with a lowercase letter.
_CHANGED_BLOCK_START = re.compile(r"^[ >]*(?:</?(?i:search|source)(?:[\s/>]|$)|<![a-z])", re.MULTILINE)


def _check_html(text: str) -> None:
    """Raise `UnsupportedMarkdown` where a comment, declaration or HTML block differs between the versions."""
    position = text.find("<!")
    while position >= 0:
        newer = _HTML_COMMENT_0_31.match(text, position)
        older = _HTML_COMMENT_0_30.match(text, position)
        if (newer and newer.end()) != (older and older.end()):
            raise UnsupportedMarkdown("an HTML comment or declaration that CommonMark 0.30 and 0.31 read differently")
        position = text.find("<!", position + 2)
    if _CHANGED_BLOCK_START.search(text):
        raise UnsupportedMarkdown("an HTML block start that only one CommonMark version knows")


def _check_symbol_emphasis(text: str) -> None:
    """Raise `UnsupportedMarkdown` for an emphasis marker next to a non-ASCII symbol (emoji, €, →).

    CommonMark 0.31 counts symbols as punctuation when it decides whether
    `*`, `_` or `~` can open or close emphasis, CommonMark 0.30 does not.
    """
    if text.isascii():
        return
    for marker in "*_~":
        # str.find is several times faster here than a regular expression.
        position = text.find(marker)
        while position >= 0:
            for character in text[position - 1 : position] + text[position + 1 : position + 2]:
                if character > "\x7f" and unicodedata.category(character).startswith("S"):
                    raise UnsupportedMarkdown(f"an emphasis marker next to the symbol {character!r}")
            position = text.find(marker, position + 1)


_QUOTE_LINE = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*>")
# A list item that cannot interrupt a paragraph: empty, or numbered other than 1.
_WEAK_LIST_ITEM = re.compile(r"[ >]*(?:(?!1[.)])\d{1,9}[.)](?:[ \t]|$)|(?:[-+*]|\d{1,9}[.)])[ \t]*$)")


def _check_lazy_lines(text: str) -> None:
    """Raise `UnsupportedMarkdown` for a list item that cannot interrupt a block quote's paragraph.

    pyrs continues the quote's paragraph there, as CommonMark specifies, but
    markdown-it-py ends the quote and starts a list.
    """
    if ">" not in text:
        return
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if number and _WEAK_LIST_ITEM.match(line) and _follows_quote_text(lines, number):
            raise UnsupportedMarkdown("a list item right after a block quote's text")


def _follows_quote_text(lines: list[str], number: int) -> bool:
    """Return whether the lines above `number`, up to a blank line, include a block-quote line."""
    for line in reversed(lines[:number]):
        if not line.strip():
            return False
        if _QUOTE_LINE.match(line):
            return True
    return False


# `](` at a line end: markdown-it-py gives up on a link whose `(` ends the
# paragraph, pyrs reads it as a reference link if the label is defined.
_OPEN_PARENTHESIS_AT_LINE_END = re.compile(r"\]\([ \t]*$", re.MULTILINE)


# A reference definition whose line ends in a backslash (`[a]: /b\`), which
# markdown-it-py keeps in the destination and pyrs reads as no definition.
_DEFINITION_ENDING_IN_BACKSLASH = re.compile(r"^[ >]*\[[^\]\n]+\]:[^\n]*\\$", re.MULTILINE)


def _check_link_ends(text: str) -> None:
    if "](" in text and _OPEN_PARENTHESIS_AT_LINE_END.search(text):
        raise UnsupportedMarkdown("a link label followed by `(` at a line end")
    if "]:" in text and _DEFINITION_ENDING_IN_BACKSLASH.search(text):
        raise UnsupportedMarkdown("a reference definition that ends in a backslash")


# A footnote definition at a line start, or after block-quote markers or list
# markers. It also matches in code, which only costs a needless fallback.
_FOOTNOTE_DEFINITION = re.compile(r"^((?:[ \t>]|(?:[-+*]|\d{1,9}[.)])[ \t])*)\[\^[^\] \n]+\]:", re.MULTILINE)


def _check_footnote_definitions(text: str, tree_definitions: int) -> None:
    """Raise `UnsupportedMarkdown` unless every footnote definition starts a line and is in the tree.

    markdown-it-pyrs 0.4 leaves out of its tree a definition that no
    reference uses, and the second of two definitions with one label.
    markdown-it-py renders the last of two, and references inside an unused
    definition still count in its numbering and back links. pyrs also
    shifts the text of an indented definition (` [^1]: a` becomes `: a`).
    """
    if "[^" not in text:
        return
    prefixes = _FOOTNOTE_DEFINITION.findall(text)
    if len(prefixes) > tree_definitions:
        raise UnsupportedMarkdown("a footnote definition is unused or defined twice")
    if any(prefixes):
        raise UnsupportedMarkdown("a footnote definition inside a block quote or list, or after spaces")


_DELIMITER_CELL = re.compile(r":?-+:?")


def _check_tables(text: str, pyrs_starts: set[int], pyrs_rows: list[int]) -> None:
    """Raise `UnsupportedMarkdown` unless pyrs found the tables markdown-it-py finds, and ends them as it does."""
    if "|" not in text:
        return
    lines = text.split("\n")
    if _table_starts(lines) != pyrs_starts:
        raise UnsupportedMarkdown("markdown-it-pyrs and markdown-it-py disagree on where a table is")
    if any(_WEAK_LIST_ITEM.match(lines[row]) for row in pyrs_rows):
        # markdown-it-py ends a table at any list item, pyrs reads this kind as one more row.
        raise UnsupportedMarkdown("a table row that is an empty list item, or one numbered other than 1")


def _table_starts(lines: list[str]) -> set[int]:
    """Return the lines that start a table by markdown-it-py's rule: a header row, then a delimiter row.

    The two rows need the same number of columns. Lines in code count too.
    """
    starts = set()
    for number in range(len(lines) - 1):
        header = lines[number]
        if "|" not in header:
            continue
        columns = _delimiter_columns(lines[number + 1])
        if columns < 0:
            continue
        _check_not_in_quote(lines, number)
        if columns == _header_columns(header):
            starts.add(number)
    return starts


def _check_not_in_quote(lines: list[str], number: int) -> None:
    """Raise `UnsupportedMarkdown` if a table may start in or right after a block quote.

    pyrs and markdown-it-py end a table in a block quote at different lines,
    and markdown-it-py, which tries tables before block quotes, reads
    `> a |` followed by a delimiter row outside the quote as a table.
    """
    while number >= 0 and lines[number].strip():
        if _QUOTE_LINE.match(lines[number]):
            raise UnsupportedMarkdown("a table in or right after a block quote")
        number -= 1


def _delimiter_columns(line: str) -> int:
    """Return the number of columns of a table delimiter row (`|---|:-:|`), or -1 for another line."""
    row = line.lstrip(" >")
    if not row or row[0] not in "|-:" or "-" not in row or row.strip(" \t|-:"):
        return -1
    if row[0] == "-" and row[1:2] in (" ", "\t"):
        return -1  # a list item, as in markdown-it-py's rule
    cells = _outer_cells_dropped([cell.strip(" \t") for cell in row.split("|")])
    return len(cells) if all(_DELIMITER_CELL.fullmatch(cell) for cell in cells) else -1


def _header_columns(line: str) -> int:
    return len(_outer_cells_dropped(escapedSplit(line.strip())))


def _outer_cells_dropped(cells: list[str]) -> list[str]:
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return cells
