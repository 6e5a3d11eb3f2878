"""The link-list grammar on small posts: date items, years, periods, parents, lines."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
from conftest import SiteFolder, run_distillm

from distillm.linkdates import Month
from distillm.linklists import ExtractedLinks, extract_post_links
from distillm.loader import load_post
from distillm.settings import load_settings


def extract(site: SiteFolder, body: str, post_date: str = "2024-05-01", name: str = "p") -> ExtractedLinks:
    """Write a post with `body` (dedented) and extract its links."""
    path = site.post(name, date=post_date, body=textwrap.dedent(body))
    settings = load_settings(site.root)
    post = load_post(path, site.root / "content", settings)
    return extract_post_links(post, settings.base_url)


def by_url(extracted: ExtractedLinks) -> dict[str, object]:
    return {link.url: link for link in extracted.links}


@pytest.mark.parametrize(
    "item, expected",
    [
        ("April 2nd", date(2024, 4, 2)),
        ("April 7th.", date(2024, 4, 7)),
        ("April 1st:", date(2024, 4, 1)),
        ("Apr 2", date(2024, 4, 2)),
        ("2 April", date(2024, 4, 2)),
        ("April 2, 2023", date(2023, 4, 2)),
        ("2023-04-02", date(2023, 4, 2)),
        ("**April 2nd**", date(2024, 4, 2)),
    ],
)
def test_date_item_forms_in_list(site, item, expected):
    extracted = extract(site, f"- {item}\n  - [A](https://a.example/)\n")
    assert extracted.links[0].date == expected


def test_date_item_with_link_is_not_date_item(site):
    extracted = extract(site, "- April 2nd: [A](https://a.example/)\n  - [B](https://b.example/)\n")
    links = by_url(extracted)
    assert links["https://a.example/"].date is None
    assert links["https://b.example/"].date is None
    assert links["https://b.example/"].parent is links["https://a.example/"]


def test_year_across_new_year(site):
    body = """\
        - December 30th
          - [Old year](https://a.example/)
        - January 1st
          - [New year](https://b.example/)
    """
    links = by_url(extract(site, body, post_date="2025-01-02"))
    assert links["https://a.example/"].date == date(2024, 12, 30)
    assert links["https://a.example/"].period == Month(2024, 12)
    assert links["https://b.example/"].date == date(2025, 1, 1)
    assert links["https://b.example/"].period == Month(2025, 1)


def test_year_from_period_heading(site):
    body = """\
        ## April 2024

        - April 2nd
          - [A](https://a.example/)
    """
    link = extract(site, body, post_date="2025-05-01").links[0]
    assert link.date == date(2024, 4, 2)
    assert link.period == Month(2024, 4)


def test_period_heading_covers_its_section(site):
    body = """\
        ## What happened in March 2024?

        [Prose](https://prose.example/) before the list.

        - [Undated](https://a.example/)
        - April 2nd
          - [Dated](https://b.example/)

        ### A subsection

        - [Deeper](https://c.example/)

        ## Not in April

        - [Other](https://d.example/)
        - April 3rd
          - [Dated again](https://e.example/)
    """
    links = by_url(extract(site, body))
    assert links["https://prose.example/"].period == Month(2024, 3)
    assert links["https://a.example/"].period == Month(2024, 3)
    assert links["https://b.example/"].period == Month(2024, 3)
    assert links["https://b.example/"].date == date(2024, 4, 2)
    assert links["https://c.example/"].period == Month(2024, 3)
    assert links["https://c.example/"].section == "A subsection"
    assert links["https://d.example/"].period is None
    assert links["https://d.example/"].section == "Not in April"
    assert links["https://e.example/"].period == Month(2024, 4)


def test_sibling_after_date_item_is_undated(site):
    body = """\
        - April 2nd
          - [Dated](https://a.example/)
        - [After](https://b.example/)
    """
    links = by_url(extract(site, body))
    assert links["https://a.example/"].date == date(2024, 4, 2)
    assert links["https://b.example/"].date is None
    assert links["https://b.example/"].period is None


@pytest.mark.parametrize("indent", [2, 4])
def test_indentation_width(site, indent):
    pad = " " * indent
    body = (
        "- April 7th.\n"
        f"{pad}- [Thread](https://news.example/1)\n"
        f"{pad}{pad}- [Site](https://site.example/), and its [paper](https://paper.example/)\n"
        f"{pad}- [Other](https://other.example/)\n"
    )
    links = by_url(extract(site, body))
    assert {link.date for link in links.values()} == {date(2024, 4, 7)}
    assert links["https://news.example/1"].parent is None
    assert links["https://site.example/"].parent is links["https://news.example/1"]
    assert links["https://paper.example/"].parent is links["https://site.example/"]
    assert links["https://other.example/"].parent is None


def test_ordered_list_date_items(site):
    body = """\
        1. April 2nd
           1. [A](https://a.example/)
    """
    assert extract(site, body).links[0].date == date(2024, 4, 2)


def test_related_links_in_loose_item(site):
    body = """\
        - [Primary](https://a.example/)

          More about it in [a thread](https://b.example/).

          - [Nested](https://c.example/)
    """
    links = by_url(extract(site, body))
    assert links["https://b.example/"].parent is links["https://a.example/"]
    assert links["https://c.example/"].parent is links["https://a.example/"]


def test_prose_links_have_no_parent(site):
    body = """\
        Some [first](https://a.example/) and
        then [second](https://b.example/) link.
    """
    links = extract(site, body).links
    assert [link.parent for link in links] == [None, None]
    assert [link.section for link in links] == [None, None]


def test_line_of_each_link(site):
    body = """\
        Intro.

        A paragraph with [one](https://a.example/)
        and [two](https://b.example/) on its second line.

        - [Item](https://c.example/)
    """
    # The front matter written by `site.post` is 4 lines, so the body starts on line 5.
    assert [link.line for link in extract(site, body).links] == [7, 8, 10]


def test_footnote_link_lines(site):
    body = """\
        Intro[^1] and an inline ^[see [inline](https://inline.example/)] note.

        [^1]: The note
            with [defined](https://defined.example/).
    """
    links = by_url(extract(site, body))
    assert links["https://defined.example/"].line == 8
    assert links["https://inline.example/"].line == 5


def test_emphasis_and_code_in_titles(site):
    body = """\
        - **[Bold link](https://a.example/)**
        - *[Emphasis link](https://b.example/)*
        - [**Bold** and `code` inside](https://c.example/)
        - [Escaped \\[1\\] and "quotes" -- dash](https://d.example/)
        - [![alt text](https://img.example/i.png)](https://e.example/)
    """
    titles = [link.title for link in extract(site, body).links]
    assert titles == [
        "Bold link",
        "Emphasis link",
        "Bold and code inside",
        "Escaped [1] and “quotes” – dash",
        "alt text",
    ]


def test_url_as_written_keeps_characters(site):
    body = """\
        - [Brackets](https://a.example/search?q=[1]|x)
        - <https://b.example/ä>
        - [Reference][ref]

        [ref]: https://c.example/r
    """
    links = extract(site, body).links
    assert links[0].url == "https://a.example/search?q=[1]|x"
    assert links[0].canonical_url == "https://a.example/search?q=[1]|x"
    assert links[1].url == "https://b.example/ä"
    assert links[2].url == "https://c.example/r"


def test_anchor_ids_number_repeats(site):
    body = """\
        - [A](https://a.example/x)
        - [A again](http://www.a.example/x/)
        - [B](https://b.example/)
    """
    anchors = [link.anchor_id for link in extract(site, body).links]
    assert anchors[1] == anchors[0] + "-2"
    assert anchors[0].startswith("link-a-example-")
    assert len(set(anchors)) == 3


def test_anchor_id_survives_edits_elsewhere(site):
    first = extract(site, "- [A](https://a.example/)\n", name="one").links[0]
    edited = extract(site, "New intro.\n\n- [Z](https://z.example/)\n- [A, renamed](https://a.example/)\n", name="two")
    assert edited.links[1].anchor_id == first.anchor_id


def test_no_second_markdown_parse(site, monkeypatch):
    path = site.post("p", body="- April 2nd\n  - [A](https://a.example/)\n")
    settings = load_settings(site.root)
    post = load_post(path, site.root / "content", settings)

    def fail(*arguments, **keywords):
        raise AssertionError("the extractor parsed Markdown again")

    monkeypatch.setattr("distillm.markdown.parse_markdown", fail)
    monkeypatch.setattr("markdown_it.MarkdownIt.parse", fail)
    assert len(extract_post_links(post, settings.base_url).links) == 1


def test_impossible_date_warns_via_cli(site):
    site.post("p", body="\n- April 31st\n  - [A](https://a.example/)\n")
    result = run_distillm("build", "--source", ".", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        'content/posts/p.md:6: warning: "April 31st" is not a valid date, '
        "so the links under it are undated; correct the date"
    )


def test_february_29_in_common_year_warns(site, monkeypatch):
    monkeypatch.chdir(site.root)
    extracted = extract(site, "- February 29th\n  - [A](https://a.example/)\n", post_date="2025-03-01")
    assert extracted.links[0].date is None
    assert [str(warning) for warning in extracted.warnings] == [
        'content/posts/p.md:5: warning: "February 29th" has no year and falls in a year without that day, '
        "so the links under it are undated; write the year"
    ]
