"""A dead-man's switch (healthchecks.io style): ``heartbeat_url`` is pinged when a check starts (``/start``),
when it completes (the URL itself: clean or findings, the check ran) and when it fails (``/fail``: could not
complete, bad config, crashed). A machine that stopped running checks stops pinging, and the service says so.

A ping that fails is logged, never fatal: the check matters more than its heartbeat.
"""

from __future__ import annotations

import urllib.request
from typing import Literal
from urllib.error import URLError

from loguru import logger

Signal = Literal["start", "success", "fail"]


def ping_url(base: str, signal: Signal) -> str:
    base = base.rstrip("/")
    return base if signal == "success" else f"{base}/{signal}"


def ping(base: str | None, signal: Signal, timeout_s: float = 10.0) -> bool:
    """Ping the heartbeat (if one is configured). True when it answered 2xx."""
    if not base:
        return False
    url = ping_url(base, signal)
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout_s) as answer:
            status = int(answer.status)
            ok = 200 <= status < 300
    except (URLError, OSError, ValueError) as exc:
        logger.warning("heartbeat {} not delivered: {}", signal, exc.__class__.__name__)
        return False
    if not ok:
        logger.warning("heartbeat {} answered HTTP {}", signal, status)
    return ok
