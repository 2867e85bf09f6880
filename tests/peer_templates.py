"""Turn a `../shared/peer-pages/login-states/` template into the markup it stands for.

Those templates are small stand-ins whose `gg-match` attributes name the real page's selectors
(`input#input-box-otp`, `span#auth-email-claim`, XPath with the real text). Tests apply them: ids,
classes and attributes of a CSS selector's last step are set on the element, and an empty element
gets the text its XPath looks for. Recorded pages (amazon-com/auth) pass through unchanged.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_TEXT = re.compile(r"(?:contains\((?:text\(\)|normalize-space\(\.\)|\.)\s*,\s*|normalize-space\(\.\)\s*=\s*)'([^']+)'")
_ATTR = re.compile(r"\[([\w-]+)(?:\^|\*)?=['\"]?([^'\"\]]+)['\"]?\]")


def materialize(html: str) -> str:
    tree = LexborHTMLParser(html)
    for node in tree.css("[gg-match], [gg-match-html]"):
        if "gg-optional" in node.attributes:
            continue  # may or may not be on the real page: leave it out
        selector = node.attributes.get("gg-match") or node.attributes.get("gg-match-html") or ""
        if selector.startswith(("//", "(")):
            texts = _TEXT.findall(selector)
            if texts and not (node.text() or "").strip():
                node.insert_child(texts[-1])
            for name, value in re.findall(r"@(id|class)='([^']+)'", selector):
                node.attrs[name] = value
            continue
        last = re.split(r"\s+|>", selector.strip())[-1]
        if m := re.search(r"#([\w-]+)", last):
            node.attrs["id"] = m[1]
        classes = re.findall(r"\.([\w-]+)", re.sub(r"\[.*?\]", "", last))
        if classes:
            node.attrs["class"] = " ".join(classes)
        for name, value in _ATTR.findall(last):
            node.attrs[name] = value
    return tree.html or ""
