"""Which domains are Amazon's, by registrable domain (public suffix list, never a substring match)."""

from __future__ import annotations

from functools import lru_cache

from publicsuffixlist import PublicSuffixList

# Marketplaces and the domains Amazon itself names in its order mails.
AMAZON_MARKETPLACES = frozenset(
    {
        "amazon.co.jp", "amazon.jp", "amazon.com", "amazon.co.uk", "amazon.de", "amazon.fr", "amazon.it",
        "amazon.es", "amazon.ca", "amazon.com.au", "amazon.in", "amazon.com.mx", "amazon.com.br", "amazon.nl",
        "amazon.sg", "amazon.se", "amazon.pl", "amazon.com.tr", "amazon.ae", "amazon.sa", "amazon.eg",
        "amazon.com.be",
    }
)  # fmt: skip
# Where genuine mails' links and images point besides the marketplaces: Amazon's own shorteners and
# media hosts, and its other stores. Not amazonaws.com: anyone can host a page there.
AMAZON_WEB = AMAZON_MARKETPLACES | frozenset(
    {"a.co", "amzn.to", "amzn.asia", "amzn.com", "media-amazon.com", "ssl-images-amazon.com",
     "images-amazon.com", "primevideo.com", "audible.co.jp", "audible.com", "kindle.com"}
)  # fmt: skip
# Signing domains seen on genuine mail besides the From domain.
AMAZON_DKIM = AMAZON_MARKETPLACES | frozenset({"amazonses.com"})


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def registrable(host: str) -> str:
    """The registrable domain ("www.amazon.co.jp" → "amazon.co.jp"); the host itself when the public
    suffix list has none (an IP address, "localhost")."""
    host = host.lower().rstrip(".")
    return _psl().privatesuffix(host) or host


def is_amazon_mail_domain(domain: str) -> bool:
    return registrable(domain) in AMAZON_MARKETPLACES


def is_amazon_web_host(host: str) -> bool:
    return registrable(host) in AMAZON_WEB
