"""Which marketplace a saved page came from, decided from the page itself.

Evidence, strongest first: the site's own server name in its inline config (``ue_sn =
'www.amazon.com'``); absolute links to an Amazon host; the ``lang`` attribute; the currency of the
amounts shown; Japanese labels. The answer is the host's suffix: "co.jp", "com", "co.uk", "de", ...
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_UE_SN = re.compile(r"ue_sn\s*=\s*['\"]www\.amazon\.([a-z.]{2,6})['\"]")
_HOST = re.compile(r"^https?://(?:www\.|smile\.)?amazon\.([a-z]{2,3}(?:\.[a-z]{2})?)(?:/|$)")
_LANG = {
    "ja": "co.jp",
    "en-us": "com",
    "en-gb": "co.uk",
    "de": "de",
    "fr": "fr",
    "it": "it",
    "es": "es",
    "en-ca": "ca",
    "fr-ca": "ca",
    "en-au": "com.au",
    "en-in": "in",
    "nl": "nl",
    "pt-br": "com.br",
}
_SYMBOL = {"￥": "co.jp", "¥": "co.jp", "£": "co.uk"}

# What "$" means on each marketplace (elsewhere it is USD).
DOLLAR_CURRENCY = {"ca": "CAD", "com.au": "AUD", "com.mx": "MXN", "sg": "SGD", "com.br": "BRL"}


def detect_marketplace(tree: LexborHTMLParser, html: str = "") -> str:
    m = _UE_SN.search(html[:200_000]) if html else None
    if m:
        return m[1]
    for a in tree.css("a[href^='http'], link[rel=canonical]")[:300]:
        hm = _HOST.match(a.attributes.get("href") or "")
        if hm:
            return hm[1]
    html_node = tree.css_first("html")
    lang = ((html_node.attributes.get("lang") or "") if html_node is not None else "").lower()
    if lang in _LANG:
        return _LANG[lang]
    if lang[:2] in _LANG:
        return _LANG[lang[:2]]
    text = tree.body.text() if tree.body is not None else ""
    if "注文" in text:
        return "co.jp"
    for symbol, market in _SYMBOL.items():
        if symbol in text:
            return market
    return "com"


def dollar_currency(marketplace: str) -> str:
    return DOLLAR_CURRENCY.get(marketplace, "USD")
