"""Pure parsers: HTML in, typed models out. Nothing here imports Playwright or touches the network."""

from orderwatch.parsers.one_click import parse_one_click
from orderwatch.parsers.order_history import parse_order_history
from orderwatch.parsers.order_summary import parse_order_summary
from orderwatch.parsers.signin_state import SignInState, classify_signin

__all__ = [
    "SignInState",
    "classify_signin",
    "parse_one_click",
    "parse_order_history",
    "parse_order_summary",
]
