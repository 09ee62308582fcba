"""The applicant's own controls: /myapplication (see, change, withdraw) and /forget_me."""

from __future__ import annotations

from telegram import Update

from bot.clock import utc_today
from bot.context import BotContext
from bot.replies import edit, send
from bot.replies.volunteer import show_form
from bot.views import volunteer as views
from bot.volunteers.status import Status


async def my_application(update: Update, context: BotContext) -> None:
    """Show the person's application (a withdrawn one too), its status and what they can still do."""
    app = await context.services.review.mine(update.effective_user.id)
    if app is None or app.status == Status.DRAFT:
        await send(update, context, context.t("volunteer.my.draft" if app else "volunteer.my.none"))
        return
    await send(update, context, *views.application(app, context.content.catalog, context.texts, context.lang, utc_today()))


async def on_button(update: Update, context: BotContext) -> None:
    """Show again, list the answers to change, start changing one, or withdraw (after a confirmation)."""
    query, parsed, review = update.callback_query, context.callback, context.services.review
    user_id, action = update.effective_user.id, parsed["action"]
    if action == "edit":
        await show_form(update, context, await review.begin_edit(user_id, parsed["app"], parsed["rev"], parsed["field"]))
        return
    app = await review.owned(user_id, parsed["app"])
    if app is None:
        await query.answer(context.t("errors.stale_button"))
        return
    catalog, texts, lang = context.content.catalog, context.texts, context.lang
    if action == "fields":
        await query.answer()
        await query.edit_message_reply_markup(views.edit_fields(app, texts, lang))
    elif action == "withdraw":
        await query.answer()
        await edit(update, context, *views.confirm_withdraw(app, texts, lang))
    elif action == "withdraw_yes":
        decision = await review.withdraw(user_id, app.id)
        await query.answer(None if decision.changed else context.t("volunteer.my.not_withdrawable"))
        notes = ("my.withdrawn",) if decision.changed else ()
        await edit(update, context, *views.application(decision.app, catalog, texts, lang, utc_today(), notes=notes))
        await context.services.notices.flush()
    else:
        await query.answer()
        await edit(update, context, *views.application(app, catalog, texts, lang, utc_today()))


async def forget_me(update: Update, context: BotContext) -> None:
    """Ask for confirmation before erasing everything the bot keeps about the person."""
    await send(update, context, *views.confirm_forget(context.texts, context.lang))


async def forget_button(update: Update, context: BotContext) -> None:
    """Erase the person's applications, subscriptions and profile, or keep them."""
    query = update.callback_query
    await query.answer()
    if context.callback["answer"] != "yes":
        await edit(update, context, context.t("volunteer.forget.kept"))
        return
    text = context.t("volunteer.forget.done")  # in the person's language, before the profile goes
    await context.services.review.erase(update.effective_user.id)
    context.user_data.language = None
    await edit(update, context, text)
    await context.services.notices.flush()  # staff posts replaced by a note without the data
