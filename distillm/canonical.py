"""Canonical URLs, loose keys, domains and kinds of curated links.

The canonical URL is a real, clickable URL: scheme and host in lower case, the
host in IDNA form, no default port, no fragment, no tracking parameters, and
the YouTube, X and arXiv forms of one page made one. Every other part of the
query is kept byte for byte and in order, because sites such as Hacker News
(`?id=`) and Hugging Face (`?text=...%5BSEP%5D...`) need it exactly. That is
why this module splits URLs with `urllib.parse` and never re-encodes them.
url-normalize 3.1.0 decodes `%5B` to `[`, and with `filter_params=True` drops
`?id=` along with the tracking parameters. w3lib 2.5.0 sorts the query and
keeps `:443`.

The loose key (no scheme, no `www.`, no trailing slash) finds duplicates.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

import idna

LinkKind = Literal["paper", "discussion", "video", "repo", "model", "dataset", "social", "internal", "article"]
LINK_KINDS: tuple[LinkKind, ...] = (
    "paper", "discussion", "video", "repo", "model", "dataset", "social", "internal", "article",
)

TRACKING_PARAMETERS = frozenset(["fbclid", "gclid", "mc_cid", "mc_eid"])
TRACKING_PREFIXES = ("utm_",)
YOUTUBE_TRACKING_PARAMETERS = frozenset(["si", "feature", "pp"])
X_TRACKING_PARAMETERS = frozenset(["s", "t"])

YOUTUBE_HOSTS = frozenset(["youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"])
TWITTER_HOSTS = frozenset(["twitter.com", "www.twitter.com", "mobile.twitter.com"])
X_HOSTS = frozenset(["x.com", "www.x.com"])
ARXIV_HOSTS = frozenset(["arxiv.org", "www.arxiv.org", "export.arxiv.org"])
DEFAULT_PORTS = {"http": 80, "https": 443}

# youtu.be/ID, and /embed/ID or /shorts/ID on a YouTube host; IDs use letters, digits, _ and -.
_YOUTUBE_PATH = re.compile(r"^/(?:embed|shorts)/(?P<id>[A-Za-z0-9_-]+)/?$")
_YOUTU_BE_PATH = re.compile(r"^/(?P<id>[A-Za-z0-9_-]+)/?$")
# /abs/2404.02258v2, /pdf/2404.02258.pdf, /html/2404.02258v1, /abs/hep-th/9901001v3
_ARXIV_PATH = re.compile(
    r"^/(?:abs|pdf|html)/(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?$"
)

PAPER_DOMAINS = frozenset(
    [
        "arxiv.org", "openreview.net", "aclanthology.org", "doi.org", "dx.doi.org", "proceedings.mlr.press",
        "proceedings.neurips.cc", "papers.nips.cc", "jmlr.org", "dl.acm.org", "ieeexplore.ieee.org",
        "biorxiv.org", "medrxiv.org", "semanticscholar.org", "ojs.aaai.org",
    ]
)
VIDEO_DOMAINS = frozenset(["youtube.com", "youtu.be", "vimeo.com", "asciinema.org"])
REPO_DOMAINS = frozenset(["github.com", "gitlab.com"])
SOCIAL_DOMAINS = frozenset(
    [
        "x.com", "bsky.app", "threads.net", "threads.com", "mastodon.social", "mastodon.online",
        "fosstodon.org", "hachyderm.io", "sigmoid.social", "mstdn.social", "infosec.exchange", "masto.ai",
    ]
)
HUGGING_FACE = "huggingface.co"
# First path segments of huggingface.co that are not `owner/model` pages.
HUGGING_FACE_NON_MODEL_PATHS = frozenset(
    [
        "blog", "docs", "datasets", "papers", "learn", "organizations", "settings", "join", "login", "pricing",
        "tasks", "collections", "posts", "models", "spaces", "chat", "search", "enterprise", "changelog",
    ]
)
# github.com and gitlab.com paths that are site pages, not `owner/repo`.
REPO_HOST_NON_OWNER_PATHS = frozenset(
    ["orgs", "topics", "features", "marketplace", "sponsors", "settings", "explore", "about", "collections", "users"]
)


def canonical_url(url: str, base_url: str, page_url: str | None = None) -> str:
    """Return the canonical form of `url`, a link target as the author wrote it.

    Relative targets are resolved against `page_url` (the page the link is on),
    root-relative ones against `base_url`, so `/posts/x/` on a site at
    `https://user.github.io/blog/` becomes `https://user.github.io/blog/posts/x/`.
    Targets that are not http(s) URLs only get their scheme lower-cased.
    """
    resolved = resolve_against_site(url.strip(), base_url, page_url)
    parts = _split(resolved)
    if parts is None:
        return resolved
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        return _with_lower_scheme(resolved, parts.scheme)

    host = _canonical_host(parts.hostname or "")
    netloc = _canonical_netloc(parts, scheme, host)
    pieces = _query_pieces(parts.query)
    site_rule = _site_rule(host, parts.path, pieces)
    if site_rule is not None:
        return site_rule
    if host in TWITTER_HOSTS:
        host, netloc = "x.com", _canonical_netloc(parts, scheme, "x.com")
    kept = [piece for piece in pieces if not _is_tracking(piece, host)]
    return urlunsplit((scheme, netloc, parts.path, "&".join(kept), ""))


def resolve_against_site(url: str, base_url: str, page_url: str | None = None) -> str:
    """Return `url` made absolute: root-relative under `base_url`, relative against `page_url`."""
    if _has_scheme(url):
        return url
    if url.startswith("//"):
        return urlsplit(base_url).scheme + ":" + url
    if url.startswith("/"):
        return base_url + url[1:]
    try:
        return urljoin(page_url or base_url, url)
    except ValueError:
        return url  # urljoin rejects brackets that do not hold an IP address, as in "a[b c]".


def is_internal(url: str, base_url: str) -> bool:
    """Return whether a link target as written points into the site itself."""
    stripped = url.strip()
    if not stripped or stripped.startswith("#") or (stripped.startswith("/") and not stripped.startswith("//")):
        return True
    if not _has_scheme(stripped) and not stripped.startswith("//"):
        return True  # A relative path, like ../x/.
    base_scheme, base_host, base_path = _base_parts(base_url)
    if stripped.startswith("//"):
        stripped = base_scheme + ":" + stripped
    target = _split(stripped)
    if target is None or target.scheme.lower() not in DEFAULT_PORTS:
        return False
    return _canonical_host(target.hostname or "") == base_host and target.path.startswith(base_path)


@lru_cache(maxsize=8)
def _base_parts(base_url: str) -> tuple[str, str, str]:
    """Return the scheme, canonical host and path of the base URL, split once per site."""
    parts = urlsplit(base_url)
    return parts.scheme, _canonical_host(parts.hostname or ""), parts.path


def loose_key(canonical: str) -> str:
    """Return the duplicate-detection key: no scheme, no `www.`, no trailing slash on the path."""
    parts = _split(canonical)
    if parts is None or parts.scheme.lower() not in DEFAULT_PORTS or not parts.netloc:
        return canonical
    netloc = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{netloc}{path}{query}"


def link_domain(canonical: str, internal: bool) -> str | None:
    """Return the canonical URL's host without `www.`, or None for internal and host-less links."""
    parts = _split(canonical)
    if internal or parts is None:
        return None
    host = parts.hostname
    return host.removeprefix("www.") if host else None


def link_kind(canonical: str, internal: bool) -> LinkKind:
    """Classify a link by the host and path of its canonical URL; the first matching rule wins."""
    parts = _split(canonical) or urlsplit("")
    domain = (parts.hostname or "").removeprefix("www.")
    segments = [segment for segment in parts.path.split("/") if segment]
    rules = (
        ("paper", _is_paper),
        ("discussion", _is_discussion),
        ("video", lambda d, s: _in_domains(d, VIDEO_DOMAINS)),
        ("repo", _is_repo),
        ("model", _is_model),
        ("dataset", lambda d, s: d == HUGGING_FACE and s[:1] == ["datasets"] and len(s) >= 3),
        ("social", lambda d, s: _in_domains(d, SOCIAL_DOMAINS)),
    )
    for kind, matches in rules:
        if matches(domain, segments):
            return kind  # type: ignore[return-value]
    return "internal" if internal else "article"


def _is_paper(domain: str, segments: list[str]) -> bool:
    if _in_domains(domain, PAPER_DOMAINS):
        return True
    return domain == HUGGING_FACE and segments[:1] == ["papers"] and len(segments) >= 2


def _is_discussion(domain: str, segments: list[str]) -> bool:
    if domain == "news.ycombinator.com":
        return segments[:1] == ["item"]
    if _in_domains(domain, frozenset(["reddit.com"])):
        return "comments" in segments
    if domain == "lobste.rs":
        return segments[:1] == ["s"]
    return domain == HUGGING_FACE and "discussions" in segments


def _is_repo(domain: str, segments: list[str]) -> bool:
    return domain in REPO_DOMAINS and len(segments) >= 2 and segments[0] not in REPO_HOST_NON_OWNER_PATHS


def _is_model(domain: str, segments: list[str]) -> bool:
    if domain != HUGGING_FACE:
        return False
    if segments[:1] == ["spaces"]:
        return len(segments) >= 3
    return len(segments) >= 2 and segments[0] not in HUGGING_FACE_NON_MODEL_PATHS


def _in_domains(domain: str, domains: frozenset[str]) -> bool:
    """Return whether `domain` is one of `domains` or a subdomain of one."""
    labels = domain.split(".")
    return any(".".join(labels[start:]) in domains for start in range(len(labels)))


def _split(url: str) -> SplitResult | None:
    """Split `url`, or return None when urllib rejects it (an unbalanced IPv6 bracket)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _has_scheme(url: str) -> bool:
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) is not None


def _with_lower_scheme(url: str, scheme: str) -> str:
    return scheme.lower() + url[len(scheme) :] if scheme else url


def _canonical_host(host: str) -> str:
    """Return `host` in lower case and IDNA (punycode) form; a host IDNA rejects stays as written."""
    lowered = host.lower().rstrip(".")
    if lowered.isascii():
        return lowered
    try:
        return idna.encode(lowered, uts46=True).decode("ascii")
    except idna.IDNAError:
        # NOTE: a host that UTS 46 rejects cannot be looked up anyway; it is kept so the link stays visible.
        return lowered


def _canonical_netloc(parts: SplitResult, scheme: str, host: str) -> str:
    userinfo = parts.netloc.rpartition("@")[0]
    shown_host = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.lower()  # A port out of range: kept as written, so the mistake stays visible.
    netloc = shown_host if port is None or port == DEFAULT_PORTS[scheme] else f"{shown_host}:{port}"
    return f"{userinfo}@{netloc}" if userinfo else netloc


def _query_pieces(query: str) -> list[str]:
    return query.split("&") if query else []


def _parameter_name(piece: str) -> str:
    return piece.split("=", 1)[0]


def _is_tracking(piece: str, host: str) -> bool:
    name = _parameter_name(piece)
    if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
        return True
    if host in YOUTUBE_HOSTS or host == "youtu.be":
        return name in YOUTUBE_TRACKING_PARAMETERS
    if host in X_HOSTS or host in TWITTER_HOSTS:
        return name in X_TRACKING_PARAMETERS
    return False


def _site_rule(host: str, path: str, pieces: list[str]) -> str | None:
    """Return the canonical URL for YouTube short forms and arXiv papers, else None."""
    video_id = _youtube_video_id(host, path)
    if video_id is not None:
        kept = [piece for piece in pieces if not _is_tracking(piece, host)]
        return "https://www.youtube.com/watch?" + "&".join([f"v={video_id}", *kept])
    if host in ARXIV_HOSTS:
        match = _ARXIV_PATH.match(path)
        if match:
            kept = [piece for piece in pieces if not _is_tracking(piece, host)]
            query = "?" + "&".join(kept) if kept else ""
            return f"https://arxiv.org/abs/{match.group('id')}{query}"
    return None


def _youtube_video_id(host: str, path: str) -> str | None:
    if host == "youtu.be":
        match = _YOUTU_BE_PATH.match(path)
    elif host in YOUTUBE_HOSTS:
        match = _YOUTUBE_PATH.match(path)
    else:
        return None
    return match.group("id") if match else None
