"""Incremental rebuilds: after each kind of edit, the served folder equals a fresh `distillm build`.

The session runs in this process on a real site folder; the reference is the
real command line building the same sources with the served base URL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO_ROOT, SiteFolder, run_distillm
from distillm.serve.session import Changes, SessionOptions, SiteSession
from distillm.serve.status import BuildStatus
from distillm.writer import MANIFEST
from sample_sites import write_hugo_site

ORIGIN = "http://127.0.0.1:1"
SERVED_BASE_URL = ORIGIN + "/blog/"


class RecordingListener:
    """Record the notifications the session sends to open pages, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def reload(self, url_paths):
        self.events.append(("reload", None if url_paths is None else list(url_paths)))

    def swap_stylesheets(self, url_paths):
        self.events.append(("css", list(url_paths)))

    def show_status(self, status: BuildStatus):
        self.events.append(("status", status))


@pytest.fixture
def session(tmp_path):
    site = SiteFolder(tmp_path / "site")
    site.root.mkdir()
    write_hugo_site(site)
    shutil.copy(REPO_ROOT / "content" / "posts" / "distillm-03.md", site.root / "content" / "posts" / "digest.md")
    output = tmp_path / "served"
    output.mkdir()
    listener = RecordingListener()
    session = SiteSession(SessionOptions(site.root, output, ORIGIN), listener)
    report = session.build_all()
    assert not report.failed
    return session, site, listener


def assert_same_as_build(session: SiteSession, site: SiteFolder, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    result = run_distillm("build", "--source", str(site.root), "--output", str(reference), "--base-url", SERVED_BASE_URL)
    assert result.returncode == 0, result.stderr
    served = session.options.output_dir
    expected = {path.relative_to(reference).as_posix() for path in reference.rglob("*") if path.is_file()}
    expected.discard(MANIFEST)
    actual = {path.relative_to(served).as_posix() for path in served.rglob("*") if path.is_file()}
    assert actual == expected
    different = [name for name in sorted(expected) if (served / name).read_bytes() != (reference / name).read_bytes()]
    assert different == []


def edit(site: SiteFolder, relative: str, old: str, new: str) -> Path:
    path = site.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def rebuild(session: SiteSession, *paths: Path):
    report = session.rebuild(Changes(content=frozenset(paths)))
    assert report is not None and not report.failed, session.status
    return report


def test_initial_build_equals_build(session, tmp_path):
    session_, site, _ = session
    assert_same_as_build(session_, site, tmp_path)


@pytest.mark.parametrize(
    ("relative", "old", "new"),
    [
        ("content/posts/first.md", 'title = "First digest"', 'title = "First digest, renamed"'),
        ("content/posts/first.md", "The first one.", "The first one, with a new summary."),
        ("content/posts/third.md", 'tags = ["Hugo"]', 'tags = ["Hugo", "nlp", "New tag"]'),
        ("content/posts/first.md", "date = 2024-03-01T09:00:00", "date = 2024-06-01T09:00:00"),
        ("content/posts/unfinished.md", "draft = true", "draft = false"),
        ("content/posts/digest.md", "- April 2nd", "- [A new link](https://example.com/new)\n- April 2nd"),
        ("content/posts/digest.md", "## What happened in April 2024?", "## What happened in March 2024?"),
        ("content/about.md", 'title = "About"', 'title = "About me"'),
        ("content/posts/second/index.md", 'aliases = ["/2024/04/second.html", "old-second"]', 'aliases = ["/old/"]'),
    ],
    ids=["title", "summary", "tags", "date", "published-draft", "new-link", "period", "page-title", "aliases"],
)
def test_post_edit_equals_build(session, tmp_path, relative, old, new):
    session_, site, _ = session
    rebuild(session_, edit(site, relative, old, new))
    assert_same_as_build(session_, site, tmp_path)


def test_duplicate_link_in_new_post_equals_build(session, tmp_path):
    session_, site, _ = session
    path = site.post("fourth", title="Fourth", date="2024-06-01", body="- [Evals](https://eugeneyan.com/writing/evals/)\n")
    rebuild(session_, path)
    assert_same_as_build(session_, site, tmp_path)
    assert any("link already in" in warning for warning in session_.status.warnings)


def test_deleted_and_unpublished_posts_equal_build(session, tmp_path):
    session_, site, _ = session
    deleted = site.root / "content/posts/third.md"
    deleted.unlink()
    rebuild(session_, deleted)
    assert_same_as_build(session_, site, tmp_path)
    rebuild(session_, edit(site, "content/posts/first.md", "+++\n", "+++\ndraft = true\n"))
    assert_same_as_build(session_, site, tmp_path)
    assert [post.reason for post in session_.status.skipped] == ["draft", "draft"]


def test_template_and_settings_changes_equal_build(session, tmp_path):
    session_, site, listener = session
    template = site.write("templates/partials/footer.html", "<footer>{{ site.posts | length }} posts</footer>\n")
    report = session_.rebuild(Changes(templates=frozenset([template])))
    assert report is not None and report.full
    assert_same_as_build(session_, site, tmp_path)
    assert listener.events[-2] == ("reload", None)

    # The footer reads site.posts, so a new post changes every page, not only the lists.
    rebuild(session_, site.post("fifth", title="Fifth", date="2024-07-01"))
    assert_same_as_build(session_, site, tmp_path)

    settings = edit(site, "distillm.toml", 'title = "Hugo Digest"', 'title = "Renamed Digest"')
    report = session_.rebuild(Changes(settings=True))
    assert report is not None and report.full and not report.failed
    assert_same_as_build(session_, site, tmp_path)
    assert settings.is_file()


def test_post_edit_writes_only_its_pages(session):
    session_, site, listener = session
    start = len(listener.events)
    report = rebuild(session_, edit(site, "content/posts/first.md", "The first one.", "The first one, edited."))
    assert report.first_written == ["/blog/posts/first/"]
    assert "/blog/posts/third/" not in report.written
    assert "/blog/about/" not in report.written
    assert report.rendered < len(session_.pages) / 2
    events = listener.events[start:]
    assert events[0] == ("reload", ["/blog/posts/first/"])
    assert events[1][0] == "reload" and "/blog/posts/first/" not in events[1][1]
    assert events[-1][0] == "status"


def test_unchanged_save_writes_nothing(session):
    session_, site, _ = session
    report = rebuild(session_, site.root / "content/posts/first.md")
    assert report.first_written == []
    assert report.written == []


def test_static_file_is_copied_alone(session):
    session_, site, listener = session
    stylesheet = site.write("static/css/extra.css", "body { color: red; }\n")
    report = session_.rebuild(Changes(static=frozenset([stylesheet])))
    assert report is not None
    assert report.copied == ["/blog/css/extra.css"]
    stylesheet.write_text("body { color: blue; }\n", encoding="utf-8")
    start = len(listener.events)
    report = session_.rebuild(Changes(static=frozenset([stylesheet])))
    assert report is not None
    assert (report.rendered, report.written, report.copied) == (0, [], ["/blog/css/extra.css"])
    assert listener.events[start] == ("css", ["/blog/css/extra.css"])
    assert (session_.options.output_dir / "css/extra.css").read_text(encoding="utf-8") == "body { color: blue; }\n"


def test_broken_post_keeps_last_good_site(session, tmp_path):
    session_, site, listener = session
    page = session_.options.output_dir / "posts/first/index.html"
    before = page.read_bytes()
    broken = edit(site, "content/posts/first.md", 'title = "First digest"', 'title = "First digest')
    report = session_.rebuild(Changes(content=frozenset([broken])))
    assert report is not None and report.failed
    assert page.read_bytes() == before
    status = listener.events[-1][1]
    assert status.failed
    assert status.errors[0].path.endswith("content/posts/first.md")
    assert status.errors[0].line == 2
    rebuild(session_, edit(site, "content/posts/first.md", 'title = "First digest', 'title = "First digest, fixed"'))
    assert not session_.status.failed
    assert_same_as_build(session_, site, tmp_path)


def test_renamed_post_updates_also_linked_notes(session, tmp_path):
    session_, site, _ = session
    shared = "- [Evals](https://eugeneyan.com/writing/evals/)\n"
    rebuild(session_, site.post("newer", title="Newer", date="2024-06-01", body=shared))
    newer_page = session_.options.output_dir / "posts/newer/index.html"
    assert "DistiLLM 03" in newer_page.read_text(encoding="utf-8")
    rebuild(session_, edit(site, "content/posts/digest.md", 'title = "DistiLLM 03"', 'title = "DistiLLM 03, renamed"'))
    assert "DistiLLM 03, renamed" in newer_page.read_text(encoding="utf-8")
    assert_same_as_build(session_, site, tmp_path)


def test_site_broken_at_start_builds_once_fixed(tmp_path):
    site = SiteFolder(tmp_path / "site")
    site.root.mkdir()
    write_hugo_site(site)
    broken = edit(site, "content/posts/first.md", 'title = "First digest"', 'title = "First digest')
    output = tmp_path / "served"
    output.mkdir()
    session = SiteSession(SessionOptions(site.root, output, ORIGIN), RecordingListener())
    report = session.build_all()
    assert report.failed
    assert "the pages show the error until it is fixed" in report.summary(0.0)
    assert list(output.iterdir()) == []
    edit(site, "content/posts/first.md", 'title = "First digest', 'title = "First digest"')
    report = session.rebuild(Changes(content=frozenset([broken])))
    assert report is not None and report.full and not report.failed
    assert_same_as_build(session, site, tmp_path)


@pytest.mark.parametrize("new_date", ["2024-06-01", "2023-01-01"], ids=["now-newest", "now-oldest"])
def test_edited_page_first_pass_is_final(session, tmp_path, new_date):
    session_, site, listener = session
    older = site.post("older", title="Older", date="2024-04-20", body="- [Evals](https://eugeneyan.com/writing/evals/)\n")
    rebuild(session_, older)
    path = site.post("sharing", title="Sharing", date=new_date, body="- [Evals](https://eugeneyan.com/writing/evals/)\n")
    rebuild(session_, path)
    listener.events.clear()
    # A later date: the post's previous version, still in the last rebuild's link index, is now older.
    edit(site, "content/posts/sharing.md", f"date = {new_date}", f"date = {new_date[:3]}5{new_date[4:]}")
    report = rebuild(session_, path)
    assert report.first_written == ["/blog/posts/sharing/"]
    reloads = [paths for kind, paths in listener.events if kind == "reload"]
    # The page the first pass wrote, with its "also linked in" note, is not written again.
    assert reloads[0] == ["/blog/posts/sharing/"]
    assert all("/blog/posts/sharing/" not in paths for paths in reloads[1:])
    assert_same_as_build(session_, site, tmp_path)
