"""Feeds: documents built from generic entries, and the site's post feeds.

A feed is a `FeedChannel` plus `FeedEntry` items, whatever they describe
(posts here; links in the link archive). feedgen builds RSS 2.0 and Atom 1.0
and escapes every text. It rejects naive datetimes and characters XML forbids,
so entries carry aware datetimes and their text is cleaned here first. JSON
Feed 1.1 is plain `json`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from . import __version__
from .errors import display_path
from .markdown import html_to_text, shorten
from .model import Post, Site

logger = logging.getLogger(__name__)

GENERATOR_URI = "https://pypi.org/project/distillm/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
SUMMARY_TEXT_LENGTH = 300
"""Maximum characters of an entry's plain-text summary."""

# XML 1.0 allows tab, newline, carriage return and most of Unicode, but not the
# other C0 controls, lone surrogates, U+FFFE or U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_URL_ATTRIBUTE = re.compile(r"""(?P<prefix>\s(?:href|src)\s*=\s*)(?P<quote>["'])(?P<url>.*?)(?P=quote)""", re.IGNORECASE)
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class FeedChannel:
    """The feed-level fields: title, description, language and links."""

    title: str
    description: str
    feed_url: str
    """Absolute URL of the feed document (its `rel="self"`)."""
    home_url: str
    """Absolute URL of the HTML page the feed mirrors."""
    language: str
    author: str = ""
    """Name of the feed's author; Atom requires one, so it falls back to the title there."""


@dataclass(frozen=True)
class FeedEntry:
    """One feed item, with XML-safe text and absolute URLs."""

    id: str
    """Stable identifier: the item's first permalink; it never changes when the item is edited."""
    title: str
    url: str
    """The item's URL on this site."""
    published: datetime | None
    updated: datetime | None
    content_html: str
    summary: str = ""
    """Plain-text summary, when the feed carries one."""
    summary_html: str = ""
    """HTML summary, used in place of `content_html` when that is empty."""
    external_url: str | None = None
    """The page an item is about, when it is not on this site (a curated link)."""
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = field(default=())


def absolutize_urls(markup: str, page_url: str) -> str:
    """Resolve every `href` and `src` in `markup` against `page_url`.

    Feed readers show content away from the site, so root-relative and
    relative links, and links to a fragment of the page, would break there.
    URLs with a scheme are kept.
    """

    def resolve(match: re.Match[str]) -> str:
        url = match.group("url")
        if _URL_SCHEME.match(url):
            return match.group(0)
        return f"{match.group('prefix')}{match.group('quote')}{urljoin(page_url, url)}{match.group('quote')}"

    return _URL_ATTRIBUTE.sub(resolve, markup)


def clean_xml_text(text: str) -> str:
    """Remove the characters XML forbids."""
    return _XML_ILLEGAL.sub("", text)


def has_xml_illegal_characters(text: str) -> bool:
    return _XML_ILLEGAL.search(text) is not None


def rss_document(channel: FeedChannel, entries: Sequence[FeedEntry]) -> bytes:
    """Return an RSS 2.0 document listing `entries` in the order given."""
    feed = FeedGenerator()
    feed.title(clean_xml_text(channel.title))
    # feedgen takes the channel's <link> from the last link added, so self comes first.
    feed.link(href=channel.feed_url, rel="self")
    feed.link(href=channel.home_url, rel="alternate")
    feed.description(clean_xml_text(channel.description or channel.title))
    feed.language(channel.language)
    feed.generator("distillm", __version__, GENERATOR_URI)
    newest = _newest_date(entries)
    if newest is not None:
        # A date from the content keeps the file identical between builds of unchanged posts.
        feed.lastBuildDate(newest)
    for entry in entries:
        item = feed.add_entry(order="append")
        item.title(entry.title)
        item.link(href=entry.url)
        item.guid(entry.id, permalink=entry.id == entry.url)
        if entry.published is not None:
            item.pubDate(entry.published)
        item.description(entry.content_html or entry.summary_html or entry.summary)
        for category in entry.categories:
            item.category(term=category)
    return feed.rss_str(pretty=True)


def atom_document(channel: FeedChannel, entries: Sequence[FeedEntry]) -> bytes:
    """Return an Atom 1.0 document listing `entries` in the order given.

    Every entry gets an author, the channel's when it has none of its own, and
    an `updated` date, its publication date when it was never edited.
    """
    feed = FeedGenerator()
    feed.id(channel.feed_url)
    feed.title(clean_xml_text(channel.title))
    if channel.description:
        feed.subtitle(clean_xml_text(channel.description))
    feed.link(href=channel.home_url, rel="alternate", type="text/html")
    feed.link(href=channel.feed_url, rel="self", type="application/atom+xml")
    feed.language(channel.language)
    feed_author = clean_xml_text(channel.author or channel.title)
    feed.author(name=feed_author)
    feed.generator("distillm", __version__, GENERATOR_URI)
    newest = _newest_date(entries)
    if newest is not None:
        feed.updated(newest)
    for entry in entries:
        item = feed.add_entry(order="append")
        item.id(entry.id)
        item.title(entry.title)
        item.link(href=entry.url, rel="alternate", type="text/html")
        updated = entry.updated or entry.published or newest
        if updated is not None:
            item.updated(updated)
        if entry.published is not None:
            item.published(entry.published)
        for name in entry.authors or (feed_author,):
            item.author(name=name)
        if entry.content_html:
            item.content(entry.content_html, type="html")
        if entry.summary_html:
            item.summary(entry.summary_html, type="html")
        elif entry.summary:
            item.summary(entry.summary)
        for category in entry.categories:
            item.category(term=category)
    return feed.atom_str(pretty=True)


def _newest_date(entries: Sequence[FeedEntry]) -> datetime | None:
    """Return the latest edit or publication among `entries`, or None."""
    dates = [entry.updated or entry.published for entry in entries]
    return max((moment for moment in dates if moment is not None), default=None)


def json_feed_document(channel: FeedChannel, entries: Sequence[FeedEntry]) -> bytes:
    """Return a JSON Feed 1.1 document listing `entries` in the order given."""
    items = []
    for entry in entries:
        item: dict[str, object] = {"id": entry.id, "url": entry.url}
        if entry.external_url:
            item["external_url"] = entry.external_url
        item["title"] = entry.title
        if entry.content_html or entry.summary_html:
            item["content_html"] = entry.content_html or entry.summary_html
        else:
            item["content_text"] = entry.summary or entry.title
        if entry.summary:
            item["summary"] = entry.summary
        if entry.published is not None:
            item["date_published"] = entry.published.isoformat()
        if entry.updated is not None:
            item["date_modified"] = entry.updated.isoformat()
        if entry.categories:
            item["tags"] = list(entry.categories)
        if entry.authors:
            item["authors"] = [{"name": name} for name in entry.authors]
        items.append(item)
    document = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.feed_url,
        "description": channel.description,
        "language": channel.language,
        "items": items,
    }
    if channel.author:
        document["authors"] = [{"name": channel.author}]
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


class PostEntries:
    """Turn posts into feed entries, preparing each post's text once for every feed."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._entries: dict[int, FeedEntry] = {}

    def entries(self, posts: Sequence[Post]) -> list[FeedEntry]:
        """Return the entries of the newest `feed_limit` of `posts` (given newest first)."""
        return [self.entry(post) for post in posts[: self.site.settings.feed_limit]]

    def entry(self, post: Post) -> FeedEntry:
        """Return the entry of `post`, warning once if XML-illegal characters were removed."""
        key = id(post)
        if key not in self._entries:
            self._entries[key] = self._make_entry(post)
        return self._entries[key]

    def _make_entry(self, post: Post) -> FeedEntry:
        full = self.site.settings.feed_content == "full"
        content = absolutize_urls(post.content_html, post.permalink) if full else ""
        summary = absolutize_urls(post.summary_html, post.permalink)
        tag_names = [tag.name for tag in post.tags]
        if any(has_xml_illegal_characters(text) for text in [post.title, content, summary, *tag_names]):
            logger.warning(
                "%s: warning: characters that XML does not allow were removed from the feeds; "
                "delete them from the post",
                display_path(post.source_path),
            )
        author = self.site.settings.author
        return FeedEntry(
            id=self.first_permalink(post),
            title=clean_xml_text(post.title),
            url=post.permalink,
            published=post.date,
            updated=post.lastmod,
            content_html=clean_xml_text(content),
            summary=clean_xml_text(shorten(html_to_text(summary), SUMMARY_TEXT_LENGTH)),
            summary_html=clean_xml_text(summary),
            categories=tuple(clean_xml_text(name) for name in tag_names),
            authors=(author,) if author else (),
        )

    def first_permalink(self, post: Post) -> str:
        """Return the post's feed id: the absolute URL it was first published at.

        A post whose slug changed lists its old URL in `aliases`, oldest
        first, so its first alias is that URL. Feed readers key items by this
        id, and a new one would show the post again as unread.
        """
        return self.site.permalink_for(post.aliases[0]) if post.aliases else post.permalink
