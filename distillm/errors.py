"""Diagnostics and the exceptions that carry them to the command line.

A user's mistake (bad front matter, a clashing URL, a broken template) becomes a
`Diagnostic` with a location, and the CLI prints it as one line, without a
traceback. Any other exception is a bug in distillm and keeps its traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


def display_path(path: str | os.PathLike[str]) -> str:
    """Return `path` relative to the working folder when it lies below it, else absolute.

    Messages use this form so that editors and terminals can open the file from
    where the user ran the command.
    """
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


@dataclass(frozen=True)
class Diagnostic:
    """A problem in a user's file, printed as `path:line:col: severity: message`."""

    path: str
    """The file as shown to the user (see `display_path`)."""
    message: str
    """The problem, then `; ` and the fix."""
    line: int | None = None
    """1-based line in the file, when known."""
    column: int | None = None
    """1-based column in the line, when known; only set together with `line`."""
    severity: Severity = "error"

    def __str__(self) -> str:
        location = self.path
        if self.line is not None:
            location += f":{self.line}"
            if self.column is not None:
                location += f":{self.column}"
        return f"{location}: {self.severity}: {self.message}"


class DistillmError(Exception):
    """Base of every error that is the user's to fix; the CLI prints it and exits 1."""


class ContentError(DistillmError):
    """One or more problems in the site's files, all reported before the build stops."""

    def __init__(self, diagnostics: list[Diagnostic], warnings: list[Diagnostic] | None = None) -> None:
        self.diagnostics = list(diagnostics)
        self.warnings = list(warnings or [])
        """Warnings found beside the errors, for the caller to report too."""
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @classmethod
    def at(
        cls,
        path: str | os.PathLike[str],
        message: str,
        line: int | None = None,
        column: int | None = None,
    ) -> ContentError:
        """Build an error with one diagnostic for `path`."""
        return cls([Diagnostic(display_path(path), message, line, column)])
