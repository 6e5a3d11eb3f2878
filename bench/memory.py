"""Show how a cold build's memory grows, stage by stage, in the main process.

    python bench/corpus.py --posts 2000 --seed 1 --output /tmp/corpus
    python bench/memory.py /tmp/corpus

Runs `distillm build` in this process over the site folder, after deleting
its `public/` and `.distillm-cache/` so that the build is cold. It prints the
resident set size after each stage of the pipeline, and the peak, sampled
every 10 ms (Linux only). Worker processes are not counted: they share the main
process's memory until they write to it, and they exit before the build ends.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import threading
import time
from pathlib import Path

from distillm import build

# Functions of `distillm.build` that run one stage each, in pipeline order.
STAGES = ["load_site", "extract_site_links", "plan_output", "write_generated"]


def resident_mb() -> float:
    """Return this process's resident set size in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakSampler:
    """The peak resident set size and the stage it was reached in, sampled by a thread."""

    def __init__(self) -> None:
        self.stage = "start-up"
        self.peak = 0.0
        self.peak_stage = self.stage
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            current = resident_mb()
            if current > self.peak:
                self.peak, self.peak_stage = current, self.stage
            time.sleep(0.01)


def report_stage(function, name: str, sampler: PeakSampler, rows: list[tuple[str, float, float]]):
    """Wrap a stage's function so that it records the resident set size before and after it."""

    @functools.wraps(function)
    def measured(*args, **kwargs):
        sampler.stage = name
        before = resident_mb()
        result = function(*args, **kwargs)
        rows.append((name, before, resident_mb()))
        return result

    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site folder, such as a corpus written by bench/corpus.py")
    parser.add_argument("--jobs", type=int, help="worker processes, as `distillm build --jobs` (default: one per CPU)")
    arguments = parser.parse_args()

    site = arguments.site.resolve()
    shutil.rmtree(site / "public", ignore_errors=True)
    shutil.rmtree(site / ".distillm-cache", ignore_errors=True)
    sampler = PeakSampler()
    rows: list[tuple[str, float, float]] = []
    for name in STAGES:
        setattr(build, name, report_stage(getattr(build, name), name, sampler, rows))
    os.chdir(site)
    started = resident_mb()
    build.build_site(build.BuildOptions(source_dir=Path("."), jobs=arguments.jobs))

    print("| stage | RSS before (MB) | RSS after (MB) | growth (MB) |")
    print("|---|---:|---:|---:|")
    print(f"| start-up | | {started:.0f} | |")
    for name, before, after in rows:
        print(f"| `{name}` | {before:.0f} | {after:.0f} | {after - before:+.0f} |")
    print(f"\nPeak: {sampler.peak:.0f} MB, during `{sampler.peak_stage}`.")


if __name__ == "__main__":
    main()
