"""The first conversation: greeting (and deep links), language, main menu, help."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.quiz.content import MIXED
from bot.replies import edit, send
from bot.replies.news import show_latest, show_settings
from bot.replies.quiz import play
from bot.replies.volunteer import show_form
from bot.views import knowledge as knowledge_views
from bot.views import menu as views


async def start(update: Update, context: BotContext) -> None:
    """Greet the person, or open the place a deep link names (t.me/<bot>?start=volunteer|subscribe|news|quiz|<entry>)."""
    payload = context.args[0] if context.args else ""
    if payload and await open_link(update, context, payload):
        return
    text, markup = views.greeting(context.texts, context.lang, update.effective_user.first_name or "")
    await send(update, context, text, markup)


async def open_link(update: Update, context: BotContext, payload: str) -> bool:
    """Open what a deep link names; False when it names nothing known (then the greeting is shown)."""
    services, user_id, lang = context.services, update.effective_user.id, context.lang
    if payload == "volunteer":
        await show_form(update, context, await services.form.start(user_id, lang))
    elif payload == "subscribe":
        await services.subscriptions.subscribe(user_id, ("news", "alerts"), lang)
        await show_settings(update, context)
    elif payload == "news":
        await show_latest(update, context)
    elif payload == "quiz" or payload.startswith("quiz_"):  # quiz_<topic>: a round on it; quiz: all topics
        await play(update, context, payload.removeprefix("quiz").removeprefix("_") or MIXED)
    elif (entry := context.content.library.kb.get(payload)) is not None:
        related = context.content.library.related(entry)
        text, markup = knowledge_views.answer(context.texts, lang, entry, related, votes=False)
        await send(update, context, text, markup)
    else:
        return False
    return True


async def show_menu(update: Update, context: BotContext) -> None:
    """Send the main menu."""
    text, markup = views.menu(context.texts, context.lang)
    await send(update, context, text, markup)


async def ask_language(update: Update, context: BotContext) -> None:
    """Offer the three languages."""
    text, markup = views.language_choice(context.texts, context.lang)
    await send(update, context, text, markup)


async def choose_language(update: Update, context: BotContext) -> None:
    """Remember the chosen language and turn the picker into the menu in that language."""
    lang = context.callback["lang"]
    await context.remember_language(update.effective_user.id, lang)
    await update.callback_query.answer()
    text, markup = views.menu(context.texts, lang, note=context.texts.get(lang, "language.changed"))
    await edit(update, context, text, markup)


async def show_help(update: Update, context: BotContext) -> None:
    """Explain what the bot can do (and, to staff, their commands)."""
    staff = context.settings.is_admin(update.effective_user.id)
    await send(update, context, views.help_text(context.texts, context.lang, staff=staff))


async def answer_not_text(update: Update, context: BotContext) -> None:
    """Say that only text is understood here (a photo, sticker or contact out of place)."""
    await send(update, context, context.t("text.not_text"))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Say politely that the command is not known."""
    await send(update, context, context.t("errors.unknown_command"))
