"""What runs around every update: flood guard, remembering people, the callback guard, blocks, errors."""

from __future__ import annotations

import html
import logging
import time

from telegram import ChatMember, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import callbacks
from bot.context import BotContext
from bot.flood import FloodGuard

log = logging.getLogger(__name__)
# One notice per kind of error per minute is enough for staff to act on it.
ADMIN_NOTICE_INTERVAL_SECONDS = 60.0
# A malformed or stale button is logged at most this often per prefix (a forger must not flood the log).
BAD_BUTTON_LOG_SECONDS = 3600.0
_bad_buttons_logged: dict[str, float] = {}


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
        user = update.effective_user
        if await guard.allow(user.id):
            return
        if guard.should_warn(user.id):
            lang = await context.services.people.language(user.id, user.language_code)
            await context.bot.send_message(update.effective_chat.id, context.texts.get(lang, "errors.flood"))
        if update.callback_query:
            await update.callback_query.answer()
        raise ApplicationHandlerStop

    return check_flood


async def remember_user(update: Update, context: BotContext) -> None:
    """Record that the person wrote and load the language to answer them in."""
    if not is_from_person(update):
        return
    user = update.effective_user
    context.user_data.language = await context.services.people.seen(user.id, user.language_code)


async def parse_button(update: Update, context: BotContext) -> None:
    """Parse the pressed button's data; a forged, truncated or outdated one, or a person's own button
    pressed in a group, is answered quietly and stops here."""
    query = update.callback_query
    context.callback = callbacks.parse(query.data)
    chat = update.effective_chat
    if context.callback is None:
        _log_bad_button(query.data)
    elif context.callback.prefix not in callbacks.GROUP_PREFIXES and (chat is None or chat.type != ChatType.PRIVATE):
        log.info("a private button was pressed in chat %s", chat.id if chat else None)
    else:
        return
    await query.answer(context.t("errors.stale_button"))
    raise ApplicationHandlerStop


def _log_bad_button(data: str | None) -> None:
    prefix = (data or "").split(":", 1)[0][:20]
    key = prefix if prefix in callbacks.SHAPES else "?"  # forged prefixes share one key: the dict stays small
    now = time.monotonic()
    if now - _bad_buttons_logged.get(key, float("-inf")) > BAD_BUTTON_LOG_SECONDS:
        _bad_buttons_logged[key] = now
        log.info("a button with unknown or malformed data was pressed (prefix %r)", prefix)


async def stale_button(update: Update, context: BotContext) -> None:
    """Answer a button that parsed but that no handler took (from an older version of the bot)."""
    await update.callback_query.answer(context.t("errors.stale_button"))


async def track_membership(update: Update, context: BotContext) -> None:
    """Mark a person who blocked the bot (or came back)."""
    change = update.my_chat_member
    if change.chat.type != "private":
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await context.services.people.blocked(change.from_user.id, blocked)


async def handle_error(update: object, context: BotContext) -> None:
    """Log the failure, tell the person politely, and let staff know."""
    error = context.error
    services = context.bot_data.services
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_user and services:
        # The person blocked the bot: nothing can reach them, so just remember it.
        await services.people.blocked(update.effective_user.id)
        return
    log.error("error while handling %s", describe_update(update), exc_info=error)
    if services is None:
        return
    services.errors += 1
    if isinstance(update, Update) and update.effective_chat:
        try:
            user = update.effective_user
            lang = await services.people.language(user.id, user.language_code) if user else services.settings.default_language
            await context.bot.send_message(update.effective_chat.id, services.content.texts.get(lang, "errors.generic"))
        except TelegramError:
            log.warning("could not tell the user about the error", exc_info=True)
    await _notify_admins(update, context)
    if isinstance(update, Update):
        # The person has had their answer (the apology); no later handler group should add another.
        raise ApplicationHandlerStop


def describe_update(update: object) -> str:
    """A one-line description of an update without what the person typed (it may be personal)."""
    if not isinstance(update, Update):
        return repr(type(update).__name__)
    kinds = ("message", "edited_message", "callback_query", "my_chat_member", "poll_answer", "poll")
    kind = next((name for name in kinds if getattr(update, name)), "other")
    detail = ""
    if update.callback_query:
        detail = f" button={(update.callback_query.data or '').split(':', 1)[0]!r}"
    elif update.effective_message and update.effective_message.text and update.effective_message.text.startswith("/"):
        detail = f" command={update.effective_message.text.split()[0][:40]!r}"
    user = update.effective_user.id if update.effective_user else None
    return f"update {update.update_id} ({kind}) from user {user}{detail}"


async def _notify_admins(update: object, context: BotContext) -> None:
    services = context.services
    error = context.error
    key = type(error).__name__
    now = time.monotonic()
    if now - services.admin_notices.get(key, float("-inf")) < ADMIN_NOTICE_INTERVAL_SECONDS:
        return
    services.admin_notices[key] = now
    update_id = update.update_id if isinstance(update, Update) else "?"
    for admin_id in services.settings.admin_ids:
        lang = await services.people.language(admin_id)  # each member of staff in their own language
        text = services.content.texts.get(
            lang, "errors.admin_notice", update_id=update_id, kind=html.escape(describe_update(update)),
            error=html.escape(f"{key}: {error}"[:500]),
        )
        try:
            await context.bot.send_message(admin_id, text, parse_mode=ParseMode.HTML)
        except Forbidden:
            await services.people.blocked(admin_id)
        except TelegramError:
            log.warning("could not notify admin %s", admin_id, exc_info=True)
