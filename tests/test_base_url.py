"""Every internal URL works when the site is served under a sub-path, and at a root.

The built output is served by a real HTTP server on 127.0.0.1 under the base
URL's path, and every `href` and `src` of every page is fetched from it.
"""

import pytest
from conftest import REPO_ROOT, run_distillm
from sample_sites import SUB_PATH_BASE_URL, write_hugo_site
from webserver import SiteServer, check_links, fetch


@pytest.mark.parametrize(
    ("base_url", "served_at"),
    [("https://example.github.io/blog/", "/blog/"), ("https://example.github.io/", "/")],
    ids=["sub-path", "root"],
)
def test_bundled_content_links(tmp_path, base_url, served_at):
    output = tmp_path / "public"
    result = run_distillm("build", "--source", str(REPO_ROOT), "--output", str(output), "--base-url", base_url)
    assert result.returncode == 0, result.stderr

    with SiteServer(output, served_at) as server:
        report = check_links(server, output, base_url)

    assert f"{base_url}posts/distillm-03/" in report.pages
    assert report.outside_base == set()
    assert all(url.startswith(base_url) for url in report.internal)
    # The post links to /posts/distillm-01/, a post the bundled content does not have.
    assert set(report.broken) == {f"{served_at}posts/distillm-01/"}
    referrers = report.broken[f"{served_at}posts/distillm-01/"]
    assert f"{base_url}posts/distillm-03/" in referrers
    # The link archive lists that same curated link; no other page links to it.
    others = referrers - {f"{base_url}posts/distillm-03/"}
    assert others
    assert all(page.startswith(f"{base_url}links/") for page in others)


def test_migrated_site_links_under_sub_path(site):
    write_hugo_site(site)
    result = site.build()
    assert result.returncode == 0, result.stderr

    with SiteServer(site.output, "/blog/") as server:
        report = check_links(server, site.output, SUB_PATH_BASE_URL)

    assert report.broken == {}
    assert report.outside_base == set()
    expected_targets = {
        "posts/second/chart.png",  # a bundle's image, linked relatively
        "posts/second/files/data.csv",  # a bundle's file in a subfolder
        "posts/first/",  # ../first/ from the bundle
        "about/",  # a page outside the posts
        "tags/nlp/",  # a root-relative link in raw HTML
        "page/2/",  # pagination
        "atom.xml",
        "feed.json",
        "index.xml",
    }
    assert {SUB_PATH_BASE_URL + target for target in expected_targets} <= report.internal


def test_server_rejects_paths_outside_prefix(site):
    write_hugo_site(site)
    assert site.build().returncode == 0

    with SiteServer(site.output, "/blog/") as server:
        inside = fetch(server.origin + "/blog/posts/first/")
        outside = fetch(server.origin + "/posts/first/")

    assert inside[0] == 200
    assert outside[0] == 404


def test_root_relative_body_links_get_sub_path(site):
    write_hugo_site(site)
    assert site.build().returncode == 0

    page = site.html("posts/first/index.html")
    hrefs = [link["href"] for link in page.select("div.content a")]

    assert "/blog/posts/second/" in hrefs
    assert "/blog/about/" in hrefs
    assert "/blog/tags/nlp/" in hrefs
