"""Progress of a check on the terminal: one updating status line (step, elapsed) on a terminal; plain
lines when the output is not a terminal (a log file); nothing with --quiet (cron)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self._shown = False

    def __call__(self, step: str) -> None:
        if self.quiet:
            return
        line = f"[{time.monotonic() - self.start:5.1f}s] {step}"
        if self.tty:
            width = 100
            self.stream.write("\r\033[K" + line[:width])
            self._shown = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        """Clear the status line before the summary is printed."""
        if self.tty and self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
