"""Staff side of volunteer applications: posted cards, status buttons, /applications, /export."""

from __future__ import annotations

import logging
from datetime import date

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.context import BotContext
from bot.delivery import send_to_user
from bot.handlers import volunteer_keyboards as kb
from bot.handlers.staff import staff_only
from bot.telegram_html import escape
from bot.volunteers import export, render
from bot.volunteers import status as lifecycle
from storage.applications import Application, Post
from storage.db import utc_now

log = logging.getLogger(__name__)
LIST_LIMIT = 20


def _today() -> date:
    return date.fromisoformat(utc_now()[:10])


async def _targets(context: BotContext) -> list[tuple[int, str]]:
    """Where applications go: the staff chat, else each admin; with the language to write in."""
    settings = context.settings
    if settings.staff_chat_id is not None:
        return [(settings.staff_chat_id, settings.default_language)]
    targets = []
    for admin_id in sorted(settings.admin_ids):
        admin = await context.users.get(admin_id)
        targets.append((admin_id, admin.language if admin and admin.language else settings.default_language))
    return targets


async def post_application(context: BotContext, app: Application, *, updated: bool = False) -> None:
    """Post an application (new, or changed by the applicant) for staff with the decision buttons."""
    history = await context.applications.history(app.id)
    for chat_id, lang in await _targets(context):
        text = render.staff_card(app, context.volunteer_catalog, context.texts, lang, _today(), history, updated=updated)
        try:
            sent = await context.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=kb.staff_decisions(context.texts, lang, app.id)
            )
        except TelegramError:
            log.warning("could not post application %s to chat %s", app.id, chat_id, exc_info=True)
            continue
        await context.applications.add_post(app.id, chat_id, sent.message_id)


async def tell_staff_withdrawn(context: BotContext, app_id: int, posts: list[Post], *, erased: bool,
                               notify: bool = True) -> None:
    """Replace the application's posts with a note, and tell staff, without the applicant's data."""
    key = "volunteer.staff.erased_post" if erased else "volunteer.staff.withdrawn_post"
    for chat_id, lang in await _targets(context) if notify else []:
        try:
            await context.bot.send_message(chat_id, context.texts.get(lang, key, id=app_id))
        except TelegramError:
            log.warning("could not tell chat %s about application %s", chat_id, app_id, exc_info=True)
    for post in posts:
        try:
            await context.bot.edit_message_text(
                context.texts.get(context.settings.default_language, key, id=app_id),
                chat_id=post.chat_id, message_id=post.message_id,
            )
        except BadRequest:
            pass  # too old to edit, or already replaced
        except TelegramError:
            log.warning("could not replace post %s in chat %s", post.message_id, post.chat_id, exc_info=True)


@staff_only
async def decide(update: Update, context: BotContext) -> None:
    """Set Contacted / Accepted / Declined on an application and tell the applicant."""
    query = update.callback_query
    new, app_id = callbacks.parts(query.data)
    app = await context.applications.get(int(app_id))
    # A staff chat reads in the default language, as the card was posted; a private chat in the admin's.
    lang = context.lang if query.message.chat.type == "private" else context.settings.default_language
    if app is None:
        await query.answer(context.t("volunteer.staff.gone"), show_alert=True)
        return
    status_name = context.t(f"volunteer.status.{new}")
    if app.status == new:
        await query.answer(context.t("volunteer.staff.same", status=status_name))
        return
    changed = lifecycle.can_staff_set(app.status, new) and await context.applications.change_status(
        app.id, new, lifecycle.staff_may_set(new), actor="staff", actor_id=update.effective_user.id
    )
    if not changed:
        current = context.t(f"volunteer.status.{app.status}")
        await query.answer(context.t("volunteer.staff.not_allowed", status=current), show_alert=True)
        return
    await query.answer(context.t("volunteer.staff.changed", status=status_name))
    app = await context.applications.get(app.id)
    history = await context.applications.history(app.id)
    card = render.staff_card(app, context.volunteer_catalog, context.texts, lang, _today(), history)
    await query.edit_message_text(card, parse_mode=ParseMode.HTML, reply_markup=kb.staff_decisions(context.texts, lang, app.id))
    applicant = await context.users.get(app.user_id)
    applicant_lang = applicant.language if applicant and applicant.language else app.lang
    await send_to_user(
        context.bot, context.users, app.user_id, context.texts.get(applicant_lang, f"volunteer.notify.{new}", id=app.id)
    )


@staff_only
async def list_applications(update: Update, context: BotContext) -> None:
    """List applications with one status (/applications [status]), with counts per status."""
    args = context.args or []
    status = args[0].lower() if args else lifecycle.SUBMITTED
    if status not in lifecycle.STATUSES or status == lifecycle.DRAFT:
        await update.effective_message.reply_text(context.t("volunteer.staff.bad_status", statuses=_statuses()))
        return
    await update.effective_message.reply_text(
        await _listing(context, status), parse_mode=ParseMode.HTML,
        reply_markup=kb.status_filter(context.texts, context.lang, await context.applications.counts()),
    )


@staff_only
async def filter_applications(update: Update, context: BotContext) -> None:
    """Show the list for the status whose button was pressed."""
    query = update.callback_query
    (status,) = callbacks.parts(query.data)
    await query.answer()
    if status not in lifecycle.STATUSES:
        return
    await query.edit_message_text(
        await _listing(context, status), parse_mode=ParseMode.HTML,
        reply_markup=kb.status_filter(context.texts, context.lang, await context.applications.counts()),
    )


async def _listing(context: BotContext, status: str) -> str:
    apps = await context.applications.search(status, limit=LIST_LIMIT)
    name = context.t(f"volunteer.status.{status}")
    if not apps:
        return context.t("volunteer.staff.list_empty", status=name)
    lines = [context.t("volunteer.staff.list_title", status=name)]
    for app in apps:
        region = escape(context.volunteer_catalog.region_name(app.get("region"), context.lang))
        lines.append(context.t("volunteer.staff.list_line", id=app.id, name=escape(app.get("full_name") or ""),
                               region=region, date=(app.submitted_at or "")[:10]))
    return "\n".join(lines)


@staff_only
async def export_csv(update: Update, context: BotContext) -> None:
    """Send applications as a CSV file (/export [status] [from YYYY-MM-DD] [to YYYY-MM-DD])."""
    try:
        status, since, until = parse_export_args(context.args or [])
    except ValueError:
        await update.effective_message.reply_text(context.t("volunteer.staff.export_usage", statuses=_statuses()))
        return
    start, end = export.day_bounds(since, until)
    apps = await context.applications.search(status, start, end)
    if not apps:
        await update.effective_message.reply_text(context.t("volunteer.staff.export_empty"))
        return
    data = export.to_csv(apps, context.volunteer_catalog)
    name = f"applications-{status or 'all'}-{_today().isoformat()}.csv"
    await update.effective_message.reply_document(
        InputFile(data, filename=name), caption=context.t("volunteer.staff.export_caption", count=len(apps))
    )


def parse_export_args(args: list[str]) -> tuple[str | None, date | None, date | None]:
    """Status and date range from /export's words; ValueError on anything else."""
    status, dates = None, []
    for word in args:
        if word.lower() in lifecycle.STATUSES and word.lower() != lifecycle.DRAFT and status is None:
            status = word.lower()
        elif word.lower() == "all" and status is None:
            continue
        else:
            dates.append(date.fromisoformat(word))
    if len(dates) > 2:
        raise ValueError("at most two dates")
    since = dates[0] if dates else None
    until = dates[1] if len(dates) > 1 else None
    return status, since, until


def _statuses() -> str:
    return ", ".join(s for s in lifecycle.STATUSES if s != lifecycle.DRAFT)


def register(application) -> None:
    """Register the staff commands and buttons for applications."""
    application.add_handler(CommandHandler("applications", list_applications))
    application.add_handler(CommandHandler("export", export_csv))
    application.add_handler(CallbackQueryHandler(decide, pattern=callbacks.pattern(callbacks.APPLICATION_STATUS)))
    application.add_handler(CallbackQueryHandler(filter_applications, pattern=callbacks.pattern(callbacks.APPLICATION_LIST)))
