"""A real `distillm serve` process for tests: started on a free port, read line by line, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
REBUILD_LINE = re.compile(r" changed: ")
_SERVING = re.compile(r"^Serving (?P<folder>\S+) at (?P<url>http://\S+) ")


class ServeProcess:
    """`python -m distillm serve --source ROOT --port PORT ...` in a subprocess, for a `with` block.

    Leaving the block sends SIGINT, as Ctrl-C does, and waits for the process to end.
    """

    def __init__(self, root: Path, *arguments: str, port: int = 0) -> None:
        self.command = [sys.executable, "-m", "distillm", "serve", "--source", str(root), "--port", str(port), *arguments]
        self.lines: list[str] = []
        """Every line the process wrote to stderr so far."""
        self._condition = threading.Condition()
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        """The URL the server printed: origin and base path."""
        self.folder = Path()
        """The temporary folder the site is served from."""
        self.returncode: int | None = None
        self._output_ended = False

    def __enter__(self) -> ServeProcess:
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8", env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for(_SERVING, timeout=STARTUP_TIMEOUT)
        match = _SERVING.match(line)
        assert match is not None
        self.url = match["url"]
        self.folder = Path(match["folder"])
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            with self._condition:
                self.lines.append(line.rstrip("\n"))
                self._condition.notify_all()
        with self._condition:
            self._output_ended = True
            self._condition.notify_all()

    @property
    def origin(self) -> str:
        """Scheme, host and port of the server."""
        match = re.match(r"http://[^/]+", self.url)
        assert match is not None
        return match.group()

    def wait_for(self, pattern: re.Pattern[str] | str, timeout: float = 10.0, start: int = 0) -> str:
        """Return the first line from index `start` on that matches `pattern`, waiting up to `timeout` seconds."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for line in self.lines[start:]:
                    if regex.search(line):
                        return line
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._output_ended:
                    output = "\n".join(self.lines[-30:])
                    raise AssertionError(f"no line matching {regex.pattern!r} within {timeout} s; output:\n{output}")
                self._condition.wait(min(remaining, 0.1))

    def rebuilds(self, start: int = 0) -> list[str]:
        """Return the rebuild log lines from line index `start` on."""
        with self._condition:
            return [line for line in self.lines[start:] if REBUILD_LINE.search(line)]

    def mark(self) -> int:
        """Return the number of lines so far, to read only later ones."""
        with self._condition:
            return len(self.lines)

    def stop(self) -> None:
        """Send SIGINT, as Ctrl-C does, and wait for the process to end."""
        if self.process is None or self.returncode is not None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.returncode = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.returncode = self.process.wait()
            raise AssertionError("distillm serve did not stop within 15 s of SIGINT") from None
        with self._condition:
            self._condition.wait_for(lambda: self._output_ended, timeout=STOP_TIMEOUT)
