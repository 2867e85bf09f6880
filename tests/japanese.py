"""What a Japanese reader must not meet: an English sentence. One finder for every test of issue 13."""

from __future__ import annotations

import re

# What may stay in Latin letters inside Japanese text, taken out before looking: `commands`, addresses and
# paths, e-mail addresses, order ids, --options, TOML tables, codes and config keys (snake_case, dotted,
# UPPER_CASE), file names. ASCII only: Japanese text has no spaces to stop a match at.
_KEEP = re.compile(
    r"`[^`]*`"
    r"|[!-~]*://[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]+"
    r"|[!-~]+@[!-~]+"
    r"|[!-~]*/[!-~]*"
    r"|\b[A-Z][A-Z0-9]*-\d+-\d+\b"
    r"|(?<![\w-])--?[a-z][\w-]*"
    r"|\[\[?[a-z_]+\]\]?"
    r"|\b[a-z]+[_.][a-z0-9_.]+\b"
    r"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9*]+)+\b|\bORDERWATCH_\*?"
    r"|\S+\.(?:toml|json|md|html|log|env|example|png|db|eml)\b|\.env(?:\.example)?"
)
_TITLES = re.compile(r"「[^」]*」")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]+(?:[ ,;:'-]+[A-Za-z][A-Za-z'’]+){2,}")


def english_left(text: str, *, names: tuple[str, ...] = (), titles: bool = False) -> list[str]:
    """Runs of three or more Latin words left in ``text`` once what may stay is taken out, and the given
    proper ``names`` (titles, product and device names from the account itself) — with ``titles``, everything
    quoted in 「」 (the account's own titles in a finding)."""
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    if titles:
        text = _TITLES.sub(" ", text)
    return _WORDS.findall(_KEEP.sub(" ", text))
