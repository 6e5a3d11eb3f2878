"""The blog's real post, repaired and raw, through the whole build."""

from __future__ import annotations

import re
import shutil

import feedparser
import ftfy
import pytest

from conftest import RAW_REAL_POST, REPO_ROOT, SiteFolder, run_distillm

REPAIRED_POST = REPO_ROOT / "content" / "posts" / "distillm-03.md"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> SiteFolder:
    """The repository's own site, built once with the real command."""
    folder = SiteFolder(REPO_ROOT)
    folder.output = tmp_path_factory.mktemp("bundled") / "public"
    result = run_distillm("build", "--source", str(REPO_ROOT), "--output", str(folder.output))
    assert result.returncode == 0, result.stderr
    folder.stderr = result.stderr
    return folder


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> SiteFolder:
    """A site holding the raw post, mojibake and all, under the same slug."""
    folder = SiteFolder(tmp_path_factory.mktemp("raw") / "site")
    folder.write("distillm.toml", 'title = "DistiLLM"\nbase_url = "https://example.org/"\n')
    (folder.root / "content" / "posts").mkdir(parents=True)
    shutil.copyfile(RAW_REAL_POST, folder.root / "content" / "posts" / "distillm-03.md")
    result = folder.build()
    assert result.returncode == 0, result.stderr
    folder.stderr = result.stderr
    return folder


def test_repaired_post_differs_only_on_mojibake_lines():
    raw_lines = RAW_REAL_POST.read_text(encoding="utf-8").splitlines()
    repaired_lines = REPAIRED_POST.read_text(encoding="utf-8").splitlines()
    assert len(raw_lines) == len(repaired_lines)
    changed = [number for number, (a, b) in enumerate(zip(raw_lines, repaired_lines), 1) if a != b]
    assert changed == [37, 43, 64, 68, 72, 102, 104]


def test_repaired_post_is_ftfy_fix_encoding_of_raw():
    raw_text = RAW_REAL_POST.read_text(encoding="utf-8")
    assert ftfy.fix_encoding(raw_text) == REPAIRED_POST.read_text(encoding="utf-8")


def test_build_prints_only_summary(bundled):
    lines = bundled.stderr.strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r"Built \d+ pages, \d+ feeds and \d+ static files \(1 post, 2 tags\) in (\d+ ms|\d+\.\d\d s) into \S+/", lines[0]
    )


def test_post_page_header(bundled):
    page = bundled.html("posts/distillm-03/index.html")
    assert page.find("h1").get_text() == "DistiLLM 03"
    assert page.find("time")["datetime"].startswith("2024-05-01T00:00:00")
    tag_links = [a["href"] for a in page.select(".post-header .tag-list a")]
    assert tag_links == ["/tags/nlp/", "/tags/distillm/"]
    assert page.find("title").get_text() == "DistiLLM 03 · DistiLLM"


def test_link_text_loses_markdown_escapes(bundled):
    texts = [a.get_text() for a in bundled.html("posts/distillm-03/index.html").select(".content a")]
    assert "[2404.02258] Mixture-of-Depths: Dynamically allocating compute in transformer-based language models" in texts
    assert "SentenceTransformers: Python framework for sentence, text and image embeddings | Hacker News" in texts
    assert "vectara/hallucination_evaluation_model · Hugging Face" in texts
    assert not any("\\" in text for text in texts)


def test_typography_as_hugo_rendered_it(bundled):
    content = bundled.html("posts/distillm-03/index.html").select_one(".content")
    text = content.get_text()
    assert "go—just" in text
    assert "“copy and paste”" in text
    assert "there’s a pile" in text
    assert "The Illustrated Word2vec – Jay Alammar – Visualizing" in text
    assert "Cut the Bull… Detecting" in text
    assert "Debunking Devin: “First AI Software Engineer” Upwork Lie Exposed [video] | Hacker News" in text


def test_repaired_characters_reach_page(bundled):
    text = bundled.html("posts/distillm-03/index.html").select_one(".content").get_text()
    for repaired in ["GGUF · OK llama", "Reporting • easystats", "PACKAGING? 🐍📦", "ᕦ(òᴥó)ᕥ", "‘Provide a concise"]:
        assert repaired in text


def test_inline_code_keeps_angle_brackets_escaped(bundled):
    codes = [code.get_text() for code in bundled.html("posts/distillm-03/index.html").select(".content code")]
    assert any(code.endswith("<PASSAGE>’") for code in codes)


def test_query_strings_kept_byte_for_byte(bundled):
    hrefs = [a["href"] for a in bundled.html("posts/distillm-03/index.html").select(".content a")]
    assert "https://news.ycombinator.com/item?id=39959790" in hrefs
    assert (
        "https://huggingface.co/vectara/hallucination_evaluation_model"
        "?text=A+man+walks+into+a+bar+and+buys+a+drink+%5BSEP%5D+A+bloke+swigs+alcohol+at+a+pub"
    ) in hrefs


def test_headings_get_ids_and_table_of_contents(bundled):
    page = bundled.html("posts/distillm-03/index.html")
    ids = [h["id"] for h in page.select(".content h2")]
    assert ids == [
        "what-happened-in-april-2024",
        "something-not-happened-in-april-or-not-about-llm-but",
        "my-notes-on-hallucination",
    ]
    assert [a["href"] for a in page.select("nav.toc a")] == [f"#{heading_id}" for heading_id in ids]


def test_feed_lists_post_with_absolute_permalink(bundled):
    feed = feedparser.parse((bundled.output / "index.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.link for entry in feed.entries] == ["https://example.org/posts/distillm-03/"]
    assert feed.entries[0].id == "https://example.org/posts/distillm-03/"
    assert feed.entries[0].title == "DistiLLM 03"


def _structure(folder: SiteFolder) -> list[tuple[str, str]]:
    """Return the post page's block structure: each heading, list and list item, in order."""
    content = folder.html("posts/distillm-03/index.html").select_one(".content")
    return [
        (element.name, element.get("href", "")) for element in content.find_all(["h2", "ul", "li", "a", "code", "p"])
    ]


def test_raw_post_builds_with_same_structure(bundled, raw):
    assert raw.stderr.strip().splitlines()[-1].startswith("Built ")
    assert _structure(raw) == _structure(bundled)
    assert raw.output_files() - {".distillm-manifest.json"} == bundled.output_files() - {".distillm-manifest.json"}


def test_raw_post_keeps_mojibake_as_written(raw):
    text = raw.html("posts/distillm-03/index.html").select_one(".content").get_text()
    assert "GGUF ¬∑ OK llama" in text
