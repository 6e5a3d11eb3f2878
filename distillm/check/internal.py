"""Broken internal links, reported where the author can fix them.

A link that does not resolve is usually written once, in a post, and then
shown on several pages: the post, list summaries, the link archive. Each
broken target is therefore reported once per place in the content that
writes it. A target that no post or page writes comes from a template, and is
reported at its first built page, with a count of the other pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostic, display_path
from ..model import Link, Post, Site
from ..urls import output_file
from .pages import SiteLinks, UnresolvedLink, read_built_pages


@dataclass(frozen=True)
class _Place:
    """The place where a broken link is written: a content file and line, or a built page."""

    path: str
    line: int | None
    written: str
    """The link as written there."""
    in_content: bool
    column: int | None = None
    """The 1-based column of `written` in the line, when it appears there as written."""


def internal_link_problems(site: Site, built_dir: Path, output_dir: Path) -> list[Diagnostic]:
    """Check every internal link of the site built into `built_dir`.

    `output_dir` is where `distillm build` writes the site (`public/`); problems
    that only a template causes name the page there.
    """
    checker = SiteLinks(built_dir, site.settings.base_url, read_built_pages(built_dir))
    owners = {output_file(post.path): post for post in [*site.posts, *site.pages]}
    by_target: dict[str, list[tuple[UnresolvedLink, _Place]]] = defaultdict(list)
    for unresolved in checker.unresolved():
        place = _place_in_content(owners.get(unresolved.page), unresolved, site.settings.base_path)
        if place is None:
            place = _Place(display_path(output_dir / unresolved.page), unresolved.link.line, unresolved.link.value, False)
        by_target[unresolved.target].append((unresolved, place))
    problems = []
    for occurrences in by_target.values():
        problems.extend(_target_problems(occurrences))
    return problems


def _target_problems(occurrences: list[tuple[UnresolvedLink, _Place]]) -> list[Diagnostic]:
    """Report one broken target: at each place in the content, else at its first built page."""
    reason = occurrences[0][0].reason
    in_content = list(dict.fromkeys(place for _, place in occurrences if place.in_content))
    if in_content:
        return [
            Diagnostic(place.path, f"broken link to {place.written}: {reason}; correct the link", place.line, place.column)
            for place in in_content
        ]
    first = occurrences[0][1]
    pages = {unresolved.page for unresolved, _ in occurrences}
    others = len(pages) - 1
    also = f" (and on {others} other page{'s' if others != 1 else ''})" if others else ""
    return [
        Diagnostic(
            first.path,
            f"broken link to {first.written}{also}: {reason}; correct the template that writes it",
            first.line,
        )
    ]


def _place_in_content(post: Post | None, unresolved: UnresolvedLink, base_path: str) -> _Place | None:
    """Return the line of the post or page that writes a link of its own page, if it does."""
    if post is None:
        return None
    shown = display_path(post.source_path)
    lines = post.source_path.read_text(encoding="utf-8").splitlines()
    link = _link_with_anchor(post.links, unresolved.link.element_id)
    if link is not None:
        return _Place(shown, link.line, link.url, True, _column_in_line(lines, link.line, [link.url]))
    # Raw HTML links are not in the link database: find them in the source, as written.
    value = unresolved.link.value
    written = "/" + value[len(base_path) :] if value.startswith(base_path) and base_path != "/" else value
    line = _line_containing(lines, post.body_line, [value, written])
    if line is None:
        return None
    return _Place(shown, line, written, True, _column_in_line(lines, line, [written, value]))


def _link_with_anchor(links: list[Link], anchor_id: str | None) -> Link | None:
    if anchor_id is None:
        return None
    return next((link for link in links if link.anchor_id == anchor_id), None)


def _line_containing(lines: list[str], body_line: int, needles: list[str]) -> int | None:
    """Return the first body line (1-based) of a content file's `lines` that contains one of `needles`."""
    for number in range(body_line, len(lines) + 1):
        if any(needle in lines[number - 1] for needle in needles):
            return number
    return None


def _column_in_line(lines: list[str], line: int, needles: list[str]) -> int | None:
    """Return the 1-based column where the first of `needles` found in line `line` of `lines` starts."""
    if not 1 <= line <= len(lines):
        return None
    for needle in needles:
        index = lines[line - 1].find(needle) if needle else -1
        if index >= 0:
            return index + 1
    return None
