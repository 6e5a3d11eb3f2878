"""The site kept in memory between rebuilds, for `distillm serve`.

A session keeps the settings, the Jinja environment, every loaded post with
its link records and rendered body, and, for every output file, the key it
was planned with and the digest of the bytes on disk. A rebuild after a post
edit reloads that file alone, redoes the cheap site-wide work (publishing,
tags, neighbours, duplicate links), and re-renders only the planned pages
whose key changed. It runs in two passes: the edited post's own page is
written and announced first, then every other page that changed, so the
open page shows the edit before the aggregate pages are done.

Pages are written to a temporary name and renamed into place, so the server
never sends a half-written file, and a rebuild whose rendering fails leaves
the last good pages in place.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import shutil
import time
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import jinja2

from ..build import STATIC_DIR, OutputPlan, find_static_files, plan_output
from ..errors import ContentError, Diagnostic, DistillmError, display_path
from ..extract import link_earlier_occurrences, mark_duplicates
from ..loader import CONTENT_DIR, BUNDLE_INDEX, LoadOptions, assemble_site, find_publishable_files, log_warnings
from ..process import process_files
from ..model import Link, Post, Site
from ..render import TEMPLATES_DIR, PlannedPage, SiteRenderer, collection_versions, create_environment
from ..settings import Settings, load_settings
from .status import SITE_WIDE, BuildStatus, WarningLog

logger = logging.getLogger(__name__)

STAGING_SUFFIX = ".distillm-new"
"""Appended to a file's name while it is written; the server never serves such names."""
LISTED_PAGES = 5
"""Pages named in a rebuild's log line; the rest are counted."""


class Listener(Protocol):
    """Notifications the session sends to open browser pages (through the live-reload server)."""

    def reload(self, url_paths: Sequence[str] | None) -> None:
        """Reload the pages at `url_paths`, or every page when None."""

    def swap_stylesheets(self, url_paths: Sequence[str]) -> None:
        """Load the stylesheets at `url_paths` again, without reloading the pages."""

    def show_status(self, status: BuildStatus) -> None:
        """Show the rebuild's errors, warnings and skipped posts."""


@dataclass(frozen=True)
class SessionOptions:
    """The folders a session reads and writes, and the origin it is served at."""

    source_dir: Path
    output_dir: Path
    """The served folder, a temporary one: never the site's `public/`."""
    origin: str
    """Scheme, host and port the site is served at (`http://127.0.0.1:8000`); `base_url`'s path is kept."""
    load: LoadOptions = field(default_factory=LoadOptions)


@dataclass(frozen=True)
class Changes:
    """The source files that changed since the last rebuild, by what they are."""

    settings: bool = False
    templates: frozenset[Path] = frozenset()
    content: frozenset[Path] = frozenset()
    static: frozenset[Path] = frozenset()

    def describe(self, source_dir: Path) -> str:
        """Name the changed files for the log line, relative to the site's folder."""
        paths = sorted([*self.templates, *self.content, *self.static])
        names = [_relative_name(path, source_dir) for path in paths]
        if self.settings:
            names.insert(0, "settings")
        if len(names) > LISTED_PAGES:
            names = names[:LISTED_PAGES] + [f"{len(names) - LISTED_PAGES} more"]
        return ", ".join(names)


@dataclass
class PageRecord:
    """The session's record of an output file it rendered."""

    key: Hashable
    reads: dict[str, Hashable]
    """The version of each site-wide collection its templates read, when it was rendered."""
    digest: bytes


@dataclass
class RebuildReport:
    """What one rebuild did, for its log line."""

    what: str
    rendered: int = 0
    first_written: list[str] = field(default_factory=list)
    """URL paths of the edited posts' pages, written and announced before the other pages."""
    written: list[str] = field(default_factory=list)
    """URL paths of the other rendered files whose bytes changed, in writing order."""
    copied: list[str] = field(default_factory=list)
    """URL paths of the files copied as they are (static and page bundle files)."""
    seconds: float = 0.0
    first_page_seconds: float | None = None
    """Time until the edited post's page was written and announced."""
    full: bool = False
    failed: bool = False
    had_good_site: bool = True
    """Whether an earlier build succeeded, so its pages are still served after this one failed."""

    def summary(self, full_build_seconds: float) -> str:
        """Return the rebuild's log line."""
        changed = f"{self.what} changed" if self.what else "initial build"
        if self.failed:
            serving = "still serving the last good site" if self.had_good_site else "the pages show the error until it is fixed"
            return f"{changed}: rebuild failed after {self.seconds:.3f} s; {serving}"
        every = [*self.first_written, *self.written, *self.copied]
        names = every[:LISTED_PAGES]
        if len(every) > LISTED_PAGES:
            names.append(f"{len(every) - LISTED_PAGES} more")
        wrote = f"wrote {len(every)} ({', '.join(names)})" if every else "no file changed"
        scope = "full rebuild" if self.full else "rebuilt"
        first = f", its page after {self.first_page_seconds:.3f} s" if self.first_page_seconds is not None else ""
        return (
            f"{changed}: {scope}, rendered {_plural(self.rendered, 'file')}, {wrote} "
            f"in {self.seconds:.3f} s{first}; last full build {full_build_seconds:.3f} s"
        )


class SiteSession:
    """A site built into a folder and rebuilt, file by file, as its sources change."""

    def __init__(self, options: SessionOptions, listener: Listener) -> None:
        self.options = options
        self.listener = listener
        self.warnings = WarningLog()
        self.settings: Settings | None = None
        self.env: jinja2.Environment | None = None
        self.now: datetime | None = None
        self.sources: list[Path] = []
        """The content files that are posts or pages."""
        self.posts: dict[Path, Post] = {}
        """Loaded posts and pages by source path, published or not."""
        self.load_errors: dict[Path, list[Diagnostic]] = {}
        self.post_versions: dict[Path, int] = {}
        self._bodies: dict[Path, tuple[Post, Hashable]] = {}
        """Source path -> the post object last shown, and the "also linked in" notes of its body then."""
        self._tag_views: dict[Path, Hashable] = {}
        self._link_keys: dict[Path, tuple[frozenset[str], Hashable]] = {}
        """Source path -> the loose keys of the post's links, and the post's title, URL and date then."""
        self._extracted: dict[Path, Post] = {}
        self._link_index: dict[str, list[Link]] = {}
        """The links of the last rebuild by loose key, for the edited posts' notes before the site-wide check."""
        self.pages: dict[str, PageRecord] = {}
        """Output path -> record of every rendered file on disk."""
        self.copies: dict[str, tuple[Path, int, int]] = {}
        """Output path -> source file, modification time and size of every copied file on disk."""
        self.site: Site | None = None
        """The last site that built without errors."""
        self.status = BuildStatus()
        self.full_build_seconds = 0.0
        self._versions = itertools.count(1)

    @property
    def base_path(self) -> str:
        """The URL path the site is served under (`/blog/`), `/` until settings load."""
        return self.settings.base_path if self.settings is not None else "/"

    def build_all(self, what: str = "") -> RebuildReport:
        """Load every source and rebuild every page; write the files whose bytes changed."""
        started = time.perf_counter()
        report = RebuildReport(what, full=True)
        with self.warnings.recording():
            try:
                self._load_settings()
                self.posts.clear()
                self.load_errors.clear()
                self._extracted.clear()
                self._bodies.clear()
                self._discover()
                self._load_files(self.sources)
                self._rebuild(report, reloaded=set(), force=True)
            except DistillmError as error:
                self._fail(report, error)
        report.seconds = time.perf_counter() - started
        if not report.failed:
            self.full_build_seconds = report.seconds
        self._finish(report)
        return report

    def rebuild(self, changes: Changes) -> RebuildReport | None:
        """Rebuild what `changes` affect: everything for settings, all pages for templates, less otherwise.

        Returns None, logging nothing, when no changed file is a source of the
        site (a file in `content/` that is neither a post nor in a page bundle).
        """
        what = changes.describe(self.options.source_dir)
        if changes.settings or self.site is None:
            # Without a site that built, there are no loaded posts and pages to build on.
            return self.build_all(what)
        started = time.perf_counter()
        report = RebuildReport(what, full=bool(changes.templates))
        with self.warnings.recording():
            try:
                if changes.templates:
                    self.env = create_environment(self.options.source_dir)
                reloaded = self._reload_content(changes.content) if changes.content else set()
                if not (reloaded or changes.templates or changes.static):
                    return None
                if changes.templates or reloaded:
                    self._rebuild(report, reloaded, force=bool(changes.templates), started=started)
                else:
                    self._copy_static(report, changes.static)
            except DistillmError as error:
                self._fail(report, error)
        report.seconds = time.perf_counter() - started
        if report.full and not report.failed:
            self.full_build_seconds = report.seconds
        self._finish(report)
        return report

    def known_sources(self) -> set[Path]:
        """Return every source file the last rebuild read, so a watcher can tell a deleted one from a temp file."""
        known = set(self.sources)
        known.update(source for source, _, _ in self.copies.values())
        templates = self.options.source_dir / TEMPLATES_DIR
        if templates.is_dir():
            known.update(path for path in templates.rglob("*") if path.is_file())
        return known

    # Loading

    def _load_settings(self) -> None:
        configured = load_settings(self.options.source_dir)
        self.settings = configured.with_base_url(self.options.origin + configured.base_path)
        self.env = create_environment(self.options.source_dir)
        # Publishing dates are judged against one moment per full build, so a
        # post edit never changes which other posts are published.
        self.now = datetime.now(self.settings.tzinfo)

    def _discover(self) -> None:
        with self.warnings.origin(("discover",)):
            self.sources = find_publishable_files(self.options.source_dir / CONTENT_DIR)

    def _load_files(self, paths: Iterable[Path]) -> None:
        """Load and process content files, in worker processes when there are many (the first build)."""
        assert self.settings is not None
        content_dir = self.options.source_dir / CONTENT_DIR
        paths = list(paths)
        for path in paths:
            self.posts.pop(path, None)
            self.load_errors.pop(path, None)
        for processed in process_files(paths, content_dir, self.settings, jobs=None):
            if processed.missing:
                continue  # Deleted or renamed away since the event; the next discovery drops it.
            with self.warnings.origin(("file", processed.path)):
                if processed.post is None:
                    self.load_errors[processed.path] = processed.errors
                    log_warnings(processed.warnings)
                else:
                    log_warnings(processed.post.load_warnings)
                    self.posts[processed.path] = processed.post

    def _reload_content(self, changed: frozenset[Path]) -> set[Path]:
        """Reload changed content files; return the source paths of posts loaded again or gone."""
        to_load = {path for path in changed if path.suffix == ".md"}
        for path in changed:
            index = _bundle_index(path, self.posts) if path.suffix != ".md" else None
            if index is not None:
                to_load.add(index)
        if any(path not in self.posts and path not in self.load_errors or not path.exists() for path in to_load):
            self._discover()
        current = set(self.sources)
        gone = [path for path in [*self.posts, *self.load_errors] if path not in current]
        for path in gone:
            self.posts.pop(path, None)
            self.load_errors.pop(path, None)
        self.warnings.forget(("file", path) for path in gone)
        self._load_files(path for path in to_load if path in current)
        return (to_load & current) | set(gone)

    # Rebuilding

    def _rebuild(self, report: RebuildReport, reloaded: set[Path], force: bool, started: float | None = None) -> None:
        """Assemble the site from the loaded posts, then write its changed pages in two passes."""
        assert self.settings is not None and self.env is not None and self.now is not None
        errors = [diagnostic for problems in self.load_errors.values() for diagnostic in problems]
        with self.warnings.origin(SITE_WIDE):
            site = assemble_site(
                self.options.source_dir, self.settings, self.options.load, self.now,
                loaded=list(self.posts.values()), errors=errors,
            )
        renderer = SiteRenderer(site, self.env, self.post_versions)
        if reloaded and not force:
            self._show_edited_posts(site, renderer, reloaded, report, started)

        changed_links = self._extract_links(site)
        self._update_versions(site, renderer, changed_links, reloaded)
        collections = collection_versions(site, renderer)
        self._link_index = _index_links(site)
        with self.warnings.origin(("plan",)):
            plan = plan_output(renderer, find_static_files(self.options.source_dir))
        self._publish(plan, collections, force, report)
        self.site = site

    def _show_edited_posts(
        self, site: Site, renderer: SiteRenderer, reloaded: set[Path], report: RebuildReport, started: float | None
    ) -> None:
        """Write and announce the edited posts' own pages, before the site-wide duplicate check.

        Their "also linked in" notes come from the link index of the last
        rebuild; the second pass compares them again and rewrites a page if needed.
        """
        for post in site.posts:
            if post.source_path in reloaded:
                link_earlier_occurrences(post, self._link_index)
        self._update_versions(site, renderer, set(), only=reloaded)
        first = self._write_edited_pages(site, reloaded, collection_versions(site, renderer), False, report)
        if not first:
            return
        report.first_written = first
        if started is not None:
            report.first_page_seconds = time.perf_counter() - started
        self.listener.reload(first)

    def _extract_links(self, site: Site) -> set[str]:
        """Extract the links of posts loaded since the last rebuild; return the loose keys that came or went."""
        changed: set[str] = set()
        published = {post.source_path for post in site.posts}
        for path in [path for path in self._link_keys if path not in published]:
            changed |= self._link_keys.pop(path)[0]
            self._extracted.pop(path, None)
        assert self.settings is not None
        for post in site.posts:
            path = post.source_path
            if self._extracted.get(path) is post:
                continue
            with self.warnings.origin(("links", path)):
                log_warnings(post.link_warnings)
            keys = frozenset(link.loose_key for link in post.links)
            # Other posts' "also linked in" notes name this post's title and URL, and
            # its date decides which post is older, so then every shared link counts.
            owner = (post.title, post.url, post.date)
            previous_keys, previous_owner = self._link_keys.get(path, (frozenset(), None))
            changed |= keys ^ previous_keys if owner == previous_owner else keys | previous_keys
            self._link_keys[path] = (keys, owner)
            self._extracted[path] = post
        site.links = [link for post in site.posts for link in post.links]
        with self.warnings.origin(("duplicates",)):
            for warning in mark_duplicates(site.posts, self.settings.base_url):
                logger.warning("%s", warning)
        return changed

    def _update_versions(
        self,
        site: Site,
        renderer: SiteRenderer,
        changed_links: set[str],
        reloaded: set[Path] = frozenset(),
        only: set[Path] | None = None,
    ) -> None:
        """Give a new version to every post that any page shows differently.

        A post's body shows "also linked in" notes for links that an older post
        has too, so posts sharing a link with an edited post may change as well.
        The notes of `reloaded` posts are compared again in any case, because
        the first pass set them from the last rebuild's link index. `only`
        limits the work to some posts, for the first pass.
        """
        sharing = set(reloaded)
        if changed_links:
            sharing.update(
                post.source_path for post in site.posts if any(link.loose_key in changed_links for link in post.links)
            )
        posts = [*site.posts, *site.pages]
        if only is not None:
            posts = [post for post in posts if post.source_path in only]
        for post in posts:
            path = post.source_path
            changed = False
            shown = self._bodies.get(path)
            if shown is None or shown[0] is not post or path in sharing:
                notes = _link_notes(post)
                if shown is None or shown[0] is not post or shown[1] != notes:
                    self._bodies[path] = (post, notes)
                    changed = True
            tags = tuple((tag.name, tag.url) for tag in post.tags)
            if self._tag_views.get(path) != tags:
                self._tag_views[path] = tags
                changed = True
            if changed or path not in self.post_versions:
                self.post_versions[path] = next(self._versions)

    def _write_edited_pages(
        self, site: Site, reloaded: set[Path], collections: dict[str, Hashable], force: bool, report: RebuildReport
    ) -> list[str]:
        """Render and write the pages of the posts just loaded; return their URL paths."""
        if not reloaded or force:
            return []
        # A renderer of its own, because planning adds pages to the renderer's sitemap.
        renderer = SiteRenderer(site, self.env, self.post_versions)  # type: ignore[arg-type]
        planned = [renderer.plan_post(post) for post in site.posts if post.source_path in reloaded]
        planned += [renderer.plan_page(page) for page in site.pages if page.source_path in reloaded]
        written = []
        for path, record, content in self._render_changed(planned, collections, force, report):
            _stage_file(self.options.output_dir, path, content)
            _publish_file(self.options.output_dir, path)
            self.pages[path] = record
            written.append(self.url_path(path))
        return written

    def _publish(
        self, plan: OutputPlan, collections: dict[str, Hashable], force: bool, report: RebuildReport
    ) -> None:
        """Render the stale planned files, then write those whose bytes changed and delete the ones gone."""
        staged: list[tuple[str, PageRecord]] = []
        try:
            for path, record, content in self._render_changed(plan.generated, collections, force, report):
                _stage_file(self.options.output_dir, path, content)
                staged.append((path, record))
        except BaseException:
            for path, _ in staged:
                _staging_path(self.options.output_dir, path).unlink(missing_ok=True)
            raise
        for path, record in staged:
            _publish_file(self.options.output_dir, path)
            self.pages[path] = record
            self.copies.pop(path, None)
            report.written.append(self.url_path(path))
        self._copy_files(plan.copies, report)
        self._delete_gone({page.path for page in plan.generated}, set(plan.copies))

    def _render_changed(
        self, pages: Iterable[PlannedPage], collections: dict[str, Hashable], force: bool, report: RebuildReport
    ) -> Iterator[tuple[str, PageRecord, bytes]]:
        """Render the stale pages; yield those whose bytes changed, and update the records of the others."""
        for page in pages:
            if not self._is_stale(page, collections, force):
                continue
            with self.warnings.origin(("page", page.path)):
                output = page.render()
            report.rendered += 1
            record = PageRecord(page.key, _read_versions(output.reads, collections), _digest(output.content))
            previous = self.pages.get(page.path)
            if previous is not None and previous.digest == record.digest:
                self.pages[page.path] = record
                continue
            yield page.path, record, output.content

    def _copy_files(self, copies: dict[str, Path], report: RebuildReport) -> None:
        for relative, source in copies.items():
            stat = source.stat()
            record = (source, stat.st_mtime_ns, stat.st_size)
            if self.copies.get(relative) == record:
                continue
            staging = _staging_path(self.options.output_dir, relative)
            staging.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, staging)
            _publish_file(self.options.output_dir, relative)
            self.copies[relative] = record
            self.pages.pop(relative, None)
            report.copied.append(self.url_path(relative))

    def _delete_gone(self, generated: set[str], copied: set[str]) -> None:
        gone = [path for path in self.pages if path not in generated and path not in copied]
        gone += [path for path in self.copies if path not in copied and path not in generated]
        for path in gone:
            self.pages.pop(path, None)
            self.copies.pop(path, None)
            (self.options.output_dir / path).unlink(missing_ok=True)
        self.warnings.forget(("page", path) for path in gone)

    def _copy_static(self, report: RebuildReport, changed: frozenset[Path]) -> None:
        """Copy changed static files alone; plan the output again only when files came or went."""
        static_dir = self.options.source_dir / STATIC_DIR
        by_source = {source: relative for relative, (source, _, _) in self.copies.items()}
        if all(path in by_source and path.is_file() for path in changed):
            self._copy_files({by_source[path]: path for path in changed}, report)
            return
        assert self.site is not None and self.env is not None
        renderer = SiteRenderer(self.site, self.env, self.post_versions)
        collections = collection_versions(self.site, renderer)
        with self.warnings.origin(("plan",)):
            plan = plan_output(renderer, find_static_files(self.options.source_dir))
        self._publish(plan, collections, False, report)
        logger.debug("static files under %s came or went; planned the output again", display_path(static_dir))

    def _is_stale(self, page: PlannedPage, collections: dict[str, Hashable], force: bool) -> bool:
        record = self.pages.get(page.path)
        if force or record is None or record.key != page.key:
            return True
        return any(collections[name] != version for name, version in record.reads.items())

    # Reporting

    def _fail(self, report: RebuildReport, error: DistillmError) -> None:
        report.failed = True
        report.had_good_site = self.site is not None
        if isinstance(error, ContentError):
            for diagnostic in error.diagnostics:
                logger.error("%s", diagnostic)
            self.status = BuildStatus(self.status.build, tuple(error.diagnostics))
        else:
            logger.error("error: %s", error)
            self.status = BuildStatus(self.status.build, error_message=str(error))

    def _finish(self, report: RebuildReport) -> None:
        """Log the rebuild's line and tell the open pages what changed, after every file is written."""
        skipped = self.site.skipped if self.site is not None else []
        errors = self.status.errors if report.failed else ()
        message = self.status.error_message if report.failed else None
        self.status = BuildStatus(self.status.build + 1, errors, message, self.warnings.current(), tuple(skipped))
        logger.info("%s", report.summary(self.full_build_seconds))
        if report.failed:
            pass
        elif report.full:
            self.listener.reload(None)
        elif report.copied and _all_css(report.copied) and not report.written:
            self.listener.swap_stylesheets(report.copied)
        elif report.copied:
            # Any page may show a copied file (an image, a script), so every page reloads.
            self.listener.reload(None)
        elif report.written:
            self.listener.reload(report.written)
        self.listener.show_status(self.status)

    def url_path(self, output_path: str) -> str:
        """Return the URL path of an output file: `posts/x/index.html` is `/blog/posts/x/` under `/blog/`."""
        folder_index = output_path == "index.html" or output_path.endswith("/index.html")
        path = output_path.removesuffix("index.html") if folder_index else output_path
        return self.base_path + quote(path)


def _index_links(site: Site) -> dict[str, list[Link]]:
    """Return the site's links by loose key, each post's in document order."""
    index: dict[str, list[Link]] = {}
    for link in site.links:
        index.setdefault(link.loose_key, []).append(link)
    return index


def _link_notes(post: Post) -> tuple[tuple[str, str, str], ...]:
    """Return what the "also linked in" notes of a post's body show: anchor id, earlier post's title and URL."""
    return tuple(
        (link.anchor_id, link.earlier.post.title, link.earlier.url_on_site) for link in post.links if link.earlier
    )


def _read_versions(reads: frozenset[str], collections: dict[str, Hashable]) -> dict[str, Hashable]:
    return {name: collections[name] for name in reads}


def _digest(content: bytes) -> bytes:
    return hashlib.blake2b(content, digest_size=16).digest()


def _staging_path(output_dir: Path, relative: str) -> Path:
    target = output_dir / relative
    return target.with_name(target.name + STAGING_SUFFIX)


def _stage_file(output_dir: Path, relative: str, content: bytes) -> None:
    """Write a file's new bytes beside it; `_publish_file` renames them into place."""
    staging = _staging_path(output_dir, relative)
    staging.parent.mkdir(parents=True, exist_ok=True)
    staging.write_bytes(content)


def _publish_file(output_dir: Path, relative: str) -> None:
    """Rename a staged file over its target, so a reader sees the old bytes or the new, never half."""
    os.replace(_staging_path(output_dir, relative), output_dir / relative)


def _bundle_index(path: Path, posts: dict[Path, Post]) -> Path | None:
    """Return the `index.md` of the loaded page bundle that holds the file `path`, if any."""
    for folder in path.parents:
        index = folder / BUNDLE_INDEX
        if index in posts:
            return index
    return None


def _all_css(url_paths: Sequence[str]) -> bool:
    return all(path.endswith(".css") for path in url_paths)


def _relative_name(path: Path, source_dir: Path) -> str:
    try:
        return path.relative_to(source_dir).as_posix()
    except ValueError:
        return display_path(path)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
