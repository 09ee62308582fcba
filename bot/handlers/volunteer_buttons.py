"""The volunteer form's buttons: choices, ticks, Back, Cancel, Edit and Submit."""

from __future__ import annotations

import dataclasses

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.context import BotContext
from bot.handlers import applications_staff
from bot.handlers import volunteer_keyboards as kb
from bot.handlers.volunteer import ask, navigate, record, start_form, today
from bot.volunteers import steps
from bot.volunteers import status as lifecycle
from storage.applications import Application
from storage.db import utc_now


async def press(update: Update, context: BotContext) -> None:
    """Act on a button of the form, if it belongs to the question being asked now."""
    query = update.callback_query
    action, *rest = callbacks.parts(query.data)
    if action == "start":
        await query.answer()
        await start_form(update, context)
        return
    user_id = update.effective_user.id
    app = await context.applications.in_form(user_id)
    if action == "edit":
        await _edit(update, context, app, rest[0])
        return
    if action == "submit":
        await _submit(update, context, app)
        return
    if app is None or not rest or rest[0] != app.step:
        # A button of a question already answered (or of a form already sent or cancelled).
        await query.answer(context.t("volunteer.stale"))
        if app is not None:
            await ask(update, context, app)
        return
    await query.answer()
    handler = _ACTIONS.get(action)
    if handler is not None:
        await handler(update, context, app, rest[1] if len(rest) > 1 else "")


async def _consent(update: Update, context: BotContext, app: Application, answer: str) -> None:
    if answer != "yes":
        await context.applications.delete_draft(app.id)
        await update.effective_message.reply_text(context.t("volunteer.no_consent"))
        return
    version = context.volunteer_catalog.consent[context.lang].version
    await record(update, context, app, {"consent_at": utc_now(), "consent_version": version})


async def _guardian(update: Update, context: BotContext, app: Application, answer: str) -> None:
    await record(update, context, app, {"guardian_consent": utc_now()})


async def _pick(update: Update, context: BotContext, app: Application, region_id: str) -> None:
    if context.volunteer_catalog.region(region_id) is None:
        await ask(update, context, app)
        return
    await record(update, context, app, {"region": region_id})


async def _tick(update: Update, context: BotContext, app: Application, option: str) -> None:
    spec = steps.BY_NAME[app.step]
    offered = steps.options(spec, app, today())
    if option not in offered:
        return
    ticked = app.selection if app.selection is not None else steps.split(app.get(app.step))
    ticked = [o for o in ticked if o != option] if option in ticked else [*ticked, option]
    ticked = [o for o in offered if o in ticked]  # keep the order of the buttons
    await context.applications.save(app.id, {}, step=app.step, selection=ticked, editable=_editable(app))
    markup = kb.question(context.texts, context.lang, app.step, option_ids=offered, ticked=ticked)
    await update.callback_query.edit_message_reply_markup(markup)


async def _done(update: Update, context: BotContext, app: Application, _: str) -> None:
    ticked = app.selection if app.selection is not None else steps.split(app.get(app.step))
    if not ticked:
        await update.effective_message.reply_text(context.t("volunteer.choose_one"))
        return
    await update.callback_query.edit_message_reply_markup(None)
    await record(update, context, app, steps.changes_for(steps.BY_NAME[app.step], ",".join(ticked), app, today()))


async def _skip(update: Update, context: BotContext, app: Application, _: str) -> None:
    await record(update, context, app, {app.step: ""})


async def _back(update: Update, context: BotContext, app: Application, _: str) -> None:
    await navigate(update, context, app, "back")


async def _cancel(update: Update, context: BotContext, app: Application, _: str) -> None:
    await navigate(update, context, app, "cancel")


async def _cancel_yes(update: Update, context: BotContext, app: Application, _: str) -> None:
    await context.applications.delete_draft(app.id)
    await update.callback_query.edit_message_reply_markup(None)
    await update.effective_message.reply_text(context.t("volunteer.cancelled"), reply_markup=ReplyKeyboardRemove())


async def _cancel_no(update: Update, context: BotContext, app: Application, _: str) -> None:
    await update.callback_query.edit_message_reply_markup(None)
    await ask(update, context, app)


async def _edit(update: Update, context: BotContext, app: Application | None, field: str) -> None:
    """Ask one question again: from the summary of a draft, or for a sent application not yet reviewed."""
    query = update.callback_query
    if field not in steps.EDITABLE:
        await query.answer()
        return
    if app is None:
        latest = await context.applications.latest(update.effective_user.id)
        if latest is None or latest.status not in lifecycle.EDITABLE_BY_APPLICANT:
            await query.answer(context.t("volunteer.my.not_editable"), show_alert=True)
            return
        app = latest
    elif app.step != steps.SUMMARY and app.status == lifecycle.DRAFT:
        await query.answer(context.t("volunteer.stale"))
        await ask(update, context, app)
        return
    await query.answer()
    selection = steps.split(app.get(field)) if steps.BY_NAME[field].kind == "multi" else None
    if not await context.applications.save(app.id, {}, step=field, selection=selection, editable=_editable(app)):
        await query.message.reply_text(context.t("volunteer.my.not_editable"))
        return
    await ask(update, context, dataclasses.replace(app, step=field, selection=selection))


async def _submit(update: Update, context: BotContext, app: Application | None) -> None:
    """Send the application to staff, once."""
    query = update.callback_query
    if app is None or app.step != steps.SUMMARY or app.status != lifecycle.DRAFT:
        await query.answer(context.t("volunteer.already_submitted"))
        return
    await query.answer()
    if not await context.applications.submit(app.id, update.effective_user.id):
        await query.message.reply_text(context.t("volunteer.already_submitted"))
        return
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(context.t("volunteer.submitted", id=app.id))
    submitted = await context.applications.get(app.id)
    await applications_staff.post_application(context, submitted)


def _editable(app: Application) -> tuple[str, ...]:
    return lifecycle.EDITABLE_BY_APPLICANT if app.status == lifecycle.SUBMITTED else (lifecycle.DRAFT,)


_ACTIONS = {
    "consent": _consent,
    "guardian": _guardian,
    "pick": _pick,
    "tick": _tick,
    "done": _done,
    "skip": _skip,
    "back": _back,
    "cancel": _cancel,
    "cancel_yes": _cancel_yes,
    "cancel_no": _cancel_no,
}


def register(application) -> None:
    """Register the form's button handler."""
    application.add_handler(CallbackQueryHandler(press, pattern=callbacks.pattern(callbacks.VOLUNTEER)))
