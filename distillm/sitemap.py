"""Files for crawlers: `sitemap.xml` (the sitemaps.org 0.9 protocol) and `robots.txt`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from xml.etree import ElementTree

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_document(pages: Iterable[tuple[str, datetime | None]]) -> bytes:
    """Return a sitemap listing each `(absolute URL, last change)` once, in the order given.

    ElementTree escapes the URLs; `lastmod` is W3C datetime with its zone.
    """
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP_NAMESPACE)
    seen: set[str] = set()
    for url, lastmod in pages:
        if url in seen:
            continue
        seen.add(url)
        entry = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(entry, "loc").text = url
        if lastmod is not None:
            ElementTree.SubElement(entry, "lastmod").text = lastmod.isoformat()
    ElementTree.indent(urlset)
    return ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(sitemap_url: str) -> bytes:
    """Return a robots.txt that allows every crawler and names the sitemap.

    Crawlers read robots.txt only at the root of a host, so under a sub-path
    (`https://user.github.io/blog/robots.txt`) it is there for completeness;
    the sitemap can then be submitted to search engines by hand.
    """
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode()
