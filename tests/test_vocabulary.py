"""One source for each word (issue 15): page kinds, finding kinds, guard reasons and marketplace codes are named
once, in orderwatch/vocabulary.py; every table keyed by one of them has exactly its values, so a kind added
without its title or its name for the reader fails here, and mypy checks every literal written for them."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from orderwatch import vocabulary
from orderwatch.baseline import FINDING_SECTION, PAGE_KINDS
from orderwatch.bots.guard import _REDIRECTED
from orderwatch.diff import _ATTEMPTS
from orderwatch.errors import PAGE_NAMES
from orderwatch.marketplace import MARKETPLACES
from orderwatch.models import GuardEvent
from orderwatch.report import FINDING_TITLES, Report, RunError, dumps, render_markdown, render_terminal
from orderwatch.vocabulary import (
    ALL_PAGE_KINDS,
    FINDING_KINDS,
    GUARD_REASONS,
    MARKETPLACE_CODES,
    REDIRECT_REASONS,
    VERDICT_REASONS,
)
from tests.test_layering import imports_of


def test_every_finding_kind_has_a_title_and_every_title_a_kind() -> None:
    assert sorted(FINDING_TITLES) == sorted(FINDING_KINDS)


def test_every_page_kind_has_a_name_for_the_reader_and_every_name_a_kind() -> None:
    assert sorted(PAGE_NAMES) == sorted(ALL_PAGE_KINDS)


def test_the_settings_sections_read_known_pages_and_accept_known_findings() -> None:
    assert set(PAGE_KINDS.values()) <= set(ALL_PAGE_KINDS)
    assert set(FINDING_SECTION) <= set(FINDING_KINDS)


def test_every_marketplace_code_has_a_marketplace_that_carries_it() -> None:
    assert sorted(MARKETPLACES) == sorted(MARKETPLACE_CODES)
    assert all(market.code == code for code, market in MARKETPLACES.items())


def test_a_refused_redirect_is_named_for_the_verdict_its_target_gets() -> None:
    assert sorted(_REDIRECTED) == sorted(VERDICT_REASONS)
    assert all(redirect == f"redirect_{reason}" for reason, redirect in _REDIRECTED.items())
    assert set(_REDIRECTED.values()) | {"redirect_resends_post"} == set(REDIRECT_REASONS)


def test_the_attempts_that_become_findings_are_reasons_the_guard_gives() -> None:
    assert _ATTEMPTS.issubset(GUARD_REASONS)


def test_the_vocabulary_imports_the_standard_library_only() -> None:
    imported = {name.partition(".")[0] for name in imports_of("orderwatch.vocabulary")}
    assert imported and imported <= set(sys.stdlib_module_names), imported
    assert vocabulary.__name__ == "orderwatch.vocabulary"


def _stopped_report() -> Report:
    when = datetime(2026, 11, 28, 3, 30, tzinfo=UTC)
    report = Report("co.jp", "https://www.amazon.co.jp", when.date(), when.date() - timedelta(days=30), when)
    report.error = RunError("guard_blocked", "the page tried to buy")
    report.guard_blocked = [
        GuardEvent("POST", "https://www.amazon.co.jp/checkout/entry/buynow", "document", "state_changing_method"),
        GuardEvent("POST", "https://www.amazon.co.jp/hz/mycd/ajax", "xhr", "console_activity_refused", "Delete"),
    ]
    return report


def test_the_typed_error_and_guard_events_are_written_as_the_same_json_objects() -> None:
    out = dumps(_stopped_report())
    assert '"error": {\n    "reason": "guard_blocked",\n    "message": "the page tried to buy"\n  },' in out
    assert (
        '  "guard_blocked": [\n'
        "    {\n"
        '      "kind": "guard_blocked",\n'
        '      "method": "POST",\n'
        '      "url": "https://www.amazon.co.jp/checkout/entry/buynow",\n'
        '      "resource_type": "document",\n'
        '      "reason": "state_changing_method"\n'
        "    },\n"
        "    {\n"
        '      "kind": "guard_blocked",\n'
        '      "method": "POST",\n'
        '      "url": "https://www.amazon.co.jp/hz/mycd/ajax",\n'
        '      "resource_type": "xhr",\n'
        '      "reason": "console_activity_refused",\n'
        '      "detail": "Delete"\n'
        "    }\n"
        "  ]\n"
    ) in out


def test_the_typed_error_and_guard_events_read_the_same_in_the_terminal_and_markdown() -> None:
    report = _stopped_report()
    terminal, markdown = render_terminal(report), render_markdown(report)
    assert "  the page tried to buy" in terminal
    assert "  POST https://www.amazon.co.jp/checkout/entry/buynow (state_changing_method)" in terminal
    assert "`guard_blocked`: the page tried to buy" in markdown
    assert "- POST https://www.amazon.co.jp/hz/mycd/ajax (console_activity_refused)" in markdown
