"""The link extractor on the raw real post, link by link."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import pytest
from conftest import RAW_REAL_POST, REPO_ROOT

from distillm.extract import extract_site_links
from distillm.linkdates import Month
from distillm.linklists import extract_post_links
from distillm.loader import LoadOptions, load_post, load_site
from distillm.model import Link
from distillm.settings import load_settings

BASE_URL = "https://example.org/"


class Expected(NamedTuple):
    line: int
    url: str
    canonical_url: str
    title: str
    date: str | None
    period: str | None
    parent: str | None
    domain: str | None
    kind: str


# Every link occurrence of tests/fixtures/distillm-03.raw.md, in document order.
# Dates and periods follow the date items and the "April 2024" heading; parents
# are the item's first link, or the enclosing item's for a first link.
REAL_POST_LINKS = [
    Expected(12, 'https://eugeneyan.com/writing/evals/', 'https://eugeneyan.com/writing/evals/', 'LLM Task-Specific Evals that Do & Don’t Work', None, "2024-04", None, 'eugeneyan.com', 'article'),
    Expected(14, 'https://www.anthropic.com/research/many-shot-jailbreaking', 'https://www.anthropic.com/research/many-shot-jailbreaking', 'Many-shot jailbreaking - Anthropic', "2024-04-02", "2024-04", None, 'anthropic.com', 'article'),
    Expected(15, 'https://arxiv.org/abs/2404.02258', 'https://arxiv.org/abs/2404.02258', '[2404.02258] Mixture-of-Depths: Dynamically allocating compute in transformer-based language models', "2024-04-02", "2024-04", None, 'arxiv.org', 'paper'),
    Expected(17, 'https://news.ycombinator.com/item?id=39959790', 'https://news.ycombinator.com/item?id=39959790', 'SentenceTransformers: Python framework for sentence, text and image embeddings | Hacker News', "2024-04-07", "2024-04", None, 'news.ycombinator.com', 'discussion'),
    Expected(18, 'https://sbert.net/', 'https://sbert.net/', 'SentenceTransformers', "2024-04-07", "2024-04", 'https://news.ycombinator.com/item?id=39959790', 'sbert.net', 'article'),
    Expected(18, 'https://arxiv.org/abs/1908.10084', 'https://arxiv.org/abs/1908.10084', '[1908.10084] Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks', "2024-04-07", "2024-04", 'https://sbert.net/', 'arxiv.org', 'paper'),
    Expected(19, 'https://www.3blue1brown.com/lessons/attention', 'https://www.3blue1brown.com/lessons/attention', '3Blue1Brown - Visualizing Attention, a Transformer’s Heart | Chapter 6, Deep Learning', "2024-04-07", "2024-04", None, '3blue1brown.com', 'article'),
    Expected(21, 'https://simonwillison.net/2024/Apr/10/mixtral-8x22b/', 'https://simonwillison.net/2024/Apr/10/mixtral-8x22b/', 'Mistral tweet a magnet link for mixtral-8x22b', "2024-04-09", "2024-04", None, 'simonwillison.net', 'article'),
    Expected(22, 'https://ai.google.dev/gemma/docs/codegemma', 'https://ai.google.dev/gemma/docs/codegemma', 'CodeGemma', "2024-04-09", "2024-04", None, 'ai.google.dev', 'article'),
    Expected(23, 'https://huggingface.co/blog/codegemma', 'https://huggingface.co/blog/codegemma', 'CodeGemma - an official Google release for code LLMs', "2024-04-09", "2024-04", 'https://ai.google.dev/gemma/docs/codegemma', 'huggingface.co', 'article'),
    Expected(25, 'https://x.com/karpathy/status/1778841713605525889', 'https://x.com/karpathy/status/1778841713605525889', 'twitter.com/karpathy/status/1778841713605525889', "2024-04-12", "2024-04", None, 'x.com', 'social'),
    Expected(29, 'https://news.ycombinator.com/item?id=40008109', 'https://news.ycombinator.com/item?id=40008109', 'Debunking Devin: “First AI Software Engineer” Upwork Lie Exposed [video] | Hacker News', "2024-04-12", "2024-04", None, 'news.ycombinator.com', 'discussion'),
    Expected(31, 'https://www.databricks.com/blog/announcing-general-availability-ray-databricks', 'https://www.databricks.com/blog/announcing-general-availability-ray-databricks', 'Use Ray on Databricks for new scalable AI applications', "2024-04-16", "2024-04", None, 'databricks.com', 'article'),
    Expected(33, 'https://mistral.ai/news/mixtral-8x22b/', 'https://mistral.ai/news/mixtral-8x22b/', 'Mistral AI’s Mixtral 8x22B is released.', "2024-04-17", "2024-04", None, 'mistral.ai', 'article'),
    Expected(34, 'https://news.ycombinator.com/item?id=40067677', 'https://news.ycombinator.com/item?id=40067677', 'Show HN: Speeding up LLM inference 2x times (possibly) | Hacker News', "2024-04-17", "2024-04", None, 'news.ycombinator.com', 'discussion'),
    Expected(36, 'https://llama.meta.com/llama3/', 'https://llama.meta.com/llama3/', 'Meta’s Llama 3 is released.', "2024-04-18", "2024-04", None, 'llama.meta.com', 'article'),
    Expected(37, 'https://huggingface.co/MaziyarPanahi/Meta-Llama-3-8B-Instruct-GGUF/discussions/5', 'https://huggingface.co/MaziyarPanahi/Meta-Llama-3-8B-Instruct-GGUF/discussions/5', 'MaziyarPanahi/Meta-Llama-3-8B-Instruct-GGUF ¬∑ OK llama 3 8b model is INSANE. Is almost as good as wizard 2 8x22b!', "2024-04-18", "2024-04", 'https://llama.meta.com/llama3/', 'huggingface.co', 'discussion'),
    Expected(37, 'https://news.ycombinator.com/item?id=40084699', 'https://news.ycombinator.com/item?id=40084699', 'HN discussion', "2024-04-18", "2024-04", 'https://huggingface.co/MaziyarPanahi/Meta-Llama-3-8B-Instruct-GGUF/discussions/5', 'news.ycombinator.com', 'discussion'),
    Expected(39, 'https://www.youtube.com/watch?v=-ROS6gfYIts', 'https://www.youtube.com/watch?v=-ROS6gfYIts', 'Reliable, fully local RAG agents with LLaMA3 - YouTube', "2024-04-19", "2024-04", None, 'youtube.com', 'video'),
    Expected(41, 'https://www.strangeloopcanon.com/p/what-can-llms-never-do', 'https://www.strangeloopcanon.com/p/what-can-llms-never-do', 'What can LLMs never do? - by Rohit Krishnan', "2024-04-23", "2024-04", None, 'strangeloopcanon.com', 'article'),
    Expected(42, 'https://azure.microsoft.com/en-us/blog/introducing-phi-3-redefining-whats-possible-with-slms/', 'https://azure.microsoft.com/en-us/blog/introducing-phi-3-redefining-whats-possible-with-slms/', 'Microsoft’s Phi-3 is released.', "2024-04-23", "2024-04", None, 'azure.microsoft.com', 'article'),
    Expected(43, 'https://huggingface.co/microsoft/Phi-3-mini-128k-instruct', 'https://huggingface.co/microsoft/Phi-3-mini-128k-instruct', 'microsoft/Phi-3-mini-128k-instruct ¬∑ Hugging Face', "2024-04-23", "2024-04", 'https://azure.microsoft.com/en-us/blog/introducing-phi-3-redefining-whats-possible-with-slms/', 'huggingface.co', 'model'),
    Expected(45, 'https://arxiv.org/abs/2404.15758', 'https://arxiv.org/abs/2404.15758', '[2404.15758] Let’s Think Dot by Dot: Hidden Computation in Transformer Language Models', "2024-04-24", "2024-04", None, 'arxiv.org', 'paper'),
    Expected(47, 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'Apple releases eight small AI language models aimed at on-device use | Ars Technica', "2024-04-25", "2024-04", None, 'arstechnica.com', 'article'),
    Expected(48, 'https://huggingface.co/apple/OpenELM-270M', 'https://huggingface.co/apple/OpenELM-270M', 'OpenELM-270M', "2024-04-25", "2024-04", 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'huggingface.co', 'model'),
    Expected(49, 'https://huggingface.co/apple/OpenELM-450M', 'https://huggingface.co/apple/OpenELM-450M', 'OpenELM-450M', "2024-04-25", "2024-04", 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'huggingface.co', 'model'),
    Expected(50, 'https://huggingface.co/apple/OpenELM-1_1B', 'https://huggingface.co/apple/OpenELM-1_1B', 'OpenELM-1_1B', "2024-04-25", "2024-04", 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'huggingface.co', 'model'),
    Expected(51, 'https://huggingface.co/apple/OpenELM-3B', 'https://huggingface.co/apple/OpenELM-3B', 'OpenELM-3B', "2024-04-25", "2024-04", 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'huggingface.co', 'model'),
    Expected(52, 'https://huggingface.co/apple/OpenELM-270M-Instruct', 'https://huggingface.co/apple/OpenELM-270M-Instruct', 'OpenELM-270M-Instruct', "2024-04-25", "2024-04", 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'huggingface.co', 'model'),
    Expected(53, 'https://huggingface.co/apple/OpenELM-450M-Instruct', 'https://huggingface.co/apple/OpenELM-450M-Instruct', 'OpenELM-450M-Instruct', "2024-04-25", "2024-04", 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'huggingface.co', 'model'),
    Expected(54, 'https://huggingface.co/apple/OpenELM-1_1B-Instruct', 'https://huggingface.co/apple/OpenELM-1_1B-Instruct', 'OpenELM-1_1B-Instruct', "2024-04-25", "2024-04", 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'huggingface.co', 'model'),
    Expected(55, 'https://huggingface.co/apple/OpenELM-3B-Instruct', 'https://huggingface.co/apple/OpenELM-3B-Instruct', 'OpenELM-3B-Instruct', "2024-04-25", "2024-04", 'https://arstechnica.com/information-technology/2024/04/apple-releases-eight-small-ai-language-models-aimed-at-on-device-use/', 'huggingface.co', 'model'),
    Expected(57, 'https://www.singlestore.com/blog/llm-hallucinations-and-mitigation-strategies/', 'https://www.singlestore.com/blog/llm-hallucinations-and-mitigation-strategies/', 'LLM Hallucinations and Mitigation Strategies | Build AI-Enriched Apps With SingleStore', "2024-04-29", "2024-04", None, 'singlestore.com', 'article'),
    Expected(58, 'https://kolinko.github.io/effort/', 'https://kolinko.github.io/effort/', 'Effort Engine', None, "2024-04", None, 'kolinko.github.io', 'article'),
    Expected(59, 'https://asciinema.org/a/654503', 'https://asciinema.org/a/654503', 'Effort Engine demo - asciinema.org', None, "2024-04", 'https://kolinko.github.io/effort/', 'asciinema.org', 'video'),
    Expected(60, 'https://llmpricecheck.com/', 'https://llmpricecheck.com/', 'Compare LLM API Pricing Instantly - Get the Best Deals at LLM Price Check', None, "2024-04", None, 'llmpricecheck.com', 'article'),
    Expected(64, 'https://easystats.github.io/easystats/', 'https://easystats.github.io/easystats/', 'Framework for Easy Statistical Modeling, Visualization, and Reporting ‚Ä¢ easystats', None, None, None, 'easystats.github.io', 'article'),
    Expected(65, 'https://astral.sh/', 'https://astral.sh/', 'Astral: Next-gen Python tooling', None, None, None, 'astral.sh', 'article'),
    Expected(66, 'https://github.com/astral-sh/ruff', 'https://github.com/astral-sh/ruff', 'GitHub - astral-sh/ruff: An extremely fast Python linter and code formatter, written in Rust.', None, None, 'https://astral.sh/', 'github.com', 'repo'),
    Expected(67, 'https://github.com/astral-sh/uv', 'https://github.com/astral-sh/uv', 'GitHub - astral-sh/uv: An extremely fast Python package installer and resolver, written in Rust.', None, None, 'https://astral.sh/', 'github.com', 'repo'),
    Expected(68, 'https://www.youtube.com/watch?v=_FdjW47Au30', 'https://www.youtube.com/watch?v=_FdjW47Au30', 'Is UV the FUTURE of Python PACKAGING? \uf8ffüêç\uf8ffüì¶ - YouTube', None, None, 'https://github.com/astral-sh/uv', 'youtube.com', 'video'),
    Expected(74, 'https://huyenchip.com/ml-interviews-book/', 'https://huyenchip.com/ml-interviews-book/', 'ML interview book.', None, None, None, 'huyenchip.com', 'article'),
    Expected(75, 'https://udlbook.github.io/udlbook/', 'https://udlbook.github.io/udlbook/', 'Understanding Deep Learning', None, None, None, 'udlbook.github.io', 'article'),
    Expected(76, 'https://www.microsoft.com/en-us/research/project/vasa-1/', 'https://www.microsoft.com/en-us/research/project/vasa-1/', 'VASA-1 - Microsoft Research', None, None, None, 'microsoft.com', 'article'),
    Expected(76, 'https://arxiv.org/abs/2404.10667', 'https://arxiv.org/abs/2404.10667', '[2404.10667] VASA-1: Lifelike Audio-Driven Talking Faces Generated in Real Time', None, None, 'https://www.microsoft.com/en-us/research/project/vasa-1/', 'arxiv.org', 'paper'),
    Expected(77, 'https://jalammar.github.io/illustrated-word2vec/', 'https://jalammar.github.io/illustrated-word2vec/', 'The Illustrated Word2vec – Jay Alammar – Visualizing machine learning one concept at a time.', None, None, None, 'jalammar.github.io', 'article'),
    Expected(78, 'https://jalammar.github.io/illustrated-transformer/', 'https://jalammar.github.io/illustrated-transformer/', 'The Illustrated Transformer – Jay Alammar – Visualizing machine learning one concept at a time.', None, None, None, 'jalammar.github.io', 'article'),
    Expected(79, 'https://blog.mdturp.ch/posts/2024-04-05-visual_guide_to_vision_transformer.html', 'https://blog.mdturp.ch/posts/2024-04-05-visual_guide_to_vision_transformer.html', 'A Visual Guide to Vision Transformers | MDTURP', None, None, None, 'blog.mdturp.ch', 'article'),
    Expected(80, 'https://youtu.be/fKv1Mixv0Hk?si=6AGGKptFFzP7SlYS', 'https://www.youtube.com/watch?v=fKv1Mixv0Hk', 'This is a teenager. Let’s track hundreds of teens into adulthood using this huge dataset. - YouTube', None, None, None, 'youtube.com', 'video'),
    Expected(81, 'https://bigcharts.substack.com/p/behind-the-scene-this-is-a-teenager', 'https://bigcharts.substack.com/p/behind-the-scene-this-is-a-teenager', 'Behind the scene: This is a teenager - by Alvin Chang', None, None, 'https://youtu.be/fKv1Mixv0Hk?si=6AGGKptFFzP7SlYS', 'bigcharts.substack.com', 'article'),
    Expected(82, 'https://arxiv.org/abs/2402.12354', 'https://arxiv.org/abs/2402.12354', '[2402.12354] LoRA+: Efficient Low Rank Adaptation of Large Models', None, None, None, 'arxiv.org', 'paper'),
    Expected(86, '/posts/distillm-01/', 'https://example.org/posts/distillm-01/', 'previously mentioned', None, None, None, None, 'internal'),
    Expected(96, 'https://huggingface.co/spaces/vectara/leaderboard', 'https://huggingface.co/spaces/vectara/leaderboard', 'Hughes Hallucination Evaluation Model (HHEM) leaderboard', None, None, None, 'huggingface.co', 'model'),
    Expected(97, 'https://vectara.com/blog/cut-the-bull-detecting-hallucinations-in-large-language-models', 'https://vectara.com/blog/cut-the-bull-detecting-hallucinations-in-large-language-models', 'Cut the Bull… Detecting Hallucinations in Large Language Models', None, None, 'https://huggingface.co/spaces/vectara/leaderboard', 'vectara.com', 'article'),
    Expected(102, 'https://huggingface.co/vectara/hallucination_evaluation_model?text=A+man+walks+into+a+bar+and+buys+a+drink+%5BSEP%5D+A+bloke+swigs+alcohol+at+a+pub', 'https://huggingface.co/vectara/hallucination_evaluation_model?text=A+man+walks+into+a+bar+and+buys+a+drink+%5BSEP%5D+A+bloke+swigs+alcohol+at+a+pub', 'vectara/hallucination_evaluation_model ¬∑ Hugging Face', None, None, 'https://huggingface.co/spaces/vectara/leaderboard', 'huggingface.co', 'model'),
]


@pytest.fixture(scope="module")
def real_post_links(tmp_path_factory: pytest.TempPathFactory) -> list[Link]:
    site_dir = tmp_path_factory.mktemp("real")
    (site_dir / "distillm.toml").write_text(f'title = "Real"\nbase_url = "{BASE_URL}"\n', encoding="utf-8")
    posts_dir = site_dir / "content" / "posts"
    posts_dir.mkdir(parents=True)
    path = posts_dir / "distillm-03.md"
    path.write_bytes(RAW_REAL_POST.read_bytes())
    settings = load_settings(site_dir)
    post = load_post(path, site_dir / "content", settings)
    extracted = extract_post_links(post, settings.base_url)
    assert extracted.warnings == []
    return extracted.links


def test_real_post_link_count(real_post_links):
    assert len(real_post_links) == len(REAL_POST_LINKS) == 55


@pytest.mark.parametrize("index", range(len(REAL_POST_LINKS)), ids=lambda i: f"{i}-line-{REAL_POST_LINKS[i].line}")
def test_real_post_link(real_post_links, index):
    link, expected = real_post_links[index], REAL_POST_LINKS[index]
    assert link.line == expected.line
    assert link.url == expected.url
    assert link.canonical_url == expected.canonical_url
    assert link.title == expected.title
    assert link.date == (date.fromisoformat(expected.date) if expected.date else None)
    assert (str(link.period) if link.period else None) == expected.period
    assert (link.parent.url if link.parent else None) == expected.parent
    assert link.domain == expected.domain
    assert link.kind == expected.kind


def test_real_post_sections(real_post_links):
    sections = [link.section for link in real_post_links]
    assert sections[:36] == ["What happened in April 2024?"] * 36
    assert sections[36:51] == ["Something not happened in April, or not about LLM, but"] * 15
    assert sections[51:] == ["My notes on hallucination"] * 4


def test_real_post_parent_is_same_occurrence(real_post_links):
    # The parent is the occurrence itself, not just an equal URL.
    sbert, paper = real_post_links[4], real_post_links[5]
    assert paper.parent is sbert
    assert sbert.parent is real_post_links[3]


def test_real_post_anchor_ids_unique(real_post_links):
    anchors = [link.anchor_id for link in real_post_links]
    assert len(set(anchors)) == len(anchors)
    assert all(anchor.startswith("link-") for anchor in anchors)


def test_real_post_periods_are_months(real_post_links):
    assert {link.period for link in real_post_links} == {Month(2024, 4), None}


def test_bundled_post_has_no_link_warnings(caplog):
    settings = load_settings(REPO_ROOT)
    site = load_site(REPO_ROOT, settings, LoadOptions(), datetime(2100, 1, 1, tzinfo=settings.tzinfo))
    with caplog.at_level("WARNING", logger="distillm"):
        extract_site_links(site)
    assert [record.getMessage() for record in caplog.records] == []
    assert len(site.links) == 55

