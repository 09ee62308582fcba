"""Showing the volunteer form's state: edit the pressed message in place, or send a new one after typing."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from bot.clock import utc_today
from bot.context import BotContext
from bot.replies import edit, send
from bot.views import volunteer as views
from bot.volunteers.form import APPLICATION, CONFIRM_CANCEL, NOTHING, SUMMARY, FormReply

# Outcomes that end the form: their text replaces the question (or comes as a message).
_ENDINGS = {"no_consent": "volunteer.no_consent", "cancelled": "volunteer.cancelled", "left": "volunteer.left",
            "nothing_to_cancel": "volunteer.nothing_to_cancel"}


async def show_form(update: Update, context: BotContext, reply: FormReply) -> None:
    """Show what the form's service decided, the way Telegram users expect it."""
    pressed = update.callback_query is not None
    catalog, texts, lang, today = context.content.catalog, context.texts, context.lang, utc_today()
    if pressed:
        stale = reply.outcome in ("stale", "not_editable")
        key = "volunteer.my.not_editable" if reply.outcome == "not_editable" else "volunteer.stale"
        await update.callback_query.answer(context.t(key) if stale else None)
        if stale:
            if reply.app is not None and reply.show != NOTHING:
                await _send_screen(update, context, reply)
            return
    if reply.outcome in _ENDINGS:
        text = context.t(_ENDINGS[reply.outcome])
        await (edit(update, context, text) if pressed else send(update, context, text, ReplyKeyboardRemove()))
        return
    if reply.outcome == "submitted":
        await edit(update, context, views.sent_summary(reply.app, catalog, texts, lang, today))
        await context.services.notices.flush()  # the thanks and the staff cards, through the outbox
        return
    if reply.outcome == "edit_saved":
        await context.services.notices.flush()
    if reply.answered_step == "phone" and not pressed:
        # The share-my-number keyboard goes away with the confirmation of the number.
        await send(update, context, context.t("volunteer.phone_saved", phone=reply.app.get("phone")), ReplyKeyboardRemove())
    if pressed and reply.answered_step:
        await edit(update, context, views.answered(reply.app, reply.answered_step, catalog, texts, lang, today))
        await _send_screen(update, context, reply)
    elif pressed and _is_phone_question(reply):
        await update.callback_query.edit_message_reply_markup(None)
        await _send_screen(update, context, reply)
    elif pressed:
        text, markup = _screen(context, reply)
        await edit(update, context, text, markup)
    else:
        await _send_screen(update, context, reply)


async def _send_screen(update: Update, context: BotContext, reply: FormReply) -> None:
    text, markup = _screen(context, reply)
    await send(update, context, text, markup)


def _screen(context: BotContext, reply: FormReply):
    catalog, texts, lang, today = context.content.catalog, context.texts, context.lang, utc_today()
    app = reply.app
    if reply.show == SUMMARY:
        return views.summary(app, catalog, texts, lang, today, problem=reply.problem, notes=reply.notes)
    if reply.show == CONFIRM_CANCEL:
        return views.confirm_cancel(app, texts, lang)
    if reply.show == APPLICATION:
        notes = (*reply.notes, "my.edit_saved") if reply.outcome == "edit_saved" else reply.notes
        return views.application(app, catalog, texts, lang, today, notes=notes)
    return views.question(app, catalog, texts, lang, today, problem=reply.problem,
                          problem_params=reply.problem_params, notes=reply.notes)


def _is_phone_question(reply: FormReply) -> bool:
    return reply.show == "question" and reply.app is not None and reply.app.step == "phone"
