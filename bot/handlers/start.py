"""The first conversation: greeting, language, main menu, help."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot import callbacks, keyboards
from bot.context import BotContext
from bot.telegram_html import escape


async def start(update: Update, context: BotContext) -> None:
    """Greet the user in their language and offer the menu and the language choice."""
    name = escape(update.effective_user.first_name or "") if update.effective_user else ""
    text = "\n\n".join(
        [context.t("start.greeting", name=name), context.t("start.safety"), context.t("menu.title")]
    )
    await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=keyboards.main_menu(context.texts, context.lang, with_languages=True)
    )


async def show_menu(update: Update, context: BotContext) -> None:
    """Send the main menu."""
    await update.effective_message.reply_text(
        context.t("menu.title"), reply_markup=keyboards.main_menu(context.texts, context.lang)
    )


async def ask_language(update: Update, context: BotContext) -> None:
    """Offer the three languages."""
    await update.effective_message.reply_text(
        context.t("start.choose_language"), reply_markup=keyboards.language_choice(context.texts)
    )


async def choose_language(update: Update, context: BotContext) -> None:
    """Remember the chosen language and show the menu in it."""
    query = update.callback_query
    (lang,) = callbacks.parts(query.data)
    await context.users.set_language(update.effective_user.id, lang)
    context.user_data.language = lang
    await query.answer(context.t("language.changed"))
    await query.message.reply_text(
        context.t("language.changed") + "\n\n" + context.t("menu.title"),
        reply_markup=keyboards.main_menu(context.texts, lang),
    )


async def show_help(update: Update, context: BotContext) -> None:
    """Explain what the bot can do."""
    await update.effective_message.reply_text(context.t("help.text"), parse_mode=ParseMode.HTML)


async def answer_not_text(update: Update, context: BotContext) -> None:
    """Say that only text is understood here (a photo, sticker or contact out of place)."""
    await update.effective_message.reply_text(context.t("text.not_text"))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Say politely that the command is not known."""
    await update.effective_message.reply_text(context.t("errors.unknown_command"))
