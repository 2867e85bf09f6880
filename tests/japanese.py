"""What a Japanese reader must not meet: an English sentence. Shared by the tests of issue 13."""

from __future__ import annotations

import re

# What may stay in Latin letters inside Japanese text: addresses, `commands`, file paths, codes
# (snake_case, UPPER_CASE), order ids, e-mail addresses, config keys and options.
_KEEP = [
    re.compile(r"`[^`]*`"),
    re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]+"),  # ASCII: Japanese text may follow at once
    re.compile(r"[\w.+-]+@[\w.-]+"),  # e-mail addresses (masked ones too)
    re.compile(r"(?<![\w-])--?[a-z][\w-]*"),  # options
    re.compile(r"(?:~|\.{0,2})?/[\w./<>*-]+"),  # paths
    re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),  # codes and config keys: unexpected_order, window_days
    re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"),  # ANDROID_APP, ORDERWATCH_EMAIL
    re.compile(r"\b[\w.-]+\.(?:toml|json|md|html|log|env|png|db)\b"),
]
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,;:-]+[A-Za-z][A-Za-z'’]*){2,}")


def english_left(text: str, *, names: tuple[str, ...] = ()) -> list[str]:
    """Runs of three or more Latin words left in ``text`` once addresses, commands, codes, paths and the
    given proper ``names`` (product titles, device names from the account itself) are taken out."""
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    for pattern in _KEEP:
        text = pattern.sub(" ", text)
    return [m.group(0) for m in _WORDS.finditer(text)]
