"""What differs between marketplaces: host, sign-in handle, cookies, locale, time zone, currency."""

from __future__ import annotations

from dataclasses import dataclass

from orderwatch.vocabulary import MarketplaceCode


@dataclass(frozen=True, slots=True)
class Marketplace:
    code: MarketplaceCode
    host: str
    assoc_handle: str
    session_cookies: tuple[str, ...]
    language_cookie: str
    locale: str
    timezone: str
    currency: str

    @property
    def base_url(self) -> str:
        return f"https://{self.host}"


MARKETPLACES: dict[str, Marketplace] = {  # keyed by str: the code a person configured, still unchecked
    "co.jp": Marketplace(
        code="co.jp",
        host="www.amazon.co.jp",
        assoc_handle="jpflex",
        session_cookies=("x-acbjp", "at-acbjp"),
        language_cookie="lc-acbjp",
        locale="ja-JP",
        timezone="Asia/Tokyo",
        currency="JPY",
    ),
    "com": Marketplace(
        code="com",
        host="www.amazon.com",
        assoc_handle="usflex",
        session_cookies=("x-main", "at-main"),
        language_cookie="lc-main",
        locale="en-US",
        timezone="America/Los_Angeles",
        currency="USD",
    ),
}


def get_marketplace(code: str) -> Marketplace:
    try:
        return MARKETPLACES[code]
    except KeyError:
        from orderwatch.errors import UsageError

        raise UsageError(
            f"unknown marketplace {code!r}; choose one of: {', '.join(MARKETPLACES)}", marketplace=code
        ) from None
