"""The knowledge base: browsing the menu's sections, and answering typed messages."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.privacy import mask_personal
from bot.replies import edit, send
from bot.replies.news import show_latest, show_settings, unsubscribe
from bot.replies.volunteer import show_form
from bot.views import knowledge as views
from bot.views import menu as menu_views
from bot.views.menu import MENU_ROWS

SECTIONS = {section for row in MENU_ROWS for section in row}


async def open_section(update: Update, context: BotContext) -> None:
    """Show a page of a main-menu section (or the main menu itself) in place."""
    section, page = context.callback["section"], context.callback.get("page", 0)
    if section != "main" and section not in SECTIONS:
        await update.callback_query.answer(context.t("errors.stale_button"))
        return
    await update.callback_query.answer()
    if section == "main":
        text, markup = menu_views.menu(context.texts, context.lang)
    else:
        entries = context.content.library.section_entries(section)
        # About the Society repeats the safety note from /start: where to call, what we never ask.
        text, markup = views.section_page(
            context.texts, context.lang, section, entries, page,
            safety=section == "about", apply_button=section == "volunteer",
        )
    await edit(update, context, text, markup)


async def show_entry(update: Update, context: BotContext) -> None:
    """Show one entry in place of the list or suggestion it was chosen from."""
    library = context.content.library
    entry = library.kb.get(context.callback["entry"])
    if entry is None:  # the content was reloaded without it
        await update.callback_query.answer(context.t("menu.entry_gone"), show_alert=True)
        return
    await update.callback_query.answer()
    section = library.section_of(entry)
    position = [e.id for e in library.section_entries(section)].index(entry.id)
    text, markup = views.entry_in_list(
        context.texts, context.lang, entry, library.related(entry), section, position // views.PAGE_SIZE
    )
    await edit(update, context, text, markup)


async def show_related(update: Update, context: BotContext) -> None:
    """Send a related entry under an answer as a new message, keeping the answer in the chat."""
    library = context.content.library
    entry = library.kb.get(context.callback["entry"])
    if entry is None:
        await update.callback_query.answer(context.t("menu.entry_gone"), show_alert=True)
        return
    await update.callback_query.answer()
    text, markup = views.answer(context.texts, context.lang, entry, library.related(entry), votes=False)
    await send(update, context, text, markup)


async def record_vote(update: Update, context: BotContext) -> None:
    """Store a 👍 or 👎 on an answer (a 👎 with the question asked, masked) and thank the person."""
    query, parsed = update.callback_query, context.callback
    # Telegram passes on any callback data a modified client sends: only a vote the answer still
    # offers counts (not one on another entry, nor a second one on this answer).
    # A message too old or deleted comes as an InaccessibleMessage, which has no buttons: out of date.
    on_answer = query.message is not None and query.message.is_accessible and views.has_button(
        query.message.reply_markup, query.data)
    if not on_answer or context.content.library.kb.get(parsed["entry"]) is None:
        await query.answer(context.t("errors.stale_button"))
        return
    disliked = parsed["vote"] == "down"
    question = None
    if disliked and query.message and query.message.reply_to_message and query.message.reply_to_message.text:
        question = mask_personal(query.message.reply_to_message.text, _own_names(update))
    lang = parsed["lang"]
    await context.services.question_log.record("dislike" if disliked else "like", lang, question=question, entry_id=parsed["entry"])
    await query.answer(context.texts.get(lang, "feedback.thanks_down" if disliked else "feedback.thanks_up"))
    await query.edit_message_reply_markup(views.without_votes(query.message.reply_markup))


async def answer_text(update: Update, context: BotContext) -> None:
    """Answer a typed message: emergency numbers first, an answer, "did you mean", a request to act, or why not."""
    message, services = update.effective_message, context.services
    library = context.content.library
    result = library.answer(message.text, context.lang)
    lang = result.lang
    linked = [library.kb.entries[e] for e in result.suggestions]  # related entries, first-aid links or did-you-mean choices
    if result.kind == "emergency":
        text, markup = views.emergency(context.texts, lang, library.emergency_reply(lang), linked)
        await send(update, context, text, markup)
        if result.entry_id is not None:  # the first aid the message asks about, after the numbers
            entry = library.kb.entries[result.entry_id]
            text, markup = views.answer(context.texts, lang, entry, [], votes=True)
            await send(update, context, text, markup, quote=True)
    elif result.kind == "answer":
        entry = library.kb.entries[result.entry_id]
        text, markup = views.answer(context.texts, lang, entry, linked, votes=True)
        await send(update, context, text, markup, quote=True)  # the quoted question is what a 👎 reports
    elif result.kind == "did_you_mean":
        await services.question_log.record("unsure", lang, question=mask_personal(message.text, _own_names(update)))
        text, markup = views.suggestions(context.texts, lang, linked)
        await send(update, context, text, markup)
    elif result.kind == "language":
        await context.remember_language(update.effective_user.id, lang)
        text, markup = menu_views.menu(context.texts, lang, note=context.texts.get(lang, "language.changed"))
        await send(update, context, text, markup)
    elif result.kind == "action":
        await start_action(update, context, result.action)
    else:
        if result.kind == "unknown":  # in scope but not in the content yet: staff see it in /unanswered
            await services.question_log.record("unknown", lang, question=mask_personal(message.text, _own_names(update)))
        text, markup = views.short_reply(context.texts, lang, views.SHORT_REPLIES.get(result.kind, "answer.unknown"))
        await send(update, context, text, markup)


async def start_action(update: Update, context: BotContext, action: str | None) -> None:
    """Do what the person asked instead of answering a question."""
    if action == "volunteer":
        await show_form(update, context, await context.services.form.start(update.effective_user.id, context.lang))
    elif action == "subscribe":
        await show_settings(update, context)
    elif action == "unsubscribe":
        await unsubscribe(update, context)
    else:
        await show_latest(update, context)


def _own_names(update: Update) -> list[str]:
    user = update.effective_user
    return [user.first_name or "", user.last_name or "", user.username or ""] if user else []
