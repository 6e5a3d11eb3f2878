"""Feeds: RSS 2.0 for the site, the posts section and each tag.

feedgen builds the XML and escapes every text. It rejects naive datetimes and
characters XML forbids, so dates arrive aware (the loader makes them so) and
text is cleaned here first, with a warning naming the post.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from . import __version__
from .errors import display_path
from .model import Post, Site

logger = logging.getLogger(__name__)

GENERATOR_URI = "https://pypi.org/project/distillm/"

# XML 1.0 allows tab, newline, carriage return and most of Unicode, but not the
# other C0 controls, lone surrogates, U+FFFE or U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_URL_ATTRIBUTE = re.compile(r"""(?P<prefix>\s(?:href|src)\s*=\s*)(?P<quote>["'])(?P<url>.*?)(?P=quote)""", re.IGNORECASE)


@dataclass(frozen=True)
class FeedSpec:
    """One feed: where it lives, what it is called and which posts it lists."""

    path: str
    title: str
    description: str
    page_path: str
    """The HTML page the feed mirrors (its `<link>`)."""
    posts: Sequence[Post]


def absolutize_urls(markup: str, page_url: str) -> str:
    """Resolve every `href` and `src` in `markup` against `page_url`.

    Feed readers show content away from the site, so root-relative and
    relative links would break there. Fragments and absolute URLs are kept.
    """

    def resolve(match: re.Match[str]) -> str:
        url = match.group("url")
        if url.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
            return match.group(0)
        absolute = urljoin(page_url, url)
        return f"{match.group('prefix')}{match.group('quote')}{absolute}{match.group('quote')}"

    return _URL_ATTRIBUTE.sub(resolve, markup)


def clean_xml_text(text: str) -> str:
    """Remove the characters XML forbids."""
    return _XML_ILLEGAL.sub("", text)


@dataclass(frozen=True)
class FeedItem:
    """The feed-ready texts of one post: XML-safe, with absolute URLs."""

    title: str
    content: str
    categories: tuple[str, ...]


class FeedBuilder:
    """Build the site's feeds, preparing each post's item text once for all of them."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._items: dict[int, FeedItem] = {}

    def rss(self, spec: FeedSpec) -> bytes:
        """Return the RSS 2.0 document of `spec`: its newest `feed_limit` posts."""
        site, settings = self.site, self.site.settings
        posts = list(spec.posts)[: settings.feed_limit]
        feed = FeedGenerator()
        feed.title(clean_xml_text(spec.title))
        # feedgen takes the channel's <link> from the last link added, so self comes first.
        feed.link(href=site.permalink_for(spec.path), rel="self")
        feed.link(href=site.permalink_for(spec.page_path), rel="alternate")
        feed.description(clean_xml_text(spec.description or settings.title))
        feed.language(settings.language)
        feed.generator("distillm", __version__, GENERATOR_URI)
        newest = max((post.lastmod for post in posts if post.lastmod), default=None)
        if newest is not None:
            # A date from the content keeps the file identical between builds of unchanged posts.
            feed.lastBuildDate(newest)
        for post in posts:
            self._add_rss_item(feed, post)
        return feed.rss_str(pretty=True)

    def item(self, post: Post) -> FeedItem:
        """Return the feed texts of `post`, warning once if XML-illegal characters were removed."""
        key = id(post)
        if key not in self._items:
            full = self.site.settings.feed_content == "full"
            content = absolutize_urls(post.content_html if full else post.summary_html, post.permalink)
            raw = "\n".join([post.title, content, *(tag.name for tag in post.tags)])
            if _XML_ILLEGAL.search(raw):
                logger.warning(
                    "%s: warning: characters that XML does not allow were removed from the feeds; "
                    "delete them from the post",
                    display_path(post.source_path),
                )
            self._items[key] = FeedItem(
                clean_xml_text(post.title),
                clean_xml_text(content),
                tuple(clean_xml_text(tag.name) for tag in post.tags),
            )
        return self._items[key]

    def _add_rss_item(self, feed: FeedGenerator, post: Post) -> None:
        item = self.item(post)
        entry = feed.add_entry(order="append")
        entry.title(item.title)
        entry.link(href=post.permalink)
        entry.guid(post.permalink, permalink=True)
        if post.date is not None:
            entry.pubDate(post.date)
        entry.description(item.content)
        for category in item.categories:
            entry.category(term=category)
