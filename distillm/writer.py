"""Write stage: write a build's new and changed files into a staging folder, then publish them.

Nothing in the output folder changes until the whole build has succeeded, so
a failed build leaves it as it was. Publishing moves the staged files in,
deletes the files of deleted or renamed posts, and writes the manifest last.
A first build moves the whole staging folder into place at once.

The manifest lists every file written, so a build refuses an output folder
holding files distillm did not write: `--output .` or `--output docs` cannot
wipe an author's files. It also records each file's size, modification time,
digest and what it was made from, so an unchanged file is left in place, its
bytes and modification time as they were. A file whose size or time no longer
match (edited by hand, or left half-published by a crash) is written again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

from . import __version__
from .errors import ContentError, display_path

logger = logging.getLogger(__name__)

MANIFEST = ".distillm-manifest.json"
MANIFEST_FORMAT = 2
_LISTED_FOREIGN_FILES = 5


def content_digest(content: bytes) -> str:
    """Return the digest that the manifest records for a file's bytes."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


@dataclass(frozen=True)
class FileRecord:
    """The manifest's record of one output file."""

    size: int
    mtime_ns: int
    digest: str
    """`content_digest` of the bytes; empty for copied files, which are compared by their source instead."""
    made_from: str
    """A digest of everything the file was made from (a page's planned key, a copied file's source), or empty."""
    reads: tuple[str, ...] = ()
    """The site-wide collections the page's templates read (`render.SITE_COLLECTIONS`)."""

    def as_json(self) -> list[Any]:
        return [self.size, self.mtime_ns, self.digest, self.made_from, list(self.reads)]

    @classmethod
    def from_json(cls, value: Any) -> FileRecord | None:
        try:
            size, mtime_ns, digest, made_from, reads = value
            return cls(int(size), int(mtime_ns), str(digest), str(made_from), tuple(str(name) for name in reads))
        except (TypeError, ValueError):
            return None


@dataclass
class Manifest:
    """The manifest of an output folder: its files, and what the build that wrote them was made from."""

    files: dict[str, FileRecord | None]
    """Every file written, relative; None for files of an older manifest format, known only by name."""
    facts: dict[str, Any]
    """Digests of the build's inputs and settings, and its counts, for the next build to compare."""

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read a manifest; an unreadable one is empty."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls({}, {})
        if not isinstance(data, dict):
            return cls({}, {})
        files = data.get("files")
        if isinstance(files, list):  # The first format listed names only.
            return cls({name: None for name in files if isinstance(name, str)}, {})
        if not isinstance(files, dict) or data.get("format") != MANIFEST_FORMAT:
            return cls({}, {})
        facts = data.get("facts")
        records = {name: FileRecord.from_json(value) for name, value in files.items() if isinstance(name, str)}
        return cls(records, facts if isinstance(facts, dict) else {})


class OutputPaths:
    """The files of an output folder so far, to tell which new file would clash with one of them."""

    def __init__(self) -> None:
        self.files: set[str] = set()
        """Every file, relative, with `/` separators."""
        self.folders: set[str] = set()
        """Every folder that holds a file, relative, with `/` separators."""

    def add(self, relative: str) -> None:
        self.files.add(relative)
        folder = relative.rpartition("/")[0]
        while folder and folder not in self.folders:
            self.folders.add(folder)
            folder = folder.rpartition("/")[0]

    def clash(self, relative: str) -> str | None:
        """Return the file that adding `relative` would replace or need as a folder, if any.

        `a/b` clashes with a file `a/b`, with a file `a` (which would have to
        be a folder) and with a file `a/b/c` (which needs `a/b` as a folder).
        """
        if relative in self.files:
            return relative
        if relative in self.folders:
            return next(name for name in sorted(self.files) if name.startswith(relative + "/"))
        pure = PurePosixPath(relative)
        return next((parent.as_posix() for parent in pure.parents if parent.as_posix() in self.files), None)


class OutputWriter:
    """Collect a build's files in a staging folder and publish them all at once.

    Use as a context manager: leaving it with an exception discards the staging
    folder and leaves the output folder as it was.
    """

    def __init__(self, output_dir: Path, source_dir: Path, source_folders: list[Path]) -> None:
        """Prepare to write `output_dir` for the site in `source_dir`.

        `source_folders` (content, templates, static) must neither contain nor
        lie inside the output folder; `source_dir` must not lie inside it.
        """
        self.output_dir = Path(os.path.abspath(output_dir))
        self.source_dir = Path(os.path.abspath(source_dir))
        self.source_folders = [Path(os.path.abspath(path)) for path in source_folders]
        self.staging_dir = self.output_dir.with_name(f".{self.output_dir.name}.distillm-staging")
        self.paths = OutputPaths()
        """The files written so far."""
        self._made_folders: set[str] = set()
        """Folders of the staging folder known to exist, relative, with `/` separators."""
        self.previous = Manifest({}, {})
        """The manifest of the output folder as the build found it."""
        self.records: dict[str, FileRecord] = {}
        """The records of the new manifest, by output file."""
        self.staged: set[str] = set()
        """Files written into the staging folder, to publish."""
        self.reused = 0
        """Files left unchanged in the output folder."""

    def __enter__(self) -> OutputWriter:
        self.check_output_dir()
        if self.staging_dir.exists():
            shutil.rmtree(self.staging_dir)
        self.staging_dir.mkdir(parents=True)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if error is not None and self.staging_dir.exists():
            shutil.rmtree(self.staging_dir, ignore_errors=True)

    def check_output_dir(self) -> None:
        """Raise `ContentError` unless the output folder is safe to replace."""
        output = self.output_dir.resolve()
        overlaps = [folder for folder in self.source_folders if output.is_relative_to(folder.resolve())]
        overlaps += [
            folder for folder in [self.source_dir, *self.source_folders] if folder.resolve().is_relative_to(output)
        ]
        if overlaps:
            raise ContentError.at(
                self.output_dir,
                f"the output folder overlaps the site's sources ({display_path(overlaps[0])}); "
                "choose another --output, such as public",
            )
        if not self.output_dir.exists():
            return
        if not self.output_dir.is_dir():
            raise ContentError.at(self.output_dir, "the output path is a file, not a folder; choose another --output")
        foreign = self._foreign_files()
        if foreign:
            listed = ", ".join(foreign[:_LISTED_FOREIGN_FILES])
            more = f" and {len(foreign) - _LISTED_FOREIGN_FILES} more" if len(foreign) > _LISTED_FOREIGN_FILES else ""
            raise ContentError.at(
                self.output_dir,
                f"the output folder holds files distillm did not write ({listed}{more}); "
                "move them away or choose another --output",
            )

    def _foreign_files(self) -> list[str]:
        self.previous = Manifest.read(self.output_dir / MANIFEST)
        known = self.previous.files
        foreign = []
        for root, _, files in os.walk(self.output_dir):
            for name in files:
                relative = Path(root, name).relative_to(self.output_dir).as_posix()
                if relative != MANIFEST and relative not in known:
                    foreign.append(relative)
        return sorted(foreign)

    def _register(self, relative: str) -> None:
        """Check that `relative` is a safe, new output path, and add it to the files of this build."""
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or "\\" in relative or not pure.parts:
            raise ValueError(f"unsafe output path {relative!r}")
        if relative in self.paths.files:
            raise ValueError(f"output file written twice: {relative}")
        self.paths.add(relative)

    def _target(self, relative: str) -> Path:
        """Register `relative` and return its file in the staging folder, whose folder exists."""
        self._register(relative)
        pure = PurePosixPath(relative)
        target = self.staging_dir.joinpath(*pure.parts)
        folder = pure.parent.as_posix()
        if folder not in self._made_folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made_folders.add(folder)
        self.staged.add(relative)
        return target

    @property
    def written(self) -> set[str]:
        """Every file written so far, relative, with `/` separators."""
        return self.paths.files

    def has(self, relative: str) -> bool:
        return relative in self.paths.files

    def clash(self, relative: str) -> str | None:
        """Return the written file that writing `relative` would replace or need as a folder, if any."""
        return self.paths.clash(relative)

    def reserve(self, relative: str) -> Path:
        """Check and record `relative`, and return the staging file another process will write it to."""
        return self._target(relative)

    def write(self, relative: str, content: bytes, made_from: str = "", reads: tuple[str, ...] = ()) -> None:
        """Write `content` to `relative` (a `/`-separated path in the output folder).

        When the output folder already has these bytes there, the file is left
        in place, so it keeps its modification time.
        """
        digest = content_digest(content)
        if self._keep_previous(relative, made_from, reads, digest):
            self._register(relative)
            return
        target = self._target(relative)
        target.write_bytes(content)
        self.record(relative, target.stat(), digest, made_from, reads)

    def written_elsewhere(self, relative: str, digest: str, made_from: str, reads: tuple[str, ...]) -> None:
        """Record a file another process wrote at `reserve(relative)`, dropping it if the output already has its bytes."""
        target = self.staging_dir / relative
        if self._keep_previous(relative, made_from, reads, digest):
            target.unlink()
            self.staged.discard(relative)
            return
        self.record(relative, target.stat(), digest, made_from, reads)

    def copy(self, relative: str, source: Path) -> None:
        """Copy the file `source` to `relative`, keeping its modification time, unless the output has it already."""
        stat = source.stat()
        made_from = f"{source}:{stat.st_size}:{stat.st_mtime_ns}"
        if self.reuse(relative, made_from):
            return
        target = self._target(relative)
        shutil.copy2(source, target)
        self.record(relative, target.stat(), "", made_from)

    def record(self, relative: str, stat: os.stat_result, digest: str, made_from: str, reads: tuple[str, ...] = ()) -> None:
        """Record a file written into the staging folder (by this process or a worker) in the new manifest."""
        self.records[relative] = FileRecord(stat.st_size, stat.st_mtime_ns, digest, made_from, tuple(sorted(reads)))

    def reuse(self, relative: str, made_from: str) -> bool:
        """Keep the output's file at `relative` if the previous build made it the same way; return whether it did.

        `made_from` must equal what the previous manifest recorded, and the file
        must still have the size and modification time recorded then.
        """
        previous = self.previous.files.get(relative)
        if previous is None or not made_from or previous.made_from != made_from:
            return False
        if not self._keep_previous(relative, made_from, previous.reads, None):
            return False
        self._register(relative)
        return True

    def _keep_previous(self, relative: str, made_from: str, reads: tuple[str, ...], digest: str | None) -> bool:
        """Record the output's file at `relative` as this build's, if it is intact and, unless `digest` is None, has those bytes."""
        previous = self.previous.files.get(relative)
        if previous is None or (digest is not None and (not digest or previous.digest != digest)):
            return False
        try:
            stat = (self.output_dir / relative).stat()
        except OSError:
            return False
        if stat.st_size != previous.size or stat.st_mtime_ns != previous.mtime_ns:
            return False
        self.records[relative] = FileRecord(previous.size, previous.mtime_ns, previous.digest, made_from, tuple(sorted(reads)))
        self.reused += 1
        return True

    def commit(self, facts: dict[str, Any] | None = None) -> None:
        """Publish the staged files and the manifest, with `facts` about the build, and delete the files gone.

        The manifest comes last: if publishing stops half-way, the next build
        finds files that do not match it and writes them again.
        """
        manifest = {
            "generator": "distillm",
            "version": __version__,
            "format": MANIFEST_FORMAT,
            "facts": facts or {},
            "files": {name: self.records[name].as_json() if name in self.records else None for name in sorted(self.written)},
        }
        text = json.dumps(manifest, separators=(",", ":")) + "\n"
        (self.staging_dir / MANIFEST).write_text(text, encoding="utf-8")
        if not self.output_dir.exists():
            os.replace(self.staging_dir, self.output_dir)
        else:
            self._publish_into_output()
        logger.debug("published %d files, %d unchanged, to %s", len(self.staged), self.reused, display_path(self.output_dir))

    def _publish_into_output(self) -> None:
        gone = [name for name in self.previous.files if name not in self.paths.files]
        for name in gone:
            (self.output_dir / name).unlink(missing_ok=True)
        for name in sorted(self.staged):
            target = self.output_dir / name
            if target.is_dir():
                shutil.rmtree(target)  # A page of the previous build was a folder's index here.
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging_dir / name, target)
        os.replace(self.staging_dir / MANIFEST, self.output_dir / MANIFEST)
        _remove_empty_folders(self.output_dir, {PurePosixPath(name).parent for name in gone})
        shutil.rmtree(self.staging_dir, ignore_errors=True)


def _remove_empty_folders(root: Path, folders: set[PurePosixPath]) -> None:
    """Remove the folders (relative to `root`) that deleting files emptied, and their emptied parents."""
    candidates = {folder for start in folders for folder in [start, *start.parents] if folder.parts}
    for folder in sorted(candidates, key=lambda path: len(path.parts), reverse=True):
        try:
            (root / folder).rmdir()
        except OSError:
            pass  # Not empty, or already gone.
