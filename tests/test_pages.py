"""The default theme's pages: lists, pagination, tags, posts, 404 and accessibility."""

from __future__ import annotations

import pytest


@pytest.fixture
def twelve_posts(site):
    """Twelve posts a day apart, tagged so that `even` has six and `all` twelve."""
    site.settings('title = "Digest"\nbase_url = "https://example.org/"\npaginate = 5\n')
    for day in range(1, 13):
        tags = '["All", "even"]' if day % 2 == 0 else '["all"]'
        site.post(f"post-{day:02}", title=f"Post {day:02}", date=f"2024-03-{day:02}", tags=tags)
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


def _titles(page) -> list[str]:
    return [a.get_text() for a in page.select(".post-summary h2 a")]


def test_home_paginated_newest_first(twelve_posts):
    site = twelve_posts
    assert _titles(site.html("index.html")) == ["Post 12", "Post 11", "Post 10", "Post 09", "Post 08"]
    assert _titles(site.html("page/2/index.html")) == ["Post 07", "Post 06", "Post 05", "Post 04", "Post 03"]
    assert _titles(site.html("page/3/index.html")) == ["Post 02", "Post 01"]
    assert not (site.output / "page/4").exists()


def test_pagination_links(twelve_posts):
    site = twelve_posts
    first = site.html("index.html").select_one("nav.pagination")
    assert first.find("a", rel="prev") is None
    assert first.find("a", rel="next")["href"] == "/page/2/"
    middle = site.html("page/2/index.html").select_one("nav.pagination")
    assert middle.find("a", rel="prev")["href"] == "/"
    assert middle.find("a", rel="next")["href"] == "/page/3/"
    assert site.html("page/3/index.html").select_one("nav.pagination").find("a", rel="next") is None


def test_page_one_redirects_to_first_page(twelve_posts):
    page = twelve_posts.html("page/1/index.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=https://example.org/"
    assert page.find("link", rel="canonical")["href"] == "https://example.org/"


def test_posts_section_lists_every_post(twelve_posts):
    site = twelve_posts
    first = [a.get_text() for a in site.html("posts/index.html").select(".archive a")]
    second = [a.get_text() for a in site.html("posts/page/2/index.html").select(".archive a")]
    assert first == ["Post 12", "Post 11", "Post 10", "Post 09", "Post 08"]
    assert second == ["Post 07", "Post 06", "Post 05", "Post 04", "Post 03"]


def test_tags_differing_by_case_are_one_tag(twelve_posts):
    index = twelve_posts.html("tags/index.html")
    entries = [(li.a.get_text(), li.a["href"], li.select_one(".count").get_text()) for li in index.select(".tag-index li")]
    # "all" is spelled "all" by six posts and "All" by six; the oldest post's spelling wins the tie.
    assert entries == [("all", "/tags/all/", "12 posts"), ("even", "/tags/even/", "6 posts")]


def test_tag_page_lists_its_posts(twelve_posts):
    site = twelve_posts
    page = site.html("tags/even/index.html")
    assert page.find("h1").get_text() == "Posts tagged “even”"
    assert _titles(page) == ["Post 12", "Post 10", "Post 08", "Post 06", "Post 04"]
    assert _titles(site.html("tags/even/page/2/index.html")) == ["Post 02"]
    assert page.find("link", rel="alternate", href="/tags/even/index.xml") is not None


def test_previous_and_next_post(twelve_posts):
    page = twelve_posts.html("posts/post-05/index.html")
    nav = page.select_one("nav.post-nav")
    assert nav.find("a", rel="prev")["href"] == "/posts/post-04/"
    assert nav.find("a", rel="next")["href"] == "/posts/post-06/"
    newest = twelve_posts.html("posts/post-12/index.html").select_one("nav.post-nav")
    assert newest.find("a", rel="next") is None
    assert newest.find("a", rel="prev")["href"] == "/posts/post-11/"


def test_post_page_metadata(site):
    words = " ".join(["word"] * 500)
    site.post("long-read", title="Long read", date="2024-02-03T10:15:00+01:00", tags='["Machine Learning"]', body=words)
    assert site.build().returncode == 0
    page = site.html("posts/long-read/index.html")
    assert page.find("time")["datetime"] == "2024-02-03T09:15:00+00:00"
    assert page.find("time").get_text() == "February 3, 2024"
    assert "3 min read" in page.select_one(".post-meta").get_text()
    assert page.select_one(".tag-list a")["href"] == "/tags/machine-learning/"


def test_table_of_contents_only_for_long_posts(site):
    site.post("short", body="## One\n\ntext\n\n## Two\n\ntext\n")
    site.post("long", body="## One\n\n### One a\n\n## Two\n\n## Three\n")
    site.post("forced-off", body="## One\n\n## Two\n\n## Three\n", toc="false")
    assert site.build().returncode == 0
    assert site.html("posts/short/index.html").select_one("nav.toc") is None
    assert site.html("posts/forced-off/index.html").select_one("nav.toc") is None
    toc = site.html("posts/long/index.html").select_one("nav.toc")
    top = [li.a["href"] for li in toc.select(":scope > ol > li")]
    assert top == ["#one", "#two", "#three"]
    assert [a["href"] for a in toc.select("ol ol a")] == ["#one-a"]


def test_summary_before_more_separator(site):
    site.post("split", body="First part.\n\nSecond part.\n\n<!--more-->\n\nThe rest.\n")
    site.post("plain", body="- a list first\n\nThen the first paragraph.\n\nAnd another.\n", date="2024-04-01")
    site.post("explicit", body="Body.\n", summary='"A *hand-written* summary"', date="2024-03-01")
    assert site.build().returncode == 0
    by_url = {a.h2.a["href"]: a.select_one(".summary") for a in site.html("index.html").select(".post-summary")}
    assert [p.get_text() for p in by_url["/posts/split/"].find_all("p")] == ["First part.", "Second part."]
    assert [p.get_text() for p in by_url["/posts/plain/"].find_all("p")] == ["Then the first paragraph."]
    assert by_url["/posts/explicit/"].find("em").get_text() == "hand-written"


def test_description_from_summary_when_missing(site):
    long_paragraph = "Lorem ipsum dolor sit amet " * 20
    site.post("described", description='"Hand written"', body="Body.\n")
    site.post("undescribed", body=long_paragraph + "\n", date="2024-01-01")
    assert site.build().returncode == 0
    described = site.html("posts/described/index.html").find("meta", attrs={"name": "description"})["content"]
    assert described == "Hand written"
    fallback = site.html("posts/undescribed/index.html").find("meta", attrs={"name": "description"})["content"]
    assert fallback.startswith("Lorem ipsum dolor sit amet Lorem")
    assert fallback.endswith("…")
    assert len(fallback) <= 160


def test_not_found_page(site):
    site.post("one")
    assert site.build().returncode == 0
    page = site.html("404.html")
    assert page.find("h1").get_text() == "Page not found"
    assert [a["href"] for a in page.select("main a")] == ["/", "/posts/"]


def test_pages_not_listed_with_posts(site):
    site.post("one", title="A post")
    site.write("content/about.md", '+++\ntitle = "About me"\n+++\nHi.\n')
    assert site.build().returncode == 0
    assert _titles(site.html("index.html")) == ["A post"]
    nav = [a["href"] for a in site.html("index.html").select(".site-nav a")]
    assert "/about/" in nav
    assert site.html("about/index.html").find("h1").get_text() == "About me"


LANDMARK_PAGES = ["index.html", "posts/index.html", "posts/one/index.html", "tags/index.html", "tags/t/index.html", "404.html"]


@pytest.mark.parametrize("relative", LANDMARK_PAGES)
def test_language_landmarks_and_heading_order(site, relative):
    site.settings('title = "T"\nbase_url = "https://example.org/"\nlanguage = "en-GB"\n')
    site.post("one", tags='["t"]', body="Intro.\n\n## A\n\n### B\n\n## C\n\n## D\n")
    assert site.build().returncode == 0
    page = site.html(relative)
    assert page.html["lang"] == "en-GB"
    assert len(page.find_all("main")) == 1
    assert page.find("header", class_="site-header") is not None
    assert page.find("footer", class_="site-footer") is not None
    assert page.find("nav", attrs={"aria-label": "Main"}) is not None
    levels = [int(h.name[1]) for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:]))
    assert page.find("meta", attrs={"name": "viewport"}) is not None
    assert page.find("script") is None


def test_user_text_escaped_everywhere(site):
    site.post(
        "hostile",
        title="<script>alert(1)</script> & more",
        tags='["<b>bold</b> & co"]',
        description='"<img src=x onerror=alert(1)>"',
    )
    assert site.build().returncode == 0
    raw = (site.output / "posts/hostile/index.html").read_text()
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in raw
    assert "<b>bold</b>" not in raw
    assert '<img src=x' not in raw
    page = site.html("posts/hostile/index.html")
    assert page.find("h1").get_text() == "<script>alert(1)</script> & more"
    assert page.select_one(".tag-list a").get_text() == "#<b>bold</b> & co"
    assert page.select_one(".tag-list a")["href"] == "/tags/b-bold-b-co/"
