"""What the user reads, in their language: gettext catalogs, the language choice, dates, counts.

Every sentence a user reads is marked in the code: ``_("...")`` where it is shown, ``N_("...")`` for a
constant (a table of titles) translated where it is shown with ``_(TABLE[key])``, ``ngettext(singular,
plural, n)`` for counts. Placeholders are named (``_("{n} orders").format(n=...)``) so a translation can
reorder them. The catalogs are ``orderwatch/locale/<lang>/LC_MESSAGES/orderwatch.po``, kept up to date with
``python scripts/i18n.py`` (Babel extracts the marked strings); the build compiles them to ``.mo`` files the
wheel carries. A source checkout without ``.mo`` files reads the ``.po`` directly (compiled in memory).

Adding a language: add its code to ``LANGUAGES``, run ``python scripts/i18n.py --init <code>``, translate.

The language: ``--lang`` > ``ORDERWATCH_LANG`` > ``lang`` in config.toml > ``"auto"``. ``auto`` takes the
locale's language (``LC_ALL``, ``LC_MESSAGES``, ``LANG``) when it is one orderwatch speaks; where the locale
says none (``C``, ``POSIX``, unset — as under cron and systemd), Japanese for amazon.co.jp and English
otherwise.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from importlib import resources

DOMAIN = "orderwatch"
LANGUAGES = ("en", "ja")  # en is the source language: its "catalog" is the code itself
SETTINGS = ("auto", *LANGUAGES)

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_explicit: str | None = None  # --lang, for this invocation


def language() -> str:
    """The language in force ("en", "ja")."""
    return _language


def _(message: str) -> str:
    """``message`` in the language in force."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` (Japanese has one form)."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a constant for the catalog; it is translated where it is shown, with ``_(constant)``."""
    return message


def set_language(lang: str) -> None:
    """Put ``lang`` ("en", "ja") in force for everything rendered from now on."""
    global _translations, _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _translations, _language = _load(lang), lang


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """``lang`` in force inside the block (tests, and a notification rendered for another reader)."""
    before = _language
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def start(explicit: str | None) -> None:
    """The CLI's first step: remember ``--lang`` (None: not given) for this invocation."""
    global _explicit
    _explicit = explicit


def configure(setting: str | None, marketplace: str, environ: Mapping[str, str] | None = None) -> str:
    """Decide and put in force the language for ``setting`` (``--lang`` given to the CLI wins) and the account's
    ``marketplace``; returns it."""
    lang = resolve(_explicit or setting or "auto", marketplace, os.environ if environ is None else environ)
    set_language(lang)
    return lang


def resolve(setting: str, marketplace: str, environ: Mapping[str, str]) -> str:
    """``setting`` ("auto", "ja", "en") → a language. See the module's doc for ``auto``."""
    if setting in LANGUAGES:
        return setting
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:  # the first one set decides, as for every POSIX program
            code = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return code if code in LANGUAGES else _by_marketplace(marketplace)
    return _by_marketplace(marketplace)


def _by_marketplace(marketplace: str) -> str:
    return "ja" if marketplace == "co.jp" else "en"


@cache
def _load(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    folder = resources.files("orderwatch").joinpath("locale", lang, "LC_MESSAGES")
    mo, po = folder.joinpath(f"{DOMAIN}.mo"), folder.joinpath(f"{DOMAIN}.po")
    if mo.is_file() and not _newer(po, than=mo):
        return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    if not po.is_file():
        raise FileNotFoundError(f"no catalog for {lang!r} in the package (orderwatch/locale/{lang})")
    return gettext.GNUTranslations(io.BytesIO(compile_po(po.read_bytes())))


def _newer(a: resources.abc.Traversable, *, than: resources.abc.Traversable) -> bool:
    """True when the .po was edited after its .mo was compiled (a source checkout): the .po wins."""
    if not a.is_file():
        return False
    try:  # an installed wheel writes both within a moment; an edit comes later
        return os.stat(str(a)).st_mtime > os.stat(str(than)).st_mtime + 2
    except OSError:
        return False


def compile_po(po: bytes) -> bytes:
    """A .po catalog → .mo bytes (Babel's compiler, as at build time). Fuzzy entries are left out."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po))
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def sentences(parts: list[str]) -> str:
    """Sentences one after another: with a space in English, without one in Japanese (each ends with 。)."""
    return ("" if _language == "ja" else " ").join(parts)


# Dates, counts and money as a reader of the language writes them.

_WEEKDAYS_JA = "月火水木金土日"


def day(d: date) -> str:
    """2026-11-28 / 2026年11月28日（土）."""
    if _language == "ja":
        return f"{d.year}年{d.month}月{d.day}日（{_WEEKDAYS_JA[d.weekday()]}）"
    return d.isoformat()


def moment(t: datetime, *, seconds: bool = False) -> str:
    """2026-11-28T07:02 (ISO, with its offset) / 2026年11月28日（土）7:02 — the time as it was recorded."""
    if _language == "ja":
        return f"{day(t.date())}{t.hour}:{t.minute:02d}"
    return t.isoformat(timespec="seconds" if seconds else "minutes")


def relative_day(d: date, today: date) -> str:
    """today / yesterday / 3 days ago / 2026-11-01 (a week or more back: the date)."""
    days = (today - d).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    if 1 < days < 7:
        return ngettext("{n} day ago", "{n} days ago", days).format(n=days)
    return day(d)
