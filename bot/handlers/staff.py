"""Commands for the Society's staff: reload the content, see what the bot could not answer and teach it."""

from __future__ import annotations

from telegram import Update

from bot.access import staff_only
from bot.context import BotContext
from bot.replies import edit, send
from bot.views import staff as views

MAX_UNANSWERED = 10
NEAREST = 3


@staff_only
async def reload_content(update: Update, context: BotContext) -> None:
    """Re-read and check content/ (exactly as check-content does); switch to it only if it has no problem."""
    checked = await context.services.reload()
    if checked.content is None:
        await send(update, context, views.problems_report(context.texts, context.lang, checked.problems))
        return
    kb = checked.content.library.kb
    await send(update, context, context.t("staff.reload_ok", entries=len(kb.entries), topics=len(kb.topics)))


@staff_only
async def show_unanswered(update: Update, context: BotContext) -> None:
    """List the most frequent questions the bot could not answer, each with its nearest entries to teach it."""
    services = context.services
    rows = await services.question_log.frequent(("unknown", "unsure"), limit=MAX_UNANSWERED)
    if not rows:
        await send(update, context, context.t("staff.unanswered_empty"))
        return
    library = services.content.library
    nearest = {row.id: library.nearest(row.question, row.lang, NEAREST) for row in rows}
    for text, markup in views.unanswered(context.texts, context.lang, rows, library.kb, nearest):
        await send(update, context, text, markup)


@staff_only
async def teach(update: Update, context: BotContext) -> None:
    """Attach an unanswered question to the chosen entry (used by the search at once), or dismiss it."""
    query, parsed, services = update.callback_query, context.callback, context.services
    entry_id = None if parsed["entry"] == "none" else parsed["entry"]
    if entry_id is not None and services.content.library.kb.get(entry_id) is None:
        await query.answer(context.t("menu.entry_gone"), show_alert=True)
        return
    taught = await services.question_log.teach(parsed["question"], entry_id, update.effective_user.id)
    if taught is None:
        await query.answer(context.t("errors.stale_button"))
        return
    if entry_id is not None:
        await services.apply_taught()  # used by the search at once: no restart, no redeploy
    await query.answer()
    title = services.content.library.kb.entries[entry_id].text(context.lang).title if entry_id else ""
    key = "staff.taught" if entry_id else "staff.dismissed"
    await edit(update, context, context.t(key, question=views.quote(taught[0]), title=title))


@staff_only
async def show_feedback(update: Update, context: BotContext) -> None:
    """Show the answers people disliked, with the questions they had asked."""
    log = context.services.question_log
    votes = await log.votes(limit=views.MAX_REPORT_LINES)
    if not votes:
        await send(update, context, context.t("staff.feedback_empty"))
        return
    library = context.content.library
    await send(update, context, views.feedback(context.texts, context.lang, votes, library.kb))
    disliked = await log.frequent(("dislike",), limit=MAX_UNANSWERED)
    nearest = {row.id: library.nearest(row.question, row.lang, NEAREST) for row in disliked}
    messages = views.unanswered(context.texts, context.lang, disliked, library.kb, nearest, title="staff.feedback_questions")
    for text, markup in messages if disliked else []:
        await send(update, context, text, markup)
