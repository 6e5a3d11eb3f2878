"""The text of a check's report: its problem lines and its summary lines."""

from __future__ import annotations

from collections import Counter

from .run import CheckReport

# Kinds of problem: singular and plural noun; the first two make `check` fail.
BROKEN = ("broken link", "broken links")
MOJIBAKE = ("line with mojibake", "lines with mojibake")
DUPLICATE = ("duplicate link", "duplicate links")
MOVED = ("moved link", "moved links")
UNVERIFIED = ("unverified link", "unverified links")
ERROR_KINDS = (BROKEN, MOJIBAKE)


def report_lines(report: CheckReport) -> list[str]:
    """Return the duplicate warnings, then every other problem grouped by file, one line each."""
    return [str(warning) for warning in report.duplicates] + [str(problem) for problem in report.problems]


def problem_counts(report: CheckReport) -> dict[tuple[str, str], int]:
    """Count the problems of each kind; a link linked twice counts twice."""
    occurrences = report.external.occurrences if report.external else Counter()
    return {
        BROKEN: len(report.broken) + occurrences["broken"],
        MOJIBAKE: len(report.mojibake),
        DUPLICATE: len(report.duplicates),
        MOVED: occurrences["moved"],
        UNVERIFIED: occurrences["unverified"],
    }


def work_summary(report: CheckReport) -> str:
    """Return what was checked and what was found: the line that ends a check."""
    summary = f"Checked {_count(report.pages, ('page', 'pages'))} and {_count(report.content_files, ('content file', 'content files'))}"
    found = [_count(count, kind) for kind, count in problem_counts(report).items() if count]
    summary += ": " + (", ".join(found) or "no problems found")
    external = report.external
    if external is not None:
        verdicts = external.verdicts()
        shown = ", ".join(f"{verdicts[name]} {name}" for name in ("ok", "moved", "unverified", "broken"))
        summary += (
            f"; {_count(len(external.results), ('external URL', 'external URLs'))} ({shown}), "
            f"{external.requested} requested and {external.cached} from the cache"
        )
    return summary


def failure_summary(report: CheckReport) -> str:
    """Return the last line of a check that found errors: how many of each kind."""
    counts = problem_counts(report)
    errors = [(kind, counts[kind]) for kind in ERROR_KINDS if counts[kind]]
    total = sum(count for _, count in errors)
    listed = " and ".join(_count(count, kind) for kind, count in errors)
    return f"check found {_count(total, ('problem', 'problems'))}: {listed}"


def _count(count: int, nouns: tuple[str, str]) -> str:
    return f"{count} {nouns[0] if count == 1 else nouns[1]}"
