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
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2

from . import __version__
from .errors import ContentError, Diagnostic, display_path
from .feeds import FeedChannel, PostEntries, atom_document, json_feed_document, rss_document
from .linkpages import LinkPages
from .markdown import html_to_text, shorten, syntax_stylesheet
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
    reads: frozenset[str] = frozenset()
    """The site-wide collections (`SITE_COLLECTIONS`) that the page's templates read."""


SITE_COLLECTIONS = frozenset(["posts", "pages", "tags", "links", "build_time", "build_year"])
"""Attributes of `site` that change with other posts than the ones a page lists.

A template that reads one of them (a "recent posts" sidebar reading
`site.posts`) depends on more than its page's own posts, so an incremental
rebuild has to re-render it whenever that collection changes.
"""


@dataclass(frozen=True)
class PlannedPage:
    """An output file that is known but not rendered yet: its path, and what its content depends on."""

    path: str
    """Relative to the output folder, with `/` separators."""
    kind: str
    """`page`, `feed` or `asset`, as in `OutputFile`."""
    key: Hashable
    """Everything the content depends on besides the templates and settings: the
    page's facts, and the version of each post it shows (`SiteRenderer.post_versions`).
    Two plans with equal keys render equal bytes, as long as the templates'
    reads of `SITE_COLLECTIONS` are unchanged too."""
    render: Callable[[], OutputFile] = field(compare=False, repr=False)
    info: PageInfo | None = None
    """The page's facts, for template pages; None for feeds and assets."""


class _TrackedSite:
    """The site as templates see it: every attribute of `Site`, noting reads of `SITE_COLLECTIONS`.

    NOTE: reads through other objects (`tag.posts` on a post page) are not
    noted, so `distillm serve` can leave such a page stale until a full rebuild.
    """

    def __init__(self, site: Site, reads: set[str]) -> None:
        self._site = site
        self._reads = reads

    def __getattr__(self, name: str) -> Any:
        if name in SITE_COLLECTIONS:
            self._reads.add(name)
        return getattr(self._site, name)


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


def paginate(items: Sequence[Any], per_page: int, first_path: str, url_for: Callable[[str], str]) -> list[Paginator]:
    """Split `items` into pages of `per_page`: page 1 at `first_path`, then `page/2/`, ...

    An empty list still has one page. `url_for` turns an output path into the page's URL.
    """
    total_pages = max(1, math.ceil(len(items) / per_page))
    page_urls = [url_for(paginated_path(first_path, number)) for number in range(1, total_pages + 1)]
    return [
        Paginator(
            items=items[(number - 1) * per_page : number * per_page],
            number=number,
            total_pages=total_pages,
            total_items=len(items),
            first_url=page_urls[0],
            last_url=page_urls[-1],
            previous_url=page_urls[number - 2] if number > 1 else None,
            next_url=page_urls[number] if number < total_pages else None,
            page_urls=page_urls,
        )
        for number in range(1, total_pages + 1)
    ]


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
    """Plan and render every output file of one site.

    Planning (`plan_pages`) decides which files exist and what each one shows,
    without running a template; rendering a planned page runs its template.
    `distillm build` renders every planned page, `distillm serve` only those
    whose key changed since the last rebuild.
    """

    def __init__(self, site: Site, env: jinja2.Environment, post_versions: dict[Path, int] | None = None) -> None:
        self.site = site
        self.env = env
        self.feed_entries = PostEntries(site)
        self.post_versions = post_versions if post_versions is not None else {}
        """Source path -> a number that changes whenever any page could show the post differently;
        planned keys include it. Posts missing here have version 0."""
        self._post_keys: dict[int, Hashable] = {}
        self.sitemap_pages: list[PageInfo] = []
        """Every planned page that crawlers should index, in planning order."""

    def render_all(self) -> Iterator[OutputFile]:
        """Yield every page, feed and generated asset of the site."""
        for planned in self.plan_pages():
            yield planned.render()

    def plan_pages(self) -> Iterator[PlannedPage]:
        """Yield the plan of every page, feed and generated asset, in the order a build writes them."""
        for post in self.site.posts:
            yield self.plan_post(post)
        for page in self.site.pages:
            yield self.plan_page(page)
        yield from self.plan_list("home", "home.html", "/", self.site.posts, self.site.title)
        yield from self.plan_list("section", "section.html", "/posts/", self.site.posts, "Posts")
        yield self.plan_tag_index()
        for tag in self.site.tags:
            yield from self.plan_list("tag", "tag.html", tag.path, tag.posts, tag.name, tag=tag)
        yield self.plan_template("404.html", self.page_info("404", "Page not found", "/404.html"), {})
        yield from self.plan_feeds()
        yield from LinkPages(self).plan_all()
        yield PlannedPage(SYNTAX_STYLESHEET, "asset", SYNTAX_STYLESHEET, _syntax_stylesheet_file)

    def post_key(self, post: Post | None) -> Hashable:
        """Return the part of a planned key that stands for showing `post`: its source path and version.

        Keys are worked out once per post: list and link pages ask for them thousands of times.
        """
        if post is None:
            return None
        key = self._post_keys.get(id(post))
        if key is None:
            key = self._post_keys[id(post)] = (str(post.source_path), self.post_versions.get(post.source_path, 0))
        return key

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

    def plan_post(self, post: Post) -> PlannedPage:
        """Plan a post's page; it shows the post and the titles of its neighbours."""
        neighbours = (self.post_key(post.previous_post), self.post_key(post.next_post))
        info = self.post_info("post", post)
        return self.plan_template("post.html", info, {"post": post}, (self.post_key(post), neighbours))

    def plan_page(self, page: Post) -> PlannedPage:
        return self.plan_template("page.html", self.post_info("page", page), {"post": page}, self.post_key(page))

    def plan_list(
        self, kind: str, template: str, first_path: str, posts: Sequence[Post], title: str, **extra: Any
    ) -> Iterator[PlannedPage]:
        """Plan a paginated list of posts; page 1 at `first_path`, then `page/2/`, ...

        `page/1/` redirects to the first page, as in Hugo.
        """
        tag = extra.get("tag")
        tag_key = (tag.name, tag.url) if tag is not None else None
        for paginator in paginate(posts, self.site.settings.paginate, first_path, self.site.url_for):
            number = paginator.number
            path = paginated_path(first_path, number)
            page_title = title if number == 1 else f"{title} (page {number})"
            info = self.page_info(kind, page_title, path, lastmod=_newest_edit(paginator.items))
            context = {"paginator": paginator, "posts": paginator.items, **extra}
            key = (paginator.total_pages, len(posts), tag_key, tuple(self.post_key(post) for post in paginator.items))
            yield self.plan_template(template, info, context, key)
        yield self.plan_redirect(f"{first_path}page/1/", first_path)

    def plan_tag_index(self) -> PlannedPage:
        info = self.page_info("tags", "Tags", "/tags/", lastmod=_newest_edit(self.site.posts))
        key = tuple((tag.name, tag.url, len(tag.posts)) for tag in self.site.tags)
        return self.plan_template("tags.html", info, {"tags": self.site.tags}, key)

    def plan_redirect(self, from_path: str, to_path: str) -> PlannedPage:
        """Plan a small page at `from_path` that sends browsers and crawlers to `to_path`."""
        target = self.site.permalink_for(to_path)
        info = self.page_info("alias", "Redirect", from_path)
        return self.plan_template("alias.html", info, {"target": target}, target)

    def render_redirect(self, from_path: str, to_path: str) -> OutputFile:
        """Render a small page at `from_path` that sends browsers and crawlers to `to_path`."""
        return self.plan_redirect(from_path, to_path).render()

    def plan_feeds(self) -> Iterator[PlannedPage]:
        """Plan the feeds of the site, the posts section and each tag, in each of their formats."""
        site = self.site
        every_format = tuple(FEED_FORMATS)
        feeds = [
            ("/", site.title, site.posts, every_format),
            ("/posts/", f"Posts on {site.title}", site.posts, (RSS_FILE,)),
        ]
        feeds += [(tag.path, f"{tag.name} on {site.title}", tag.posts, every_format) for tag in site.tags]
        for page_path, title, posts, file_names in feeds:
            listed = posts[: site.settings.feed_limit]
            listed_keys = tuple(self.post_key(post) for post in listed)
            for file_name in file_names:
                feed_path = page_path + file_name
                channel = self.feed_channel(feed_path, title, page_path)
                render = partial(self.render_feed, feed_path, channel, listed)
                yield PlannedPage(output_file(feed_path), "feed", (channel, listed_keys), render)

    def render_feed(self, feed_path: str, channel: FeedChannel, posts: Sequence[Post]) -> OutputFile:
        """Render the feed at site path `feed_path` in the format its file name selects."""
        document = FEED_FORMATS[feed_path.rsplit("/", 1)[-1]](channel, self.feed_entries.entries(posts))
        return OutputFile(output_file(feed_path), document, "feed")

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
        """Render the sitemap of every page planned so far, robots.txt, and GitHub Pages' files.

        Call it after `plan_pages` (or `render_all`) has been consumed: the sitemap lists what that planned.
        """
        for planned in self.plan_crawler_files():
            yield planned.render()

    def plan_crawler_files(self) -> Iterator[PlannedPage]:
        """Plan the sitemap of every page planned so far, robots.txt, and GitHub Pages' files."""
        site = self.site
        pages = tuple((page.permalink, page.lastmod) for page in self.sitemap_pages)
        yield _planned_asset(SITEMAP_FILE, partial(sitemap_document, pages), pages)
        sitemap_url = site.permalink_for(SITEMAP_FILE)
        yield _planned_asset(ROBOTS_FILE, partial(robots_txt, sitemap_url), sitemap_url)
        # GitHub Pages runs Jekyll on the files unless this file exists, and Jekyll drops
        # files and folders whose names start with "_" or ".".
        yield _planned_asset(NOJEKYLL_FILE, bytes, None)
        if site.settings.cname:
            cname = f"{site.settings.cname}\n".encode()
            yield _planned_asset(CNAME_FILE, partial(bytes, cname), cname)

    def render_aliases(self) -> Iterator[OutputFile]:
        """Render a redirect page at each alias of each post and page."""
        for post, planned in self.plan_aliases():
            redirect = planned.render()
            yield OutputFile(redirect.path, redirect.content, redirect.kind, alias_of=post)

    def plan_aliases(self) -> Iterator[tuple[Post, PlannedPage]]:
        """Plan a redirect page at each alias of each post and page, with the post or page listing it."""
        for post in [*self.site.posts, *self.site.pages]:
            for alias in post.aliases:
                yield post, self.plan_redirect(alias, post.path)

    def plan_template(self, name: str, info: PageInfo, context: dict[str, Any], key: Hashable = None) -> PlannedPage:
        """Plan the page `info` rendered by template `name`; `key` is what else its content depends on."""
        if info.kind not in NOT_IN_SITEMAP:
            self.sitemap_pages.append(info)
        render = partial(self.render_template, name, info, context)
        return PlannedPage(output_file(info.path), "page", (name, info, key), render, info)

    def render_template(self, name: str, info: PageInfo, context: dict[str, Any]) -> OutputFile:
        """Render template `name` for the page `info`, turning template errors into messages."""
        reads: set[str] = set()
        values = {"site": _TrackedSite(self.site, reads), "page": info, **context}
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
        return OutputFile(output_file(info.path), text.encode("utf-8"), "page", reads=frozenset(reads))


def _syntax_stylesheet_file() -> OutputFile:
    return OutputFile(SYNTAX_STYLESHEET, syntax_stylesheet().encode(), "asset")


def _planned_asset(path: str, content: Callable[[], bytes], key: Hashable) -> PlannedPage:
    """Plan a generated file other than a page or feed, whose content `content()` returns."""
    return PlannedPage(path, "asset", key, lambda: OutputFile(path, content(), "asset"))


def collection_versions(site: Site, renderer: SiteRenderer) -> dict[str, Hashable]:
    """Return a value for each of `SITE_COLLECTIONS` that changes when what it lists changes."""
    posts = tuple(renderer.post_key(post) for post in site.posts)
    pages = tuple(renderer.post_key(page) for page in site.pages)
    versions: dict[str, Hashable] = {"posts": posts, "pages": pages, "tags": posts, "links": posts}
    versions["build_time"] = site.build_time
    versions["build_year"] = site.build_year
    assert set(versions) == SITE_COLLECTIONS
    return versions


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

