"""Settings from the environment (and an optional .env file), validated once at start."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlparse

from dotenv import dotenv_values

PROJECT_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ("kk", "ru", "en")
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# Telegram allows about 30 messages a second for a bot in all; paid broadcasts up to 1000.
_MAX_BROADCAST_RATE = 1000.0


class ConfigError(Exception):
    """A setting is missing or has a bad value; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    bot_token: str | None = field(default=None, repr=False)  # never in a log line
    bot_api_base_url: str = DEFAULT_API_BASE_URL
    database_path: Path = Path("data/bot.sqlite3")
    content_dir: Path = PROJECT_DIR / "content"
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    staff_chat_id: int | None = None
    default_language: str = "kk"
    broadcast_rate: float = 25.0
    paid_broadcast_rate: float = 1000.0
    paid_broadcast_stars: float = 0.1  # Telegram Stars per message of a paid broadcast (the Bot API's price)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    listen: str = "0.0.0.0"
    port: int = 8443
    bot_username: str | None = None
    start_retries: int = 5  # tries to reach the Bot API at start before giving up

    @property
    def bot_api_file_url(self) -> str:
        """Where files are downloaded from: the file endpoint beside the Bot API base URL."""
        base = self.bot_api_base_url
        if base.endswith("/bot"):
            return base[: -len("bot")] + "file/bot"
        return base.rstrip("/") + "/file/bot"

    def is_admin(self, user_id: int | None) -> bool:
        """Tell whether a Telegram user is one of the Society's staff."""
        return user_id is not None and user_id in self.admin_ids

    def with_changes(self, **changes: object) -> "Settings":
        """Return a copy with some settings replaced (used by the sandbox and tests)."""
        return replace(self, **changes)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read and validate the settings; the environment wins over the .env file."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        raw = values.get(name)
        return raw.strip() if raw is not None and raw.strip() != "" else None

    webhook_url = _webhook_url(get("WEBHOOK_URL"))
    database_path = get("DATABASE_PATH")
    parsed = dict(
        bot_token=_token(get("BOT_TOKEN")),
        bot_api_base_url=_url(get("BOT_API_BASE_URL")),
        database_path=Path(database_path) if database_path else None,
        content_dir=_content_dir(get("CONTENT_DIR")),
        admin_ids=_admin_ids(get("ADMIN_IDS")),
        staff_chat_id=_int("STAFF_CHAT_ID", get("STAFF_CHAT_ID")),
        default_language=_language(get("DEFAULT_LANGUAGE")),
        broadcast_rate=_rate("BROADCAST_RATE", get("BROADCAST_RATE")),
        paid_broadcast_rate=_rate("PAID_BROADCAST_RATE", get("PAID_BROADCAST_RATE")),
        paid_broadcast_stars=_price(get("PAID_BROADCAST_STARS")),
        webhook_url=webhook_url,
        webhook_secret=_secret(get("WEBHOOK_SECRET"), webhook_url),
        listen=get("LISTEN"),
        port=_port(get("PORT")),
        bot_username=_username(get("BOT_USERNAME")),
        start_retries=_retries(get("START_RETRIES")),
    )
    # A setting left unset (None) takes the default written once, in Settings.
    return Settings(**{name: value for name, value in parsed.items() if value is not None})


def require_token(settings: Settings) -> str:
    """Return the bot token or explain, in one line, how to get one."""
    if not settings.bot_token:
        raise ConfigError(
            "BOT_TOKEN",
            "not set. Get a token from @BotFather in Telegram (/newbot) and put "
            "BOT_TOKEN=... in .env or the environment; to try the bot without a token, "
            "run 'make sandbox'.",
        )
    return settings.bot_token


def _token(raw: str | None) -> str | None:
    if raw is not None and not _TOKEN_RE.match(raw):
        raise ConfigError("BOT_TOKEN", "does not look like a token from @BotFather (digits:letters)")
    return raw


def _url(raw: str | None) -> str | None:
    if raw is None:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError("BOT_API_BASE_URL", f"{raw!r} is not an http(s) URL such as {DEFAULT_API_BASE_URL}")
    return raw


def _content_dir(raw: str | None) -> Path:
    path = Path(raw) if raw else PROJECT_DIR / "content"
    if not path.is_dir():
        raise ConfigError("CONTENT_DIR", f"{path} is not a folder")
    return path


def _admin_ids(raw: str | None) -> frozenset[int] | None:
    if raw is None:
        return None
    ids = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"\d+", part):
            raise ConfigError("ADMIN_IDS", f"{part!r} is not a Telegram user id (comma-separated numbers)")
        ids.add(int(part))
    return frozenset(ids)


def _int(name: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    if not re.fullmatch(r"-?\d+", raw):
        raise ConfigError(name, f"{raw!r} is not a Telegram chat id (a whole number)")
    return int(raw)


def _language(raw: str | None) -> str | None:
    if raw is None:
        return None
    if raw not in LANGUAGES:
        raise ConfigError("DEFAULT_LANGUAGE", f"{raw!r} is not one of kk, ru, en")
    return raw


def _rate(name: str, raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        rate = float(raw)
    except ValueError:
        raise ConfigError(name, f"{raw!r} is not a number of messages per second") from None
    if not 0 < rate <= _MAX_BROADCAST_RATE:
        raise ConfigError(name, f"{raw!r} must be above 0 and at most {_MAX_BROADCAST_RATE:g}")
    return rate


def _price(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        price = float(raw)
    except ValueError:
        raise ConfigError("PAID_BROADCAST_STARS", f"{raw!r} is not a number of Telegram Stars") from None
    if not 0 <= price <= 100:
        raise ConfigError("PAID_BROADCAST_STARS", f"{raw!r} must be between 0 and 100 Stars a message")
    return price


def _webhook_url(raw: str | None) -> str | None:
    if raw is None:
        return None
    parsed = urlparse(raw)
    # Telegram posts to https only; a self-hosted Bot API server on the same machine may use http://localhost.
    local = parsed.scheme == "http" and parsed.hostname in ("localhost", "127.0.0.1", "::1")
    if not parsed.netloc or not (parsed.scheme == "https" or local):
        raise ConfigError("WEBHOOK_URL", f"{raw!r} is not an https:// address (Telegram sends webhooks over HTTPS only)")
    return raw


def _retries(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise ConfigError("START_RETRIES", f"{raw!r} is not a number of tries from 1 to 100")
    return int(raw)


def _secret(raw: str | None, webhook_url: str | None) -> str | None:
    if raw is None:
        if webhook_url is not None:
            raise ConfigError("WEBHOOK_SECRET", "required with WEBHOOK_URL: 1-256 characters A-Z, a-z, 0-9, _ and -")
        return None
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
        raise ConfigError("WEBHOOK_SECRET", "must be 1-256 characters A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    return raw


def _port(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError("PORT", f"{raw!r} is not a port number (1-65535)")
    return int(raw)


def _username(raw: str | None) -> str | None:
    if raw is None:
        return None
    name = raw.lstrip("@")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", name):
        raise ConfigError("BOT_USERNAME", f"{raw!r} is not a Telegram bot username")
    return name
