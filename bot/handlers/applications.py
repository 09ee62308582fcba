"""Staff side of volunteer applications: decision buttons on the cards, /applications, /export."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.access import staff_only
from bot.clock import local_today, utc_today
from bot.context import BotContext
from bot.replies import edit, send
from bot.views import staff as views
from bot.volunteers import export
from bot.volunteers.status import Status, parse_status

LIST_LIMIT = 20


@staff_only
async def decide(update: Update, context: BotContext) -> None:
    """Set Contacted / Accepted / Declined on an application; the applicant is told in their language."""
    query, review = update.callback_query, context.services.review
    status = context.callback["status"]
    if status not in {s.value for s in Status}:
        await query.answer(context.t("errors.stale_button"))
        return
    decision = await review.decide(context.callback["app"], status, update.effective_user.id)
    if decision.app is None:
        await query.answer(context.t("volunteer.staff.gone"), show_alert=True)
        return
    names = lambda s: context.t(f"volunteer.status.{s}")  # noqa: E731
    if decision.reason == "same":
        await query.answer(context.t("volunteer.staff.same", status=names(status)))
        return
    if not decision.changed:
        await query.answer(context.t("volunteer.staff.not_allowed", status=names(decision.app.status)), show_alert=True)
        return
    await query.answer(context.t("volunteer.staff.changed", status=names(status)))
    # A staff group reads in the default language, as the card was posted; a private chat in the admin's.
    lang = context.lang if query.message.chat.type == "private" else context.settings.default_language
    history = await review.history(decision.app.id)
    text, markup = views.card(decision.app, history, context.content.catalog, context.texts, lang, utc_today())
    await edit(update, context, text, markup)
    await context.services.notices.flush()


@staff_only
async def list_applications(update: Update, context: BotContext) -> None:
    """List applications with one status (/applications [status], in any language), with counts per status."""
    word = " ".join(context.args or []) or Status.SUBMITTED.value
    status = parse_status(word, views.status_words(context.texts))
    if status is None:
        await send(update, context, context.t("volunteer.staff.bad_status", statuses=views.status_names(context.texts, context.lang)))
        return
    await send(update, context, *await _listing(context, status))


@staff_only
async def filter_applications(update: Update, context: BotContext) -> None:
    """Show the list for the status whose button was pressed."""
    status = parse_status(context.callback["status"])
    await update.callback_query.answer()
    if status is not None:
        await edit(update, context, *await _listing(context, status))


async def _listing(context: BotContext, status: str):
    review = context.services.review
    apps = await review.listing(status, LIST_LIMIT)
    return views.listing(apps, status, await review.counts(), context.content.catalog, context.texts, context.lang)


@staff_only
async def export_file(update: Update, context: BotContext) -> None:
    """Send applications as a file: /export [status] [from YYYY-MM-DD] [to YYYY-MM-DD] [csv|xlsx]."""
    try:
        request = export.parse_request(context.args or [], views.status_words(context.texts))
    except export.ExportWordsError as problem:
        await send(update, context, views.export_usage(context.texts, context.lang, problem.key, problem.params))
        return
    apps = await context.services.review.export(request.status, request.since, request.until)
    if not apps:
        await send(update, context, context.t("volunteer.staff.export_empty"))
        return
    data, name = export.render(request, apps, context.content.catalog, context.texts, context.lang, local_today())
    await update.effective_message.reply_document(
        InputFile(data, filename=name), caption=context.t("volunteer.staff.export_caption", count=len(apps))
    )
