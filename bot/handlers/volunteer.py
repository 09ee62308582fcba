"""The volunteer form: one question a message, every answer saved as it is given."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

from telegram import ReplyKeyboardRemove, Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationHandlerStop, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.handlers import applications_staff
from bot.handlers import volunteer_keyboards as kb
from bot.volunteers import render, steps, validation
from bot.volunteers.catalog import Catalog
from bot.volunteers import status as lifecycle
from bot.volunteers.validation import Invalid
from storage.applications import Application, ApplicationRepository
from storage.db import utc_now

log = logging.getLogger(__name__)
# Answers typed as text, and the validator for each.
_TYPED = {"text": validation.full_name, "optional_text": validation.experience, "phone": validation.phone}


def today() -> date:
    """The date ages are counted on (UTC, like every stored time)."""
    return date.fromisoformat(utc_now()[:10])


async def start_form(update: Update, context: BotContext) -> None:
    """Start the form, resume a draft, or show the application already under way."""
    user_id = update.effective_user.id
    repo = context.applications
    current = await repo.in_form(user_id)
    if current is not None:
        await _send(update, context, context.t("volunteer.resume"))
        await ask(update, context, current)
        return
    latest = await repo.latest(user_id)
    if latest is not None and latest.status in lifecycle.BLOCKS_NEW_FORM:
        await _send(update, context, context.t("volunteer.existing", id=latest.id))
        await show_application(update, context, latest)
        return
    app = await repo.create_draft(user_id, context.lang, steps.STEPS[0].name)
    await _send(update, context, context.t("volunteer.intro"))
    await ask(update, context, app)


async def ask(update: Update, context: BotContext, app: Application) -> None:
    """Send the question the application is at (or the summary)."""
    lang, step = context.lang, app.step
    if step is None:
        await show_application(update, context, app)
        return
    if step == steps.SUMMARY:
        text = render.summary(app, context.volunteer_catalog, context.texts, lang, today())
        await _send(update, context, text, kb.summary(context.texts, lang))
        return
    spec = steps.BY_NAME[step]
    asked = [s.name for s in steps.STEPS if steps.applies(s, app, today())]
    progress = context.t("volunteer.progress", n=asked.index(step) + 1, total=len(asked))
    text = context.volunteer_catalog.consent[lang].text if spec.kind == "consent" else context.t(f"volunteer.q.{step}")
    if spec.kind == "phone":
        await _send(update, context, f"{progress}\n{text}", kb.phone_keyboard(context.texts, lang))
        return
    ticked = app.selection if app.selection is not None else steps.split(app.get(step))
    markup = kb.question(
        context.texts, lang, step, option_ids=steps.options(spec, app, today()), ticked=ticked,
        catalog=context.volunteer_catalog, first=asked.index(step) == 0,
    )
    await _send(update, context, f"{progress}\n{text}", markup)


async def show_application(update: Update, context: BotContext, app: Application) -> None:
    """Show an application's status and answers, with what the applicant may do with it."""
    text = render.applicant_view(app, context.volunteer_catalog, context.texts, context.lang, today())
    await _send(update, context, text, kb.my_application(context.texts, context.lang, app.id, app.status))


async def form_input(update: Update, context: BotContext) -> None:
    """Take a message as the answer to the current question when the user is in the form."""
    message = update.effective_message  # a new message in a private chat: the filter saw to that
    if message.text and message.text.startswith("/"):
        return  # commands keep working in the middle of the form
    app = await context.applications.in_form(update.effective_user.id)
    if app is None:
        return
    await _take_message(update, context, app)
    # The message was the form's: the Q&A engine must not see it.
    raise ApplicationHandlerStop


async def _take_message(update: Update, context: BotContext, app: Application) -> None:
    message = update.effective_message
    typed = message.text
    if typed is not None and typed.strip() in (context.t("volunteer.back"), context.t("volunteer.cancel")):
        action = "back" if typed.strip() == context.t("volunteer.back") else "cancel"
        await _send(update, context, context.t("volunteer.keyboard_closed"), ReplyKeyboardRemove())
        await navigate(update, context, app, action)
        return
    step = app.step
    kind = steps.BY_NAME[step].kind if step in steps.BY_NAME else "buttons"
    try:
        if kind == "phone" and message.contact is not None:
            if message.contact.user_id != update.effective_user.id:
                raise Invalid("phone_not_own")
            value = validation.shared_phone(message.contact.phone_number)
        elif typed is None:
            await _send(update, context, context.t("volunteer.not_text"))
            await ask(update, context, app)
            return
        elif kind == "optional_text" and _means_skip(typed, context.t("volunteer.skip")):
            value = ""
        elif kind == "date":
            value = validation.birth_date(typed, today()).isoformat()
        elif kind in _TYPED:
            value = _TYPED[kind](typed)
        elif kind == "region" and (region := context.volunteer_catalog.find_region(typed)) is not None:
            value = region.code
        else:
            await _send(update, context, context.t("volunteer.use_buttons"))
            await ask(update, context, app)
            return
    except Invalid as problem:
        await _send(update, context, context.t(f"volunteer.errors.{problem.code}", **problem.params))
        await ask(update, context, app)
        return
    if kind == "phone":
        await _send(update, context, context.t("volunteer.phone_saved", phone=value), ReplyKeyboardRemove())
    await record(update, context, app, steps.changes_for(steps.BY_NAME[step], value, app, today()))


def _means_skip(typed: str, skip_label: str) -> bool:
    """True for "-", or the Skip button's words typed instead of pressed."""
    words = typed.strip().strip("-—–➡️ ").casefold()
    return not words or words == skip_label.strip("➡️ ").casefold()


async def record(update: Update, context: BotContext, app: Application, changes: dict[str, str | None]) -> None:
    """Save an answer with what it implies, then ask the next question (or finish an edit)."""
    updated = dataclasses.replace(app, answers={**app.answers, **changes}, selection=None)
    following = steps.next_step(updated, today())
    editing_submitted = app.status == lifecycle.SUBMITTED
    if editing_submitted and following == steps.SUMMARY:
        following = None
    updated = dataclasses.replace(updated, step=following)
    editable = lifecycle.EDITABLE_BY_APPLICANT if editing_submitted else (lifecycle.DRAFT,)
    if not await context.applications.save(app.id, changes, step=following, editable=editable):
        await _send(update, context, context.t("volunteer.my.not_editable"))
        return
    if editing_submitted and following is None:
        await _send(update, context, context.t("volunteer.my.edit_saved"))
        await applications_staff.post_application(context, updated, updated=True)
    await ask(update, context, updated)


async def navigate(update: Update, context: BotContext, app: Application, action: str) -> None:
    """Go back one question, or ask whether to cancel (an edit of a sent application just stops)."""
    if app.status == lifecycle.SUBMITTED:
        await context.applications.save(app.id, {}, step=None, editable=lifecycle.EDITABLE_BY_APPLICANT)
        await show_application(update, context, dataclasses.replace(app, step=None))
        return
    if action == "cancel":
        await _send(update, context, context.t("volunteer.cancel_confirm"),
                    kb.confirm_cancel(context.texts, context.lang, app.step))
        return
    previous = steps.previous_step(app, app.step, today())
    if previous is None:  # Back on the first question: nothing was given yet, so just leave
        await context.applications.delete_draft(app.id)
        await _send(update, context, context.t("volunteer.left"))
        return
    selection = steps.split(app.get(previous)) if steps.BY_NAME[previous].kind == "multi" else None
    await context.applications.save(app.id, {}, step=previous, selection=selection)
    await ask(update, context, dataclasses.replace(app, step=previous, selection=selection))


async def cancel_command(update: Update, context: BotContext) -> None:
    """Offer to cancel the form in progress (/cancel)."""
    app = await context.applications.in_form(update.effective_user.id)
    if app is None:
        await _send(update, context, context.t("volunteer.nothing_to_cancel"))
        return
    await navigate(update, context, app, "cancel")


async def _send(update: Update, context: BotContext, text: str, markup=None) -> None:
    await context.bot.send_message(update.effective_chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup)


def open_services(data) -> None:
    """Create the applications repository and load the form's content (in post_init)."""
    data.applications = ApplicationRepository(data.db)
    data.volunteer_catalog = Catalog.load(data.settings.content_dir)


def register(application, form_group: int) -> None:
    """Register the form's handlers, its buttons, the applicant's and the staff's commands."""
    from bot.handlers import volunteer_buttons, volunteer_self  # they import this module

    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, form_input),
        group=form_group,
    )
    application.add_handler(CommandHandler("volunteer", start_form))
    application.add_handler(CommandHandler("cancel", cancel_command))
    volunteer_buttons.register(application)
    volunteer_self.register(application)
    applications_staff.register(application)
