"""The persistent cache of processed posts, in `.distillm-cache/` beside the site.

A processed post (front matter checked, links extracted, body rendered)
depends only on the file's bytes, its path, the settings and distillm's
version. It is stored under a digest of exactly those, and reused while they
stay the same. Each entry carries a checksum: an entry that does not match
it, or does not load, is processed again and replaced, never trusted. A
damaged database is deleted and started afresh.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .errors import DistillmError, display_path
from .settings import Settings

logger = logging.getLogger(__name__)

CACHE_DIR = ".distillm-cache"
POSTS_DATABASE = "posts.sqlite"
ENTRY_FORMAT = b"distillm-post-1\n"
"""Starts every stored entry; change it when the stored objects change shape."""


class CacheMiss(DistillmError):
    """A body the build expected in the cache is gone (the cache was deleted during the build)."""


def settings_fingerprint(settings: Settings) -> str:
    """Return a digest of every setting, so that entries made under other settings are not reused."""
    values = {name: getattr(settings, name) for name in settings.__dataclass_fields__ if name != "source_file"}
    return hashlib.sha256(repr(sorted(values.items())).encode("utf-8")).hexdigest()


def entry_key(relative_path: str, data: bytes, settings_digest: str) -> str:
    """Return the cache key of a content file: its bytes, its path in `content/`, the settings and the version."""
    digest = hashlib.sha256()
    for part in (ENTRY_FORMAT, __version__.encode(), settings_digest.encode(), relative_path.encode("utf-8")):
        digest.update(part)
        digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


class PostCache:
    """Processed posts by `entry_key`, in an SQLite database under the site's cache folder."""

    def __init__(self, source_dir: Path) -> None:
        self.path = source_dir / CACHE_DIR / POSTS_DATABASE
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()

    def __enter__(self) -> PostCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid != os.getpid():
            # A forked worker must not share its parent's connection: it opens its own.
            self._connection = None
        if self._connection is None:
            self.path.parent.mkdir(exist_ok=True)
            try:
                self._connection = self._open()
            except sqlite3.DatabaseError as error:
                logger.debug("cache %s is damaged (%s); starting afresh", display_path(self.path), error)
                self.path.unlink(missing_ok=True)
                self._connection = self._open()
        return self._connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("CREATE TABLE IF NOT EXISTS posts (key TEXT PRIMARY KEY, entry BLOB NOT NULL)")
        connection.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, body BLOB NOT NULL)")
        self._pid = os.getpid()
        return connection

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Return the stored objects of the keys found, skipping (and forgetting) entries that fail their checks."""
        requested = list(keys)
        found: dict[str, Any] = {}
        damaged: list[str] = []
        try:
            connection = self._connect()
            for start in range(0, len(requested), 500):
                batch = requested[start : start + 500]
                marks = ",".join("?" * len(batch))
                for key, entry in connection.execute(f"SELECT key, entry FROM posts WHERE key IN ({marks})", batch):
                    value = _unpack(entry)
                    if value is None:
                        damaged.append(key)
                    else:
                        found[key] = value
            if damaged:
                connection.executemany("DELETE FROM posts WHERE key = ?", [(key,) for key in damaged])
                connection.commit()
        except sqlite3.DatabaseError as error:
            self._reset(error)
            return {}
        return found

    def put_many(self, values: dict[str, Any], table: str = "posts") -> None:
        """Store objects by key in `table` (`posts` or `bodies`), replacing entries with the same key."""
        if not values:
            return
        rows = [(key, _pack(value)) for key, value in values.items()]
        statement = {
            "posts": "INSERT OR REPLACE INTO posts (key, entry) VALUES (?, ?)",
            "bodies": "INSERT OR REPLACE INTO bodies (key, body) VALUES (?, ?)",
        }[table]
        try:
            connection = self._connect()
            connection.executemany(statement, rows)
            connection.commit()
        except sqlite3.DatabaseError as error:
            self._reset(error)

    def body_keys(self, keys: Iterable[str]) -> set[str]:
        """Return those of `keys` that have a stored body."""
        requested = list(keys)
        found: set[str] = set()
        try:
            connection = self._connect()
            for start in range(0, len(requested), 500):
                batch = requested[start : start + 500]
                marks = ",".join("?" * len(batch))
                found.update(key for (key,) in connection.execute(f"SELECT key FROM bodies WHERE key IN ({marks})", batch))
        except sqlite3.DatabaseError as error:
            self._reset(error)
            return set()
        return found

    def body(self, key: str) -> str:
        """Return a stored body; raise `CacheMiss` if it is missing or damaged, so the build is run again."""
        try:
            row = self._connect().execute("SELECT body FROM bodies WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as error:
            raise CacheMiss(f"cache {display_path(self.path)} failed while reading: {error}") from error
        value = _unpack(row[0]) if row else None
        if not isinstance(value, str):
            raise CacheMiss(f"a post body is missing from {display_path(self.path)}")
        return value

    def keep_only(self, keys: Iterable[str]) -> None:
        """Delete every entry but those of `keys`: the posts of this build."""
        kept = set(keys)
        try:
            connection = self._connect()
            for table in ("posts", "bodies"):
                stored = [key for (key,) in connection.execute(f"SELECT key FROM {table}")]  # noqa: S608 - fixed names
                stale = [(key,) for key in stored if key not in kept]
                if stale:
                    connection.executemany(f"DELETE FROM {table} WHERE key = ?", stale)  # noqa: S608
            connection.commit()
        except sqlite3.DatabaseError as error:
            self._reset(error)

    def _reset(self, error: sqlite3.DatabaseError) -> None:
        logger.debug("cache %s failed (%s); deleting it", display_path(self.path), error)
        self.close()
        self.path.unlink(missing_ok=True)


def _pack(value: Any) -> bytes:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return ENTRY_FORMAT + hashlib.sha256(payload).digest() + payload


def _unpack(entry: bytes) -> Any | None:
    """Return the object of an entry, or None when the entry is of another format, damaged, or fails to load."""
    header = len(ENTRY_FORMAT)
    if not isinstance(entry, bytes) or not entry.startswith(ENTRY_FORMAT):
        return None
    checksum, payload = entry[header : header + 32], entry[header + 32 :]
    if hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        return pickle.loads(payload)  # noqa: S301 - our own entries, verified by their checksum
    except Exception:  # A class that changed shape, or a truncated pickle: process the file again.
        return None
