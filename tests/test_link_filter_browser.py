"""The link filter script in headless Chromium, against a site served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from conftest import REPO_ROOT, run_distillm

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *arguments: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[dict]]]:
    output = tmp_path_factory.mktemp("browser") / "public"
    result = run_distillm("build", "--source", str(REPO_ROOT), "--output", str(output))
    assert result.returncode == 0, result.stderr
    links = json.loads(run_distillm("links", "--source", str(REPO_ROOT)).stdout)
    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", links
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def rendered_dom(url: str) -> BeautifulSoup:
    """Load `url` in headless Chromium and return the DOM after its scripts ran."""
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return BeautifulSoup(result.stdout, "html.parser")


def visible_items(soup: BeautifulSoup) -> list:
    return [item for item in soup.select("li.link-item") if not item.has_attr("hidden")]


def test_filter_shows_after_script(served):
    base, links = served
    soup = rendered_dom(f"{base}/links/2024-04/")
    form = soup.select_one("form.link-filter")
    assert not form.has_attr("hidden")
    april = [link for link in links if link["period"] == "2024-04"]
    assert len(visible_items(soup)) == len(april)
    kinds = [option["value"] for option in form.select("select[name=kind] option") if option["value"]]
    assert kinds == sorted({link["kind"] for link in april})


def test_filter_by_kind_and_text(served):
    base, links = served
    soup = rendered_dom(f"{base}/links/2024-04/?kind=model&text=instruct")
    shown = visible_items(soup)
    expected = [
        link for link in links
        if link["period"] == "2024-04" and link["kind"] == "model" and "instruct" in link["title"].lower()
    ]
    # The page lists the newest day first, the export follows the post, so the order differs.
    assert sorted(item.select_one("a.link-title").get_text() for item in shown) == sorted(link["title"] for link in expected)
    shown_days = [day.h2.time["datetime"] for day in soup.select("section.link-day") if not day.has_attr("hidden")]
    assert sorted(shown_days) == sorted({link["date"] for link in expected})
    total = len([link for link in links if link["period"] == "2024-04"])
    assert soup.select_one(".link-filter-count").get_text() == f"{len(expected)} of {total} links shown"


def test_filter_by_domain(served):
    base, links = served
    soup = rendered_dom(f"{base}/links/undated/?domain=github.com")
    shown = visible_items(soup)
    assert {item["data-domain"] for item in shown} == {"github.com"}
    assert len(shown) == len([link for link in links if link["period"] is None and link["domain"] == "github.com"])
