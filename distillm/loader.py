"""Load stage: read `content/**/*.md` into posts and pages and assemble the site.

Each file is decoded, split into front matter and body, checked, and its body
parsed once with markdown-it. Problems from every file are gathered, so one
build reports them all; nothing is rendered or written here.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .cache import PostCache
from .errors import ContentError, Diagnostic, display_path
from .frontmatter import Metadata, SourceFile, decode_source, read_metadata, split_source
from .markdown import count_words, parse_markdown, reading_time, table_of_contents
from .model import Post, SkippedPost, Site, Tag
from .settings import Settings
from .urls import (
    GENERATED_POST_NAMES,
    GENERATED_ROOT_NAMES,
    InvalidAlias,
    InvalidSlug,
    alias_path,
    normalize_slug,
    output_file,
    page_path,
    post_path,
    section_of,
    tag_path,
    tag_slug,
)

logger = logging.getLogger(__name__)

CONTENT_DIR = "content"
POSTS_DIR = "posts"
BUNDLE_INDEX = "index.md"
SECTION_INDEX = "_index.md"


@dataclass(frozen=True)
class LoadOptions:
    """Options of the load stage: the kinds of unpublished posts to include."""

    drafts: bool = False
    future: bool = False
    expired: bool = False


def find_content_files(content_dir: Path) -> list[Path]:
    """Return the Markdown files under `content_dir`, sorted, skipping hidden files and folders."""
    files = []
    for path in content_dir.rglob("*.md"):
        relative = path.relative_to(content_dir)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        files.append(path)
    return sorted(files)


def load_site(
    source_dir: Path,
    settings: Settings,
    options: LoadOptions,
    now: datetime,
    jobs: int | None = None,
    cache: PostCache | None = None,
) -> Site:
    """Load, process and assemble every post and page of the site in `source_dir`.

    Unchanged files come from `cache`; the others are processed in `jobs`
    worker processes when that pays off (see `process.process_files`). Raises `ContentError` with the problems of every
    file when any file is invalid or two files claim one URL. Warnings are logged,
    in file order.
    """
    from .process import process_files  # process.py imports this module for `load_post`.

    content_dir = source_dir / CONTENT_DIR
    errors: list[Diagnostic] = []
    loaded: list[Post] = []
    for processed in process_files(find_publishable_files(content_dir), content_dir, settings, jobs, cache):
        if processed.missing:
            errors.append(Diagnostic(display_path(processed.path), "file deleted during the build; build again"))
        elif processed.post is None:
            errors.extend(processed.errors)
            log_warnings(processed.warnings)
        else:
            log_warnings(processed.post.load_warnings)
            loaded.append(processed.post)
    return assemble_site(source_dir, settings, options, now, loaded=loaded, errors=errors)


def log_warnings(warnings: Iterable[Diagnostic]) -> None:
    for warning in warnings:
        logger.warning("%s", warning)


def find_publishable_files(content_dir: Path) -> list[Path]:
    """Return the content files that are posts or pages, warning about the Markdown files that are not.

    Raises `ContentError` when the content folder is missing.
    """
    if not content_dir.is_dir():
        raise ContentError.at(content_dir, "content folder not found; create it and put posts in content/posts/")
    content_files = find_content_files(content_dir)
    bundle_dirs = {path.parent for path in content_files if is_bundle_index(path.relative_to(content_dir))}
    publishable = []
    for path in content_files:
        bundle = _enclosing_bundle(path, bundle_dirs)
        if bundle is not None:
            # Hugo treats Markdown files in a leaf bundle as resources of its page, not as pages.
            logger.warning(
                "%s: warning: Markdown files inside the page bundle %s/ are not published; "
                "move the file out of that folder to make it a page",
                display_path(path),
                display_path(bundle),
            )
            continue
        if path.name == SECTION_INDEX:
            # NOTE: Hugo's section index files (list-page front matter) have no
            # equivalent yet; their text is not published.
            logger.warning("%s: warning: _index.md files are not used; its text is not published", display_path(path))
            continue
        publishable.append(path)
    return publishable


def assemble_site(
    source_dir: Path,
    settings: Settings,
    options: LoadOptions,
    now: datetime,
    *,
    loaded: list[Post],
    errors: list[Diagnostic],
) -> Site:
    """Assemble loaded posts into a site: drop unpublished ones, check URLs, collect tags, link neighbours.

    `errors` are the problems found while loading; they are raised together
    with the site-level ones as one `ContentError`. Posts are updated in place
    (tags, neighbours), so a caller that keeps posts between builds can
    assemble them again after reloading some.
    """
    errors = list(errors)
    published, skipped = _filter_unpublished(loaded, options, now, settings)
    errors.extend(_url_collisions(published))
    errors.extend(_alias_collisions(published))
    tags, tag_errors = _collect_tags(published, settings)
    errors.extend(tag_errors)
    if errors:
        raise ContentError(errors)

    posts = sorted((p for p in published if p.kind == "post"), key=_newest_first)
    pages = sorted((p for p in published if p.kind == "page"), key=lambda p: p.path)
    _link_neighbours(posts)
    if not loaded:
        content_dir = source_dir / CONTENT_DIR
        logger.warning("%s: warning: no posts found; add Markdown files under content/posts/", display_path(content_dir))
    site = Site(settings, source_dir, posts, pages, tags, skipped, now)
    site.publishing_changes_at = _next_publishing_change(loaded, options, now)
    return site


def load_post(path: Path, content_dir: Path, settings: Settings) -> Post:
    """Read, check and parse one content file.

    Its warnings go to `post.load_warnings`, or to the `ContentError` raised
    with its errors.
    """
    source = split_source(path, decode_source(path, path.read_bytes()))
    relative = path.relative_to(content_dir)
    is_post = relative.parts[0] == POSTS_DIR and len(relative.parts) > 1
    metadata, problems = read_metadata(source, settings.tzinfo, require_date=is_post)
    warnings = [p for p in problems if p.severity == "warning"]
    errors = [p for p in problems if p.severity == "error"]
    folders, slug = _folders_and_slug(relative, is_post, metadata, source, errors)
    if is_post:
        path_in_site = post_path(slug) if not folders else page_path((POSTS_DIR, *folders), slug)
    else:
        path_in_site = page_path(folders, slug)
    aliases = _resolve_aliases(metadata, section_of(path_in_site), source, errors)
    if errors:
        raise ContentError(errors, warnings)
    if "url" in metadata.params:
        # Hugo's `url` replaces the whole path; here it would silently move the page.
        message = (
            f"front-matter url is not supported, so this page is at {path_in_site}; "
            "add the old URL to aliases to keep it working"
        )
        warnings.append(Diagnostic(display_path(path), message, metadata.key_lines.get("url"), severity="warning"))

    parsed = parse_markdown(source.body)
    words = count_words(parsed.tokens)
    return Post(
        source_path=path,
        kind="post" if is_post else "page",
        metadata=metadata,
        slug=slug,
        path=path_in_site,
        url=settings.base_path + path_in_site.lstrip("/"),
        permalink=settings.base_url + path_in_site.lstrip("/"),
        markdown=parsed,
        body_line=source.body_line,
        toc=table_of_contents(parsed.tokens),
        word_count=words,
        reading_time=reading_time(words),
        aliases=aliases,
        resources=bundle_resources(path.parent) if is_bundle_index(relative) else {},
        load_warnings=warnings,
    )


def is_bundle_index(relative: Path) -> bool:
    """Whether a content file (relative to `content/`) is the `index.md` of a page bundle.

    `posts/<name>/index.md` and `<name>/index.md` are bundles; `posts/index.md`
    is a post whose slug is `index`, as in Hugo.
    """
    in_posts = relative.parts[0] == POSTS_DIR
    depth = len(relative.parts) - 1 if in_posts else len(relative.parts)
    return relative.name == BUNDLE_INDEX and depth > 1


def _enclosing_bundle(path: Path, bundle_dirs: set[Path]) -> Path | None:
    """Return the bundle folder that holds `path` as a resource, if any (its own index.md excluded)."""
    if path.name == BUNDLE_INDEX and path.parent in bundle_dirs:
        return None
    return next((folder for folder in path.parents if folder in bundle_dirs), None)


def bundle_resources(bundle_dir: Path) -> dict[str, Path]:
    """Return the files of a page bundle to publish beside its page, by `/`-separated relative path.

    Hidden files and Markdown files are left out: Hugo does not publish
    Markdown resources either.
    """
    resources = {}
    for folder, subfolders, names in os.walk(bundle_dir):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name.endswith(".md"):
                continue
            path = Path(folder, name)
            resources[path.relative_to(bundle_dir).as_posix()] = path
    return resources


def _resolve_aliases(
    metadata: Metadata, section_path: str, source: SourceFile, errors: list[Diagnostic]
) -> list[str]:
    """Return the site paths of front matter's `aliases`, adding a problem to `errors` for each invalid one."""
    paths = []
    for alias in metadata.aliases:
        try:
            path = alias_path(alias, section_path)
        except InvalidAlias as error:
            errors.append(
                Diagnostic(
                    display_path(source.path),
                    f'invalid alias "{alias}": {error}',
                    metadata.key_lines.get("aliases", 1),
                )
            )
            continue
        if path not in paths:
            paths.append(path)
    return paths


def _folders_and_slug(
    relative: Path, is_post: bool, metadata: Metadata, source: SourceFile, errors: list[Diagnostic]
) -> tuple[tuple[str, ...], str]:
    """Return the folders between the section and the file, and the post's slug.

    A bundle (`posts/<name>/index.md`) takes its folder's name; a `slug` in
    front matter replaces the last segment only, as in Hugo.
    """
    parts = relative.parts[1:] if is_post else relative.parts
    if relative.name == BUNDLE_INDEX and len(parts) > 1:
        folders, default_slug = parts[:-2], parts[-2]
    else:
        folders, default_slug = parts[:-1], Path(parts[-1]).stem
    shown_path = display_path(source.path)
    from_front_matter = metadata.slug is not None
    try:
        slug = normalize_slug(metadata.slug if from_front_matter else default_slug)
        folders = tuple(normalize_slug(folder) for folder in folders)
    except InvalidSlug as error:
        line = metadata.key_lines.get("slug") if from_front_matter else None
        what = f'slug "{metadata.slug}"' if from_front_matter else f'file name "{relative.as_posix()}"'
        fix = "change the slug" if from_front_matter else 'rename the file, or set slug = "..." in front matter'
        if line is None and from_front_matter:
            line = 1
        errors.append(Diagnostic(shown_path, f"invalid {what}: {error}; {fix}", line))
        return (), ""
    first = folders[0] if folders else slug
    reserved = GENERATED_POST_NAMES if is_post else GENERATED_ROOT_NAMES
    if first in reserved:
        where = "/posts/" if is_post else "the site's root"
        line = metadata.key_lines.get("slug") if from_front_matter and not folders else None
        errors.append(
            Diagnostic(
                shown_path,
                f'"{first}" is used by distillm for generated files under {where}; choose another slug or folder',
                line,
            )
        )
    return folders, slug


def _filter_unpublished(
    posts: list[Post], options: LoadOptions, now: datetime, settings: Settings
) -> tuple[list[Post], list[SkippedPost]]:
    """Split posts into published ones and those left out (draft, future, expired)."""
    published: list[Post] = []
    skipped: list[SkippedPost] = []
    for post in posts:
        reason = _skip_reason(post.metadata, options, now, settings)
        if reason is None:
            published.append(post)
        else:
            skipped.append(SkippedPost(post.source_path, post.title, *reason))
    return published, skipped


def _next_publishing_change(posts: list[Post], options: LoadOptions, now: datetime) -> datetime | None:
    """Return the next moment after `now` at which a post gets published or expires, if any."""
    moments = []
    for post in posts:
        publish = post.metadata.publishdate or post.metadata.date
        if publish is not None and publish > now and not options.future:
            moments.append(publish)
        expiry = post.metadata.expirydate
        if expiry is not None and expiry > now and not options.expired:
            moments.append(expiry)
    return min(moments, default=None)


def _skip_reason(
    metadata: Metadata, options: LoadOptions, now: datetime, settings: Settings
) -> tuple[str, str] | None:
    def in_site_zone(moment: datetime) -> str:
        return f"{moment.astimezone(settings.tzinfo):%Y-%m-%d %H:%M} {settings.timezone}"

    if metadata.draft and not options.drafts:
        return "draft", "draft = true"
    publish = metadata.publishdate or metadata.date
    if publish is not None and publish > now and not options.future:
        return "future", f"{in_site_zone(publish)} is after now"
    if metadata.expirydate is not None and metadata.expirydate <= now and not options.expired:
        return "expired", f"expirydate {in_site_zone(metadata.expirydate)} is not after now"
    return None


def _url_collisions(posts: list[Post]) -> list[Diagnostic]:
    """Report files that would write the same output file.

    Output files are compared after case folding and Unicode normalization,
    because macOS and Windows file systems treat those names as one file.
    """
    owners: dict[str, Post] = {}
    problems = []
    for post in posts:
        key = unicodedata.normalize("NFC", output_file(post.path)).casefold()
        first = owners.setdefault(key, post)
        if first is post:
            continue
        line = post.metadata.key_lines.get("slug")
        problems.append(
            Diagnostic(
                display_path(post.source_path),
                f"URL {post.path} is also the URL of {display_path(first.source_path)}; "
                "give one of them another slug",
                line,
            )
        )
    return problems


def _alias_collisions(posts: list[Post]) -> list[Diagnostic]:
    """Report aliases that are the URL of a post or page, or that two files both list."""
    owners: dict[str, tuple[Post, str]] = {}
    for post in posts:
        owners[_file_key(post.path)] = (post, "URL")
    problems = []
    for post in posts:
        for alias in post.aliases:
            key = _file_key(alias)
            first = owners.setdefault(key, (post, "alias"))
            if first == (post, "alias"):
                continue
            owner, what = first
            where = "this file" if owner is post else display_path(owner.source_path)
            problems.append(
                Diagnostic(
                    display_path(post.source_path),
                    f"alias {alias} is already the {what} of {where}; remove one of them",
                    post.metadata.key_lines.get("aliases"),
                )
            )
    return problems


def _file_key(path: str) -> str:
    """Return the output file of a path as file systems compare names (see `_url_collisions`)."""
    return unicodedata.normalize("NFC", output_file(path)).casefold()


def _collect_tags(posts: list[Post], settings: Settings) -> tuple[list[Tag], list[Diagnostic]]:
    """Group the posts' tags by slug and attach them to their posts (pages have no tags)."""
    by_slug: dict[str, list[Post]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    problems = []
    for post in sorted((p for p in posts if p.kind == "post"), key=_oldest_first):
        seen: set[str] = set()
        for name in post.metadata.tags:
            slug = tag_slug(name)
            if not slug:
                problems.append(
                    Diagnostic(
                        display_path(post.source_path),
                        f'tag "{name}" has no letters or digits to make its URL from; rename the tag',
                        post.metadata.key_lines.get("tags"),
                    )
                )
                continue
            spellings[slug][name] += 1
            if slug not in seen:
                seen.add(slug)
                by_slug[slug].append(post)
    tags = {}
    for slug, tagged in by_slug.items():
        # most_common keeps first-seen order among equal counts: the oldest post's spelling wins ties.
        name = spellings[slug].most_common(1)[0][0]
        path = tag_path(slug)
        tags[slug] = Tag(
            name,
            slug,
            path,
            settings.base_path + path.lstrip("/"),
            settings.base_url + path.lstrip("/"),
            sorted(tagged, key=_newest_first),
        )
    for post in posts:
        post.tags = []
        for name in post.metadata.tags:
            tag = tags.get(tag_slug(name))
            if tag is not None and tag not in post.tags:
                post.tags.append(tag)
    return sorted(tags.values(), key=lambda tag: (tag.name.casefold(), tag.slug)), problems


def _newest_first(post: Post) -> tuple[float, str]:
    return (-post.timestamp, post.path)


def _oldest_first(post: Post) -> tuple[float, str]:
    return (post.timestamp, post.path)


def _link_neighbours(posts_newest_first: list[Post]) -> None:
    for index, post in enumerate(posts_newest_first):
        post.next_post = posts_newest_first[index - 1] if index > 0 else None
        post.previous_post = posts_newest_first[index + 1] if index + 1 < len(posts_newest_first) else None
