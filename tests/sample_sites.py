"""A small site in the shape of a Hugo blog, for tests of the whole output.

It has what a migrated Hugo blog brings along: a page bundle with an image, a
subfolder and aliases, a page outside the posts, root-relative links between
posts, raw HTML, a draft, and enough posts to paginate.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from conftest import SiteFolder

SUB_PATH_BASE_URL = "https://example.github.io/blog/"

SETTINGS = """\
title = "Hugo Digest"
base_url = "https://example.github.io/blog/"
description = "Links & notes <worth> keeping"
author = "Ada Example"
timezone = "Europe/Paris"
paginate = 2
"""


def tiny_png() -> bytes:
    """Return a valid 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def write_hugo_site(site: SiteFolder, settings: str = SETTINGS) -> None:
    """Write the sample site into `site`."""
    site.settings(settings)
    site.post(
        "first",
        title="First digest",
        date="2024-03-01T09:00:00",
        tags='["NLP", "Hugo"]',
        body=(
            "The first one.\n\n<!--more-->\n\n"
            "See [the second digest](/posts/second/), [the about page](/about/) "
            "and a footnote[^1].\n\n"
            '<p class="raw">Raw HTML with <a href="/tags/nlp/">a root-relative link</a>.</p>\n\n'
            "[^1]: A footnote.\n"
        ),
    )
    site.write(
        "content/posts/second/index.md",
        """\
        +++
        title = "Second digest: “quotes” & <angles>"
        date = 2024-04-01T09:00:00+02:00
        lastmod = 2024-04-03T10:00:00+02:00
        description = "The \\"second\\" one, with <chart> & data"
        image = "chart.png"
        tags = ["NLP"]
        aliases = ["/2024/04/second.html", "old-second"]
        +++

        ![A chart](chart.png)

        The [data](files/data.csv) behind the chart, and [the first digest](../first/).
        """,
    )
    site.write_bytes("content/posts/second/chart.png", tiny_png())
    site.write("content/posts/second/files/data.csv", "month,links\n2024-04,42\n")
    site.post("third", title="Third digest", date="2024-05-01", tags='["Hugo"]', body="Third.\n")
    site.post("unfinished", title="Unfinished", date="2024-05-02", draft="true", body="Not yet.\n")
    site.write(
        "content/about.md",
        """\
        +++
        title = "About"
        aliases = ["/about-me/"]
        +++

        Who writes this, and [the latest digest](/posts/third/).
        """,
    )


def build_hugo_site(root: Path) -> SiteFolder:
    """Write the sample site into a new folder `root` and build it; fail on a build error."""
    folder = SiteFolder(root)
    folder.root.mkdir(parents=True)
    write_hugo_site(folder)
    result = folder.build()
    assert result.returncode == 0, result.stderr
    return folder
