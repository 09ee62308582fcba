"""A message to send and how the sending went, without any Telegram type (services and workers use these)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


@dataclass(frozen=True)
class Outgoing:
    """A message as a view built it: Telegram HTML text, an optional keyboard and photo."""

    text: str
    markup: Any = None  # a keyboard built by a view; opaque to the services
    photo: str | None = None  # a Telegram file_id: sent as a photo with the text as its caption


class Result(StrEnum):
    """How one send ended."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot (403): trying again will not help
    FAILED = "failed"  # Telegram refused it for good (400: chat not found, message gone…)
    RETRY = "retry"  # flood control: wait `retry_after` seconds, then try again
    TRANSIENT = "transient"  # a network problem: try again later


@dataclass(frozen=True)
class Outcome:
    """The result of a send or an edit."""

    result: Result
    message_id: int | None = None
    retry_after: float = 0.0
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the message was sent or edited."""
        return self.result is Result.SENT


class Courier(Protocol):
    """Delivers messages; implemented by bot.delivery.telegram.TelegramCourier."""

    async def send(self, chat_id: int, message: Outgoing, *, quiet: bool = False, paid: bool = False,
                   paced: bool = False) -> Outcome:
        """Send a new message (`paced`: the caller paced it and handles flood control itself)."""

    async def edit(self, chat_id: int, message_id: int, message: Outgoing) -> Outcome:
        """Replace a message's text and keyboard (an unchanged message counts as sent)."""
