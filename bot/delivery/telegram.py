"""The Courier over python-telegram-bot: sends and edits, turning Telegram's errors into outcomes."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.delivery.outgoing import Outcome, Outgoing, Result
from bot.delivery.throttle import PACED, retry_seconds

log = logging.getLogger(__name__)


class TelegramCourier:
    """Sends Outgoing messages with the Application's bot (and its shared rate limiter)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, message: Outgoing, *, quiet: bool = False, paid: bool = False,
                   paced: bool = False) -> Outcome:
        """Send a new message; flood control, blocks and refusals come back as the outcome."""
        options = {
            "parse_mode": ParseMode.HTML,
            "reply_markup": message.markup,
            "disable_notification": quiet,
        }
        if paid:
            options["allow_paid_broadcast"] = True
        if paced:
            options["rate_limit_args"] = PACED
        try:
            if message.photo:
                sent = await self.bot.send_photo(chat_id, message.photo, caption=message.text, **options)
            else:
                sent = await self.bot.send_message(chat_id, message.text, **options)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome the caller decides on
            return outcome_of(exc)
        return Outcome(Result.SENT, message_id=sent.message_id)

    async def edit(self, chat_id: int, message_id: int, message: Outgoing) -> Outcome:
        """Replace a message's text and keyboard."""
        try:
            await self.bot.edit_message_text(
                message.text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
                reply_markup=message.markup,
            )
        except BadRequest as exc:
            if "not modified" in exc.message:
                return Outcome(Result.SENT, message_id=message_id)
            return outcome_of(exc)
        except Exception as exc:  # noqa: BLE001
            return outcome_of(exc)
        return Outcome(Result.SENT, message_id=message_id)


def outcome_of(exc: Exception) -> Outcome:
    """The outcome a failed call stands for."""
    error = f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"[:300]
    if isinstance(exc, RetryAfter):
        return Outcome(Result.RETRY, retry_after=retry_seconds(exc), error=error)
    if isinstance(exc, Forbidden):
        return Outcome(Result.BLOCKED, error=error)
    if isinstance(exc, BadRequest):
        return Outcome(Result.FAILED, error=error)
    if isinstance(exc, (NetworkError, TelegramError)):  # NetworkError includes TimedOut
        return Outcome(Result.TRANSIENT, error=error)
    log.warning("unexpected error while sending: %s", error)
    return Outcome(Result.TRANSIENT, error=error)
