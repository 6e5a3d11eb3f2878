"""The bundled blog builds with the real command."""

from conftest import REPO_ROOT, run_distillm


def test_bundled_content_builds(tmp_path):
    output = tmp_path / "out"
    result = run_distillm("build", "--source", str(REPO_ROOT), "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert (output / "posts" / "distillm-03" / "index.html").is_file()
    assert result.stderr.strip().splitlines()[-1].startswith("Built ")
