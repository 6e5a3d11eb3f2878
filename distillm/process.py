"""Per-post work: load a content file, extract its links and render its body.

Everything here depends on one file and the settings alone, so a build can
run it in worker processes. The result is a `Post` without its markdown-it
tokens: they are only needed until the links are extracted and the body is
rendered, and they take far more memory than the HTML.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .cache import PostCache, entry_key, settings_fingerprint
from .errors import ContentError, Diagnostic
from .feeds import absolutize_urls
from .linklists import extract_post_links
from .loader import bundle_resources, is_bundle_index, load_post
from .markdown import LinkMarkup, render_inline, render_markdown
from .model import Post
from .settings import Settings

PARALLEL_MIN_FILES = 64
"""Below this many files, starting worker processes costs more than it saves. An estimate:
starting workers and sending them the work costs tens of milliseconds, and a 10 KB post
takes 5 to 10 ms to process on this project's benchmark machine."""
TASKS_PER_WORKER = 4
CACHE_BATCH = 200
"""Processed posts stored in the cache per transaction."""
"""Files are handed out in this many batches per worker, so a slow batch does not leave the others idle."""


@dataclass
class ProcessedFile:
    """One content file after processing: its post, or the errors that stop it."""

    path: Path
    post: Post | None
    errors: list[Diagnostic]
    """Errors that stop the file; empty when `post` is set."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """The warnings of a file that has errors (a loaded post keeps them in `post.load_warnings`)."""
    missing: bool = False
    """The file was deleted or renamed away between finding it and reading it."""


def process_post(post: Post, settings: Settings) -> None:
    """Extract the links of a loaded post, render its body and summary, and release its tokens."""
    if post.kind == "post":
        extracted = extract_post_links(post, settings.base_url)
        post.links = extracted.links
        post.link_warnings = extracted.warnings
    markup = {id(link.source_token): LinkMarkup(link.anchor_id, link.kind) for link in post.links}
    assert post.markdown is not None, "a post is processed once"
    rendered = render_markdown(post.markdown, settings.base_path, markup)
    post.content_markup = rendered.html
    summary = post.metadata.summary
    summary_html = f"<p>{render_inline(summary)}</p>\n" if summary else rendered.summary_html
    # List pages show the summary away from the post, where its relative links would break.
    post.summary_html = absolutize_urls(summary_html, post.url)
    post.markdown = None
    for link in post.links:
        link.source_token = None


def process_file(path: Path, content_dir: Path, settings: Settings) -> ProcessedFile:
    """Load and process one content file; its problems come back instead of being raised."""
    try:
        post = load_post(path, content_dir, settings)
    except ContentError as error:
        return ProcessedFile(path, None, error.diagnostics, error.warnings)
    except FileNotFoundError:
        return ProcessedFile(path, None, [], missing=True)
    process_post(post, settings)
    return ProcessedFile(path, post, [])


def process_files(
    paths: Sequence[Path], content_dir: Path, settings: Settings, jobs: int | None, cache: PostCache | None = None
) -> list[ProcessedFile]:
    """Process content files, in order, taking unchanged posts from `cache` and storing the others there.

    The files not in the cache are processed in worker processes when that
    pays off. `jobs` None means one worker per CPU from `PARALLEL_MIN_FILES`
    files on. An explicit number of 2 or more always uses workers, so the
    parallel path can be tested on small sites.
    """
    keys = _cache_keys(paths, content_dir, settings)
    stored = cache.get_many(keys.values()) if cache is not None else {}
    with_bodies = cache.body_keys(stored) if cache is not None else set()
    results: dict[Path, ProcessedFile] = {}
    for path, key in keys.items():
        post = stored.get(key)
        if isinstance(post, Post) and post.source_path == path and key in with_bodies:
            post.resources = bundle_resources(path.parent) if is_bundle_index(path.relative_to(content_dir)) else {}
            post.body_source = cache
            results[path] = ProcessedFile(path, post, [])
    misses = [path for path in paths if path not in results]
    new_posts: dict[str, Post] = {}
    new_bodies: dict[str, str] = {}
    for processed in _process_all(misses, content_dir, settings, jobs):
        results[processed.path] = processed
        post = processed.post
        if post is None:
            continue
        post.fingerprint = keys.get(processed.path, "")
        if cache is not None and post.fingerprint:
            # Bodies go to the cache database batch by batch, so memory never keeps all of the site's bodies.
            new_bodies[post.fingerprint] = post.content_markup or ""
            post.content_markup, post.body_source = None, cache
            new_posts[post.fingerprint] = post
            if len(new_posts) >= CACHE_BATCH:
                _store(cache, new_posts, new_bodies)
    if cache is not None:
        _store(cache, new_posts, new_bodies)
        cache.keep_only(keys.values())
    return [results[path] for path in paths]


def _store(cache: PostCache, posts: dict[str, Post], bodies: dict[str, str]) -> None:
    """Store processed posts and their bodies in the cache, emptying both batches."""
    cache.put_many(bodies, table="bodies")
    cache.put_many(posts)
    posts.clear()
    bodies.clear()


def _cache_keys(paths: Sequence[Path], content_dir: Path, settings: Settings) -> dict[Path, str]:
    """Return the cache key of each file that can be read.

    The working folder is part of the key because messages show paths relative to it.
    """
    settings_digest = settings_fingerprint(settings) + os.getcwd()
    keys = {}
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # Processing it reports the problem.
        keys[path] = entry_key(str(path), data, settings_digest)
    return keys


def _process_all(paths: Sequence[Path], content_dir: Path, settings: Settings, jobs: int | None) -> Iterator[ProcessedFile]:
    """Yield the processed files in order, as they are ready, so the caller can store each one and let it go."""
    workers = worker_count(len(paths), jobs, PARALLEL_MIN_FILES)
    if workers <= 1:
        for path in paths:
            yield process_file(path, content_dir, settings)
        return
    chunk = max(1, math.ceil(len(paths) / (workers * TASKS_PER_WORKER)))
    work = partial(process_file, content_dir=content_dir, settings=settings)
    with ProcessPoolExecutor(workers, mp_context=_worker_context()) as pool:
        yield from pool.map(work, paths, chunksize=chunk)


def worker_count(items: int, jobs: int | None, parallel_min: int) -> int:
    """Return how many worker processes to use for `items` pieces of work; 1 means none.

    `jobs` None uses one worker per CPU from `parallel_min` items on; an
    explicit number is used as given, up to one worker per item.
    """
    if jobs is not None:
        return max(1, min(jobs, items))
    cpus = os.cpu_count() or 1
    return cpus if items >= parallel_min and cpus > 1 else 1


def _worker_context() -> multiprocessing.context.BaseContext:
    # Forking skips importing distillm again in every worker; where it is missing
    # (Windows), workers start fresh and import what `process_file` needs.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
