"""`distillm serve`: build the site into a temporary folder, serve it, and rebuild it on every save.

The pieces: `session` keeps the site in memory and rebuilds it incrementally,
`watcher` turns file events into batches of changes, `server` serves the
files and sends open pages the events that reload them.
"""

from __future__ import annotations

import ipaddress
import logging
import shutil
import signal
import tempfile
import threading
import uuid
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from ..errors import DistillmError
from ..loader import LoadOptions
from .server import EventHub, ServedSite, SiteServer
from .session import SessionOptions, SiteSession
from .status import RepeatedWarningFilter
from .watcher import RebuildQueue, SourceWatcher

logger = logging.getLogger(__name__)

DEFAULT_PORT = 1313
"""Hugo's dev server port, so a migrated blog's local bookmarks keep working."""
STOP_TIMEOUT_SECONDS = 10.0
"""How long Ctrl-C waits for a running rebuild before removing the served folder."""


@dataclass(frozen=True)
class ServeOptions:
    """Options of `distillm serve`."""

    source_dir: Path = Path(".")
    bind: str = "127.0.0.1"
    """Address to listen on; the default accepts connections from this machine only."""
    port: int = DEFAULT_PORT
    """TCP port; 0 takes a free one."""
    load: LoadOptions = LoadOptions()
    open_browser: bool = False


def serve(options: ServeOptions, warning_filter: RepeatedWarningFilter | None = None) -> None:
    """Serve the site until Ctrl-C; raise `DistillmError` when it cannot start.

    `warning_filter`, installed on the terminal's log handler by the caller,
    learns after each rebuild which warnings the terminal has shown.
    """
    source_dir = options.source_dir.resolve()
    output_dir = Path(tempfile.mkdtemp(prefix="distillm-serve-"))
    stopping = threading.Event()
    hub = EventHub(uuid.uuid4().hex)
    session: SiteSession | None = None
    watcher = queue = server = None
    try:
        _stop_on_sigterm()
        served = ServedSite(output_dir, lambda: session.base_path if session else "/", hub, stopping)
        server = _listen(options, served)
        origin = f"http://{_url_host(options.bind)}:{server.server_address[1]}"
        session = SiteSession(SessionOptions(source_dir, output_dir, origin, options.load), hub)
        session.build_all()
        if session.settings is None:
            raise DistillmError("cannot serve a site whose settings have errors; fix them and start again")
        _remember_shown(session, warning_filter)

        def rebuild(paths: set[Path]) -> None:
            assert session is not None
            changes = watcher.classifier.classify(paths, session.known_sources())
            if changes is not None and session.rebuild(changes) is not None:
                _remember_shown(session, warning_filter)

        queue = RebuildQueue(rebuild)
        watcher = SourceWatcher(source_dir, queue)
        watcher.start()
        queue.start()
        url = origin + session.base_path
        logger.info("Serving %s at %s (press Ctrl-C to stop)", output_dir, url)
        if options.open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        logger.info("Stopped; removed %s", output_dir)
    finally:
        stopping.set()
        hub.close()
        if watcher is not None:
            watcher.stop()
        if queue is not None:
            queue.stop(STOP_TIMEOUT_SECONDS)
        if server is not None:
            server.server_close()
        shutil.rmtree(output_dir, ignore_errors=True)


def _stop_on_sigterm() -> None:
    """Stop on SIGTERM as on Ctrl-C, so the served folder is removed either way."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _listen(options: ServeOptions, served: ServedSite) -> SiteServer:
    try:
        return SiteServer((options.bind, options.port), served)
    except OSError as error:
        raise DistillmError(
            f"cannot listen on {options.bind} port {options.port}: {error.strerror}; "
            "choose another --port, or 0 for any free port"
        ) from error


def _url_host(bind: str) -> str:
    """Return the host for URLs of a server bound to `bind`; a wildcard address is reached at loopback."""
    try:
        address = ipaddress.ip_address(bind)
    except ValueError:
        return bind  # A host name.
    if address.is_unspecified:
        return "127.0.0.1" if address.version == 4 else "[::1]"
    return f"[{bind}]" if address.version == 6 else bind


def _remember_shown(session: SiteSession, warning_filter: RepeatedWarningFilter | None) -> None:
    if warning_filter is not None:
        warning_filter.shown = frozenset(session.status.warnings)
