"""Small builders every view uses: buttons, rows, the way back to the menu, an Outgoing message."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import Texts


def button(label: str, prefix: str, *parts: object) -> InlineKeyboardButton:
    """An inline button whose callback data is prefix:parts (checked against the prefix's shapes)."""
    return InlineKeyboardButton(label, callback_data=callbacks.data(prefix, *parts))


def link(label: str, url: str) -> InlineKeyboardButton:
    """An inline button that opens a web address or a t.me link."""
    return InlineKeyboardButton(label, url=url)


def in_rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    """Buttons laid out `per_row` to a row."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def to_menu(texts: Texts, lang: str) -> InlineKeyboardButton:
    """The button back to the main menu."""
    return button(texts.get(lang, "menu.back"), callbacks.MENU, "main")


def back_to_menu(texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """A single button back to the main menu."""
    return InlineKeyboardMarkup([[to_menu(texts, lang)]])
