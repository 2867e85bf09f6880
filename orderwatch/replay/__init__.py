"""The local replay site: a demo amazon.co.jp account on 127.0.0.1, for tests and `orderwatch demo`."""

from orderwatch.replay.server import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite

__all__ = ["DEMO_EMAIL", "DEMO_PASSWORD", "DEMO_TOTP_SECRET", "ReplaySite"]
