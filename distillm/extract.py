"""Extract stage: build the site's link database from every post's links.

Each post's links were read from its tokens on their own by
`extract_post_links`, when the post was processed. The work across posts
happens here: the site's list of links, the duplicate warnings, and the
"also linked in" pointer from a link to its occurrence in an older post.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

from .canonical import canonical_url, loose_key
from .errors import Diagnostic, display_path
from .model import Link, Post, Site

logger = logging.getLogger(__name__)


def extract_site_links(site: Site) -> None:
    """Fill `site.links` from the published posts' links, logging their warnings and the duplicates.

    Pages outside `content/posts/` are not digests, so their links are not collected.
    """
    for post in site.posts:
        for warning in post.link_warnings:
            logger.warning("%s", warning)
    site.links = [link for post in site.posts for link in post.links]
    for warning in mark_duplicates(site.posts, site.settings.base_url):
        logger.warning("%s", warning)


def mark_duplicates(posts: Sequence[Post], base_url: str) -> list[Diagnostic]:
    """Point each link at its occurrence in an older post, and report repeated links.

    Posts are read oldest first. A link repeated in a later post, or later in
    the same post, gets a warning naming the earlier place, unless the post
    lists the URL in `repeat_links`. `link.earlier` is set to the first
    occurrence in the newest older post that has the link, whether or not it
    was warned about.
    """
    seen: dict[str, list[Link]] = defaultdict(list)
    warnings: list[Diagnostic] = []
    for post in sorted(posts, key=_oldest_first):
        repeated_on_purpose = _repeat_link_keys(post, base_url)
        for link in post.links:
            occurrences = seen[link.loose_key]
            link.earlier = _first_in_newest_other_post(occurrences, post)
            previous = occurrences[-1] if occurrences and occurrences[-1].post is post else link.earlier
            if previous is not None and link.loose_key not in repeated_on_purpose:
                warnings.append(_duplicate_warning(link, previous))
            occurrences.append(link)
        warnings.extend(_unused_repeat_links(post, base_url))
    return warnings


def _oldest_first(post: Post) -> tuple[float, str]:
    return (post.timestamp, post.path)


def _repeat_link_keys(post: Post, base_url: str) -> set[str]:
    return {loose_key(canonical_url(url, base_url, post.permalink)) for url in post.metadata.repeat_links}


def link_earlier_occurrences(post: Post, index: dict[str, list[Link]]) -> None:
    """Set `link.earlier` for the links of one post, from `index` (loose key -> links of the other posts).

    Gives what `mark_duplicates` gives for this post, without reading every
    link of the site: `distillm serve` uses it to show an edited post at once.
    """
    order = _oldest_first(post)
    for link in post.links:
        # The index may still hold this post's previous version: compare files, not objects.
        older = [
            other
            for other in index.get(link.loose_key, ())
            if other.post.source_path != post.source_path and _oldest_first(other.post) < order
        ]
        if not older:
            link.earlier = None
            continue
        newest = max(_oldest_first(other.post) for other in older)
        # The index lists each post's links in document order, so the first match is the first occurrence.
        link.earlier = next(other for other in older if _oldest_first(other.post) == newest)


def _first_in_newest_other_post(occurrences: list[Link], post: Post) -> Link | None:
    """Return the first occurrence in the newest older post; `occurrences` are in reading order."""
    found = None
    for link in reversed(occurrences):
        if link.post is post:
            continue
        if found is not None and link.post is not found.post:
            break
        found = link
    return found


def _duplicate_warning(link: Link, previous: Link) -> Diagnostic:
    place = f"{display_path(previous.post.source_path)}:{previous.line}"
    return Diagnostic(
        display_path(link.post.source_path), f"link already in {place} ({link.url})", link.line, severity="warning"
    )


def _unused_repeat_links(post: Post, base_url: str) -> list[Diagnostic]:
    """Report `repeat_links` entries that no link of the post matches, since they silence nothing."""
    linked = {link.loose_key for link in post.links}
    line = post.metadata.key_lines.get("repeat_links")
    return [
        Diagnostic(
            display_path(post.source_path),
            f"repeat_links lists {url}, which this post does not link; remove it or correct the URL",
            line,
            severity="warning",
        )
        for url in post.metadata.repeat_links
        if loose_key(canonical_url(url, base_url, post.permalink)) not in linked
    ]
