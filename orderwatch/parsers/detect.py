"""Which marketplace a saved page came from, decided from the page itself."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser


def detect_marketplace(tree: LexborHTMLParser) -> str:
    """ "co.jp" or "com", from the language attribute, links to the host, and Japanese labels."""
    html_node = tree.css_first("html")
    lang = (html_node.attributes.get("lang") or "") if html_node is not None else ""
    if lang.lower().startswith("ja"):
        return "co.jp"
    if lang:
        return "com"
    for a in tree.css("a[href*='amazon.']")[:50]:
        href = a.attributes.get("href") or ""
        if "amazon.co.jp" in href:
            return "co.jp"
        if "amazon.com" in href:
            return "com"
    text = tree.body.text() if tree.body is not None else ""
    return "co.jp" if ("注文" in text or "￥" in text) else "com"
