"""`distillm check` offline: internal links, duplicate links and mojibake, on real sites."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from distillm.cache import CACHE_DIR
from conftest import RAW_REAL_POST, REPO_ROOT, SiteFolder, run_distillm

REPAIRED_POST = REPO_ROOT / "content/posts/distillm-03.md"
BROKEN_BODY_LINK = (
    "content/posts/distillm-03.md:86:67: error: broken link to /posts/distillm-01/: "
    "the built site has no page or file there; correct the link"
)
MOJIBAKE_HINT = "run distillm check --fix-text to repair it"
RAW_POST_MOJIBAKE = [
    f'content/posts/distillm-03.md:37:52: error: mojibake: "¬∑" should be "·"; {MOJIBAKE_HINT}',
    f'content/posts/distillm-03.md:43:43: error: mojibake: "¬∑" should be "·"; {MOJIBAKE_HINT}',
    f'content/posts/distillm-03.md:64:74: error: mojibake: "‚Ä¢" should be "•"; {MOJIBAKE_HINT}',
    f'content/posts/distillm-03.md:68:46: error: mojibake: "\\uf8ffüêç\\uf8ffüì¶" should be "🐍📦"; {MOJIBAKE_HINT}',
    'content/posts/distillm-03.md:72:101: error: mojibake: "·ï¶" should be "ᕦ", "√≤·¥•√≥" should be "òᴥó", '
    f'"·ï•" should be "ᕥ"; {MOJIBAKE_HINT}',
    f'content/posts/distillm-03.md:102:47: error: mojibake: "¬∑" should be "·"; {MOJIBAKE_HINT}',
    'content/posts/distillm-03.md:104:167: error: mojibake: "‚Äò" should be "‘", "‚Äô" should be "’", '
    f'"‚Äô" should be "’"; {MOJIBAKE_HINT}',
]


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under `folder` with its bytes, but the build cache's, which any build may update."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and CACHE_DIR not in path.relative_to(folder).parts
    }


def _bundled_site(root: Path) -> Path:
    """Copy the repository's blog (settings and content) into `root`."""
    root.mkdir()
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    return root


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if ": error: " in line]


def test_bundled_content_has_one_broken_link(tmp_path):
    root = _bundled_site(tmp_path / "blog")
    before = _snapshot(root)

    result = run_distillm("check", cwd=root)

    assert result.returncode == 1
    assert _lines(result.stderr) == [
        BROKEN_BODY_LINK,
        "Checked 54 pages and 1 content file: 1 broken link",
        "error: check found 1 problem: 1 broken link",
    ]
    assert result.stdout == ""
    assert _snapshot(root) == before
    assert sorted(path.name for path in root.iterdir()) == [".distillm-cache", "content", "pyproject.toml"]


def test_raw_real_post_reports_mojibake_lines(tmp_path):
    root = _bundled_site(tmp_path / "blog")
    shutil.copy(RAW_REAL_POST, root / "content/posts/distillm-03.md")

    result = run_distillm("check", cwd=root)

    assert result.returncode == 1
    problems = _errors(result.stderr)
    assert problems == RAW_POST_MOJIBAKE[:5] + [BROKEN_BODY_LINK] + RAW_POST_MOJIBAKE[5:]
    assert _lines(result.stderr)[-1] == "error: check found 8 problems: 1 broken link and 7 lines with mojibake"


def test_fix_text_repairs_raw_real_post(tmp_path):
    root = _bundled_site(tmp_path / "blog")
    post = root / "content/posts/distillm-03.md"
    shutil.copy(RAW_REAL_POST, post)
    raw_lines = RAW_REAL_POST.read_text(encoding="utf-8").splitlines()

    result = run_distillm("check", "--fix-text", cwd=root)

    assert post.read_bytes() == REPAIRED_POST.read_bytes()
    diff = _lines(result.stdout)
    assert diff[:2] == ["--- content/posts/distillm-03.md", "+++ content/posts/distillm-03.md"]
    removed = [line[1:] for line in diff[2:] if line.startswith("-")]
    assert removed == [raw_lines[number - 1] for number in (37, 43, 64, 68, 72, 102, 104)]
    assert "Repaired 7 lines with mojibake in content/posts/distillm-03.md" in _lines(result.stderr)
    # The broken body link is still there, so the check still fails.
    assert result.returncode == 1
    assert _errors(result.stderr) == [BROKEN_BODY_LINK]


def test_fix_text_changes_only_mojibake(site):
    # ftfy.fix_text would unescape &lt; and straighten the quotes; fix_encoding changes only the mojibake.
    text = (
        '+++\r\ntitle = "Caf√©"\r\ndate = 2024-05-01\r\n+++\r\n'
        'A &lt;tag&gt; and “quotes” and "straight" ones.\r\nMore `code` ¬∑ here.\r\n'
    )
    path = site.write_bytes("content/posts/cafe.md", b"\xef\xbb\xbf" + text.encode("utf-8"))

    result = run_distillm("check", "--fix-text", cwd=site.root)

    assert result.returncode == 0, result.stderr
    repaired = text.replace("Caf√©", "Café").replace("¬∑", "·")
    assert path.read_bytes() == b"\xef\xbb\xbf" + repaired.encode("utf-8")
    assert site.root.joinpath("public").exists() is False


def test_check_without_problems_exits_zero(site):
    site.post("one", title="One", body="See [part B of two](/posts/two/#part-b).\n")
    site.post("two", title="Two", body="## Part B\n\nText.\n")

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 0, result.stderr
    assert _lines(result.stderr)[-1].endswith(" and 2 content files: no problems found")


def test_anchors_and_relative_links_checked(site):
    site.post(
        "one",
        title="One",
        body=(
            "## Intro\n\n"
            "[top of page](#intro) and [missing](#nowhere).\n\n"
            "[other](../two/) and [other part](/posts/two/#part-b) and [no part](/posts/two/#part-z).\n\n"
            "[gone](../three/) and [a file](/css/style.css) and [no file](/css/nothing.css).\n"
        ),
    )
    site.post("two", title="Two", body="## Part B\n")

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 1
    path = "content/posts/one.md"
    assert _errors(result.stderr) == [
        f'{path}:7:37: error: broken link to #nowhere: its page has no element with id "nowhere"; correct the link',
        f'{path}:9:69: error: broken link to /posts/two/#part-z: its page has no element with id "part-z"; '
        "correct the link",
        f"{path}:11:8: error: broken link to ../three/: the built site has no page or file there; correct the link",
        f"{path}:11:62: error: broken link to /css/nothing.css: the built site has no page or file there; correct the link",
    ]


def test_raw_html_link_found_in_source(site):
    site.post("one", body='Intro.\n\n<p>See <a href="/posts/missing/">this</a>.</p>\n')

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 1
    assert _lines(result.stderr)[0] == (
        "content/posts/one.md:7:17: error: broken link to /posts/missing/: the built site has no page or file there; correct the link"
    )


def test_template_link_reported_at_first_page(site):
    site.post("one")
    site.write("templates/partials/footer.html", '<footer>\n<a href="/colophon/">Colophon</a>\n</footer>\n')
    assert site.build().returncode == 0
    pages = [path for path in site.output.rglob("*.html") if "/colophon/" in path.read_text()]
    first_line = (site.output / "404.html").read_text().splitlines().index('<a href="/colophon/">Colophon</a>') + 1
    before = _snapshot(site.output)

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 1
    assert _lines(result.stderr)[0] == (
        f"public/404.html:{first_line}: error: broken link to /colophon/ (and on {len(pages) - 1} other pages): "
        "the built site has no page or file there; correct the template that writes it"
    )
    assert _snapshot(site.output) == before


def test_links_under_sub_path_base_url(site):
    site.settings('title = "T"\nbase_url = "https://user.github.io/blog/"\n')
    site.post("one", body="[two](/posts/two/) and [nothing](/posts/nothing/).\n")
    site.post("two", title="Two")

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 1
    assert _errors(result.stderr) == [
        "content/posts/one.md:5:34: error: broken link to /posts/nothing/: the built site has no page or file there; correct the link"
    ]


def test_duplicates_listed_together(site):
    site.post("a", date="2024-01-01", body="- [X](https://x.example/)\n- [Y](https://y.example/)\n")
    site.post("b", date="2024-02-01", body="- [X again](https://x.example/)\n- [Y again](https://y.example/)\n")
    site.post("c", date="2024-03-01", body="- [X once more](https://www.x.example)\n")
    oldest, middle, newest = (f"content/posts/{name}.md" for name in "abc")

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 0, result.stderr
    assert _lines(result.stderr)[:3] == [
        f"{middle}:5: warning: link already in {oldest}:5 (https://x.example/)",
        f"{newest}:5: warning: link already in {middle}:5 (https://www.x.example)",
        f"{middle}:6: warning: link already in {oldest}:6 (https://y.example/)",
    ]
    assert _lines(result.stderr)[3].endswith(": 3 duplicate links")
    assert len(_lines(result.stderr)) == 4


def test_build_warnings_printed_once(site):
    site.write("content/posts/typo.md", '+++\ntitle = "T"\ndate = 2024-01-02\ntagz = ["a"]\n+++\nBody.\n')

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 0, result.stderr
    warning = 'content/posts/typo.md:4: warning: unknown front-matter key "tagz"; did you mean "tags"? It is kept in params'
    assert _lines(result.stderr).count(warning) == 1


def test_check_leaves_output_folder_untouched(site):
    site.post("one", body="[nothing](/posts/nothing/)\n")
    assert site.build().returncode == 0
    before = _snapshot(site.root)

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 1
    assert _snapshot(site.root) == before
    assert sorted(path.name for path in site.root.iterdir()) == [".distillm-cache", "content", "distillm.toml", "public"]


def test_check_of_site_that_does_not_build(site):
    site.write("content/posts/broken.md", '+++\ntitle = "T"\n+++\n')

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 1
    assert _lines(result.stderr) == [
        "content/posts/broken.md:1: error: missing date in front matter; add date = 2024-05-01",
        "error: check stopped, because the site does not build: 1 error",
    ]
    assert "Traceback" not in result.stderr


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_reads_every_content_file(site: SiteFolder):
    site.post("one")
    draft = site.write("content/posts/draft.md", '+++\ntitle = "Caf√©"\ndate = 2024-01-02\ndraft = true\n+++\n')
    before = _hash(draft)

    result = run_distillm("check", cwd=site.root)

    assert result.returncode == 1
    assert _lines(result.stderr)[0] == f'content/posts/draft.md:2:13: error: mojibake: "√©" should be "é"; {MOJIBAKE_HINT}'
    assert _hash(draft) == before

