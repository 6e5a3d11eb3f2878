"""The link archive: pages and feeds built from the site's link database.

    /links/                       periods with counts, then the newest period's links
    /links/2024-04/               one page per period, links grouped by day
    /links/undated/               links without a period (paginated)
    /links/<kind>/                one list per kind (paginated)
    /links/domains/               domains by link count (paginated)
    /links/domains/<domain>/      one list per domain (paginated)
    /links/index.xml, feed.json   the newest `feed_limit` links

Paginated lists put `LINKS_PER_PAGE` links on a page, so no page lists a
whole archive, which for 1,000 digests of about 40 links each reaches 40,000.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .canonical import LINK_KINDS
from .feeds import FeedChannel, FeedEntry, clean_xml_text, json_feed_document, rss_document
from .linkdates import Month
from .model import Link, Site
from .urls import output_file, paginated_path

if TYPE_CHECKING:
    from .render import OutputFile, Paginator, PlannedPage, SiteRenderer

LINKS_PATH = "/links/"
UNDATED_PATH = "/links/undated/"
DOMAINS_PATH = "/links/domains/"
RSS_PATH = "/links/index.xml"
JSON_FEED_PATH = "/links/feed.json"
LINKS_PER_PAGE = 100
LINK_ITEM_TEMPLATE = "partials/link_item.html"
"""Links (or domains) per page of a paginated link list: a link is one line, a post summary ten."""

KIND_TITLES = {
    "paper": "Papers",
    "discussion": "Discussions",
    "video": "Videos",
    "repo": "Repositories",
    "model": "Models",
    "dataset": "Datasets",
    "social": "Social posts",
    "internal": "Links within this site",
    "article": "Articles",
}
_NOT_IN_DOMAIN_SEGMENT = re.compile(r"[^a-z0-9.-]+")


@dataclass(frozen=True)
class DayGroup:
    """The links of one day of a period; `day` is None for links with a period but no date."""

    day: date | None
    links: Sequence[Link]


@dataclass(frozen=True)
class ArchiveUrls:
    """The URL of each domain's and each kind's archive page, worked out once for every link shown."""

    domains: dict[str, str]
    kinds: dict[str, str]


@dataclass(frozen=True)
class PeriodSummary:
    """A period in the archive index, with the URL of its page."""

    month: Month
    url: str
    count: int


@dataclass(frozen=True)
class DomainSummary:
    """A domain in the domain index, with the URL of its page."""

    domain: str
    url: str
    count: int


def domain_path(domain: str) -> str:
    """Return the archive path of a domain; characters unsafe in a folder name become `-`."""
    segment = re.sub(r"\.{2,}", ".", _NOT_IN_DOMAIN_SEGMENT.sub("-", domain.lower())).strip(".-")
    return f"{DOMAINS_PATH}{segment or 'unknown'}/"


def period_path(month: Month) -> str:
    return f"{LINKS_PATH}{month}/"


def kind_path(kind: str) -> str:
    return f"{LINKS_PATH}{kind}/"


def group_by_day(links: Sequence[Link]) -> list[DayGroup]:
    """Group links by date, newest day first; links without a date come last."""
    days: dict[date | None, list[Link]] = defaultdict(list)
    for link in links:
        days[link.date].append(link)
    dated = sorted((day for day in days if day is not None), reverse=True)
    groups = [DayGroup(day, days[day]) for day in dated]
    if None in days:
        groups.append(DayGroup(None, days[None]))
    return groups


def newest_first(links: Sequence[Link]) -> list[Link]:
    """Sort links by their date (the post's date when they have none), newest first.

    Links of one day keep the order of their posts, newest post first, and
    their order within each post.
    """
    order = {id(link): index for index, link in enumerate(links)}
    return sorted(links, key=lambda link: (_published_day(link), _post_timestamp(link), -order[id(link)]), reverse=True)


def _published_day(link: Link) -> date:
    if link.date is not None:
        return link.date
    return link.post.date.date() if link.post.date else date.min


def _post_timestamp(link: Link) -> float:
    return link.post.timestamp


class LinkPages:
    """Plan the link archive of one site with the site's renderer and templates."""

    def __init__(self, renderer: SiteRenderer) -> None:
        self.renderer = renderer
        self.site: Site = renderer.site
        self.links = newest_first(self.site.links)
        domains = {link.domain for link in self.links if link.domain is not None}
        self.archive_urls = ArchiveUrls(
            domains={domain: self.site.url_for(domain_path(domain)) for domain in domains},
            kinds={kind: self.site.url_for(kind_path(kind)) for kind in LINK_KINDS},
        )
        # NOTE: this cache grows with the site, by about 600 bytes a link. At 10,000 posts it is
        # a quarter of the build's peak memory.
        self._link_html: dict[int, Markup] = {}
        self._link_keys: dict[int, Hashable] = {}

    def link_html(self, link: Link) -> Markup:
        """Return the archive entry of a link, rendered once and shown on every archive page that lists it.

        A link is listed on its period's page, its kind's and its domain's, and
        maybe the index, so rendering its entry once saves most of their work.
        """
        key = id(link)
        if key not in self._link_html:
            macro = self.renderer.env.get_template(LINK_ITEM_TEMPLATE).module.link_item
            self._link_html[key] = Markup(macro(link, self.archive_urls))
        return self._link_html[key]

    def plan_all(self) -> Iterator[PlannedPage]:
        """Yield the plan of every page and feed of the link archive."""
        by_period = self.links_by_period()
        yield self.plan_index(by_period)
        for month, links in by_period.items():
            yield self.plan_period(month, links, by_period)
        undated = [link for link in self.links if link.period is None]
        yield from self.plan_list(UNDATED_PATH, "Undated links", undated, "undated")
        for kind in LINK_KINDS:
            of_kind = [link for link in self.links if link.kind == kind]
            if of_kind:
                yield from self.plan_list(kind_path(kind), KIND_TITLES[kind], of_kind, "kind", kind=kind)
        yield from self.plan_domains()
        yield from self.plan_feeds()

    def link_keys(self, links: Sequence[Link]) -> tuple[Hashable, ...]:
        """Return the part of a planned key that stands for listing `links`, in order."""
        keys = self._link_keys
        post_key = self.renderer.post_key
        for link in links:
            if id(link) not in keys:
                keys[id(link)] = (post_key(link.post), link.anchor_id)
        return tuple(keys[id(link)] for link in links)

    def links_by_period(self) -> dict[Month, list[Link]]:
        """Return the links of each period, newest period first."""
        periods: dict[Month, list[Link]] = defaultdict(list)
        for link in self.links:
            if link.period is not None:
                periods[link.period].append(link)
        return {month: periods[month] for month in sorted(periods, reverse=True)}

    def plan_index(self, by_period: dict[Month, list[Link]]) -> PlannedPage:
        summaries = [PeriodSummary(m, self.site.url_for(period_path(m)), len(links)) for m, links in by_period.items()]
        newest = next(iter(by_period.items()), None)
        kinds = Counter(link.kind for link in self.links)
        context = {
            "periods": summaries,
            "undated_count": sum(1 for link in self.links if link.period is None),
            "kinds": [(kind, KIND_TITLES[kind], self.site.url_for(kind_path(kind)), kinds[kind]) for kind in LINK_KINDS if kinds[kind]],
            "newest_period": newest[0] if newest else None,
            "groups": group_by_day(newest[1]) if newest else [],
            "total": len(self.links),
        }
        key = (
            tuple(summaries),
            context["undated_count"],
            tuple(context["kinds"]),
            len(self.links),
            self.link_keys(newest[1]) if newest else (),
        )
        return self.plan("links.html", "Links", LINKS_PATH, context, self.links, key)

    def plan_period(self, month: Month, links: list[Link], by_period: dict[Month, list[Link]]) -> PlannedPage:
        months = list(by_period)
        index = months.index(month)
        newer = months[index - 1] if index > 0 else None
        older = months[index + 1] if index + 1 < len(months) else None
        context = {
            "month": month,
            "groups": group_by_day(links),
            "total": len(links),
            "newer_url": self.site.url_for(period_path(newer)) if newer else None,
            "newer": newer,
            "older_url": self.site.url_for(period_path(older)) if older else None,
            "older": older,
        }
        key = (newer, older, self.link_keys(links))
        return self.plan("links_period.html", f"Links of {month.name}", period_path(month), context, links, key)

    def plan_list(self, first_path: str, title: str, links: list[Link], list_kind: str, **extra: Any) -> Iterator[PlannedPage]:
        """Plan a paginated list of links at `first_path`, `first_path/page/2/`, ...

        Unlike the post lists, which keep Hugo's `page/1/` redirects for old
        links, the archive has no such page: it would double the files of a
        site with hundreds of domains, for URLs nobody ever linked to.
        """
        for paginator in self.paginate(first_path, links):
            page_title = title if paginator.number == 1 else f"{title} (page {paginator.number})"
            path = paginated_path(first_path, paginator.number)
            context = {"paginator": paginator, "links": paginator.items, "list_kind": list_kind, "list_title": title, **extra}
            key = (list_kind, tuple(extra.items()), paginator.total_pages, len(links), self.link_keys(paginator.items))
            yield self.plan("links_list.html", page_title, path, context, paginator.items, key)

    def plan_domains(self) -> Iterator[PlannedPage]:
        """Plan the domain index (most links first) and one list per domain."""
        by_path: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            if link.domain is not None:
                by_path[domain_path(link.domain)].append(link)
        ordered = sorted(by_path.items(), key=lambda item: (-len(item[1]), item[1][0].domain))
        summaries = [DomainSummary(links[0].domain or "", self.site.url_for(path), len(links)) for path, links in ordered]
        for paginator in self.paginate(DOMAINS_PATH, summaries):
            title = "Domains" if paginator.number == 1 else f"Domains (page {paginator.number})"
            path = paginated_path(DOMAINS_PATH, paginator.number)
            context = {"paginator": paginator, "domains": paginator.items}
            key = (paginator.total_pages, len(summaries), tuple(paginator.items))
            yield self.plan("links_domains.html", title, path, context, self.links, key)
        for path, links in ordered:
            domain = links[0].domain or ""
            yield from self.plan_list(path, f"Links to {domain}", links, "domain", domain=domain)

    def paginate(self, first_path: str, items: Sequence[Any]) -> list[Paginator]:
        """Return one `Paginator` per page of `items`, `LINKS_PER_PAGE` to a page."""
        from .render import paginate

        return paginate(items, LINKS_PER_PAGE, first_path, self.site.url_for)

    def plan(
        self, template: str, title: str, path: str, context: dict[str, Any], links: Sequence[Link], key: Hashable
    ) -> PlannedPage:
        """Plan a link archive page; its `lastmod` is the newest edit of a post it lists links of."""
        edits = [link.post.lastmod for link in links if link.post.lastmod is not None]
        info = self.renderer.page_info("links", title, path, lastmod=max(edits, default=None))
        return self.renderer.plan_template(template, info, {**context, "link_html": self.link_html}, key)

    def plan_feeds(self) -> Iterator[PlannedPage]:
        """Plan the links feeds: RSS 2.0 and JSON Feed 1.1, one item per link."""
        from .render import PlannedPage

        site = self.site
        channel = FeedChannel(
            title=f"Links on {site.title}",
            description=f"The newest links curated on {site.title}",
            feed_url=site.permalink_for(RSS_PATH),
            home_url=site.permalink_for(LINKS_PATH),
            language=site.language,
        )
        json_channel = FeedChannel(
            channel.title, channel.description, site.permalink_for(JSON_FEED_PATH), channel.home_url, channel.language
        )
        listed = self.links[: site.settings.feed_limit]
        key = self.link_keys(listed)
        yield PlannedPage(output_file(RSS_PATH), "feed", (channel, key), partial(self.render_feed, RSS_PATH, channel, listed))
        yield PlannedPage(
            output_file(JSON_FEED_PATH), "feed", (json_channel, key), partial(self.render_feed, JSON_FEED_PATH, json_channel, listed)
        )

    def render_feed(self, feed_path: str, channel: FeedChannel, links: Sequence[Link]) -> OutputFile:
        """Render a links feed, RSS 2.0 for `index.xml` and JSON Feed 1.1 otherwise."""
        from .render import OutputFile

        entries = [self.feed_entry(link) for link in links]
        document = rss_document if feed_path == RSS_PATH else json_feed_document
        return OutputFile(output_file(feed_path), document(channel, entries), "feed")

    def feed_entry(self, link: Link) -> FeedEntry:
        """Return the feed item of a link; its id is the link's anchor on its post page."""
        title = clean_xml_text(link.display_title)
        published = datetime.combine(_published_day(link), time(), self.site.settings.tzinfo)
        author = self.site.settings.author
        return FeedEntry(
            id=link.permalink,
            title=title,
            url=link.permalink,
            published=published,
            updated=None,
            content_html=clean_xml_text(str(self.feed_content(link))),
            external_url=link.canonical_url,
            categories=(link.kind,),
            authors=(author,) if author else (),
        )

    def feed_content(self, link: Link) -> Markup:
        """Return the HTML of a link's feed item: the link, its domain and kind, and its post."""
        where = Markup(" · ").join(part for part in (link.domain, link.kind) if part)
        return Markup('<p><a href="{url}">{title}</a> ({where})</p>\n<p>From <a href="{source}">{post}</a></p>').format(
            url=link.canonical_url,
            title=link.display_title,
            where=where,
            source=link.permalink,
            post=link.post.title,
        )
