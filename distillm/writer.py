"""Write stage: build into a staging folder beside the output, then swap it in.

A failed build never leaves a half-written output folder, and files of deleted
or renamed posts disappear with the old folder. A manifest of the files written
lets the next build refuse an output folder holding files distillm did not
write, so `--output .` or `--output docs` cannot wipe an author's files.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path, PurePosixPath
from types import TracebackType

from . import __version__
from .errors import ContentError, display_path

logger = logging.getLogger(__name__)

MANIFEST = ".distillm-manifest.json"
_LISTED_FOREIGN_FILES = 5


class OutputPaths:
    """The files of an output folder so far, to tell which new file would clash with one of them."""

    def __init__(self) -> None:
        self.files: set[str] = set()
        """Every file, relative, with `/` separators."""
        self.folders: set[str] = set()
        """Every folder that holds a file, relative, with `/` separators."""

    def add(self, relative: str) -> None:
        self.files.add(relative)
        self.folders.update(parent.as_posix() for parent in PurePosixPath(relative).parents if parent.parts)

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
        self.previous_dir = self.output_dir.with_name(f".{self.output_dir.name}.distillm-previous")
        self.paths = OutputPaths()
        """The files written so far."""
        self._made_folders: set[str] = set()
        """Folders of the staging folder known to exist, relative, with `/` separators."""

    def __enter__(self) -> OutputWriter:
        self.check_output_dir()
        self._recover_interrupted_swap()
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
        known = set(self._read_manifest())
        foreign = []
        for root, _, files in os.walk(self.output_dir):
            for name in files:
                relative = Path(root, name).relative_to(self.output_dir).as_posix()
                if relative != MANIFEST and relative not in known:
                    foreign.append(relative)
        return sorted(foreign)

    def _read_manifest(self) -> list[str]:
        try:
            manifest = json.loads((self.output_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        files = manifest.get("files") if isinstance(manifest, dict) else None
        return [name for name in files if isinstance(name, str)] if isinstance(files, list) else []

    def _recover_interrupted_swap(self) -> None:
        """Finish or undo a swap that a crash or kill interrupted."""
        if self.previous_dir.exists():
            if self.output_dir.exists():
                shutil.rmtree(self.previous_dir)
            else:
                os.replace(self.previous_dir, self.output_dir)

    def _target(self, relative: str) -> Path:
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or "\\" in relative or not pure.parts:
            raise ValueError(f"unsafe output path {relative!r}")
        if relative in self.paths.files:
            raise ValueError(f"output file written twice: {relative}")
        target = self.staging_dir.joinpath(*pure.parts)
        folder = pure.parent.as_posix()
        if folder not in self._made_folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made_folders.add(folder)
        self.paths.add(relative)
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

    def write(self, relative: str, content: bytes) -> None:
        """Write `content` to `relative` (a `/`-separated path in the output folder)."""
        self._target(relative).write_bytes(content)

    def copy(self, relative: str, source: Path) -> None:
        """Copy the file `source` to `relative`, keeping its modification time."""
        shutil.copy2(source, self._target(relative))

    def commit(self) -> None:
        """Write the manifest and replace the output folder with the staging folder."""
        manifest = {"generator": "distillm", "version": __version__, "files": sorted(self.written)}
        (self.staging_dir / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        if self.output_dir.exists():
            os.replace(self.output_dir, self.previous_dir)
        os.replace(self.staging_dir, self.output_dir)
        shutil.rmtree(self.previous_dir, ignore_errors=True)
        logger.debug("published %d files to %s", len(self.written), display_path(self.output_dir))
