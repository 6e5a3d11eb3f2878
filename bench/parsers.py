"""Time markdown-it-py against markdown-it-pyrs (distillm[fast]) on a corpus of posts.

    python bench/parsers.py SITE_DIR [--runs 7]

For every post of SITE_DIR/content/posts it times, in one process and one
run after the other so that the ratios compare like with like:

- parse: `markdown_parser().parse(body)` against `fastparse.parse_fast(body)`,
  the Markdown parse alone;
- load: `loader.load_post(path)` with DISTILLM_PARSER set to each parser, the
  whole load stage of one file (read, front matter, parse, word count, table
  of contents).

Each figure is the median over the runs of the mean time per post. Posts
that markdown-it-pyrs cannot parse as markdown-it-py does fall back to
markdown-it-py in `load`, and are counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from distillm import fastparse  # noqa: E402 - after the path to the checkout
from distillm.frontmatter import decode_source, split_source  # noqa: E402
from distillm.loader import load_post  # noqa: E402
from distillm.markdown import markdown_parser  # noqa: E402
from distillm.pyrs_tokens import UnsupportedMarkdown  # noqa: E402
from distillm.settings import load_settings  # noqa: E402


def median_per_post(work: Callable[[], None], posts: int, runs: int) -> float:
    """Return the median over `runs` of the mean milliseconds per post of one `work()` call."""
    work()  # warms caches: the parsers, Pygments lexers, regular expressions
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000 / posts)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the site folder, with posts in content/posts")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each measurement (default: 7)")
    arguments = parser.parse_args()

    content_dir = arguments.site / "content"
    paths = sorted((content_dir / "posts").glob("*.md"))
    bodies = [split_source(path, decode_source(path, path.read_bytes())).body for path in paths]
    settings = load_settings(arguments.site)
    md = markdown_parser()
    unsupported = 0
    for body in bodies:
        try:
            fastparse.parse_fast(body, md)
        except UnsupportedMarkdown:
            unsupported += 1

    def parse_reference() -> None:
        for body in bodies:
            md.parse(body)

    def parse_accelerated() -> None:
        for body in bodies:
            try:
                fastparse.parse_fast(body, md)
            except UnsupportedMarkdown:
                md.parse(body)

    def load_with(choice: str) -> Callable[[], None]:
        def load() -> None:
            os.environ[fastparse.PARSER_VARIABLE] = choice
            for path in paths:
                load_post(path, content_dir, settings)

        return load

    count, runs = len(paths), arguments.runs
    results = {
        "parse": (median_per_post(parse_reference, count, runs), median_per_post(parse_accelerated, count, runs)),
        "load": (
            median_per_post(load_with(fastparse.REFERENCE_PARSER), count, runs),
            median_per_post(load_with(fastparse.ACCELERATED_PARSER), count, runs),
        ),
    }
    size = sum(len(body.encode("utf-8")) for body in bodies) / count / 1024
    print(f"{count} posts of {size:.1f} KB on average, {unsupported} parsed by markdown-it-py as unsupported")
    print(f"median of {runs} runs, ms per post   markdown-it-py   markdown-it-pyrs   speed-up")
    for stage, (reference, accelerated) in results.items():
        print(f"{stage:<35} {reference:>14.2f} {accelerated:>18.2f} {reference / accelerated:>9.2f}x")


if __name__ == "__main__":
    main()
