"""Front matter: decode a source file, split off its front matter and check it.

The blog writes TOML between `+++` lines; YAML between `---` lines is accepted
for posts brought from Jekyll or Hugo. Keys ignore case, as in Hugo. Every
problem in a file is reported with the line of the offending key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import yaml

from .dates import DATE_FORMS_HINT, InvalidDate, to_aware_datetime
from .errors import ContentError, Diagnostic, display_path
from .suggest import closest_match
from .tomlparse import TomlSyntaxError, describe_value, find_key_line, parse_toml, value_column

try:  # The C loader is much faster; pure-Python PyYAML builds lack it.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = {"+++": "toml", "---": "yaml"}

STRING_KEYS = ("title", "slug", "description", "summary", "image")
DATE_KEYS = ("date", "lastmod", "publishdate", "expirydate")
LIST_KEYS = ("tags", "aliases", "repeat_links")
KNOWN_KEYS = (*STRING_KEYS, *DATE_KEYS, *LIST_KEYS, "draft")

# Keys that Hugo themes use and that distillm keeps in `params` without
# suggesting a known key (`images` is one edit from `image`, but legitimate).
_HUGO_KEYS = frozenset(
    "audio authors author build cascade categories headless images iscjklanguage keywords "
    "layout linktitle markup math outputs resources series showtoc sitemap toc translationkey "
    "type url videos weight".split()
)


@dataclass(frozen=True)
class SourceFile:
    """A content file split into its front matter and its Markdown body."""

    path: Path
    format: str
    """`toml` or `yaml`."""
    values: dict[str, Any]
    """The front matter, keys lower-cased."""
    lines: list[str]
    """The whole file, line by line, for locating keys."""
    front_matter_end: int
    """0-based index of the closing delimiter line."""
    body: str
    body_line: int
    """1-based file line of the body's first line; markdown-it line 0 is this line."""


@dataclass
class Metadata:
    """Typed front-matter values of one post or page."""

    title: str = ""
    date: datetime | None = None
    lastmod: datetime | None = None
    publishdate: datetime | None = None
    expirydate: datetime | None = None
    slug: str | None = None
    description: str = ""
    summary: str = ""
    image: str = ""
    draft: bool = False
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    repeat_links: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    """1-based line of each key, for later messages about its value."""


def decode_source(path: Path, data: bytes) -> str:
    """Decode a content file as UTF-8, dropping a byte order mark and using `\\n` line ends."""
    if not data.strip():
        raise ContentError.at(path, 'empty file; add front matter with title and date, or delete the file')
    if data.startswith(_UTF16_BOMS):
        raise ContentError.at(path, "the file is saved as UTF-16; re-save it as UTF-8")
    bom_length = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        text = data[bom_length:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = bom_length + error.start
        raise ContentError.at(path, f"not valid UTF-8 at byte {offset}; re-save the file as UTF-8") from error
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise ContentError.at(path, "NUL byte in a text file; remove it, or re-save the file as UTF-8 text", line, column)
    return text


def split_source(path: Path, text: str) -> SourceFile:
    """Split `text` into front matter and body, parsing the front matter."""
    lines = text.split("\n")
    opening = lines[0].strip()
    if opening not in _DELIMITERS:
        raise ContentError.at(
            path,
            'missing front matter; start the file with a +++ line, then title = "..." and date = 2024-05-01, then +++',
            1,
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == opening), None)
    if end is None:
        raise ContentError.at(
            path, f"front matter opened with {opening} is not closed; add a {opening} line after its last key", 1, 1
        )
    kind = _DELIMITERS[opening]
    raw = "\n".join(lines[1:end])
    values = _parse_toml(path, raw) if kind == "toml" else _parse_yaml(path, raw)
    if not isinstance(values, dict):
        raise ContentError.at(
            path, f"front matter must be a table of keys and values, got {describe_value(values)}", 2 if end > 1 else 1
        )
    body = "\n".join(lines[end + 1 :])
    return SourceFile(path, kind, values, lines, end, body, end + 2)


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return parse_toml(text)
    except TomlSyntaxError as error:
        raise ContentError.at(path, error.message, error.line + 1, error.column) from error


def _parse_yaml(path: Path, text: str) -> Any:
    try:
        values = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        if error.context == "while scanning a quoted scalar" and error.context_mark is not None:
            # PyYAML reads on to the end of the block looking for the closing quote; the
            # place to fix is the opening one.
            mark = error.context_mark
            message = "invalid YAML: unterminated string; close the quote"
        else:
            mark = error.problem_mark or error.context_mark
            problem = (error.problem or error.context or "syntax error").strip()
            message = f"invalid YAML: {problem}; check the indentation, and quote values that contain ': '"
        line = mark.line + 2 if mark else 1
        column = mark.column + 1 if mark else None
        raise ContentError.at(path, message, line, column) from error
    except yaml.YAMLError as error:
        raise ContentError.at(path, f"invalid YAML: {error}", 1) from error
    except ValueError as error:
        # PyYAML's constructors raise plain ValueError, without a position, for
        # values such as 2024-13-45 (a date) or !!float abc.
        line, column = _unconstructible_scalar(text) or (0, None)
        raise ContentError.at(
            path, f"invalid YAML value: {error}; correct it, or quote it to keep it as text", line + 2, column
        ) from error
    return {} if values is None else values


def _unconstructible_scalar(text: str) -> tuple[int, int] | None:
    """Return the 0-based line and 1-based column of the first scalar PyYAML cannot construct, if any."""
    try:
        root = yaml.compose(text, Loader=_YamlLoader)
    except yaml.YAMLError:
        return None
    pending = [root] if root is not None else []
    scalars = []
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.ScalarNode):
            scalars.append(node)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            pending.extend(item for pair in node.value for item in pair)
    constructor = yaml.SafeLoader("")
    for node in sorted(scalars, key=lambda scalar: scalar.start_mark.index):
        try:
            constructor.construct_object(node)
        except (ValueError, yaml.YAMLError):
            return node.start_mark.line, node.start_mark.column + 1
    return None



def read_metadata(source: SourceFile, zone: tzinfo, require_date: bool) -> tuple[Metadata, list[Diagnostic]]:
    """Check the front matter of `source` and return its typed values with every problem.

    Problems that stop the file from being built are errors; an unknown key that
    looks like a misspelled known one is a warning. Both come back in the list.
    """
    shown_path = display_path(source.path)
    problems: list[Diagnostic] = []
    metadata = Metadata()
    values: dict[str, Any] = {}

    def key_line(key: str) -> int | None:
        return find_key_line(source.lines, key, 1, source.front_matter_end)

    def error(key: str | None, message: str) -> None:
        line = key_line(key) if key else None
        problems.append(Diagnostic(shown_path, message, line if line is not None else 1))

    def value_error(key: str, message: str) -> None:
        """Report a value of the wrong type or form, at the value's column when the key's line shows it."""
        line = key_line(key)
        column = value_column(source.lines[line - 1]) if line is not None and line <= len(source.lines) else None
        problems.append(Diagnostic(shown_path, message, line if line is not None else 1, column))

    for key, value in source.values.items():
        folded = str(key).lower()
        if folded in values:
            error(str(key), f'"{folded}" is set twice (keys ignore case); keep one of them')
            continue
        values[folded] = value
        line = key_line(str(key))
        if line is not None:
            metadata.key_lines[folded] = line

    for key in STRING_KEYS:
        if key in values and not isinstance(values[key], str):
            value_error(key, f"{key} must be a string, got {describe_value(values[key])}; quote the value")
    if isinstance(values.get("title"), str):
        metadata.title = values["title"].strip()
    if not metadata.title and "title" not in values:
        error(None, 'missing title in front matter; add title = "..."')
    elif not metadata.title and isinstance(values.get("title"), str):
        error("title", 'title is empty; write the post\'s title, as in title = "..."')
    for key in ("slug", "description", "summary", "image"):
        if isinstance(values.get(key), str):
            setattr(metadata, key, values[key].strip() if key != "slug" else values[key])

    for key in DATE_KEYS:
        if key in values:
            try:
                setattr(metadata, key, to_aware_datetime(values[key], zone))
            except InvalidDate:
                value_error(key, f"{key} must be a date, got {describe_value(values[key])}; {DATE_FORMS_HINT}")
    if require_date and "date" not in values:
        error(None, "missing date in front matter; add date = 2024-05-01")

    if "draft" in values:
        if isinstance(values["draft"], bool):
            metadata.draft = values["draft"]
        else:
            value_error("draft", f"draft must be true or false, got {describe_value(values['draft'])}; write true or false, unquoted")

    for key in LIST_KEYS:
        if key in values:
            items = _string_list(values[key])
            if items is None:
                value_error(key, f'{key} must be a list of strings, got {describe_value(values[key])}; write a list such as ["nlp", "llm"]')
            elif any(not item.strip() for item in items):
                error(key, f"{key} contains an empty string; remove it")
            else:
                setattr(metadata, key, tuple(item.strip() for item in items))

    for key, value in values.items():
        if key in KNOWN_KEYS:
            continue
        metadata.params[key] = value
        nearest = None if key in _HUGO_KEYS else closest_match(key, KNOWN_KEYS)
        if nearest:
            line = key_line(key)
            problems.append(
                Diagnostic(
                    shown_path,
                    f'unknown front-matter key "{key}"; did you mean "{nearest}"? It is kept in params',
                    line if line is not None else 1,
                    severity="warning",
                )
            )
    problems.sort(key=lambda problem: problem.line or 0)
    return metadata, problems


def _string_list(value: Any) -> list[str] | None:
    """Return `value` as a list of strings (one string is a list of one), or None."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None
