"""Notifications: decide (pure) whether a run is worth telling the user about, then send through apprise.

Told once: a finding is announced when it first appears, not every night while it stays; a change of
status is announced (findings → all clear again; a check that could not complete for
``incomplete_after`` runs in a row, and its recovery). A quiet night sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loguru import logger

from orderwatch.baseline import FINDING_SECTION
from orderwatch.report import Report, coverage_note, settings_summary

FindingKey = tuple[str, str]


@dataclass(frozen=True)
class Notice:
    title: str
    body: str
    announces: list[FindingKey] = field(default_factory=list)  # findings to mark as notified once sent


def decide(
    report: Report,
    previous: list[str],
    states: dict[FindingKey, str],
    incomplete_after: int = 2,
) -> Notice | None:
    """``previous``: statuses of earlier runs, newest first. ``states``: finding → new/notified/acknowledged."""
    new = [f for f in report.findings if states.get((f.kind, f.subject), "new") == "new"]
    lines: list[str] = []
    title = ""
    if new:
        title = f"orderwatch: {len(new)} new finding(s) on amazon.{report.marketplace}"
        for f in new:
            lines += [f"[{f.severity.upper()}] {f.kind}: {f.subject}", f.message, f"What to do: {f.advice}", ""]
    earlier_incomplete = 0
    for status in previous:
        if status != "incomplete":
            break
        earlier_incomplete += 1
    if report.incomplete:
        if earlier_incomplete + 1 == incomplete_after:
            reason = (report.error or {}).get("message", "unknown reason")
            title = title or f"orderwatch: the check could not be completed {incomplete_after} times in a row"
            lines.append(f"The check has not completed for {incomplete_after} runs: {reason}")
    elif earlier_incomplete >= incomplete_after:
        title = title or "orderwatch: the check completes again"
        lines.append(f"The check completed again after {earlier_incomplete} incomplete runs (status: {report.status}).")
    elif report.status == "clean" and previous and previous[0] == "findings":
        title = title or "orderwatch: all clear again"
        lines.append("Nothing unexpected in the account any more.")
    if not title:
        return None
    if new and any(f.kind in FINDING_SECTION for f in new):  # the settings as read, next to their findings
        lines += ["Settings:"] + [
            f"- {t} ({w}): {'; '.join(facts) or 'not read'}" for t, w, facts in settings_summary(report)
        ]
    if report.incomplete and report.unread:
        if (note := coverage_note(report)) is not None:
            lines += ["", note]
        lines += ["", "Not read in this run (so this is not an all-clear for them):"]
        lines += [f"- {u.label()}: {u.message}" for u in report.unread]
    return Notice(title, "\n".join(lines).strip(), [(f.kind, f.subject) for f in new])


def send(urls: list[str], title: str, body: str) -> list[str]:
    """Send to every apprise URL; returns the URLs that failed (as an index, never the URL: it may hold a
    token). An empty list means everything was delivered."""
    import apprise

    failed: list[str] = []
    for index, url in enumerate(urls, 1):
        sender = apprise.Apprise()
        if not sender.add(url):
            failed.append(f"notification target #{index} (not a valid apprise URL)")
            continue
        if not sender.notify(title=title, body=body):
            failed.append(f"notification target #{index}")
    for f in failed:
        logger.warning("could not notify {}", f)
    return failed
