"""Markdown: parse a body once into markdown-it tokens, render them to HTML.

The syntax is CommonMark plus tables, strikethrough, footnotes, task lists and
heading ids, with markdown-it's typographer (`---` to an em dash, curly quotes),
which is what Hugo's Goldmark gave this blog's readers. The tokens stay on the
post so the link extractor reads the same parse the page is rendered from.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.helpers import parseLinkDestination
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import autolink as autolink_rule
from markdown_it.rules_inline import link as link_rule
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

MORE_SEPARATOR = "<!--more-->"
TOC_LEVELS = (2, 3)
WORDS_PER_MINUTE = 213
"""Hugo's reading speed, so reading times match what the blog showed before."""

_CODE_FORMATTER = HtmlFormatter(nowrap=True)


@dataclass
class Heading:
    """One table-of-contents entry."""

    level: int
    id: str
    text: str
    children: list[Heading] = field(default_factory=list)


@dataclass
class ParsedMarkdown:
    """The result of parsing a body: markdown-it's tokens and its environment."""

    tokens: list[Token]
    env: dict[str, Any]
    """markdown-it's env; footnote definitions live here between parse and render."""


@dataclass(frozen=True)
class LinkMarkup:
    """The attributes a post page adds to one link: its anchor id and kind.

    The rendered link is followed by a placeholder for its "also linked in"
    note, which depends on other posts and is filled in by `fill_link_notes`,
    so a body renders once however the other posts change.
    """

    anchor_id: str
    kind: str


NOTE_PLACEHOLDER = "\x00{anchor_id}\x00"
"""Marks where a link's "also linked in" note goes. markdown-it turns NUL characters in
the source into U+FFFD, so rendered HTML never contains one otherwise."""
_NOTE_PLACEHOLDER = re.compile("\x00([^\x00]*)\x00")


def fill_link_notes(markup: str, notes: dict[str, str]) -> str:
    """Replace the placeholders of a rendered body with the notes of `notes` (by anchor id), or nothing."""
    if "\x00" not in markup:
        return markup
    return _NOTE_PLACEHOLDER.sub(lambda match: notes.get(match.group(1), ""), markup)


WRITTEN_HREF = "written_href"
"""Key in a `link_open` token's meta: the destination as the author wrote it, before markdown-it
percent-encodes it and converts the host to punycode for the `href` attribute."""


@dataclass
class RenderedMarkdown:
    """A body rendered to HTML, with its summary for list pages and feeds."""

    html: str
    summary_html: str
    """HTML before `<!--more-->`, else the first paragraph."""
    has_more: bool
    """Whether the body has an explicit `<!--more-->` separator."""


def reading_time(word_count: int) -> int:
    """Return the minutes needed to read `word_count` words, rounded up, at least 1."""
    return max(1, (word_count + WORDS_PER_MINUTE - 1) // WORDS_PER_MINUTE)


class SiteRenderer(RendererHTML):
    """markdown-it's HTML renderer with site-aware links and highlighted code.

    Root-relative link and image targets get the base URL's path, so a body link
    to `/posts/x/` works when the site lives under `/blog/`. The same applies to
    `href` and `src` attributes in raw HTML. The tokens, and so the link
    database, keep the URL as written.
    """

    def html_block(self, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        return _with_site_path_in_html(super().html_block(tokens, idx, options, env), env)

    def html_inline(self, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        return _with_site_path_in_html(super().html_inline(tokens, idx, options, env), env)

    def link_open(self, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        token = _with_site_path(tokens[idx], "href", env)
        markup = env.get("link_markup", {}).get(id(tokens[idx]))
        # link_close has no pointer back to its link_open, so the open links wait on a stack.
        env.setdefault("open_links", []).append(markup)
        if markup is not None:
            attrs = dict(token.attrs, id=markup.anchor_id)
            attrs["data-link-kind"] = markup.kind
            token = token.copy(attrs=attrs)
        return self.renderToken([token], 0, options, env)

    def link_close(self, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        closing = self.renderToken(tokens, idx, options, env)
        open_links = env.get("open_links")
        markup = open_links.pop() if open_links else None
        if markup is None:
            return closing
        return closing + NOTE_PLACEHOLDER.format(anchor_id=markup.anchor_id)

    def image(self, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        token = _with_site_path(tokens[idx], "src", env)
        return super().image([token], 0, options, env)

    def fence(self, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        token = tokens[idx]
        info = unescapeAll(token.info).strip()
        language = info.split(maxsplit=1)[0] if info else ""
        lexer = _lexer(language.lower()) if language else None
        code = highlight(token.content, lexer, _CODE_FORMATTER) if lexer else escapeHtml(token.content)
        language_class = f' class="language-{escapeHtml(language)}"' if language else ""
        return f'<div class="highlight"><pre><code{language_class}>{code}</code></pre></div>\n'


def _with_site_path(token: Token, attribute: str, env: dict[str, Any]) -> Token:
    target = token.attrGet(attribute)
    base_path = env.get("base_path", "/")
    if base_path == "/" or not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return token
    attrs = dict(token.attrs)
    attrs[attribute] = base_path + target[1:]
    return token.copy(attrs=attrs)


# An href or src attribute in raw HTML whose value is a root-relative path (not `//host`).
_ROOT_RELATIVE_ATTRIBUTE = re.compile(
    r"""(?P<prefix>\s(?:href|src)\s*=\s*(?P<quote>["']?))/(?!/)""", re.IGNORECASE
)


def _with_site_path_in_html(markup: str, env: dict[str, Any]) -> str:
    base_path = env.get("base_path", "/")
    if base_path == "/":
        return markup
    return _ROOT_RELATIVE_ATTRIBUTE.sub(lambda match: match.group("prefix") + base_path, markup)


@lru_cache(maxsize=None)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _recording_link(state: StateInline, silent: bool) -> bool:
    """Run markdown-it's inline link rule and keep the destination as written in the token's meta.

    Only inline links (`[text](url)`) have a written destination in the
    paragraph; reference links keep markdown-it's `href` alone.
    """
    start, first_new = state.pos, len(state.tokens)
    if not link_rule(state, silent):
        return False
    if not silent:
        written = _plain_destination(state, first_new)
        if written is None:
            label_end = state.md.helpers.parseLinkLabel(state, start, True)
            written = _inline_destination(state.src, label_end + 1, state.posMax)
        _record_written_href(state.tokens, first_new, written)
    return True


def _plain_destination(state: StateInline, first_new: int) -> str | None:
    """Return the link's `href` when the source ends with `](href)`: then it is the destination as written.

    Most links are written that way, and this check saves parsing the label
    and destination a second time.
    """
    for token in state.tokens[first_new:]:
        if token.type == "link_open":
            href = token.attrGet("href")
            if isinstance(href, str) and href and state.src.endswith(f"]({href})", 0, state.pos):
                return href
            return None
    return None


def _inline_destination(source: str, position: int, end: int) -> str | None:
    """Return the unescaped destination of `(url "title")` starting at `position`, if there is one."""
    if position >= end or source[position] != "(":
        return None
    position += 1
    while position < end and source[position] in " \t\n":
        position += 1
    result = parseLinkDestination(source, position, end)
    return result.str if result.ok else None


def _recording_autolink(state: StateInline, silent: bool) -> bool:
    """Run markdown-it's autolink rule (`<https://...>`) and keep the URL as written."""
    start, first_new = state.pos, len(state.tokens)
    if not autolink_rule(state, silent):
        return False
    if not silent:
        _record_written_href(state.tokens, first_new, state.src[start + 1 : state.pos - 1])
    return True


def _record_written_href(tokens: list[Token], first_new: int, written: str | None) -> None:
    if written is None:
        return
    for token in tokens[first_new:]:
        if token.type == "link_open":
            token.meta[WRITTEN_HREF] = written
            return


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """Return the one configured parser of this process (building it costs milliseconds)."""
    md = MarkdownIt("commonmark", {"typographer": True, "xhtmlOut": False}, renderer_cls=SiteRenderer)
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(tasklists_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6)
    md.inline.ruler.at("link", _recording_link)
    md.inline.ruler.at("autolink", _recording_autolink)
    return md


def parse_markdown(text: str) -> ParsedMarkdown:
    """Parse a Markdown body; markdown-it line numbers in the tokens count from 0.

    With markdown-it-pyrs installed, `fastparse` parses it into the same tokens.
    """
    from .fastparse import parse_accelerated  # here because fastparse imports this module

    accelerated = parse_accelerated(text)
    if accelerated is not None:
        return accelerated
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(text, env)
    return ParsedMarkdown(tokens, env)


def render_markdown(
    parsed: ParsedMarkdown, base_path: str = "/", link_markup: dict[int, LinkMarkup] | None = None
) -> RenderedMarkdown:
    """Render parsed Markdown to HTML for a site whose base URL has path `base_path`.

    `link_markup` maps `id()` of a `link_open` token to what the post page adds
    to that link. Only the full body gets it, because list pages show several
    summaries, and an anchor id must be unique on a page.
    """
    md = markdown_parser()
    env = dict(parsed.env, base_path=base_path)
    body_env = dict(env, link_markup=link_markup or {})
    body_html = md.renderer.render(parsed.tokens, md.options, body_env)
    more_index = _more_separator_index(parsed.tokens)
    if more_index is not None:
        summary_tokens = parsed.tokens[:more_index]
    else:
        summary_tokens = _first_paragraph(parsed.tokens)
    summary_html = md.renderer.render(summary_tokens, md.options, dict(env)) if summary_tokens else ""
    return RenderedMarkdown(body_html, summary_html, more_index is not None)


def render_inline(text: str) -> str:
    """Render one line of Markdown (a front-matter summary) to inline HTML."""
    return markdown_parser().renderInline(text)


def _more_separator_index(tokens: Sequence[Token]) -> int | None:
    for index, token in enumerate(tokens):
        if token.type == "html_block" and token.level == 0 and token.content.strip() == MORE_SEPARATOR:
            return index
    return None


def _first_paragraph(tokens: Sequence[Token]) -> list[Token]:
    for start, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            end = start
            while tokens[end].type != "paragraph_close" or tokens[end].level != 0:
                end += 1
            return list(tokens[start : end + 1])
    return []


def inline_text(token: Token) -> str:
    """Return the plain text of an inline token, without markup."""
    return visible_text(token.children or ())


def visible_text(children: Sequence[Token]) -> str:
    """Return the plain text of a run of inline tokens, with line breaks as spaces."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def table_of_contents(tokens: Sequence[Token]) -> list[Heading]:
    """Return the body's level-2 and level-3 headings, nested."""
    entries: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        level = int(token.tag[1])
        heading_id = token.attrGet("id")
        if level not in TOC_LEVELS or not isinstance(heading_id, str):
            continue
        heading = Heading(level, heading_id, inline_text(tokens[index + 1]))
        if entries and level > entries[-1].level:
            entries[-1].children.append(heading)
        else:
            entries.append(heading)
    return entries


_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def count_words(tokens: Sequence[Token]) -> int:
    """Count the words a reader reads: text, inline code and code blocks."""
    total = 0
    for token in tokens:
        if token.type == "inline":
            total += len(_WORD.findall(inline_text(token)))
        elif token.type in ("fence", "code_block"):
            total += len(_WORD.findall(token.content))
    return total


_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|div|br|tr|td|th|blockquote|pre|section|hr)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """Return the text of an HTML fragment, tags dropped and spaces collapsed."""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", markup))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def shorten(text: str, limit: int = 160) -> str:
    """Cut `text` at a word boundary to at most `limit` characters, adding an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return cut + "…"


def syntax_stylesheet() -> str:
    """Return the CSS for highlighted code, light by default and dark on request."""
    light = HtmlFormatter(style="friendly").get_style_defs(".highlight")
    dark = HtmlFormatter(style="github-dark").get_style_defs(".highlight")
    return (
        "/* Code highlighting, generated from Pygments' friendly and github-dark styles. */\n"
        f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
