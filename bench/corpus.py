"""Write a deterministic corpus of link-digest posts for benchmarks.

    python bench/corpus.py --posts 1000 --seed 1 --output /tmp/corpus

Each post looks like the blog's real digests. It has TOML front matter and
a month heading over 8-15 dated items with 2-5 nested links each. Its links
include escaped brackets and bold text, and notes, an undated section and
prose with a fenced code block follow, for 8-10 KB of text. The same
arguments always write the same bytes.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
WORDS = (
    "model training inference attention transformer token embedding retrieval agent benchmark "
    "dataset evaluation latency quantization context window prompt reasoning alignment safety "
    "open weights release paper framework library compiler kernel memory throughput distillation "
    "fine-tuning adapter vision speech multilingual search ranking summarization hallucination "
    "grounding tool calling planning memory cache speculative decoding mixture experts sparse "
    "dense scaling law compute budget cluster GPU CPU edge device mobile browser server"
).split()
TAGS = [
    "nlp", "distillm", "llm", "agents", "rag", "evaluation", "open-source", "papers", "tools",
    "python", "rust", "inference", "training", "safety", "vision", "speech", "datasets", "search",
]
SITES = [
    ("https://arxiv.org/abs/{arxiv}", "[\\[{arxiv}\\] {title}]", "paper"),
    ("https://news.ycombinator.com/item?id={number}", "[{title} \\| Hacker News]", "discussion"),
    ("https://github.com/{owner}/{name}", "[GitHub - {owner}/{name}: {title}]", "repo"),
    ("https://huggingface.co/{owner}/{name}", "[{owner}/{name} · Hugging Face]", "model"),
    ("https://www.youtube.com/watch?v={video}", "[{title} - YouTube]", "video"),
    ("https://{owner}.github.io/{name}/", "[{title}]", "article"),
    ("https://blog.{owner}.dev/posts/{name}/?utm_source=digest", "[**{title}**]", "article"),
    ("https://www.reddit.com/r/MachineLearning/comments/{video}/{name}/", "[{title} : r/MachineLearning]", "discussion"),
]
CODE_BLOCK = '''```python
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("{owner}/{name}")
model = AutoModelForCausalLM.from_pretrained("{owner}/{name}", device_map="auto")
inputs = tokenizer("What can LLMs never do?", return_tensors="pt")
print(tokenizer.decode(model.generate(**inputs, max_new_tokens={number})[0]))
```'''


def ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


class DigestWriter:
    """Write the digests of one corpus; `seed` fixes every choice."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.counter = 0

    def words(self, low: int, high: int) -> str:
        return " ".join(self.random.choice(WORDS) for _ in range(self.random.randint(low, high)))

    def title(self) -> str:
        text = self.words(4, 10)
        return text[0].upper() + text[1:]

    def link(self, post_number: int) -> str:
        """Return one Markdown link, unique in the corpus."""
        self.counter += 1
        url_form, text_form, _ = self.random.choice(SITES)
        values = {
            # The year part keeps ids unique past 100,000 links.
            "arxiv": f"{15 + self.counter // 100000:02d}{self.random.randint(1, 12):02d}.{self.counter % 100000:05d}",
            "number": 39000000 + self.counter,
            "owner": f"lab{post_number % 97}",
            "name": f"project-{self.counter}",
            "video": f"v{self.counter:010d}",
            "title": self.title(),
        }
        return f"{text_form.format(**values)}({url_form.format(**values)})"

    def item(self, post_number: int) -> list[str]:
        """Return the lines under one date item: 2-5 links, nested, with a note or two."""
        lines = [f"  - {self.link(post_number)}"]
        for _ in range(self.random.randint(1, 4)):
            if self.random.random() < 0.25:
                lines.append(f"    - {self.link(post_number)}, and its paper {self.link(post_number)}")
                break
            lines.append(f"    - {self.link(post_number)}")
        if self.random.random() < 0.5:
            lines.append(f"    - {self.words(8, 16).capitalize()}.")
        return lines

    def post(self, number: int, day: date) -> str:
        month_name = MONTHS[(day.month - 2) % 12]
        digest_year = day.year if day.month > 1 else day.year - 1
        tags = self.random.sample(TAGS, self.random.randint(1, 3))
        lines = [
            "+++",
            f'title = "Digest {number:05d}"',
            f"date = {day.isoformat()}",
            f"tags = [{', '.join(f'{tag!r}'.replace(chr(39), chr(34)) for tag in tags)}]",
            f'description = "Links of {month_name} {digest_year}"',
            "+++",
            "",
            f'{self.words(40, 70).capitalize()}---just "{self.words(2, 4)}" for this month.',
            "",
            f"## What happened in {month_name} {digest_year}?",
            "",
            f"- {self.link(number)}",
        ]
        days = sorted(self.random.sample(range(1, 29), self.random.randint(8, 15)))
        for item_day in days:
            lines.append(f"- {month_name} {ordinal(item_day)}{self.random.choice(['', '.'])}")
            lines.extend(self.item(number))
        lines += ["", "## Something else worth reading", ""]
        for _ in range(self.random.randint(3, 6)):
            lines.append(f"- {self.link(number)} {self.words(5, 15)}.")
        lines += ["", "## Notes", "", f"{self.words(40, 80).capitalize()}.", ""]
        lines.append(CODE_BLOCK.format(owner=f"lab{number % 97}", name=f"project-{number}", number=number % 200 + 20))
        lines += ["", f"{self.words(30, 60).capitalize()}, see {self.link(number)}.", ""]
        return "\n".join(lines)


def write_corpus(output: Path, posts: int, seed: int) -> None:
    """Write `posts` digests and a `distillm.toml` into `output`."""
    writer = DigestWriter(seed)
    folder = output / "content" / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    (output / "distillm.toml").write_text(
        'title = "Benchmark Digest"\nbase_url = "https://bench.example.org/"\n', encoding="utf-8"
    )
    first = date(2024, 12, 1)
    for number in range(posts):
        day = first - timedelta(days=7 * number)
        text = writer.post(number, day)
        (folder / f"digest-{number:05d}.md").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, required=True, help="how many posts to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--output", type=Path, required=True, help="the site folder to write")
    arguments = parser.parse_args()
    write_corpus(arguments.output, arguments.posts, arguments.seed)


if __name__ == "__main__":
    main()
