"""Telegram refuses an edit that changes nothing ("message is not modified"); for the bot that is a quiet no-op.

One place for every edit the bot makes: a second tap on an option already selected, a progress
message with the same figures, a picker shown again.
"""

from __future__ import annotations

from typing import Any

from telegram.error import BadRequest
from telegram.request import HTTPXRequest

_EDIT_METHODS = ("/editMessageText", "/editMessageReplyMarkup", "/editMessageCaption", "/editMessageMedia")


class QuietEditsRequest(HTTPXRequest):
    """The HTTP requests of the bot, with "message is not modified" answered as a successful edit."""

    async def post(self, url: str, *args: Any, **kwargs: Any) -> Any:
        """Make the request; an unchanged edit returns True (what Telegram returns for inline messages)."""
        try:
            return await super().post(url, *args, **kwargs)
        except BadRequest as exc:
            if url.endswith(_EDIT_METHODS) and "message is not modified" in exc.message.lower():
                return True
            raise
