"""How orderwatch words what it shows in either language: counts, lists, a run's status, a time from the
history, and terminal columns (a Japanese character takes two). Used by the commands and by doctor."""

from __future__ import annotations

from datetime import datetime

from orderwatch.errors import reason_words
from orderwatch.i18n import N_, _, ngettext

# A run's status as the history and doctor show it (the JSON keeps the code).
RUN_STATUS = {"clean": N_("clean"), "findings": N_("findings"), "incomplete": N_("incomplete")}
ONE_CLICK = {"on": N_("on"), "off": N_("off"), "any": N_("any")}


def width(text: str) -> int:
    """Columns on a terminal: a Japanese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def join(items: list[str]) -> str:
    # TRANSLATORS: between the items of a list ("e-mail, password"); Japanese: 、
    return _(", ").join(items)


def history_moment(text: str) -> str:
    """An ISO timestamp from the history as the reader writes it (English: as stored)."""
    from orderwatch.i18n import language, moment

    if language() == "en":
        return text
    try:
        return moment(datetime.fromisoformat(text))
    except ValueError:
        return text


def run_status(status: str, reason: str | None = None) -> str:
    word = _(RUN_STATUS[status]) if status in RUN_STATUS else status
    return word if not reason else _("{status} ({reason})").format(status=word, reason=reason_words(reason))


def orders_count(n: int) -> str:
    return ngettext("{n} order", "{n} orders", n).format(n=n)


def findings_count(n: int) -> str:
    return ngettext("{n} finding", "{n} findings", n).format(n=n)
