"""Find and launch Chromium; build the browser context every run uses (locale, no downloads, no service
workers) and route every request of it to the request guard (bots/guard.py)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from loguru import logger
from playwright.sync_api import Browser, BrowserContext, Playwright

from orderwatch.bots.guard import CLOSE_UNROUTED_CHANNELS, RequestGuard
from orderwatch.errors import UsageError
from orderwatch.i18n import _
from orderwatch.marketplace import Marketplace

# Tried in order when no browser is configured. The headless shell first: 2-3x faster to start,
# half the memory. A headed login needs a full browser, so it is skipped then.
SYSTEM_BROWSERS = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
MAC_BROWSERS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
QUIET_ARGS = [
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    # Fewer processes: GPU and network service inside the browser process, no zygotes (Playwright already
    # runs Chromium with --no-sandbox). Measured by bench/check_targets.py: 674 → 495 MB summed RSS.
    "--in-process-gpu",
    "--no-zygote",
    # No GPU, not even a software one: pages and screenshots are drawn by the CPU raster as before (the same
    # JPEG, byte for byte, measured), and the browser process holds ~14 MB less (bench/check_targets.py).
    "--disable-gpu",
    "--disable-software-rasterizer",
    "--enable-features=NetworkServiceInProcess2",
    # WebRTC may not send UDP anywhere (STUN/TURN to an IP literal bypasses every route): without a proxy,
    # "disable_non_proxied_udp" leaves it no way out. Reading contexts run no scripts at all.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]
# Loopback-only runs (tests, demo): no host name resolves except the replay site's.
LOOPBACK_ONLY_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]


def find_browser(configured: Path | None = None, *, headed: bool = False, prefer_full: bool = False) -> Path | None:
    """The Chromium executable to use, or None for Playwright's own downloaded browser.

    Order: the configured path; an installed Chromium (the headless shell first, unless headed or
    ``prefer_full`` — real runs prefer full Chromium, whose user agent does not say "HeadlessChrome");
    Playwright's download. Raises UsageError when there is none.
    """
    if configured is not None:
        if not (configured.is_file() and os.access(configured, os.X_OK)):
            message = _("browser {path} is not an executable file").format(path=configured)
            raise UsageError(message, browser=str(configured))
        return configured
    names = [n for n in SYSTEM_BROWSERS if not (headed and n == "chromium-headless-shell")]
    if prefer_full:
        names.sort(key=lambda n: n == "chromium-headless-shell")
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    if sys.platform == "darwin":
        for candidate in MAC_BROWSERS:
            if Path(candidate).exists():
                return Path(candidate)
    if playwright_browser_installed():
        return None
    if headed:
        raise UsageError(
            _(
                "a visible browser window needs full Chromium or Google Chrome (the headless shell cannot show one): "
                "install it (Debian: apt-get install chromium), set ORDERWATCH_BROWSER, or use --headless"
            )
        )
    raise UsageError(
        _(
            "no Chromium found: run `orderwatch setup-browser` (Playwright's Chromium), install one (Debian: "
            "apt-get install chromium-headless-shell; in a source checkout scripts/setup.sh does it), or set "
            "ORDERWATCH_BROWSER to a Chromium executable"
        )
    )


def playwright_browser_installed() -> bool:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        return Path(p.chromium.executable_path).exists()


def launch(
    pw: Playwright,
    executable: Path | None,
    *,
    headed: bool = False,
    loopback_only: bool = False,
    hosts: list[str] | None = None,
) -> Browser:
    """Launch Chromium. The resolver knows only the loopback names (``loopback_only``) or ``hosts``."""
    args = QUIET_ARGS + (LOOPBACK_ONLY_ARGS if loopback_only else [resolver_rules(hosts)] if hosts else [])
    logger.debug("launching {} (headed={})", executable or "Playwright's Chromium", headed)
    return pw.chromium.launch(executable_path=str(executable) if executable else None, headless=not headed, args=args)


def resolver_rules(hosts: list[str]) -> str:
    """Chromium's host resolver knows these hosts and no other: a second line behind the guard."""
    return "--host-resolver-rules=MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {h}" for h in hosts)


def new_context(
    browser: Browser,
    market: Marketplace,
    base_url: str,
    *,
    scripts: bool = False,
    storage_state: Path | None = None,
    timeout_s: float = 30.0,
) -> tuple[BrowserContext, RequestGuard]:
    """A context with the marketplace's locale and time zone, the saved session, and the guard.

    ``scripts=False`` (every account page is read so): the page's JavaScript never runs, so nothing can
    leave by a channel the route cannot see — unload beacons, WebSockets, WebRTC, workers, popups — and the
    DOM is the document the server sent; the automatic sign-in runs so too. ``scripts=True`` only for a
    person's own login (`orderwatch login --headed`): beacons, keepalive fetches, workers and WebRTC are
    removed before the page's scripts run, WebSockets are closed before they connect, and every request
    still passes the guard."""
    opts: dict[str, Any] = {
        "locale": market.locale,
        "timezone_id": market.timezone,
        "service_workers": "block",
        "accept_downloads": False,
        "java_script_enabled": scripts,
    }
    if storage_state is not None and storage_state.exists():
        opts["storage_state"] = str(storage_state)
    context = browser.new_context(**opts)
    context.set_default_timeout(timeout_s * 1000)  # every wait (a sign-in button that never comes, too): timeout_s
    parts = urlsplit(base_url)
    guard = RequestGuard(site_origin=(parts.scheme, parts.netloc), timeout_ms=timeout_s * 1000)
    context.route("**/*", guard.handle)
    context.route_web_socket(re.compile(".*"), guard.refuse_web_socket)
    if scripts:
        context.add_init_script(CLOSE_UNROUTED_CHANNELS)

    def _no_popups(page: Any) -> None:
        if len(context.pages) > 1:  # the first page is the run's own
            guard.refuse_popup(page)

    context.on("page", _no_popups)
    return context, guard


if __name__ == "__main__":  # `python -m orderwatch.bots.browser`: print the browser orderwatch would use (set-up)
    try:
        found = find_browser(headed="--headed" in sys.argv)
    except UsageError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(1)
    print(found or "playwright-managed chromium")
