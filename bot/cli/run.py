"""`python -m bot run`: serve Telegram by long polling or by webhook, with one-line start-up errors.

The token is a password: it never appears in a log line or an error (every log record passes
through a filter that hides it), and a refused token or an unreachable Bot API is one clear line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from urllib.parse import urlparse

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.config import Settings, load_settings, require_token

log = logging.getLogger("bot.run")
# Between tries to reach the Bot API at start: 2, 4, 8… seconds, at most a minute.
MAX_WAIT_SECONDS = 60


class HideToken(logging.Filter):
    """Replaces the bot token in every log record (httpx and PTB put it in URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with the token hidden; keep the record."""
        message = record.getMessage()
        if self.token in message or (record.exc_info and self.token in logging.Formatter().formatException(record.exc_info)):
            record.msg = hide(message, self.token)
            record.args = ()
            record.exc_info = None  # a traceback would carry the token in URLs
            record.exc_text = None
        return True


def hide(text: str, token: str) -> str:
    """The text with the token (and its numeric id's secret part) replaced."""
    return text.replace(token, "<BOT_TOKEN>")


def run(args: argparse.Namespace) -> int:
    """Check the token and the connection, then serve until SIGTERM/Ctrl-C (updates in hand are finished first)."""
    settings = load_settings()
    token = require_token(settings)
    _setup_logging(token)
    webhook = args.webhook or settings.webhook_url is not None
    if webhook and not settings.webhook_url:
        print("error: WEBHOOK_URL: not set; --webhook needs WEBHOOK_URL (https://...) and WEBHOOK_SECRET", file=sys.stderr)
        return 2
    problem = asyncio.run(_check_connection(settings))
    if problem:
        print(f"error: {hide(problem, token)}", file=sys.stderr)
        return 2
    from bot.app import ALLOWED_UPDATES, build_application

    application = build_application(settings)
    if webhook:
        application.run_webhook(
            listen=settings.listen, port=settings.port, url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES,
        )
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


async def _check_connection(settings: Settings) -> str | None:
    """None when the Bot API answers getMe with this token; else one line saying why not."""
    bot = Bot(settings.bot_token, base_url=settings.bot_api_base_url)
    attempts = settings.start_retries
    for attempt in range(1, attempts + 1):
        try:
            async with bot:
                log.info("connected to the Bot API as @%s", bot.username)
                return None
        except InvalidToken:
            return ("BOT_TOKEN: Telegram refused this token (revoked or mistyped); "
                    "copy it again from @BotFather (/mybots → API Token)")
        except NetworkError as exc:
            if attempt == attempts:
                break
            wait = min(MAX_WAIT_SECONDS, 2 ** attempt)
            log.warning("cannot reach the Bot API at %s (try %s of %s: %s); trying again in %s s",
                        urlparse(settings.bot_api_base_url).netloc, attempt, attempts, _short(exc), wait)
            await asyncio.sleep(wait)
    return (f"cannot reach the Bot API at {urlparse(settings.bot_api_base_url).netloc} after {attempts} tries; "
            "check the network (or BOT_API_BASE_URL) and start again")


def _setup_logging(token: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    # httpx logs every request at INFO, which would drown the bot's own log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    hiding = HideToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(hiding)


def _short(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}" if str(exc) else type(exc).__name__
