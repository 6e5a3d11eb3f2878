"""RSS, Atom and JSON feeds: valid, absolute, stable, and announced in every page."""

import json
from datetime import datetime
from email.utils import parsedate_to_datetime

import feedparser
import jsonschema
import pytest
from bs4 import BeautifulSoup
from conftest import run_distillm
from jsonfeed_schema import JSON_FEED_1_1
from sample_sites import SETTINGS, SUB_PATH_BASE_URL, build_hugo_site, write_hugo_site
from webserver import page_urls

BASE = SUB_PATH_BASE_URL
RSS_FEEDS = ["index.xml", "posts/index.xml", "tags/nlp/index.xml", "tags/hugo/index.xml", "links/index.xml"]
ATOM_FEEDS = ["atom.xml", "tags/nlp/atom.xml", "tags/hugo/atom.xml"]
JSON_FEEDS = ["feed.json", "tags/nlp/feed.json", "tags/hugo/feed.json", "links/feed.json"]
SECOND_FIRST_PERMALINK = BASE + "2024/04/second.html"
NOT_FEEDS = {"sitemap.xml", ".distillm-manifest.json"}


@pytest.fixture(scope="module")
def hugo_site(tmp_path_factory):
    """The sample site, built once for the tests that only read its output."""
    return build_hugo_site(tmp_path_factory.mktemp("feeds") / "site")


def parse_feed(site, relative):
    parsed = feedparser.parse((site.output / relative).read_bytes())
    assert not parsed.bozo, f"{relative}: {parsed.get('bozo_exception')}"
    return parsed


def read_json_feed(site, relative):
    return json.loads((site.output / relative).read_text(encoding="utf-8"))


def self_links(parsed):
    return [link.href for link in parsed.feed.get("links", []) if link.rel == "self"]


def test_feed_files_exist(hugo_site):
    expected = set(RSS_FEEDS + ATOM_FEEDS + JSON_FEEDS)
    feeds = {name for name in hugo_site.output_files() if name.endswith((".xml", ".json")) and name not in NOT_FEEDS}
    assert feeds == expected


@pytest.mark.parametrize("relative", RSS_FEEDS)
def test_rss_feed_is_valid(hugo_site, relative):
    parsed = parse_feed(hugo_site, relative)

    assert parsed.version == "rss20"
    assert self_links(parsed) == [BASE + relative]
    assert parsed.entries
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(set(ids))
    for entry in parsed.entries:
        assert entry.id.startswith(BASE)
        assert entry.link.startswith(BASE)
        assert parsedate_to_datetime(entry.published).tzinfo is not None
    assert parsedate_to_datetime(parsed.feed.updated).tzinfo is not None


@pytest.mark.parametrize("relative", ATOM_FEEDS)
def test_atom_feed_is_valid(hugo_site, relative):
    parsed = parse_feed(hugo_site, relative)

    assert parsed.version == "atom10"
    assert self_links(parsed) == [BASE + relative]
    assert datetime.fromisoformat(parsed.feed.updated).tzinfo is not None
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(set(ids))
    for entry in parsed.entries:
        assert entry.id.startswith(BASE)
        assert entry.link.startswith(BASE)
        assert entry.author_detail.name == "Ada Example"
        assert datetime.fromisoformat(entry.updated).tzinfo is not None
        assert datetime.fromisoformat(entry.published).tzinfo is not None


@pytest.mark.parametrize("relative", JSON_FEEDS)
def test_json_feed_matches_schema(hugo_site, relative):
    document = read_json_feed(hugo_site, relative)

    jsonschema.validate(document, JSON_FEED_1_1)
    assert document["feed_url"] == BASE + relative
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids))
    for item in document["items"]:
        assert item["id"].startswith(BASE)
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


def test_atom_entry_dates_and_author(hugo_site):
    parsed = parse_feed(hugo_site, "atom.xml")
    second = next(entry for entry in parsed.entries if entry.link == BASE + "posts/second/")

    assert second.published == "2024-04-01T09:00:00+02:00"
    assert second.updated == "2024-04-03T10:00:00+02:00"
    assert parsed.feed.updated == "2024-05-01T00:00:00+02:00"
    assert parsed.feed.author_detail.name == "Ada Example"


def test_atom_author_defaults_to_site_title(site):
    site.post("hello", title="Hello")
    assert site.build().returncode == 0

    parsed = parse_feed(site, "atom.xml")

    assert parsed.feed.author_detail.name == "Test Digest"
    assert parsed.entries[0].author_detail.name == "Test Digest"


def test_tag_feeds_list_only_tagged_posts(hugo_site):
    links = {relative: [entry.link for entry in parse_feed(hugo_site, relative).entries] for relative in ATOM_FEEDS}

    assert links["atom.xml"] == [BASE + "posts/third/", BASE + "posts/second/", BASE + "posts/first/"]
    assert links["tags/nlp/atom.xml"] == [BASE + "posts/second/", BASE + "posts/first/"]
    assert links["tags/hugo/atom.xml"] == [BASE + "posts/third/", BASE + "posts/first/"]


def test_pages_and_drafts_stay_out_of_feeds(hugo_site):
    for relative in RSS_FEEDS + ATOM_FEEDS:
        links = [entry.link for entry in parse_feed(hugo_site, relative).entries]
        assert BASE + "about/" not in links
        assert BASE + "posts/unfinished/" not in links


def feed_contents(site):
    """Yield (feed, HTML) for every entry's content and summary in every feed."""
    for relative in RSS_FEEDS + ATOM_FEEDS:
        for entry in parse_feed(site, relative).entries:
            for content in entry.get("content", []):
                yield relative, content.value
            yield relative, entry.summary
    for relative in JSON_FEEDS:
        for item in read_json_feed(site, relative)["items"]:
            yield relative, item["content_html"]


def test_feed_content_urls_are_absolute(hugo_site):
    targets = set()
    for relative, html in feed_contents(hugo_site):
        soup = BeautifulSoup(html, "html.parser")
        for element in soup.find_all(href=True) + soup.find_all(src=True):
            url = element.get("href") or element.get("src")
            assert url.startswith(("https://", "http://")), f"{relative}: relative URL {url!r}"
            targets.add(url)

    assert BASE + "posts/second/chart.png" in targets
    assert BASE + "posts/second/files/data.csv" in targets
    assert BASE + "posts/first/" in targets
    assert BASE + "tags/nlp/" in targets
    assert BASE + "posts/first/#fn1" in targets


def test_feed_ids_are_first_permalinks(hugo_site):
    rss = parse_feed(hugo_site, "index.xml")
    ids = {entry.link: entry.id for entry in rss.entries}
    document = read_json_feed(hugo_site, "feed.json")

    assert ids[BASE + "posts/second/"] == SECOND_FIRST_PERMALINK
    assert ids[BASE + "posts/first/"] == BASE + "posts/first/"
    assert {item["url"]: item["id"] for item in document["items"]}[BASE + "posts/second/"] == SECOND_FIRST_PERMALINK
    assert "isPermaLink=\"false\"" in (hugo_site.output / "index.xml").read_text(encoding="utf-8")


def test_feed_id_survives_edit_and_slug_change(site):
    site.post("hello", title="Hello", body="First words.\n")
    assert site.build().returncode == 0
    before = parse_feed(site, "atom.xml").entries[0]

    site.post(
        "hello",
        title="Greetings",
        body="Edited words.\n",
        slug='"greetings"',
        lastmod="2024-06-01",
        aliases='["/posts/hello/"]',
    )
    assert site.build().returncode == 0
    after = parse_feed(site, "atom.xml").entries[0]

    assert after.link == "https://example.org/posts/greetings/"
    assert after.title == "Greetings"
    assert after.id == before.id == "https://example.org/posts/hello/"


def test_full_content_is_the_default(hugo_site):
    entry = next(e for e in parse_feed(hugo_site, "atom.xml").entries if e.link == BASE + "posts/first/")

    assert "A footnote." in entry.content[0].value
    assert BeautifulSoup(entry.summary, "html.parser").get_text().strip() == "The first one."


def test_summary_setting_leaves_content_out(site):
    write_hugo_site(site, SETTINGS + 'feed_content = "summary"\n')
    assert site.build().returncode == 0

    atom = {entry.link: entry for entry in parse_feed(site, "atom.xml").entries}
    rss = {entry.link: entry for entry in parse_feed(site, "index.xml").entries}
    json_items = {item["url"]: item for item in read_json_feed(site, "feed.json")["items"]}
    first = BASE + "posts/first/"
    third = BASE + "posts/third/"

    assert "content" not in atom[first]
    assert BeautifulSoup(atom[first].summary, "html.parser").get_text().strip() == "The first one."
    assert BeautifulSoup(rss[first].summary, "html.parser").get_text().strip() == "The first one."
    assert BeautifulSoup(json_items[first]["content_html"], "html.parser").get_text().strip() == "The first one."
    # Without <!--more-->, the summary is the first paragraph.
    assert BeautifulSoup(atom[third].summary, "html.parser").get_text().strip() == "Third."


def test_every_page_announces_feeds(hugo_site):
    site_feeds = {
        ("application/rss+xml", "/blog/index.xml"),
        ("application/atom+xml", "/blog/atom.xml"),
        ("application/feed+json", "/blog/feed.json"),
    }
    pages = list(page_urls(hugo_site.output, BASE))
    assert len(pages) > 10

    for public_url, path in pages:
        head = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").head
        announced = {(link["type"], link["href"]) for link in head.find_all("link", rel="alternate")}
        assert site_feeds <= announced, public_url
        for _, href in announced:
            assert (hugo_site.output / href.removeprefix("/blog/")).is_file(), f"{public_url}: {href}"


def test_tag_page_announces_tag_feeds(hugo_site):
    head = hugo_site.html("tags/nlp/index.html").head
    announced = {(link["type"], link["href"]) for link in head.find_all("link", rel="alternate")}

    assert ("application/rss+xml", "/blog/tags/nlp/index.xml") in announced
    assert ("application/atom+xml", "/blog/tags/nlp/atom.xml") in announced
    assert ("application/feed+json", "/blog/tags/nlp/feed.json") in announced


def test_xml_illegal_characters_are_removed(site):
    site.post("bad", title="Bell\\u0007 title", tags='["x\\u0001y"]', body="Text with a \x0b vertical tab.\n")

    result = run_distillm("build", cwd=site.root)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "content/posts/bad.md: warning: characters that XML does not allow were removed from the feeds; "
        "delete them from the post"
    )
    for relative in ["index.xml", "atom.xml", "tags/x-y/atom.xml"]:
        entry = parse_feed(site, relative).entries[0]
        assert entry.title == "Bell title"
