"""The site's addresses: one named path per page orderwatch reads, and the URLs built from them.

The one place these facts live. Navigation (bots/pages.py), the guard's allow-list of read paths, the
flows, and the advice a finding gives (orderwatch/diff.py) all take them from here, so a page that moves is
changed once. Pure: no browser, no flows. tests/test_one_source.py fails when a path is written anywhere
else in the production code.

Evidence: reference/… is ../shared/reference/; amazon-com/…, digital-orders/…, login-states/… are real
pages in ../shared/peer-pages/. The replay site (orderwatch/replay/server.py) writes its own paths on
purpose: an imitation built from these constants would agree with a wrong one.
"""

from __future__ import annotations

from urllib.parse import urlencode, urljoin, urlsplit

from orderwatch.marketplace import Marketplace

# --- orders ------------------------------------------------------------------------------------------
# reference/amazon-pages.md; amazon-com/orders/order-history-*.html (2010-2025), digital-orders/de/
# order-history-2026-0.html (the 2026 layout); recordings/demo-jp/order-history.html (reconstruction)
ORDER_HISTORY = "/your-orders/orders"
OLD_ORDER_HISTORY = "/gp/css/order-history"  # the old order-history address (redirects to ORDER_HISTORY)
OLDER_ORDER_HISTORY = "/gp/your-account/order-history"  # the older one
# The legacy digital order summary: reference/amazon-pages.md; digital-orders/ca-order-summary-*.html (2024)
ORDER_SUMMARY = "/gp/digital/your-account/order-summary.html"
# Where a summary may redirect (the unified template): digital-orders/de/order-details-D01-….html (2026)
ORDER_DETAILS = "/your-orders/order-details"
# 1-Click settings. No public recording exists: reconstruction (reference/amazon-pages.md), demo recording
ONE_CLICK = "/cpe/yourpayments/settings/manageoneclick"

# --- sign-in (reference/amazon-pages.md; amazon-com/auth/*.html, login-states/*.html) ---------------
SIGN_IN_PREFIX = "/ap/"  # sign-in and its steps (/ap/signin, /ap/mfa, /ap/cvf/…); credentials go nowhere else
SIGN_IN = "/ap/signin"  # the e-mail and password steps
MFA = "/ap/mfa"  # the authenticator-app code step
SIGN_IN_POSTS = (SIGN_IN, MFA)  # the only forms orderwatch submits, and only while it signs in
YOUR_ACCOUNT = "/gp/css/homepage.html"  # "Your Account": a signed-out page's sign-in link leads here, then to SIGN_IN
CAPTCHA = "/errors/validateCaptcha"  # the site-wide CAPTCHA (read, never answered): reference/amazon-pages.md
HOME = "/"  # the home page a signed-out browser may land on

# --- account settings (issue 11; paths from reference/account-pages.md — every page a reconstruction) ---
LOGIN_SECURITY = "/ax/account/manage"  # Login & Security (older: /ap/cnep, under the sign-in prefix)
TWO_STEP = "/a/settings/approval"  # 2-step verification settings (its /setup/… enrolment pages are not read)
MEMBERSHIPS = "/hz5/yourmembershipsandsubscriptions"  # Memberships & subscriptions
PRIME_CENTRAL = "/gp/primecentral"  # Prime membership (plan, renewal date)
DEVICES = "/hz/mycd/digital-console/alldevices"  # Content & Devices → Devices (the list loads through CONSOLE_AJAX)
CONTENT = "/hz/mycd/digital-console/contentlist/booksAll/dateDsc/"  # Content & Devices → Books, newest first
CONSOLE_AJAX = "/hz/mycd/digital-console/ajax"  # the console's data endpoint: POST, one named activity
MESSAGE_CENTER = "/gp/message"  # Message Center: the mails the site itself sent

# --- mail ----------------------------------------------------------------------------------------------
# The site's own link wrappers in its mails, the real target in the U parameter. No public recording: the
# verify-email test mails (tests/test_mail_links.py, tests/test_mail_read.py).
MAIL_LINK_WRAPPERS = ("/gp/r.html", "/gp/f.html")

Site = str | Marketplace  # a base URL ("https://www.amazon.co.jp", or a replay's) or a marketplace


def base_url(site: Site) -> str:
    """The scheme and host without a trailing slash."""
    return (site.base_url if isinstance(site, Marketplace) else site).rstrip("/")


def page_url(site: Site, path: str) -> str:
    """The address of one of the pages above (a path of this module) on ``site``."""
    return base_url(site) + path


def order_history_url(site: Site, time_filter: str | None = None) -> str:
    """The first page of the order history, for ``time_filter`` (last30, months-3, year-2025) if given.
    Later pages are reached by the page's own next link (``history_link``): the site has changed how it
    numbers pages (startIndex=10 → page=1), so orderwatch never computes them."""
    url = page_url(site, ORDER_HISTORY)
    return url if time_filter is None else f"{url}?" + urlencode({"timeFilter": time_filter})


def history_link(site: Site, href: str) -> str | None:
    """The absolute URL of an order-history link found on a page (the "next page" link), or None when it
    leads anywhere but the order history of this site."""
    base = base_url(site)
    url = urljoin(base + ORDER_HISTORY, href.strip())
    parts, home = urlsplit(url), urlsplit(base)
    if (parts.scheme, parts.netloc) != (home.scheme, home.netloc) or parts.path.rstrip("/") != ORDER_HISTORY:
        return None
    return url


def order_summary_url(site: Site, order_id: str) -> str:
    """A digital order's own page (the site may redirect it to ORDER_DETAILS)."""
    return page_url(site, ORDER_SUMMARY) + "?" + urlencode({"ie": "UTF8", "orderID": order_id})
