"""What a Hugo blog brings along: page bundles, pages outside the posts, aliases."""

import pytest
from conftest import run_distillm
from sample_sites import tiny_png, write_hugo_site


def build_in(site, *arguments):
    """Build with the site as working folder, so messages show paths relative to it."""
    return run_distillm("build", *arguments, cwd=site.root)


def test_bundle_files_are_copied_beside_post(site):
    write_hugo_site(site)
    assert site.build().returncode == 0

    assert (site.output / "posts/second/chart.png").read_bytes() == tiny_png()
    assert (site.output / "posts/second/files/data.csv").read_text(encoding="utf-8") == "month,links\n2024-04,42\n"
    image = site.html("posts/second/index.html").select_one("div.content img")
    assert image["src"] == "chart.png"


def test_bundle_files_follow_slug(site):
    site.write("content/posts/2024-04-folder/index.md", '+++\ntitle = "B"\ndate = 2024-04-01\nslug = "pretty"\n+++\n![x](pic.png)\n')
    site.write_bytes("content/posts/2024-04-folder/pic.png", tiny_png())

    assert site.build().returncode == 0

    assert "posts/pretty/pic.png" in site.output_files()
    assert not any(name.startswith("posts/2024-04-folder") for name in site.output_files())


def test_bundle_hidden_files_stay_behind(site):
    site.write("content/posts/b/index.md", '+++\ntitle = "B"\ndate = 2024-04-01\n+++\nBody.\n')
    site.write("content/posts/b/.DS_Store", "junk")
    site.write("content/posts/b/.cache/x.png", "junk")

    assert site.build().returncode == 0

    assert not any(name.startswith("posts/b/.") for name in site.output_files())


def test_markdown_inside_bundle_is_not_a_page(site):
    site.write("content/posts/b/index.md", '+++\ntitle = "B"\ndate = 2024-04-01\n+++\nBody.\n')
    site.write("content/posts/b/notes.md", '+++\ntitle = "Notes"\ndate = 2024-04-01\n+++\nNotes.\n')

    result = build_in(site)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "content/posts/b/notes.md: warning: Markdown files inside the page bundle content/posts/b/ "
        "are not published; move the file out of that folder to make it a page"
    )
    assert not any("notes" in name for name in site.output_files())


def test_page_bundle_outside_posts(site):
    site.write("content/about/index.md", '+++\ntitle = "About"\n+++\n![me](me.png)\n')
    site.write_bytes("content/about/me.png", tiny_png())

    assert site.build().returncode == 0

    assert {"about/index.html", "about/me.png"} <= site.output_files()


def test_page_is_not_listed_with_posts(site):
    write_hugo_site(site)
    assert site.build().returncode == 0

    home_links = {a["href"] for a in site.html("index.html").select("main a")}
    section_links = {a["href"] for a in site.html("posts/index.html").select("main a")}
    nav_links = {a["href"] for a in site.html("index.html").select("nav.site-nav a")}

    assert "/blog/about/" not in home_links | section_links
    assert "/blog/about/" in nav_links
    assert site.html("about/index.html").h1.get_text() == "About"


def test_alias_redirect_files(site):
    write_hugo_site(site)
    assert site.build().returncode == 0

    # "/2024/04/second.html" names a file; "old-second" is relative to the posts section.
    assert {"2024/04/second.html", "posts/old-second/index.html", "about-me/index.html"} <= site.output_files()
    about_me = site.html("about-me/index.html")
    assert about_me.find("a")["href"] == "https://example.github.io/blog/about/"


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        ("https://old.example.org/x/", "it is a full URL; write only its path, such as /posts/old-name/"),
        ("//old.example.org/x/", "it is a full URL; write only its path, such as /posts/old-name/"),
        ("../../outside/", 'it contains a ".." segment; write the path from the site\'s root instead'),
        ("/a/%2e%2e/%2E%2E/outside/", 'it contains a ".." segment; write the path from the site\'s root instead'),
        ("/old/?p=12", "it has a query or fragment, which a static redirect page cannot match"),
        ("/", "it is the site's root, which is the home page"),
        ("/.git/config", '".git" starts with a dot, and servers hide such files'),
        ("/a\\\\b/", 'it contains "\\"; separate folders with "/"'),
    ],
)
def test_invalid_alias_is_reported(site, alias, reason):
    toml_alias = alias.replace('"', '\\"')
    site.post("hello", title="Hello", aliases=f'["{toml_alias}"]')

    result = build_in(site)

    alias_in_message = alias.replace("\\\\", "\\")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'content/posts/hello.md:4: error: invalid alias "{alias_in_message}": {reason}',
        "error: build failed with 1 error",
    ]
    assert not site.output.exists()
    assert not (site.root.parent / "outside").exists()


def test_alias_that_is_another_posts_url(site):
    site.post("hello", title="Hello", aliases='["/posts/other/"]')
    site.post("other", title="Other")

    result = build_in(site)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/posts/hello.md:4: error: alias /posts/other/ is already the URL of content/posts/other.md; "
        "remove one of them"
    )


def test_alias_listed_by_two_posts(site):
    site.post("a", title="A", aliases='["/old/"]')
    site.post("b", title="B", aliases='["/old/"]')

    result = build_in(site)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/posts/b.md:4: error: alias /old/ is already the alias of content/posts/a.md; remove one of them"
    )


@pytest.mark.parametrize(
    ("alias", "clash"),
    [("/tags/", "tags/index.html"), ("/index.xml/", "index.xml"), ("/posts/page/1/", "posts/page/1/index.html")],
)
def test_alias_that_clashes_with_generated_file(site, alias, clash):
    site.post("hello", title="Hello", aliases=f'["{alias}"]')

    result = build_in(site)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'content/posts/hello.md:4: error: alias "{alias}" clashes with the generated {clash}; remove the alias',
        "error: build failed with 1 error",
    ]
    assert not site.output.exists()


def test_bundle_file_named_like_generated_page(site):
    site.write("content/posts/b/index.md", '+++\ntitle = "B"\ndate = 2024-04-01\n+++\nBody.\n')
    site.write("content/posts/b/index.html", "<p>exported from Hugo</p>")

    result = build_in(site)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "content/posts/b/index.html: warning: replaced by the generated posts/b/index.html; rename or remove it"
    )
    assert site.html("posts/b/index.html").h1.get_text() == "B"


def test_hugo_url_key_is_reported(site):
    site.post("hello", title="Hello", url='"/2019/hello/"')

    result = build_in(site)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "content/posts/hello.md:4: warning: front-matter url is not supported, so this page is at /posts/hello/; "
        "add the old URL to aliases to keep it working"
    )
