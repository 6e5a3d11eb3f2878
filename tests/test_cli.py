"""The command line: defaults, help, version, verbosity and exit statuses."""

from __future__ import annotations

import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

from conftest import run_distillm
from distillm import __version__
from distillm.report import format_duration


@pytest.mark.parametrize("arguments", [["--version"], ["build", "--version"]])
def test_version_on_every_command(arguments):
    result = run_distillm(*arguments)
    assert result.returncode == 0
    assert result.stdout.strip() == f"distillm {__version__}"


@pytest.mark.parametrize("arguments", [["--help"], ["build", "--help"]])
def test_help_on_every_command(arguments):
    result = run_distillm(*arguments)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: distillm")
    if "build" in arguments:
        for flag in ["--source", "--output", "--base-url", "--drafts", "--future", "--expired", "--strict", "-v", "-q"]:
            assert flag in result.stdout


def test_console_script_installed():
    scripts = Path(sysconfig.get_path("scripts"))
    executable = shutil.which("distillm", path=str(scripts))
    assert executable is not None, f"no distillm script in {scripts}"
    result = subprocess.run([executable, "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == f"distillm {__version__}"


@pytest.mark.parametrize("arguments", [[], ["publish"], ["build", "--no-such-flag"], ["build", "-v", "-q"]])
def test_misuse_exits_with_two(arguments):
    result = run_distillm(*arguments)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: distillm")


def test_defaults_to_current_folder_and_public(site):
    site.post("one")
    result = run_distillm("build", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith(" into public/")
    assert (site.root / "public/posts/one/index.html").is_file()


def test_summary_line_counts(site):
    site.post("one", tags='["a", "b"]')
    site.post("two", tags='["b"]', date="2024-06-01")
    site.post("draft", draft="true")
    site.post("future", date="2999-01-01")
    site.write("static/robots.txt", "User-agent: *\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    # Pages: 2 posts, home, posts list, tag index, 2 tags, 404, and a page/1/ redirect for each of the 4 lists;
    # the link archive's index, undated list and domain index.
    # Feeds: RSS for the site, the posts, each tag and the links; Atom for the site and each tag;
    # JSON Feed for the site, each tag and the links.
    # Other files: the theme's stylesheet and link filter script, the code stylesheet, sitemap.xml,
    # .nojekyll, and the site's robots.txt, which replaces the generated one.
    assert re.fullmatch(
        r"Built 15 pages, 12 feeds and 6 static files \(2 posts, 2 tags; skipped 1 draft, 1 future\) "
        rf"in (\d+ ms|\d+\.\d\d s) into {re.escape(str(site.output))}/",
        summary,
    ), summary



@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.0004, "0 ms"), (0.0123, "12 ms"), (0.9994, "999 ms"), (0.9996, "1.00 s"), (12.345, "12.35 s")]
)
def test_summary_duration_format(seconds, shown):
    assert format_duration(seconds) == shown

def test_quiet_prints_nothing_on_success(site):
    site.post("one")
    result = site.build("-q")
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == ""


def test_no_traceback_for_missing_source(tmp_path):
    result = run_distillm("build", "--source", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(f"{tmp_path / 'nowhere'}: error: no site settings found")


@pytest.mark.parametrize(
    ("command", "last_line"),
    [
        ("build", "error: build failed with 1 error"),
        ("links", "error: links not exported, because the site has 1 error"),
    ],
)
def test_last_error_line_names_command(site, command, last_line):
    site.write("content/posts/undated.md", '+++\ntitle = "Undated"\n+++\n')

    result = run_distillm(command, cwd=site.root)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/posts/undated.md:1: error: missing date in front matter; add date = 2024-05-01",
        last_line,
    ]
