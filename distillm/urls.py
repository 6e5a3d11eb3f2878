"""Slugs, URL paths and output files, in Hugo's layout.

Every output file is derived from a URL path checked here, so no front matter
or file name can make the build write outside the output folder.
"""

from __future__ import annotations

import functools
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
        # Show a printable character as typed, and a control character escaped, as in \x07.
        character = bad.group() if bad.group().isprintable() else repr(bad.group())[1:-1]
        raise InvalidSlug(f'it contains "{character}", which cannot be part of a URL path segment')
    if slug in (".", "..") or slug.startswith("."):
        raise InvalidSlug("it starts with a dot")
    if slug.split(".")[0] in _WINDOWS_DEVICE_NAMES:
        raise InvalidSlug("it is a reserved device name on Windows")
    return slug


@functools.lru_cache(maxsize=4096)
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


class InvalidAlias(ValueError):
    """An alias that cannot be a path on this site."""


_REDIRECT_FILE_SUFFIXES = (".html", ".htm")
_URL_SCHEME_OR_HOST = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def alias_path(alias: str, section_path: str) -> str:
    """Return the site path that an alias in front matter redirects from.

    As in Hugo, `/old-name/` and `/2019/05/old.html` start at the site's root,
    and an alias without a leading slash (`old-name`) is in the section of the
    post that lists it (`section_path`, such as `/posts/`). A last segment
    ending in `.html` names a file; anything else names a folder.

    Raises `InvalidAlias` with the reason when the alias is a full URL, has a
    query or fragment, or has a segment that cannot be a folder name (`..` and
    other names starting with a dot included, also when percent-encoded), so
    no alias can point outside the output folder.
    """
    text = alias.strip()
    if _URL_SCHEME_OR_HOST.match(text):
        raise InvalidAlias("it is a full URL; write only its path, such as /posts/old-name/")
    if "?" in text or "#" in text:
        raise InvalidAlias("it has a query or fragment, which a static redirect page cannot match")
    if "\\" in text:
        raise InvalidAlias('it contains "\\"; separate folders with "/"')
    joined = text if text.startswith("/") else section_path + text
    segments = [unquote(segment) for segment in joined.strip("/").split("/")]
    if segments == [""]:
        raise InvalidAlias("it is the site's root, which is the home page")
    for segment in segments:
        _check_alias_segment(segment)
    path = "/" + "/".join(quote(segment) for segment in segments)
    return path if segments[-1].lower().endswith(_REDIRECT_FILE_SUFFIXES) else path + "/"


def _check_alias_segment(segment: str) -> None:
    if not segment:
        raise InvalidAlias('it has an empty segment ("//"); remove the extra slash')
    if segment in (".", ".."):
        raise InvalidAlias(f'it contains a "{segment}" segment; write the path from the site\'s root instead')
    if segment.startswith("."):
        raise InvalidAlias(f'"{segment}" starts with a dot, and servers hide such files')
    bad = _UNSAFE_IN_SLUG.search(segment)
    if bad:
        shown = repr(bad.group())[1:-1]
        raise InvalidAlias(f'it contains "{shown}", which cannot be part of a file name')
    if segment.split(".")[0].lower() in _WINDOWS_DEVICE_NAMES:
        raise InvalidAlias(f'"{segment}" is a reserved device name on Windows')


def section_of(path: str) -> str:
    """Return the path of the folder holding a page: `/posts/` for `/posts/x/`, `/` for `/about/`."""
    parent = path.rstrip("/").rsplit("/", 1)[0]
    return parent + "/"


def resource_output_file(page_path: str, relative: str) -> str:
    """Return the output file of a page bundle's resource, beside the page's `index.html`."""
    return unquote(page_path).lstrip("/") + relative
