"""What crawlers and link previews read: sitemap, robots.txt, canonical and meta tags."""

from datetime import datetime
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from sample_sites import SUB_PATH_BASE_URL, build_hugo_site
from webserver import page_urls

BASE = SUB_PATH_BASE_URL
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def hugo_site(tmp_path_factory):
    """The sample site, built once for the tests that only read its output."""
    return build_hugo_site(tmp_path_factory.mktemp("crawlers") / "site")


def read_sitemap(site):
    root = ElementTree.parse(site.output / "sitemap.xml").getroot()
    assert root.tag == SITEMAP + "urlset"
    return {
        entry.findtext(SITEMAP + "loc"): entry.findtext(SITEMAP + "lastmod") for entry in root.iter(SITEMAP + "url")
    }


def meta(head, **attributes):
    element = head.find("meta", attrs=attributes)
    return None if element is None else element["content"]


def test_sitemap_lists_every_indexable_page(hugo_site):
    urls = read_sitemap(hugo_site)

    expected = [
        "", "page/2/", "posts/", "posts/page/2/", "posts/first/", "posts/second/", "posts/third/",
        "about/", "tags/", "tags/nlp/", "tags/hugo/",
        # The link archive: the sample posts' links are all internal and undated.
        "links/", "links/internal/", "links/undated/", "links/domains/",
    ]
    assert set(urls) == {BASE + path for path in expected}


def test_sitemap_leaves_out_redirects_and_errors(hugo_site):
    urls = read_sitemap(hugo_site)
    redirects = ["2024/04/second.html", "posts/old-second/", "about-me/", "page/1/", "404.html"]

    for path in redirects:
        assert BASE + path not in urls


def test_sitemap_urls_are_under_base_url(hugo_site):
    for url in read_sitemap(hugo_site):
        assert url.startswith(BASE)


def test_sitemap_lastmod_has_zone(hugo_site):
    urls = read_sitemap(hugo_site)

    assert urls[BASE + "posts/second/"] == "2024-04-03T10:00:00+02:00"
    assert urls[BASE] == "2024-05-01T00:00:00+02:00"
    # The second list page holds only the oldest post.
    assert urls[BASE + "page/2/"] == "2024-03-01T09:00:00+01:00"
    # A page with neither date nor lastmod has no last change to tell, as in Hugo's sitemap.
    assert urls[BASE + "about/"] is None
    for url, lastmod in urls.items():
        if url != BASE + "about/":
            assert datetime.fromisoformat(lastmod).tzinfo is not None, url


def test_robots_txt_names_sitemap(hugo_site):
    lines = (hugo_site.output / "robots.txt").read_text(encoding="utf-8").splitlines()

    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {BASE}sitemap.xml" in lines


def test_every_page_has_canonical_link(hugo_site):
    for public_url, path in page_urls(hugo_site.output, BASE):
        head = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").head
        canonical = head.find_all("link", rel="canonical")
        refresh = meta(head, **{"http-equiv": "refresh"})
        # A redirect page names its target as canonical; every other page names itself.
        expected = refresh.split("url=", 1)[1] if refresh else public_url
        assert [link["href"] for link in canonical] == [expected], public_url


def test_redirect_pages_point_at_post(hugo_site):
    for alias in ["2024/04/second.html", "posts/old-second/index.html"]:
        head = hugo_site.html(alias).head
        assert head.find("link", rel="canonical")["href"] == BASE + "posts/second/"
        assert meta(head, **{"http-equiv": "refresh"}) == f"0; url={BASE}posts/second/"
        assert meta(head, name="robots") == "noindex"


def test_post_preview_tags(hugo_site):
    head = hugo_site.html("posts/second/index.html").head
    description = 'The "second" one, with <chart> & data'
    title = "Second digest: “quotes” & <angles>"

    assert meta(head, name="description") == description
    assert meta(head, property="og:title") == title
    assert meta(head, property="og:description") == description
    assert meta(head, property="og:type") == "article"
    assert meta(head, property="og:url") == BASE + "posts/second/"
    assert meta(head, property="og:image") == BASE + "posts/second/chart.png"
    assert meta(head, property="og:site_name") == "Hugo Digest"
    assert meta(head, property="article:published_time") == "2024-04-01T09:00:00+02:00"
    assert meta(head, name="twitter:card") == "summary_large_image"
    assert meta(head, name="twitter:title") == title
    assert meta(head, name="twitter:description") == description
    assert meta(head, name="twitter:image") == BASE + "posts/second/chart.png"


def test_post_without_image_has_small_card(hugo_site):
    head = hugo_site.html("posts/first/index.html").head

    assert meta(head, property="og:image") is None
    assert meta(head, name="twitter:card") == "summary"
    assert meta(head, name="description") == "The first one."


def test_list_page_preview_tags(hugo_site):
    head = hugo_site.html("index.html").head

    assert meta(head, property="og:type") == "website"
    assert meta(head, property="og:url") == BASE
    assert meta(head, name="description") == "Links & notes <worth> keeping"
    assert meta(head, property="article:published_time") is None


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("cover.png", "https://example.org/blog/posts/hello/cover.png"),
        ("/images/cover.png", "https://example.org/blog/images/cover.png"),
        ("https://cdn.example.net/cover.png", "https://cdn.example.net/cover.png"),
    ],
)
def test_image_url_forms(site, image, expected):
    site.post("hello", title="Hello", image=f'"{image}"')
    result = site.build("--base-url", "https://example.org/blog/")
    assert result.returncode == 0, result.stderr

    head = site.html("posts/hello/index.html").head

    assert meta(head, property="og:image") == expected
