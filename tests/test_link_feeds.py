"""The links feeds: RSS 2.0 through feedparser, JSON Feed 1.1 against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import jsonschema
import pytest
from conftest import REPO_ROOT, run_distillm

# RFC 3339 date-time, as JSON Feed requires. jsonschema checks "format" only
# with optional packages installed, so the tests use patterns instead.
DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
ABSOLUTE_URL = r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$"

# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a JSON Schema: the
# required keys, the type of every key the spec defines, and the rule that an
# item carries content_html or content_text. Keys starting with "_" are
# extensions and allowed anywhere.
AUTHOR_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "url": {"type": "string", "pattern": ABSOLUTE_URL},
        "avatar": {"type": "string", "pattern": ABSOLUTE_URL},
    },
    "minProperties": 1,
    "patternProperties": {"^_": {}},
    "additionalProperties": False,
}
ITEM_SCHEMA = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "url": {"type": "string", "pattern": ABSOLUTE_URL},
        "external_url": {"type": "string", "pattern": ABSOLUTE_URL},
        "title": {"type": "string"},
        "content_html": {"type": "string"},
        "content_text": {"type": "string"},
        "summary": {"type": "string"},
        "image": {"type": "string", "pattern": ABSOLUTE_URL},
        "banner_image": {"type": "string", "pattern": ABSOLUTE_URL},
        "date_published": {"type": "string", "pattern": DATE_TIME},
        "date_modified": {"type": "string", "pattern": DATE_TIME},
        "authors": {"type": "array", "items": AUTHOR_SCHEMA},
        "tags": {"type": "array", "items": {"type": "string"}},
        "language": {"type": "string"},
        "attachments": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["url", "mime_type"],
                "properties": {
                    "url": {"type": "string", "pattern": ABSOLUTE_URL},
                    "mime_type": {"type": "string"},
                    "title": {"type": "string"},
                    "size_in_bytes": {"type": "number"},
                    "duration_in_seconds": {"type": "number"},
                },
            },
        },
    },
    "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
    "patternProperties": {"^_": {}},
    "additionalProperties": False,
}
JSON_FEED_1_1_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "pattern": ABSOLUTE_URL},
        "feed_url": {"type": "string", "pattern": ABSOLUTE_URL},
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": {"type": "string", "pattern": ABSOLUTE_URL},
        "icon": {"type": "string", "pattern": ABSOLUTE_URL},
        "favicon": {"type": "string", "pattern": ABSOLUTE_URL},
        "authors": {"type": "array", "items": AUTHOR_SCHEMA},
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "hubs": {
            "type": "array",
            "items": {"type": "object", "required": ["type", "url"], "properties": {"type": {"type": "string"}, "url": {"type": "string"}}},
        },
        "items": {"type": "array", "items": ITEM_SCHEMA},
    },
    "patternProperties": {"^_": {}},
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("feeds") / "public"
    result = run_distillm("build", "--source", str(REPO_ROOT), "--output", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


def test_schema_rejects_invalid_feed():
    validator = jsonschema.Draft202012Validator(JSON_FEED_1_1_SCHEMA)
    assert not validator.is_valid({"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [{"id": "1"}]})
    assert not validator.is_valid({"version": "1", "title": "x", "items": []})
    bad_date = {"id": "1", "content_text": "x", "date_published": "2024-04-02"}
    assert not validator.is_valid({"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [bad_date]})


def test_json_feed_valid(output):
    document = json.loads((output / "links" / "feed.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(JSON_FEED_1_1_SCHEMA)
    jsonschema.Draft202012Validator(JSON_FEED_1_1_SCHEMA).validate(document)
    assert document["feed_url"] == "https://example.org/links/feed.json"
    assert document["home_page_url"] == "https://example.org/links/"


def test_json_feed_items(output):
    items = json.loads((output / "links" / "feed.json").read_text(encoding="utf-8"))["items"]
    export = run_distillm("links", "--source", str(REPO_ROOT))
    canonical_urls = {link["canonical_url"] for link in json.loads(export.stdout)}
    assert len(items) == 20
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert item["url"] == item["id"]
        assert item["url"].startswith("https://example.org/posts/distillm-03/#link-")
        assert item["external_url"] in canonical_urls


def test_json_feed_newest_first(site):
    site.settings('title = "T"\nbase_url = "https://example.org/"\nfeed_limit = 3\ntimezone = "Europe/Paris"\n')
    site.post("old", date="2024-04-01", body="- [Old](https://old.example/)\n")
    body = "- April 2nd\n  - [Second](https://b.example/)\n- April 7th\n  - [Seventh](https://c.example/)\n- [Undated](https://a.example/)\n"
    site.post("new", date="2024-05-01", body=body)
    assert site.build().returncode == 0
    items = json.loads((site.output / "links" / "feed.json").read_text(encoding="utf-8"))["items"]
    # A link without a date takes its post's date, so "Undated" is the newest.
    assert [item["title"] for item in items] == ["Undated", "Seventh", "Second"]
    assert [item["date_published"] for item in items] == [
        "2024-05-01T00:00:00+02:00",
        "2024-04-07T00:00:00+02:00",
        "2024-04-02T00:00:00+02:00",
    ]


def test_json_feed_external_url_is_canonical(output):
    items = json.loads((output / "links" / "feed.json").read_text(encoding="utf-8"))["items"]
    youtube = next(item for item in items if "fKv1Mixv0Hk" in item["external_url"])
    assert youtube["external_url"] == "https://www.youtube.com/watch?v=fKv1Mixv0Hk"
    assert youtube["tags"] == ["video"]


def test_rss_feed_parses(output):
    feed = feedparser.parse((output / "links" / "index.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Links on DistiLLM"
    assert len(feed.entries) == 20
    for entry in feed.entries:
        assert entry.link == entry.id
        assert "#link-" in entry.link


def test_rss_and_json_list_same_links(output):
    rss = feedparser.parse((output / "links" / "index.xml").read_bytes())
    items = json.loads((output / "links" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [entry.id for entry in rss.entries] == [item["id"] for item in items]
    assert [entry.title for entry in rss.entries] == [item["title"] for item in items]


def test_feed_ids_stable_across_edits(site):
    body = "- [A](https://a.example/)\n- [B](https://b.example/)\n"
    site.post("p", body=body)
    assert site.build().returncode == 0
    before = json.loads((site.output / "links" / "feed.json").read_text(encoding="utf-8"))
    site.post("p", body="New intro with [C](https://c.example/).\n\n" + body.replace("[A]", "[A, retitled]"))
    assert site.build().returncode == 0
    after = json.loads((site.output / "links" / "feed.json").read_text(encoding="utf-8"))
    ids_before = {item["external_url"]: item["id"] for item in before["items"]}
    ids_after = {item["external_url"]: item["id"] for item in after["items"]}
    assert ids_after["https://a.example/"] == ids_before["https://a.example/"]
    assert ids_after["https://b.example/"] == ids_before["https://b.example/"]


def test_feed_escapes_titles(site):
    site.post("p", body="- [\\<b>bold\\</b> & <i>x</i>](https://a.example/)\n")
    assert site.build().returncode == 0
    rss = feedparser.parse((site.output / "links" / "index.xml").read_bytes())
    assert rss.bozo == 0
    assert rss.entries[0].title == "<b>bold</b> & x"
    items = json.loads((site.output / "links" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert items[0]["title"] == "<b>bold</b> & x"
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; x" in items[0]["content_html"]
