"""Settings: where they come from, and the message for each mistake."""

from __future__ import annotations

import pytest

from conftest import run_distillm


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": error: " in line]


def test_settings_from_pyproject(site):
    (site.root / "distillm.toml").unlink()
    site.write(
        "pyproject.toml",
        """\
        [project]
        name = "my-blog"

        [tool.distillm]
        title = "From pyproject"
        base_url = "https://example.org/blog"
        paginate = 2
        """,
    )
    for number in range(3):
        site.post(f"post-{number}", title=f"Post {number}", date=f"2024-01-0{number + 1}")
    result = site.build()
    assert result.returncode == 0, result.stderr
    home = site.html("index.html")
    assert home.find("title").get_text() == "From pyproject"
    assert home.find("link", rel="canonical")["href"] == "https://example.org/blog/"
    assert (site.output / "page" / "2" / "index.html").is_file()


def test_settings_in_both_places_rejected(site):
    site.write("pyproject.toml", '[tool.distillm]\ntitle = "Other"\nbase_url = "https://example.org/"\n')
    result = site.build()
    assert result.returncode == 1
    own = site.root / "distillm.toml"
    assert _errors(result) == [
        f"{own}: error: settings found both here and in [tool.distillm] of {site.root / 'pyproject.toml'}; keep one of them"
    ]


def test_missing_settings_explained(tmp_path):
    result = run_distillm("build", "--source", str(tmp_path))
    assert result.returncode == 1
    assert _errors(result) == [
        f"{tmp_path}: error: no site settings found; add a [tool.distillm] table to pyproject.toml "
        "or create distillm.toml, with title and base_url"
    ]


def test_every_settings_problem_listed(site):
    path = site.settings(
        'title = 3\npaginte = 5\ntimezone = "Europe/Pari"\nlanguage = "English!"\n'
        'feed_content = "everything"\ncname = "https://blog.example.org"\npaginate = 0\n'
    )
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [
        f'{path}:2: error: unknown setting "paginte"; did you mean "paginate"?',
        f'{path}:1: error: missing setting "base_url" in distillm.toml; add base_url = "..."',
        f"{path}:1:9: error: title must be a string, got 3",
        f'{path}:4:12: error: language must be a language tag such as "en" or "pt-BR", got "English!"',
        f'{path}:3:12: error: timezone is not a known time zone: "Europe/Pari"; did you mean "Europe/Paris"?',
        f"{path}:7:12: error: paginate must be a whole number of 1 or more, got 0",
        f'{path}:5:16: error: feed_content must be "full" or "summary", got "everything"',
        f'{path}:6:9: error: cname must be a domain name such as "blog.example.org", without https:// or a path, '
        'got "https://blog.example.org"',
    ]


def test_settings_toml_syntax_error_located(site):
    path = site.settings('title = "Unclosed\nbase_url = "https://example.org/"\n')
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [f"{path}:1:18: error: invalid TOML: unterminated string; close the quote on the same line"]


@pytest.mark.parametrize(
    "base_url", ["example.org", "ftp://example.org/", "https://example.org/?x=1", "/blog/"]
)
def test_invalid_base_url_setting(site, base_url):
    path = site.settings(f'title = "T"\nbase_url = "{base_url}"\n')
    result = site.build()
    assert result.returncode == 1
    assert len(_errors(result)) == 1
    assert _errors(result)[0].startswith(f"{path}:2:12: error: base_url must")
    assert _errors(result)[0].endswith(f', got "{base_url}"')


def test_base_url_flag_replaces_setting(site):
    site.post("one")
    result = site.build("--base-url", "https://user.github.io/blog")
    assert result.returncode == 0, result.stderr
    page = site.html("posts/one/index.html")
    assert page.find("link", rel="canonical")["href"] == "https://user.github.io/blog/posts/one/"
    assert page.select_one(".site-title")["href"] == "/blog/"


def test_invalid_base_url_flag_is_usage_error(site):
    result = site.build("--base-url", "not a url")
    assert result.returncode == 2
    assert "argument --base-url: must be an absolute http(s) URL" in result.stderr


def test_params_table_reaches_templates(site):
    site.settings('title = "T"\nbase_url = "https://example.org/"\n[params]\nmastodon = "@me@example.social"\n')
    site.write("templates/partials/footer.html", '<footer><p id="handle">{{ site.params.mastodon }}</p></footer>\n')
    site.post("one")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert site.html("index.html").find(id="handle").get_text() == "@me@example.social"
