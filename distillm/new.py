"""The `new` command: start a digest post as a draft, from a title.

It writes `content/posts/<slug>.md` with TOML front matter: the title, the
current date and time in the site's time zone, `draft = true` and no tags.
The body shows the link-list shape for the month before, as a period heading
over one date item.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import tomli_w
from slugify import slugify

from .errors import ContentError, DistillmError, display_path
from .loader import BUNDLE_INDEX, CONTENT_DIR, POSTS_DIR
from .settings import load_settings
from .urls import GENERATED_POST_NAMES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewPost:
    """A post that `new` wrote."""

    path: Path
    slug: str


def create_post(source_dir: Path, title: str, now: datetime | None = None) -> NewPost:
    """Write a draft post titled `title` into the site in `source_dir` and return where.

    `now` defaults to the current time in the site's time zone. Raises
    `DistillmError` when the title gives no file name, and `ContentError` when
    the post or a bundle of the same name already exists: `new` never
    overwrites a file.
    """
    settings = load_settings(source_dir)
    moment = (now or datetime.now(settings.tzinfo)).astimezone(settings.tzinfo).replace(second=0, microsecond=0)
    posts_dir = source_dir / CONTENT_DIR / POSTS_DIR
    title = title.strip()
    slug = slugify(title)
    if not slug:
        raise DistillmError(f'the title "{title}" has no letters or digits to make a file name from; use another title')
    if slug in GENERATED_POST_NAMES:
        raise DistillmError(f'"{slug}" is used by distillm for generated files under /posts/; use another title')
    path = posts_dir / f"{slug}.md"
    bundle = posts_dir / slug / BUNDLE_INDEX
    for existing in (path, bundle):
        if existing.exists():
            raise ContentError.at(existing, "a post already exists here; edit it, or choose another title")
    posts_dir.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as file:
        file.write(post_text(title, moment))
    logger.info("Created %s (a draft: build with --drafts to see it)", display_path(path))
    return NewPost(path, slug)


def post_text(title: str, now: datetime) -> str:
    """Return the Markdown source of a new draft digest post."""
    front_matter = tomli_w.dumps({"title": title, "date": now, "draft": True, "tags": []})
    month, year = previous_month(now)
    month_name = datetime(year, month, 1).strftime("%B")
    return (
        f"+++\n{front_matter}+++\n\n"
        f"## What happened in {month_name} {year}?\n\n"
        f"- {month_name} 1st\n"
        # `.example` is a reserved top-level domain (RFC 2606): the placeholder is never the
        # site's own host, and its name never resolves, so `check --external` flags it.
        "  - [Title of the page, as the page gives it](https://page.example/)\n"
    )


def previous_month(moment: datetime) -> tuple[int, int]:
    """Return the month before `moment`'s as (month, year); January gives December of the year before."""
    if moment.month == 1:
        return 12, moment.year - 1
    return moment.month - 1, moment.year
