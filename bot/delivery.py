"""Send a message the bot starts itself (not a reply), remembering who has blocked it."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.error import Forbidden

from storage.users import UserRepository

log = logging.getLogger(__name__)


async def send_to_user(bot: Bot, users: UserRepository, user_id: int, text: str, **kwargs: Any) -> bool:
    """Send a message; if the user has blocked the bot, mark them blocked and return False."""
    try:
        await bot.send_message(user_id, text, **kwargs)
    except Forbidden:
        await users.set_blocked(user_id, True)
        log.info("user %s has blocked the bot", user_id)
        return False
    return True
