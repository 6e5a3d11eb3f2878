"""Property tests: arbitrary bytes, text, front matter and Markdown through the loader and the extractor.

Whatever a content file holds, loading it either succeeds or raises
`ContentError`, whose every diagnostic names the file and, unless the
problem is the whole file (empty, not UTF-8), a line inside it. Extracting
the links of a file that loaded never raises. Example counts are bounded so
the whole module runs in a few seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distillm.errors import ContentError, Diagnostic, display_path
from distillm.extract import mark_duplicates
from distillm.linklists import extract_post_links
from distillm.loader import load_post
from distillm.settings import Settings

BASE_URL = "https://example.org/blog/"
SITE_SETTINGS = Settings(title="Fuzz", base_url=BASE_URL)
# 150 examples per test keep this module at a few seconds. Set DISTILLM_FUZZ_EXAMPLES for a longer search.
MAX_EXAMPLES = int(os.environ.get("DISTILLM_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Problems with a whole file, which have no line to point at.
FILE_LEVEL_PROBLEMS = ("empty file;", "not valid UTF-8 at byte", "the file is saved as UTF-16;")

FRONT_MATTER_KEYS = [
    "title", "date", "tags", "draft", "slug", "aliases", "description", "summary", "lastmod", "publishdate",
    "expirydate", "repeat_links", "image", "Title", "DATE", "titel", "weight", "url",
]
FRONT_MATTER_VALUES = [
    '"A title"', "2024-05-01", "2024-05-01T09:30:00+02:00", '"2024-05-01"', '"May 1st"', "09:30:00", "3", "true",
    '"yes"', '["a", "b"]', "[1, 2]", "[]", "{ a = 1 }", '"../x"', '"con"', '"page"', '"index.xml"', '""', '"\\u0007"',
    "'single'", '"unterminated', "[", "2024-13-45", '"/posts/old/"', '["https://example.com/a"]', "- a", "a: b",
]
MARKDOWN_PIECES = [
    "\n", "\n\n", "- ", "  - ", "    - ", "1. ", "## ", "## What happened in April 2024?\n", "# May\n", "April 2nd",
    "April 31st", "Feb 29", "Dec 30th.", "2024-13-01", "May 1, 2024", ".", ":", "[", "]", "(", ")", "](",
    "https://example.com/a", "/posts/x/", "../y/", "#part", "<https://auto.example/>", '<a href="/z/">', "</a>",
    "`", "**", "*", "_", "^[an inline note with [a link](https://note.example/)]", "[^1]", "[^1]: a note\n",
    "\\", "&amp;", "javascript:alert(1)", "http://[::1", "http://exa mple.com/", "https://xn--bcher-kva.example/",
    "ü", "\t", "> ", "```\n", "|a|b|\n|-|-|\n", "<!--more-->", "[ref]: https://ref.example/\n", "[ref]",
    "?utm_source=x&id=1", "https://youtu.be/abc", "https://arxiv.org/pdf/2404.02258v2.pdf",
    "https://twitter.com/a/status/1?s=20", "http://example.com:99999/", "mailto:a@example.com", "\r\n", "\r",
]


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "content"
    (folder / "posts").mkdir(parents=True)
    return folder


def _line_count(data: bytes) -> int:
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return text.count("\n") + 1


def _assert_located(diagnostic: Diagnostic, path: Path, data: bytes) -> None:
    assert diagnostic.path == display_path(path)
    assert diagnostic.severity == "error"
    if diagnostic.message.startswith(FILE_LEVEL_PROBLEMS):
        assert diagnostic.line is None
        return
    assert diagnostic.line is not None, diagnostic
    assert 1 <= diagnostic.line <= _line_count(data), diagnostic
    if diagnostic.column is not None:
        assert diagnostic.column >= 1, diagnostic


def _load_and_extract(content_dir: Path, data: bytes) -> None:
    """Load `data` as a post; check the error's locations, or the links' lines when it loads."""
    path = content_dir / "posts" / "fuzz.md"
    path.write_bytes(data)
    try:
        post = load_post(path, content_dir, SITE_SETTINGS)
    except ContentError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            _assert_located(diagnostic, path, data)
        return
    post.links = extract_post_links(post, BASE_URL).links
    for link in post.links:
        assert post.body_line <= link.line <= _line_count(data), link
        assert link.post is post
    for warning in mark_duplicates([post], BASE_URL):
        assert warning.path == display_path(path)
        assert warning.line is not None


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """Draw a TOML or YAML front-matter block (sometimes unclosed) from likely keys and values."""
    delimiter = draw(st.sampled_from(["+++", "---"]))
    separator = " = " if delimiter == "+++" else ": "
    keys = draw(st.lists(st.sampled_from(FRONT_MATTER_KEYS), max_size=6))
    values = st.one_of(st.sampled_from(FRONT_MATTER_VALUES), st.text(max_size=8))
    lines = [f"{key}{separator}{draw(values)}" for key in keys]
    closing = [delimiter] if draw(st.booleans()) or not lines else []
    return "\n".join([delimiter, *lines, *closing]) + "\n"


markdown = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=4)), max_size=40).map("".join)
valid_front_matter = st.sampled_from(
    ['+++\ntitle = "Fuzz"\ndate = 2024-05-01\n+++\n', "---\ntitle: Fuzz\ndate: 2025-01-02\n---\n"]
)


@FUZZ
@given(data=st.binary(max_size=300))
def test_loader_survives_any_bytes(content_dir, data):
    _load_and_extract(content_dir, data)


@FUZZ
@given(text=st.text(max_size=300))
def test_loader_survives_any_text(content_dir, text):
    _load_and_extract(content_dir, text.encode("utf-8"))


@FUZZ
@given(head=front_matter(), body=markdown)
def test_loader_locates_front_matter_problems(content_dir, head, body):
    _load_and_extract(content_dir, (head + body).encode("utf-8"))


@FUZZ
@given(head=valid_front_matter, body=markdown)
def test_extractor_survives_any_markdown(content_dir, head, body):
    _load_and_extract(content_dir, (head + body).encode("utf-8"))
