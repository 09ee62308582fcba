"""Who may do what, and where: staff-only handlers check the person asking, private buttons the chat, every time."""

from __future__ import annotations

import functools
import logging
from typing import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType

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


def private_only(handler: Handler) -> Handler:
    """Let a person's own buttons act only in their private chat: pressed (forged) in a group, they change nothing."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            log.info("a private button was pressed in chat %s", chat.id if chat else None)
            await update.callback_query.answer(context.t("errors.stale_button"))
            return
        await handler(update, context)

    return guarded
