"""The Courier over python-telegram-bot: sends and edits, turning Telegram's errors into outcomes.

Paced sends (a broadcast's, one message to many chats) go through the DirectSender when there is one:
the same request and the same outcomes without python-telegram-bot's per-call CPU.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.delivery.direct import DirectSender, Prepared
from bot.delivery.outgoing import Outcome, Outgoing, Result
from bot.delivery.throttle import PACED, retry_seconds

log = logging.getLogger(__name__)
# Prepared broadcast messages kept (one per language of the broadcasts being sent).
_PREPARED_KEPT = 32


class TelegramCourier:
    """Sends Outgoing messages with the Application's bot (and its shared rate limiter)."""

    def __init__(self, bot: Bot, direct: DirectSender | None = None) -> None:
        self.bot = bot
        self.direct = direct
        self._prepared: dict[tuple[int, bool, bool], tuple[Outgoing, Prepared]] = {}

    async def send(self, chat_id: int, message: Outgoing, *, quiet: bool = False, paid: bool = False,
                   paced: bool = False) -> Outcome:
        """Send a new message; flood control, blocks and refusals come back as the outcome."""
        if paced and self.direct is not None:
            return await self._send_direct(chat_id, message, quiet, paid)
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

    async def close(self) -> None:
        """Close the direct sender's connections."""
        if self.direct is not None:
            await self.direct.close()

    async def _send_direct(self, chat_id: int, message: Outgoing, quiet: bool, paid: bool) -> Outcome:
        key = (id(message), quiet, paid)
        cached = self._prepared.get(key)
        if cached is None or cached[0] is not message:
            if len(self._prepared) >= _PREPARED_KEPT:
                self._prepared.clear()
            cached = self._prepared[key] = (message, self.direct.prepare(message, quiet=quiet, paid=paid))
        try:
            message_id = await self.direct.send(chat_id, cached[1])
        except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome the caller decides on
            return outcome_of(exc)
        return Outcome(Result.SENT, message_id=message_id)

    async def edit(self, chat_id: int, message_id: int, message: Outgoing) -> Outcome:
        """Replace a message's text and keyboard (the bot's QuietEditsRequest makes an unchanged edit a success)."""
        try:
            await self.bot.edit_message_text(
                message.text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
                reply_markup=message.markup,
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome the caller decides on
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
