"""Small state files next to the saved session: the sign-in cool-down and the one-run-at-a-time lock.
All are 0600 files in 0700 folders, written atomically."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from orderwatch.config import private_dir, write_private
from orderwatch.errors import CheckIncomplete
from orderwatch.i18n import _

COOLDOWN = timedelta(hours=12)


class SignInCooldown:
    """After an automatic sign-in failed, no new automatic attempt until the cool-down has passed:
    repeated fresh sign-ins are what the site's fraud checks punish (the story's lock-out)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def active_until(self, now: datetime | None = None) -> tuple[datetime, str] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            until = datetime.fromisoformat(data["until"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        now = now or datetime.now().astimezone()
        return (until, str(data.get("reason", "sign-in failed"))) if until > now else None

    def start(self, reason: str, now: datetime | None = None) -> datetime:
        now = now or datetime.now().astimezone()
        until = now + COOLDOWN
        write_private(self.path, json.dumps({"since": now.isoformat(), "until": until.isoformat(), "reason": reason}))
        return until

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class RunLock:
    """One run at a time per account: an exclusive, non-blocking lock on ``folder/run.lock``.

    Raises CheckIncomplete (exit 3, reason "already_running") when another run holds it; the lock is
    released when the process ends, even if it crashes, so nothing is left stale."""

    def __init__(self, folder: Path) -> None:
        self.path = private_dir(folder) / "run.lock"
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.chmod(self.path, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or _("another process")
            os.close(fd)
            raise CheckIncomplete(
                _(
                    "another orderwatch run is using this account's session ({holder}); try again when it has finished"
                ).format(holder=holder),
                state="already_running",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {datetime.now().astimezone().isoformat(timespec='seconds')}".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
