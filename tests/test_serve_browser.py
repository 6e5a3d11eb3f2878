"""Live reload in a real browser: headless Chromium, driven by Playwright, on `distillm serve`.

The tests only edit files on disk; every reload they see, the page made by
itself. Playwright launches Debian's Chromium by path and downloads nothing.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from browser import CHROMIUM_FLAGS, chromium_path
from conftest import SiteFolder
from serving import ServeProcess

RELOAD_TIMEOUT_MS = 2000
"""An edit must show in the open page within this time."""
RESTART_TIMEOUT_MS = 15000


def post_text(title: str, body: str = "A body.\n") -> str:
    return f'+++\ntitle = "{title}"\ndate = 2024-05-01\ntags = ["nlp"]\n+++\n{body}'


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def write_post(site: SiteFolder, title: str, body: str = "A body.\n") -> None:
    site.write("content/posts/live.md", post_text(title, body), dedent=False)


def open_post(page: Page, server: ServeProcess) -> None:
    page.goto(server.url + "posts/live/")
    # Edits made before the page listens would go unseen, so wait for its first status event.
    page.wait_for_selector("html[data-distillm-live=connected]", state="attached")


def test_edited_title_shows_without_navigation(page, site):
    write_post(site, "Before")
    with ServeProcess(site.root) as server:
        open_post(page, server)
        expect(page.locator("h1")).to_have_text("Before")
        write_post(site, "After")
        expect(page.locator("h1")).to_have_text("After", timeout=RELOAD_TIMEOUT_MS)


def test_broken_front_matter_shows_overlay_until_fixed(page, site):
    write_post(site, "Working")
    with ServeProcess(site.root) as server:
        open_post(page, server)
        site.write("content/posts/live.md", '+++\ntitle = "Unclosed\ndate = 2024-05-01\n+++\nBody.\n', dedent=False)
        errors = page.locator("#distillm-overlay .distillm-errors li")
        expect(errors).to_have_count(1, timeout=RELOAD_TIMEOUT_MS)
        text = errors.first.inner_text()
        assert text.startswith("content/posts/live.md:2:") or "/content/posts/live.md:2:" in text, text
        assert "error: invalid TOML" in text
        expect(page.locator("h1")).to_have_text("Working")

        write_post(site, "Fixed")
        expect(page.locator("h1")).to_have_text("Fixed", timeout=RELOAD_TIMEOUT_MS)
        expect(page.locator("#distillm-overlay")).to_have_count(0)


def test_stylesheet_change_swaps_without_reload(page, site):
    write_post(site, "Styled")
    site.write("static/css/style.css", "body { background-color: rgb(1, 2, 3); }\n")
    with ServeProcess(site.root) as server:
        open_post(page, server)
        page.evaluate("window.loadedOnce = 'still here'")
        background = "getComputedStyle(document.body).backgroundColor"
        assert page.evaluate(background) == "rgb(1, 2, 3)"
        site.write("static/css/style.css", "body { background-color: rgb(4, 5, 6); }\n")
        page.wait_for_function(f"{background} === 'rgb(4, 5, 6)'", timeout=RELOAD_TIMEOUT_MS)
        assert page.evaluate("window.loadedOnce") == "still here"


def test_sub_path_base_url_reloads(page, site):
    site.settings('title = "Sub-path"\nbase_url = "https://user.github.io/blog/"\n')
    write_post(site, "Under a path")
    with ServeProcess(site.root) as server:
        assert urlsplit(server.url).path == "/blog/"
        open_post(page, server)
        expect(page.locator("h1")).to_have_text("Under a path")
        write_post(site, "Still under a path")
        expect(page.locator("h1")).to_have_text("Still under a path", timeout=RELOAD_TIMEOUT_MS)


def test_overlay_lists_warnings_and_skipped_posts(page, site):
    write_post(site, "With links", "- [Evals](https://eugeneyan.com/writing/evals/)\n")
    site.post("older", title="Older", date="2024-04-01", body="- [Evals](https://eugeneyan.com/writing/evals/)\n")
    site.post("unfinished", title="Unfinished", date="2024-04-15", draft="true")
    with ServeProcess(site.root) as server:
        open_post(page, server)
        overlay = page.locator("#distillm-overlay")
        expect(overlay.locator("summary")).to_have_text("1 warning, 1 skipped post")
        overlay.locator("summary").click()
        warning = overlay.locator(".distillm-warnings li").first.inner_text()
        assert "content/posts/live.md:6: warning: link already in" in warning
        skipped = overlay.locator(".distillm-skipped li").first.inner_text()
        assert skipped.endswith("content/posts/unfinished.md: draft (draft = true)")
        expect(overlay.locator(".distillm-errors")).to_have_count(0)


def test_page_reconnects_after_restart(page, site):
    write_post(site, "First run")
    with ServeProcess(site.root) as first_run:
        open_post(page, first_run)
        port = urlsplit(first_run.url).port
    write_post(site, "Second run")
    time.sleep(0.5)  # The page keeps trying to reconnect meanwhile.
    with ServeProcess(site.root, port=port):
        expect(page.locator("h1")).to_have_text("Second run", timeout=RESTART_TIMEOUT_MS)
