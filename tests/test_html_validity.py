"""Every HTML page the build writes passes the Nu Html Checker with no errors.

The checker is the `vnu.jar` of the npm package vnu-jar, run with the
machine's Java; `.ci/run` installs both. All pages go to one Java run, since
starting the JVM costs more than checking the pages.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO_ROOT, run_distillm
from sample_sites import build_hugo_site

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run .ci/run, or: npm install --prefix . --no-save --ignore-scripts vnu-jar"


def vnu_command() -> list[str]:
    """Return the command that runs the checker, or fail the test saying what is missing."""
    jar = Path(os.environ.get("VNU_JAR", VNU_JAR))
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"java not found; the Nu Html Checker needs Java 11 or newer ({INSTALL_HINT})")
    if not jar.is_file():
        pytest.fail(f"{jar} not found; {INSTALL_HINT}, or set VNU_JAR to the jar's path")
    return [java, "-jar", str(jar)]


def test_every_page_is_valid_html(tmp_path):
    bundled = tmp_path / "bundled"
    result = run_distillm(
        "build", "--source", str(REPO_ROOT), "--output", str(bundled), "--base-url", "https://example.github.io/blog/"
    )
    assert result.returncode == 0, result.stderr
    migrated = build_hugo_site(tmp_path / "migrated").output
    pages = sorted(bundled.rglob("*.html")) + sorted(migrated.rglob("*.html"))
    assert len(pages) > 25

    checked = subprocess.run(
        [*vnu_command(), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    messages = json.loads(checked.stderr)["messages"]
    problems = [f"{m.get('url')}:{m.get('lastLine')}: {m['type']}: {m['message']}" for m in messages]
    assert problems == []
    assert checked.returncode == 0
