"""Publishing on GitHub Pages: the workflow, `.nojekyll` and `CNAME`."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT_SETTINGS, REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "pages.yml"


def check_jsonschema() -> str:
    """Return the check-jsonschema command of this Python environment (the `test` extra installs it)."""
    command = Path(sys.executable).parent / "check-jsonschema"
    if command.exists():
        return str(command)
    found = shutil.which("check-jsonschema")
    if found is None:
        pytest.fail("check-jsonschema not found; install the test extra: pip install -e '.[test]'")
    return found


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps_using(steps, action):
    return [step for step in steps if step.get("uses", "").startswith(action + "@")]


def test_workflow_matches_github_schema():
    result = subprocess.run(
        [check_jsonschema(), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_triggers(workflow):
    # YAML 1.1 reads the key `on` as the boolean true.
    triggers = workflow[True]

    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_workflow_permissions_and_concurrency(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_workflow_build_steps(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    checkout = steps_using(steps, "actions/checkout")
    setup_python = steps_using(steps, "actions/setup-python")
    configure = steps_using(steps, "actions/configure-pages")
    install = [step for step in steps if step.get("run") == 'python -m pip install "$DISTILLM_REQUIREMENT"']
    build = [step for step in steps if step.get("run", "").startswith("distillm build --base-url ")]
    upload = steps_using(steps, "actions/upload-pages-artifact")

    in_order = [checkout, setup_python, configure, install, build, upload]
    assert [len(found) for found in in_order] == [1] * len(in_order)
    positions = [steps.index(found[0]) for found in in_order]
    assert positions == sorted(positions)
    assert setup_python[0]["with"]["cache"] == "pip"
    # A blog keeps its settings in either file, and setup-python fails when no cache file exists.
    assert setup_python[0]["with"]["cache-dependency-path"].split() == ["pyproject.toml", "distillm.toml"]
    # This repository installs itself; a blog's own repository names distillm instead.
    assert workflow["jobs"]["build"]["env"]["DISTILLM_REQUIREMENT"] == "."
    assert f"${{{{ steps.{configure[0]['id']}.outputs.base_url }}}}" in build[0]["run"]
    assert upload[0]["with"]["path"] == "public"


def test_workflow_deploy_job(workflow):
    deploy = workflow["jobs"]["deploy"]
    step = steps_using(deploy["steps"], "actions/deploy-pages")[0]

    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"


def test_nojekyll_is_written(site):
    site.post("hello")

    assert site.build().returncode == 0

    assert (site.output / ".nojekyll").read_bytes() == b""
    assert not (site.output / "CNAME").exists()


def test_cname_setting_writes_cname(site):
    site.settings(DEFAULT_SETTINGS + 'cname = "blog.example.org"\n')
    site.post("hello")

    assert site.build().returncode == 0

    assert (site.output / "CNAME").read_text(encoding="ascii") == "blog.example.org\n"


def test_invalid_cname_is_reported(site):
    site.settings(DEFAULT_SETTINGS + 'cname = "https://blog.example.org/"\n')
    site.post("hello")

    result = site.build()

    assert result.returncode == 1
    assert result.stderr.splitlines()[0].endswith(
        "distillm.toml:4:9: error: cname must be a domain name such as \"blog.example.org\", without https:// or a path, "
        'got "https://blog.example.org/"'
    )
