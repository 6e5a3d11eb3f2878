"""Render stage: Markdown bodies to HTML, then every page and feed of the site.

Templates come from the site's `templates/` first and the package's default
theme second, file by file. `theme/<name>` always names the default theme's
file, so an override can extend the template it replaces. Jinja runs with
autoescape and `StrictUndefined`, and any template error becomes a message
with the template's file and line.
"""

from __future__ import annotations

import logging
import math
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2

from . import __version__
from .errors import ContentError, Diagnostic, display_path
from .feeds import FeedChannel, PostEntries, absolutize_urls, atom_document, json_feed_document, rss_document
from .linkpages import LinkPages, link_markup
from .markdown import html_to_text, render_inline, render_markdown, shorten, syntax_stylesheet
from .model import Post, Site
from .sitemap import robots_txt, sitemap_document
from .urls import output_file, paginated_path

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "theme"
TEMPLATES_DIR = "templates"
SYNTAX_STYLESHEET = "css/syntax.css"
SITEMAP_FILE = "sitemap.xml"
ROBOTS_FILE = "robots.txt"
NOJEKYLL_FILE = ".nojekyll"
CNAME_FILE = "CNAME"
DESCRIPTION_LENGTH = 160
RSS_FILE = "index.xml"
# Feed file name -> writer. `index.xml` is Hugo's RSS file name, which the old blog's subscribers use.
FEED_FORMATS = {RSS_FILE: rss_document, "atom.xml": atom_document, "feed.json": json_feed_document}


@dataclass(frozen=True)
class OutputFile:
    """A rendered file, ready to write."""

    path: str
    """Relative to the output folder, with `/` separators (`posts/x/index.html`)."""
    content: bytes
    kind: str
    """`page`, `feed` or `asset`: what the build summary counts it as."""
    alias_of: Post | None = None
    """For a redirect page of front matter's `aliases`: the post or page listing the alias."""


@dataclass(frozen=True)
class PageInfo:
    """Facts about the page being rendered, given to every template as `page`."""

    kind: str
    """`home`, `section`, `post`, `page`, `tags`, `tag`, `links`, `404` or `alias`."""
    title: str
    path: str
    url: str
    permalink: str
    description: str
    image: str = ""
    """Absolute URL of the page's preview image (front matter's `image`), or empty."""
    published: datetime | None = None
    """The post's date; None for other pages."""
    lastmod: datetime | None = None
    """The page's last change: a post's last edit, a list's newest listed post."""


# Page kinds that are not in the sitemap: redirects and the error page.
NOT_IN_SITEMAP = frozenset(["alias", "404"])


@dataclass(frozen=True)
class Paginator:
    """One page of a paginated list (`paginator` in list templates)."""

    items: Sequence[Post]
    number: int
    """1-based."""
    total_pages: int
    total_items: int
    first_url: str
    last_url: str
    previous_url: str | None
    next_url: str | None
    page_urls: Sequence[str]
    """The URL of every page of the list, in order; `page_urls[0]` is the first."""


def format_date(moment: datetime | None) -> str:
    """Format a date as `May 1, 2024`, the same in every locale."""
    if moment is None:
        return ""
    return f"{moment:%B} {moment.day}, {moment.year}"


def create_environment(source_dir: Path) -> jinja2.Environment:
    """Create the Jinja environment: the site's templates over the default theme's."""
    theme_loader = jinja2.FileSystemLoader(THEME_DIR / TEMPLATES_DIR)
    loaders: list[jinja2.BaseLoader] = []
    site_templates = source_dir / TEMPLATES_DIR
    if site_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(site_templates))
    loaders += [theme_loader, jinja2.PrefixLoader({"theme": theme_loader})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["format_date"] = format_date
    env.globals["distillm_version"] = __version__
    return env


class SiteRenderer:
    """Render every output file of one site."""

    def __init__(self, site: Site, env: jinja2.Environment) -> None:
        self.site = site
        self.env = env
        self.feed_entries = PostEntries(site)
        self.sitemap_pages: list[PageInfo] = []
        """Every rendered page that crawlers should index, in rendering order."""

    def render_all(self) -> Iterator[OutputFile]:
        """Yield every page, feed and generated asset of the site."""
        self.render_bodies()
        for post in self.site.posts:
            yield self.render_post(post)
        for page in self.site.pages:
            yield self.render_page(page)
        yield from self.render_list("home", "home.html", "/", self.site.posts, self.site.title)
        yield from self.render_list("section", "section.html", "/posts/", self.site.posts, "Posts")
        yield self.render_tag_index()
        for tag in self.site.tags:
            yield from self.render_list("tag", "tag.html", tag.path, tag.posts, tag.name, tag=tag)
        yield self.render_template("404.html", self.page_info("404", "Page not found", "/404.html"), {})
        yield from self.render_feeds()
        yield from LinkPages(self).render_all()
        yield OutputFile(SYNTAX_STYLESHEET, syntax_stylesheet().encode(), "asset")

    def render_bodies(self) -> None:
        """Render each post's Markdown to HTML and its summary; lists and feeds need all of them."""
        base_path = self.site.settings.base_path
        for post in [*self.site.posts, *self.site.pages]:
            rendered = render_markdown(post.markdown, base_path, link_markup(post))
            post.content_html = rendered.html
            summary = post.metadata.summary
            summary_html = f"<p>{render_inline(summary)}</p>\n" if summary else rendered.summary_html
            # List pages show the summary away from the post, where its relative links would break.
            post.summary_html = absolutize_urls(summary_html, post.url)

    def description_of(self, post: Post) -> str:
        """Return the meta description: front matter's, else the start of the summary."""
        if post.description:
            return post.description
        return shorten(html_to_text(post.summary_html), DESCRIPTION_LENGTH) or self.site.description

    def page_info(
        self, kind: str, title: str, path: str, description: str | None = None, **extra: Any
    ) -> PageInfo:
        """Describe the page at site path `path`; `extra` sets `image`, `published` and `lastmod`."""
        return PageInfo(
            kind,
            title,
            path,
            self.site.url_for(path),
            self.site.permalink_for(path),
            self.site.description if description is None else description,
            **extra,
        )

    def post_info(self, kind: str, post: Post) -> PageInfo:
        """Describe the page of a post or of a page outside the posts."""
        return self.page_info(
            kind,
            post.title,
            post.path,
            self.description_of(post),
            image=self.image_url(post),
            published=post.date if kind == "post" else None,
            lastmod=post.lastmod,
        )

    def image_url(self, post: Post) -> str:
        """Return the absolute URL of front matter's `image`, which is relative to the post unless it starts with `/`."""
        image = post.image
        if not image:
            return ""
        if image.startswith("/") and not image.startswith("//"):
            return self.site.permalink_for(image)
        return urljoin(post.permalink, image)

    def render_post(self, post: Post) -> OutputFile:
        return self.render_template("post.html", self.post_info("post", post), {"post": post})

    def render_page(self, page: Post) -> OutputFile:
        return self.render_template("page.html", self.post_info("page", page), {"post": page})

    def render_list(
        self, kind: str, template: str, first_path: str, posts: Sequence[Post], title: str, **extra: Any
    ) -> Iterator[OutputFile]:
        """Render a paginated list of posts; page 1 at `first_path`, then `page/2/`, ...

        `page/1/` redirects to the first page, as in Hugo.
        """
        per_page = self.site.settings.paginate
        total_pages = max(1, math.ceil(len(posts) / per_page))
        page_urls = [self.site.url_for(paginated_path(first_path, n)) for n in range(1, total_pages + 1)]
        for number in range(1, total_pages + 1):
            path = paginated_path(first_path, number)
            paginator = Paginator(
                items=posts[(number - 1) * per_page : number * per_page],
                number=number,
                total_pages=total_pages,
                total_items=len(posts),
                first_url=page_urls[0],
                last_url=page_urls[-1],
                previous_url=page_urls[number - 2] if number > 1 else None,
                next_url=page_urls[number] if number < total_pages else None,
                page_urls=page_urls,
            )
            page_title = title if number == 1 else f"{title} (page {number})"
            info = self.page_info(kind, page_title, path, lastmod=_newest_edit(paginator.items))
            yield self.render_template(template, info, {"paginator": paginator, "posts": paginator.items, **extra})
        yield self.render_redirect(f"{first_path}page/1/", first_path)

    def render_tag_index(self) -> OutputFile:
        info = self.page_info("tags", "Tags", "/tags/", lastmod=_newest_edit(self.site.posts))
        return self.render_template("tags.html", info, {"tags": self.site.tags})

    def render_redirect(self, from_path: str, to_path: str) -> OutputFile:
        """Render a small page at `from_path` that sends browsers and crawlers to `to_path`."""
        target = self.site.permalink_for(to_path)
        info = self.page_info("alias", "Redirect", from_path)
        return self.render_template("alias.html", info, {"target": target})

    def render_feeds(self) -> Iterator[OutputFile]:
        """Render the feeds of the site, the posts section and each tag, in each of their formats."""
        site = self.site
        every_format = tuple(FEED_FORMATS)
        feeds = [
            ("/", site.title, site.posts, every_format),
            ("/posts/", f"Posts on {site.title}", site.posts, (RSS_FILE,)),
        ]
        feeds += [(tag.path, f"{tag.name} on {site.title}", tag.posts, every_format) for tag in site.tags]
        for page_path, title, posts, file_names in feeds:
            entries = self.feed_entries.entries(posts)
            for file_name in file_names:
                feed_path = page_path + file_name
                channel = self.feed_channel(feed_path, title, page_path)
                yield OutputFile(output_file(feed_path), FEED_FORMATS[file_name](channel, entries), "feed")

    def feed_channel(self, feed_path: str, title: str, page_path: str) -> FeedChannel:
        """Describe the feed at site path `feed_path`, which mirrors the page at `page_path`."""
        site = self.site
        return FeedChannel(
            title=title,
            description=site.description,
            feed_url=site.permalink_for(feed_path),
            home_url=site.permalink_for(page_path),
            language=site.language,
            author=site.author,
        )

    def render_crawler_files(self) -> Iterator[OutputFile]:
        """Render the sitemap of every page rendered so far, robots.txt, and GitHub Pages' files.

        Call it after `render_all` has been consumed: the sitemap lists what that rendered.
        """
        site = self.site
        pages = [(page.permalink, page.lastmod) for page in self.sitemap_pages]
        yield OutputFile(SITEMAP_FILE, sitemap_document(pages), "asset")
        yield OutputFile(ROBOTS_FILE, robots_txt(site.permalink_for(SITEMAP_FILE)), "asset")
        # GitHub Pages runs Jekyll on the files unless this file exists, and Jekyll drops
        # files and folders whose names start with "_" or ".".
        yield OutputFile(NOJEKYLL_FILE, b"", "asset")
        if site.settings.cname:
            yield OutputFile(CNAME_FILE, f"{site.settings.cname}\n".encode(), "asset")

    def render_aliases(self) -> Iterator[OutputFile]:
        """Render a redirect page at each alias of each post and page."""
        for post in [*self.site.posts, *self.site.pages]:
            for alias in post.aliases:
                redirect = self.render_redirect(alias, post.path)
                yield OutputFile(redirect.path, redirect.content, redirect.kind, alias_of=post)

    def render_template(self, name: str, info: PageInfo, context: dict[str, Any]) -> OutputFile:
        """Render template `name` for the page `info`, turning template errors into messages."""
        values = {"site": self.site, "page": info, **context}
        try:
            text = self.env.get_template(name).render(values)
        except jinja2.TemplateSyntaxError as error:
            raise ContentError([_syntax_diagnostic(error)]) from error
        except jinja2.TemplateNotFound as error:
            raise ContentError.at(
                self.site.source_dir / TEMPLATES_DIR,
                f'template "{error.name}" not found in templates/ or the default theme; '
                "check the name in {% extends %} or {% include %}",
            ) from error
        except Exception as error:
            diagnostic = _runtime_diagnostic(error, name, info.path)
            if diagnostic is None:
                raise
            raise ContentError([diagnostic]) from error
        if info.kind not in NOT_IN_SITEMAP:
            self.sitemap_pages.append(info)
        return OutputFile(output_file(info.path), text.encode("utf-8"), "page")


def _newest_edit(posts: Sequence[Post]) -> datetime | None:
    return max((post.lastmod for post in posts if post.lastmod is not None), default=None)


def _syntax_diagnostic(error: jinja2.TemplateSyntaxError) -> Diagnostic:
    path = display_path(error.filename) if error.filename else f"templates/{error.name}"
    message = (error.message or "invalid syntax").rstrip(".")
    return Diagnostic(path, f"template syntax error: {message}; fix the template", error.lineno)


def _runtime_diagnostic(error: Exception, template: str, page_path: str) -> Diagnostic | None:
    """Locate an error raised while a template ran, or return None if it came from distillm itself.

    Jinja rewrites tracebacks so template code appears as frames in the
    template's own file and line; the innermost such frame is the culprit.
    """
    frames = traceback.extract_tb(error.__traceback__)
    template_frames = [frame for frame in frames if _is_template_file(frame.filename)]
    if not template_frames:
        return None
    if frames[-1] is not template_frames[-1] and not isinstance(error, jinja2.TemplateError):
        # The exception was raised inside Python code called by the template: a bug, not the user's.
        return None
    frame = template_frames[-1]
    message = str(error) if isinstance(error, jinja2.UndefinedError) else f"{type(error).__name__}: {error}"
    return Diagnostic(
        display_path(frame.filename),
        f"template error while rendering {page_path}: {message}; fix the template",
        frame.lineno,
    )


def _is_template_file(filename: str) -> bool:
    return filename.endswith((".html", ".xml", ".htm", ".j2", ".jinja"))

