"""The HTML report as a person sees it in Chromium, and progress lines during a check."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from orderwatch.progress import Progress

from .conftest import cli_env


@pytest.mark.browser
def test_the_html_report_shows_findings_first_with_screenshots_then_orders_and_one_click(
    browser: Browser, tmp_path: Path
) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "orderwatch", "demo", "--report-html", "r.html"],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
        timeout=120,
    )
    assert out.returncode == 1, out.stderr
    html = Path("r.html").read_text()
    assert "http" not in html.split("<body>")[0]  # nothing fetched: one self-contained file
    page = browser.new_page()
    page.goto(Path("r.html").resolve().as_uri())
    assert page.locator("#status").inner_text() == "Something needs your attention"
    findings, orders, one_click = (page.locator(s).bounding_box() for s in ("#findings", "#orders", "#one-click"))
    assert findings and orders and one_click and findings["y"] < orders["y"] < one_click["y"]
    cards = page.locator(".finding")
    assert cards.count() == 4
    assert "D01-2046175-3391842" in cards.nth(0).inner_text() and "What to do" in cards.nth(0).inner_text()
    assert "one_click_enabled" in cards.nth(1).inner_text()
    assert "trial_started" in cards.nth(2).inner_text() and "Amazon Music Unlimited" in cards.nth(2).inner_text()
    assert "device_added" in cards.nth(3).inner_text()
    settings = page.locator("#settings")
    box = settings.bounding_box()
    assert box is not None and box["y"] > one_click["y"]
    assert "d***@example.com" in settings.inner_text() and "demo@example.com" not in html
    # no screenshot for device_added: without scripts the console page shows no list (the answer was read);
    # none of Login & Security either (it shows the e-mail and phone in full)
    assert cards.nth(3).locator("img").count() == 0
    assert "Free trial started" in cards.nth(2).inner_text()  # headings are words, the code stays beside them
    cards.nth(0).locator(".shot a").click()  # a tap opens the screenshot full size
    assert page.locator("#full-f1").is_visible()
    for link in page.locator(".finding a[href^='http']").all():  # addresses are links and wrap on a phone
        assert link.get_attribute("href", timeout=1000) == link.inner_text()
    page.goto(Path("r.html").resolve().as_uri())
    page.set_viewport_size({"width": 390, "height": 844})  # a phone at 7 am: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for i in range(3):  # each other finding shows the page it came from
        image = cards.nth(i).locator(".shot img")
        assert image.get_attribute("alt") == "Screenshot of the page this finding came from"
        assert image.evaluate("img => img.complete && img.naturalWidth > 300")
    assert page.locator("#orders tr").count() == 12  # header + the window's 11 orders
    assert page.locator("#orders tr.flagged").count() == 1
    assert "1-Click for the browser orderwatch signs in with: ON" in page.locator("#one-click").inner_text()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_one_updating_line() -> None:
    stream = _Tty()
    progress = Progress(stream)
    progress("order-history /your-orders/orders")
    progress("one-click /cpe/yourpayments/settings/manageoneclick")
    progress.done()
    text = stream.getvalue()
    assert text.count("\r\033[K") == 3 and "\n" not in text and "one-click" in text


def test_progress_elsewhere_is_plain_lines_and_nothing_when_quiet() -> None:
    stream = io.StringIO()
    Progress(stream)("signing in")
    assert stream.getvalue().endswith("] signing in\n") and "\r" not in stream.getvalue()
    quiet = io.StringIO()
    Progress(quiet, quiet=True)("signing in")
    assert quiet.getvalue() == ""


@pytest.mark.browser
def test_a_check_shows_its_steps_unless_quiet() -> None:
    run = [sys.executable, "-m", "orderwatch"]
    loud = subprocess.run([*run, "demo"], capture_output=True, text=True, env=cli_env(), check=False, timeout=120)
    steps = [line for line in loud.stderr.splitlines() if line.startswith("[")]
    assert any("order-history" in s for s in steps) and any("one-click" in s for s in steps)
    quiet = subprocess.run(
        [*run, "--quiet", "demo"], capture_output=True, text=True, env=cli_env(), check=False, timeout=120
    )
    assert quiet.returncode == 1 and not [line for line in quiet.stderr.splitlines() if line.startswith("[")]


@pytest.mark.browser
def test_only_pages_a_finding_may_point_at_are_photographed() -> None:
    """A screenshot costs about as much as reading the page: the unexpected Kindle order's summary (the
    picture its finding shows) and the 1-Click page (on, expected off) — not the history pages (the Kindle
    order's own summary is pictured instead), nor the summary of the expected Python book."""
    out = subprocess.run(
        [sys.executable, "-m", "orderwatch", "demo"], capture_output=True, text=True, env=cli_env(), timeout=120
    )
    assert out.returncode == 1, out.stderr
    run_dir = Path(out.stdout.strip().splitlines()[-1].removeprefix("Report: ")).parent
    shots = sorted(p.name for p in (run_dir / "pages").iterdir())
    assert [name.split("-", 1)[1] for name in shots] == [
        "order-summary.jpg",
        "one-click.jpg",
        "memberships.jpg",  # the first run reads the settings pages: a settings finding may point at them
    ]
    # JPEG (a third cheaper to take than PNG), and the report says so to the browser that shows it
    assert all((run_dir / "pages" / name).read_bytes()[:3] == b"\xff\xd8\xff" for name in shots)
    html = (run_dir / "report.html").read_text()
    assert "data:image/jpeg;base64," in html and "data:image/png" not in html
    report = json.loads((run_dir / "report.json").read_text())
    assert report["findings"][0]["subject"] == "D01-2046175-3391842"


def test_a_history_page_is_photographed_only_for_an_unexpected_order_without_a_summary_of_its_own() -> None:
    """One picture per finding: a digital order's finding shows its summary, so the history page listing it is
    not photographed for it; a physical order has no summary, so its history page is."""
    from types import SimpleNamespace

    from orderwatch.allowlist import Allowlist
    from orderwatch.flows.check import _worth_a_picture
    from orderwatch.models import OrderHistoryPage

    from .test_diff import KINDLE, TISSUE

    nobody = Allowlist()  # expects nothing: both orders are unexpected
    target = SimpleNamespace()
    report = SimpleNamespace(orders=[KINDLE, TISSUE])
    digital_only = OrderHistoryPage("co.jp", (KINDLE,), 1)
    with_physical = OrderHistoryPage("co.jp", (KINDLE, TISSUE), 2)
    assert not _worth_a_picture(report, nobody, target, "order-history", digital_only)  # type: ignore[arg-type]
    assert _worth_a_picture(report, nobody, target, "order-history", with_physical)  # type: ignore[arg-type]
