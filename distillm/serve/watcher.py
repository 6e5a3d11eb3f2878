"""Watch the site's sources and turn bursts of file events into one rebuild each.

watchdog reports every step of an editor's save: a temp file written and
renamed over the post, vim's backup rename and fresh write, JetBrains'
`___jb_tmp___` and `___jb_old___` files, a second save right after the first.
Editor temp, backup and swap files are dropped by name, events that only
read a file are dropped by type, and the rest wait until no event came for
`QUIET_SECONDS`, so one save is one rebuild. What a batch changed is decided
when it runs, so a temp file created and renamed away within the batch counts
for nothing.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..build import STATIC_DIR
from ..loader import CONTENT_DIR
from ..render import TEMPLATES_DIR
from ..settings import PYPROJECT, SETTINGS_FILE
from .session import Changes

logger = logging.getLogger(__name__)

QUIET_SECONDS = 0.1
"""How long the sources must stay still before a rebuild starts; every editor above finishes a save within it."""
WATCHED_FOLDERS = (CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)
SETTINGS_FILES = (PYPROJECT, SETTINGS_FILE)
_CHANGE_EVENTS = frozenset(["created", "modified", "deleted", "moved"])
"""Event types that can change a file; `opened`, `closed` and `closed_no_write` come from reads too."""
_EDITOR_FILE = re.compile(
    r"""
    ^4913$                  # vim writes and deletes it to test that the folder is writable
    | ~$                    # backups: vim, emacs, gedit
    | \.sw[a-px]$           # vim swap files (.swp, then .swo ..., and .swx)
    | ___jb_\w+___$         # JetBrains safe write: ___jb_tmp___, ___jb_old___
    | \.bck$                # backups of several editors
    | ^\.\#                 # emacs lock files
    | ^\#.*\#$              # emacs auto-save files
    """,
    re.VERBOSE,
)


def is_editor_file(path: Path) -> bool:
    """Whether a file is an editor's temp, backup or swap file, which never changes the site."""
    return _EDITOR_FILE.search(path.name) is not None


class ChangeClassifier:
    """Sort changed paths into settings, templates, content and static files of one site."""

    def __init__(self, source_dir: Path) -> None:
        self.source_dir = source_dir.resolve()
        self.folders = {name: self.source_dir / name for name in WATCHED_FOLDERS}

    def is_source(self, path: Path) -> bool:
        """Whether `path` is, or could be, one of the site's sources (editor files excluded)."""
        if is_editor_file(path):
            return False
        if path.parent == self.source_dir:
            return path.name in SETTINGS_FILES or path.name in WATCHED_FOLDERS
        return any(path.is_relative_to(folder) for folder in self.folders.values())

    def classify(self, paths: Iterable[Path], known: set[Path]) -> Changes | None:
        """Return what changed, keeping paths that exist now or were sources; None when nothing did."""
        settings = False
        by_folder: dict[str, set[Path]] = {name: set() for name in WATCHED_FOLDERS}
        for path in paths:
            if not (path.exists() or path in known or any(source.is_relative_to(path) for source in known)):
                continue  # A temp file that came and went within the batch.
            if path.parent == self.source_dir and path.name in SETTINGS_FILES:
                settings = True
                continue
            for name, folder in self.folders.items():
                if path.is_relative_to(folder):
                    by_folder[name].add(path)
        if not settings and not any(by_folder.values()):
            return None
        return Changes(
            settings=settings,
            templates=frozenset(by_folder[TEMPLATES_DIR]),
            content=frozenset(by_folder[CONTENT_DIR]),
            static=frozenset(by_folder[STATIC_DIR]),
        )


class RebuildQueue:
    """Collect changed paths and hand them to `rebuild` in batches, one batch per quiet period.

    Changes that arrive during a rebuild wait for it and form the next batch,
    so a save during a rebuild causes exactly one more rebuild.
    """

    def __init__(self, rebuild: Callable[[set[Path]], None], quiet_seconds: float = QUIET_SECONDS) -> None:
        self.rebuild = rebuild
        self.quiet_seconds = quiet_seconds
        self._pending: set[Path] = set()
        self._last_event = 0.0
        self._stopping = False
        self._condition = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="distillm-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def add(self, paths: Iterable[Path]) -> None:
        with self._condition:
            self._pending.update(paths)
            self._last_event = time.monotonic()
            self._condition.notify()

    def stop(self, timeout: float) -> None:
        """Stop after the rebuild that is running, if any; wait at most `timeout` seconds."""
        with self._condition:
            self._stopping = True
            self._condition.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            try:
                self.rebuild(batch)
            except Exception:
                # A bug in distillm: keep serving and watching, and show the traceback.
                logger.exception("rebuild failed with an unexpected error")

    def _next_batch(self) -> set[Path] | None:
        with self._condition:
            while not self._stopping:
                if not self._pending:
                    self._condition.wait()
                    continue
                quiet_for = time.monotonic() - self._last_event
                if quiet_for < self.quiet_seconds:
                    self._condition.wait(self.quiet_seconds - quiet_for)
                    continue
                batch, self._pending = self._pending, set()
                return batch
            return None


class _EventHandler(FileSystemEventHandler):
    def __init__(self, classifier: ChangeClassifier, queue: RebuildQueue, watch_folder: Callable[[Path], None]) -> None:
        self.classifier = classifier
        self.queue = queue
        self.watch_folder = watch_folder

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGE_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # A folder's own timestamp; the files inside report their changes.
        paths = [Path(_text(event.src_path))]
        if event.event_type == "moved":
            # A rename onto a source file (the usual atomic save) is a change of that file.
            paths.append(Path(_text(event.dest_path)))
        sources = [path for path in paths if self.classifier.is_source(path)]
        for path in sources:
            if event.is_directory and path.parent == self.classifier.source_dir:
                self.watch_folder(path)  # content/, templates/ or static/ was created.
        if sources:
            self.queue.add(sources)


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path


class SourceWatcher:
    """A watchdog observer on the site's settings file and its content, templates and static folders.

    The site's folder itself is watched without recursion, so its output and
    cache folders (`public/`, `.distillm-cache/`) never wake it up.
    """

    def __init__(self, source_dir: Path, queue: RebuildQueue) -> None:
        self.classifier = ChangeClassifier(source_dir)
        self.observer = Observer()
        self.handler = _EventHandler(self.classifier, queue, self.watch_folder)
        self._watched: set[Path] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        self.observer.schedule(self.handler, str(self.classifier.source_dir), recursive=False)
        for folder in self.classifier.folders.values():
            if folder.is_dir():
                self.watch_folder(folder)
        self.observer.start()

    def watch_folder(self, folder: Path) -> None:
        with self._lock:
            if folder in self._watched or not folder.is_dir():
                return
            self._watched.add(folder)
        self.observer.schedule(self.handler, str(folder), recursive=True)

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
