"""Convert a markdown-it-pyrs syntax tree into markdown-it-py tokens.

markdown-it-pyrs returns `Node`s with UTF-8 byte ranges (`srcmap`), while the
renderer and the link extractor read markdown-it-py `Token`s with line ranges
(`map`). `convert_tree` writes the token stream that markdown-it-py's `inline`
core rule leaves behind: text not yet joined, no typography, no heading ids,
task lists not yet marked, footnotes not yet moved to the end. markdown-it-py's
own later core rules finish it (see `fastparse`).

Line ranges follow markdown-it-py's block parser, which pyrs's byte ranges
do not always give: a list item or block quote ends at the next non-blank
line, an unclosed fence or HTML block runs to the end of its container.
`UnsupportedMarkdown` is raised where the tree cannot give markdown-it-py's
tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim, normalizeReference
from markdown_it.helpers import parseLinkDestination
from markdown_it.rules_block.html_block import HTML_SEQUENCES
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token

from .markdown import WRITTEN_HREF, _inline_destination


class UnsupportedMarkdown(ValueError):
    """The text uses a construct whose markdown-it-py tokens cannot be rebuilt from the pyrs tree."""


@dataclass
class ConvertedTree:
    """The tokens and env of one converted tree, and what the checks after conversion need."""

    tokens: list[Token]
    env: dict[str, Any]
    footnote_definitions: int
    """How many footnote definitions the tree has (pyrs leaves out unused and repeated ones)."""
    table_starts: set[int]
    """The first line of each table."""
    table_rows: list[int]
    """The line of each table body row."""


def convert_tree(root: Any, text: str, md: MarkdownIt) -> ConvertedTree:
    """Convert the pyrs tree of `text` (already normalized) into markdown-it-py tokens for `md`."""
    converter = _Converter(_Source(text), md)
    converter.convert(root)
    return ConvertedTree(
        converter.tokens, converter.env, converter.footnotes.definitions, converter.table_starts, converter.table_rows
    )


class _Source:
    """The text with its UTF-8 byte offsets, which pyrs source ranges count in, and its lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8")
        self.is_ascii = len(self.data) == len(text)
        starts = [0]
        position = self.data.find(b"\n")
        while position >= 0:
            starts.append(position + 1)
            position = self.data.find(b"\n", position + 1)
        self.line_starts = starts
        # markdown-it-py's line count: a last line without a line end counts
        # only if it has more than spaces and tabs.
        last_line = text.rpartition("\n")[2]
        self.line_count = len(starts) - 1 + (1 if last_line.strip(" \t") else 0)

    def slice(self, start: int, end: int) -> str:
        if self.is_ascii:
            return self.text[start:end]
        return self.data[start:end].decode("utf-8")

    def line_of(self, offset: int) -> int:
        """Return the 0-based line that contains byte `offset`."""
        return bisect_right(self.line_starts, offset) - 1

    def end_line(self, start: int, end: int) -> int:
        """Return the line after the last line of the byte range `start:end`."""
        return self.line_of(max(start, end - 1)) + 1

    def line(self, number: int) -> str:
        """Return line `number` without its line end; "" past the last line."""
        if number >= len(self.line_starts):
            return ""
        start = self.line_starts[number]
        end = self.line_starts[number + 1] - 1 if number + 1 < len(self.line_starts) else len(self.data)
        return self.slice(start, end)

    def line_end(self, offset: int) -> int:
        """Return the byte offset of the line end (or text end) at or after `offset`."""
        end = self.data.find(b"\n", offset)
        return len(self.data) if end < 0 else end


@dataclass(frozen=True)
class _Context:
    """The position of a block: its enclosing block quotes, its list indent and its container's last line."""

    quote_ends: tuple[int, ...]
    """The line where each enclosing block quote's lines end, outermost first."""
    indent: int
    """Columns of indentation markdown-it strips from each line (its `blkIndent`)."""
    end_line: int
    """The line where the enclosing container's lines end (markdown-it's `endLine`, exclusive)."""

    def strip(self, line: str) -> str:
        """Remove block-quote markers and list indentation from a line, as markdown-it's `getLines` does."""
        line = self.strip_quotes(line, len(self.quote_ends))
        width = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:width]:
            raise UnsupportedMarkdown("a tab in the indentation of a line")
        return line[min(width, self.indent) :]

    def strip_quotes(self, line: str, depth: int) -> str:
        for _ in range(depth):
            stripped = line.lstrip(" ")
            if not stripped.startswith(">"):
                break  # a lazy continuation line keeps its text
            line = stripped[1:]
            if line.startswith(" "):
                line = line[1:]
        return line

    def is_blank(self, line: str, number: int) -> bool:
        """Return whether markdown-it treats line `number` as empty: only spaces and tabs after its quote markers.

        Only a block quote's own lines lose their markers; after its end a `>` is text.
        """
        depth = sum(1 for end in self.quote_ends if number < end)
        return not self.strip_quotes(line, depth).strip(" \t")


@dataclass
class _Footnotes:
    """Footnote references and definitions, for markdown-it-py's numbering."""

    definitions: int = 0
    labels: list[str] = field(default_factory=list)
    """Defined labels, in source order."""
    references: list[tuple[int, Token]] = field(default_factory=list)
    """(byte offset, footnote_ref token) of each reference."""


_INLINE_NAMES = frozenset(
    {
        "text",
        "text_special",
        "softbreak",
        "hardbreak",
        "em",
        "strong",
        "strikethrough",
        "link",
        "image",
        "autolink",
        "code_inline",
        "html_inline",
        "footnote_ref",
    }
)


class _Converter:
    """One conversion of a pyrs tree into block tokens; `_InlineConverter` does the inline content."""

    def __init__(self, source: _Source, md: MarkdownIt) -> None:
        self.source = source
        self.md = md
        self.env: dict[str, Any] = {}
        self.tokens: list[Token] = []
        self.footnotes = _Footnotes()
        self.reference_targets: list[tuple[Token, str]] = []
        """Link and image tokens whose target comes from a reference definition, with the attribute."""
        self.href_fixes: dict[str, str] = {}
        """markdown-it-py's href for each definition destination that pyrs normalizes differently."""
        self.table_starts: set[int] = set()
        self.table_rows: list[int] = []

    def convert(self, root: Any) -> None:
        children = list(root.children)
        definitions: list[Any] = []
        if children and children[-1].name == "footnote_container":
            definitions = self.read_footnote_container(children.pop())
        context = _Context(quote_ends=(), indent=0, end_line=self.source.line_count)
        for node in children:
            self.block(node, 0, context)
        for definition in definitions:
            self.footnote_definition(definition, context)
        self.number_footnotes()
        for token, attribute in self.reference_targets:
            fixed = self.href_fixes.get(str(token.attrs[attribute]))
            if fixed is not None:
                token.attrs[attribute] = fixed

    def read_footnote_container(self, container: Any) -> list[Any]:
        """Return the footnote definitions in source order (inline footnotes never reach pyrs)."""
        definitions = sorted(container.children, key=lambda node: node.srcmap[0])
        self.footnotes.definitions = len(definitions)
        return definitions

    # Blocks. Each handler pushes its tokens and returns the line where it ends.

    def block(self, node: Any, level: int, context: _Context) -> int:
        handler = _BLOCK_HANDLERS.get(node.name)
        if handler is None:
            raise UnsupportedMarkdown(f"markdown-it-pyrs node {node.name!r} has no conversion")
        return handler(self, node, level, context)

    def push(
        self,
        type_: str,
        tag: str,
        nesting: int,
        level: int,
        map: list[int] | None = None,  # noqa: A002 - the Token field's name
        content: str = "",
        markup: str = "",
        info: str = "",
        attrs: dict[str, Any] | None = None,
        meta: dict[str, Any] | None = None,
        hidden: bool = False,
    ) -> Token:
        token = Token(type_, tag, nesting, attrs or {}, map, level, None, content, markup, info, meta or {}, True, hidden)
        self.tokens.append(token)
        return token

    def block_range(self, node: Any) -> tuple[int, int, list[int]]:
        start, end = node.srcmap
        return start, end, [self.source.line_of(start), self.source.end_line(start, end)]

    def paragraph(self, node: Any, level: int, context: _Context) -> int:
        start, end = node.srcmap
        return self.paragraph_tokens(node.children, start, end, level, context, hidden=False)

    def paragraph_tokens(
        self, children: Sequence[Any], start: int, end: int, level: int, context: _Context, hidden: bool
    ) -> int:
        line_map = [self.source.line_of(start), self.source.end_line(start, end)]
        content = _trim(self.block_text(start, end, context))
        self.push("paragraph_open", "p", 1, level, map=line_map, hidden=hidden)
        self.inline(children, content, list(line_map), level + 1, context, start, end)
        self.push("paragraph_close", "p", -1, level, hidden=hidden)
        return line_map[1]

    def inline(
        self,
        children: Sequence[Any],
        content: str,
        line_map: list[int],
        level: int,
        context: _Context,
        start: int,
        end: int,
        in_cell: bool = False,
    ) -> None:
        """Push an inline token whose children are `children`, found between bytes `start` and `end`."""
        token = self.push("inline", "", 0, level, map=line_map, content=content)
        token.children = _InlineConverter(self, context, end, in_cell).convert(children, start)

    def block_text(self, start: int, end: int, context: _Context) -> str:
        """Return the text of a byte range with the container prefixes of its later lines removed."""
        text = self.source.slice(start, end)
        if "\n" not in text:
            return text
        first, *rest = text.split("\n")
        return "\n".join([first, *(context.strip(line) for line in rest)])

    def heading(self, node: Any, level: int, context: _Context) -> int:
        start, end = node.srcmap
        depth = node.meta["level"]
        tag, markup = f"h{depth}", "#" * depth
        line = self.source.line_of(start)
        text = self.source.slice(start, self.source.line_end(start)).lstrip(" ")
        content = _atx_heading_content(text[depth:])
        self.push("heading_open", tag, 1, level, map=[line, line + 1], markup=markup)
        self.inline(node.children, content, [line, line + 1], level + 1, context, start, end)
        self.push("heading_close", tag, -1, level, markup=markup)
        return line + 1

    def setext_heading(self, node: Any, level: int, context: _Context) -> int:
        start, end, line_map = self.block_range(node)
        tag, markup = f"h{node.meta['level']}", node.meta["marker"]
        underline = line_map[1] - 1
        text_end = self.source.line_starts[underline] - 1
        content = _trim(self.block_text(start, text_end, context))
        self.push("heading_open", tag, 1, level, map=line_map, markup=markup)
        self.inline(node.children, content, [line_map[0], underline], level + 1, context, start, text_end)
        self.push("heading_close", tag, -1, level, markup=markup)
        return line_map[1]

    def thematic_break(self, node: Any, level: int, context: _Context) -> int:
        line = self.source.line_of(node.srcmap[0])
        # markdown-it-py's hr rule writes one marker more than the line has.
        markup = node.meta["marker"] * (node.meta["marker_len"] + 1)
        self.push("hr", "hr", 0, level, map=[line, line + 1], markup=markup)
        return line + 1

    def code_block(self, node: Any, level: int, context: _Context) -> int:
        _, _, line_map = self.block_range(node)
        self.push("code_block", "code", 0, level, map=line_map, content=node.meta["content"])
        return line_map[1]

    def fence(self, node: Any, level: int, context: _Context) -> int:
        start, end, line_map = self.block_range(node)
        meta = node.meta
        marker = meta["marker"] * meta["marker_len"]
        line_map[1] = min(line_map[1], self.source.line_count)
        content = meta["content"]
        closing = context.strip(self.source.line(line_map[1] - 1)).strip(" \t")
        if line_map[1] - 1 == line_map[0] or not closing.startswith(marker) or closing.strip(marker[0]):
            # An unclosed fence runs on over the blank lines that pyrs's range leaves out.
            line_map[1] = self.skip_blank_lines(line_map[1], context, context.end_line)
            if end >= len(self.source.data):
                content = self.last_line_content(content)
        self.push("fence", "code", 0, level, map=line_map, content=content, info=meta["info"], markup=marker)
        return line_map[1]

    def last_line_content(self, content: str) -> str:
        """Return the content of a block that ends the text as markdown-it-py has it.

        pyrs adds a line end that the text's last line lacks, and keeps a last
        line of only spaces, which markdown-it-py does not count as a line.
        """
        if self.source.text.endswith("\n") or not content.endswith("\n"):
            return content
        content = content[:-1]
        if self.source.line_count == len(self.source.line_starts):
            return content
        return content[: content.rfind("\n") + 1]

    def html_block(self, node: Any, level: int, context: _Context) -> int:
        """Push an HTML block, its content cut from the source as markdown-it's `getLines` does."""
        start, _, line_map = self.block_range(node)
        line_map[1] = min(line_map[1], self.source.line_count)
        first = line_map[0]
        lines = [self.first_line(start, context)]
        lines += [context.strip(self.source.line(number)) for number in range(first + 1, line_map[1])]
        if _is_unclosed_html("\n".join(lines)):
            # It runs on over the lines indented enough for its container, and over blank lines.
            while line_map[1] < context.end_line and self.continues_html(line_map[1], context):
                line = context.strip(self.source.line(line_map[1]))
                if line.strip(" \t"):
                    # pyrs ends it at a blank line in a list item or footnote, as markdown-it 13 does.
                    raise UnsupportedMarkdown("an unclosed HTML block that pyrs ends at a blank line")
                lines.append(line)
                line_map[1] += 1
        content = "\n".join(lines)
        if self.has_line_end(line_map[1] - 1):
            content += "\n"
        self.push("html_block", "", 0, level, map=line_map, content=content)
        return line_map[1]

    def first_line(self, start: int, context: _Context) -> str:
        """Return the first line of a block starting at byte `start`, as markdown-it's `getLines` cuts it."""
        line_start = self.source.line_starts[self.source.line_of(start)]
        before = self.source.slice(line_start, start)
        rest = self.source.slice(start, self.source.line_end(start))
        if not before.strip(" "):
            return context.strip(before + rest)
        # Container markers precede it. Spaces after a list marker are its indent;
        # after a block-quote marker, one space is part of the marker.
        marker = before.rstrip(" ")
        spaces = len(before) - len(marker)
        extra = spaces - 1 if marker.endswith(">") and spaces > 1 else 0
        return " " * extra + rest

    def has_line_end(self, line: int) -> bool:
        return line + 1 < len(self.source.line_starts)

    def continues_html(self, line: int, context: _Context) -> bool:
        """Return whether an unclosed HTML block continues at `line`: blank, or indented to its container's content."""
        text = context.strip_quotes(self.source.line(line), len(context.quote_ends))
        return not text.strip(" \t") or len(text) - len(text.lstrip(" ")) >= context.indent

    def blockquote(self, node: Any, level: int, context: _Context) -> int:
        start, _, line_map = self.block_range(node)
        inner = _Context(quote_ends=(*context.quote_ends, line_map[1]), indent=0, end_line=line_map[1])
        self.push("blockquote_open", "blockquote", 1, level, map=line_map, markup=">")
        last = self.children(node.children, level + 1, inner, (start + 1, node.srcmap[1]))
        line_map[1] = self.content_end(line_map[0] if last is None else last, inner, empty=last is None)
        self.push("blockquote_close", "blockquote", -1, level, markup=">")
        return line_map[1]

    def children(
        self, nodes: Sequence[Any], level: int, context: _Context, content_range: tuple[int, int]
    ) -> int | None:
        """Convert a container's children; runs of inline nodes are the hidden paragraphs of a tight list.

        `content_range` is the byte range where the container's content may lie.
        Returns the line where the last child ends, or None when there is none.
        """
        last = None
        run: list[Any] = []
        start, end = content_range
        for node in nodes:
            if node.name in _INLINE_NAMES:
                run.append(node)
                continue
            if run:
                last = self.tight_paragraph(run, level, context, (start, end))
                run = []
            last = self.block(node, level, context)
            start = node.srcmap[1] if node.srcmap else start
        if run:
            last = self.tight_paragraph(run, level, context, (start, end))
        return last

    def tight_paragraph(self, run: list[Any], level: int, context: _Context, content_range: tuple[int, int]) -> int:
        start, end = run[0].srcmap[0], run[-1].srcmap[1]
        if start < content_range[0] or end > content_range[1]:
            raise UnsupportedMarkdown("a list item's text outside the item's source range")
        return self.paragraph_tokens(run, start, end, level, context, hidden=True)

    def content_end(self, line: int, context: _Context, empty: bool) -> int:
        """Return where markdown-it's block tokenizer stops after a container's content.

        It skips one blank line after the last block and then, while inside the
        container, every blank line up to the next non-blank line, even one
        past the container's own lines.
        """
        if empty:
            # The first line is blank inside the container, and markdown-it skips from there.
            return self.skip_blank_lines(line + 1, context, self.source.line_count)
        if line < context.end_line and context.is_blank(self.source.line(line), line):
            line += 1
        if line < context.end_line:
            line = self.skip_blank_lines(line, context, self.source.line_count)
        return line

    def skip_blank_lines(self, line: int, context: _Context, limit: int) -> int:
        """Return the first line at or after `line` that is not blank, or `limit`."""
        while line < limit and context.is_blank(self.source.line(line), line):
            line += 1
        return line

    def bullet_list(self, node: Any, level: int, context: _Context) -> int:
        return self.list_tokens(node, level, context, "bullet_list", "ul", {})

    def ordered_list(self, node: Any, level: int, context: _Context) -> int:
        start_number = node.meta["start"]
        attrs = {"start": start_number} if start_number != 1 else {}
        return self.list_tokens(node, level, context, "ordered_list", "ol", attrs)

    def list_tokens(
        self, node: Any, level: int, context: _Context, kind: str, tag: str, attrs: dict[str, Any]
    ) -> int:
        marker = node.meta["marker"]
        list_map = [self.source.line_of(node.srcmap[0]), 0]
        self.push(f"{kind}_open", tag, 1, level, map=list_map, markup=marker, attrs=attrs)
        for item in node.children:
            list_map[1] = self.list_item(item, level + 1, context, marker, ordered=kind == "ordered_list")
        self.push(f"{kind}_close", tag, -1, level, markup=marker)
        return list_map[1]

    def list_item(self, node: Any, level: int, context: _Context, marker: str, ordered: bool) -> int:
        start = node.srcmap[0]
        first = self.source.line_of(start)
        line_start = self.source.line_starts[first]
        line_text = self.source.slice(line_start, self.source.line_end(start))
        marker_column = len(self.source.slice(line_start, start))
        number = re.match(r"\d*", line_text[marker_column:]).group(0) if ordered else ""  # type: ignore[union-attr]
        marker_end = marker_column + len(number) + 1
        indent = self.content_indent(line_text, marker_end, context)
        inner = _Context(context.quote_ends, indent, context.end_line)
        item_map = [first, 0]
        self.push("list_item_open", "li", 1, level, map=item_map, markup=marker, info=number)
        last = self.children(node.children, level + 1, inner, (start + len(number) + 1, node.srcmap[1]))
        if last is not None:
            item_map[1] = self.content_end(last, inner, empty=False)
        elif first + 1 >= self.source.line_count or inner.is_blank(self.source.line(first + 1), first + 1):
            # markdown-it's list rule ends an empty item followed by a blank line after that line.
            item_map[1] = min(first + 2, context.end_line)
        else:
            item_map[1] = first + 1
        self.push("list_item_close", "li", -1, level, markup=marker)
        return item_map[1]

    def content_indent(self, line_text: str, marker_end: int, context: _Context) -> int:
        """Return a list item's content column, counted after the block-quote markers, as markdown-it does."""
        prefix = len(line_text) - len(context.strip_quotes(line_text, len(context.quote_ends)))
        after = line_text[marker_end:]
        spaces = len(after) - len(after.lstrip(" \t"))
        if "\t" in after[:spaces]:
            raise UnsupportedMarkdown("a tab after a list marker")
        if spaces > 4 or spaces == len(after):
            spaces = 1  # the content is an indented code block, or starts on the next line
        return marker_end - prefix + spaces

    def definition(self, node: Any, level: int, context: _Context) -> int:
        """Record a link reference definition in env, as markdown-it-py's reference rule does."""
        start, end, line_map = self.block_range(node)
        meta = node.meta
        href = meta["destination"]
        text = self.block_text(start, end, context)
        if "\n " in text or "\n\t" in text:
            # markdown-it-py drops the indentation of a definition's later lines, also inside its title.
            raise UnsupportedMarkdown("a reference definition with indented continuation lines")
        if context.strip(self.source.line(line_map[1])).lstrip(" \t")[:1] in ("'", '"', "("):
            # pyrs ends the definition before an invalid title there; markdown-it-py reads all as a paragraph.
            raise UnsupportedMarkdown("a reference definition followed by a line like a title")
        if not text.isascii() or "<" in text or "&" in text:
            # Where the destination may be non-ASCII or spaced, markdown-it-py's href can differ (see `href`).
            href = self.definition_href(text, href)
        entry = {"title": meta.get("title", ""), "href": href}
        label = normalizeReference(meta["label"])
        references = self.env.setdefault("references", {})
        if label not in references:
            references[label] = {**entry, "map": line_map}
        else:
            self.env.setdefault("duplicate_refs", []).append({**entry, "label": label, "map": line_map})
        return line_map[1]

    def definition_href(self, text: str, pyrs_href: str) -> str:
        """Return markdown-it-py's href for the definition `text`, and remember it where pyrs differs."""
        label_end = _DEFINITION_LABEL_END.search(text)
        if label_end is None:
            raise UnsupportedMarkdown("a reference definition whose label end is not found")
        position = label_end.end()
        while position < len(text) and text[position] in " \t\n":
            position += 1
        destination = parseLinkDestination(text, position, len(text))
        if not destination.ok:
            raise UnsupportedMarkdown("a reference definition whose destination is not found")
        href = self.md.normalizeLink(destination.str)
        if not self.md.validateLink(href):
            raise UnsupportedMarkdown("a reference definition that only markdown-it-py rejects")
        if href != pyrs_href:
            self.href_fixes[pyrs_href] = href
        return href

    def table(self, node: Any, level: int, context: _Context) -> int:
        _, _, table_map = self.block_range(node)
        self.table_starts.add(table_map[0])
        alignments = node.meta["alignments"]
        self.push("table_open", "table", 1, level, map=table_map)
        for section in node.children:
            self.table_section(section, level + 1, context, alignments)
        self.push("table_close", "table", -1, level)
        return table_map[1]

    def table_section(self, node: Any, level: int, context: _Context, alignments: list[str]) -> None:
        tag = node.name  # thead or tbody
        _, _, section_map = self.block_range(node)
        if tag == "thead":
            section_map[1] = section_map[0] + 1  # the delimiter row is not part of it
        self.push(f"{tag}_open", tag, 1, level, map=section_map)
        cell_tag = "th" if tag == "thead" else "td"
        for row in node.children:
            cells = row.children
            if len(cells) != len(alignments):
                raise UnsupportedMarkdown("a table row with more or fewer cells than the header")
            line = self.source.line_of(row.srcmap[0])
            if tag == "tbody":
                self.table_rows.append(line)
            row_text = self.source.slice(row.srcmap[0], self.source.line_end(row.srcmap[0]))
            if not mdTrim(row_text):
                # markdown-it-py ends a table at a line of Unicode spaces, which pyrs reads as a row.
                raise UnsupportedMarkdown("a table row of only Unicode spaces")
            contents = _cell_contents(row_text)
            self.push("tr_open", "tr", 1, level + 1, map=[line, line + 1])
            for index, (cell, alignment) in enumerate(zip(cells, alignments)):
                content = contents[index] if index < len(contents) else ""
                self.table_cell(cell, level + 2, context, cell_tag, alignment, line, content)
            self.push("tr_close", "tr", -1, level + 1)
        self.push(f"{tag}_close", tag, -1, level)

    def table_cell(
        self, node: Any, level: int, context: _Context, tag: str, alignment: str, line: int, content: str
    ) -> None:
        attrs = {"style": f"text-align:{alignment}"} if alignment != "none" else {}
        start, end = node.srcmap if node.srcmap else (0, 0)
        if node.srcmap and mdTrim(self.source.slice(start, end).replace("\\|", "|")) != content:
            raise UnsupportedMarkdown("a table cell that pyrs splits differently")
        self.push(f"{tag}_open", tag, 1, level, attrs=attrs)
        self.inline(node.children, content, [line, line + 1], level + 1, context, start, end, in_cell=True)
        self.push(f"{tag}_close", tag, -1, level)

    # Footnotes

    def footnote_definition(self, node: Any, context: _Context) -> None:
        """Push a definition as markdown-it-py's block rule does, for its footnote tail to move."""
        label = node.meta["label"]
        self.footnotes.labels.append(label)
        inner = _Context(context.quote_ends, context.indent + 4, context.end_line)
        self.push("footnote_reference_open", "", 1, 0, meta={"label": label})
        children = [child for child in node.children if child.name != "footnote_ref_anchor"]
        self.children(children, 1, inner, tuple(node.srcmap))
        self.push("footnote_reference_close", "", -1, 0)

    def number_footnotes(self) -> None:
        """Give footnote references markdown-it-py's ids: numbered in the order its inline parser meets them."""
        if not self.footnotes.labels and not self.footnotes.references:
            return
        footnotes = self.env.setdefault("footnotes", {"refs": {}, "list": {}})
        refs: dict[str, int] = footnotes["refs"]
        notes: dict[int, dict[str, Any]] = footnotes["list"]
        for label in self.footnotes.labels:
            refs[":" + label] = -1
        for _, token in sorted(self.footnotes.references, key=lambda reference: reference[0]):
            label = token.meta["label"]
            if ":" + label not in refs:
                raise UnsupportedMarkdown("a footnote reference to a definition inside another definition")
            if refs[":" + label] < 0:
                refs[":" + label] = len(notes)
                notes[len(notes)] = {"label": label, "count": 0}
            footnote_id = refs[":" + label]
            token.meta = {"id": footnote_id, "subId": notes[footnote_id]["count"], "label": label}
            notes[footnote_id]["count"] += 1


_BLOCK_HANDLERS: dict[str, Callable[[_Converter, Any, int, _Context], int]] = {
    "paragraph": _Converter.paragraph,
    "heading": _Converter.heading,
    "lheading": _Converter.setext_heading,
    "hr": _Converter.thematic_break,
    "code_block": _Converter.code_block,
    "fence": _Converter.fence,
    "html_block": _Converter.html_block,
    "blockquote": _Converter.blockquote,
    "bullet_list": _Converter.bullet_list,
    "ordered_list": _Converter.ordered_list,
    "definition": _Converter.definition,
    "table": _Converter.table,
}

# The `]:` after a reference definition's label; a label has no unescaped brackets.
_DEFINITION_LABEL_END = re.compile(r"(?<!\\)\]:")


def _atx_heading_content(text: str) -> str:
    """Return an ATX heading's text after its `#` marks, without the closing sequence, as markdown-it does."""
    end = len(text.rstrip(" \t"))
    hashes = end
    while hashes > 0 and text[hashes - 1] == "#":
        hashes -= 1
    if 0 < hashes < end and text[hashes - 1] in " \t":
        end = hashes
    return _trim(text[:end])


def _trim(text: str) -> str:
    """Return `text` trimmed as markdown-it-py trims block content (its `mdTrim`).

    Raises `UnsupportedMarkdown` where that trims Unicode spaces (no-break
    space, form feed, U+2000 to U+200A, ...), which pyrs keeps as text.
    """
    trimmed = mdTrim(text)
    if trimmed != text.strip(" \t\n"):
        raise UnsupportedMarkdown("a paragraph, heading or cell that starts or ends with a Unicode space")
    return trimmed


def _cell_contents(row: str) -> list[str]:
    """Return the cell texts of a table row as markdown-it-py's table rule splits it."""
    cells = escapedSplit(_trim(row))
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return [_trim(cell) for cell in cells]


def _is_unclosed_html(content: str) -> bool:
    """Return whether an HTML block of kinds 1 to 5 (`<pre`, `<!--`, ...) lacks its closing sequence."""
    first_line = content.split("\n", 1)[0].lstrip(" \t")
    for opening, closing, _ in HTML_SEQUENCES[:5]:
        if opening.search(first_line):
            return not any(closing.search(line) for line in content.split("\n"))
    return False


class _InlineConverter:
    """Converts the inline nodes of one paragraph, heading, cell or image label into child tokens."""

    def __init__(self, converter: _Converter, context: _Context, end: int, in_cell: bool) -> None:
        self.converter = converter
        self.source = converter.source
        self.md = converter.md
        self.context = context
        self.end = end
        """Byte offset where the inline content ends (markdown-it's `posMax`)."""
        self.in_cell = in_cell
        """Whether this is a table cell, whose text markdown-it reads with `\\|` turned into `|`."""

    def inline_text(self, start: int, end: int) -> str:
        """Return the text of a byte range as markdown-it-py's inline parser reads it."""
        text = self.converter.block_text(start, end, self.context)
        return text.replace("\\|", "|") if self.in_cell else text

    def nested(self, end: int) -> _InlineConverter:
        """Return a converter for content parsed on its own (an image label, an inline footnote)."""
        return _InlineConverter(self.converter, self.context, end, self.in_cell)

    def convert(self, nodes: Sequence[Any], start: int) -> list[Token]:
        """Convert inline nodes that lie between byte `start` and this content's end."""
        tokens: list[Token] = []
        self.extend(tokens, nodes, 0, start, self.end)
        return _join_text(tokens)

    def extend(self, tokens: list[Token], nodes: Sequence[Any], level: int, start: int, end: int) -> None:
        """Append the tokens of `nodes`, which lie in order between bytes `start` and `end`."""
        position = start
        for node in nodes:
            if node.name == "footnote_ref_anchor":
                continue  # pyrs's back links; markdown-it-py's footnote tail adds its own
            srcmap = node.srcmap
            if srcmap is not None:
                # pyrs 0.4 gets some ranges wrong (`~~[b]~~~` in an indented list item,
                # `* * *a*` in nested items, the end of text before a hard break).
                # Where this module cuts text by a range, the range must fit.
                if srcmap[0] < position or srcmap[0] > end:
                    raise UnsupportedMarkdown(f"a {node.name} node out of order in its source range")
                position = srcmap[0]
                if node.name in _RANGES_READ:
                    if srcmap[1] > end:
                        raise UnsupportedMarkdown(f"a {node.name} node that ends after its container")
                    position = srcmap[1]
            handler = _INLINE_HANDLERS.get(node.name)
            if handler is None:
                raise UnsupportedMarkdown(f"markdown-it-pyrs inline node {node.name!r} has no conversion")
            handler(self, tokens, node, level)

    def text(self, tokens: list[Token], node: Any, level: int) -> None:
        tokens.append(_inline_token("text", "", 0, level, node.meta["content"]))

    def text_special(self, tokens: list[Token], node: Any, level: int) -> None:
        meta = node.meta
        tokens.append(
            Token("text_special", "", 0, level=level, content=meta["content"], markup=meta["markup"], info=meta["info"])
        )

    def softbreak(self, tokens: list[Token], node: Any, level: int) -> None:
        tokens.append(_inline_token("softbreak", "br", 0, level))

    def hardbreak(self, tokens: list[Token], node: Any, level: int) -> None:
        tokens.append(_inline_token("hardbreak", "br", 0, level))

    def wrapped(self, tokens: list[Token], node: Any, level: int, name: str, markup: str) -> None:
        tag = "s" if name == "s" else name
        tokens.append(_inline_token(f"{name}_open", tag, 1, level, markup=markup))
        self.extend(tokens, node.children, level + 1, *node.srcmap)
        tokens.append(_inline_token(f"{name}_close", tag, -1, level, markup=markup))

    def emphasis(self, tokens: list[Token], node: Any, level: int) -> None:
        self.wrapped(tokens, node, level, "em", node.meta["marker"])

    def strong(self, tokens: list[Token], node: Any, level: int) -> None:
        # markdown-it-py's emphasis rule leaves the outer marker of each `**` as an empty text token.
        tokens.append(_inline_token("text", "", 0, level))
        self.wrapped(tokens, node, level, "strong", node.meta["marker"] * 2)
        tokens.append(_inline_token("text", "", 0, level))

    def strikethrough(self, tokens: list[Token], node: Any, level: int) -> None:
        self.wrapped(tokens, node, level, "s", node.meta["marker"] * 2)

    def code_inline(self, tokens: list[Token], node: Any, level: int) -> None:
        start, end = node.srcmap
        length = node.meta["marker_len"]
        # pyrs strips the indentation of the code's later lines; markdown-it-py keeps what its block parser keeps.
        content = self.inline_text(start + length, end - length).replace("\n", " ")
        if len(content) > 2 and content[0] == " " and content[-1] == " " and content.strip(" "):
            content = content[1:-1]
        markup = node.meta["marker"] * length
        tokens.append(Token("code_inline", "code", 0, level=level, content=content, markup=markup))

    def html_inline(self, tokens: list[Token], node: Any, level: int) -> None:
        # pyrs strips the indentation of later lines; markdown-it-py keeps what its block parser keeps.
        content = self.inline_text(*node.srcmap)
        tokens.append(Token("html_inline", "", 0, level=level, content=content))

    def link(self, tokens: list[Token], node: Any, level: int) -> None:
        meta = node.meta
        written = self.written_destination(self.label_end(node, node.srcmap[0] + 1))
        attrs: dict[str, Any] = {"href": self.href(meta["url"], written)}
        if meta.get("title"):
            attrs["title"] = meta["title"]
        token = _inline_token("link_open", "a", 1, level)
        token.attrs = attrs
        if written is not None:
            token.meta[WRITTEN_HREF] = written
        else:
            self.converter.reference_targets.append((token, "href"))
        tokens.append(token)
        self.extend(tokens, node.children, level + 1, *node.srcmap)
        tokens.append(_inline_token("link_close", "a", -1, level))

    def image(self, tokens: list[Token], node: Any, level: int) -> None:
        start = node.srcmap[0]
        meta = node.meta
        label_end = self.label_end(node, start + 2)
        written = self.written_destination(label_end)
        attrs: dict[str, Any] = {"src": self.href(meta["url"], written), "alt": ""}
        if meta.get("title"):
            attrs["title"] = meta["title"]
        # The label is parsed on its own, as markdown-it-py's image rule does, so levels restart at 0.
        children = self.nested(label_end).convert(node.children, start + 2)
        content = self.inline_text(start + 2, label_end)
        token = Token("image", "img", 0, level=level, attrs=attrs, content=content, children=children)
        if written is None:
            self.converter.reference_targets.append((token, "src"))
        tokens.append(token)

    def autolink(self, tokens: list[Token], node: Any, level: int) -> None:
        start, end = node.srcmap
        written = self.source.slice(start + 1, end - 1)
        href = node.meta["url"]
        if not written.isascii():
            is_email = href.startswith("mailto:") and not written.lower().startswith("mailto:")
            href = self.md.normalizeLink("mailto:" + written if is_email else written)
        token = Token("link_open", "a", 1, level=level, attrs={"href": href}, markup="autolink", info="auto")
        token.meta[WRITTEN_HREF] = written
        tokens.append(token)
        tokens.append(Token("text", "", 0, level=level + 1, content=self.md.normalizeLinkText(written)))
        tokens.append(Token("link_close", "a", -1, level=level, markup="autolink", info="auto"))

    def footnote_ref(self, tokens: list[Token], node: Any, level: int) -> None:
        token = Token("footnote_ref", "", 0, level=level, meta={"label": node.meta["label"]})
        self.converter.footnotes.references.append((node.srcmap[0], token))
        tokens.append(token)

    def label_end(self, node: Any, content_start: int) -> int:
        """Return the byte offset of the `]` that closes a link or image label."""
        children = node.children
        end = children[-1].srcmap[1] if children and children[-1].srcmap else content_start
        if self.source.data[end : end + 1] != b"]":
            raise UnsupportedMarkdown("a link label whose end the source ranges do not show")
        return end

    def written_destination(self, label_end: int) -> str | None:
        """Return an inline link's destination as written, as `markdown._recording_link` records it.

        A `(` at a line end never reaches here (`fastparse` checks), so the
        destination starts on the label's line, and none spans lines.
        """
        if self.source.data[label_end + 1 : label_end + 2] != b"(":
            return None
        text = self.inline_text(label_end + 1, min(self.end, self.source.line_end(label_end)))
        simple = _SIMPLE_DESTINATION.match(text)
        if simple:
            return simple.group(1)
        return _inline_destination(text, 0, len(text))

    def href(self, url: str, written: str | None) -> str:
        """Return markdown-it-py's href for a destination.

        pyrs percent-encodes a non-ASCII host where markdown-it-py uses
        punycode, and keeps the spaces around `< a >`, which markdown-it-py
        (mdurl) strips.
        """
        if written is None or (written.isascii() and written == written.strip()):
            return url
        href = self.md.normalizeLink(written)
        if not self.md.validateLink(href):
            raise UnsupportedMarkdown("a link destination that only markdown-it-py rejects")
        return href


# The inline nodes whose byte range this module cuts text by.
_RANGES_READ = frozenset({"link", "image", "code_inline", "html_inline", "autolink"})

# `(destination` without escapes, entities, parentheses or angle brackets,
# which markdown-it-py's parseLinkDestination returns unchanged; the others go to it.
_SIMPLE_DESTINATION = re.compile(r"\([ \t]*([^\x00-\x20\x7f()\\&<]+)(?:[\x00-\x20\x7f)]|$)")

_INLINE_HANDLERS: dict[str, Callable[[_InlineConverter, list[Token], Any, int], None]] = {
    "text": _InlineConverter.text,
    "text_special": _InlineConverter.text_special,
    "softbreak": _InlineConverter.softbreak,
    "hardbreak": _InlineConverter.hardbreak,
    "em": _InlineConverter.emphasis,
    "strong": _InlineConverter.strong,
    "strikethrough": _InlineConverter.strikethrough,
    "code_inline": _InlineConverter.code_inline,
    "html_inline": _InlineConverter.html_inline,
    "link": _InlineConverter.link,
    "image": _InlineConverter.image,
    "autolink": _InlineConverter.autolink,
    "footnote_ref": _InlineConverter.footnote_ref,
}


def _inline_token(type_: str, tag: str, nesting: int, level: int, content: str = "", markup: str = "") -> Token:
    """Return an inline token; positional arguments make this a third faster than keywords."""
    return Token(type_, tag, nesting, {}, None, level, None, content, markup, "", {}, False, False)


def _join_text(tokens: list[Token]) -> list[Token]:
    """Merge adjacent text tokens, as markdown-it-py's `fragments_join` inline rule does."""
    joined: list[Token] = []
    for token in tokens:
        if token.type == "text" and joined and joined[-1].type == "text":
            joined[-1].content += token.content
        else:
            joined.append(token)
    return joined
