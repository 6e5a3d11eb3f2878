"""Slugs, URL paths and output files, in Hugo's layout.

Every output file is derived from a URL path checked here, so no front matter
or file name can make the build write outside the output folder.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

from slugify import slugify

# Characters that break a URL path or a file name on some system.
_UNSAFE_IN_SLUG = re.compile(r'[/\\?#%<>"|*:\x00-\x1f\x7f]')
_WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{n}" for n in range(1, 10)] + [f"lpt{n}" for n in range(1, 10)]
)

# First path segments the build generates itself: a page slug must not take them.
GENERATED_ROOT_NAMES = frozenset(
    [
        "posts", "tags", "page", "links", "css", "index.xml", "atom.xml", "feed.json",
        "sitemap.xml", "robots.txt", "404.html", "index.html", "cname", ".nojekyll",
    ]
)
# A post slug must not take the names used beside posts under /posts/.
GENERATED_POST_NAMES = frozenset(["page", "index.xml", "index.html"])


class InvalidSlug(ValueError):
    """A slug that cannot be one URL segment and one folder name."""


def normalize_slug(raw: str) -> str:
    """Return a slug as Hugo writes it: NFC, lower case, spaces as hyphens.

    Raises `InvalidSlug` with the reason when it cannot be a single, portable
    path segment.
    """
    slug = unicodedata.normalize("NFC", raw.strip()).lower()
    slug = re.sub(r"\s+", "-", slug)
    if not slug:
        raise InvalidSlug("it is empty")
    bad = _UNSAFE_IN_SLUG.search(slug)
    if bad:
        character = repr(bad.group())[1:-1]
        raise InvalidSlug(f'it contains "{character}", which cannot be part of a URL path segment')
    if slug in (".", "..") or slug.startswith("."):
        raise InvalidSlug("it starts with a dot")
    if slug.split(".")[0] in _WINDOWS_DEVICE_NAMES:
        raise InvalidSlug("it is a reserved device name on Windows")
    return slug


def tag_slug(name: str) -> str:
    """Return the URL segment of a tag: python-slugify's, so `Machine Learning` is `machine-learning`."""
    return slugify(name)


def post_path(slug: str) -> str:
    return f"/posts/{quote(slug)}/"


def page_path(folders: tuple[str, ...], slug: str) -> str:
    return "/" + "".join(quote(folder) + "/" for folder in folders) + quote(slug) + "/"


def tag_path(slug: str) -> str:
    return f"/tags/{slug}/"


def paginated_path(first_path: str, number: int) -> str:
    """Return the path of list page `number` (1-based): `/`, `/page/2/`, ..."""
    return first_path if number == 1 else f"{first_path}page/{number}/"


def output_file(path: str) -> str:
    """Return the file a URL path is written to, relative to the output folder.

    `/posts/x/` becomes `posts/x/index.html`; `/index.xml` stays `index.xml`.
    Percent-escapes are decoded, since files hold the real characters.
    """
    relative = unquote(path).lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    return relative
