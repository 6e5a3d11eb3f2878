"""Site settings: `[tool.distillm]` in pyproject.toml, or a distillm.toml file.

Every setting is checked and every problem reported at once, with the line of
its key and, for a misspelled key, the nearest known one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import ContentError, Diagnostic, display_path
from .suggest import closest_match
from .tomlparse import TomlSyntaxError, describe_value, find_key_line, parse_toml, value_column

logger = logging.getLogger(__name__)

PYPROJECT = "pyproject.toml"
SETTINGS_FILE = "distillm.toml"

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


@dataclass(frozen=True, eq=False)
class Settings:
    """The validated settings of one site."""

    title: str
    """The site's name, shown in every page's header and in feeds."""
    base_url: str
    """Absolute URL of the site's root, always ending with `/` (`https://user.github.io/blog/`)."""
    description: str = ""
    author: str = ""
    language: str = "en"
    """BCP 47 language tag, written to `<html lang>` and to feeds."""
    timezone: str = "UTC"
    """IANA time-zone name; dates written without a zone are in it."""
    paginate: int = 10
    """Posts per list page."""
    feed_limit: int = 20
    """Newest items per feed."""
    feed_content: str = "full"
    """`full` or `summary`: what feed items carry."""
    cname: str = ""
    """Custom domain for GitHub Pages, written to `CNAME` when set."""
    params: dict[str, Any] = field(default_factory=dict)
    """Free-form values for templates (`site.params`), as Hugo's `[params]`."""
    source_file: Path | None = None
    """The file the settings were read from."""

    @cached_property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of `base_url`: `/` for a root site, `/blog/` under a sub-path."""
        return urlsplit(self.base_url).path

    def with_base_url(self, base_url: str) -> Settings:
        """Return a copy served from another base URL (already validated)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["base_url"] = base_url
        return Settings(**values)


def _check_string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _check_positive_int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "must be a whole number of 1 or more"
    return None


def _check_base_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string such as \"https://user.github.io/blog/\""
    return base_url_problem(value)


def _check_timezone(value: Any) -> str | None:
    if not isinstance(value, str):
        return 'must be an IANA time-zone name such as "Europe/Paris"'
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        nearest = closest_match(value, available_timezones())
        suggestion = f'did you mean "{nearest}"?' if nearest else 'use an IANA name such as "Europe/Paris"'
        return f'is not a known time zone: "{value}"; {suggestion}'
    return None


def _check_language(value: Any) -> str | None:
    if not isinstance(value, str) or not _LANGUAGE_TAG.match(value):
        return 'must be a language tag such as "en" or "pt-BR"'
    return None


def _check_feed_content(value: Any) -> str | None:
    return None if value in ("full", "summary") else 'must be "full" or "summary"'


def _check_cname(value: Any) -> str | None:
    if not isinstance(value, str) or not _HOST_NAME.match(value):
        return 'must be a domain name such as "blog.example.org", without https:// or a path'
    return None


def _check_params(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a table ([tool.distillm.params])"


# Setting name -> check returning a problem or None. Order is the documentation order.
_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "title": _check_string,
    "base_url": _check_base_url,
    "description": _check_string,
    "author": _check_string,
    "language": _check_language,
    "timezone": _check_timezone,
    "paginate": _check_positive_int,
    "feed_limit": _check_positive_int,
    "feed_content": _check_feed_content,
    "cname": _check_cname,
    "params": _check_params,
}
REQUIRED = ("title", "base_url")


def base_url_problem(url: str) -> str | None:
    """Return why `url` cannot be a base URL, or None when it can."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f'must be an absolute http(s) URL such as "https://user.github.io/blog/", got "{url}"'
    if parts.query or parts.fragment:
        return f'must not have a query or fragment, got "{url}"'
    return None


def normalize_base_url(url: str) -> str:
    """Lower-case the scheme and host and end the path with `/`."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


@dataclass
class _SettingsSource:
    path: Path
    table: dict[str, Any]
    lines: list[str]
    first_line: int
    """0-based index of the first line of the settings table (for key lookups)."""
    table_name: str


def find_settings(source_dir: Path) -> _SettingsSource:
    """Read the settings table of the site in `source_dir`."""
    own_file = source_dir / SETTINGS_FILE
    pyproject = source_dir / PYPROJECT
    pyproject_table = _read_pyproject(pyproject) if pyproject.is_file() else None
    if own_file.is_file():
        if pyproject_table is not None:
            raise ContentError.at(
                own_file,
                f"settings found both here and in [tool.distillm] of {display_path(pyproject)}; keep one of them",
            )
        text = _read_text(own_file)
        table = _parse(own_file, text)
        return _SettingsSource(own_file, table, text.splitlines(), 0, SETTINGS_FILE)
    if pyproject_table is not None:
        return pyproject_table
    raise ContentError.at(
        source_dir,
        f"no site settings found; add a [tool.distillm] table to {PYPROJECT} "
        f"or create {SETTINGS_FILE}, with title and base_url",
    )


def _read_pyproject(path: Path) -> _SettingsSource | None:
    text = _read_text(path)
    document = _parse(path, text)
    tool = document.get("tool", {})
    if not isinstance(tool, dict) or "distillm" not in tool:
        return None
    table = tool["distillm"]
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\s*tool\s*\.\s*distillm\s*\]")
    first_line = next((i for i, line in enumerate(lines) if header.match(line)), 0)
    if not isinstance(table, dict):
        raise ContentError.at(path, "[tool.distillm] must be a table of settings", first_line + 1)
    return _SettingsSource(path, table, lines, first_line, "[tool.distillm]")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ContentError.at(
            path, f"not valid UTF-8 at byte {error.start}; re-save the file as UTF-8"
        ) from error


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return parse_toml(text)
    except TomlSyntaxError as error:
        raise ContentError.at(path, error.message, error.line, error.column) from error


def load_settings(source_dir: Path, base_url: str | None = None) -> Settings:
    """Load and validate the settings of the site in `source_dir`.

    `base_url`, when given, replaces the configured one for this run; the CLI
    has already checked it with `base_url_problem`.
    Raises `ContentError` listing every problem found.
    """
    source = find_settings(source_dir)
    values = dict(source.table)
    problems: list[Diagnostic] = []
    shown_path = display_path(source.path)

    def report(message: str, key: str | None = None, at_value: bool = False) -> None:
        line = find_key_line(source.lines, key, source.first_line) if key else None
        column = value_column(source.lines[line - 1]) if at_value and line is not None else None
        problems.append(Diagnostic(shown_path, message, line or (source.first_line + 1), column))

    for key in values:
        if key not in _CHECKS:
            nearest = closest_match(key, _CHECKS)
            hint = f'did you mean "{nearest}"?' if nearest else "known settings are " + ", ".join(_CHECKS)
            report(f'unknown setting "{key}"; {hint}', key)
    if base_url is not None:
        values["base_url"] = base_url
    for key in REQUIRED:
        if key not in values:
            report(f'missing setting "{key}" in {source.table_name}; add {key} = "..."')
    for key, check in _CHECKS.items():
        if key in values:
            problem = check(values[key])
            if problem is None:
                continue
            if "got " in problem or problem.startswith("is "):
                report(f"{key} {problem}", key, at_value=True)
            else:
                report(f"{key} {problem}, got {describe_value(values[key])}", key, at_value=True)
    if problems:
        raise ContentError(problems)

    values["base_url"] = normalize_base_url(values["base_url"])
    known = {key: value for key, value in values.items() if key in _CHECKS}
    settings = Settings(**known, source_file=source.path)
    logger.debug("settings from %s: base URL %s", shown_path, settings.base_url)
    return settings
