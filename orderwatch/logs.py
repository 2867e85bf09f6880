"""Loguru, configured once at the entry point. Every sink goes through a filter that masks secrets."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from loguru import logger

if TYPE_CHECKING:
    from loguru import Record

_SECRETS: set[str] = set()
MASK = "[secret]"


def register_secret(value: str | None) -> None:
    """Every later log line has ``value`` replaced by [secret] (values shorter than 4 are ignored)."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def mask(text: str) -> str:
    for s in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(s, MASK)
    # a secret a URL carries is percent-encoded (a page's script sending the password in a query): the line
    # is then logged decoded, so that no encoding of it is left to read
    decoded = unquote_plus(text)
    if decoded != text and any(s in decoded for s in _SECRETS):
        return mask(decoded)
    return text


def _filter(record: Record) -> bool:
    record["message"] = mask(record["message"])
    if record["extra"]:
        record["extra"] = {k: mask(str(v)) for k, v in record["extra"].items()}
    return True


def setup_logging(verbosity: int = 0, quiet: bool = False, logfile: Path | None = None) -> None:
    """stderr gets WARNING (default and quiet), INFO (-v), DEBUG (-vv) or TRACE (-vvv); ``logfile`` DEBUG."""
    logger.remove()
    level = "WARNING" if quiet else ("WARNING", "INFO", "DEBUG", "TRACE")[min(verbosity, 3)]
    fmt = "<dim>{time:HH:mm:ss}</dim> <level>{level: <7}</level> {message}"
    logger.add(sys.stderr, level=level, format=fmt, filter=_filter, colorize=None, backtrace=False, diagnose=False)
    if logfile is not None:
        add_logfile(logfile)


def add_logfile(path: Path, level: str = "DEBUG") -> int:
    opts: dict[str, Any] = {"level": level, "filter": _filter, "backtrace": False, "diagnose": False}
    return logger.add(str(path), format="{time:YYYY-MM-DD HH:mm:ss} {level: <7} {message}", **opts)
