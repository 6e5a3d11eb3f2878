"""Rebuilds: unchanged files stay as they are, changed ones match a fresh build, caches are never trusted blindly."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time

import pytest

from conftest import RAW_REAL_POST

SUMMARY_FILES = "files unchanged"


def _state(folder) -> dict[str, tuple[str, int, int]]:
    """Return each file's digest, inode and modification time."""
    state = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != ".distillm-manifest.json":
            stat = path.stat()
            state[path.relative_to(folder).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_ino, stat.st_mtime_ns)
    return state


def _digests(folder) -> dict[str, str]:
    return {name: digest for name, (digest, _, _) in _state(folder).items()}


def _write_site(site, posts: int = 5) -> None:
    text = RAW_REAL_POST.read_text(encoding="utf-8")
    for number in range(posts):
        body = text.replace('title = "DistiLLM 03"', f'title = "Digest {number}"')
        body = body.replace('date = "2024-05-01"', f'date = "2024-0{number + 1}-15"')
        body = body.replace('tags = ["nlp", "distillm"]', f'tags = ["nlp", "t{number % 2}"]')
        site.write(f"content/posts/digest-{number}.md", body, dedent=False)
    site.write("static/robots.txt", "User-agent: *\n")


def _rebuild_and_compare(site, tmp_path, *build_arguments: str) -> set[str]:
    """Rebuild; check the output equals a fresh build; return the files whose bytes changed.

    Every file whose bytes did not change must be the very same file as before
    (same inode and modification time): an unchanged page is never written again.
    """
    before = _state(site.output)
    result = site.build("--jobs", "1", *build_arguments)
    assert result.returncode == 0, result.stderr
    after = _state(site.output)
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    fresh_result = site.build("--jobs", "1", "--output", str(fresh), *build_arguments)
    assert fresh_result.returncode == 0, fresh_result.stderr
    assert _digests(site.output) == _digests(fresh)
    changed = {name for name in after if name not in before or before[name][0] != after[name][0]}
    for name in set(after) - changed:
        assert after[name] == before[name], f"{name} was written again with the same bytes"
    return changed


@pytest.fixture
def built(site):
    _write_site(site)
    result = site.build("--jobs", "1")
    assert result.returncode == 0, result.stderr
    return site


def test_no_change_writes_nothing(built, tmp_path):
    before = _state(built.output)
    result = built.build()
    assert result.returncode == 0, result.stderr
    assert _state(built.output) == before
    assert f"; {len(before)} {SUMMARY_FILES}) in " in result.stderr


def test_body_edit_changes_its_page_only(built, tmp_path):
    path = built.root / "content/posts/digest-1.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more closing sentence.\n", encoding="utf-8")
    changed = _rebuild_and_compare(built, tmp_path)
    # The page, and the feeds that carry full content of the post.
    assert changed == {
        "posts/digest-1/index.html",
        "index.xml", "atom.xml", "feed.json", "posts/index.xml",
        "tags/nlp/index.xml", "tags/nlp/atom.xml", "tags/nlp/feed.json",
        "tags/t1/index.xml", "tags/t1/atom.xml", "tags/t1/feed.json",
    }


def test_title_edit_reaches_lists_and_neighbours(built, tmp_path):
    path = built.root / "content/posts/digest-2.md"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "Digest 2"', 'title = "Digest two"'), encoding="utf-8")
    changed = _rebuild_and_compare(built, tmp_path)
    assert {"posts/digest-2/index.html", "posts/digest-1/index.html", "posts/digest-3/index.html"} <= changed
    assert {"index.html", "posts/index.html", "tags/nlp/index.html", "tags/t0/index.html"} <= changed
    assert "posts/digest-0/index.html" not in changed
    assert "tags/t1/index.html" not in changed
    assert "robots.txt" not in changed


def test_tag_change_rebuilds_tag_pages(built, tmp_path):
    path = built.root / "content/posts/digest-0.md"
    path.write_text(path.read_text(encoding="utf-8").replace('"t0"]', '"fresh"]'), encoding="utf-8")
    changed = _rebuild_and_compare(built, tmp_path)
    assert {"tags/fresh/index.html", "tags/fresh/index.xml", "tags/index.html", "tags/t0/index.html"} <= changed
    assert "tags/t1/index.html" not in changed
    assert not (built.output / "tags/t0/index.html").read_text(encoding="utf-8").count("Digest 0</a>")


def test_template_edit_rebuilds_its_pages(built, tmp_path):
    built.write("templates/tags.html", '{% extends "theme/tags.html" %}\n{% block content %}<h1>All tags</h1>{% endblock %}\n')
    changed = _rebuild_and_compare(built, tmp_path)
    assert changed == {"tags/index.html"}


def test_setting_change_rebuilds_everything_it_touches(built, tmp_path):
    built.settings('title = "Renamed Digest"\nbase_url = "https://example.org/"\ndescription = "A site for tests"\n')
    changed = _rebuild_and_compare(built, tmp_path)
    pages = {name for name in _state(built.output) if name.endswith(".html")}
    assert pages <= changed


def test_static_file_change_copies_it_alone(built, tmp_path):
    time.sleep(0.01)
    built.write("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n")
    changed = _rebuild_and_compare(built, tmp_path)
    assert changed == {"robots.txt"}


def test_deleted_post_removes_its_files(built, tmp_path):
    (built.root / "content/posts/digest-4.md").unlink()
    _rebuild_and_compare(built, tmp_path)
    assert not (built.output / "posts/digest-4").exists()


def test_output_file_edited_by_hand_is_rewritten(built, tmp_path):
    expected = (built.output / "posts/digest-1/index.html").read_bytes()
    (built.output / "posts/digest-1/index.html").write_text("scribbled over", encoding="utf-8")
    (built.output / "tags/index.html").unlink()
    result = built.build()
    assert result.returncode == 0, result.stderr
    assert (built.output / "posts/digest-1/index.html").read_bytes() == expected
    assert (built.output / "tags/index.html").is_file()


def test_corrupt_cache_database_rebuilt(built, tmp_path):
    cache = built.root / ".distillm-cache" / "posts.sqlite"
    cache.write_bytes(b"this is not a database" * 100)
    path = built.root / "content/posts/digest-3.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    changed = _rebuild_and_compare(built, tmp_path)
    assert "posts/digest-3/index.html" in changed
    with sqlite3.connect(cache) as connection:
        assert connection.execute("SELECT count(*) FROM posts").fetchone()[0] == 5


def test_damaged_cache_entry_not_trusted(built, tmp_path):
    cache = built.root / ".distillm-cache" / "posts.sqlite"
    with sqlite3.connect(cache) as connection:
        rows = connection.execute("SELECT key, entry FROM posts").fetchall()
        for key, entry in rows:
            # Change the stored post's title in place, keeping the length: the checksum must catch it.
            damaged = bytes(entry).replace(b"Digest 1", b"Digest X")
            connection.execute("UPDATE posts SET entry = ? WHERE key = ?", (damaged, key))
    (built.root / "templates").mkdir()
    (built.root / "templates" / "unused.html").write_text("x", encoding="utf-8")  # Skips the no-change shortcut.
    result = built.build()
    assert result.returncode == 0, result.stderr
    assert "Digest X" not in (built.output / "posts/digest-1/index.html").read_text(encoding="utf-8")
    assert "Digest 1" in (built.output / "posts/digest-1/index.html").read_text(encoding="utf-8")


def test_stale_cache_entry_not_used(built, tmp_path):
    # The same file content under another distillm version has another key, so it is processed again.
    cache = built.root / ".distillm-cache" / "posts.sqlite"
    with sqlite3.connect(cache) as connection:
        connection.execute("UPDATE posts SET key = 'stale-' || key")
    changed = _rebuild_and_compare(built, tmp_path, "--drafts")
    assert changed == set()
    with sqlite3.connect(cache) as connection:
        keys = [key for (key,) in connection.execute("SELECT key FROM posts")]
    assert len(keys) == 5
    assert not any(key.startswith("stale-") for key in keys)


def test_no_change_repeats_warnings_and_strict_still_fails(site):
    _write_site(site, 2)
    site.write("content/posts/typo.md", '+++\ntitle = "T"\ndate = 2024-01-02\ntagz = ["a"]\n+++\n')
    first = site.build()
    second = site.build()
    assert first.returncode == second.returncode == 0
    warnings = [line for line in first.stderr.splitlines() if ": warning: " in line]
    assert warnings
    assert [line for line in second.stderr.splitlines() if ": warning: " in line] == warnings
    assert SUMMARY_FILES in second.stderr
    strict = site.build("--strict")
    assert strict.returncode == 1
    assert "--strict turns warnings into errors" in strict.stderr


def test_post_due_for_publication_appears_without_edit(site):
    _write_site(site, 1)
    due = time.time() + 3
    moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(due))
    site.post("soon", title="Soon", date=moment)
    first = site.build()
    assert first.returncode == 0, first.stderr
    assert "skipped 1 future" in first.stderr
    assert not (site.output / "posts/soon/index.html").exists()
    time.sleep(max(0.0, due - time.time()) + 0.5)
    second = site.build()
    assert second.returncode == 0, second.stderr
    assert (site.output / "posts/soon/index.html").is_file()


def test_output_with_foreign_file_still_refused(built):
    built.write("public/notes.txt", "mine")
    result = built.build()
    assert result.returncode == 1
    assert "(notes.txt)" in result.stderr


def test_workers_leave_unchanged_files_alone(built, tmp_path):
    before = _state(built.output)
    (built.root / "templates").mkdir()
    built.write("templates/partials/footer.html", '<footer class="site-footer"><p>New footer</p></footer>\n')
    result = built.build("--jobs", "2")
    assert result.returncode == 0, result.stderr
    after = _state(built.output)
    for name in ["robots.txt", "index.xml", "css/style.css"]:
        assert after[name] == before[name]
    assert after["posts/digest-1/index.html"][0] != before["posts/digest-1/index.html"][0]
    assert os.path.getsize(built.output / "posts/digest-1/index.html") > 0
