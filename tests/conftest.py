"""Shared fixtures: a throwaway site folder and the real `distillm` command."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RAW_REAL_POST = FIXTURES / "distillm-03.raw.md"

DEFAULT_SETTINGS = """\
title = "Test Digest"
base_url = "https://example.org/"
description = "A site for tests"
"""


def run_distillm(*arguments: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m distillm` in a subprocess, as a user would, and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "distillm", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


class SiteFolder:
    """A site in a temporary folder, written file by file by a test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "public"
        self.stderr = ""
        """What the last `build` printed on stderr."""

    def write(self, relative: str, text: str, dedent: bool = True) -> Path:
        """Write a text file in the site (UTF-8, `\\n` line ends); return its path."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8", newline="")
        return path

    def write_bytes(self, relative: str, data: bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def settings(self, text: str = DEFAULT_SETTINGS) -> Path:
        """Write `distillm.toml`."""
        return self.write("distillm.toml", text)

    def post(self, name: str, title: str = "A post", date: str = "2024-05-01", body: str = "Hello.\n", **keys: str) -> Path:
        """Write `content/posts/<name>.md` with TOML front matter; `keys` are raw TOML values."""
        lines = [f'title = "{title}"', f"date = {date}"] + [f"{key} = {value}" for key, value in keys.items()]
        front_matter = "\n".join(lines)
        return self.write(f"content/posts/{name}.md", f"+++\n{front_matter}\n+++\n{body}", dedent=False)

    def build(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        """Run `distillm build` on this site."""
        result = run_distillm("build", "--source", str(self.root), *arguments)
        self.stderr = result.stderr
        return result

    def html(self, relative: str) -> BeautifulSoup:
        """Parse an output file as HTML."""
        return BeautifulSoup((self.output / relative).read_text(encoding="utf-8"), "html.parser")

    def output_files(self) -> set[str]:
        """Return every file in the output folder, relative, with `/` separators."""
        return {path.relative_to(self.output).as_posix() for path in self.output.rglob("*") if path.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> SiteFolder:
    """An empty site with valid settings in `distillm.toml`."""
    folder = SiteFolder(tmp_path / "site")
    folder.root.mkdir()
    folder.settings()
    return folder
