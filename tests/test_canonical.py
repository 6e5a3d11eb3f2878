"""Canonical URLs, loose keys, domains and kinds: one table per rule."""

from __future__ import annotations

import pytest

from distillm.canonical import canonical_url, is_internal, link_domain, link_kind, loose_key

BASE_URL = "https://example.org/"


def canonical(url: str) -> str:
    return canonical_url(url, BASE_URL, BASE_URL + "posts/this/")


@pytest.mark.parametrize(
    "url, expected",
    [
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),
        ("Http://WWW.Example.com/a", "http://www.example.com/a"),
        ("https://bücher.de/straße", "https://xn--bcher-kva.de/straße"),
        ("https://BÜCHER.de/", "https://xn--bcher-kva.de/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://user@Example.com/a", "https://user@example.com/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?x=1#top", "https://example.com/a?x=1"),
    ],
)
def test_scheme_host_port_fragment(url, expected):
    assert canonical(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://example.com/a?utm_source=news&utm_medium=email", "https://example.com/a"),
        ("https://example.com/a?id=3&utm_campaign=x", "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=abc&q=1", "https://example.com/a?q=1"),
        ("https://example.com/a?gclid=abc", "https://example.com/a"),
        ("https://example.com/a?mc_cid=1&mc_eid=2&page=2", "https://example.com/a?page=2"),
        ("https://example.com/a?si=keep&feature=keep", "https://example.com/a?si=keep&feature=keep"),
        ("https://example.com/a?s=keep&t=keep", "https://example.com/a?s=keep&t=keep"),
        ("https://example.com/a?", "https://example.com/a"),
    ],
)
def test_tracking_parameters_removed(url, expected):
    assert canonical(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://news.ycombinator.com/item?id=39959790", "https://news.ycombinator.com/item?id=39959790"),
        (
            "https://huggingface.co/vectara/m?text=A+man+%5BSEP%5D+A+bloke",
            "https://huggingface.co/vectara/m?text=A+man+%5BSEP%5D+A+bloke",
        ),
        ("https://example.com/s?b=2&a=1&b=1", "https://example.com/s?b=2&a=1&b=1"),
        ("https://example.com/s?q=a%2fb&r=%7e", "https://example.com/s?q=a%2fb&r=%7e"),
        ("https://example.com/s?q=a|b&flag", "https://example.com/s?q=a|b&flag"),
        ("https://example.com/s?utm_x=1&q=%5B1%5D", "https://example.com/s?q=%5B1%5D"),
    ],
)
def test_other_parameters_kept_byte_for_byte(url, expected):
    assert canonical(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://youtu.be/fKv1Mixv0Hk?si=6AGGKptFFzP7SlYS", "https://www.youtube.com/watch?v=fKv1Mixv0Hk"),
        ("http://youtu.be/fKv1Mixv0Hk", "https://www.youtube.com/watch?v=fKv1Mixv0Hk"),
        ("https://youtu.be/fKv1Mixv0Hk?t=42", "https://www.youtube.com/watch?v=fKv1Mixv0Hk&t=42"),
        ("https://www.youtube.com/shorts/abcDEF123_-", "https://www.youtube.com/watch?v=abcDEF123_-"),
        ("https://youtube.com/shorts/abcDEF123_-?feature=share", "https://www.youtube.com/watch?v=abcDEF123_-"),
        ("https://www.youtube.com/embed/abcDEF123_-", "https://www.youtube.com/watch?v=abcDEF123_-"),
        ("https://www.youtube.com/watch?v=-ROS6gfYIts", "https://www.youtube.com/watch?v=-ROS6gfYIts"),
        ("https://www.youtube.com/watch?v=x&si=a&pp=b&feature=c", "https://www.youtube.com/watch?v=x"),
        ("https://www.youtube.com/@channel", "https://www.youtube.com/@channel"),
    ],
)
def test_youtube_rules(url, expected):
    assert canonical(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://twitter.com/karpathy/status/1", "https://x.com/karpathy/status/1"),
        ("https://mobile.twitter.com/karpathy/status/1", "https://x.com/karpathy/status/1"),
        ("https://www.twitter.com/karpathy", "https://x.com/karpathy"),
        ("https://x.com/karpathy/status/1?s=20&t=abc", "https://x.com/karpathy/status/1"),
        ("https://twitter.com/a/status/1?s=46&lang=en", "https://x.com/a/status/1?lang=en"),
    ],
)
def test_twitter_becomes_x(url, expected):
    assert canonical(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://arxiv.org/abs/2404.02258", "https://arxiv.org/abs/2404.02258"),
        ("https://arxiv.org/abs/2404.02258v2", "https://arxiv.org/abs/2404.02258"),
        ("https://arxiv.org/pdf/2404.02258", "https://arxiv.org/abs/2404.02258"),
        ("https://arxiv.org/pdf/2404.02258v1.pdf", "https://arxiv.org/abs/2404.02258"),
        ("http://arxiv.org/pdf/2404.02258.pdf", "https://arxiv.org/abs/2404.02258"),
        ("https://arxiv.org/html/2404.02258v3", "https://arxiv.org/abs/2404.02258"),
        ("https://www.arxiv.org/abs/1908.10084", "https://arxiv.org/abs/1908.10084"),
        ("https://arxiv.org/abs/0704.0001", "https://arxiv.org/abs/0704.0001"),
        ("https://arxiv.org/abs/hep-th/9901001v3", "https://arxiv.org/abs/hep-th/9901001"),
        ("https://arxiv.org/pdf/math.GT/0309136", "https://arxiv.org/abs/math.GT/0309136"),
        ("https://arxiv.org/list/cs.CL/recent", "https://arxiv.org/list/cs.CL/recent"),
    ],
)
def test_arxiv_rules(url, expected):
    assert canonical(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/posts/distillm-01/", "https://example.org/posts/distillm-01/"),
        ("../other/", "https://example.org/posts/other/"),
        ("#notes", "https://example.org/posts/this/"),
        ("//cdn.example.net/x", "https://cdn.example.net/x"),
        ("mailto:Someone@Example.org", "mailto:Someone@Example.org"),
        ("MAILTO:someone@example.org", "mailto:someone@example.org"),
        ("http://[::1/", "http://[::1/"),
        ("x-\thttps://h[a b]/", "x-\thttps://h[a b]/"),
    ],
)
def test_relative_and_other_targets(url, expected):
    assert canonical(url) == expected


def test_root_relative_under_base_path():
    assert canonical_url("/posts/x/", "https://user.github.io/blog/") == "https://user.github.io/blog/posts/x/"


@pytest.mark.parametrize(
    "canonical_form, expected",
    [
        ("https://www.example.com/a/", "example.com/a"),
        ("http://example.com/a", "example.com/a"),
        ("https://example.com/", "example.com"),
        ("https://example.com", "example.com"),
        ("https://example.com/a/?q=1", "example.com/a?q=1"),
        ("https://www.youtube.com/watch?v=x", "youtube.com/watch?v=x"),
        ("https://sub.www.example.com/a", "sub.www.example.com/a"),
        ("mailto:a@example.org", "mailto:a@example.org"),
    ],
)
def test_loose_key(canonical_form, expected):
    assert loose_key(canonical_form) == expected


def test_loose_key_matches_http_and_https_forms():
    assert loose_key(canonical("http://www.example.com/a/")) == loose_key(canonical("https://example.com/a"))


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.youtube.com/watch?v=x", "youtube.com"),
        ("https://blog.example.com:8080/", "blog.example.com"),
        ("https://bücher.de/", "xn--bcher-kva.de"),
        ("/posts/x/", None),
        ("https://example.org/posts/x/", None),
        ("mailto:a@example.org", None),
    ],
)
def test_domain(url, expected):
    assert link_domain(canonical(url), is_internal(url, BASE_URL)) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://arxiv.org/abs/2404.02258", "paper"),
        ("https://openreview.net/forum?id=abc", "paper"),
        ("https://aclanthology.org/2023.acl-long.1/", "paper"),
        ("https://doi.org/10.1145/1234", "paper"),
        ("https://huggingface.co/papers/2404.02258", "paper"),
        ("https://news.ycombinator.com/item?id=1", "discussion"),
        ("https://news.ycombinator.com/news", "article"),
        ("https://www.reddit.com/r/MachineLearning/comments/abc/title/", "discussion"),
        ("https://old.reddit.com/r/LocalLLaMA/comments/abc/", "discussion"),
        ("https://www.reddit.com/r/MachineLearning/", "article"),
        ("https://lobste.rs/s/abc/title", "discussion"),
        ("https://huggingface.co/org/model/discussions/5", "discussion"),
        ("https://www.youtube.com/watch?v=x", "video"),
        ("https://youtu.be/x", "video"),
        ("https://vimeo.com/123", "video"),
        ("https://asciinema.org/a/654503", "video"),
        ("https://github.com/astral-sh/ruff", "repo"),
        ("https://github.com/astral-sh/ruff/issues/1", "repo"),
        ("https://gitlab.com/group/project", "repo"),
        ("https://github.com/astral-sh", "article"),
        ("https://github.com/topics/llm", "article"),
        ("https://kolinko.github.io/effort/", "article"),
        ("https://huggingface.co/apple/OpenELM-270M", "model"),
        ("https://huggingface.co/spaces/vectara/leaderboard", "model"),
        ("https://huggingface.co/datasets/org/data", "dataset"),
        ("https://huggingface.co/blog/codegemma", "article"),
        ("https://huggingface.co/docs/transformers", "article"),
        ("https://x.com/karpathy/status/1", "social"),
        ("https://twitter.com/karpathy/status/1", "social"),
        ("https://bsky.app/profile/a", "social"),
        ("https://mastodon.social/@a/1", "social"),
        ("https://threads.net/@a", "social"),
        ("/posts/distillm-01/", "internal"),
        ("https://example.org/about/", "internal"),
        ("https://example.com/blog/post", "article"),
    ],
)
def test_kind(url, expected):
    assert link_kind(canonical(url), is_internal(url, BASE_URL)) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/posts/x/", True),
        ("../x/", True),
        ("#top", True),
        ("https://example.org/x/", True),
        ("HTTPS://EXAMPLE.ORG/x/", True),
        ("//example.org/x/", True),
        ("https://example.com/", False),
        ("mailto:a@example.org", False),
    ],
)
def test_is_internal(url, expected):
    assert is_internal(url, BASE_URL) is expected


def test_is_internal_respects_base_path():
    base = "https://user.github.io/blog/"
    assert is_internal("https://user.github.io/blog/posts/x/", base) is True
    assert is_internal("https://user.github.io/other/", base) is False
