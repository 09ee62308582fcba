"""The first conversation: greeting, main menu, language picker, help."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.config import LANGUAGES
from bot.i18n import Texts
from bot.telegram_html import escape
from bot.views.common import button

# The main menu, row by row: getting help first (someone in trouble must not have to look for it).
MENU_ROWS = (("help",), ("history", "ihl"), ("principles", "emblems"), ("volunteer", "news"), ("quiz", "about"))


def language_row(texts: Texts) -> list[InlineKeyboardButton]:
    """One button per language, each labelled in its own language."""
    return [button(texts.get(lang, "language_name"), callbacks.LANGUAGE, lang) for lang in LANGUAGES]


def language_choice(texts: Texts, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The language picker."""
    return texts.get(lang, "start.choose_language"), InlineKeyboardMarkup([language_row(texts)])


def main_menu(texts: Texts, lang: str, *, with_languages: bool = False) -> InlineKeyboardMarkup:
    """The main menu's sections, optionally with the language picker under them."""
    rows = [[button(texts.get(lang, f"menu.{section}"), callbacks.MENU, section) for section in row] for row in MENU_ROWS]
    if with_languages:
        rows.append(language_row(texts))
    return InlineKeyboardMarkup(rows)


def greeting(texts: Texts, lang: str, first_name: str) -> tuple[str, InlineKeyboardMarkup]:
    """/start: hello, the safety note, the menu and the languages."""
    text = "\n\n".join([
        texts.get(lang, "start.greeting", name=escape(first_name)), texts.get(lang, "start.safety"), texts.get(lang, "menu.title"),
    ])
    return text, main_menu(texts, lang, with_languages=True)


def menu(texts: Texts, lang: str, note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The main menu, with a short note above it (e.g. the language was changed)."""
    title = texts.get(lang, "menu.title")
    return (f"{note}\n\n{title}" if note else title), main_menu(texts, lang)


def help_text(texts: Texts, lang: str, *, staff: bool) -> str:
    """/help: what the bot can do; staff also see their commands."""
    text = texts.get(lang, "help.text")
    return text + "\n\n" + texts.get(lang, "help.staff") if staff else text
