"""The link archive pages, built by the real command on real and small sites."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO_ROOT, SiteFolder, run_distillm


class BuiltSite:
    """The bundled blog built into a folder, with its links exported as JSON."""

    def __init__(self, output: Path, links: list[dict]) -> None:
        self.output = output
        self.links = links

    def html(self, relative: str) -> BeautifulSoup:
        return BeautifulSoup((self.output / relative).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    output = tmp_path_factory.mktemp("bundled") / "public"
    result = run_distillm("build", "--source", str(REPO_ROOT), "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "warning" in line] == []
    export = run_distillm("links", "--source", str(REPO_ROOT))
    assert export.returncode == 0, export.stderr
    return BuiltSite(output, json.loads(export.stdout))


def link_items(soup: BeautifulSoup) -> list:
    return soup.select("li.link-item")


def test_links_index_lists_periods(bundled):
    soup = bundled.html("links/index.html")
    periods = Counter(link["period"] for link in bundled.links)
    rows = soup.select("ul.link-periods li")
    shown = {row.a.get_text(): row.select_one(".count").get_text() for row in rows}
    assert shown == {"April 2024": f"{periods['2024-04']} links", "Undated": f"{periods[None]} links"}
    assert rows[0].a["href"] == "/links/2024-04/"
    assert rows[1].a["href"] == "/links/undated/"


def test_links_index_shows_newest_period(bundled):
    soup = bundled.html("links/index.html")
    april = [link for link in bundled.links if link["period"] == "2024-04"]
    assert len(link_items(soup)) == len(april)
    days = [section.h3.get_text() for section in soup.select("section.link-day")]
    assert days[0] == "April 29, 2024"
    assert days[-1] == "No day given"


def test_period_page_grouped_by_day(bundled):
    soup = bundled.html("links/2024-04/index.html")
    assert soup.h1.get_text() == "Links of April 2024"
    expected_days = sorted({link["date"] for link in bundled.links if link["period"] == "2024-04" and link["date"]}, reverse=True)
    # Under the page's h1, each day is a level-2 section (level 3 on /links/, under the month's h2).
    times = [time["datetime"] for time in soup.select("section.link-day h2 time")]
    assert times == expected_days
    for section in soup.select("section.link-day"):
        time = section.h2.time
        day = time["datetime"] if time else None
        titles = [item.select_one("a.link-title").get_text() for item in link_items(section)]
        expected = [link["title"] for link in bundled.links if link["period"] == "2024-04" and link["date"] == day]
        assert titles == expected


def test_link_item_shows_fields(bundled):
    soup = bundled.html("links/2024-04/index.html")
    item = next(item for item in link_items(soup) if "sbert.net" in item.select_one("a.link-title")["href"])
    assert item.select_one("a.link-title").get_text() == "SentenceTransformers"
    assert item["data-kind"] == "article"
    assert item["data-domain"] == "sbert.net"
    assert item.select_one("a.link-domain")["href"] == "/links/domains/sbert.net/"
    assert item.select_one("a.link-kind").get_text() == "article"
    source = item.select_one(".link-source a")
    assert source.get_text() == "DistiLLM 03"
    assert source["href"].startswith("/posts/distillm-03/#link-sbert-net-")


def test_source_anchors_exist_on_post_page(bundled):
    post = bundled.html("posts/distillm-03/index.html")
    for page in ["links/2024-04/index.html", "links/undated/index.html"]:
        for item in link_items(bundled.html(page)):
            anchor = item.select_one(".link-source a")["href"].split("#")[1]
            target = post.find(id=anchor)
            assert target is not None, anchor
            assert target.name == "a"


def test_post_page_links_get_anchor_ids(bundled):
    post = bundled.html("posts/distillm-03/index.html")
    links = post.select(".content a[href]")
    assert len(links) == len(bundled.links)
    ids = [link.get("id") for link in links]
    assert all(ids)
    assert len(set(ids)) == len(ids)
    assert [link["data-link-kind"] for link in links] == [link["kind"] for link in bundled.links]


def test_home_summary_has_no_anchor_ids(site):
    site.post("a", body="Read [this](https://example.com/x).\n")
    assert site.build().returncode == 0
    summary = site.html("index.html").select_one(".summary a")
    assert summary.get_text() == "this"
    assert summary.get("id") is None


def test_undated_page_lists_links_without_period(bundled):
    soup = bundled.html("links/undated/index.html")
    titles = [item.select_one("a.link-title").get_text() for item in link_items(soup)]
    assert titles == [link["title"] for link in bundled.links if link["period"] is None]


def test_kind_pages(bundled):
    kinds = Counter(link["kind"] for link in bundled.links)
    for kind, count in kinds.items():
        soup = bundled.html(f"links/{kind}/index.html")
        items = link_items(soup)
        assert len(items) == count
        assert {item["data-kind"] for item in items} == {kind}
    assert not (bundled.output / "links" / "dataset").exists()


def test_domains_index_by_count(bundled):
    soup = bundled.html("links/domains/index.html")
    rows = soup.select("ol.link-domains li")
    counts = Counter(link["domain"] for link in bundled.links if link["domain"])
    shown = [(row.a.get_text(), int(row.select_one(".count").get_text().split()[0])) for row in rows]
    assert sorted(shown, key=lambda pair: (-pair[1], pair[0])) == shown
    assert dict(shown) == dict(counts)


def test_domain_page(bundled):
    soup = bundled.html("links/domains/huggingface.co/index.html")
    titles = [item.select_one("a.link-title").get_text() for item in link_items(soup)]
    expected = [link for link in bundled.links if link["domain"] == "huggingface.co"]
    assert len(titles) == len(expected)
    assert {item["data-domain"] for item in link_items(soup)} == {"huggingface.co"}


def test_pages_readable_without_script(bundled):
    soup = bundled.html("links/index.html")
    form = soup.select_one("form.link-filter")
    assert form.has_attr("hidden")
    script = soup.find("script", src="/js/links.js")
    assert script is not None
    assert (bundled.output / "js" / "links.js").is_file()


def test_header_nav_has_links(bundled):
    nav = bundled.html("index.html").select_one("nav.site-nav")
    assert nav.find("a", string="Links")["href"] == "/links/"
    current = bundled.html("links/index.html").select_one('nav.site-nav a[aria-current="page"]')
    assert current.get_text() == "Links"


def test_kind_list_paginates(site):
    lines = "".join(f"- [Link {n}](https://example{n}.com/)\n" for n in range(1, 131))
    site.post("a", body=lines)
    result = site.build()
    assert result.returncode == 0, result.stderr
    first = site.html("links/article/index.html")
    second = site.html("links/article/page/2/index.html")
    assert len(link_items(first)) == 100
    assert len(link_items(second)) == 30
    assert first.select_one('nav.pagination a[rel="next"]')["href"] == "/links/article/page/2/"
    assert second.select_one('nav.pagination a[rel="prev"]')["href"] == "/links/article/"
    # The archive's lists have no page/1/ redirect: nobody links there.
    assert not (site.output / "links/article/page/1").exists()
    domains = site.html("links/domains/page/2/index.html")
    assert len(domains.select("ol.link-domains li")) == 30


def test_link_text_is_escaped(site):
    site.post("a", body="- [\\<script>alert(1)\\</script> & co](https://example.com/x?a=1&b=\"2\")\n")
    assert site.build().returncode == 0
    page = site.html("links/undated/index.html")
    title = page.select_one("a.link-title")
    assert title.get_text() == "<script>alert(1)</script> & co"
    assert page.find("script", string="alert(1)") is None
    # The canonical URL keeps the query as written; the attribute escaping keeps it whole.
    assert title["href"] == 'https://example.com/x?a=1&b="2"'


def test_link_pages_under_base_path(site):
    site.settings('title = "T"\nbase_url = "https://user.github.io/blog/"\n')
    site.post("a", date="2024-04-10", body="- April 2nd\n  - [X](https://example.com/x)\n- [Home](/posts/a/)\n")
    assert site.build().returncode == 0
    index = site.html("links/index.html")
    assert index.select_one("ul.link-periods a")["href"] == "/blog/links/2024-04/"
    item = link_items(site.html("links/2024-04/index.html"))[0]
    assert item.select_one(".link-source a")["href"].startswith("/blog/posts/a/#link-example-com-")
    internal = link_items(site.html("links/internal/index.html"))[0]
    assert internal.select_one("a.link-title")["href"] == "https://user.github.io/blog/posts/a/"
    assert internal["data-domain"] == ""


def test_site_without_links(site):
    site.post("a", body="No links here.\n")
    assert site.build().returncode == 0
    soup = site.html("links/index.html")
    assert soup.select_one("main p:not(.lead)").get_text() == "No links yet."
    assert (site.output / "links" / "undated" / "index.html").is_file()


def test_also_linked_in_on_later_page(site: SiteFolder):
    site.post("a", title="Post <A>", date="2024-04-01", body="- [X](https://example.com/x)\n")
    site.post("b", title="Post B", date="2024-05-01", body="- [X again](https://example.com/x)\n- [Y](https://y.example/)\n",
              repeat_links='["https://example.com/x"]')
    result = site.build()
    assert result.returncode == 0, result.stderr

    later = site.html("posts/b/index.html")
    notes = later.select(".content small.also-linked")
    assert len(notes) == 1
    assert notes[0].get_text() == "(also linked in Post <A>)"
    assert notes[0].find_previous_sibling("a").get_text() == "X again"
    target = notes[0].a["href"]
    page, anchor = target.split("#")
    assert page == "/posts/a/"
    earlier = site.html("posts/a/index.html")
    assert earlier.find(id=anchor).get_text() == "X"
    assert site.html("posts/a/index.html").select("small.also-linked") == []


def test_odd_link_targets_build(site):
    body = (
        "- [Tab and brackets](<x-\thttps://h[a b]/>)\n"
        "- [Bad IPv6](http://[::1/)\n"
        "- [Port out of range](https://example.com:99999/)\n"
        "- [Dots](http://../x)\n"
        "- [Unicode host](https://bücher.de/)\n"
    )
    site.post("a", body=body)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    items = link_items(site.html("links/undated/index.html"))
    assert len(items) == 5
    assert (site.output / "links" / "domains" / "xn--bcher-kva.de" / "index.html").is_file()
