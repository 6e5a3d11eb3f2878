"""Bad input, one fixture per kind: the exact message, exit status 1, and the previous output kept.

Each failing case first builds a valid site, then adds the fixture and
builds again, and checks that `public/` is byte for byte what the first
build wrote and that nothing else appeared in the site's folder.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import feedparser
import pytest

from conftest import FIXTURES, SiteFolder, run_distillm

BAD_INPUT = FIXTURES / "bad-input"
SITE_ENTRIES = [".distillm-cache", "content", "distillm.toml", "public"]
"""The site folder's entries after a build: no staging folder or other file may remain."""


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def _summary(count: int) -> str:
    return f"error: build failed with {count} error{'s' if count != 1 else ''}"


@pytest.fixture
def built(site: SiteFolder) -> SiteFolder:
    """A site with one post, `content/posts/digest.md`, built once into `public/`."""
    site.post("digest", title="Digest", date="2024-04-01", tags='["nlp"]', body="- [A link](https://example.com/a)\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


def _add_fixture(site: SiteFolder, name: str, relative: str | None = None) -> str:
    """Copy a fixture into the site, by default as `content/posts/<name>`; return its shown path."""
    relative = relative or f"content/posts/{name}"
    site.write_bytes(relative, (BAD_INPUT / name).read_bytes())
    return relative


def _assert_failed_and_kept(site: SiteFolder, before: dict[str, bytes], result, expected: list[str]) -> None:
    assert result.returncode == 1
    assert _errors(result.stderr) == expected
    assert "Traceback" not in result.stderr
    assert _snapshot(site.output) == before
    assert sorted(path.name for path in site.root.iterdir()) == SITE_ENTRIES


POST_CASES = [
    (
        "front-matter-invalid-toml.md",
        ["{path}:4:38: error: invalid TOML: unterminated string; close the quote on the same line"],
    ),
    (
        "front-matter-invalid-yaml.md",
        [
            "{path}:4:21: error: invalid YAML: mapping values are not allowed in this context; "
            "check the indentation, and quote values that contain ': '"
        ],
    ),
    (
        "front-matter-yaml-invalid-value.md",
        ["{path}:3:7: error: invalid YAML value: month must be in 1..12; correct it, or quote it to keep it as text"],
    ),
    (
        "front-matter-unclosed.md",
        ["{path}:1:1: error: front matter opened with +++ is not closed; add a +++ line after its last key"],
    ),
    (
        "front-matter-not-a-table.md",
        ['{path}:2: error: front matter must be a table of keys and values, got ["title", "date"]'],
    ),
    (
        "front-matter-wrong-types.md",
        [
            '{path}:4:8: error: tags must be a list of strings, got 3; write a list such as ["nlp", "llm"]',
            '{path}:5:9: error: draft must be true or false, got "yes"; write true or false, unquoted',
        ],
    ),
    (
        "front-matter-unknown-date.md",
        [
            '{path}:3:8: error: date must be a date, got "1st of May 2024"; '
            "write 2024-05-01, 2024-05-01T09:30:00 or 2024-05-01T09:30:00+02:00"
        ],
    ),
    ("front-matter-missing-title.md", ['{path}:1: error: missing title in front matter; add title = "..."']),
    ("front-matter-missing-date.md", ["{path}:1: error: missing date in front matter; add date = 2024-05-01"]),
    ("empty.md", ["{path}: error: empty file; add front matter with title and date, or delete the file"]),
    ("not-utf8.md", ["{path}: error: not valid UTF-8 at byte 16; re-save the file as UTF-8"]),
    ("nul-byte.md", ["{path}:6:7: error: NUL byte in a text file; remove it, or re-save the file as UTF-8 text"]),
    (
        "slug-twice.md",
        [
            "{path}:4: error: URL /posts/digest/ is also the URL of content/posts/digest.md; "
            "give one of them another slug"
        ],
    ),
    (
        "slug-parent-folder.md",
        [
            '{path}:4: error: invalid slug "../../outside": it contains "/", which cannot be part of a URL path '
            "segment; change the slug"
        ],
    ),
    (
        "slug-absolute-path.md",
        [
            '{path}:4: error: invalid slug "/etc/passwd": it contains "/", which cannot be part of a URL path '
            "segment; change the slug"
        ],
    ),
    (
        "slug-backslash.md",
        [
            '{path}:4: error: invalid slug "..\\outside": it contains "\\", which cannot be part of a URL path '
            "segment; change the slug"
        ],
    ),
    (
        "slug-case.md",
        [
            "{path}:4: error: URL /posts/digest/ is also the URL of content/posts/digest.md; "
            "give one of them another slug"
        ],
    ),
    (
        "slug-windows-device-name.md",
        ['{path}:4: error: invalid slug "com1": it is a reserved device name on Windows; change the slug'],
    ),
    (
        "slug-generated-path.md",
        ['{path}:4: error: "page" is used by distillm for generated files under /posts/; choose another slug or folder'],
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), POST_CASES, ids=[case[0].removesuffix(".md") for case in POST_CASES])
def test_bad_post_fails_and_keeps_output(built, fixture, expected):
    before = _snapshot(built.output)
    path = _add_fixture(built, fixture)

    result = run_distillm("build", cwd=built.root)

    _assert_failed_and_kept(built, before, result, [line.format(path=path) for line in expected])
    assert result.stderr.splitlines()[-1] == _summary(len(expected))


def test_deeply_nested_toml_located(built):
    before = _snapshot(built.output)
    # Written at run time: thousands of brackets make an unreadable fixture.
    built.write("content/posts/nested.md", '+++\ntitle = "Nested"\ndate = 2024-05-01\ntags = ' + "[" * 5000 + '\n+++\n')

    result = run_distillm("build", cwd=built.root)

    _assert_failed_and_kept(
        built,
        before,
        result,
        ["content/posts/nested.md:4: error: invalid TOML: arrays or tables nested too deeply; flatten the value"],
    )


def test_slugs_differing_by_normalization_clash(built):
    decomposed = _add_fixture(built, "slug-unicode-normalization.md")
    composed = built.post("composed", title="Composed", slug=f'"{unicodedata.normalize("NFC", "café")}"')
    before = _snapshot(built.output)

    result = run_distillm("build", cwd=built.root)

    shown_composed = composed.relative_to(built.root).as_posix()
    _assert_failed_and_kept(
        built,
        before,
        result,
        [
            f"{decomposed}:4: error: URL /posts/caf%C3%A9/ is also the URL of {shown_composed}; "
            "give one of them another slug"
        ],
    )


@pytest.mark.parametrize("name", ["con", "aux", "nul", "prn", "com1", "LPT9", "aux.notes"])
def test_windows_device_file_names_rejected(built, name):
    before = _snapshot(built.output)
    # Written at run time: a checkout on Windows could not hold these files.
    built.write(f"content/posts/{name}.md", '+++\ntitle = "Device"\ndate = 2024-05-01\n+++\n')

    result = run_distillm("build", cwd=built.root)

    _assert_failed_and_kept(
        built,
        before,
        result,
        [
            f'content/posts/{name}.md: error: invalid file name "posts/{name}.md": it is a reserved device name '
            'on Windows; rename the file, or set slug = "..." in front matter'
        ],
    )


def test_backslash_file_name_rejected(built):
    before = _snapshot(built.output)
    built.write("content/posts/a\\b.md", '+++\ntitle = "Backslash"\ndate = 2024-05-01\n+++\n')

    result = run_distillm("build", cwd=built.root)

    _assert_failed_and_kept(
        built,
        before,
        result,
        [
            'content/posts/a\\b.md: error: invalid file name "posts/a\\b.md": it contains "\\", '
            'which cannot be part of a URL path segment; rename the file, or set slug = "..." in front matter'
        ],
    )


@pytest.mark.parametrize(
    "page", ["content/tags.md", "content/links.md", "content/posts.md", "content/page.md", "content/links/index.md"]
)
def test_pages_on_generated_paths_rejected(built, page):
    before = _snapshot(built.output)
    built.write(page, '+++\ntitle = "Clash"\n+++\n')
    name = Path(page).parent.name if page.endswith("/index.md") else Path(page).stem

    result = run_distillm("build", cwd=built.root)

    _assert_failed_and_kept(
        built,
        before,
        result,
        [f"{page}: error: \"{name}\" is used by distillm for generated files under the site's root; choose another slug or folder"],
    )


def test_page_slug_on_generated_file_rejected(built):
    before = _snapshot(built.output)
    built.write("content/feed.md", '+++\ntitle = "Feed"\nslug = "index.xml"\n+++\n')

    result = run_distillm("build", cwd=built.root)

    _assert_failed_and_kept(
        built,
        before,
        result,
        ["content/feed.md:3: error: \"index.xml\" is used by distillm for generated files under the site's root; "
         "choose another slug or folder"],
    )


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("template-syntax-error.html", "templates/post.html:3: error: template syntax error: unexpected '}'; fix the template"),
        (
            "template-undefined-variable.html",
            "templates/post.html:4: error: template error while rendering /posts/digest/: "
            "'distillm.model.Post object' has no attribute 'author_name'; fix the template",
        ),
    ],
)
def test_template_error_fails_and_keeps_output(built, fixture, expected):
    before = _snapshot(built.output)
    _add_fixture(built, fixture, "templates/post.html")

    result = run_distillm("build", cwd=built.root)

    assert result.returncode == 1
    assert _errors(result.stderr) == [expected]
    assert "Traceback" not in result.stderr
    assert _snapshot(built.output) == before
    assert sorted(path.name for path in built.root.iterdir()) == [
        ".distillm-cache", "content", "distillm.toml", "public", "templates"
    ]


def test_strict_turns_warning_into_error(built):
    before = _snapshot(built.output)
    path = _add_fixture(built, "strict-warning.md")

    result = run_distillm("build", "--strict", cwd=built.root)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'{path}:4: warning: unknown front-matter key "draf"; did you mean "draft"? It is kept in params',
        "error: 1 warning, and --strict turns warnings into errors; public/ was left as it was",
    ]
    assert _snapshot(built.output) == before
    assert sorted(path.name for path in built.root.iterdir()) == SITE_ENTRIES


def test_same_warning_builds_without_strict(built):
    _add_fixture(built, "strict-warning.md")

    result = run_distillm("build", cwd=built.root)

    assert result.returncode == 0, result.stderr
    assert (built.output / "posts/strict-warning/index.html").is_file()


def test_markup_in_text_escaped_everywhere(site):
    _add_fixture(site, "text-escaping.md")
    result = run_distillm("build", cwd=site.root)
    assert result.returncode == 0, result.stderr
    title = "<script>alert('title')</script> & friends"
    description = 'Fish & <chips> in a "description"'

    page = site.html("posts/text-escaping/index.html")
    assert page.find("h1").get_text() == title
    assert page.title.get_text() == f"{title} · Test Digest"
    assert page.find("meta", attrs={"name": "description"})["content"] == description
    assert [a.get_text() for a in page.select(".tag-list a")] == ["#<b>bold</b>", "#R&D"]
    assert page.find("script") is None
    assert page.find("b") is None

    for feed_file in ["index.xml", "atom.xml", "tags/r-d/index.xml"]:
        entry = feedparser.parse((site.output / feed_file).read_bytes()).entries[0]
        assert entry.title == title, feed_file
        assert [tag.term for tag in entry.tags] == ["<b>bold</b>", "R&D"], feed_file
    item = json.loads((site.output / "feed.json").read_text(encoding="utf-8"))["items"][0]
    assert item["title"] == title
    assert item["tags"] == ["<b>bold</b>", "R&D"]


def test_unsafe_link_targets_not_emitted(site):
    _add_fixture(site, "text-escaping.md")
    result = run_distillm("build", cwd=site.root)
    assert result.returncode == 0, result.stderr

    for path in site.output.rglob("*.html"):
        page = site.html(path.relative_to(site.output).as_posix())
        targets = [element.get("href") or element.get("src") for element in page.find_all(["a", "img", "link", "script"])]
        unsafe = [target for target in targets if target and target.lower().startswith(("javascript:", "data:"))]
        assert unsafe == [], path
    body = site.html("posts/text-escaping/index.html").select_one(".content p").get_text()
    assert "[a script](javascript:alert(‘body’))" in body
    exported = json.loads(run_distillm("links", cwd=site.root).stdout)
    assert [link["url"] for link in exported] == ["https://example.com/?a=1&b=2"]


def test_xml_forbidden_characters_removed_with_warning(site):
    path = _add_fixture(site, "xml-forbidden.md")

    result = run_distillm("build", cwd=site.root)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"{path}: warning: characters that XML does not allow were removed from the feeds; delete them from the post"
    )
    for feed_file in ["index.xml", "atom.xml", "posts/index.xml", "tags/form-feed/atom.xml", "links/index.xml"]:
        parsed = feedparser.parse((site.output / feed_file).read_bytes())
        assert not parsed.bozo, f"{feed_file}: {parsed.get('bozo_exception')}"
    assert feedparser.parse((site.output / "index.xml").read_bytes()).entries[0].title == "Bell  in the title"
    assert feedparser.parse((site.output / "links/index.xml").read_bytes()).entries[0].title == "Link  text"


def test_xml_forbidden_characters_fail_strict_build(built):
    before = _snapshot(built.output)
    path = _add_fixture(built, "xml-forbidden.md")

    result = run_distillm("build", "--strict", cwd=built.root)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}: warning: characters that XML does not allow were removed from the feeds; delete them from the post",
        "error: 1 warning, and --strict turns warnings into errors; public/ was left as it was",
    ]
    assert _snapshot(built.output) == before


def test_tag_case_and_normalization_merge(site):
    composed = unicodedata.normalize("NFC", "Café")
    decomposed = unicodedata.normalize("NFD", "CAFÉ")
    site.post("first", title="First", date="2024-04-01", tags=f'["{composed}"]')
    site.post("second", title="Second", date="2024-05-01", tags=f'["{decomposed}"]')

    result = run_distillm("build", cwd=site.root)

    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (site.output / "tags").iterdir() if path.is_dir()) == ["cafe"]
    titles = [a.get_text() for a in site.html("tags/cafe/index.html").select(".post-summary h2 a")]
    assert titles == ["Second", "First"]
    assert site.html("tags/index.html").select_one(".tag-index li a").get_text() == composed
