"""Notifications: decide (pure) whether a run is worth telling the user about, then send through apprise.

Told once: a finding is announced when it first appears, not every night while it stays; a change of
status is announced (findings → all clear again; a check that could not complete for
``incomplete_after`` runs in a row, and its recovery). A quiet night sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loguru import logger

from orderwatch.baseline import FINDING_SECTION
from orderwatch.i18n import _, ngettext
from orderwatch.report import STATUS_WORDS, Report, coverage_note, finding_heading, settings_summary

FindingKey = tuple[str, str]


@dataclass(frozen=True)
class Notice:
    title: str
    body: str
    announces: list[FindingKey] = field(default_factory=list)  # findings to mark as notified once sent
    level: str = "info"  # "failure" (a high finding), "warning" (another finding, or the check failing), "info"


@dataclass(frozen=True)
class Failed:
    """A notification target that did not take the message: its number in ``notify`` (never its URL: it may
    hold a token) and why, as apprise said it (secrets masked)."""

    index: int
    why: str


def decide(
    report: Report,
    previous: list[str],
    states: dict[FindingKey, str],
    incomplete_after: int = 2,
    report_path: str | None = None,
) -> Notice | None:
    """``previous``: statuses of earlier runs, newest first. ``states``: finding → new/notified/acknowledged.
    ``report_path``: the run's report.html, named at the end of the message."""
    new = [f for f in report.findings if states.get((f.kind, f.subject), "new") == "new"]
    lines: list[str] = []
    title = ""
    if new:
        title = ngettext(
            "orderwatch: {n} new finding on amazon.{marketplace}",
            "orderwatch: {n} new findings on amazon.{marketplace}",
            len(new),
        ).format(n=len(new), marketplace=report.marketplace)
        for f in new:
            lines += [finding_heading(f), f.message, _("What to do: {advice}").format(advice=f.advice), ""]
    earlier_incomplete = 0
    for status in previous:
        if status != "incomplete":
            break
        earlier_incomplete += 1
    if report.incomplete:
        if earlier_incomplete + 1 == incomplete_after:
            reason = (report.error.message if report.error else "") or _("unknown reason")
            title = title or _("orderwatch: the check could not be completed {n} times in a row").format(
                n=incomplete_after
            )
            lines.append(
                _("The check has not completed for {n} runs: {reason}").format(n=incomplete_after, reason=reason)
            )
    elif earlier_incomplete >= incomplete_after:
        title = title or _("orderwatch: the check completes again")
        lines.append(
            _("The check completed again after {n} incomplete runs (status: {status}).").format(
                n=earlier_incomplete, status=_(STATUS_WORDS[report.status])
            )
        )
    elif report.status == "clean" and previous and previous[0] == "findings":
        title = title or _("orderwatch: all clear again")
        lines.append(_("Nothing unexpected in the account any more."))
    if not title:
        return None
    if new and any(f.kind in FINDING_SECTION for f in new):  # the settings as read, next to their findings
        lines += [_("Settings:")] + [
            _("- {title} ({when}): {facts}").format(title=t, when=w, facts=_("; ").join(facts) or _("not read"))
            for t, w, facts in settings_summary(report)
        ]
    if report.incomplete and report.unread:
        if (note := coverage_note(report)) is not None:
            lines += ["", note]
        lines += ["", _("Not read in this run (so this is not an all-clear for them):")]
        lines += [f"- {u.label()}: {u.message}" for u in report.unread]
    if report_path:
        lines += ["", _("Report: {path}").format(path=report_path)]
    if any(f.kind == "unexpected_order" for f in new):
        lines.append(_("Bought on purpose? `orderwatch ack ORDER_ID` and it is not reported again."))
    level = "failure" if any(f.severity == "high" for f in new) else "warning" if new or report.incomplete else "info"
    return Notice(title, "\n".join(lines).strip(), [(f.kind, f.subject) for f in new], level)


def invalid_targets(urls: list[str]) -> list[int]:
    """The numbers (1-based) of the targets apprise cannot use at all (unknown scheme, malformed)."""
    import apprise

    return [index for index, url in enumerate(urls, 1) if not apprise.Apprise().add(url)]


def send(urls: list[str], title: str, body: str, level: str = "info") -> list[Failed]:
    """Send to every apprise URL; returns the targets that failed and why (an empty list: all delivered).
    ``level``: apprise's notification type, so a high finding shows as a failure where the service can."""
    import logging

    import apprise

    from orderwatch.logs import mask

    kind = {"failure": apprise.NotifyType.FAILURE, "warning": apprise.NotifyType.WARNING}.get(
        level, apprise.NotifyType.INFO
    )
    said: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                said.append(record.getMessage())

    handler = Collect()
    apprise_log = logging.getLogger("apprise")
    apprise_log.addHandler(handler)
    failed: list[Failed] = []
    try:
        for index, url in enumerate(urls, 1):
            said.clear()
            sender = apprise.Apprise()
            if not sender.add(url):
                failed.append(Failed(index, _("not a valid apprise URL (check its scheme, e.g. ntfy://, mailto://)")))
                continue
            if not sender.notify(title=title, body=body, notify_type=kind):
                why = "; ".join(dict.fromkeys(mask(m) for m in said)) or _("the service did not accept it")
                failed.append(Failed(index, why[:300]))
    finally:
        apprise_log.removeHandler(handler)
    for f in failed:
        logger.warning("could not notify target #{}: {}", f.index, f.why)
    return failed
