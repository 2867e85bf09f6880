"""The OS keyring (macOS Keychain, Secret Service, Windows Credential Locker) as a credential source,
after the environment and .env. orderwatch never writes credentials to its config file."""

from __future__ import annotations

from orderwatch.errors import UsageError
from orderwatch.i18n import _

SERVICE = "orderwatch"
FIELDS = ("email", "password", "totp_secret")


def from_keyring(field: str) -> str | None:
    """The stored value, or None when there is none or no keyring is available."""
    try:
        import keyring
        from keyring.errors import KeyringError

        return keyring.get_password(SERVICE, field)
    except (KeyringError, RuntimeError, ImportError):
        return None


def to_keyring(field: str, value: str) -> None:
    """Store a value; raises UsageError when this computer has no usable keyring."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, field, value)
    except (KeyringError, RuntimeError) as exc:
        raise UsageError(
            _("no usable keyring on this computer ({error}); put the credentials in .env instead").format(
                error=exc.__class__.__name__
            )
        ) from None


def keyring_available() -> bool:
    try:
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring

        return not isinstance(keyring.get_keyring(), FailKeyring)
    except Exception:
        return False


def normalize_totp_secret(raw: str) -> str:
    """The TOTP secret as pyotp wants it, from the ways people copy it: Amazon shows it in groups of four
    with spaces; it may be pasted in lower case, with hyphens or padding, or as the whole ``otpauth://``
    URI of its QR code. Raises ValueError (never naming the value) when it is not a base32 secret."""
    from urllib.parse import parse_qs, urlsplit

    text = raw.strip()
    if text.lower().startswith("otpauth://"):
        secrets = parse_qs(urlsplit(text).query).get("secret", [])
        if len(secrets) != 1:
            raise ValueError(_("the otpauth:// URI has no secret= parameter"))
        text = secrets[0]
    text = "".join(text.split()).replace("-", "").rstrip("=").upper()
    if not text:
        raise ValueError(_("it is empty"))
    bad = [c for c in text if c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"]
    if bad:  # which characters is not said: they are part of the secret
        raise ValueError(
            _(
                "it is not base32: {n} character(s) other than the letters A-Z and digits 2-7 "
                "(0, 1, 8, 9 and symbols never occur in a secret; copy it again)"
            ).format(n=len(bad))
        )
    if len(text) < 16:
        raise ValueError(
            _("it is too short ({n} characters; an authenticator secret has 16 or more)").format(n=len(text))
        )
    return text


def usable_totp_secret(secret: str) -> str:
    """The secret normalised (spaces, case, an otpauth:// URI), or UsageError saying what is wrong."""
    try:
        return normalize_totp_secret(secret)
    except ValueError as exc:
        raise UsageError(_("that TOTP secret cannot be used: {why}").format(why=exc)) from None
