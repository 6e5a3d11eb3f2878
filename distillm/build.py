"""The build: load, extract, render and write a site, in that order.

Settings and the output folder are checked first, every post is loaded and
checked before the first template renders, and the output folder is replaced
only when everything succeeded.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import ContentError, Diagnostic, DistillmError, display_path
from .extract import extract_site_links
from .loader import CONTENT_DIR, LoadOptions, load_site
from .logs import counting_warnings
from .model import Site, SkippedPost
from .render import TEMPLATES_DIR, THEME_DIR, PlannedPage, SiteRenderer, create_environment
from .settings import load_settings
from .urls import resource_output_file
from .process import worker_count
from .renderpool import PARALLEL_MIN_PAGES, can_fork, render_in_workers
from .writer import OutputPaths, OutputWriter

logger = logging.getLogger(__name__)

STATIC_DIR = "static"
DEFAULT_OUTPUT_DIR = "public"


@dataclass(frozen=True)
class BuildOptions:
    """Options of one build: folders, base URL, which posts to include, strictness."""

    source_dir: Path = Path(".")
    output_dir: Path | None = None
    """Defaults to `public/` in the source folder."""
    base_url: str | None = None
    """Replaces the configured base URL for this build."""
    drafts: bool = False
    future: bool = False
    expired: bool = False
    strict: bool = False
    """Fail the build, leaving the output untouched, if anything was warned about."""
    jobs: int | None = None
    """Worker processes for the per-post work; None chooses from the CPU count and the number of posts."""

    @property
    def resolved_output_dir(self) -> Path:
        return self.output_dir if self.output_dir is not None else self.source_dir / DEFAULT_OUTPUT_DIR


@dataclass
class BuildReport:
    """Counts and timing of a finished build, for its summary line."""

    output_dir: Path
    posts: int
    tags: int
    written: Counter[str] = field(default_factory=Counter)
    """Files written by kind: `page`, `feed`, `asset` (generated) and `static` (copied)."""
    skipped: list[SkippedPost] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """Return the one-line summary printed at the end of a build."""
        posts = _plural(self.posts, "post")
        tags = _plural(self.tags, "tag")
        skipped = ""
        if self.skipped:
            reasons = Counter(item.reason for item in self.skipped)
            skipped = "; skipped " + ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
        files = (
            f"{_plural(self.written['page'], 'page')}, {_plural(self.written['feed'], 'feed')} "
            f"and {_plural(self.written['static'] + self.written['asset'], 'static file')}"
        )
        return (
            f"Built {files} ({posts}, {tags}{skipped}) in {self.seconds:.2f} s "
            f"into {display_path(self.output_dir)}/"
        )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@contextmanager
def _timed(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    logger.debug("%s took %.3f s", stage, time.perf_counter() - started)


def build_site(options: BuildOptions) -> BuildReport:
    """Build the site described by `options`; raise `DistillmError` on the user's errors."""
    started = time.perf_counter()
    source_dir = options.source_dir
    with _timed("settings"):
        settings = load_settings(source_dir, options.base_url)
    source_folders = [source_dir / name for name in (CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)]
    output_dir = options.resolved_output_dir
    load_options = LoadOptions(options.drafts, options.future, options.expired)
    now = datetime.now(settings.tzinfo)

    with counting_warnings() as warnings, OutputWriter(output_dir, source_dir, source_folders) as writer:
        with _timed("load"):
            site = load_site(source_dir, settings, load_options, now, options.jobs)
        with _timed("extract"):
            extract_site_links(site)
        for skipped in site.skipped:
            logger.debug("skipped %s: %s: %s", display_path(skipped.source_path), skipped.reason, skipped.detail)
        report = BuildReport(output_dir, len(site.posts), len(site.tags), skipped=site.skipped)
        with _timed("render and write"):
            renderer = SiteRenderer(site, create_environment(source_dir))
            plan = plan_output(renderer, find_static_files(source_dir))
            write_generated(plan.generated, writer, report, options.jobs)
            for relative, path in plan.copies.items():
                writer.copy(relative, path)
                report.written["static"] += 1
        if options.strict and warnings.count:
            raise DistillmError(
                f"{_plural(warnings.count, 'warning')}, and --strict turns warnings into errors; "
                f"{display_path(output_dir)}/ was left as it was"
            )
        writer.commit()
    report.seconds = time.perf_counter() - started
    return report


def write_generated(pages: list[PlannedPage], writer: OutputWriter, report: BuildReport, jobs: int | None) -> None:
    """Render and write the generated files, the HTML pages in forked workers when that pays off."""
    workers = worker_count(len(pages), jobs, PARALLEL_MIN_PAGES) if can_fork() else 1
    in_workers = [index for index, page in enumerate(pages) if page.kind == "page"] if workers > 1 else []
    if in_workers:
        for index in in_workers:
            writer.reserve(pages[index].path)
        for rendered in render_in_workers(pages, in_workers, writer.staging_dir, workers):
            report.written[rendered.kind] += 1
    rendered_elsewhere = set(in_workers)
    for index, planned in enumerate(pages):
        if index in rendered_elsewhere:
            continue
        output = planned.render()
        writer.write(output.path, output.content)
        report.written[output.kind] += 1


@dataclass
class OutputPlan:
    """Every file of a build in writing order, with the rules for clashing paths applied, nothing rendered yet."""

    generated: list[PlannedPage]
    """Pages, feeds and generated assets, then redirect pages."""
    copies: dict[str, Path]
    """Files copied as they are, by output path: page bundle files, then `static/`."""


def plan_output(renderer: SiteRenderer, static_files: dict[str, Path]) -> OutputPlan:
    """Plan every output file of the renderer's site, whose post bodies must be rendered already.

    A file in `static/` replaces a generated theme asset of the same path and
    loses, with a warning, to any other generated file. Raises `ContentError`
    for aliases that clash with a generated file.
    """
    static_files = dict(static_files)
    paths = OutputPaths()
    generated = []
    for planned in itertools.chain(renderer.plan_pages(), renderer.plan_crawler_files()):
        if planned.path in static_files:
            if planned.kind == "asset":
                continue  # The site's own static file replaces a generated theme asset.
            logger.warning(
                "%s: warning: replaced by the generated %s; rename or remove it",
                display_path(static_files.pop(planned.path)),
                planned.path,
            )
        generated.append(planned)
        paths.add(planned.path)
    generated += plan_redirects(renderer, paths)
    copies = {}
    for relative, path in itertools.chain(bundle_resources(renderer.site).items(), static_files.items()):
        clash = paths.clash(relative)
        if clash is not None:
            logger.warning(
                "%s: warning: replaced by the generated %s; rename or remove it", display_path(path), clash
            )
            continue
        copies[relative] = path
        paths.add(relative)
    return OutputPlan(generated, copies)


def plan_redirects(renderer: SiteRenderer, paths: OutputPaths) -> list[PlannedPage]:
    """Plan the redirect pages of front matter's `aliases`; raise `ContentError` for those that clash.

    They come after every generated file, so an alias that names a generated
    page (`/tags/`) is reported instead of replacing it.
    """
    planned_redirects = []
    problems = []
    for post, planned in renderer.plan_aliases():
        clash = paths.clash(planned.path)
        if clash is None:
            planned_redirects.append(planned)
            paths.add(planned.path)
            continue
        problems.append(
            Diagnostic(
                display_path(post.source_path),
                f'alias "/{planned.path.removesuffix("index.html")}" clashes with the generated {clash}; '
                "remove the alias",
                post.metadata.key_lines.get("aliases"),
            )
        )
    if problems:
        raise ContentError(problems)
    return planned_redirects


def bundle_resources(site: Site) -> dict[str, Path]:
    """Return the files of every page bundle, by their path in the output folder."""
    files = {}
    for post in [*site.posts, *site.pages]:
        for relative, path in post.resources.items():
            files[resource_output_file(post.path, relative)] = path
    return files


def find_static_files(source_dir: Path) -> dict[str, Path]:
    """Return the files to copy as they are: the default theme's, then the site's `static/` over them."""
    files: dict[str, Path] = {}
    for root in (THEME_DIR / STATIC_DIR, source_dir / STATIC_DIR):
        if not root.is_dir():
            continue
        for folder, _, names in os.walk(root):
            for name in names:
                path = Path(folder, name)
                files[path.relative_to(root).as_posix()] = path
    return dict(sorted(files.items()))
