"""`distillm links`: JSON, CSV and Netscape bookmark exports through the real command."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone
from html.parser import HTMLParser

from conftest import REPO_ROOT, run_distillm

COLUMNS = ["url", "canonical_url", "title", "date", "period", "section", "parent", "post", "domain", "kind", "line"]


class BookmarkParser(HTMLParser):
    """Collect the folders and bookmarks of a Netscape bookmark file."""

    def __init__(self) -> None:
        super().__init__()
        self.bookmarks: list[dict[str, str]] = []
        self.folders: list[str] = []
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.bookmarks.append({name: value or "" for name, value in attrs} | {"text": ""})
            self._inside = "a"
        elif tag == "h3":
            self.folders.append("")
            self._inside = "h3"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "h3"):
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside == "a":
            self.bookmarks[-1]["text"] += data
        elif self._inside == "h3":
            self.folders[-1] += data


def export(*arguments: str, cwd=None):
    result = run_distillm("links", *arguments, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result


def bundled_json() -> list[dict]:
    return json.loads(export("--source", str(REPO_ROOT)).stdout)


def test_json_is_default_with_exact_keys():
    records = bundled_json()
    assert len(records) == 55
    for record in records:
        assert list(record) == COLUMNS


def test_json_values_of_one_link():
    records = bundled_json()
    record = next(r for r in records if r["url"] == "https://arxiv.org/abs/1908.10084")
    assert record == {
        "url": "https://arxiv.org/abs/1908.10084",
        "canonical_url": "https://arxiv.org/abs/1908.10084",
        "title": "[1908.10084] Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks",
        "date": "2024-04-07",
        "period": "2024-04",
        "section": "What happened in April 2024?",
        "parent": "https://sbert.net/",
        "post": "distillm-03",
        "domain": "arxiv.org",
        "kind": "paper",
        "line": 18,
    }


def test_json_nulls():
    records = bundled_json()
    internal = next(r for r in records if r["kind"] == "internal")
    assert internal["date"] is None
    assert internal["period"] is None
    assert internal["parent"] is None
    assert internal["domain"] is None


def test_csv_matches_json():
    records = bundled_json()
    rows = list(csv.reader(io.StringIO(export("--source", str(REPO_ROOT), "--format", "csv").stdout)))
    assert rows[0] == COLUMNS
    assert len(rows) == len(records) + 1
    for row, record in zip(rows[1:], records):
        expected = ["" if record[column] is None else str(record[column]) for column in COLUMNS]
        assert row == expected


def test_netscape_has_one_anchor_per_link():
    records = bundled_json()
    text = export("--source", str(REPO_ROOT), "--format", "netscape").stdout
    assert text.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n")
    parser = BookmarkParser()
    parser.feed(text)
    parser.close()
    assert len(parser.bookmarks) == len(records)
    assert [bookmark["href"] for bookmark in parser.bookmarks] == [r["canonical_url"] for r in records]
    assert [bookmark["text"] for bookmark in parser.bookmarks] == [r["title"] or r["url"] for r in records]
    assert [bookmark["tags"] for bookmark in parser.bookmarks] == [r["kind"] for r in records]
    assert parser.folders == ["DistiLLM 03"]


def test_netscape_add_date_from_link_date():
    records = bundled_json()
    parser = BookmarkParser()
    parser.feed(export("--source", str(REPO_ROOT), "--format", "netscape").stdout)
    for bookmark, record in zip(parser.bookmarks, records):
        day = date.fromisoformat(record["date"]) if record["date"] else date(2024, 5, 1)
        expected = datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()
        assert int(bookmark["add_date"]) == expected


def test_netscape_folder_per_post_escaped(site):
    site.post("a", title="Tools & <Tricks>", date="2024-04-01", body="- [A & B](https://a.example/?x=1&y=2)\n")
    site.post("b", title="Second", date="2024-05-01", body="- [C](https://c.example/)\n")
    site.post("c", title="Empty", date="2024-06-01", body="No links.\n")
    parser = BookmarkParser()
    parser.feed(export("--source", str(site.root), "--format", "netscape").stdout)
    assert parser.folders == ["Second", "Tools & <Tricks>"]
    assert parser.bookmarks[1]["href"] == "https://a.example/?x=1&y=2"
    assert parser.bookmarks[1]["text"] == "A & B"


def test_output_file(site, tmp_path):
    site.post("a", body="- [A](https://a.example/)\n")
    target = tmp_path / "links.json"
    result = export("--source", str(site.root), "--output", str(target))
    assert result.stdout == ""
    assert result.stderr.strip() == f"Wrote 1 link to {target}"
    assert json.loads(target.read_text(encoding="utf-8"))[0]["url"] == "https://a.example/"


def test_output_folder_missing(site, tmp_path):
    site.post("a", body="- [A](https://a.example/)\n")
    target = tmp_path / "missing" / "links.csv"
    result = run_distillm("links", "--source", str(site.root), "--format", "csv", "--output", str(target))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: cannot write {target}: No such file or directory; choose another --output"
    assert "Traceback" not in result.stderr


def test_unknown_format_is_usage_error(site):
    result = run_distillm("links", "--source", str(site.root), "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_content_error_exits_1(site):
    site.write("content/posts/bad.md", "+++\ntitle = 3\ndate = 2024-05-01\n+++\n- [A](https://a.example/)\n")
    result = run_distillm("links", "--source", ".", cwd=site.root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "content/posts/bad.md:2:9: error: title must be a string, got 3; quote the value"
    assert result.stdout == ""


def test_duplicate_warnings_on_stderr(site):
    site.post("a", date="2024-04-01", body="- [A](https://a.example/)\n")
    site.post("b", date="2024-05-01", body="- [A](https://a.example/)\n")
    result = export("--source", ".", cwd=site.root)
    assert result.stderr.splitlines() == [
        "content/posts/b.md:5: warning: link already in content/posts/a.md:5 (https://a.example/)"
    ]
    assert [record["post"] for record in json.loads(result.stdout)] == ["b", "a"]
