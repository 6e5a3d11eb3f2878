"""Worker processes give the same site, messages and errors as one process."""

from __future__ import annotations

import hashlib

from conftest import RAW_REAL_POST


def _snapshot(folder) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".distillm-manifest.json"
    }


def _write_posts(site, count: int) -> None:
    text = RAW_REAL_POST.read_text(encoding="utf-8")
    for number in range(count):
        body = text.replace('title = "DistiLLM 03"', f'title = "Digest {number}"')
        body = body.replace('date = "2024-05-01"', f'date = "2024-{number % 12 + 1:02d}-{number % 27 + 1:02d}"')
        # The same links in every copy: duplicates warnings and "also linked in" notes across posts.
        site.write(f"content/posts/digest-{number:02d}.md", body, dedent=False)


def test_workers_build_identical_site(site, tmp_path):
    _write_posts(site, 6)
    site.write("content/posts/typo.md", '+++\ntitle = "T"\ndate = 2024-01-02\ntagz = ["a"]\n+++\n')
    one = site.build("--jobs", "1", "--output", str(tmp_path / "one"))
    two = site.build("--jobs", "2", "--output", str(tmp_path / "two"))
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    assert _snapshot(tmp_path / "two") == _snapshot(tmp_path / "one")
    warnings_one = [line for line in one.stderr.splitlines() if ": warning: " in line]
    warnings_two = [line for line in two.stderr.splitlines() if ": warning: " in line]
    assert warnings_two == warnings_one
    assert any("tagz" in line for line in warnings_one)
    assert any("link already in" in line for line in warnings_one)
    newest = (tmp_path / "two" / "posts" / "digest-05" / "index.html").read_text(encoding="utf-8")
    assert 'class="also-linked"' in newest
    assert "\x00" not in newest


def test_workers_report_every_error(site):
    _write_posts(site, 3)
    site.write("content/posts/broken.md", '+++\ntitle = "Broken\n+++\n')
    site.write("content/posts/undated.md", '+++\ntitle = "Undated"\ntitel = "x"\n+++\n')
    one = site.build("--jobs", "1")
    two = site.build("--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert two.stderr == one.stderr
    assert "Traceback" not in two.stderr
    assert sum(": error: " in line for line in two.stderr.splitlines()) == 2
