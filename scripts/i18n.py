"""Keep the translation catalogs in step with the code (Babel).

    python scripts/i18n.py                   extract every marked message; add new ones to each .po (empty),
                                             drop the ones the code no longer has; list what is untranslated
    python scripts/i18n.py --add FILE.json   the same, then set translations from {"msgid": "msgstr", ...}
                                             (a plural: {"msgid": ["msgstr"]} keyed by the singular)
    python scripts/i18n.py --check           exit 1 when a message has no translation (what the test checks)
    python scripts/i18n.py --init CODE       start a catalog for a new language (then add it to i18n.LANGUAGES)

Messages are marked with ``_()``, ``N_()`` and ``ngettext()`` in orderwatch/, bots/, flows/ and ``_()`` in the
report template. Several people may run it at once: the catalogs are rewritten under a lock.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "orderwatch" / "locale"
PACKAGES = ("orderwatch", "bots", "flows")
METHODS = [
    ("replay/**.py", "ignore"),  # the fake site's own pages: not orderwatch's words
    ("**.py", "python"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
]


def template() -> Catalog:
    """Every marked message of the code, with the files it is in."""
    catalog = Catalog(project="orderwatch", domain="orderwatch")
    for package in PACKAGES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / package, METHODS, keywords=DEFAULT_KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            catalog.add(message, None, [(f"{package}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/orderwatch.po"))


@contextmanager
def locked() -> Iterator[None]:
    LOCALE.mkdir(parents=True, exist_ok=True)
    with open(LOCALE / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".po.tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=0, include_lineno=False, omit_header=False, sort_output=True)
    tmp.replace(path)


def update(path: Path, source: Catalog, additions: dict[str, str | list[str]]) -> list[str]:
    """Bring one catalog in step with ``source``; set ``additions``; return the untranslated msgids."""
    catalog = read(path)
    catalog.update(source, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
    catalog.obsolete.clear()
    unknown = []
    for msgid, msgstr in additions.items():
        message = next((m for m in catalog if m.id and msgid in (m.id, _singular(m.id))), None)
        if message is None:
            unknown.append(msgid)
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(msgstr) if isinstance(msgstr, list) else (msgstr,)
        else:
            message.string = msgstr if isinstance(msgstr, str) else msgstr[0]
        message.flags.discard("fuzzy")
    if unknown:
        print(f"{path.parent.parent.name}: not in the code (check the text is exactly as marked):", file=sys.stderr)
        for msgid in unknown:
            print(f"  {msgid!r}", file=sys.stderr)
    write(path, catalog)
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and not _translated(m)]


def check(source: Catalog, catalog: Catalog) -> list[str]:
    """What is wrong with ``catalog`` for the code's messages ``source``: a message without a translation (or
    with only a fuzzy one), and a translation using a placeholder its message does not give (``{n}`` where
    the code gives ``{count}`` would fail at run time). A comment ``TRANSLATORS: also {name}`` on the
    message declares an extra placeholder the code gives."""
    problems = []
    for m in source:
        if not m.id:
            continue
        t = catalog.get(m.id, context=m.context)
        if t is None or not _translated(t) or t.fuzzy:
            problems.append(f"untranslated: {m.id!r}")
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        given = {name for text in ids for name in _PLACEHOLDER.findall(text)}
        given |= {name for c in m.auto_comments for name in _PLACEHOLDER.findall(c.partition("also")[2])}
        strings = t.string if isinstance(t.string, tuple) else (t.string,)
        used = {name for text in strings for name in _PLACEHOLDER.findall(text)}
        if used - given:
            problems.append(f"placeholder not given by the code {sorted(used - given)}: {m.id!r}")
    return problems


_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)[^{}]*\}(?!\})")


def _singular(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _translated(message: object) -> bool:
    string = message.string  # type: ignore[attr-defined]
    return all(string) if isinstance(string, tuple) else bool(string)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--add", type=Path, help="JSON file of translations to set (for every catalog: use --lang)")
    parser.add_argument("--lang", default="ja", help="the catalog --add writes to (default ja)")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when something is untranslated")
    parser.add_argument("--init", metavar="CODE", help="start a catalog for a new language")
    args = parser.parse_args()
    source = template()
    if args.check:
        problems = 0
        for path in catalogs():
            for problem in check(source, read(path)):
                problems += 1
                print(f"{path.parent.parent.name}: {problem}")
        return 1 if problems else 0
    with locked():
        if args.init:
            path = LOCALE / args.init / "LC_MESSAGES" / "orderwatch.po"
            if not path.exists():
                new = Catalog(locale=args.init, project="orderwatch", domain="orderwatch", fuzzy=False)
                new.header_comment = f"# orderwatch's messages in {args.init}. MIT licence, as the project."
                new.msgid_bugs_address = "the project's issue tracker"
                new.last_translator = new.language_team = "orderwatch <the project's issue tracker>"
                write(path, new)
        additions = json.loads(args.add.read_text(encoding="utf-8")) if args.add else {}
        for path in catalogs():
            lang = path.parent.parent.name
            todo = update(path, source, additions if lang == args.lang else {})
            print(f"{lang}: {len(source)} messages, {len(todo)} untranslated")
            for msgid in todo[:40]:
                print(f"  {msgid!r}")
            if len(todo) > 40:
                print(f"  … and {len(todo) - 40} more")
    return 0


if __name__ == "__main__":
    sys.exit(main())
