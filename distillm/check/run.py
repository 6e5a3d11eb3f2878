"""`distillm check`: build the site into a temporary folder and check what the build cannot.

Offline, it checks every internal link of every built page, lists duplicate
links together and finds mojibake in every content file. With `--external`
it also requests every external link. The output folder is never written:
the build goes to a temporary folder that is deleted afterwards.
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..build import BuildOptions, build_site
from ..errors import Diagnostic, display_path
from ..exports import load_link_database
from ..extract import mark_duplicates
from ..loader import CONTENT_DIR, find_content_files
from ..model import Link, Site
from .held_warnings import holding_warnings
from .options import CheckOptions
from .internal import internal_link_problems
from .mojibake import ContentText, garbled_lines, mojibake_problem, read_content_text, text_diff, write_repaired

if TYPE_CHECKING:  # httpx is imported only when external links are checked.
    from .links import ExternalReport


@dataclass
class CheckReport:
    """The findings of one check."""

    duplicates: list[Diagnostic]
    """Warnings about repeated links, each link's together."""
    broken: list[Diagnostic] = field(default_factory=list)
    """Internal links that do not resolve."""
    mojibake: list[Diagnostic] = field(default_factory=list)
    external: ExternalReport | None = None
    pages: int = 0
    content_files: int = 0

    @property
    def problems(self) -> list[Diagnostic]:
        """Every problem but the duplicates, grouped by file and in line order."""
        found = [*self.broken, *self.mojibake, *(self.external.problems if self.external else [])]
        return sorted(found, key=lambda problem: (problem.path, problem.line or 0, problem.column or 0))

    @property
    def failed(self) -> bool:
        """Whether a link is broken or a file has mojibake: what makes `check` exit with 1."""
        return any(problem.severity == "error" for problem in self.problems)


def check_site(options: CheckOptions) -> CheckReport:
    """Build the site in a temporary folder and check its links and text; raise `ContentError` if it does not build."""
    source_dir = options.source_dir
    with holding_warnings() as held, tempfile.TemporaryDirectory(prefix="distillm-check-") as temporary:
        built_dir = Path(temporary) / "site"
        build = BuildOptions(
            source_dir, built_dir, drafts=options.load.drafts, future=options.load.future, expired=options.load.expired
        )
        build_site(build)
        site = load_link_database(source_dir, options.load)
        broken = internal_link_problems(site, built_dir, BuildOptions(source_dir).resolved_output_dir)
        pages = sum(1 for _ in built_dir.rglob("*.html"))
    duplicates = grouped_duplicates(site)
    held.replay(leave_out={str(warning) for warning in duplicates})
    contents = read_contents(source_dir)
    report = CheckReport(duplicates, broken, mojibake_problems(contents), pages=pages, content_files=len(contents))
    if options.external is not None:
        from .links import check_external_links

        report.external = check_external_links(site.links, source_dir, options.external)
    return report


def grouped_duplicates(site: Site) -> list[Diagnostic]:
    """Return the build's duplicate-link warnings, the warnings about one link next to each other."""
    links_at: dict[tuple[str, int], list[Link]] = defaultdict(list)
    for link in site.links:
        links_at[display_path(link.post.source_path), link.line].append(link)
    groups: dict[str, list[Diagnostic]] = defaultdict(list)
    for warning in mark_duplicates(site.posts, site.settings.base_url):
        # A duplicate warning ends with the link's URL in brackets; the other warnings
        # mark_duplicates returns are about unused `repeat_links` entries.
        candidates = links_at.get((warning.path, warning.line or 0), [])
        link = next((link for link in candidates if warning.message.endswith(f"({link.url})")), None)
        if link is not None:
            groups[link.loose_key].append(warning)
    return [warning for group in groups.values() for warning in group]


def read_contents(source_dir: Path) -> list[ContentText]:
    """Read every content file that is valid UTF-8, with its text repaired in memory."""
    contents = []
    for path in find_content_files(source_dir / CONTENT_DIR):
        content = read_content_text(path)
        if content is not None:
            contents.append(content)
    return contents


def mojibake_problems(contents: Sequence[ContentText]) -> list[Diagnostic]:
    return [mojibake_problem(content.path, garbled) for content in contents for garbled in garbled_lines(content)]


def repair_text(source_dir: Path, diff_output: TextIO = sys.stdout) -> list[tuple[ContentText, int]]:
    """Print a diff of every mojibake repair, then write the repaired content files.

    Returns each repaired file with the number of its lines that changed.
    """
    repairs = [content for content in read_contents(source_dir) if content.changed]
    diff_output.write(text_diff(repairs))
    diff_output.flush()
    for content in repairs:
        write_repaired(content)
    return [(content, len(garbled_lines(content))) for content in repairs]
