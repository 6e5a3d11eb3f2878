"""The default theme in a real browser: readable on a phone, dark on request."""

from __future__ import annotations

import json

import pytest

from browser import dump_dom, serve_folder
from conftest import REPO_ROOT, run_distillm

PAGES = ["", "posts/", "posts/distillm-03/", "tags/", "tags/nlp/", "404.html"]
PHONE_WIDTH = 360

# Loads each page in an iframe of a phone's width and records what the browser computed.
HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harness</title></head><body>
<iframe id="frame" width="%(width)d" height="700" src="%(page)s"></iframe>
<pre id="result"></pre>
<script>
document.getElementById("frame").addEventListener("load", function () {
  var frame = document.getElementById("frame");
  var doc = frame.contentDocument;
  var style = frame.contentWindow.getComputedStyle(doc.body);
  document.getElementById("result").textContent = JSON.stringify({
    scrollWidth: doc.documentElement.scrollWidth,
    clientWidth: doc.documentElement.clientWidth,
    dark: frame.contentWindow.matchMedia("(prefers-color-scheme: dark)").matches,
    background: style.backgroundColor,
    color: style.color,
    fontSize: parseFloat(style.fontSize)
  });
});
</script></body></html>
"""


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    output = tmp_path_factory.mktemp("browser") / "public"
    result = run_distillm("build", "--source", str(REPO_ROOT), "--output", str(output))
    assert result.returncode == 0, result.stderr
    with serve_folder(output) as root_url:
        yield output, root_url


def _measure(served_site, page: str, *flags: str) -> dict:
    output, root_url = served_site
    harness = output / f"harness-{page.replace('/', '_') or 'home'}.html"
    harness.write_text(HARNESS % {"width": PHONE_WIDTH, "page": "/" + page}, encoding="utf-8")
    dom = dump_dom(root_url + harness.name, *flags)
    text = dom.find(id="result").get_text()
    assert text, "the harness recorded nothing"
    return json.loads(text)


def _luminance(css_color: str) -> float:
    red, green, blue = (int(part) for part in css_color[css_color.index("(") + 1 : -1].split(",")[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


@pytest.mark.parametrize("page", PAGES)
def test_no_horizontal_scroll_on_phone(served_site, page):
    measured = _measure(served_site, page)
    assert measured["clientWidth"] <= PHONE_WIDTH
    assert measured["scrollWidth"] <= measured["clientWidth"], measured
    assert measured["fontSize"] >= 16


def test_light_scheme_by_default(served_site):
    measured = _measure(served_site, "posts/distillm-03/")
    assert measured["dark"] is False
    assert _luminance(measured["background"]) > 0.9
    assert _luminance(measured["color"]) < 0.3


def test_dark_scheme_when_preferred(served_site):
    measured = _measure(served_site, "posts/distillm-03/", "--force-dark-mode")
    assert measured["dark"] is True
    assert _luminance(measured["background"]) < 0.15
    assert _luminance(measured["color"]) > 0.8
