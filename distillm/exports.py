"""Exports of the link database: JSON, CSV and the Netscape bookmark file.

The JSON and CSV exports have the same columns in the same order. The
bookmark file is the format browsers, Pinboard and linkding import: one
folder per post, one bookmark per link occurrence.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from .extract import extract_site_links
from .loader import LoadOptions, load_site
from .model import Link, Post, Site
from .settings import load_settings

EXPORT_FORMATS = ("json", "csv", "netscape")
COLUMNS = ("url", "canonical_url", "title", "date", "period", "section", "parent", "post", "domain", "kind", "line")


def load_link_database(source_dir: Path, options: LoadOptions) -> Site:
    """Load the site in `source_dir` and extract its links, without rendering anything."""
    settings = load_settings(source_dir)
    site = load_site(source_dir, settings, options, datetime.now(settings.tzinfo))
    extract_site_links(site)
    return site


def link_record(link: Link) -> dict[str, Any]:
    """Return the export fields of a link, in column order; missing values are None."""
    return {
        "url": link.url,
        "canonical_url": link.canonical_url,
        "title": link.title,
        "date": link.date.isoformat() if link.date else None,
        "period": str(link.period) if link.period else None,
        "section": link.section,
        "parent": link.parent.url if link.parent else None,
        "post": link.post.slug,
        "domain": link.domain,
        "kind": link.kind,
        "line": link.line,
    }


def export_links(site: Site, export_format: str) -> str:
    """Return the site's links in `export_format` (one of `EXPORT_FORMATS`)."""
    if export_format == "json":
        return links_json(site.links)
    if export_format == "csv":
        return links_csv(site.links)
    if export_format == "netscape":
        return links_netscape(site.posts, site.settings.tzinfo)
    raise ValueError(f"unknown export format {export_format!r}")


def links_json(links: Sequence[Link]) -> str:
    return json.dumps([link_record(link) for link in links], ensure_ascii=False, indent=1) + "\n"


def links_csv(links: Sequence[Link]) -> str:
    """Return the links as CSV with a header row; missing values are empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for link in links:
        record = link_record(link)
        writer.writerow(["" if record[column] is None else record[column] for column in COLUMNS])
    return buffer.getvalue()


def links_netscape(posts: Sequence[Post], zone: tzinfo) -> str:
    """Return a Netscape bookmark file: a folder per post, a bookmark per link.

    `ADD_DATE` is the link's date at midnight in the site's time zone, in Unix
    seconds; a link without a date takes its post's date.
    """
    lines = [
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
        "<!-- Links exported by distillm. -->",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
        "<TITLE>Bookmarks</TITLE>",
        "<H1>Bookmarks</H1>",
        "<DL><p>",
    ]
    for post in posts:
        if not post.links:
            continue
        folder_date = _unix_time(post.date.date() if post.date else None, zone)
        lines.append(f'    <DT><H3 ADD_DATE="{folder_date}">{html.escape(post.title)}</H3>')
        lines.append("    <DL><p>")
        for link in post.links:
            added = _unix_time(link.date or (post.date.date() if post.date else None), zone)
            lines.append(
                f'        <DT><A HREF="{html.escape(link.canonical_url)}" ADD_DATE="{added}" '
                f'TAGS="{html.escape(link.kind)}">{html.escape(link.display_title)}</A>'
            )
        lines.append("    </DL><p>")
    lines.append("</DL><p>")
    return "\n".join(lines) + "\n"


def _unix_time(day: date | None, zone: tzinfo) -> int:
    if day is None:
        return 0
    return int(datetime.combine(day, time(), zone).timestamp())
