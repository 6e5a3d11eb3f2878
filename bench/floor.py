"""The floor: what markdown-it-py and Jinja alone cost for a corpus.

    python bench/floor.py SITE_DIR OUTPUT_DIR

Reads every post of SITE_DIR/content/posts, parses and renders its body with
markdown-it-py (the same syntax distillm enables, markdown-it-py's own HTML
renderer), renders one Jinja template per post, and writes the page, in one
plain loop in one process. No link database, tags, lists or feeds: a site
generator cannot do less for the same pages, so its time is measured against
this one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

PAGE = jinja2.Template(
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head>\n"
    "<body><main><h1>{{ title }}</h1>\n{{ body | safe }}</main></body></html>\n",
    autoescape=True,
)


def floor_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin).use(tasklists_plugin).use(anchors_plugin, min_level=1, max_level=6)
    return md


def build_floor(site: Path, output: Path) -> int:
    """Write one page per post of `site` into `output`; return the number of pages."""
    md = floor_parser()
    pages = 0
    for path in sorted((site / "content" / "posts").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front_matter, body = text.split("+++\n", 2)
        title = front_matter.split('title = "', 1)[1].split('"', 1)[0]
        page = output / path.stem / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.render(title=title, body=md.render(body)), encoding="utf-8")
        pages += 1
    return pages


def main() -> None:
    site, output = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    pages = build_floor(site, output)
    print(f"{pages} {time.perf_counter() - started:.4f}")


if __name__ == "__main__":
    main()
