"""Settings: one typed object, built once per run.

Precedence (highest first): explicit argument (CLI option) → environment (ORDERWATCH_*) → `.env`
in the current folder → `config.toml` in the config folder → default. Secrets are SecretStr: their
repr is masked, and they are registered with the log filter so no sink ever prints them.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from orderwatch import i18n
from orderwatch.errors import UsageError
from orderwatch.i18n import N_, _

APP = "orderwatch"


def _xdg(variable: str, default: str) -> Path:
    """An XDG_* folder set in the environment wins on every platform (so a run with other XDG folders
    is fully isolated, on macOS too); otherwise the platform's convention."""
    value = os.environ.get(variable)
    return Path(value) / APP if value and os.path.isabs(value) else Path(default)


def config_dir() -> Path:
    """Per-user config folder ($XDG_CONFIG_HOME/orderwatch on Linux)."""
    return _xdg("XDG_CONFIG_HOME", platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    """Per-user data folder ($XDG_DATA_HOME/orderwatch on Linux): runs and reports."""
    return _xdg("XDG_DATA_HOME", platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """Per-user cache folder ($XDG_CACHE_HOME/orderwatch on Linux): what can be made again (Node's compile cache)."""
    return _xdg("XDG_CACHE_HOME", platformdirs.user_cache_dir(APP, appauthor=False))


def state_dir() -> Path:
    """Per-user state folder ($XDG_STATE_HOME/orderwatch on Linux): saved sessions."""
    return _xdg("XDG_STATE_HOME", platformdirs.user_state_dir(APP, appauthor=False))


class Settings(BaseSettings):
    """Everything a run needs. Field docs are the reference for config.toml and ORDERWATCH_* variables."""

    model_config = SettingsConfigDict(
        env_prefix="ORDERWATCH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    email: str | None = Field(default=None, description="Amazon sign-in e-mail (ORDERWATCH_EMAIL)")
    password: SecretStr | None = Field(default=None, description="Amazon password (ORDERWATCH_PASSWORD)")
    totp_secret: SecretStr | None = Field(
        default=None, description="Base32 secret of the authenticator app (ORDERWATCH_TOTP_SECRET)"
    )
    marketplace: str = Field(default="co.jp", description='"co.jp" or "com"')
    base_url: str | None = Field(default=None, description="the site; default the marketplace's own host")
    allowlist: Path | None = Field(default=None, description="allowlist TOML; default <config>/allowlist.toml")
    window_days: int = Field(default=30, ge=1, le=366, description="how far back to read orders")
    browser: Path | None = Field(default=None, description="Chromium executable; default: found automatically")
    headed: bool = Field(default=False, description="show the browser window (first sign-in by hand)")
    timeout_s: float = Field(default=30.0, gt=0, le=300, description="per page navigation timeout, seconds")
    max_summaries: int = Field(default=25, ge=1, le=500, description="digital order summaries read in one run, at most")
    notify: tuple[str, ...] = Field(
        default=(), description="apprise URLs to notify (mailto://, slack://, ntfy://, tgram://, json://, ...)"
    )
    notify_incomplete_after: int = Field(
        default=2, ge=1, le=30, description="tell when the check could not complete this many runs in a row"
    )
    history_keep_days: int = Field(default=400, ge=7, le=3650, description="prune run history older than this")
    retry_backoff_s: float = Field(
        default=2.0, ge=0, le=60, description="a failed page load is retried twice, after this and twice this"
    )
    authserv_ids: tuple[str, ...] = Field(
        default=(),
        description="your mail provider's authserv-id(s) (the first word of the Authentication-Results "
        "header it adds, e.g. mx.google.com); only that header is then trusted by verify-email",
    )
    heartbeat_url: str | None = Field(
        default=None,
        description="a dead-man's switch (healthchecks.io style): pinged at /start, on completion, and at /fail",
    )
    settings_every: str = Field(
        default="7d",
        description="how often the settings pages (Login & Security, 2-step verification, memberships, devices, "
        'Kindle content) are read: "7d", "1d", "12h", or "0" for every run. Orders and 1-Click are read every '
        "run; the settings pages less often, so a nightly run stays short and looks like a person",
    )
    reauth: Literal["once", "never"] = Field(
        default="once",
        description='a settings page that asks for the password again: "once" answers it (once per run, with the '
        'stored credentials, like a sign-in); "never" skips that page and says so',
    )
    lang: Literal["auto", "ja", "en"] = Field(
        default="auto",
        description='the language of reports, notifications and messages: "ja", "en", or "auto" — the locale\'s '
        "language when it is Japanese or English; otherwise (C, POSIX, unset, as under cron) Japanese for "
        "amazon.co.jp and English for amazon.com (ORDERWATCH_LANG, --lang)",
    )
    data_dir: Path = Field(default_factory=data_dir)
    state_dir: Path = Field(default_factory=state_dir)

    @field_validator("marketplace")
    @classmethod
    def _market(cls, v: str) -> str:
        if v not in ("co.jp", "com"):
            raise ValueError(_('must be "co.jp" or "com"'))
        return v

    @field_validator("totp_secret")
    @classmethod
    def _totp(cls, v: SecretStr | None) -> SecretStr | None:
        """Normalised (spaces, lower case, an otpauth:// URI) and checked when the settings load: a bad secret
        stops with exit 2 before any sign-in step sends the e-mail and password."""
        if v is None:
            return None
        from orderwatch.credentials import normalize_totp_secret

        return SecretStr(normalize_totp_secret(v.get_secret_value()))

    @field_validator("heartbeat_url")
    @classmethod
    def _heartbeat(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        from urllib.parse import urlsplit

        parts = urlsplit(v.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(_("must be an http(s) URL such as https://hc-ping.com/<uuid>"))
        return v.strip()

    @field_validator("settings_every")
    @classmethod
    def _every(cls, v: str) -> str:
        parse_every(v)
        return v.strip()

    @property
    def settings_interval(self) -> timedelta:
        return parse_every(self.settings_every)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_dir() / "config.toml")
        return (init_settings, env_settings, dotenv_settings, toml)

    def secrets(self) -> list[str]:
        """Values that must never be shown: credentials, and notification URLs (they often hold tokens)."""
        secrets = [s.get_secret_value() for s in (self.password, self.totp_secret) if s is not None]
        return secrets + list(self.notify) + ([self.heartbeat_url] if self.heartbeat_url else [])

    @property
    def allowlist_path(self) -> Path:
        return self.allowlist or config_dir() / "allowlist.toml"


def check_config_keys(path: Path) -> None:
    """Unknown keys in config.toml are errors naming the file, the line and the closest valid key: a typo
    (``window_dayz``) must not silently leave the default in force."""
    import difflib
    import tomllib

    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(text)
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return  # reported by the settings source itself, with its own message
    known = sorted(Settings.model_fields)
    for key in data:
        if key in known:
            continue
        line = next(
            (n for n, raw in enumerate(text.splitlines(), 1) if raw.split("=", 1)[0].strip().strip('"') == key), None
        )
        close = difflib.get_close_matches(key, known, n=1)
        if line and close:
            message = _("{path}, line {line}: unknown key {key!r} — did you mean {close!r}?")
        elif line:
            message = _("{path}, line {line}: unknown key {key!r} (known keys: {known})")
        elif close:
            message = _("{path}: unknown key {key!r} — did you mean {close!r}?")
        else:
            message = _("{path}: unknown key {key!r} (known keys: {known})")
        text = message.format(path=path, line=line, key=key, close=close[0] if close else "", known=", ".join(known))
        raise UsageError(text, file=str(path), line=line)


# Pydantic's messages for the mistakes a config.toml or .env makes, as pydantic writes them in English (the
# catalog translates them; one without a translation is shown as pydantic wrote it).
PYDANTIC_MESSAGES = {
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "int_type": N_("Input should be a valid integer"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "string_type": N_("Input should be a valid string"),
    "tuple_type": N_("Input should be a valid tuple"),
    "list_type": N_("Input should be a valid list"),
    "literal_error": N_("Input should be {expected}"),
    "path_type": N_("Input is not a valid path"),
}


def _problem(error: Any) -> str:
    """One pydantic error as the user reads it: our own validators' messages are translated already."""
    message = str(error["msg"]).removeprefix("Value error, ")
    template = PYDANTIC_MESSAGES.get(error["type"])
    if template is not None and _(template) != template:
        try:
            return _(template).format(**error.get("ctx", {}))
        except (KeyError, IndexError, ValueError):
            return message
    return message


def load_settings(**explicit: Any) -> Settings:
    """Build the settings once; explicit values (None = not given) win over every other source."""
    given = {k: v for k, v in explicit.items() if v is not None}
    check_config_keys(config_dir() / "config.toml")
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {_problem(e)}" for e in exc.errors(include_input=False)
        )
        where = config_dir() / "config.toml"
        raise UsageError(
            _("invalid settings (command-line options, ORDERWATCH_* environment, .env or {path}): {problems}").format(
                path=where, problems=problems
            )
        ) from None
    except (OSError, ValueError) as exc:  # unreadable or malformed config.toml / .env
        where = config_dir() / "config.toml"
        raise UsageError(
            _("cannot read settings ({path} or .env): {error}: {detail}").format(
                path=where, error=exc.__class__.__name__, detail=exc
            )
        ) from None
    i18n.configure(settings.lang, settings.marketplace)
    return settings


def early_language() -> None:
    """The language before the settings are loaded (their own errors are then in it too): ``--lang``,
    ORDERWATCH_LANG, and ``lang`` / ``marketplace`` of config.toml read leniently; defaults where unreadable."""
    import tomllib

    try:
        data = tomllib.loads((config_dir() / "config.toml").read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    lang = os.environ.get("ORDERWATCH_LANG") or data.get("lang")
    market = os.environ.get("ORDERWATCH_MARKETPLACE") or data.get("marketplace")
    i18n.configure(lang if lang in i18n.SETTINGS else None, market if isinstance(market, str) else "co.jp")


def parse_every(text: str) -> timedelta:
    """ "7d" / "12h" / "0" → a timedelta. Raises ValueError with what is accepted."""
    match = re.fullmatch(r"\s*(\d+)\s*([dh]?)\s*", str(text))
    if match is None or (match.group(1) != "0" and not match.group(2)):
        raise ValueError(_('{text!r} is not a duration such as "7d", "1d", "12h" or "0" (every run)').format(text=text))
    n = int(match.group(1))
    return timedelta(days=n) if match.group(2) == "d" else timedelta(hours=n)


def private_dir(path: Path) -> Path:
    """Create ``path`` with mode 0700, and every missing parent too (existing ones keep their mode)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, data: str | bytes) -> None:
    """Write a file atomically with mode 0600 in a 0700 folder (session state, reports, logs)."""
    private_dir(path.parent)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
