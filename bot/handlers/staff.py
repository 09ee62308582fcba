"""Commands for the Society's staff: reload content, see what the bot could not answer."""

from __future__ import annotations

import functools
import logging
from typing import Awaitable, Callable

from telegram import Update
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.i18n import Texts, TextsError
from bot.library import Library
from bot.telegram_html import escape

log = logging.getLogger(__name__)
Handler = Callable[[Update, BotContext], Awaitable[None]]
# Keep staff reports well under Telegram's 4096 characters.
MAX_REPORT_LINES = 25
MAX_QUESTION_CHARS = 150


def staff_only(handler: Handler) -> Handler:
    """Let only ADMIN_IDS through; tell anyone else politely and change nothing."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        if not context.settings.is_admin(update.effective_user.id if update.effective_user else None):
            log.info("user %s tried a staff command", update.effective_user.id if update.effective_user else None)
            if update.callback_query:
                await update.callback_query.answer(context.t("errors.not_staff"), show_alert=True)
            else:
                await update.effective_message.reply_text(context.t("errors.not_staff"))
            return
        await handler(update, context)

    return guarded


@staff_only
async def reload_content(update: Update, context: BotContext) -> None:
    """Re-read and check content/; switch to it only if it has no problems."""
    settings = context.settings
    library, problems = Library.reload(settings.content_dir)
    try:
        texts = Texts.load(settings.content_dir / "ui", settings.default_language)
        problems += texts.missing()
    except TextsError as exc:
        problems.append(str(exc))
    if problems or library is None:
        shown = problems[:MAX_REPORT_LINES]
        more = len(problems) - len(shown)
        lines = "\n".join(f"• {escape(p[:300])}" for p in shown)
        tail = "\n" + context.t("staff.and_more", count=more) if more else ""
        await update.effective_message.reply_text(
            context.t("staff.reload_failed", count=len(problems)) + "\n" + lines + tail, parse_mode=ParseMode.HTML
        )
        return
    context.bot_data.library = library
    context.bot_data.texts = texts
    await update.effective_message.reply_text(
        context.t("staff.reload_ok", entries=len(library.kb.entries), topics=len(library.kb.topics))
    )


@staff_only
async def show_unanswered(update: Update, context: BotContext) -> None:
    """List the most frequent questions the bot could not answer."""
    rows = await context.question_log.frequent(("unknown", "unsure"), limit=MAX_REPORT_LINES)
    if not rows:
        await update.effective_message.reply_text(context.t("staff.unanswered_empty"))
        return
    lines = [f"{n}. {_quote(r.question)} — {r.count}× ({r.lang}, {r.last_asked[:10]})" for n, r in enumerate(rows, 1)]
    await update.effective_message.reply_text(
        context.t("staff.unanswered_title") + "\n\n" + "\n".join(lines), parse_mode=ParseMode.HTML
    )


@staff_only
async def show_feedback(update: Update, context: BotContext) -> None:
    """Show the answers people disliked, with the questions they had asked."""
    votes = await context.question_log.votes(limit=MAX_REPORT_LINES)
    disliked = await context.question_log.frequent(("dislike",), limit=MAX_REPORT_LINES)
    if not votes:
        await update.effective_message.reply_text(context.t("staff.feedback_empty"))
        return
    kb = context.library.kb
    lines = []
    for vote in votes:
        entry = kb.get(vote.entry_id)
        title = escape(entry.text(context.lang).title) if entry else escape(vote.entry_id)
        lines.append(f"👎 {vote.dislikes}  👍 {vote.likes}  {title} (<code>{escape(vote.entry_id)}</code>)")
    text = context.t("staff.feedback_title") + "\n\n" + "\n".join(lines)
    if disliked:
        questions = [f"• {_quote(r.question)} — {r.count}× ({r.lang})" for r in disliked]
        text += "\n\n" + context.t("staff.feedback_questions") + "\n" + "\n".join(questions)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


def _quote(question: str) -> str:
    short = question if len(question) <= MAX_QUESTION_CHARS else question[: MAX_QUESTION_CHARS - 1] + "…"
    return f"«{escape(short)}»"
