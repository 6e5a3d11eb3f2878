"""Time `distillm serve`'s rebuild after a one-post edit.

    python bench/serve_rebuild.py SITE_DIR --edits 5

Runs a serve session in this process over SITE_DIR, a corpus written by
bench/corpus.py, and edits the post in the middle of the site `--edits`
times. It prints, as JSON, the first build's time and two medians. Both
start at each rebuild's start. The first ends at the reload message for the
edited post's page, and the second at the end of the rebuild, when the pages
that list the post are written too. A rebuild starts when the watcher's quiet period ends: 100 ms after the
save's last file event (`distillm.serve.watcher.QUIET_SECONDS`), which these
times leave out. The site's own files are edited; give it a copy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from distillm.serve.session import Changes, SessionOptions, SiteSession


class SilentListener:
    """Takes the session's notifications and does nothing: no browser is connected."""

    def reload(self, url_paths):
        pass

    def swap_stylesheets(self, url_paths):
        pass

    def show_status(self, status):
        pass


def measure(site: Path, edits: int) -> dict[str, float]:
    """Build the site in a serve session, edit one post `edits` times, and return the median times in seconds."""
    with tempfile.TemporaryDirectory() as served:
        session = SiteSession(SessionOptions(site, Path(served), "http://127.0.0.1:1313"), SilentListener())
        started = time.perf_counter()
        first = session.build_all()
        first_build = time.perf_counter() - started
        if first.failed:
            raise SystemExit(f"the first build failed: {first.error}")
        posts = sorted((site / "content" / "posts").glob("*.md"))
        edited = posts[len(posts) // 2]
        original = edited.read_text(encoding="utf-8")
        page_times, total_times = [], []
        for number in range(edits):
            edited.write_text(original.rstrip("\n") + f"\n\nEdited while serving ({number}).\n", encoding="utf-8")
            report = session.rebuild(Changes(content=frozenset([edited])))
            if report is None or report.failed or report.first_page_seconds is None:
                raise SystemExit("the rebuild after the edit failed or announced no page")
            page_times.append(report.first_page_seconds)
            total_times.append(report.seconds)
        edited.write_text(original, encoding="utf-8")
    return {
        "first_build": first_build,
        "edited_page": statistics.median(page_times),
        "all_pages": statistics.median(total_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the site folder (its posts are edited)")
    parser.add_argument("--edits", type=int, default=5, help="edits to time; the median is printed (default: 5)")
    arguments = parser.parse_args()
    json.dump(measure(arguments.site, arguments.edits), sys.stdout)
    print()


if __name__ == "__main__":
    main()
