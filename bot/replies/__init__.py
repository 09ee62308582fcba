"""Replies shared by several handlers: sending a view's text and keyboard, and editing in place."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.context import BotContext


async def send(update: Update, context: BotContext, text: str, markup=None, *, quote: bool = False) -> Message:
    """Send a new message in the update's chat (Telegram HTML)."""
    message = update.effective_message
    if quote and message is not None:
        return await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=True)
    return await context.bot.send_message(update.effective_chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def edit(update: Update, context: BotContext, text: str, markup=None) -> None:
    """Replace the message whose button was pressed (a photo's caption cannot become text: send anew)."""
    message = update.callback_query.message if update.callback_query else None
    if message is None or message.photo or message.caption is not None:
        await send(update, context, text, markup)
        return
    try:
        await update.callback_query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "can't be edited" not in exc.message and "not found" not in exc.message:
            raise
        await send(update, context, text, markup)  # too old to edit, or deleted: say it anew


async def show(update: Update, context: BotContext, text: str, markup=None, *, in_place: bool) -> None:
    """Put the text in place of the pressed message (`in_place`), or send it as a new message."""
    await (edit(update, context, text, markup) if in_place else send(update, context, text, markup))
