"""The build: load, extract, render and write a site, in that order.

Settings and the output folder are checked first, every post is loaded and
checked before the first template renders, and the output folder is replaced
only when everything succeeded.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import __version__
from .cache import PostCache, settings_fingerprint
from .errors import ContentError, Diagnostic, DistillmError, display_path
from .extract import extract_site_links
from .loader import CONTENT_DIR, LoadOptions, load_site
from .logs import counting_warnings
from .model import Site
from .report import BuildReport, plural
from .render import TEMPLATES_DIR, THEME_DIR, PlannedPage, SiteRenderer, collection_versions, create_environment
from .settings import Settings, load_settings
from .urls import resource_output_file
from .process import worker_count
from .renderpool import PARALLEL_MIN_PAGES, can_fork, render_in_workers
from .unchanged import DEFAULT_OUTPUT_DIR, BuildInputs, inputs_fingerprint, unchanged_build, valid_until
from .writer import OutputPaths, OutputWriter

logger = logging.getLogger(__name__)

STATIC_DIR = "static"


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

    def inputs(self) -> BuildInputs:
        return BuildInputs(self.source_dir, self.base_url, self.drafts, self.future, self.expired)


@contextmanager
def _timed(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    logger.debug("%s took %.3f s", stage, time.perf_counter() - started)


def build_site(options: BuildOptions) -> BuildReport:
    """Build the site described by `options`; raise `DistillmError` on the user's errors.

    When nothing the build reads has changed since the build that wrote the
    output folder, it does nothing but report that build again (`unchanged`).
    """
    started = time.perf_counter()
    inputs = options.inputs()
    previous = unchanged_build(inputs, options.resolved_output_dir, options.strict)
    if previous is not None:
        return previous
    fingerprint = inputs_fingerprint(inputs)
    source_dir = options.source_dir
    with _timed("settings"):
        settings = load_settings(source_dir, options.base_url)
    source_folders = [source_dir / name for name in (CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)]
    output_dir = options.resolved_output_dir
    load_options = LoadOptions(options.drafts, options.future, options.expired)
    now = datetime.now(settings.tzinfo)

    with (
        counting_warnings() as warnings,
        OutputWriter(output_dir, source_dir, source_folders) as writer,
        PostCache(source_dir) as cache,
        _frozen_heap(),
    ):
        with _timed("load"):
            site = load_site(source_dir, settings, load_options, now, options.jobs, cache)
        with _timed("extract"):
            extract_site_links(site)
        # The site lives until the end of the build: spare it the garbage collector's scans,
        # which also keeps forked render workers from copying its memory.
        gc.freeze()
        skipped_lines = [
            f"skipped {display_path(skipped.source_path)}: {skipped.reason}: {skipped.detail}" for skipped in site.skipped
        ]
        for line in skipped_lines:
            logger.debug("%s", line)
        report = BuildReport(
            output_dir, len(site.posts), len(site.tags), skipped=Counter(post.reason for post in site.skipped)
        )
        with _timed("render and write"):
            facts = render_and_write(site, options, writer, report)
        if options.strict and warnings.count:
            raise DistillmError(
                f"{plural(warnings.count, 'warning')}, and --strict turns warnings into errors; "
                f"{display_path(output_dir)}/ was left as it was"
            )
        report.unchanged = writer.reused
        writer.commit(
            {
                **facts,
                "inputs": fingerprint,
                "warnings": warnings.messages,
                "skipped": skipped_lines,
                "counts": report.counts(),
            }
        )
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Undo `gc.freeze()` at the end of the block, however it ends."""
    try:
        yield
    finally:
        gc.unfreeze()


def render_and_write(site: Site, options: BuildOptions, writer: OutputWriter, report: BuildReport) -> dict[str, Any]:
    """Plan, render and write every output file; return what the manifest records about this rendering."""
    source_dir = options.source_dir
    renderer = SiteRenderer(site, create_environment(source_dir), post_versions(site))
    plan = plan_output(renderer, find_static_files(source_dir))
    render_digest = render_fingerprint(site.settings, source_dir)
    collections = {name: _digest(value) for name, value in collection_versions(site, renderer).items()}
    write_generated(plan.generated, writer, report, options.jobs, render_digest, collections)
    for relative, path in plan.copies.items():
        writer.copy(relative, path)
        report.written["static"] += 1
    return {"render": render_digest, "collections": collections, "valid_until": output_valid_until(site, writer)}


def write_generated(
    pages: list[PlannedPage],
    writer: OutputWriter,
    report: BuildReport,
    jobs: int | None,
    render_digest: str,
    collections: dict[str, str],
) -> None:
    """Write the generated files: unchanged ones from the previous output, the others rendered.

    A file is unchanged when its planned key, the templates and settings
    (`render_digest`) and every site-wide collection its templates read are
    the same as when the previous build wrote it. HTML pages are rendered in
    forked workers when that pays off.
    """
    previous_collections = writer.previous.facts.get("collections", {})
    to_render: list[int] = []
    made_from: dict[int, str] = {}
    for index, planned in enumerate(pages):
        made_from[index] = _digest((render_digest, planned.key))
        report.written[planned.kind] += 1
        record = writer.previous.files.get(planned.path)
        same_reads = record is not None and all(
            previous_collections.get(name) == collections.get(name) for name in record.reads
        )
        if not (same_reads and writer.reuse(planned.path, made_from[index])):
            to_render.append(index)
    # Post pages touch little besides their own post, so forked workers share most of the
    # parent's memory. List and archive pages read most of the site, and a worker touching
    # objects copies their memory, so those stay in this process.
    in_workers = [index for index in to_render if _is_post_page(pages[index])]
    workers = worker_count(len(in_workers), jobs, PARALLEL_MIN_PAGES) if can_fork() else 1
    if workers <= 1:
        in_workers = []
    rendered_elsewhere = set(in_workers)
    in_this_process = [index for index in to_render if index not in rendered_elsewhere]

    def render_here() -> None:
        for index in in_this_process:
            output = pages[index].render()
            writer.write(output.path, output.content, made_from[index], tuple(output.reads))

    if in_workers:
        for index in in_workers:
            writer.reserve(pages[index].path)
        # This process renders its pages after the workers are gone: while forked workers
        # run, every object it touched would have its memory page copied.
        for rendered in render_in_workers(pages, in_workers, writer.staging_dir, workers):
            writer.written_elsewhere(rendered.path, rendered.digest, made_from[rendered.index], rendered.reads)
    render_here()


def output_valid_until(site: Site, writer: OutputWriter) -> str | None:
    """Return until when the output stays right without an edit, for the manifest.

    That is the next post to be published or to expire, the next new year if
    a page shows the year of the build, and now if a page shows its time.
    """
    reads = {name for record in writer.records.values() for name in record.reads}
    assert site.build_time is not None
    if "build_time" in reads:
        return valid_until([site.build_time])
    moments = [site.publishing_changes_at] if site.publishing_changes_at is not None else []
    if "build_year" in reads:
        moments.append(site.build_time.replace(year=site.build_time.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0))
    return valid_until(moments)


def _is_post_page(planned: PlannedPage) -> bool:
    return planned.info is not None and planned.info.kind in ("post", "page")


def post_versions(site: Site) -> dict[Path, str]:
    """Return, for each post and page, a digest that changes whenever any page could show it differently.

    The post's own cache key covers its file and the settings; its tags and its
    "also linked in" notes depend on other posts.
    """
    versions = {}
    for post in [*site.posts, *site.pages]:
        tags = tuple((tag.name, tag.url) for tag in post.tags)
        notes = tuple((link.anchor_id, link.earlier.post.title, link.earlier.url_on_site) for link in post.links if link.earlier)
        versions[post.source_path] = _digest((post.fingerprint, tags, notes))
    return versions


def render_fingerprint(settings: Settings, source_dir: Path) -> str:
    """Return a digest of what every page's rendering depends on: distillm, the settings and the templates."""
    digest = hashlib.sha256(f"{__version__}\0{settings_fingerprint(settings)}".encode())
    for root in (source_dir / TEMPLATES_DIR, THEME_DIR / TEMPLATES_DIR):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
        digest.update(b"\1")
    return digest.hexdigest()


def _digest(value: object) -> str:
    """Return a digest of a value's `repr`: keys are built from reprs that do not vary between runs."""
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()


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
