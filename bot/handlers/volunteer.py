"""The volunteer form: /volunteer, /cancel, the answers people type or share, and the form's buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.replies.volunteer import show_form
from bot.volunteers.form import Press


async def start_form(update: Update, context: BotContext) -> None:
    """Start the form, resume a draft, or show the application already under way."""
    await show_form(update, context, await context.services.form.start(update.effective_user.id, context.lang))


async def cancel(update: Update, context: BotContext) -> None:
    """Offer to cancel the form in progress (/cancel)."""
    await show_form(update, context, await context.services.form.cancel(update.effective_user.id))


async def take_answer(update: Update, context: BotContext) -> None:
    """Take a message as the answer to the current question when the person is in the form."""
    message, form, user_id = update.effective_message, context.services.form, update.effective_user.id
    if message.text and message.text.startswith("/"):
        return  # commands keep working in the middle of the form
    if message.contact is not None:
        reply = await form.take_contact(user_id, message.contact.phone_number, message.contact.user_id)
    elif message.text is not None:
        reply = await form.take_text(user_id, message.text, skip_label=context.t("volunteer.skip"),
                                     back_label=context.t("volunteer.back"), cancel_label=context.t("volunteer.cancel"))
    else:
        reply = await form.take_other(user_id)
    if reply is None:
        return  # not in the form: an ordinary message
    await show_form(update, context, reply)
    raise ApplicationHandlerStop  # the message was the form's: the Q&A engine must not see it


async def press(update: Update, context: BotContext) -> None:
    """A button of the form: the service accepts it only for the question being asked now."""
    parsed = context.callback
    if parsed["action"] == "new":
        await start_form(update, context)
        return
    button = Press(parsed["app"], parsed["rev"], parsed["action"], parsed.get("value") or "")
    await show_form(update, context, await context.services.form.press(update.effective_user.id, button, context.lang))
