"""Where a link really goes, decided without opening it: the real href (not the anchor text), known
redirect wrappers unwrapped, the registrable domain from the public suffix list, and red flags (raw IP
addresses, punycode, look-alike spellings of amazon, URL shorteners, proxies)."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from orderwatch.i18n import _, language
from orderwatch.mail.domains import is_amazon_web_host, registrable
from orderwatch.mail.read import RawLink
from orderwatch.site import MAIL_LINK_WRAPPERS

SHORTENERS = frozenset(
    {"bit.ly", "tinyurl.com", "t.co", "ow.ly", "is.gd", "buff.ly", "goo.gl", "cutt.ly", "rebrand.ly",
     "shorturl.at", "rb.gy", "t.ly", "x.gd", "lnkd.in"}
)  # fmt: skip
# Wrappers that carry the real target in a query parameter: (registrable domain, path prefix, params).
_QUERY_WRAPPERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("google.com", "/url", ("q", "url")),
    ("google.co.jp", "/url", ("q", "url")),
    ("outlook.com", "/", ("url",)),  # *.safelinks.protection.outlook.com
    ("facebook.com", "/l.php", ("u",)),
    *((domain, path, ("U",)) for domain in ("amazon.co.jp", "amazon.com") for path in MAIL_LINK_WRAPPERS),
)
_DOMAIN_IN_TEXT = re.compile(r"(?i)(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/\s:]|$)")
_LOOKALIKE_SUBS = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("3", "e"), ("5", "s"), ("@", "a"))


@dataclass(frozen=True)
class LinkVerdict:
    url: str  # as written in the mail
    target: str  # after unwrapping redirect wrappers
    domain: str  # registrable domain of the target
    is_amazon: bool
    reason: str | None  # why it is not (or is only partly) trustworthy; None for a plain Amazon link
    text: str

    def to_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "domain": self.domain,
            "is_amazon": self.is_amazon,
            "reason": self.reason,
            "target": self.target,
            "text": self.text,
        }


def judge_links(links: tuple[RawLink, ...]) -> list[LinkVerdict]:
    return [v for link in links if (v := judge_link(link)) is not None]


def judge_link(link: RawLink) -> LinkVerdict | None:
    """Judge one link; None for what is not a web link (mailto:, tel:, in-page anchors)."""
    url = link.url.strip()
    lowered = url.lower()
    if not url or lowered.startswith(("mailto:", "tel:", "#", "cid:", "sms:")):
        return None
    if lowered.startswith(("javascript:", "data:", "file:", "vbscript:")):
        scheme = lowered.split(":")[0]
        reason = _("a {scheme}: link runs or opens something locally").format(scheme=scheme)
        return LinkVerdict(url, url, "", False, reason, link.text)
    if lowered.startswith("www."):
        url = "http://" + url
    if not re.match(r"(?i)^https?://", url):
        return None  # relative links in a saved mail lead nowhere
    notes: list[str] = []
    target = _unwrap(url, notes)
    parts = urlsplit(target)
    host = (parts.hostname or "").lower()
    if not host:
        return LinkVerdict(url, target, "", False, _("a link without a host"), link.text)
    try:
        ipaddress.ip_address(host)
        return LinkVerdict(url, target, host, False, _("a raw IP address instead of a name"), link.text)
    except ValueError:
        pass
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return LinkVerdict(url, target, host, False, _("an undecodable international host name"), link.text)
    domain = registrable(host)
    reasons = list(notes)
    if any(label.startswith("xn--") for label in host.split(".")):
        reasons.append(_("a punycode (internationalised) name that displays as {shown!r}").format(shown=_unicode(host)))
    amazon = is_amazon_web_host(host) and not reasons
    if domain in SHORTENERS:
        reasons.append(_("a URL shortener: where it leads cannot be seen without opening it"))
    elif not is_amazon_web_host(host):
        reasons.append(_not_amazon_reason(host, domain))
    shown = _domain_shown(link.text)
    if shown and registrable(shown) != domain and not is_amazon_web_host(host):
        reasons.append(_("the link text shows {shown} but it leads to {domain}").format(shown=shown, domain=domain))
        amazon = False
    if amazon and parts.scheme == "http":
        reasons.append(_("plain http, not https"))
    return LinkVerdict(url, target, domain, amazon, _joined(reasons) or None, link.text)


def _joined(reasons: list[str]) -> str:
    """One link's reasons in one line: "a; b" / 「a。b。」 (each Japanese reason is a sentence)."""
    return ("" if language() == "ja" else "; ").join(reasons)


def _unwrap(url: str, notes: list[str], depth: int = 0) -> str:
    if depth > 5:
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith(".translate.goog"):
        real = _translate_goog_host(host[: -len(".translate.goog")])
        notes.append(
            _("opens through the Google Translate proxy (translate.goog), not the site itself ({real})").format(
                real=real
            )
        )
        return _unwrap(parts._replace(netloc=real).geturl(), notes, depth + 1)
    domain = registrable(host)
    query = parse_qs(parts.query, keep_blank_values=False)
    for wrapper_domain, path, params in _QUERY_WRAPPERS:
        if domain == wrapper_domain and parts.path.startswith(path):
            for p in params:
                values = query.get(p)
                if values and re.match(r"(?i)^https?://", values[0]):
                    return _unwrap(values[0], notes, depth + 1)
    if domain == "urldefense.com" and "/v3/__" in url:
        inner = url.split("/v3/__", 1)[1].split("__", 1)[0]
        return _unwrap(inner, notes, depth + 1)
    if domain == "proofpoint.com" and parts.path.startswith("/v2/url"):
        values = query.get("u")
        if values:
            return _unwrap(unquote(values[0].replace("-", "%").replace("_", "/")), notes, depth + 1)
    return url


def _translate_goog_host(label: str) -> str:
    """Google Translate's proxy writes a host's dots as "-" and its dashes as "--"."""
    return label.replace("--", "\x00").replace("-", ".").replace("\x00", "-")


def _unicode(host: str) -> str:
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def _not_amazon_reason(host: str, domain: str) -> str:
    name = _strip_accents(_unicode(domain)).split(".")[0]
    for a, b in _LOOKALIKE_SUBS:
        name = name.replace(a, b)
    squashed = name.replace("-", "")
    subdomain = host[: -len(domain)] if host.endswith(domain) else ""
    if "amazon" in subdomain:
        return _("the address starts with amazon but belongs to {domain}, which is not Amazon").format(domain=domain)
    if "amazon" in squashed or "amzn" in squashed or _close(squashed[:6], "amazon") or _close(squashed, "amazon"):
        return _("a look-alike of amazon: {domain}").format(domain=domain)
    return _("{domain} is not an Amazon domain").format(domain=domain)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _close(a: str, b: str) -> bool:
    """Edit distance at most 1 (one letter swapped, added or dropped)."""
    if abs(len(a) - len(b)) > 1 or not a:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) <= 1 or (len(diffs) == 2 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _domain_shown(text: str) -> str | None:
    m = _DOMAIN_IN_TEXT.search(text.strip())
    if not m:
        return None
    host = m[1].lower()
    return host if registrable(host) != host or "." in host else None
