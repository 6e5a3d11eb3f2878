"""Render planned pages in forked worker processes.

Workers are forked after the site is planned, so each one already has the
site, the Jinja environment and the plan. A worker renders the pages it is
given and writes them straight into the staging folder, sending back only
their paths and digests. Feeds and assets stay in the main process, because their
rendering may log warnings that `--strict` must count.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Diagnostic
from .render import PlannedPage
from .writer import content_digest

PARALLEL_MIN_PAGES = 200
"""Below this many pages, forking workers costs more than it saves. An estimate: a page
renders in 1 to 2 ms on this project's benchmark machine."""
PAGES_PER_TASK = 64

_pages: Sequence[PlannedPage] = ()
_staging_dir: Path = Path()


@dataclass(frozen=True)
class RenderedFile:
    """A page a worker rendered and wrote: where, what kind, and the digest of its bytes."""

    index: int
    path: str
    kind: str
    digest: str
    reads: tuple[str, ...]
    """The site-wide collections its templates read."""


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def render_in_workers(
    pages: Sequence[PlannedPage], indexes: Sequence[int], staging_dir: Path, workers: int
) -> list[RenderedFile]:
    """Render `pages[i]` for each index in `indexes` in `workers` forked processes, writing into `staging_dir`.

    Raises `ContentError` with the first template error a worker met.
    """
    global _pages, _staging_dir
    _pages, _staging_dir = pages, staging_dir
    tasks = [list(indexes[start : start + PAGES_PER_TASK]) for start in range(0, len(indexes), PAGES_PER_TASK)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_render_task, tasks))
    finally:
        _pages, _staging_dir = (), Path()
    rendered: list[RenderedFile] = []
    for result in results:
        if isinstance(result, list) and result and isinstance(result[0], Diagnostic):
            raise ContentError(result)
        rendered.extend(result)
    return rendered


def _render_task(indexes: list[int]) -> list[RenderedFile] | list[Diagnostic]:
    rendered = []
    made_folders: set[Path] = set()
    for index in indexes:
        try:
            output = _pages[index].render()
        except ContentError as error:
            return error.diagnostics
        target = _staging_dir / output.path
        if target.parent not in made_folders:
            os.makedirs(target.parent, exist_ok=True)
            made_folders.add(target.parent)
        target.write_bytes(output.content)
        rendered.append(RenderedFile(index, output.path, output.kind, content_digest(output.content), tuple(output.reads)))
    return rendered
