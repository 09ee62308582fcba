"""The applicant's own controls: /myapplication (see, edit, withdraw) and /forget_me."""

from __future__ import annotations

import logging

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.context import BotContext
from bot.handlers import applications_staff
from bot.handlers import volunteer_keyboards as kb
from bot.handlers.volunteer import show_application
from bot.volunteers import status as lifecycle

log = logging.getLogger(__name__)


async def my_application(update: Update, context: BotContext) -> None:
    """Show the user's application, its status and what they can do with it."""
    app = await context.applications.latest(update.effective_user.id)
    if app is None or app.status == lifecycle.DRAFT:
        key = "volunteer.my.draft" if app is not None else "volunteer.my.none"
        await update.effective_message.reply_text(context.t(key))
        return
    await show_application(update, context, app)


async def my_application_button(update: Update, context: BotContext) -> None:
    """Edit, withdraw (after a confirmation) or show again the user's own application."""
    query = update.callback_query
    action, app_id = callbacks.parts(query.data)
    app = await context.applications.get(int(app_id))
    if app is None or app.user_id != update.effective_user.id:
        await query.answer(context.t("volunteer.staff.gone"), show_alert=True)
        return
    await query.answer()
    texts, lang = context.texts, context.lang
    if action == "edit":
        if app.status not in lifecycle.EDITABLE_BY_APPLICANT:
            await query.message.reply_text(context.t("volunteer.my.not_editable"))
            return
        await query.edit_message_reply_markup(kb.edit_fields(texts, lang, app.id))
    elif action == "withdraw":
        await query.message.reply_text(context.t("volunteer.my.withdraw_confirm", id=app.id),
                                       reply_markup=kb.confirm_withdraw(texts, lang, app.id))
    elif action == "withdraw_yes":
        await _withdraw(update, context, app.id)
    else:
        await show_application(update, context, app)


async def _withdraw(update: Update, context: BotContext, app_id: int) -> None:
    query = update.callback_query
    done = await context.applications.change_status(
        app_id, lifecycle.WITHDRAWN, lifecycle.WITHDRAWABLE, actor="applicant", actor_id=update.effective_user.id
    )
    await query.edit_message_reply_markup(None)
    if not done:
        await query.message.reply_text(context.t("volunteer.my.not_withdrawable"))
        return
    await query.message.reply_text(context.t("volunteer.my.withdrawn", id=app_id))
    posts = await context.applications.posts(app_id)
    await applications_staff.tell_staff_withdrawn(context, app_id, posts, erased=False)


async def forget_me(update: Update, context: BotContext) -> None:
    """Ask for confirmation before erasing everything the bot keeps about the user."""
    await update.effective_message.reply_text(
        context.t("volunteer.forget.confirm"), reply_markup=kb.confirm_forget(context.texts, context.lang)
    )


async def forget_button(update: Update, context: BotContext) -> None:
    """Erase the user's applications, subscriptions and profile, or keep them."""
    query = update.callback_query
    (answer,) = callbacks.parts(query.data)
    await query.answer()
    await query.edit_message_reply_markup(None)
    if answer != "yes":
        await query.message.reply_text(context.t("volunteer.forget.kept"))
        return
    text = context.t("volunteer.forget.done")  # in the user's language, before the profile goes
    erased = await context.applications.erase_user(update.effective_user.id)
    context.user_data.language = None
    log.info("user %s erased their data: %s application(s)", update.effective_user.id, erased.applications)
    await query.message.reply_text(text, reply_markup=ReplyKeyboardRemove())
    for app_id in sorted(set(erased.open_ids) | set(erased.posts)):
        await applications_staff.tell_staff_withdrawn(
            context, app_id, erased.posts.get(app_id, []), erased=True, notify=app_id in erased.open_ids
        )


def register(application) -> None:
    """Register /myapplication, /forget_me and their buttons."""
    application.add_handler(CommandHandler("myapplication", my_application))
    application.add_handler(CommandHandler("forget_me", forget_me))
    application.add_handler(CallbackQueryHandler(my_application_button, pattern=callbacks.pattern(callbacks.MY_APPLICATION)))
    application.add_handler(CallbackQueryHandler(forget_button, pattern=callbacks.pattern(callbacks.FORGET)))

