"""Watching: each editor's way of saving causes one rebuild, and temp files and reads cause none.

Every save here happens on real files under a real `distillm serve`, which
logs one line per rebuild; the tests count those lines.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from conftest import SiteFolder
from distillm.serve.watcher import QUIET_SECONDS, RebuildQueue, is_editor_file
from serving import ServeProcess

REBUILD_TIMEOUT = 10.0
SETTLE_SECONDS = 8 * QUIET_SECONDS
"""How long to wait after a rebuild for a second one that should not come."""


def post_text(title: str) -> str:
    return f'+++\ntitle = "{title}"\ndate = 2024-05-01\n+++\nA body.\n'


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = SiteFolder(tmp_path_factory.mktemp("serve-watch") / "site")
    site.root.mkdir()
    site.settings()
    site.write("content/posts/target.md", post_text("Target"), dedent=False)
    site.write("content/posts/other.md", post_text("Other"), dedent=False)
    with ServeProcess(site.root) as server:
        yield server, site.root / "content" / "posts"


def rebuilds_after(served, action) -> list[str]:
    """Run `action`, wait for its rebuild and for any further one, and return the rebuild lines."""
    server, _ = served
    start = server.mark()
    action()
    server.wait_for(" changed: ", timeout=REBUILD_TIMEOUT, start=start)
    time.sleep(SETTLE_SECONDS)
    return server.rebuilds(start)


def no_rebuild_after(served, action) -> list[str]:
    """Run `action`, then save another post; return the rebuild lines, which must name only that post."""
    server, posts = served
    start = server.mark()
    action()
    time.sleep(SETTLE_SECONDS)
    (posts / "other.md").write_text(post_text(f"Other {time.monotonic()}"), encoding="utf-8")
    server.wait_for("other.md changed: ", timeout=REBUILD_TIMEOUT, start=start)
    time.sleep(SETTLE_SECONDS)
    return server.rebuilds(start)


def save_in_place(posts: Path) -> None:
    (posts / "target.md").write_text(post_text("In place"), encoding="utf-8")


def save_by_rename(posts: Path) -> None:
    """Write a temp file beside the post and rename it over the post, as editors with atomic saves do."""
    temporary = posts / "target.md.tmp-4711"
    temporary.write_text(post_text("Renamed over"), encoding="utf-8")
    os.replace(temporary, posts / "target.md")


def save_like_vim(posts: Path) -> None:
    """Vim with `writebackup`: probe with 4913, move the original to a backup, write anew, drop the backup."""
    swap = posts / ".target.md.swp"
    swap.write_bytes(b"b0VIM 9.0")
    probe = posts / "4913"
    probe.write_bytes(b"")
    probe.unlink()
    backup = posts / "target.md~"
    os.replace(posts / "target.md", backup)
    (posts / "target.md").write_text(post_text("Vim"), encoding="utf-8")
    backup.unlink()
    swap.unlink()


def save_like_jetbrains(posts: Path) -> None:
    """JetBrains safe write: a ___jb_tmp___ file, the original renamed to ___jb_old___, then swapped."""
    temporary = posts / "target.md___jb_tmp___"
    temporary.write_text(post_text("JetBrains"), encoding="utf-8")
    old = posts / "target.md___jb_old___"
    os.replace(posts / "target.md", old)
    os.replace(temporary, posts / "target.md")
    old.unlink()


def save_twice(posts: Path) -> None:
    save_in_place(posts)
    time.sleep(0.03)
    (posts / "target.md").write_text(post_text("Saved twice"), encoding="utf-8")


def save_burst(posts: Path) -> None:
    """Twenty saves within 200 ms, as an editor with autosave on every keystroke makes."""
    for number in range(20):
        (posts / "target.md").write_text(post_text(f"Burst {number}"), encoding="utf-8")
        time.sleep(0.01)


@pytest.mark.parametrize(
    "save", [save_in_place, save_by_rename, save_like_vim, save_like_jetbrains, save_twice, save_burst]
)
def test_one_save_is_one_rebuild(served, save):
    _, posts = served
    lines = rebuilds_after(served, lambda: save(posts))
    assert len(lines) == 1, lines
    assert lines[0].startswith("content/posts/target.md changed: rebuilt")


def test_new_post_is_one_rebuild(served):
    _, posts = served
    lines = rebuilds_after(served, lambda: (posts / "added.md").write_text(post_text("Added"), encoding="utf-8"))
    assert len(lines) == 1, lines
    assert lines[0].startswith("content/posts/added.md changed: rebuilt")


def write_editor_files(posts: Path) -> None:
    for name in [".target.md.swp", ".target.md.swx", "target.md~", "4913", "notes___jb_tmp___", "target.md.bck"]:
        (posts / name).write_text("scratch", encoding="utf-8")
        (posts / name).unlink()


def read_sources(posts: Path) -> None:
    (posts / "target.md").read_bytes()
    with open(posts / "target.md", encoding="utf-8") as source:
        source.readline()
    list(posts.iterdir())
    (posts / "target.md").stat()


@pytest.mark.parametrize("action", [write_editor_files, read_sources])
def test_no_rebuild(served, action):
    _, posts = served
    lines = no_rebuild_after(served, lambda: action(posts))
    assert len(lines) == 1, lines
    assert lines[0].startswith("content/posts/other.md changed: rebuilt")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".post.md.swp", True),
        (".post.md.swx", True),
        (".post.md.swo", True),
        ("post.md~", True),
        ("4913", True),
        ("post.md___jb_tmp___", True),
        ("post.md___jb_old___", True),
        ("post.md.bck", True),
        (".#post.md", True),
        ("#post.md#", True),
        ("post.md", False),
        ("style.css", False),
        ("4913.md", False),
        ("swap.md", False),
    ],
)
def test_editor_file_names(name, expected):
    assert is_editor_file(Path("content/posts") / name) is expected


def test_save_during_rebuild_is_one_more_rebuild():
    batches: list[set[Path]] = []
    rebuilding = threading.Event()
    release = threading.Event()

    def rebuild(paths: set[Path]) -> None:
        batches.append(paths)
        rebuilding.set()
        release.wait(timeout=10)

    queue = RebuildQueue(rebuild, quiet_seconds=0.05)
    queue.start()
    try:
        queue.add([Path("a.md")])
        assert rebuilding.wait(timeout=5)
        for number in range(5):
            queue.add([Path(f"during-{number}.md")])
        release.set()
        time.sleep(0.5)
    finally:
        queue.stop(timeout=5)
    assert batches == [{Path("a.md")}, {Path(f"during-{number}.md") for number in range(5)}]
