"""The OS keyring (macOS Keychain, Secret Service, Windows Credential Locker) as a credential source,
after the environment and .env. orderwatch never writes credentials to its config file."""

from __future__ import annotations

from orderwatch.errors import UsageError

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
            f"no usable keyring on this computer ({exc.__class__.__name__}); put the credentials in .env instead"
        ) from None


def keyring_available() -> bool:
    try:
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring

        return not isinstance(keyring.get_keyring(), FailKeyring)
    except Exception:
        return False
