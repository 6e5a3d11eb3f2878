"""Markdown: the syntax extensions, typography, highlighting and site-aware links."""

from __future__ import annotations

from bs4 import BeautifulSoup

from distillm.markdown import count_words, parse_markdown, render_markdown, table_of_contents


def render(text: str, base_path: str = "/") -> BeautifulSoup:
    return BeautifulSoup(render_markdown(parse_markdown(text), base_path).html, "html.parser")


def test_typographer_dashes_quotes_and_ellipsis():
    text = render('Wait---really? Pages 3--5. "Quoted" and \'single\'... (c)\n').get_text()
    assert text == "Wait—really? Pages 3–5. “Quoted” and ‘single’… ©\n"


def test_typography_skips_code():
    page = render('Use `a -- b "c"` here.\n\n```\nx --- "y"\n```\n')
    assert page.find("code").get_text() == 'a -- b "c"'
    assert page.find("pre").get_text() == 'x --- "y"\n'


def test_markdown_escapes_removed_from_text():
    assert render("[\\[2404.02258\\] Title \\| HN](https://example.org)\n").a.get_text() == "[2404.02258] Title | HN"


def test_table():
    page = render("| a | b |\n|---|--:|\n| 1 | 2 |\n")
    assert [th.get_text() for th in page.select("thead th")] == ["a", "b"]
    assert page.select("tbody td")[1]["style"] == "text-align:right"


def test_strikethrough():
    assert render("~~gone~~\n").find("s").get_text() == "gone"


def test_footnotes():
    page = render("Claim.[^1]\n\n[^1]: The source.\n")
    reference = page.select_one("sup.footnote-ref a")
    assert reference["href"] == "#fn1"
    assert page.select_one("section.footnotes li#fn1").get_text().strip().startswith("The source.")


def test_task_list():
    boxes = render("- [x] done\n- [ ] todo\n").find_all("input")
    assert [box.has_attr("checked") for box in boxes] == [True, False]
    assert all(box.has_attr("disabled") for box in boxes)


def test_heading_ids_unique():
    ids = [h["id"] for h in render("# Intro\n\n## What's new in April 2024?\n\n## Intro\n").find_all(["h1", "h2"])]
    assert ids == ["intro", "whats-new-in-april-2024", "intro-1"]


def test_fenced_code_highlighted_with_classes():
    page = render('```python\ndef f():\n    return "<x>"\n```\n')
    code = page.select_one("div.highlight pre code.language-python")
    assert code.get_text() == 'def f():\n    return "<x>"\n'
    assert code.find("span", class_="k").get_text() == "def"


def test_unknown_language_left_plain_and_escaped():
    page = render("```nosuchlanguage\n<b>not bold</b>\n```\n")
    code = page.select_one("div.highlight pre code.language-nosuchlanguage")
    assert code.get_text() == "<b>not bold</b>\n"
    assert code.find("span") is None
    assert code.find("b") is None


def test_root_relative_links_under_base_path():
    page = render("[old](/posts/distillm-01/) [abs](https://example.org/x) [rel](other/) [frag](#top) ![i](/img/a.png)\n", "/blog/")
    assert [a["href"] for a in page.find_all("a")] == ["/blog/posts/distillm-01/", "https://example.org/x", "other/", "#top"]
    assert page.find("img")["src"] == "/blog/img/a.png"


def test_tokens_keep_url_as_written():
    parsed = parse_markdown("[old](/posts/distillm-01/)\n")
    render_markdown(parsed, "/blog/")
    link = [child for child in parsed.tokens[1].children if child.type == "link_open"][0]
    assert link.attrGet("href") == "/posts/distillm-01/"


def test_unsafe_link_targets_not_emitted():
    page = render("[x](javascript:alert(1)) [y](data:text/html;base64,PHNjcmlwdD4=)\n")
    assert page.find("a") is None


def test_table_of_contents_nests_level_three():
    toc = table_of_contents(parse_markdown("# Title\n\n## A\n\n### A.1\n\n#### deep\n\n## B\n").tokens)
    assert [(entry.id, [child.id for child in entry.children]) for entry in toc] == [("a", ["a1"]), ("b", [])]


def test_word_count_includes_code():
    assert count_words(parse_markdown("Three *little* words.\n\n```\none two\n```\n").tokens) == 5
