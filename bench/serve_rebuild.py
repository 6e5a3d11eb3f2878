"""Time `distillm serve`'s rebuild after a one-post edit, next to a full build of the same site.

The corpus is N copies of the bundled post, each with its own slug, date,
tags, period heading (the month of its date) and link URLs. A `copy=N`
query parameter keeps the links distinct, as they are in real digests, so
no copy repeats another's links.

    python bench/serve_rebuild.py --posts 1000 --edits 5

It prints the full build time of `distillm build`, the serve session's first
build, and for each edit the time until the edited post's page was written
and its reload announced, and until every changed page was written. The
times start when the rebuild starts, so they exclude the watcher's quiet
period (100 ms) that gathers a save's file events.
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import tempfile
import time
from pathlib import Path

from distillm.build import BuildOptions, build_site
from distillm.serve.session import Changes, SessionOptions, SiteSession

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_POST = REPO_ROOT / "content" / "posts" / "distillm-03.md"
_LINK_TARGET = re.compile(r"\]\((https?://[^)\s]+)\)")


class SilentListener:
    def reload(self, url_paths):
        pass

    def swap_stylesheets(self, url_paths):
        pass

    def show_status(self, status):
        pass


def write_corpus(root: Path, posts: int) -> list[Path]:
    """Write a site of `posts` copies of the bundled post under `root`; return the post files."""
    (root / "content" / "posts").mkdir(parents=True)
    (root / "distillm.toml").write_text('title = "Bench"\nbase_url = "https://example.org/blog/"\n', encoding="utf-8")
    source = REAL_POST.read_text(encoding="utf-8")
    first_day = datetime.date(2000, 1, 1)
    paths = []
    for number in range(posts):
        day = first_day + datetime.timedelta(days=7 * number)
        text = source.replace('title = "DistiLLM 03"', f'title = "Digest {number}"')
        text = text.replace('date = "2024-05-01"', f'date = "{day}"')
        text = text.replace('tags = ["nlp", "distillm"]', f'tags = ["nlp", "topic-{number % 20}"]')
        text = text.replace("April 2024", f"{day:%B %Y}")
        text = _LINK_TARGET.sub(lambda match: f"]({_distinct(match.group(1), number)})", text)
        path = root / "content" / "posts" / f"digest-{number:05d}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _distinct(url: str, number: int) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}copy={number}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        posts = write_corpus(root, arguments.posts)

        started = time.perf_counter()
        build_site(BuildOptions(source_dir=root, output_dir=Path(folder) / "public"))
        print(f"distillm build, {arguments.posts} posts: {time.perf_counter() - started:.2f} s")

        served = Path(folder) / "served"
        served.mkdir()
        session = SiteSession(SessionOptions(root, served, "http://127.0.0.1:1313"), SilentListener())
        first = session.build_all()
        print(f"serve, first build: {first.seconds:.2f} s, {first.rendered} files rendered")

        edited = posts[len(posts) // 2]
        original = edited.read_text(encoding="utf-8")
        page_times, total_times = [], []
        for number in range(arguments.edits):
            edited.write_text(original.replace("Here I am", f"Here I am ({number})"), encoding="utf-8")
            report = session.rebuild(Changes(content=frozenset([edited])))
            assert report is not None and not report.failed
            page_times.append(report.first_page_seconds or 0.0)
            total_times.append(report.seconds)
            print(
                f"edit {number + 1}: its page after {report.first_page_seconds * 1000:.0f} ms, "
                f"all {len(report.first_written) + len(report.written)} changed pages after "
                f"{report.seconds * 1000:.0f} ms ({report.rendered} rendered)"
            )
        print(
            f"median of {arguments.edits}: its page {statistics.median(page_times) * 1000:.0f} ms, "
            f"all pages {statistics.median(total_times) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
