"""The site's data model: posts and pages, tags, and the site that contains them.

Terms: a *slug* is one URL segment; a *path* is a URL path from the site's root
(`/posts/distillm-03/`), the same whatever the base URL; a *url* is the path
under the base URL's path (`/blog/posts/distillm-03/`), used in links between
pages; a *permalink* is the absolute URL (`https://user.github.io/blog/posts/distillm-03/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from markdown_it.token import Token

from .frontmatter import Metadata
from .markdown import Heading, ParsedMarkdown
from .settings import Settings

PostKind = Literal["post", "page"]


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
    markdown: ParsedMarkdown
    """The body's tokens, parsed once by the loader and shared with the link extractor."""
    body_line: int
    """1-based file line of the body's first line (markdown-it's line 0)."""
    toc: list[Heading]
    word_count: int
    reading_time: int
    """Minutes, rounded up."""
    tags: list[Tag] = field(default_factory=list)
    """Set when the site is assembled; in front-matter order."""
    content_html: str = ""
    """The body as HTML; set by the render stage."""
    summary_html: str = ""
    """HTML for list pages and summary feeds; set by the render stage."""
    previous_post: Post | None = None
    """The next older post; set when the site is assembled."""
    next_post: Post | None = None
    """The next newer post; set when the site is assembled."""
    aliases: list[str] = field(default_factory=list)
    """Paths of old URLs that redirect here, resolved from front matter's `aliases`."""
    resources: dict[str, Path] = field(default_factory=dict)
    """A page bundle's other files: path relative to the page's folder -> source file."""

    @property
    def title(self) -> str:
        return self.metadata.title

    @property
    def date(self) -> datetime | None:
        return self.metadata.date

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
        return self.markdown.tokens

    @property
    def image(self) -> str:
        """Front matter's `image` as written: relative to the post, root-relative or absolute."""
        return self.metadata.image


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
