"""Pure parsers: HTML in, typed models out. Nothing here imports Playwright or touches the network."""

from orderwatch.parsers.account_settings import (  # account settings (issue 11)
    console_csrf_token,
    parse_content,
    parse_devices,
    parse_login_security,
    parse_subscriptions,
    parse_two_step,
)
from orderwatch.parsers.message_center import parse_message_center  # Message Center (issue 11)
from orderwatch.parsers.one_click import parse_one_click
from orderwatch.parsers.order_history import parse_order_history
from orderwatch.parsers.order_summary import parse_order_summary
from orderwatch.parsers.signin_state import SignInState, classify_signin

__all__ = [
    "SignInState",
    "classify_signin",
    "console_csrf_token",
    "parse_content",
    "parse_devices",
    "parse_login_security",
    "parse_message_center",
    "parse_one_click",
    "parse_order_history",
    "parse_order_summary",
    "parse_subscriptions",
    "parse_two_step",
]
