"""The output folder: replaced only by a whole successful build, never over foreign files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest


def _snapshot(folder: Path) -> dict[str, str]:
    """Return every file under `folder` with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_failed_build_leaves_previous_output_untouched(site):
    site.post("kept", title="Kept")
    assert site.build().returncode == 0
    before = _snapshot(site.output)

    site.post("kept", title="Changed")
    site.write("content/posts/broken.md", '+++\ntitle = "Broken\n+++\n')
    result = site.build()
    assert result.returncode == 1
    assert _snapshot(site.output) == before
    assert sorted(p.name for p in site.root.iterdir()) == [".distillm-cache", "content", "distillm.toml", "public"]


def test_template_error_leaves_previous_output_untouched(site):
    site.post("kept")
    assert site.build().returncode == 0
    before = _snapshot(site.output)
    site.write("templates/post.html", "{% extends 'base.html' %}{% block content %}{{ post.nope }}{% endblock %}\n")
    assert site.build().returncode == 1
    assert _snapshot(site.output) == before


def test_deleted_and_renamed_posts_disappear(site):
    site.post("old-name", title="Old", tags='["gone"]')
    site.post("stays", title="Stays")
    assert site.build().returncode == 0
    assert "posts/old-name/index.html" in site.output_files()
    assert "tags/gone/index.html" in site.output_files()

    (site.root / "content/posts/old-name.md").unlink()
    site.post("new-name", title="New")
    assert site.build().returncode == 0
    files = site.output_files()
    assert "posts/old-name/index.html" not in files
    assert "tags/gone/index.html" not in files
    assert "posts/new-name/index.html" in files
    assert "posts/stays/index.html" in files


def test_refuses_output_with_foreign_files(site):
    site.post("one")
    site.write("public/notes.txt", "my notes")
    site.write("public/drafts/plan.md", "plan")
    result = site.build()
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{site.output}: error: the output folder holds files distillm did not write "
        "(drafts/plan.md, notes.txt); move them away or choose another --output"
    )
    assert (site.output / "notes.txt").read_text() == "my notes"


def test_refuses_file_added_after_a_build(site):
    site.post("one")
    assert site.build().returncode == 0
    site.write("public/CNAME-by-hand", "blog.example.org")
    result = site.build()
    assert result.returncode == 1
    assert "(CNAME-by-hand)" in result.stderr
    assert (site.output / "CNAME-by-hand").is_file()


def test_lists_first_five_foreign_files(site):
    site.post("one")
    for number in range(7):
        site.write(f"public/file{number}.txt", "x")
    result = site.build()
    assert "(file0.txt, file1.txt, file2.txt, file3.txt, file4.txt and 2 more)" in result.stderr


def test_empty_existing_output_folder_accepted(site):
    site.post("one")
    site.output.mkdir()
    assert site.build().returncode == 0


@pytest.mark.parametrize("output", [".", "content", "content/posts/out", "static", ".."])
def test_refuses_output_overlapping_sources(site, output):
    site.post("one")
    site.write("static/robots.txt", "User-agent: *\n")
    before = _snapshot(site.root)
    result = site.build("--output", str(site.root / output))
    assert result.returncode == 1
    assert "error: the output folder overlaps the site's sources" in result.stderr
    assert _snapshot(site.root) == before


def test_build_writes_only_output_folder(site, tmp_path):
    site.post("one")
    outside = tmp_path / "elsewhere" / "site-out"
    before = _snapshot(site.root)
    result = site.build("--output", str(outside))
    assert result.returncode == 0, result.stderr
    # Besides the output folder, a build writes only its cache, beside the sources.
    after = _snapshot(site.root)
    assert {name: digest for name, digest in after.items() if not name.startswith(".distillm-cache/")} == before
    assert sorted(name for name in after if name.startswith(".distillm-cache/")) == [".distillm-cache/posts.sqlite"]
    assert sorted(p.name for p in outside.parent.iterdir()) == ["site-out"]


def test_static_files_copied_to_root(site):
    site.post("one")
    site.write("static/robots.txt", "User-agent: *\n")
    site.write_bytes("static/images/logo.png", b"\x89PNG\r\n\x1a\nfake")
    site.write("static/css/style.css", "body { color: red; }\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert (site.output / "robots.txt").read_text() == "User-agent: *\n"
    assert (site.output / "images/logo.png").read_bytes() == b"\x89PNG\r\n\x1a\nfake"
    assert (site.output / "css/style.css").read_text() == "body { color: red; }\n"


def test_static_file_clashing_with_page_warns(site):
    site.post("one")
    clash = site.write("static/index.xml", "<rss/>")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert f"{clash}: warning: replaced by the generated index.xml; rename or remove it" in result.stderr
    assert (site.output / "index.xml").read_text() != "<rss/>"


def test_strict_fails_on_warning_and_keeps_output(site):
    site.post("one")
    assert site.build().returncode == 0
    before = _snapshot(site.output)
    site.write("content/posts/typo.md", '+++\ntitle = "T"\ndate = 2024-01-02\ndraf = true\n+++\n')
    result = site.build("--strict")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: 1 warning, and --strict turns warnings into errors; {site.output}/ was left as it was"
    )
    assert _snapshot(site.output) == before
