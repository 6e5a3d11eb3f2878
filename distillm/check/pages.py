"""Internal links of a built site: every `href` and `src` of every HTML page must resolve.

A link resolves when the site's output has the file it names (`/posts/x/` is
`posts/x/index.html`, and a folder without the slash is served as the folder)
and, for a `#fragment`, when the target page has an element with that id.
Links to other hosts and to schemes other than http(s) are not internal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

INDEX_FILE = "index.html"
URL_ATTRIBUTES = frozenset(["href", "src"])
# Browsers scroll to the top for an empty fragment and for `#top` when no element has that id.
TOP_FRAGMENTS = frozenset(["", "top"])
_REFRESH_URL = re.compile(r"^\s*\d+\s*[;,]\s*url\s*=\s*['\"]?(?P<url>[^'\"]*)", re.IGNORECASE)


@dataclass(frozen=True)
class PageLink:
    """One URL in a built page, as written in its `href`, `src` or refresh `content`."""

    value: str
    line: int
    """1-based line in the built page."""
    element_id: str | None
    """The `id` of the element carrying the URL; post pages give each body link one."""


@dataclass
class BuiltPage:
    """The ids and links of one HTML page of the output."""

    ids: set[str] = field(default_factory=set)
    links: list[PageLink] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = BuiltPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        element_id = values.get("id")
        if element_id is not None:
            self.page.ids.add(element_id)
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])  # The pre-HTML5 anchor form, still honoured by browsers.
        line = self.getpos()[0]
        for name in URL_ATTRIBUTES & values.keys():
            self.page.links.append(PageLink(values[name], line, element_id))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH_URL.match(values.get("content", ""))
            if match:
                self.page.links.append(PageLink(match.group("url"), line, element_id))

    handle_startendtag = handle_starttag


def parse_page(markup: str) -> BuiltPage:
    """Return the ids and the URLs of an HTML page."""
    parser = _PageParser()
    parser.feed(markup)
    parser.close()
    return parser.page


def read_built_pages(output_dir: Path) -> dict[str, BuiltPage]:
    """Parse every HTML page of an output folder, by `/`-separated path relative to it."""
    pages = {}
    for folder, _, names in os.walk(output_dir):
        for name in names:
            if name.endswith((".html", ".htm")):
                path = Path(folder, name)
                relative = path.relative_to(output_dir).as_posix()
                pages[relative] = parse_page(path.read_text(encoding="utf-8"))
    return dict(sorted(pages.items()))


def page_url(base_url: str, relative_file: str) -> str:
    """Return the public URL of an output file: `posts/x/index.html` is `<base_url>posts/x/`."""
    if relative_file == INDEX_FILE or relative_file.endswith("/" + INDEX_FILE):
        relative_file = relative_file[: -len(INDEX_FILE)]
    return base_url + relative_file


@dataclass(frozen=True)
class UnresolvedLink:
    """An internal link of a built page that does not resolve."""

    page: str
    """The output file holding the link, relative to the output folder."""
    link: PageLink
    target: str
    """The link resolved to an absolute URL, fragment included."""
    reason: str
    """Why it does not resolve, as a clause: `the built site has no page or file there`."""


class SiteLinks:
    """Resolve the internal links of the built pages of a site served at `base_url`."""

    def __init__(self, output_dir: Path, base_url: str, pages: dict[str, BuiltPage]) -> None:
        self.base_url = base_url
        base = urlsplit(base_url)
        self.origin = (base.scheme, base.netloc.lower())
        self.base_path = base.path
        self.pages = pages
        self.files = _output_files(output_dir)
        """Every file of the output, relative, with `/` separators."""

    def unresolved(self) -> Iterator[UnresolvedLink]:
        """Yield every internal link of every page that does not resolve, page by page."""
        for relative, page in self.pages.items():
            source_url = page_url(self.base_url, relative)
            for link in page.links:
                target = _join(source_url, link.value.strip())
                if target is None:
                    continue
                reason = self.problem(target)
                if reason is not None:
                    yield UnresolvedLink(relative, link, target, reason)

    def problem(self, target: str) -> str | None:
        """Return why an absolute URL does not resolve in the site, or None when it does or is external."""
        without_fragment, fragment = urldefrag(target)
        parts = urlsplit(without_fragment)
        if (parts.scheme.lower(), parts.netloc.lower()) != self.origin:
            return None
        if not parts.path.startswith(self.base_path):
            return f"it is outside the base URL {self.base_url}"
        relative = unquote(parts.path[len(self.base_path) :])
        file = self.output_file(relative)
        if file is None:
            return "the built site has no page or file there"
        fragment = unquote(fragment)
        if fragment in TOP_FRAGMENTS or file not in self.pages:
            return None
        if fragment not in self.pages[file].ids:
            return f'its page has no element with id "{fragment}"'
        return None

    def output_file(self, relative: str) -> str | None:
        """Return the output file a site path is served from, or None when there is none.

        Static hosts such as GitHub Pages serve `folder/index.html` for
        `folder/`, and redirect `folder` to `folder/`.
        """
        if relative == "" or relative.endswith("/"):
            candidates = [relative + INDEX_FILE]
        else:
            candidates = [relative, f"{relative}/{INDEX_FILE}"]
        return next((candidate for candidate in candidates if candidate in self.files), None)


def _output_files(output_dir: Path) -> set[str]:
    files = set()
    for folder, _, names in os.walk(output_dir):
        for name in names:
            files.add(Path(folder, name).relative_to(output_dir).as_posix())
    return files


def _join(page: str, value: str) -> str | None:
    """Return `value` resolved against the page URL, or None when it is not an http(s) URL."""
    try:
        target = urljoin(page, value)
    except ValueError:
        return None  # urljoin rejects unbalanced IPv6 brackets; such a URL is not the site's.
    return target if urlsplit(target).scheme.lower() in ("http", "https") else None
