"""The build report and its summary line, kept free of heavy imports for the no-change fast path."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import display_path


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_duration(seconds: float) -> str:
    """Return a duration as people read it: `8 ms` below a second, `1.25 s` from there on."""
    milliseconds = round(seconds * 1000)
    return f"{milliseconds} ms" if milliseconds < 1000 else f"{seconds:.2f} s"


@dataclass
class BuildReport:
    """Counts and timing of a finished build, for its summary line."""

    output_dir: Path
    posts: int
    tags: int
    written: Counter[str] = field(default_factory=Counter)
    """Files of the site by kind: `page`, `feed`, `asset` (generated) and `static` (copied)."""
    skipped: Counter[str] = field(default_factory=Counter)
    """Posts left out, by reason: `draft`, `future`, `expired`."""
    seconds: float = 0.0
    unchanged: int = 0
    """Files taken unchanged from the previous output, of those counted in `written`."""

    def summary(self) -> str:
        """Return the one-line summary printed at the end of a build."""
        posts = plural(self.posts, "post")
        tags = plural(self.tags, "tag")
        details = ""
        if self.skipped:
            details = "; skipped " + ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
        if self.unchanged:
            details += f"; {plural(self.unchanged, 'file')} unchanged"
        files = (
            f"{plural(self.written['page'], 'page')}, {plural(self.written['feed'], 'feed')} "
            f"and {plural(self.written['static'] + self.written['asset'], 'static file')}"
        )
        return (
            f"Built {files} ({posts}, {tags}{details}) in {format_duration(self.seconds)} "
            f"into {display_path(self.output_dir)}/"
        )

    def counts(self) -> dict[str, Any]:
        """Return the counts of the report, for the manifest, from which `from_counts` makes it again."""
        return {"posts": self.posts, "tags": self.tags, "written": dict(self.written), "skipped": dict(self.skipped)}

    @classmethod
    def from_counts(cls, output_dir: Path, counts: dict[str, Any]) -> BuildReport:
        return cls(
            output_dir,
            int(counts["posts"]),
            int(counts["tags"]),
            Counter({str(kind): int(number) for kind, number in counts["written"].items()}),
            Counter({str(reason): int(number) for reason, number in counts["skipped"].items()}),
        )
