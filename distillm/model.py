"""The site's data model: posts and pages, tags, and the site that contains them.

Terms: a *slug* is one URL segment; a *path* is a URL path from the site's root
(`/posts/distillm-03/`), the same whatever the base URL; a *url* is the path
under the base URL's path (`/blog/posts/distillm-03/`), used in links between
pages; a *permalink* is the absolute URL (`https://user.github.io/blog/posts/distillm-03/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .canonical import LinkKind
from .frontmatter import Metadata
from .errors import Diagnostic
from .linkdates import Month
from .markdown import Heading, ParsedMarkdown, fill_link_notes
from .settings import Settings

PostKind = Literal["post", "page"]


class BodySource(Protocol):
    """A store of post bodies rendered earlier, by post fingerprint."""

    def body(self, fingerprint: str) -> str: ...


@dataclass(eq=False)
class Post:
    """A post under `content/posts/`, or a page elsewhere in `content/`."""

    source_path: Path
    """The Markdown file, absolute."""
    kind: PostKind
    """`post` (dated, listed, in feeds) or `page` (such as /about/, not listed)."""
    metadata: Metadata
    """The checked front matter."""
    slug: str
    path: str
    url: str
    permalink: str
    markdown: ParsedMarkdown | None
    """The body's tokens, parsed once by the loader and shared with the link extractor;
    None once the body is rendered (`distillm.process`), because tokens take far more
    memory than the HTML."""
    body_line: int
    """1-based file line of the body's first line (markdown-it's line 0)."""
    toc: list[Heading]
    word_count: int
    reading_time: int
    """Minutes, rounded up."""
    tags: list[Tag] = field(default_factory=list)
    """Set when the site is assembled; in front-matter order."""
    content_markup: str | None = ""
    """The body as HTML with a placeholder after each link for its "also linked in" note
    (`markdown.NOTE_PLACEHOLDER`); set when the post is processed. None when the body waits
    in `body_source` instead of memory. Templates read `content_html`."""
    summary_html: str = ""
    """HTML for list pages and summary feeds; set when the post is processed."""
    previous_post: Post | None = None
    """The next older post; set when the site is assembled."""
    next_post: Post | None = None
    """The next newer post; set when the site is assembled."""
    aliases: list[str] = field(default_factory=list)
    """Paths of old URLs that redirect here, resolved from front matter's `aliases`."""
    resources: dict[str, Path] = field(default_factory=dict)
    """A page bundle's other files: path relative to the page's folder -> source file."""
    links: list[Link] = field(default_factory=list)
    """Every link occurrence in the body, in document order; set when the post is processed."""
    load_warnings: list[Diagnostic] = field(default_factory=list)
    """Warnings about the file's front matter, reported whether or not the post is published."""
    link_warnings: list[Diagnostic] = field(default_factory=list)
    """Warnings about the body's link lists (such as an impossible date item), reported for published posts."""
    body_source: BodySource | None = field(default=None, repr=False, compare=False)
    """The store the body is read from when `content_markup` is None: the cache, by `fingerprint`."""
    fingerprint: str = ""
    """A digest of the file's bytes, its path, the settings and distillm's version: what the processed
    post depends on. Set when the post is processed; it is the post's key in the cache."""

    @property
    def title(self) -> str:
        return self.metadata.title

    @property
    def date(self) -> datetime | None:
        return self.metadata.date

    @cached_property
    def timestamp(self) -> float:
        """The date as seconds since the epoch (0 without a date), for sorting: lists sort posts often."""
        return self.metadata.date.timestamp() if self.metadata.date else 0.0

    @property
    def lastmod(self) -> datetime | None:
        """The last edit: `lastmod` from front matter, else the date."""
        return self.metadata.lastmod or self.metadata.date

    @property
    def draft(self) -> bool:
        return self.metadata.draft

    @property
    def description(self) -> str:
        return self.metadata.description

    @property
    def params(self) -> dict[str, Any]:
        """Front-matter keys distillm does not define, for templates."""
        return self.metadata.params

    @property
    def tokens(self) -> list[Token]:
        if self.markdown is None:
            raise ValueError(f"the tokens of {self.source_path} were released after rendering")
        return self.markdown.tokens

    @property
    def content_html(self) -> str:
        """The body as HTML, with "also linked in" notes after links that an older post has too."""
        markup = self.content_markup
        if markup is None:
            assert self.body_source is not None, "a post without its body in memory has a body source"
            markup = self.body_source.body(self.fingerprint)
        notes = {link.anchor_id: also_linked_note(link.earlier) for link in self.links if link.earlier is not None}
        return fill_link_notes(markup, notes)

    def __getstate__(self) -> dict[str, Any]:
        # The body source is a database connection, which does not pickle; the code that unpickles sets it again.
        state = dict(self.__dict__)
        state["body_source"] = None
        return state

    @property
    def image(self) -> str:
        """Front matter's `image` as written: relative to the post, root-relative or absolute."""
        return self.metadata.image


@dataclass(eq=False, slots=True)
class Link:
    """One link occurrence in a post's body, with when and where the post curated it."""

    url: str
    """The target as the author wrote it, Markdown escapes resolved."""
    canonical_url: str
    """The clickable URL without tracking parameters; relative targets resolved against the site."""
    loose_key: str
    """The canonical URL without scheme, `www.` and trailing slash; equal keys are duplicates."""
    title: str
    """The link text as a reader sees it on the page."""
    date: date | None
    """The day of the date item the link sits under, if any."""
    period: Month | None
    """The month of the period heading above the link, else of its date."""
    section: str | None
    """The text of the nearest heading above the link; None before the first heading."""
    parent: Link | None
    """The primary link of the same list item, or of the enclosing item for a primary link."""
    post: Post
    line: int
    """1-based line in the post's file."""
    domain: str | None
    """The canonical URL's host without `www.`; None for internal links."""
    kind: LinkKind
    anchor_id: str
    """The link's `id` on its post's page: stable while this URL stays in the post."""
    source_token: Token | None = field(default=None, repr=False)
    """The `link_open` token, so the renderer can find this link's anchor id; None once the body is rendered."""
    earlier: Link | None = None
    """The same link in an older post, shown as "also linked in"; set at site level."""

    @property
    def url_on_site(self) -> str:
        """The URL of this link's anchor on its post's page."""
        return f"{self.post.url}#{self.anchor_id}"

    @property
    def permalink(self) -> str:
        """The absolute URL of this link's anchor on its post's page."""
        return f"{self.post.permalink}#{self.anchor_id}"

    @property
    def display_title(self) -> str:
        """The title, or the URL when the link text is empty."""
        return self.title or self.url


@dataclass(eq=False)
class Tag:
    """A taxonomy term: posts whose tags slug to the same value share one tag."""

    name: str
    """The spelling most posts use (ties: the oldest post's)."""
    slug: str
    path: str
    url: str
    permalink: str
    posts: list[Post] = field(default_factory=list)
    """Newest first."""


@dataclass(eq=False)
class SkippedPost:
    """A post left out of this build, with the reason (draft, future or expired)."""

    source_path: Path
    title: str
    reason: str
    detail: str


@dataclass(eq=False)
class Site:
    """Everything a build renders, gathered and checked before the first write."""

    settings: Settings
    source_dir: Path
    posts: list[Post]
    """Published posts, newest first."""
    pages: list[Post]
    tags: list[Tag]
    """Sorted by name."""
    skipped: list[SkippedPost] = field(default_factory=list)
    build_time: datetime | None = None
    """When this build started, in the site's time zone; `now` for drafts and feeds."""
    links: list[Link] = field(default_factory=list)
    """Every link of every post: posts newest first, each post's links in document order."""
    publishing_changes_at: datetime | None = None
    """The next moment a post is due to be published or to expire, which changes the site without an edit."""

    @property
    def build_year(self) -> int | None:
        """The year of `build_time`, for copyright lines: a page showing only the year changes once a year."""
        return self.build_time.year if self.build_time else None

    @property
    def title(self) -> str:
        return self.settings.title

    @property
    def description(self) -> str:
        return self.settings.description

    @property
    def author(self) -> str:
        return self.settings.author

    @property
    def language(self) -> str:
        return self.settings.language

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def params(self) -> dict[str, Any]:
        return self.settings.params

    def url_for(self, path: str) -> str:
        """Return the URL of a site path under the base URL's path."""
        return self.settings.base_path + path.lstrip("/")

    def permalink_for(self, path: str) -> str:
        """Return the absolute URL of a site path."""
        return self.settings.base_url + path.lstrip("/")


def also_linked_note(earlier: Link) -> str:
    """Return the HTML note shown after a link that `earlier`, in an older post, has too."""
    return (
        f' <small class="also-linked">(also linked in <a href="{escapeHtml(earlier.url_on_site)}">'
        f"{escapeHtml(earlier.post.title)}</a>)</small>"
    )
