"""Browsing the knowledge base from the menu, and answering typed questions."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot import callbacks, keyboards
from bot.context import BotContext
from bot.handlers import news, volunteer, volunteer_keyboards
from bot.knowledge.model import Entry
from bot.telegram_html import escape


def render_entry(entry: Entry, lang: str) -> str:
    """An entry as the user reads it: the title in bold, then the answer."""
    text = entry.text(lang)
    return f"<b>{escape(text.title)}</b>\n\n{text.answer.strip()}"


async def open_section(update: Update, context: BotContext) -> None:
    """Show a page of a main-menu section (or the main menu itself)."""
    query = update.callback_query
    section, *rest = callbacks.parts(query.data)
    await query.answer()
    lang = context.lang
    if section == "main":
        await query.edit_message_text(context.t("menu.title"), reply_markup=keyboards.main_menu(context.texts, lang))
        return
    if section == "news":
        await news.open_section(update, context)
        return
    title = escape(context.t(f"menu.{section}"))
    entries = context.library.section_entries(section)
    if not entries:
        await query.edit_message_text(
            f"<b>{title}</b>\n\n{context.t('menu.coming_soon')}",
            parse_mode=ParseMode.HTML,
            reply_markup=keyboards.back_to_menu(context.texts, lang),
        )
        return
    page_count = keyboards.pages(len(entries))
    page = min(max(int(rest[0]) if rest else 0, 0), page_count - 1)
    counter = f" · {page + 1}/{page_count}" if page_count > 1 else ""
    # About the Society repeats the safety note from /start: where to call, what we never ask.
    safety = f"\n\n{context.t('start.safety')}" if section == "about" else ""
    markup = keyboards.entry_list(context.texts, lang, section, entries, page)
    if section == "volunteer":  # applying comes first, above the questions about volunteering
        markup = volunteer_keyboards.with_apply_button(context.texts, lang, markup)
    await query.edit_message_text(
        f"<b>{title}</b>{counter}{safety}\n\n{context.t('menu.choose_question')}",
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )


async def show_entry(update: Update, context: BotContext) -> None:
    """Show one entry in place of the list or suggestion it was chosen from."""
    query = update.callback_query
    (entry_id,) = callbacks.parts(query.data)
    library = context.library
    entry = library.kb.get(entry_id)
    if entry is None:  # the content was reloaded without it
        await query.answer(context.t("menu.entry_gone"), show_alert=True)
        return
    await query.answer()
    lang = context.lang
    section = library.section_of(entry)
    position = [e.id for e in library.section_entries(section)].index(entry.id)
    related = [library.kb.entries[r] for r in entry.related if r in library.kb.entries]
    await query.edit_message_text(
        render_entry(entry, lang),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.entry_view(
            context.texts, lang, related, section=section, page=position // keyboards.PAGE_SIZE
        ),
    )


async def answer_text(update: Update, context: BotContext) -> None:
    """Answer a typed message: an answer, "did you mean", an honest "don't know", or an action."""
    message = update.effective_message
    library = context.library
    result = library.answer(message.text, context.lang)
    lang = result.lang
    texts = context.texts
    if result.kind == "answer":
        entry = library.kb.entries[result.entry_id]
        related = [library.kb.entries[s["entry_id"]] for s in result.suggestions]
        await message.reply_text(
            render_entry(entry, lang),
            parse_mode=ParseMode.HTML,
            do_quote=True,  # the quoted question is what a 👎 reports to staff
            reply_markup=keyboards.answer_view(texts, lang, related, entry.id),
        )
    elif result.kind == "did_you_mean":
        await context.question_log.record("unsure", lang, question=message.text)
        suggested = [library.kb.entries[s["entry_id"]] for s in result.suggestions]
        await message.reply_text(texts.get(lang, "answer.did_you_mean"), reply_markup=keyboards.suggestions(texts, lang, suggested))
    elif result.kind in ("greeting", "thanks"):
        await message.reply_text(texts.get(lang, f"answer.{result.kind}"), reply_markup=keyboards.main_menu(texts, lang))
    elif result.kind == "action":
        await start_action(update, context, result.action)
    else:
        await context.question_log.record("unknown", lang, question=message.text)
        await message.reply_text(
            texts.get(lang, "answer.unknown"), parse_mode=ParseMode.HTML, reply_markup=keyboards.main_menu(texts, lang)
        )


async def start_action(update: Update, context: BotContext, action: str | None) -> None:
    """Start what the user asked to do instead of answering a question."""
    if action == "volunteer":
        await volunteer.start_form(update, context)
    else:  # subscribe, unsubscribe, news
        await news.start_action(update, context, action)


async def show_related(update: Update, context: BotContext) -> None:
    """Send a related entry under an answer as a new message, keeping the answer in the chat."""
    query = update.callback_query
    (entry_id,) = callbacks.parts(query.data)
    entry = context.library.kb.get(entry_id)
    if entry is None:
        await query.answer(context.t("menu.entry_gone"), show_alert=True)
        return
    await query.answer()
    lang = context.lang
    related = [context.library.kb.entries[r] for r in entry.related if r in context.library.kb.entries]
    await query.message.reply_text(
        render_entry(entry, lang),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.answer_view(context.texts, lang, related, None),
    )


async def record_vote(update: Update, context: BotContext) -> None:
    """Store a 👍 or 👎 on an answer (a 👎 with the question asked) and thank the user."""
    query = update.callback_query
    direction, lang, entry_id = callbacks.parts(query.data)
    disliked = direction == "down"
    question = None
    if disliked and query.message and query.message.reply_to_message:
        question = query.message.reply_to_message.text
    await context.question_log.record("dislike" if disliked else "like", lang, question=question, entry_id=entry_id)
    await query.answer(context.texts.get(lang, "feedback.thanks_down" if disliked else "feedback.thanks_up"))
    await query.edit_message_reply_markup(keyboards.without_feedback(query.message.reply_markup))
