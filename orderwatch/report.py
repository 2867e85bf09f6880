"""The report of one check and its renderings (terminal, JSON, Markdown). Pure functions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup, escape

from orderwatch.baseline import FINDING_SECTION, PAGE_KINDS, SECTIONS, SettingsRead, section_lines, section_title
from orderwatch.diff import Finding
from orderwatch.errors import ExitCode, page_name
from orderwatch.i18n import N_, _, day, language, moment, ngettext, sentences
from orderwatch.models import DigitalOrderSummary, GuardEvent, OneClickSettings, Order, PageCapture
from orderwatch.vocabulary import FindingKind, PageKind

Status = Literal["clean", "findings", "incomplete"]
EXIT_CODES: dict[Status, ExitCode] = {
    "clean": ExitCode.OK,
    "findings": ExitCode.FINDINGS,
    "incomplete": ExitCode.INCOMPLETE,
}

# What the user can do about a page that could not be read, by reason (the reasons of orderwatch.errors).
NEXT_STEP = {
    "page_changed": N_(
        "The site changed its page, or showed another one. Open it yourself — type the address, do not follow "
        "links in mails — and check it by eye; the page as orderwatch saw it is in the snapshot. Then update "
        "orderwatch, or send a scrubbed copy of the page (`orderwatch record`) with a bug report."
    ),
    "reauth_skipped": N_(
        'The page asked for the password again and reauth = "never" in config.toml: it was skipped. Open it '
        'yourself, or set reauth = "once" to let orderwatch answer once per run.'
    ),
    "reauth_again": N_("The page asked for the password again after this run answered once; the next run tries again."),
    "sign_in_cooldown": N_(
        "An automatic sign-in failed recently, so none is tried for 12 hours. Sign in yourself with "
        "`orderwatch login --headed`, or run with --force-sign-in."
    ),
    "captcha": N_("The site asked for a CAPTCHA. Sign in yourself once with `orderwatch login --headed`."),
    "console_activity_refused": N_(
        "The page tried to send a request that would change the account; the guard refused it. Look at the "
        "page yourself by typing the address."
    ),
    "site_unreachable": N_(
        "The site did not answer, or answered with an error page (three tries). Nothing to fix on your side: "
        "the next run tries again. If it keeps happening for days, open the address in your own browser and "
        "check that this machine is online."
    ),
    "guard_blocked": N_(
        "The page tried to send a request orderwatch never sends (a purchase, a setting change, an off-site "
        "address); nothing was sent. Look at the page yourself by typing the address."
    ),
    "browser_error": N_("The browser failed while reading the page. The next run tries again."),
    "not_reached": N_("The run stopped before this page (see the reason above); the next run reads it again."),
    "over_limit": N_(
        "A run reads at most max_summaries digital order summaries (config.toml); this order was still judged "
        "from its history card. Raise the limit if you want every summary read."
    ),
    "page_too_large": N_(
        "The page was far larger than any real page of the site (over 20 MB) and was not loaded. Open it "
        "yourself to see what it shows."
    ),
    "history_too_long": N_("The order history had more pages than a run follows; shorten window_days in config.toml."),
}
DEFAULT_NEXT_STEP = N_("The next run tries again; see the reason above for what to do first.")


@dataclass(frozen=True, slots=True)
class UnreadPage:
    """A page the run could not read: which, why, the snapshot saved of it, and what the user can do."""

    kind: PageKind
    url: str  # the page's address (the user can type it into their own browser)
    reason: str  # page_changed | site_unreachable | guard_blocked | browser_error | not_reached | a sign-in state
    message: str
    order_id: str | None = None
    snapshot: Path | None = None

    @property
    def next_step(self) -> str:
        return _(NEXT_STEP.get(self.reason, DEFAULT_NEXT_STEP))

    def label(self) -> str:
        """The page as the reader knows it (「注文履歴」, "order summary 503-…")."""
        name = page_name(self.kind)
        return f"{name} {self.order_id}" if self.order_id else name

    def to_json(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "url": self.url,
            "order_id": self.order_id,
            "reason": self.reason,
            "message": self.message,
            "snapshot": str(self.snapshot) if self.snapshot else None,
            "next_step": self.next_step,
        }


@dataclass(frozen=True, slots=True)
class RunError:
    """The first thing that kept a run from completing: a reason code (those of orderwatch.errors, a sign-in
    state, "browser_error", "interrupted"…) and the sentence the reader gets. JSON: ``{"reason", "message"}``."""

    reason: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"reason": self.reason, "message": self.message}


@dataclass
class Report:
    marketplace: str
    base_url: str
    today: date
    since: date
    started_at: datetime
    finished_at: datetime | None = None
    orders: list[Order] = field(default_factory=list)
    summaries: dict[str, DigitalOrderSummary] = field(default_factory=dict)
    one_click: OneClickSettings | None = None
    findings: list[Finding] = field(default_factory=list)
    error: RunError | None = None  # the first thing that kept the run from completing
    unread: list[UnreadPage] = field(default_factory=list)  # every page that could not be read, and why
    pages_read: list[str] = field(default_factory=list)
    signed_in: Literal["reused_session", "signed_in", "not_signed_in"] = "not_signed_in"
    guard_blocked: list[GuardEvent] = field(default_factory=list)  # every request the guard refused
    captures: list[PageCapture] = field(default_factory=list)  # pages read (screenshots for the HTML report)
    settings: SettingsRead | None = None  # the settings as last read (this run's reads in ``settings.fresh``)
    settings_next: datetime | None = None  # when the settings pages are read next (None: read this run)
    baseline_started: list[str] = field(default_factory=list)  # sections whose first read became their baseline

    @property
    def incomplete(self) -> bool:
        """True when any page was not read: never an all-clear, even when what was read looks fine."""
        return self.error is not None or bool(self.unread) or self.one_click is None

    @property
    def status(self) -> Status:
        """findings (exit 1) whenever something was found, even if other pages could not be read — the
        report then also says what is missing; incomplete (exit 3) when nothing was found but not
        everything was read; clean (exit 0) only when every page was read and nothing was found."""
        if self.findings:
            return "findings"
        return "incomplete" if self.incomplete else "clean"

    @property
    def history_unread(self) -> bool:
        """True when the order history was not read to the end: orders may be missing from ``orders``."""
        return any(u.kind == "order-history" for u in self.unread)

    def mark_unread(self, page: UnreadPage) -> None:
        """Record a page that could not be read; the first one becomes the run's reason."""
        self.unread.append(page)
        if self.error is None:
            self.error = RunError(page.reason, page.message)

    def incomplete_json(self) -> dict[str, Any] | None:
        if not self.incomplete:
            return None
        error = self.error or RunError("incomplete", _("not every page was read"))
        return {"reason": error.reason, "message": error.message, "pages": [u.to_json() for u in self.unread]}

    @property
    def interrupted(self) -> bool:
        """Stopped by the user's Ctrl-C (errors.RunInterrupted): what was read is in the report."""
        return self.error is not None and self.error.reason == "interrupted"

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.INTERRUPTED if self.interrupted else EXIT_CODES[self.status]  # Ctrl-C: the shell's 130


def to_json(report: Report) -> dict[str, Any]:
    return {
        "status": report.status,
        "marketplace": report.marketplace,
        "base_url": report.base_url,
        "window": {"since": report.since.isoformat(), "until": report.today.isoformat()},
        "started_at": report.started_at.isoformat(timespec="seconds"),
        "finished_at": report.finished_at.isoformat(timespec="seconds") if report.finished_at else None,
        "signed_in": report.signed_in,
        "error": report.error.to_json() if report.error else None,
        "incomplete": report.incomplete_json(),
        "findings": [f.to_json() for f in report.findings],
        "orders": [_order_json(o, report.summaries.get(o.order_id)) for o in report.orders],
        "one_click": report.one_click.to_json() if report.one_click else None,
        "settings": _settings_json(report),
        "pages_read": report.pages_read,
        "guard_blocked": [e.to_json() for e in report.guard_blocked],
    }


def _settings_json(report: Report) -> dict[str, Any] | None:
    if report.settings is None:
        return None
    out: dict[str, Any] = report.settings.to_json()
    out["next_read"] = report.settings_next.isoformat(timespec="seconds") if report.settings_next else None
    out["baseline_started"] = report.baseline_started
    return out


def dumps(report: Report) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"


def _order_json(order: Order, summary: DigitalOrderSummary | None) -> dict[str, Any]:
    out = order.to_json()
    if summary is not None:
        out["payments"] = [p.to_json() for p in summary.payments]
    return out


_HEADLINE: dict[Status, str] = {
    "clean": N_("All as expected"),
    "findings": N_("Something needs your attention"),
    "incomplete": N_("The check could not be completed — this is NOT an all-clear"),
}
_HEADLINE_FINDINGS_INCOMPLETE = N_(
    "Something needs your attention — and not every page could be read, so this is NOT an all-clear for the rest"
)


def coverage_note(report: Report) -> str | None:
    """What the reader must not conclude: no order checked, orders after the ones read not checked, or
    digital orders whose summaries were not opened because of the per-run limit."""
    notes = []
    if report.history_unread:
        if not report.orders:
            notes.append(_("The order history could not be read: no order was checked."))
        else:
            n = len(report.orders)
            notes.append(
                ngettext(
                    "The order history could not be read to the end: only the {n} order listed was checked; "
                    "later pages were not.",
                    "The order history could not be read to the end: only the {n} orders listed were checked; "
                    "later pages were not.",
                    n,
                ).format(n=n)
            )
    over = sum(1 for u in report.unread if u.reason == "over_limit" and u.kind == "order-summary")
    if over:
        notes.append(
            ngettext(
                "{n} more digital order summaries were not checked (the per-run limit).",
                "{n} more digital order summaries were not checked (the per-run limit).",
                over,
            ).format(n=over)
        )
    return sentences(notes) or None


def headline(report: Report) -> str:
    if report.status == "findings" and report.incomplete:
        return _(_HEADLINE_FINDINGS_INCOMPLETE)
    return _(_HEADLINE[report.status])


# Finding kinds as a person reads them (the code stays next to it, small, for `ack`, `baseline accept`, JSON)
FINDING_TITLES: dict[FindingKind, str] = {
    "unexpected_order": N_("Unexpected order"),
    "one_click_enabled": N_("1-Click is on"),
    "one_click_disabled": N_("1-Click is off"),
    "page_attempted_action": N_("A page tried to act"),
    "credentials_form_unexpected": N_("Sign-in details asked for in the wrong place"),
    "email_changed": N_("E-mail address changed"),
    "phone_changed": N_("Mobile phone number changed"),
    "passkey_added": N_("Passkey added"),
    "two_step_disabled": N_("2-step verification is off"),
    "two_step_method_added": N_("2-step verification method added"),
    "two_step_method_removed": N_("2-step verification method removed"),
    "device_added": N_("New device"),
    "subscription_started": N_("New subscription"),
    "trial_started": N_("Free trial started"),
    "content_without_order": N_("Kindle title without an order"),
}


def finding_title(kind: str) -> str:
    return _(FINDING_TITLES[kind]) if kind in FINDING_TITLES else kind.replace("_", " ").capitalize()


SEVERITY = {"high": N_("HIGH"), "medium": N_("MEDIUM"), "low": N_("LOW")}


def severity(level: str) -> str:
    """HIGH / 重大 — the finding's severity as a word of the reader's language."""
    return _(SEVERITY[level]) if level in SEVERITY else level.upper()


def finding_heading(f: Finding) -> str:
    """``[HIGH] unexpected_order: 503-…`` / ``[重大] 予期しない注文（unexpected_order）: 503-…``."""
    # TRANSLATORS: also {title}: the finding's title in words (FINDING_TITLES).
    return _("[{severity}] {kind}: {subject}").format(
        severity=severity(f.severity), kind=f.kind, title=finding_title(f.kind), subject=f.subject
    )


def count(n: int, noun: str) -> str:
    """``1 finding`` / ``2 findings``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def linkify(text: str) -> Markup:
    """Text for the HTML report, escaped: every http(s) address made a link (it wraps on a phone), every
    `command` set as code."""
    parts = re.split(r"`([^`\n]+)`", text)
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if i % 2 else _links(part) for i, part in enumerate(parts)
    )


def _links(text: str) -> Markup:
    out, last = [], 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:)」")
        out.append(escape(text[last : m.start()]))
        out.append(Markup('<a href="{0}" rel="noreferrer">{0}</a>').format(url))
        last = m.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)


def sentence(message: str, **parts: Markup) -> Markup:
    """A translated sentence for the HTML report with marked-up ``parts`` (``<strong>ON</strong>``) put in."""
    return Markup(escape(message)).format(**parts)


_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]+")  # ASCII only: Japanese text may follow


def settings_summary(report: Report) -> list[tuple[str, str, list[str]]]:
    """The Settings section of every rendering: (title, when read, lines) per section, e-mail and phone
    masked; an empty list when the run neither read the settings nor knows an earlier read."""
    if report.settings is None:
        return []
    out = []
    for name in SECTIONS:
        value = report.settings.section(name)
        at = report.settings.read_at.get(name)
        if name in report.settings.fresh:
            when = _("read in this run")
        elif at is not None:
            when = _("as read on {date}").format(date=day(at.date()))
        else:
            when = _("not read yet")
        lines = section_lines(name, value, window=True) if value is not None else []
        out.append((section_title(name, window=True), when, lines))
    return out


def settings_schedule_note(report: Report) -> str | None:
    """When the settings pages are read next (a run that did not read them), or that a first read has just
    become the baseline (the changes it may already hold were not compared with anything)."""
    notes = []
    if report.baseline_started:
        names = _(", ").join(section_title(n, short=True) for n in report.baseline_started)
        notes.append(
            _(
                "Settings baseline started for: {names}. This first read is what later reads are compared with — "
                "look over the Settings section once now (`orderwatch baseline show`)."
            ).format(names=names)
        )
    if report.settings_next is not None:
        notes.append(
            _(
                "Settings pages are read on their own schedule (settings_every in config.toml): next on "
                "{date}; run with --settings to read them now."
            ).format(date=day(report.settings_next.date()))
        )
    return sentences(notes) or None


_COLORS: dict[Status, str] = {"clean": "green", "findings": "red", "incomplete": "yellow"}


def render_terminal(report: Report, *, color: bool = False) -> str:
    """The summary for a terminal; ``color``: the headline in the status's colour (a TTY without NO_COLOR)."""
    head = _("{headline}.").format(headline=headline(report))
    if color:
        import click

        head = click.style(head, fg=_COLORS[report.status], bold=True)
    lines = [
        _("orderwatch — amazon.{marketplace} — {since} to {until}").format(
            marketplace=report.marketplace, since=day(report.since), until=day(report.today)
        ),
        head,
    ]
    if (note := coverage_note(report)) is not None:
        lines.append(note)
    if report.error and not report.unread:  # the run stopped before any page (sign-in, browser)
        lines += ["", _("  reason: {reason}").format(reason=report.error.reason), f"  {report.error.message}"]
    for f in report.findings:
        lines += [
            "",
            finding_heading(f),
            f"  {f.message}",
            _("  What to do: {advice}").format(advice=f.advice),
        ]
    lines += _unread_lines(report)
    lines.append("")
    if report.orders or report.status != "incomplete":
        digital = sum(o.is_digital for o in report.orders)
        if report.history_unread:
            line = _("Orders read: {n} ({digital} digital) — not the whole window, see above.")
        else:
            line = _("Orders read: {n} ({digital} digital).")
        lines.append(line.format(n=len(report.orders), digital=digital))
    if report.one_click is not None:
        lines.append(
            _("1-Click for this browser: ON.") if report.one_click.enabled else _("1-Click for this browser: off.")
        )
    elif report.unread:
        lines.append(_("1-Click for this browser: not read."))
    for title, when, facts in settings_summary(report):
        lines.append(
            _("{title} — {when}: {facts}").format(title=title, when=when, facts=_("; ").join(facts))
            if facts
            else _("{title} — {when}: not read.").format(title=title, when=when)
        )
    if (schedule := settings_schedule_note(report)) is not None:
        lines.append(schedule)
    lines += _guard_lines(report)
    return "\n".join(lines) + "\n"


def _unread_lines(report: Report) -> list[str]:
    if not report.unread:
        return []
    out = ["", _("Could not be read ({n}):").format(n=len(report.unread))]
    for u in report.unread:
        out.append(f"  - {u.label()} ({u.reason}): {u.message}")
        out.append(_("    Address: {url}").format(url=u.url))
        if u.snapshot is not None:
            out.append(_("    Snapshot: {path}").format(path=u.snapshot))
        out.append(_("    Next step: {step}").format(step=u.next_step))
    return out


def _guard_lines(report: Report) -> list[str]:
    if not report.guard_blocked:
        return []
    n = len(report.guard_blocked)
    out = [
        ngettext(
            "The read-only guard blocked {n} request(s) a page tried to make:",
            "The read-only guard blocked {n} request(s) a page tried to make:",
            n,
        ).format(n=n)
    ]
    out += [f"  {e.method} {e.url} ({e.reason})" for e in report.guard_blocked[:10]]
    if n > 10:
        out.append(_("  … and {n} more (see report.json)").format(n=n - 10))
    return out


def render_markdown(report: Report) -> str:
    status = _(STATUS_WORDS[report.status])
    if report.status == "findings" and report.incomplete:
        status = _("{status} (incomplete)").format(status=status)
    note = coverage_note(report)
    out = [
        _("# orderwatch report — amazon.{marketplace}").format(marketplace=report.marketplace),
        "",
        _("**Status: {status}** — {headline}.").format(status=status, headline=headline(report))
        + (_(" {note}").format(note=note) if note else ""),
        "",
        _("- Window: {since} to {until}").format(since=day(report.since), until=day(report.today)),
        _("- Checked: {when}").format(when=moment(report.started_at, seconds=True)),
        _("- Session: {session}").format(session=_(SESSION_WORDS[report.signed_in])),
    ]
    if report.error and not report.unread:
        out += [
            "",
            _("## Why the check is incomplete"),
            "",
            f"`{report.error.reason}`: {_md(report.error.message)}",
        ]
    out += ["", _("## Findings"), ""]
    if not report.findings:
        out.append(_("None.") if report.status == "clean" else _("None found in what could be read."))
    for f in report.findings:
        # TRANSLATORS: also {title}: the finding's title in words (FINDING_TITLES).
        heading = _("### {severity} — {kind} — `{subject}`").format(
            severity=severity(f.severity), kind=f.kind, title=finding_title(f.kind), subject=f.subject
        )
        out += [heading, "", _md(f.message), "", _("**What to do:** {advice}").format(advice=_md(f.advice)), ""]
    if report.unread:
        out += ["", _("## What could not be read"), ""]
        for u in report.unread:
            out.append(f"- **{_md(u.label())}** (`{u.reason}`): {_md(u.message)}")
            out.append(_("  - Address: `{url}`").format(url=u.url))
            if u.snapshot is not None:
                out.append(_("  - Snapshot: `{path}`").format(path=u.snapshot))
            out.append(_("  - Next step: {step}").format(step=_md(u.next_step)))
    out += [
        "",
        _("## Orders"),
        "",
        _("| date | order | total | digital | items |"),
        "|---|---|---|---|---|",
    ]
    for o in report.orders:
        items = "; ".join(_md(i.title) for i in o.items)
        out.append(
            f"| {day(o.order_date)} | `{o.order_id}` | {order_total(o)} | {_('yes') if o.is_digital else _('no')} "
            f"| {items} |"
        )
    out += ["", _("## 1-Click"), ""]
    if report.one_click is None:
        out.append(_("Not read."))
    else:
        out.append(
            _("1-Click for this browser: **on**.")
            if report.one_click.enabled
            else _("1-Click for this browser: **off**.")
        )
    if (summary := settings_summary(report)) or report.settings_next is not None:
        out += ["", _("## Settings"), ""]
        for title, when, facts in summary:
            out.append(
                _("- **{title}** ({when})").format(title=_md(title), when=when)
                if facts
                else _("- **{title}** ({when}): not read.").format(title=_md(title), when=when)
            )
            out += [f"  - {_md(fact)}" for fact in facts]
        if (schedule := settings_schedule_note(report)) is not None:
            out += ["", _md(schedule)]
    if report.guard_blocked:
        out += [
            "",
            _("## Blocked by the read-only guard"),
            "",
            *(f"- {line.strip()}" for line in _guard_lines(report)[1:]),
        ]
    return "\n".join(out) + "\n"


STATUS_WORDS: dict[Status, str] = {"clean": N_("clean"), "findings": N_("findings"), "incomplete": N_("incomplete")}
SESSION_WORDS = {
    "reused_session": N_("reused session"),
    "signed_in": N_("signed in"),
    "not_signed_in": N_("not signed in"),
}


def order_total(o: Order) -> str:
    """The amount, or why there is none."""
    return o.total.display() if o.total else (_("cancelled") if o.cancelled else "—")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def finding_screenshot(report: Report, finding: Finding) -> Path | None:
    """The screenshot of the page a finding came from: the order's summary (digital orders) or the
    history page that lists it; the 1-Click page for 1-Click findings."""
    shots = [c for c in report.captures if c.screenshot is not None]
    if finding.kind.startswith("one_click"):
        return next((c.screenshot for c in shots if c.kind == "one-click"), None)
    section = FINDING_SECTION.get(finding.kind)
    if section is not None:  # a settings finding: the page it was read from, when this run read it
        return next((c.screenshot for c in shots if c.kind == PAGE_KINDS[section]), None)
    for kind in ("order-summary", "order-history"):
        for c in shots:
            if c.kind == kind and finding.subject in c.order_ids:
                return c.screenshot
    return None


def render_html(report: Report, images: dict[Path, bytes]) -> str:
    """One self-contained HTML page: findings first (each with the screenshot of its page, inlined),
    then the orders, 1-Click and what the guard blocked. ``images``: screenshot path → its bytes (JPEG or PNG)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("orderwatch", "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters.update(linkify=linkify, title=finding_title)
    env.globals.update(
        _=_,
        day=day,
        moment=moment,
        severity=severity,
        order_total=order_total,
        page_name=page_name,
        sentence=sentence,
        strong=lambda text: Markup("<strong>{}</strong>").format(text),
        lang=language(),
        session=_(SESSION_WORDS[report.signed_in]),
    )
    snapshots = {}
    for u in report.unread:  # the page as orderwatch saw it, next to what could not be read
        png = u.snapshot.with_suffix(".png") if u.snapshot is not None else None
        if png is not None and png in images:
            snapshots[id(u)] = _data_uri(png, images[png])
    findings = []
    for f in report.findings:
        shot = finding_screenshot(report, f)
        data = images.get(shot) if shot is not None else None
        findings.append((f, _data_uri(shot, data) if shot is not None and data else None))
    return env.get_template("report.html").render(
        report=report,
        headline=headline(report),
        coverage=coverage_note(report),
        findings=findings,
        flagged={f.subject for f in report.findings},
        unread=[(u, snapshots.get(id(u))) for u in report.unread],
        settings=settings_summary(report),
        settings_schedule=settings_schedule_note(report),
    )


def _data_uri(path: Path, data: bytes) -> str:
    """A screenshot inline in the report: JPEG for the pages read (cheaper to take), PNG for snapshots."""
    import base64

    kind = "jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "png"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"
