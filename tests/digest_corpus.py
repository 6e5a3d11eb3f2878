"""Generated link digests for comparing Markdown parsers, with more syntax than the real post.

Each digest looks like the blog's real one: TOML front matter, an intro with
typography, a month heading over dated items with nested links. A seeded
choice mixes in what the real post lacks: 4-space nesting, reference links,
images, autolinks, footnotes, tables, task lists, block quotes, raw HTML,
`<!--more-->`, ordered lists, fenced code, hard breaks and a last line
without a line end. The same seed always writes the same text.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
WORDS = (
    "model training inference attention transformer token embedding retrieval agent benchmark dataset "
    "evaluation latency quantization context window prompt reasoning alignment release paper library "
    "kernel memory throughput distillation adapter vision speech multilingual search ranking"
).split()
URLS = [
    "https://arxiv.org/abs/24{n:02d}.{m:05d}",
    "https://news.ycombinator.com/item?id=4{m:07d}",
    "https://github.com/lab{n}/project-{m}",
    "https://huggingface.co/lab{n}/model-{m}",
    "https://www.youtube.com/watch?v=v{m:010d}",
    "https://blog.lab{n}.dev/posts/{m}/?utm_source=digest&ref=x",
    "https://lab{n}.github.io/notes/{m}#section",
    "https://bücher.example/{m}",
    "/posts/digest-{m:05d}/",
    "https://example.org/a_(b)/{m}",
]


def ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


class DigestWriter:
    """Writes the digests of one corpus; `seed` fixes every choice."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.counter = 0

    def words(self, low: int, high: int) -> str:
        return " ".join(self.random.choice(WORDS) for _ in range(self.random.randint(low, high)))

    def url(self) -> str:
        self.counter += 1
        return self.random.choice(URLS).format(n=self.counter % 12 + 1, m=self.counter)

    def link(self) -> str:
        """Return an inline link in one of the forms a digest uses."""
        title, url = self.words(2, 6).capitalize(), self.url()
        forms = [
            f"[{title}]({url})",
            f"[\\[2404.{self.counter:05d}\\] {title}]({url})",
            f"[{title} \\| Hacker News]({url})",
            f"[**{title}**]({url})",
            f"**[{title}]({url})**",
            f"*[{title}]({url})*",
            f'[{title}]({url} "{title}")',
            f"[`{title.split()[0]}`]({url})",
            f"[{title} · Hugging Face]({url})",
        ]
        return self.random.choice(forms)

    def date_item(self, month: str, day: int, indent: str) -> list[str]:
        lines = [f"- {month} {ordinal(day)}{self.random.choice(['', '.'])}"]
        for _ in range(self.random.randint(1, 3)):
            lines.append(f"{indent}- {self.link()}")
            if self.random.random() < 0.4:
                lines.append(f"{indent}{indent}- {self.link()}, and its paper {self.link()}")
            if self.random.random() < 0.2:
                lines.append(f"{indent}{indent}- {self.words(6, 12).capitalize()}.")
        return lines

    def intro(self) -> list[str]:
        return [
            f'{self.words(20, 40).capitalize()}---just "{self.words(2, 4)}" for this month, '
            f"it's the {self.random.randint(2, 9)}th -- and 'last' (c) one... see <https://example.org/{self.counter}>.",
            "",
        ]

    def extras(self, reference: str) -> list[str]:
        """Return some of the constructs the real post lacks, chosen at random."""
        options = [
            ["## Reading", "", f"- [{self.words(2, 4)}][{reference}] and [{reference}]", ""],
            ["![A chart](/images/chart.png \"Chart\") and [![badge](/b.svg)](https://ci.example/)", ""],
            [f"Claim[^n{self.counter}] and more.", "", f"[^n{self.counter}]: A note with {self.link()}.", ""],
            ["| Model | Score |", "|:------|------:|", f"| {self.link()} | 0.9 |", "| `b\\|c` | **1** |", ""],
            ["- [ ] read it", f"- [x] {self.link()}", ""],
            [f"> {self.words(6, 12)} {self.link()}", "> ", "> > nested", ""],
            ["<details>", "<summary>More</summary>", "", f"{self.link()}", "", "</details>", ""],
            ["<!--more-->", ""],
            ["1. first", f"2. {self.link()}", "", "10) ten", ""],
            ["```python title=\"x.py\"", 'print("<b> -- \'q\'")', "```", ""],
            ["    indented code", "    block", ""],
            ["Line with a hard break  ", f"and {self.link()}\\", "and an escape."],
            ["***", "", "Setext heading", "--------------", ""],
            [f"Text <span class=\"x\">{self.words(1, 3)}</span> &amp; &copy; <!-- note --> ~~old~~ new.", ""],
        ]
        chosen = self.random.sample(options, self.random.randint(2, 6))
        return [line for lines in chosen for line in lines]

    def post(self, number: int, day: date) -> str:
        month = MONTHS[(day.month - 2) % 12]
        year = day.year if day.month > 1 else day.year - 1
        indent = self.random.choice(["  ", "    "])
        lines = [
            "+++",
            f'title = "Digest {number:05d}"',
            f"date = {day.isoformat()}",
            f'tags = ["nlp", "{self.random.choice(WORDS)}"]',
            "+++",
            "",
            *self.intro(),
            f"## What happened in {month} {year}?",
            "",
            f"- {self.link()}",
        ]
        for item_day in sorted(self.random.sample(range(1, 29), self.random.randint(4, 9))):
            lines.extend(self.date_item(month, item_day, indent))
        lines += ["", "## Something else", ""]
        lines += [f"- {self.link()} {self.words(3, 8)}." for _ in range(self.random.randint(2, 4))]
        reference = f"ref{number}"
        lines += ["", *self.extras(reference)]
        if f"[{reference}]" in "\n".join(lines):
            lines += [f"[{reference}]: {self.url()} 'Reference'", ""]
        text = "\n".join(lines)
        # Some files end without a line end, as files saved by some editors do.
        return text.rstrip("\n") if self.random.random() < 0.2 else text + "\n"


def write_digests(posts_dir, count: int, seed: int) -> None:
    """Write `count` digests, weekly from 2024-12-01 backwards, into `posts_dir`."""
    writer = DigestWriter(seed)
    posts_dir.mkdir(parents=True, exist_ok=True)
    first = date(2024, 12, 1)
    for number in range(count):
        text = writer.post(number, first - timedelta(days=7 * number))
        (posts_dir / f"digest-{number:05d}.md").write_text(text, encoding="utf-8")
