"""Benchmark distillm against the markdown-it-py + Jinja floor.

    python bench/run.py --posts 100 --posts 1000 --runs 5

For each corpus size it writes a corpus (bench/corpus.py) and times the
floor (bench/floor.py). It then times `distillm build` in four situations:
a cold build (no output, no cache), a rebuild with no change, a rebuild
after editing one post, and a rebuild after editing one template. Last, it
times a serve rebuild after a one-post edit (bench/serve_rebuild.py). Every
build figure is the median wall time of `--runs` runs of a fresh process, so
interpreter start-up counts for both sides. Peak memory is the largest total
resident set of the build's process tree, sampled every 20 ms (Linux only).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SUMMARY = re.compile(r"Built (\d+) pages, (\d+) feeds")


@dataclass
class Measurement:
    """The runs of one situation: wall times, peak memory and what the build wrote."""

    seconds: list[float] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)
    pages: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def tree_rss(pid: int) -> int:
    """Return the resident set size in bytes of `pid` and all its descendants."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed_run(command: list[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """Run `command`; return its wall time, the peak RSS of its process tree, and its stderr."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return elapsed, peak, stderr + stdout


def distillm_build(site: Path) -> list[str]:
    return [sys.executable, "-m", "distillm", "build", "--source", str(site)]


def record(measurement: Measurement, command: list[str]) -> None:
    seconds, peak, output = timed_run(command)
    measurement.seconds.append(seconds)
    measurement.peak_rss.append(peak)
    match = SUMMARY.search(output)
    if match:
        measurement.pages = int(match.group(1)) + int(match.group(2))


def edit_post(site: Path, run: int) -> None:
    """Change one sentence of one post, as an author fixing a typo would."""
    post = sorted((site / "content" / "posts").glob("*.md"))[len(list((site / "content" / "posts").glob("*.md"))) // 2]
    text = post.read_text(encoding="utf-8")
    post.write_text(text.rstrip("\n") + f"\n\nEdited in run {run}.\n", encoding="utf-8")


def edit_template(site: Path, run: int) -> None:
    """Override the post template with a one-line change, as a theme tweak would."""
    template = site / "templates" / "post.html"
    template.parent.mkdir(exist_ok=True)
    template.write_text(f'{{% extends "theme/post.html" %}}\n{{# edit {run} #}}\n', encoding="utf-8")


def benchmark(posts: int, runs: int, seed: int, work: Path) -> dict[str, Measurement]:
    """Measure the floor and the four build situations for a corpus of `posts` posts."""
    site = work / f"site-{posts}"
    subprocess.run(
        [sys.executable, str(BENCH_DIR / "corpus.py"), "--posts", str(posts), "--seed", str(seed), "--output", str(site)],
        check=True,
    )
    results = {name: Measurement() for name in ("floor", "cold", "no change", "one post", "one template")}
    serve = measure_serve(site, runs)
    for run in range(runs):
        floor_output = work / "floor-output"
        shutil.rmtree(floor_output, ignore_errors=True)
        record(results["floor"], [sys.executable, str(BENCH_DIR / "floor.py"), str(site), str(floor_output)])
        results["floor"].pages = posts
        for leftover in (site / "public", site / ".distillm-cache", site / "templates"):
            shutil.rmtree(leftover, ignore_errors=True)
        record(results["cold"], distillm_build(site))
        record(results["no change"], distillm_build(site))
        edit_post(site, run)
        record(results["one post"], distillm_build(site))
        edit_template(site, run)
        record(results["one template"], distillm_build(site))
        print(f"  {posts} posts: run {run + 1} of {runs} done", file=sys.stderr)
    results.update(serve)
    return results


def measure_serve(site: Path, edits: int) -> dict[str, Measurement]:
    """Time serve's rebuild after one post edit (bench/serve_rebuild.py), in a process of its own."""
    command = [sys.executable, str(BENCH_DIR / "serve_rebuild.py"), str(site), "--edits", str(edits)]
    seconds, peak, output = timed_run(command)
    times = json.loads(output.strip().splitlines()[-1])
    return {
        "serve: edited page": Measurement([times["edited_page"]], [peak]),
        "serve: all changed pages": Measurement([times["all_pages"]], [peak]),
    }


def report(posts: int, results: dict[str, Measurement]) -> str:
    floor = results["floor"].median
    lines = [
        f"### {posts:,} posts",
        "",
        "| situation | median (s) | ratio to floor | peak RSS (MB) | pages and feeds in the site |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, measurement in results.items():
        lines.append(
            f"| {name} | {measurement.median:.2f} | {measurement.median / floor:.3f} | "
            f"{max(measurement.peak_rss) / 2**20:.0f} | {f'{measurement.pages:,}' if measurement.pages else '—'} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, action="append", help="corpus size; repeat for several (default: 100, 1000, 10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per situation; the median is reported (default: 5)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default: 1)")
    parser.add_argument("--keep", type=Path, help="write corpora here and keep them (default: a temporary folder)")
    parser.add_argument(
        "--parser", choices=("markdown-it-py", "markdown-it-pyrs"), default="markdown-it-py",
        help="the parser distillm uses (DISTILLM_PARSER); markdown-it-pyrs needs distillm[fast] (default: markdown-it-py)",
    )
    arguments = parser.parse_args()
    os.environ["DISTILLM_PARSER"] = arguments.parser
    sizes = arguments.posts or [100, 1000, 10000]
    work = arguments.keep or Path(tempfile.mkdtemp(prefix="distillm-bench-"))
    print(f"Machine: {machine()}\nCommand: {' '.join(sys.argv)}\nParser: {arguments.parser}\n")
    try:
        for posts in sizes:
            print(report(posts, benchmark(posts, arguments.runs, arguments.seed, work)) + "\n", flush=True)
    finally:
        if arguments.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
