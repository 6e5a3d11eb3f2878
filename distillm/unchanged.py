"""Skip a build when nothing it reads has changed since the build that wrote the output folder.

A build records in its manifest a digest of its inputs: content, templates,
static files, settings, options and distillm itself. It also records its
warnings, the posts it skipped, its counts, and the moment until which its
output stays right (the next post to be published or to expire). A later
build with the same digest, before that moment, over an output folder nobody
touched, has nothing to do. It prints the same warnings, skipped posts (with
`-v`) and summary, and writes nothing.

This module imports nothing heavy (no Jinja, no markdown-it), so such a
build costs little more than reading the sources.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .report import BuildReport
from .writer import MANIFEST, Manifest

logger = logging.getLogger(__name__)

DEFAULT_OUTPUT_DIR = "public"
THEME_DIR = Path(__file__).parent / "theme"
SETTINGS_FILES = ("distillm.toml", "pyproject.toml")
# Files whose bytes are read: small text that an editor may save without changing size or time.
HASHED_SUFFIXES = (".md", ".html", ".htm", ".xml", ".toml", ".j2", ".jinja")


@dataclass(frozen=True)
class BuildInputs:
    """What a build of one site depends on besides the files: its options and the working folder."""

    source_dir: Path
    base_url: str | None
    drafts: bool
    future: bool
    expired: bool


def inputs_fingerprint(inputs: BuildInputs) -> str:
    """Return a digest of everything a build reads: options, settings, content, templates, static files, theme."""
    digest = hashlib.sha256()
    options = (__version__, inputs.base_url, inputs.drafts, inputs.future, inputs.expired, os.getcwd())
    digest.update(repr(options).encode("utf-8"))
    source = inputs.source_dir
    for name in SETTINGS_FILES:
        _add_file(digest, source / name, name)
    for folder, root in (("content", source / "content"), ("templates", source / "templates"),
                         ("static", source / "static"), ("theme", THEME_DIR)):
        digest.update(f"\0{folder}\0".encode())
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    _add_file(digest, path, path.relative_to(root).as_posix())
    return digest.hexdigest()


def _add_file(digest: Any, path: Path, name: str) -> None:
    try:
        stat = path.stat()
    except OSError:
        return
    digest.update(f"{name}\0{stat.st_size}\0".encode("utf-8"))
    if path.suffix in HASHED_SUFFIXES:
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    else:
        digest.update(str(stat.st_mtime_ns).encode())


def valid_until(moments: list[datetime]) -> str | None:
    """Return the earliest of `moments` (when a post gets published or expires) for the manifest, or None."""
    return min(moments).astimezone(timezone.utc).isoformat() if moments else None


def unchanged_build(inputs: BuildInputs, output_dir: Path, strict: bool) -> BuildReport | None:
    """Return the report of the previous build if this one would do the same, replaying its warnings.

    Returns None, doing nothing, when anything differs: the inputs, the time
    (a post due to be published or to expire), the output folder's files, or
    `strict` with warnings to report (that build must fail, so it runs).
    """
    started = time.perf_counter()
    manifest = Manifest.read(output_dir / MANIFEST)
    facts = manifest.facts
    warnings = facts.get("warnings")
    counts = facts.get("counts")
    if not isinstance(warnings, list) or not isinstance(counts, dict) or (strict and warnings):
        return None
    if "valid_until" not in facts or not _still_valid(facts["valid_until"]):
        return None
    if facts.get("inputs") != inputs_fingerprint(inputs) or not _output_intact(output_dir, manifest):
        return None
    for line in warnings:
        logger.warning("%s", line)
    for line in facts.get("skipped", []):
        logger.debug("%s", line)
    report = BuildReport.from_counts(output_dir, counts)
    report.unchanged = len(manifest.files)
    report.seconds = time.perf_counter() - started
    return report


def _still_valid(until: Any) -> bool:
    if until is None:
        return True
    try:
        return datetime.now(timezone.utc) < datetime.fromisoformat(str(until))
    except ValueError:
        return False


def _output_intact(output_dir: Path, manifest: Manifest) -> bool:
    """Return whether the output folder contains exactly the manifest's files, each with its recorded size and time."""
    found = set()
    for folder, _, names in os.walk(output_dir):
        for name in names:
            found.add(Path(folder, name).relative_to(output_dir).as_posix())
    if found != set(manifest.files) | {MANIFEST}:
        return False
    for relative, record in manifest.files.items():
        if record is None:
            return False
        try:
            stat = os.stat(output_dir / relative)
        except OSError:
            return False
        if stat.st_size != record.size or stat.st_mtime_ns != record.mtime_ns:
            return False
    return True
