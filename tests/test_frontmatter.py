"""Front matter: every accepted form, and the exact message for each mistake."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from distillm.dates import InvalidDate, to_aware_datetime

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 5, 1), datetime(2024, 5, 1, 0, 0, tzinfo=PARIS)),
        (datetime(2024, 5, 1, 9, 30), datetime(2024, 5, 1, 9, 30, tzinfo=PARIS)),
        (datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc), datetime(2024, 5, 1, 11, 30, tzinfo=PARIS)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=PARIS)),
        ("2024-05-01T09:30", datetime(2024, 5, 1, 9, 30, tzinfo=PARIS)),
        ("2024-05-01 09:30:15", datetime(2024, 5, 1, 9, 30, 15, tzinfo=PARIS)),
        ("2024-05-01T09:30:15.5", datetime(2024, 5, 1, 9, 30, 15, 500000, tzinfo=PARIS)),
        ("2024-05-01T07:30:00Z", datetime(2024, 5, 1, 9, 30, tzinfo=PARIS)),
        ("2024-05-01T09:30:00+02:00", datetime(2024, 5, 1, 9, 30, tzinfo=PARIS)),
        ("2024-05-01T09:30:00-0500", datetime(2024, 5, 1, 16, 30, tzinfo=PARIS)),
    ],
)
def test_date_forms_become_aware_in_site_zone(value, expected):
    result = to_aware_datetime(value, PARIS)
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("value", ["May 1st", "2024-13-01", "2024/05/01", "01-05-2024", "", 20240501, ["2024-05-01"]])
def test_invalid_date_forms_rejected(value):
    with pytest.raises(InvalidDate):
        to_aware_datetime(value, PARIS)


def test_mixed_date_forms_sort_together(site):
    site.settings('title = "T"\nbase_url = "https://example.org/"\ntimezone = "Asia/Tokyo"\n')
    # In Tokyo (UTC+9), 2024-04-30T16:00Z is 01:00 on May 1: later than the local midnight post.
    site.post("local-date", title="Local date", date="2024-05-01")
    site.post("offset", title="Offset", date="2024-04-30T16:00:00Z")
    site.post("quoted", title="Quoted", date='"2024-04-30T23:00:00+09:00"')
    site.write(
        "content/posts/yaml.md",
        "---\ntitle: YAML datetime\ndate: 2024-05-01 00:30:00\n---\nBody.\n",
    )
    result = site.build()
    assert result.returncode == 0, result.stderr
    titles = [a.get_text() for a in site.html("index.html").select(".post-summary h2 a")]
    assert titles == ["Offset", "YAML datetime", "Local date", "Quoted"]
    times = [t["datetime"] for t in site.html("index.html").select(".post-summary time")]
    assert times == [
        "2024-05-01T01:00:00+09:00",
        "2024-05-01T00:30:00+09:00",
        "2024-05-01T00:00:00+09:00",
        "2024-04-30T23:00:00+09:00",
    ]


def test_yaml_front_matter_read_like_toml(site):
    site.write(
        "content/posts/from-jekyll.md",
        """\
        ---
        title: "From Jekyll: a post"
        date: 2023-11-02
        tags: [Python, Tools]
        description: Brought over from Jekyll
        ---
        Body text.
        """,
    )
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.html("posts/from-jekyll/index.html")
    assert page.find("h1").get_text() == "From Jekyll: a post"
    assert page.find("time")["datetime"] == "2023-11-02T00:00:00+00:00"
    assert page.find("meta", attrs={"name": "description"})["content"] == "Brought over from Jekyll"
    assert [a["href"] for a in page.select(".tag-list a")] == ["/tags/python/", "/tags/tools/"]


def test_byte_order_mark_and_crlf_accepted(site):
    site.write_bytes(
        "content/posts/windows.md",
        b'\xef\xbb\xbf+++\r\ntitle = "Saved on Windows"\r\ndate = 2024-01-02\r\n+++\r\n\r\nLine one\r\nline two.\r\n',
    )
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.html("posts/windows/index.html")
    assert page.find("h1").get_text() == "Saved on Windows"
    assert page.select_one(".content p").get_text() == "Line one\nline two."


def test_keys_ignore_case_as_in_hugo(site):
    site.write(
        "content/posts/camel.md",
        '+++\nTitle = "Camel case"\nDate = 2024-01-02\nTags = "solo"\nDraft = false\nexpiryDate = 2999-01-01\n+++\nBody.\n',
    )
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.html("posts/camel/index.html")
    assert page.find("h1").get_text() == "Camel case"
    assert [a.get_text() for a in page.select(".tag-list a")] == ["#solo"]


def test_unknown_keys_kept_in_params(site):
    site.write("templates/partials/tag_list.html", "<p class=\"series\">{{ post.params.series }}</p>\n")
    site.post("with-params", series='"Digests"', toc="false")
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.html("posts/with-params/index.html")
    assert page.select_one(".series").get_text() == "Digests"
    assert "warning" not in result.stderr


def test_misspelled_key_warns_with_suggestion(site):
    path = site.write("content/posts/typo.md", '+++\ntitle = "T"\ndate = 2024-01-02\ntagz = ["a"]\n+++\n')
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert f'{path}:4: warning: unknown front-matter key "tagz"; did you mean "tags"? It is kept in params' in result.stderr


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": error: " in line]


CASES = [
    (
        "broken-toml",
        '+++\ntitle = "T"\ndescription = "unterminated\ndate = 2024-01-02\n+++\n',
        ["{path}:3:28: error: invalid TOML: unterminated string; close the quote on the same line"],
    ),
    (
        "bad-value",
        '+++\ntitle = "T"\ndate = 2024-01-02\nsummary = yes\n+++\n',
        ['{path}:4:11: error: invalid TOML: invalid value; quote strings ("...") and write dates as 2024-05-01'],
    ),
    (
        "unterminated-last-line",
        '+++\ndate = 2024-01-02\ntitle = "T\n+++\n',
        ["{path}:3:11: error: invalid TOML: unterminated string; close the quote on the same line"],
    ),
    (
        "impossible-date",
        '+++\ntitle = "T"\ndate = 2026-13-45\n+++\n',
        ['{path}:3:8: error: invalid date "2026-13-45"; write dates as 2024-05-01 or 2024-05-01T09:00:00+02:00'],
    ),
    (
        "date-with-slashes",
        '+++\ntitle = "T"\ndate   =   2026/12/01 # first of December\n+++\n',
        ['{path}:3:12: error: invalid date "2026/12/01"; write dates as 2024-05-01 or 2024-05-01T09:00:00+02:00'],
    ),
    (
        "date-then-text",
        '+++\ntitle = "T"\ndate = 2024-05-01 noon\n+++\n',
        ["{path}:3:19: error: invalid TOML: unexpected text after a value; put one key = value on each line, and quote strings"],
    ),
    (
        "repeated-key",
        '+++\ntitle = "T"\ndate = 2024-01-02\ntitle = "U"\n+++\n',
        ["{path}:4:1: error: invalid TOML: repeated key; keep only one of the two values"],
    ),
    (
        "broken-yaml",
        "---\ntitle: T\ndate: 2024-01-02\ntags: [a, b\n---\n",
        ["{path}:5:1: error: invalid YAML: did not find expected ',' or ']'; check the indentation, and quote values that contain ': '"],
    ),
    (
        "unterminated-yaml-string",
        '---\ntitle: "DistiLLM 04\ndate: 2024-01-02\n---\n',
        ["{path}:2:8: error: invalid YAML: unterminated string; close the quote"],
    ),
    (
        "unclosed",
        '+++\ntitle = "T"\ndate = 2024-01-02\n\nBody without the closing line.\n',
        ["{path}:1:1: error: front matter opened with +++ is not closed; add a +++ line after its last key"],
    ),
    (
        "no-front-matter",
        "Just a body.\n",
        ['{path}:1: error: missing front matter; start the file with a +++ line, then title = "..." and date = 2024-05-01, then +++'],
    ),
    (
        "not-a-table",
        "---\n- a\n- b\n---\n",
        ["{path}:2: error: front matter must be a table of keys and values, got [\"a\", \"b\"]"],
    ),
    (
        "missing-title",
        "+++\ndate = 2024-01-02\n+++\n",
        ['{path}:1: error: missing title in front matter; add title = "..."'],
    ),
    (
        "missing-date",
        '+++\ntitle = "T"\n+++\n',
        ["{path}:1: error: missing date in front matter; add date = 2024-05-01"],
    ),
    (
        "wrong-types",
        '+++\ntitle = 3\ndate = 2024-01-02\ntags = 3\ndraft = "yes"\naliases = [1]\n+++\n',
        [
            "{path}:2:9: error: title must be a string, got 3; quote the value",
            '{path}:4:8: error: tags must be a list of strings, got 3; write a list such as ["nlp", "llm"]',
            '{path}:5:9: error: draft must be true or false, got "yes"; write true or false, unquoted',
            '{path}:6:11: error: aliases must be a list of strings, got [1]; write a list such as ["nlp", "llm"]',
        ],
    ),
    (
        "wrong-types-yaml",
        "---\ntitle: T\ndate: 2024-01-02\ndraft:   maybe\ntags:\n  - [a]\n---\n",
        [
            '{path}:4:10: error: draft must be true or false, got "maybe"; write true or false, unquoted',
            # The value starts on the next line, so only the key's line is known.
            '{path}:5: error: tags must be a list of strings, got [["a"]]; write a list such as ["nlp", "llm"]',
        ],
    ),
    (
        "bad-date",
        '+++\ntitle = "T"\ndate = "May 1st, 2024"\n+++\n',
        [
            '{path}:3:8: error: date must be a date, got "May 1st, 2024"; '
            "write 2024-05-01, 2024-05-01T09:30:00 or 2024-05-01T09:30:00+02:00"
        ],
    ),
    (
        "time-only",
        '+++\ntitle = "T"\ndate = 09:30:00\n+++\n',
        ['{path}:3:8: error: date must be a date, got time; write 2024-05-01, 2024-05-01T09:30:00 or 2024-05-01T09:30:00+02:00'],
    ),
    (
        "empty-title",
        '+++\ntitle = "  "\ndate = 2024-01-02\n+++\n',
        ["{path}:2: error: title is empty; write the post's title, as in title = \"...\""],
    ),
    (
        "twice-by-case",
        '+++\ntitle = "T"\nTitle = "U"\ndate = 2024-01-02\n+++\n',
        ['{path}:2: error: "title" is set twice (keys ignore case); keep one of them'],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_front_matter_error_messages(site, name, text, expected):
    path = site.write(f"content/posts/{name}.md", text, dedent=False)
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [line.format(path=path) for line in expected]
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == f"error: build failed with {len(expected)} error{'s' if len(expected) > 1 else ''}"


def test_every_file_error_listed_in_one_build(site):
    first = site.write("content/posts/a.md", '+++\ntitle = "A"\n+++\n')
    second = site.write("content/posts/b.md", "+++\ndate = 2024-01-01\n+++\n")
    site.post("fine")
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [
        f"{first}:1: error: missing date in front matter; add date = 2024-05-01",
        f'{second}:1: error: missing title in front matter; add title = "..."',
    ]


def test_empty_file_error(site):
    path = site.write("content/posts/empty.md", "\n  \n")
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [f"{path}: error: empty file; add front matter with title and date, or delete the file"]


def test_invalid_utf8_names_byte_offset(site):
    data = b'+++\ntitle = "Caf\xe9"\ndate = 2024-01-02\n+++\n'
    path = site.write_bytes("content/posts/latin1.md", data)
    result = site.build()
    assert result.returncode == 1
    offset = data.index(b"\xe9")
    assert _errors(result) == [f"{path}: error: not valid UTF-8 at byte {offset}; re-save the file as UTF-8"]


def test_nul_byte_located(site):
    path = site.write_bytes("content/posts/nul.md", b'+++\ntitle = "T"\ndate = 2024-01-02\n+++\nab\x00c\n')
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [f"{path}:5:3: error: NUL byte in a text file; remove it, or re-save the file as UTF-8 text"]


def test_utf16_file_named(site):
    path = site.write_bytes("content/posts/utf16.md", '+++\ntitle = "T"\n+++\n'.encode("utf-16"))
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [f"{path}: error: the file is saved as UTF-16; re-save it as UTF-8"]


def test_two_posts_with_one_url(site):
    first = site.post("first", title="First")
    second = site.post("second", title="Second", slug='"first"')
    result = site.build()
    assert result.returncode == 1
    assert _errors(result) == [
        f"{second}:4: error: URL /posts/first/ is also the URL of {first}; give one of them another slug"
    ]


def test_pages_do_not_need_a_date(site):
    site.write("content/about.md", '+++\ntitle = "About"\n+++\nWho writes this.\n')
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert site.html("about/index.html").find("h1").get_text() == "About"


def test_local_times_take_offset_of_their_day():
    winter = to_aware_datetime("2024-03-31T01:30:00", PARIS)
    summer = to_aware_datetime("2024-03-31T03:30:00", PARIS)
    assert winter.utcoffset() == timedelta(hours=1)
    assert summer.utcoffset() == timedelta(hours=2)
