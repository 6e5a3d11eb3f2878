"""Template overrides and template errors."""

from __future__ import annotations


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": error: " in line]


def test_site_template_overrides_theme_file(site):
    site.post("one", title="Overridden")
    site.write(
        "templates/post.html",
        """\
        {% extends "base.html" %}
        {% block content %}<h1 class="custom">{{ post.title | upper }}</h1>{% endblock %}
        """,
    )
    assert site.build().returncode == 0
    page = site.html("posts/one/index.html")
    assert page.select_one("h1.custom").get_text() == "OVERRIDDEN"
    # The rest of the theme is still the default one.
    assert page.select_one(".site-header .site-title").get_text() == "Test Digest"
    assert site.html("index.html").select_one(".post-summary") is not None


def test_override_can_extend_the_theme_file_it_replaces(site):
    site.post("one")
    site.write(
        "templates/base.html",
        """\
        {% extends "theme/base.html" %}
        {% block head %}<meta name="author-note" content="extended">{% endblock %}
        """,
    )
    assert site.build().returncode == 0
    page = site.html("posts/one/index.html")
    assert page.find("meta", attrs={"name": "author-note"})["content"] == "extended"
    assert page.find("h1").get_text() == "A post"


def test_partial_override(site):
    site.post("one")
    site.write("templates/partials/footer.html", '<footer class="site-footer"><p>My own footer</p></footer>\n')
    assert site.build().returncode == 0
    assert site.html("index.html").select_one(".site-footer p").get_text() == "My own footer"


def test_undefined_variable_names_template_line(site):
    site.post("one")
    template = site.write(
        "templates/post.html",
        '{% extends "base.html" %}\n{% block content %}\n<h1>{{ post.title }}</h1>\n<p>{{ post.subtitle }}</p>\n{% endblock %}\n',
    )
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [
        f"{template}:4: error: template error while rendering /posts/one/: "
        "'distillm.model.Post object' has no attribute 'subtitle'; fix the template"
    ]
    assert "Traceback" not in result.stderr


def test_undefined_name_in_partial_names_partial(site):
    site.post("one")
    partial = site.write("templates/partials/footer.html", "<footer>\n{{ copyright_year }}\n</footer>\n")
    result = site.build()
    assert result.returncode == 1
    assert _errors(result)[0].startswith(f"{partial}:2: error: template error while rendering ")
    assert _errors(result)[0].endswith("'copyright_year' is undefined; fix the template")


def test_template_syntax_error_names_line(site):
    site.post("one")
    template = site.write("templates/tags.html", "{% extends 'base.html' %}\n{% block content %}\n{% for tag in tags %}\n{% endblock %}\n")
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [
        f"{template}:4: error: template syntax error: Encountered unknown tag 'endblock'. You probably made a "
        "nesting mistake. Jinja is expecting this tag, but currently looking for 'endfor' or 'else'. "
        "The innermost block that needs to be closed is 'for'; fix the template"
    ]


def test_missing_included_template_named(site):
    site.post("one")
    site.write("templates/post.html", "{% include 'partials/nowhere.html' %}\n")
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [
        f"{site.root / 'templates'}: error: template \"partials/nowhere.html\" not found in templates/ "
        "or the default theme; check the name in {% extends %} or {% include %}"
    ]


def test_autoescape_in_site_templates(site):
    site.post("one", title="Fish & <Chips>")
    site.write("templates/post.html", "<p id='t'>{{ post.title }}</p>\n")
    assert site.build().returncode == 0
    raw = (site.output / "posts/one/index.html").read_text()
    assert raw == "<p id='t'>Fish &amp; &lt;Chips&gt;</p>\n"
