"""Repeated links: warnings naming both places, repeat_links, and "also linked in"."""

from __future__ import annotations

from conftest import SiteFolder, run_distillm


def build(site: SiteFolder, *arguments: str):
    """Build from inside the site folder, so messages show paths relative to it."""
    return run_distillm("build", "--source", ".", *arguments, cwd=site.root)


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": warning: " in line]


def test_repeat_across_posts_warns(site):
    site.post("a", title="Post A", date="2024-04-01", body="\n\n- [X](https://example.com/x)\n")
    site.post("b", title="Post B", date="2024-05-01", body="\n- [X again](http://www.example.com/x/)\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert warnings(result.stderr) == [
        "content/posts/b.md:6: warning: link already in content/posts/a.md:7 (http://www.example.com/x/)"
    ]


def test_repeat_names_newest_earlier_post(site):
    site.post("a", date="2024-03-01", body="- [X](https://example.com/x)\n")
    site.post("b", date="2024-04-01", body="\n- [X](https://example.com/x)\n")
    site.post("c", date="2024-05-01", body="- [X](https://example.com/x)\n")
    result = build(site)
    assert warnings(result.stderr) == [
        "content/posts/b.md:6: warning: link already in content/posts/a.md:5 (https://example.com/x)",
        "content/posts/c.md:5: warning: link already in content/posts/b.md:6 (https://example.com/x)",
    ]


def test_repeat_within_post_warns(site):
    site.post("a", body="- [X](https://example.com/x)\n\nSee [X](https://example.com/x#part) above.\n")
    result = build(site)
    assert warnings(result.stderr) == [
        "content/posts/a.md:7: warning: link already in content/posts/a.md:5 (https://example.com/x#part)"
    ]


def test_repeat_links_silences_warning(site):
    site.post("a", date="2024-04-01", body="- [X](https://example.com/x)\n- [X](https://example.com/x)\n",
              repeat_links='["https://example.com/x"]')
    site.post("b", date="2024-05-01", body="- [X](https://example.com/x/?utm_source=feed)\n",
              repeat_links='["http://example.com/x"]')
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert warnings(result.stderr) == []


def test_unused_repeat_links_entry_warns(site):
    site.post("a", body="- [X](https://example.com/x)\n", repeat_links='["https://example.com/y"]')
    result = build(site)
    assert warnings(result.stderr) == [
        "content/posts/a.md:4: warning: repeat_links lists https://example.com/y, "
        "which this post does not link; remove it or correct the URL"
    ]


def test_strict_fails_on_repeat(site):
    site.post("a", date="2024-04-01", body="- [X](https://example.com/x)\n")
    site.post("b", date="2024-05-01", body="- [X](https://example.com/x)\n")
    result = build(site, "--strict")
    assert result.returncode == 1
    assert not site.output.exists()

