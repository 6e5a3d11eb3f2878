"""The benchmark runs end to end on a tiny corpus (its figures are not checked: this is not a timed test)."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO_ROOT

SITUATIONS = ["floor", "cold", "no change", "one post", "one template", "serve: edited page", "serve: all changed pages"]
ROW = re.compile(r"^\| (?P<name>[^|]+) \| (?P<median>[\d.]+) \| (?P<ratio>[\d.]+) \| (?P<rss>\d+) \| (?P<pages>[\d,]+|—) \|$")


def test_benchmark_smoke_run(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "run.py"), "--posts", "20", "--runs", "1", "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rows = {match["name"]: match for line in result.stdout.splitlines() if (match := ROW.match(line))}
    assert list(rows) == SITUATIONS
    assert rows["floor"]["ratio"] == "1.000"
    assert rows["floor"]["pages"] == "20"
    assert int(rows["cold"]["pages"].replace(",", "")) > 20
    assert rows["no change"]["pages"] == rows["cold"]["pages"]
    assert all(float(row["median"]) > 0 for row in rows.values())
    assert "### 20 posts" in result.stdout
    assert result.stdout.startswith("Machine: ")
    assert len(list((tmp_path / "site-20" / "content" / "posts").glob("*.md"))) == 20


def test_corpus_is_deterministic(tmp_path):
    for name in ("a", "b"):
        subprocess.run(
            [sys.executable, str(REPO_ROOT / "bench" / "corpus.py"), "--posts", "5", "--seed", "7", "--output", str(tmp_path / name)],
            check=True,
        )
    first = sorted((tmp_path / "a" / "content" / "posts").glob("*.md"))
    second = sorted((tmp_path / "b" / "content" / "posts").glob("*.md"))
    assert [path.name for path in first] == [path.name for path in second]
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in second]
    sizes = [len(path.read_bytes()) for path in first]
    assert all(5_000 <= size <= 14_000 for size in sizes), sizes


def test_memory_script_reports_every_stage(tmp_path):
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "corpus.py"), "--posts", "20", "--seed", "3", "--output", str(tmp_path)],
        check=True,
    )
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "memory.py"), str(tmp_path), "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    stages = re.findall(r"^\| `(\w+)` \| (\d+) \| (\d+) \| [+-]\d+ \|$", result.stdout, re.MULTILINE)
    assert [name for name, _, _ in stages] == ["load_site", "extract_site_links", "plan_output", "write_generated"]
    assert all(int(after) > 0 for _, _, after in stages)
    assert re.search(r"^Peak: \d+ MB, during `\w+`\.$", result.stdout, re.MULTILINE)
    assert (tmp_path / "public" / "index.html").is_file()
