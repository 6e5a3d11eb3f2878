"""Read one post's link lists from its markdown-it tokens into `Link` records.

The grammar, on the tokens the loader parsed (the body is not parsed again):

    ## What happened in April 2024?      <- period heading: every link below is in 2024-04
    - [Undated](https://a.example/)      <- no date item above: no date
    - April 7th.                         <- date item: a date alone; nested items take it
      - [Primary](https://b.example/)    <- first link of an item; parent: none (a date item has no link)
        - [Nested](https://c.example/), and [related](https://d.example/)
            ^ primary, parent Primary       ^ related, parent Nested

Extraction reads nothing but the post (tokens, date, paths) and the base URL,
so its result depends on that post alone.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from markdown_it.token import Token

from .canonical import canonical_url, is_internal, link_domain, link_kind, loose_key
from .errors import Diagnostic, display_path
from .linkdates import InvalidDateItem, Month, heading_period, parse_date_item, resolve_year
from .markdown import WRITTEN_HREF, visible_text
from .model import Link, Post

_NESTED_LIST_OPENS = ("bullet_list_open", "ordered_list_open")
_NOT_IN_ANCHOR = re.compile(r"[^a-z0-9]+")


@dataclass
class ExtractedLinks:
    """The links of one post in document order, and the warnings about its date items."""

    links: list[Link]
    warnings: list[Diagnostic]


@dataclass
class _ListItem:
    """A list item being read: its date (for a date item) and its first link."""

    date: date | None = None
    primary: Link | None = None


@dataclass
class _Heading:
    level: int
    text: str
    period: Month | None


@dataclass
class _LinkWalker:
    """The state of one walk over a post's tokens: open headings and list items."""

    post: Post
    base_url: str
    links: list[Link] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    headings: list[_Heading] = field(default_factory=list)
    items: list[_ListItem] = field(default_factory=list)
    anchor_counts: Counter[str] = field(default_factory=Counter)
    last_line: int = 0
    """The file line of the last block token with a position, for inline tokens without one."""
    footnote_lines: dict[int, int] = field(default_factory=dict)
    """The line of each inline footnote's reference (`^[...]`), by footnote id."""

    def walk(self, tokens: Sequence[Token]) -> None:
        self.last_line = self.post.body_line
        for index, token in enumerate(tokens):
            if token.map is not None:
                self.last_line = self.post.body_line + token.map[0]
            if token.type == "footnote_open" and token.meta.get("id") in self.footnote_lines:
                # An inline footnote's text has no position of its own, so its links get its reference's line.
                # NOTE: footnotes come after the body's last section, so their links take that section and period.
                self.last_line = self.footnote_lines[token.meta["id"]]
            if token.type == "heading_open":
                self.open_heading(token, tokens[index + 1])
            elif token.type == "list_item_open":
                self.open_item(tokens, index)
            elif token.type == "list_item_close":
                self.items.pop()
            elif token.type == "inline":
                self.read_inline(token)

    def open_heading(self, token: Token, inline: Token) -> None:
        level = int(token.tag[1:])
        while self.headings and self.headings[-1].level >= level:
            self.headings.pop()
        text = _clean(visible_text(inline.children or ()))
        self.headings.append(_Heading(level, text, heading_period(text)))

    def open_item(self, tokens: Sequence[Token], index: int) -> None:
        own = _own_inlines(tokens, index)
        has_link = any(child.type == "link_open" for inline in own for child in inline.children or ())
        text = _clean(" ".join(visible_text(inline.children or ()) for inline in own))
        item_date = None if has_link or not text else self.date_item(text, tokens[index])
        self.items.append(_ListItem(date=item_date))

    def date_item(self, text: str, token: Token) -> date | None:
        """Return the date of an item whose text is `text`, or None if it is not a date item."""
        line = self.post.body_line + token.map[0] if token.map else self.last_line
        try:
            parts = parse_date_item(text)
        except InvalidDateItem:
            self.warn(line, f'"{text}" is not a valid date, so the links under it are undated; correct the date')
            return None
        if parts is None:
            return None
        post_date = self.post.date.date() if self.post.date else None
        day = resolve_year(parts, self.heading_period(), post_date)
        if day is None:
            self.warn(
                line,
                f'"{text}" has no year and falls in a year without that day, '
                "so the links under it are undated; write the year",
            )
        return day

    def read_inline(self, inline: Token) -> None:
        children = inline.children or []
        line = self.post.body_line + inline.map[0] if inline.map else self.last_line
        for index, child in enumerate(children):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "footnote_ref":
                self.footnote_lines.setdefault(child.meta["id"], line)
            elif child.type == "link_open":
                end = next(
                    (i for i in range(index + 1, len(children)) if children[i].type == "link_close"), len(children)
                )
                self.add_link(child, _clean(visible_text(children[index + 1 : end])), line)

    def add_link(self, token: Token, title: str, line: int) -> None:
        written = token.meta.get(WRITTEN_HREF)
        url = written if isinstance(written, str) else str(token.attrGet("href") or "")
        internal = is_internal(url, self.base_url)
        canonical = canonical_url(url, self.base_url, self.post.permalink)
        key = loose_key(canonical)
        domain = link_domain(canonical, internal)
        link_date = self.current_date()
        period = self.heading_period() or (Month.of(link_date) if link_date else None)
        link = Link(
            # A site can have hundreds of thousands of links, so equal strings are shared, not copied.
            url=url,
            canonical_url=url if canonical == url else canonical,
            loose_key=key,
            title=title,
            date=link_date,
            period=period,
            section=self.headings[-1].text if self.headings else None,
            parent=self.parent_of_next_link(),
            post=self.post,
            line=line,
            domain=sys.intern(domain) if domain is not None else None,
            kind=link_kind(canonical, internal),
            anchor_id=self.anchor_id(key, domain),
            source_token=token,
        )
        if self.items and self.items[-1].primary is None:
            self.items[-1].primary = link
        self.links.append(link)

    def parent_of_next_link(self) -> Link | None:
        """Return the parent of the next link: the item's primary link, else the enclosing item's."""
        if not self.items:
            return None  # Prose outside lists has no primary link.
        if self.items[-1].primary is not None:
            return self.items[-1].primary
        return self.items[-2].primary if len(self.items) > 1 else None

    def current_date(self) -> date | None:
        return next((item.date for item in reversed(self.items) if item.date is not None), None)

    def heading_period(self) -> Month | None:
        return next((heading.period for heading in reversed(self.headings) if heading.period is not None), None)

    def anchor_id(self, key: str, domain: str | None) -> str:
        """Return an id made from the loose key, numbered from the second occurrence in the post.

        A hash keeps ids short and valid; the domain in front keeps them readable.
        """
        self.anchor_counts[key] += 1
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        readable = _NOT_IN_ANCHOR.sub("-", (domain or "site").lower()).strip("-") or "link"
        count = self.anchor_counts[key]
        return f"link-{readable}-{digest}" if count == 1 else f"link-{readable}-{digest}-{count}"

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Diagnostic(display_path(self.post.source_path), message, line, severity="warning"))


def extract_post_links(post: Post, base_url: str) -> ExtractedLinks:
    """Return every link occurrence in `post`'s body, in document order, and the warnings found."""
    walker = _LinkWalker(post, base_url)
    walker.walk(post.tokens)
    return ExtractedLinks(walker.links, walker.warnings)


def _own_inlines(tokens: Sequence[Token], index: int) -> list[Token]:
    """Return the inline tokens of the list item opening at `index`, before any nested list."""
    item_level = tokens[index].level
    own = []
    for token in tokens[index + 1 :]:
        if token.type == "list_item_close" and token.level == item_level:
            break
        if token.type in _NESTED_LIST_OPENS and token.level == item_level + 1:
            break
        if token.type == "inline":
            own.append(token)
    return own


def _clean(text: str) -> str:
    """Collapse runs of white space to one space, as a browser shows them."""
    return " ".join(text.split())
