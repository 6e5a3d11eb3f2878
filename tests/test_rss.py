"""RSS feeds: valid, absolute, dated with a zone, escaped and limited."""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ElementTree

import feedparser


def _feed(site, relative: str):
    feed = feedparser.parse((site.output / relative).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_site_section_and_tag_feeds(site):
    site.settings('title = "Digest"\nbase_url = "https://user.github.io/blog/"\ntimezone = "Europe/Paris"\n')
    site.post("one", title="One", date="2024-05-01T09:00:00", tags='["nlp"]', body="See [two](/posts/two/).\n")
    site.post("two", title="Two", date="2024-05-02", tags='["nlp", "tools"]')
    assert site.build().returncode == 0

    for relative in ["index.xml", "posts/index.xml", "tags/nlp/index.xml"]:
        feed = _feed(site, relative)
        assert [entry.link for entry in feed.entries] == [
            "https://user.github.io/blog/posts/two/",
            "https://user.github.io/blog/posts/one/",
        ]
    assert [entry.title for entry in _feed(site, "tags/tools/index.xml").entries] == ["Two"]
    assert _feed(site, "tags/tools/index.xml").feed.title == "tools on Digest"


def test_dates_rfc822_with_numeric_zone(site):
    site.settings('title = "Digest"\nbase_url = "https://example.org/"\ntimezone = "America/New_York"\n')
    site.post("one", date="2024-05-01T09:00:00")
    assert site.build().returncode == 0
    tree = ElementTree.parse(site.output / "index.xml")
    pub_date = tree.find("channel/item/pubDate").text
    assert pub_date == "Wed, 01 May 2024 09:00:00 -0400"
    assert email.utils.parsedate_to_datetime(pub_date).utcoffset().total_seconds() == -4 * 3600
    assert tree.find("channel/lastBuildDate").text == pub_date


def test_guid_is_permalink_and_self_link(site):
    site.post("one")
    assert site.build().returncode == 0
    tree = ElementTree.parse(site.output / "index.xml")
    guid = tree.find("channel/item/guid")
    assert guid.text == "https://example.org/posts/one/"
    assert guid.get("isPermaLink") == "true"
    self_link = tree.find("channel/{http://www.w3.org/2005/Atom}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == "https://example.org/index.xml"
    assert tree.find("channel/link").text == "https://example.org/"


def test_full_content_with_absolute_urls(site):
    site.settings('title = "Digest"\nbase_url = "https://user.github.io/blog/"\n')
    site.post("one", body="Intro.\n\nSee [older](/posts/zero/) and ![chart](/img/c.png) and [x](https://x.org/).\n")
    assert site.build().returncode == 0
    content = _feed(site, "index.xml").entries[0].summary
    assert 'href="https://user.github.io/blog/posts/zero/"' in content
    assert 'src="https://user.github.io/blog/img/c.png"' in content
    assert 'href="https://x.org/"' in content
    assert "<p>Intro.</p>" in content


def test_feed_limit_keeps_newest(site):
    site.settings('title = "Digest"\nbase_url = "https://example.org/"\nfeed_limit = 3\n')
    for day in range(1, 7):
        site.post(f"p{day}", title=f"P{day}", date=f"2024-01-0{day}")
    assert site.build().returncode == 0
    assert [entry.title for entry in _feed(site, "index.xml").entries] == ["P6", "P5", "P4"]


def test_text_escaped_in_xml(site):
    site.settings('title = "Fish & <Chips>"\nbase_url = "https://example.org/"\n')
    site.post("one", title="<script>alert(1)</script> & co", tags='["a&b"]')
    assert site.build().returncode == 0
    raw = (site.output / "index.xml").read_text()
    assert "<script>" not in raw
    feed = _feed(site, "index.xml")
    assert feed.feed.title == "Fish & <Chips>"
    assert feed.entries[0].title == "<script>alert(1)</script> & co"
    assert [tag.term for tag in feed.entries[0].tags] == ["a&b"]


def test_xml_illegal_characters_removed_with_warning(site):
    path = site.post("control", title="Bell\\u0007 here", body="Form\x0cfeed.\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    warning = (
        f"{path}: warning: characters that XML does not allow were removed from the feeds; delete them from the post"
    )
    assert result.stderr.splitlines().count(warning) == 1
    feed = _feed(site, "index.xml")
    assert feed.entries[0].title == "Bell here"


def test_identical_feed_bytes_on_rebuild(site):
    site.post("one")
    assert site.build().returncode == 0
    first = (site.output / "index.xml").read_bytes()
    assert site.build().returncode == 0
    assert (site.output / "index.xml").read_bytes() == first
