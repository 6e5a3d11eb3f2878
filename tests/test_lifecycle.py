"""Drafts, scheduled and expired posts, and starting a post with `distillm new`."""

import re
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import DEFAULT_SETTINGS, run_distillm

from distillm.new import post_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PARIS_SETTINGS = DEFAULT_SETTINGS + 'timezone = "Europe/Paris"\n'
SUMMARY = re.compile(r"^Built .* \((?P<counts>[^)]*)\) in (\d+ ms|\d+\.\d\d s) into public/$")


def write_lifecycle_posts(site):
    site.settings(PARIS_SETTINGS)
    site.post("live", title="Live")
    site.post("unfinished", title="Unfinished", draft="true")
    site.post("later", title="Later", date="2999-05-02T09:00:00")
    site.post("scheduled", title="Scheduled", publishdate="2999-01-01T00:00:00Z")
    site.post("gone", title="Gone", expirydate="2001-02-03T04:05:00Z")


def summary_counts(result):
    match = SUMMARY.match(result.stderr.splitlines()[-1])
    assert match, result.stderr
    return match.group("counts")


def test_unpublished_posts_are_skipped(site):
    write_lifecycle_posts(site)

    result = run_distillm("build", cwd=site.root)

    assert result.returncode == 0, result.stderr
    assert summary_counts(result) == "1 post, 0 tags; skipped 1 draft, 1 expired, 2 future"
    assert {name.split("/")[1] for name in site.output_files() if name.startswith("posts/") and name.count("/") == 2} == {
        "live"
    }


SKIPPED_LINES = [
    "skipped content/posts/gone.md: expired: expirydate 2001-02-03 05:05 Europe/Paris is not after now",
    "skipped content/posts/later.md: future: 2999-05-02 09:00 Europe/Paris is after now",
    "skipped content/posts/scheduled.md: future: 2999-01-01 01:00 Europe/Paris is after now",
    "skipped content/posts/unfinished.md: draft: draft = true",
]


def test_verbose_lists_skipped_posts_with_reasons(site):
    write_lifecycle_posts(site)

    result = run_distillm("build", "-v", cwd=site.root)

    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert skipped == SKIPPED_LINES


def test_verbose_lists_skipped_posts_when_nothing_changed(site):
    write_lifecycle_posts(site)
    assert run_distillm("build", cwd=site.root).returncode == 0

    result = run_distillm("build", "-v", cwd=site.root)

    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert skipped == SKIPPED_LINES
    assert "files unchanged) in " in result.stderr.splitlines()[-1]
    quiet = run_distillm("build", cwd=site.root)
    assert not any(line.startswith("skipped ") for line in quiet.stderr.splitlines())


@pytest.mark.parametrize(
    ("flag", "included", "counts"),
    [
        ("--drafts", "unfinished", "2 posts, 0 tags; skipped 1 expired, 2 future"),
        ("--future", "later", "3 posts, 0 tags; skipped 1 draft, 1 expired"),
        ("--expired", "gone", "2 posts, 0 tags; skipped 1 draft, 2 future"),
    ],
)
def test_flag_includes_posts(site, flag, included, counts):
    write_lifecycle_posts(site)

    result = run_distillm("build", flag, cwd=site.root)

    assert result.returncode == 0, result.stderr
    assert summary_counts(result) == counts
    assert f"posts/{included}/index.html" in site.output_files()


def test_all_flags_include_everything(site):
    write_lifecycle_posts(site)

    result = run_distillm("build", "--drafts", "--future", "--expired", cwd=site.root)

    assert summary_counts(result) == "5 posts, 0 tags"


def test_skipped_post_stays_out_of_feeds_and_sitemap(site):
    write_lifecycle_posts(site)
    assert run_distillm("build", cwd=site.root).returncode == 0

    for name in ["index.xml", "atom.xml", "feed.json", "sitemap.xml"]:
        text = (site.output / name).read_text(encoding="utf-8")
        assert "posts/live/" in text
        for skipped in ["unfinished", "later", "scheduled", "gone"]:
            assert f"posts/{skipped}/" not in text, (name, skipped)


def read_front_matter(path):
    text = path.read_text(encoding="utf-8")
    _, front_matter, body = text.split("+++\n", 2)
    return tomllib.loads(front_matter), body


def test_new_writes_draft_post(site):
    site.settings(PARIS_SETTINGS)
    before = datetime.now(ZoneInfo("Europe/Paris")).replace(second=0, microsecond=0)

    result = run_distillm("new", "DistiLLM 04", cwd=site.root)

    after = datetime.now(ZoneInfo("Europe/Paris"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == "Created content/posts/distillm-04.md (a draft: build with --drafts to see it)\n"
    values, body = read_front_matter(site.root / "content/posts/distillm-04.md")
    assert list(values) == ["title", "date", "draft", "tags"]
    assert values["title"] == "DistiLLM 04"
    assert before <= values["date"] <= after
    assert values["date"].utcoffset() == before.utcoffset()
    assert values["draft"] is True
    assert values["tags"] == []
    previous = values["date"].replace(day=1) - timedelta(days=1)
    assert body.splitlines()[1] == f"## What happened in {previous:%B} {previous.year}?"
    assert body.splitlines()[3] == f"- {previous:%B} 1st"
    # A placeholder on a reserved domain, which no site's base URL can share.
    assert body.splitlines()[4] == "  - [Title of the page, as the page gives it](https://page.example/)"


def test_new_post_builds_only_with_drafts(site):
    assert run_distillm("new", "DistiLLM 04", cwd=site.root).returncode == 0

    without = run_distillm("build", cwd=site.root)
    assert summary_counts(without) == "0 posts, 0 tags; skipped 1 draft"

    with_drafts = run_distillm("build", "--drafts", cwd=site.root)
    assert with_drafts.returncode == 0, with_drafts.stderr
    assert site.html("posts/distillm-04/index.html").h1.get_text() == "DistiLLM 04"


def test_new_keeps_existing_post(site):
    existing = site.post("distillm-04", title="Already written", body="Precious words.\n")
    original = existing.read_bytes()

    result = run_distillm("new", "DistiLLM 04", cwd=site.root)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/posts/distillm-04.md: error: a post already exists here; edit it, or choose another title",
        "error: no post written: 1 error",
    ]
    assert existing.read_bytes() == original


def test_new_keeps_existing_bundle(site):
    site.write("content/posts/distillm-04/index.md", '+++\ntitle = "B"\ndate = 2024-04-01\n+++\n')

    result = run_distillm("new", "DistiLLM 04", cwd=site.root)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/posts/distillm-04/index.md: error: a post already exists here; edit it, or choose another title"
    )
    assert not (site.root / "content/posts/distillm-04.md").exists()


def test_new_rejects_title_without_letters(site):
    result = run_distillm("new", "?!", cwd=site.root)

    assert result.returncode == 1
    assert result.stderr == 'error: the title "?!" has no letters or digits to make a file name from; use another title\n'


def test_new_escapes_title(site):
    title = 'Quotes " and \\ backslash'

    assert run_distillm("new", title, cwd=site.root).returncode == 0

    values, _ = read_front_matter(site.root / "content/posts/quotes-and-backslash.md")
    assert values["title"] == title


def test_new_in_january_names_december():
    text = post_text("DistiLLM 13", datetime(2025, 1, 15, 8, 30, tzinfo=ZoneInfo("UTC")))

    assert "## What happened in December 2024?\n" in text
    assert "- December 1st\n" in text


def test_new_without_title_is_usage_error(site):
    result = run_distillm("new", cwd=site.root)

    assert result.returncode == 2
    assert "the following arguments are required: TITLE" in result.stderr
