"""What runs around every update: flood guard, remembering users, blocks, errors."""

from __future__ import annotations

import html
import logging
import time

from telegram import ChatMember, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.delivery import send_to_user
from bot.flood import FloodGuard
from bot.i18n import language_from_telegram

log = logging.getLogger(__name__)
# One notice per kind of error per minute is enough for staff to act on it.
ADMIN_NOTICE_INTERVAL_SECONDS = 60.0


def is_from_person(update: object) -> bool:
    """True for updates a person sent: messages and button presses."""
    return isinstance(update, Update) and bool(update.effective_user) and bool(
        update.message or update.edited_message or update.callback_query
    )


def make_flood_check(guard: FloodGuard):
    """Build the handler that drops updates from a person who floods the bot."""

    async def check_flood(update: Update, context: BotContext) -> None:
        """Stop the update here if its sender is over their budget; warn them once."""
        if not is_from_person(update):
            return
        user_id = update.effective_user.id
        if await guard.allow(user_id):
            return
        if guard.should_warn(user_id):
            lang = await _language(update, context)
            await context.bot.send_message(update.effective_chat.id, context.texts.get(lang, "errors.flood"))
        if update.callback_query:
            await update.callback_query.answer()
        raise ApplicationHandlerStop

    return check_flood


async def remember_user(update: Update, context: BotContext) -> None:
    """Record that the user was seen and load the language to answer in."""
    if not is_from_person(update):
        return
    context.user_data.language = await _language(update, context, record=True)


async def track_membership(update: Update, context: BotContext) -> None:
    """Mark a user who blocked the bot (or came back) in the database."""
    change = update.my_chat_member
    if change.chat.type != "private":
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await context.users.set_blocked(change.from_user.id, blocked)


async def handle_error(update: object, context: BotContext) -> None:
    """Log the failure, tell the user politely, and let staff know."""
    error = context.error
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_user:
        # The user blocked the bot: nothing can reach them, so just remember it.
        await context.users.set_blocked(update.effective_user.id, True)
        log.info("user %s has blocked the bot", update.effective_user.id)
        return
    log.error("error while handling %s", describe_update(update), exc_info=error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            lang = await _language(update, context)
            await context.bot.send_message(update.effective_chat.id, context.texts.get(lang, "errors.generic"))
        except TelegramError:
            log.warning("could not tell the user about the error", exc_info=True)
    await _notify_admins(update, context)
    if isinstance(update, Update):
        # The user has had their answer (the apology); no later handler group should add another.
        raise ApplicationHandlerStop


def describe_update(update: object) -> str:
    """A one-line description of an update without what the user typed (it may be personal)."""
    if not isinstance(update, Update):
        return repr(type(update).__name__)
    kind = next((name for name in ("message", "edited_message", "callback_query", "my_chat_member") if getattr(update, name)), "other")
    detail = ""
    if update.callback_query:
        detail = f" data={update.callback_query.data!r}"
    elif update.effective_message and update.effective_message.text and update.effective_message.text.startswith("/"):
        detail = f" command={update.effective_message.text.split()[0]!r}"
    user = update.effective_user.id if update.effective_user else None
    return f"update {update.update_id} ({kind}) from user {user}{detail}"


async def _notify_admins(update: object, context: BotContext) -> None:
    settings = context.settings
    error = context.error
    key = type(error).__name__
    last = context.bot_data.admin_notices.get(key, float("-inf"))
    now = time.monotonic()
    if now - last < ADMIN_NOTICE_INTERVAL_SECONDS:
        return
    context.bot_data.admin_notices[key] = now
    update_id = update.update_id if isinstance(update, Update) else "?"
    for admin_id in settings.admin_ids:
        lang = settings.default_language
        admin = await context.users.get(admin_id)
        if admin and admin.language:
            lang = admin.language
        text = context.texts.get(
            lang,
            "errors.admin_notice",
            update_id=update_id,
            kind=html.escape(describe_update(update)),
            error=html.escape(f"{key}: {error}"[:500]),
        )
        try:
            await send_to_user(context.bot, context.users, admin_id, text, parse_mode=ParseMode.HTML)
        except TelegramError:
            log.warning("could not notify admin %s", admin_id, exc_info=True)


async def _language(update: Update, context: BotContext, *, record: bool = False) -> str:
    user = update.effective_user
    if record:
        await context.users.seen(user.id)
    stored = await context.users.get(user.id)
    if stored and stored.language:
        return stored.language
    return language_from_telegram(user.language_code, context.settings.default_language)
