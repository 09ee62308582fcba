"""Who may do what: staff-only handlers check the person asking, every time (a person's own buttons are
kept to private chats by system.parse_button, for every handler at once)."""

from __future__ import annotations

import functools
import logging
from typing import Awaitable, Callable

from telegram import Update

from bot.context import BotContext

log = logging.getLogger(__name__)
Handler = Callable[[Update, BotContext], Awaitable[None]]


def staff_only(handler: Handler) -> Handler:
    """Let only ADMIN_IDS through; tell anyone else politely and change nothing."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        user_id = update.effective_user.id if update.effective_user else None
        if not context.settings.is_admin(user_id):
            log.info("user %s tried a staff command", user_id)
            if update.callback_query:
                await update.callback_query.answer(context.t("errors.not_staff"), show_alert=True)
            elif update.effective_message:
                await update.effective_message.reply_text(context.t("errors.not_staff"))
            return
        await handler(update, context)

    return guarded

