"""markdown-it-pyrs (distillm[fast]) against markdown-it-py: the same tokens, HTML and link database.

`fastparse.parse_fast` must return exactly the tokens and env of
markdown-it-py for every text it accepts. For every text where
markdown-it-pyrs 0.4 would give other ones, it raises `UnsupportedMarkdown`,
so `parse_markdown` falls back to markdown-it-py there. The tests compare
both parsers on the real post, on generated digests, on snippets of each
construct and on random Markdown. They also show each difference of
markdown-it-pyrs 0.4 that a check rejects: when a new version fixes one, its
test fails, and the check can go.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

import markdown_it_pyrs
import pytest
from conftest import FIXTURES, RAW_REAL_POST, REPO_ROOT
from digest_corpus import write_digests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from distillm import fastparse
from distillm.extract import extract_site_links
from distillm.loader import LoadOptions, load_post, load_site
from distillm.markdown import ParsedMarkdown, markdown_parser, parse_markdown, render_markdown
from distillm.model import Link, Post, Site
from distillm.pyrs_tokens import UnsupportedMarkdown
from distillm.settings import load_settings

REPAIRED_POST = REPO_ROOT / "content" / "posts" / "distillm-03.md"
SITE_SETTINGS = 'title = "Parsers"\nbase_url = "https://example.org/blog/"\n'
DIGESTS = 240
# 200 examples keep the property test at a few seconds. Set DISTILLM_FUZZ_EXAMPLES for a longer search.
MAX_EXAMPLES = int(os.environ.get("DISTILLM_FUZZ_EXAMPLES", "200"))
PYRS = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(fastparse.PYRS_PLUGINS)
"""markdown-it-pyrs as `fastparse` configures it, for showing its own output."""


def reference_parse(text: str) -> ParsedMarkdown:
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(text, env)
    return ParsedMarkdown(tokens, env)


def fast_parse(text: str) -> ParsedMarkdown:
    tokens, env = fastparse.parse_fast(text, markdown_parser())
    return ParsedMarkdown(tokens, env)


def token_difference(expected: list[Token], actual: list[Token], path: str = "") -> str | None:
    """Describe the first field in which two token streams differ, children included; None if equal."""
    for index, (expected_token, actual_token) in enumerate(zip(expected, actual)):
        where = f"{path}{index}"
        for field in fields(Token):
            if field.name != "children" and getattr(expected_token, field.name) != getattr(actual_token, field.name):
                return (
                    f"token {where} ({expected_token.type}): {field.name} is {getattr(actual_token, field.name)!r}, "
                    f"expected {getattr(expected_token, field.name)!r}"
                )
        if (expected_token.children is None) != (actual_token.children is None):
            return f"token {where} ({expected_token.type}): children is {actual_token.children!r}, expected {expected_token.children!r}"
        difference = token_difference(expected_token.children or [], actual_token.children or [], f"{where}.")
        if difference:
            return difference
    if len(expected) != len(actual):
        return f"{len(actual)} tokens at {path or 'the top level'}, expected {len(expected)}"
    return None


def comparable_env(env: dict[str, Any]) -> dict[str, Any]:
    """Return env without an empty footnote table.

    markdown-it-py's footnote rule adds one as soon as it tries a `[` in
    text, which no token shows, and the renderer ignores an empty table.
    """
    if env.get("footnotes") == {"refs": {}, "list": {}}:
        return {key: value for key, value in env.items() if key != "footnotes"}
    return env


def assert_same_parse(text: str) -> None:
    """Assert that the fast parser accepts `text` and gives markdown-it-py's tokens, env and HTML."""
    expected, actual = reference_parse(text), fast_parse(text)
    difference = token_difference(expected.tokens, actual.tokens)
    assert difference is None, difference
    assert comparable_env(actual.env) == comparable_env(expected.env)
    for base_path in ("/", "/blog/"):
        assert render_markdown(actual, base_path) == render_markdown(expected, base_path)


def load_site_with(parser: str, site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    """Load, process and extract the links of the site in `site_dir`, parsing with `parser`."""
    monkeypatch.setenv(fastparse.PARSER_VARIABLE, parser)
    site_settings = load_settings(site_dir)
    site = load_site(site_dir, site_settings, LoadOptions(), datetime(2100, 1, 1, tzinfo=site_settings.tzinfo), jobs=1)
    extract_site_links(site)
    return site


def load_post_with(parser: str, path: Path, site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Post:
    """Load one post of the site in `site_dir`, keeping its tokens, parsing with `parser`."""
    monkeypatch.setenv(fastparse.PARSER_VARIABLE, parser)
    return load_post(path, site_dir / "content", load_settings(site_dir))


def comparable_link(link: Link, positions: dict[int, int]) -> dict[str, Any]:
    """Return every field of a link, with links and posts it refers to as positions and paths."""
    values = {}
    for field in fields(Link):
        value = getattr(link, field.name)
        if isinstance(value, Link):
            value = positions[id(value)]
        elif field.name == "post":
            value = value.path
        values[field.name] = value
    return values


def assert_same_tokens(site_dir: Path, post: Post, monkeypatch: pytest.MonkeyPatch) -> None:
    """Assert the same tokens, env and HTML for one post file parsed by both parsers."""
    expected = load_post_with(fastparse.REFERENCE_PARSER, post.source_path, site_dir, monkeypatch)
    actual = load_post_with(fastparse.ACCELERATED_PARSER, post.source_path, site_dir, monkeypatch)
    difference = token_difference(expected.tokens, actual.tokens)
    assert difference is None, f"{expected.path}: {difference}"
    assert comparable_env(actual.markdown.env) == comparable_env(expected.markdown.env), expected.path
    assert (actual.toc, actual.word_count) == (expected.toc, expected.word_count), expected.path
    for base_path in ("/", "/blog/"):
        assert render_markdown(actual.markdown, base_path) == render_markdown(expected.markdown, base_path)


def assert_same_sites(expected: Site, actual: Site, site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Assert the same tokens, HTML and link database for every post of two loads of one site."""
    assert [post.path for post in actual.posts] == [post.path for post in expected.posts]
    for expected_post, actual_post in zip(expected.posts, actual.posts):
        assert_same_tokens(site_dir, expected_post, monkeypatch)
        assert actual_post.content_html == expected_post.content_html, expected_post.path
        assert actual_post.summary_html == expected_post.summary_html, expected_post.path
    expected_positions = {id(link): index for index, link in enumerate(expected.links)}
    actual_positions = {id(link): index for index, link in enumerate(actual.links)}
    assert len(actual.links) == len(expected.links)
    for index, (expected_link, actual_link) in enumerate(zip(expected.links, actual.links)):
        assert comparable_link(actual_link, actual_positions) == comparable_link(expected_link, expected_positions), index


def assert_both_parsers_agree(site_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> Site:
    """Load the site with each parser, check that no post fell back, and compare the results."""
    expected = load_site_with(fastparse.REFERENCE_PARSER, site_dir, monkeypatch)
    with caplog.at_level(logging.DEBUG, logger="distillm.fastparse"):
        actual = load_site_with(fastparse.ACCELERATED_PARSER, site_dir, monkeypatch)
    fallbacks = [record.getMessage() for record in caplog.records if record.name == "distillm.fastparse"]
    assert fallbacks == []
    assert_same_sites(expected, actual, site_dir, monkeypatch)
    return actual


def site_with_post(tmp_path: Path, post: Path) -> Path:
    site_dir = tmp_path / "site"
    (site_dir / "content" / "posts").mkdir(parents=True)
    (site_dir / "distillm.toml").write_text(SITE_SETTINGS, encoding="utf-8")
    shutil.copyfile(post, site_dir / "content" / "posts" / "distillm-03.md")
    return site_dir


# The real post and generated digests, through the loader and the link extractor


@pytest.mark.parametrize("post", [RAW_REAL_POST, REPAIRED_POST], ids=["raw", "repaired"])
def test_real_post_same_with_both_parsers(tmp_path, monkeypatch, caplog, post):
    site = assert_both_parsers_agree(site_with_post(tmp_path, post), monkeypatch, caplog)
    assert len(site.links) == 55


@pytest.fixture(scope="module")
def digest_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("digests")
    (site_dir / "distillm.toml").write_text(SITE_SETTINGS, encoding="utf-8")
    write_digests(site_dir / "content" / "posts", DIGESTS, seed=7)
    return site_dir


def test_generated_digests_same_with_both_parsers(digest_site, monkeypatch, caplog):
    site = assert_both_parsers_agree(digest_site, monkeypatch, caplog)
    assert len(site.posts) == DIGESTS
    assert len(site.links) > 20 * DIGESTS


# Snippets of each construct, which the fast parser must accept

SNIPPETS = {
    "nested lists, 2 spaces": "- a\n  - b\n    - c\n  - d\n- e\n",
    "nested lists, 4 spaces": "- a\n    - b\n        - c\n    - d\n- e\n",
    "loose list": "- a\n\n- b\n\n  c\n- d\n  - e\n\n\n",
    "ordered lists": "1. one\n2. two\n\n10) ten\n11) eleven\n\n007. x\n",
    "empty list items": "- \n\n-\n\n  foo\n*\n\n\n",
    "lazy list line": "- item\nlazy line\n  indented\n      deep\n- next\n",
    "block quotes": "> a\nlazy\n> > deep\n>\n> - item\n>\n> - item2\n>   cont\n\nafter\n",
    "empty block quotes": ">\n\n> a\n>\n>\n\nb\n",
    "emphasis around links": "**[bold](https://a.example/)** *[em](https://b.example/)* _x_ __y__ ***z*** **a *b* c**\n",
    "emphasis inside links": "[**a** and *b*](https://c.example/) x**y**z ~~[s](https://d.example/)~~\n",
    "reference links": "[one][a] [two][] [a] [A]\n\n[a]: https://ex.org/a \"T\"\n[two]: </b c> 't2'\n[A]: /dup\n",
    "autolinks": "<https://auto.example/x?y=1&z=2> <mailto:a@b.org> <a@b.org> <https://例え.jp/パス>\n",
    "html blocks": '<div class="x">\n<a href="/y">y</a>\n</div>\n\n<details>\n<summary>s</summary>\n\n*md*\n\n</details>\n',
    "inline html": "text <span>inline</span> <!-- c --> <b>x</b>\n",
    "indented html block": " <div>\n  x\n</div>\n",
    "unclosed html block": "<!--\nnot closed\n\n\n",
    "more separator": "Intro [link](/a/).\n\n<!--more-->\n\nRest.\n",
    "fenced code with info strings": '```python title="x"\ndef f():\n    return "<x>"\n```\n\n~~~\ntilde\n~~~\n\n````md\n```\ninner\n```\n````\n',
    "indented fence": "  ```\n  indented\n   more\n  ```\n",
    "unclosed fence at the end": "```js\nlet x\n\n",
    "code block": "    code block\n\n    second\n\n\n",
    "code spans": "`a` ``b ` c`` `  d  ` ``\n  e``\n",
    "tables": "| a | b | c |\n|:--|:-:|--:|\n| `x\\|y` | [l](https://l.example/) | **b** |\n| short |\n| 1 | 2 | 3 | 4 |\n\n|h|\n|-|\n",
    "footnotes": "Text[^1] and more[^note].\n\nAgain[^1].\n\n[^1]: First note.\n[^note]: A note with a [link](https://n.example/).\n\n    Its second paragraph.\n",
    "task lists": "- [ ] todo\n- [x] done [link](https://t.example/)\n- [X] Done\n  - [ ] nested\n\n1. [ ] ordered\n",
    "headings": "# Title\n\n## What's new in *April* 2024?\n\n### Intro ###\n\n## Intro\n\nSetext\n======\n\nTwo\nlines\n---\n\n#\n\n# #\n\n#### `code` [link](https://h.example/)\n",
    "typography": "\"Quoted\" and 'single' -- dash --- em... (c) (tm) (r) +- \"a [link \"x\"](https://q.example/) b\"\n\nIt's 5'10\"\n",
    "escapes and entities": "\\[not a link\\](x) \\*no em\\* a\\\\b \\_ &amp; &copy; &#x41; &bogus; \\\n hard\nsoft  \nbreak\n",
    "images": '![alt *text*](/img.png "Title") [![inner](i.png)](https://outer.example/) ![ref][a]\n\n[a]: /ref.png\n',
    "link destinations": "[a](https://ex.org/a%20b) [b](<https://ex.org/c d>) [c](https://ex.org/(x)) [d](/rel \"t\") [e](#f) [g](  https://sp.example/  ) [h](< b >)\n",
    "non-ASCII hosts": "[a](https://例え.jp/パス) [b](https://&nbsp;ex.org/) [c][d]\n\n[d]: https://bücher.example/x\n",
    "rejected link targets": "[js](javascript:alert(1)) [v](vbscript:x) [d](data:image/png;base64,AA) [f](file:///etc) [e]() [s]( )\n",
    "unicode text": "Ünïcödé [lïnk](https://ex.org/ü) ¬∑ â€™ 😀 [emoji 😀](https://e.example/😀)\n\n## Ü heading\n",
    "line ends and NUL": "a\0b\r\nline two\rline three\n",
    "no line end at the end": "- [a](https://a.example/)\n  - b",
    "only spaces on the last line": "```\ncode\n   ",
    "thematic breaks": "a\n\n***\n\n- - -\n\n___\n",
    "empty text": "",
    "blank lines only": "\n\n   \n",
    "html block in a list item": "1. \n      <pre>\n",
}


@pytest.mark.parametrize("text", SNIPPETS.values(), ids=SNIPPETS.keys())
def test_snippet_same_with_both_parsers(text):
    assert_same_parse(text)


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.md")), ids=lambda path: path.name)
def test_fixture_file_same_with_both_parsers(path):
    assert_same_parse(path.read_bytes().decode("utf-8", errors="replace"))


# Differences of markdown-it-pyrs 0.4 from markdown-it-py 4.3 that the checks reject


def pyrs_html(text: str) -> str:
    return PYRS.render(text, xhtml=False)


def reference_html(text: str) -> str:
    return markdown_parser().render(text)


def pyrs_nodes(text: str) -> list[tuple[str, tuple[int, int] | None]]:
    return [(node.name, node.srcmap) for node in PYRS.tree(text).walk()]


def pyrs_panics(text: str) -> bool:
    try:
        PYRS.tree(text)
    except BaseException as error:  # pyo3's PanicException derives from BaseException
        if type(error).__name__ != "PanicException":
            raise
        return True
    return False


# Each entry: the text, part of the reason `parse_fast` gives, and a check that
# pyrs 0.4 itself still differs there.
REJECTED = {
    "footnote label defined twice": (
        "z[^x]\n\n[^x]: first\n\n[^x]: second\n",
        "unused or defined twice",
        lambda text: "first" in pyrs_html(text) and "second" in reference_html(text),
    ),
    "footnote defined but unused": (
        "Text.\n\n[^unused]: refers [^a]\n\n[^a]: A.\n",
        "unused or defined twice",
        lambda text: 'id="fn2"' in pyrs_html(text) and 'id="fn1"' in reference_html(text),
    ),
    "indented footnote definition": (
        " [^1]: n\n\nx[^1]\n",
        "after spaces|out of order",
        lambda text: ": n" in pyrs_html(text) and ": n" not in reference_html(text),
    ),
    "inline footnote at the end": ("Rest.^[", "inline footnote", pyrs_panics),
    "paragraph starting with a form feed": (
        "\x0ca\n",
        "Unicode space",
        lambda text: ("text", (0, 2)) in pyrs_nodes(text) and reference_parse(text).tokens[1].content == "a",
    ),
    "unclosed code span in a link label": ("a [`b", "may panic", pyrs_panics),
    "emphasis next to an emoji": (
        "a**😀**b\n",
        "next to the symbol",
        lambda text: "<strong>" in pyrs_html(text) and "<strong>" not in reference_html(text),
    ),
    "HTML comment with two dashes": (
        "x <!-- a -- b --> y\n",
        "HTML comment or declaration",
        lambda text: "&lt;!--" in pyrs_html(text) and "<!-- a -- b -->" in reference_html(text),
    ),
    "lowercase declaration block": (
        "<!doctype html>\n",
        "HTML block start|declaration",
        lambda text: "<p>" in pyrs_html(text) and "<p>" not in reference_html(text),
    ),
    "search element block": (
        "<search> *x*\n",
        "HTML block start",
        lambda text: "<em>" in pyrs_html(text) and "<em>" not in reference_html(text),
    ),
    "numbered item after a quote": (
        "> a\n2) b\n",
        "right after a block quote",
        lambda text: "<ol" not in pyrs_html(text) and "<ol" in reference_html(text),
    ),
    "four tildes closing strikethrough": (
        "~~a~~~~b\n",
        "three or more tildes",
        lambda text: "<s>" not in pyrs_html(text) and "<s>" in reference_html(text),
    ),
    "numbered item after a table": (
        "| a |\n|---|\n| 1 |\n2) b\n",
        "numbered other than 1",
        lambda text: "<td>2) b</td>" in pyrs_html(text) and "<ol" in reference_html(text),
    ),
    "empty list item after a table": (
        "| a |\n|---|\n| 1 |\n- \n",
        "an empty list item",
        lambda text: "<td>-</td>" in pyrs_html(text) and "<li></li>" in reference_html(text),
    ),
    "table header after a quote marker": (
        "> a |\n|-|\n",
        "block quote",
        lambda text: "<table>" not in pyrs_html(text) and "<table>" in reference_html(text),
    ),
    "unclosed HTML block in a list item": (
        "- <pre>\n\n  x\n",
        "ends at a blank line",
        lambda text: "<p>x</p>" in pyrs_html(text) and "<p>x</p>" not in reference_html(text),
    ),
    "link label and ( ending a paragraph": (
        "[a](\n\n[a]: /u\n",
        "at a line end",
        lambda text: '<a href="/u">' in pyrs_html(text) and '<a href="/u">' not in reference_html(text),
    ),
    "definition title over indented lines": (
        '[a]\n\n[a]: /u "T\n  x"\n',
        "indented continuation lines",
        lambda text: 'title="T\n  x"' in pyrs_html(text) and 'title="T\nx"' in reference_html(text),
    ),
    "definition ending in a backslash": (
        "[x]\n\n[x]: /b\\\n",
        "ends in a backslash",
        lambda text: '<a href="/b%5C">' not in pyrs_html(text) and '<a href="/b%5C">' in reference_html(text),
    ),
    "definition followed by an invalid title": (
        "[b]: /u\n''a\n",
        "like a title",
        lambda text: "<p>''a</p>" in pyrs_html(text) and "[b]: /u" in reference_html(text),
    ),
    "tab indenting a list item's text": (
        "1. \n\t`b c`\n",
        "tab in the indentation",
        lambda text: ("code_inline", (6, 11)) in pyrs_nodes(text),  # the span starts at byte 5
    ),
    "strikethrough ending in three tildes in a list": (
        "\n  - ~~[b]~~~\n",
        "three or more tildes",
        lambda text: ("strikethrough", (10, 17)) in pyrs_nodes(text),  # it starts at byte 5
    ),
}


@pytest.mark.parametrize("text, reason, pyrs_differs", REJECTED.values(), ids=REJECTED.keys())
def test_pyrs_difference_falls_back(text, reason, pyrs_differs):
    with pytest.raises(UnsupportedMarkdown, match=reason):
        fast_parse(text)
    expected, actual = reference_parse(text), parse_markdown(text)
    assert token_difference(expected.tokens, actual.tokens) is None
    assert pyrs_differs(text), "markdown-it-pyrs no longer differs here; the check that rejects it may go"


def test_text_before_hard_break_has_wrong_range():
    # pyrs 0.4 ends such a text at its start plus its true end, so source ranges
    # are only trusted where they are checked (see `_InlineConverter.extend`).
    assert ("text", (3, 8)) in pyrs_nodes("x\n\nab  \nc\n")
    assert_same_parse("x\n\nab  \nc\n")


# Differences that the conversion repairs; the snippets above show the result is equal


def test_pyrs_percent_encodes_non_ascii_host():
    assert "https://%E4%BE%8B%E3%81%88.jp/" in pyrs_html("[a](https://例え.jp/)")
    assert "https://xn--r8jz45g.jp/" in reference_html("[a](https://例え.jp/)")


def test_pyrs_keeps_spaces_in_angle_destination():
    assert 'href="%20b%20"' in pyrs_html("[a](< b >)")
    assert 'href="b"' in reference_html("[a](< b >)")


def test_pyrs_adds_line_end_to_last_code_line():
    assert PYRS.tree("```\nx").children[0].meta["content"] == "x\n"
    assert reference_parse("```\nx").tokens[0].content == "x"


# Random Markdown: accepted or not, `parse_markdown` gives markdown-it-py's tokens

MARKDOWN_PIECES = [
    "a", "b c", " ", "  ", "\n", "\n\n", "\n  ", "\n    ", "- ", "* ", "+ ", "1. ", "2) ", "> ", ">", "# ", "## ",
    "*", "**", "_", "__", "~~", "~", "`", "``", "[", "]", "(", ")", "[a](https://x.org/p)", "[b]", "[b]: /u\n",
    "![i](/i.png)", "<", "<https://a.org>", "<a@b.org>", "<b>", "</b>", "<div>\n", "<!--", "-->", "&amp;", "\\",
    "'", '"', "--", "---", "...", "(c)", "[^1]", "[^1]: n\n", "|", "| a | b |\n|---|---|\n", "```\n", "~~~\n",
    "\t", "ü", "例え", "😀", "[ ] ", "[x] ", "<!--more-->", "\n- ", "\n  - ", "\n    - ", "\n> ", "===", "\n---\n",
    "[l](<a b>)", '[t](/u "ti")', "[r][b]", "Setext\n---\n", "[a](\nb)", "<pre>", "\n>\n", "\x0c", "\u2003", "\u00a0",
]
markdown = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=markdown)
def test_random_markdown_parses_as_reference(text):
    expected, actual = reference_parse(text), parse_markdown(text)
    difference = token_difference(expected.tokens, actual.tokens)
    assert difference is None, difference
    assert comparable_env(actual.env) == comparable_env(expected.env)


# Choosing the parser


def test_reference_parser_forced(monkeypatch):
    monkeypatch.setenv(fastparse.PARSER_VARIABLE, fastparse.REFERENCE_PARSER)

    def fail(text: str, md: Any) -> None:
        raise AssertionError("markdown-it-pyrs parsed although markdown-it-py was forced")

    monkeypatch.setattr(fastparse, "parse_fast", fail)
    assert token_difference(reference_parse("*a*\n").tokens, parse_markdown("*a*\n").tokens) is None


def test_accelerator_used_by_default(monkeypatch):
    monkeypatch.delenv(fastparse.PARSER_VARIABLE, raising=False)
    calls = []
    original = fastparse.parse_fast

    def counting(text: str, md: Any) -> Any:
        calls.append(text)
        return original(text, md)

    monkeypatch.setattr(fastparse, "parse_fast", counting)
    parse_markdown("*a*\n")
    assert calls == ["*a*\n"]


def test_invalid_parser_choice_rejected(monkeypatch):
    monkeypatch.setenv(fastparse.PARSER_VARIABLE, "commonmark")
    with pytest.raises(ValueError, match="invalid DISTILLM_PARSER='commonmark'; set it to markdown-it-py or"):
        parse_markdown("a\n")


def test_untested_pyrs_version_not_used(monkeypatch, caplog):
    monkeypatch.delenv(fastparse.PARSER_VARIABLE, raising=False)
    monkeypatch.setattr(markdown_it_pyrs, "__version__", "0.5.0")
    fastparse._pyrs_parser.cache_clear()
    try:
        with caplog.at_level(logging.INFO, logger="distillm.fastparse"):
            assert fastparse.parse_accelerated("a\n") is None
    finally:
        monkeypatch.undo()
        fastparse._pyrs_parser.cache_clear()
    assert "markdown-it-pyrs 0.5.0" in caplog.text
