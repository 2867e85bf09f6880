"""1-Click settings page (/cpe/yourpayments/settings/manageoneclick) → OneClickSettings."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from orderwatch.errors import PageChangedError
from orderwatch.models import OneClickSettings
from orderwatch.parsers import selectors as S
from orderwatch.parsers.detect import detect_marketplace
from orderwatch.parsers.values import first, node_text
from orderwatch.vocabulary import PageKind

PAGE: PageKind = "one-click"


def parse_one_click(html: str, marketplace: str = "auto") -> OneClickSettings:
    """Read whether 1-Click is on for this browser (the switch ``#pmts-toggle-this-browser``).

    Raises PageChangedError when the switch is not on the page: the state is then unknown, which
    must never be reported as "off".
    """
    tree = LexborHTMLParser(html)
    toggle = first(tree.root, S.ONE_CLICK_TOGGLE)  # type: ignore[arg-type]
    if toggle is None:
        raise PageChangedError(PAGE, "1-Click switch (#pmts-toggle-this-browser) not found")
    market = detect_marketplace(tree, html) if marketplace == "auto" else marketplace
    payment = first(tree.root, S.ONE_CLICK_DEFAULT_PAYMENT)  # type: ignore[arg-type]
    address = first(tree.root, S.ONE_CLICK_DEFAULT_ADDRESS)  # type: ignore[arg-type]
    return OneClickSettings(
        marketplace=market,
        enabled="checked" in toggle.attributes,
        default_payment=node_text(payment) or None if payment is not None else None,
        default_address_set=bool(node_text(address)) if address is not None else None,
    )
