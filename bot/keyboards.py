"""Inline keyboards, built by pure functions from the UI texts."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.config import LANGUAGES
from bot.i18n import Texts
from bot.knowledge.model import Entry

# Two sections a row reads well on a phone; the order is the order of the main menu.
_MENU_ROWS = (("history", "ihl"), ("principles", "emblems"), ("volunteer", "news"), ("about",))


def language_row(texts: Texts) -> list[InlineKeyboardButton]:
    """One button per language, each labelled in its own language."""
    return [
        InlineKeyboardButton(texts.get(lang, "language_name"), callback_data=callbacks.data(callbacks.LANGUAGE, lang))
        for lang in LANGUAGES
    ]


def language_choice(texts: Texts) -> InlineKeyboardMarkup:
    """The language picker."""
    return InlineKeyboardMarkup([language_row(texts)])


def main_menu(texts: Texts, lang: str, *, with_languages: bool = False) -> InlineKeyboardMarkup:
    """The main menu's sections, optionally with the language picker under them."""
    rows = [
        [
            InlineKeyboardButton(texts.get(lang, f"menu.{section}"), callback_data=callbacks.data(callbacks.MENU, section))
            for section in row
        ]
        for row in _MENU_ROWS
    ]
    if with_languages:
        rows.append(language_row(texts))
    return InlineKeyboardMarkup(rows)


def back_to_menu(texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """A single button back to the main menu."""
    return InlineKeyboardMarkup([[_to_menu(texts, lang)]])


# Eight titles a page fit on a phone screen without scrolling.
PAGE_SIZE = 8


def pages(count: int) -> int:
    """How many pages a list of this length needs."""
    return max(1, -(-count // PAGE_SIZE))


def entry_list(texts: Texts, lang: str, section: str, entries: list[Entry], page: int) -> InlineKeyboardMarkup:
    """One page of a section's entries, with paging and the way back."""
    chunk = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = _entry_rows(chunk, lang, callbacks.ENTRY)
    paging = []
    if page > 0:
        paging.append(InlineKeyboardButton("◀️", callback_data=callbacks.data(callbacks.MENU, section, page - 1)))
    if page + 1 < pages(len(entries)):
        paging.append(InlineKeyboardButton("▶️", callback_data=callbacks.data(callbacks.MENU, section, page + 1)))
    if paging:
        rows.append(paging)
    rows.append([_to_menu(texts, lang)])
    return InlineKeyboardMarkup(rows)


def entry_view(texts: Texts, lang: str, related: list[Entry], *, section: str, page: int) -> InlineKeyboardMarkup:
    """Buttons under an entry opened from a list: related entries, back to the list, the menu."""
    rows = _entry_rows(related, lang, callbacks.ENTRY)
    rows.append(
        [
            InlineKeyboardButton(texts.get(lang, "menu.back_to_list"), callback_data=callbacks.data(callbacks.MENU, section, page)),
            _to_menu(texts, lang),
        ]
    )
    return InlineKeyboardMarkup(rows)


def answer_view(texts: Texts, lang: str, related: list[Entry], feedback_for: str | None) -> InlineKeyboardMarkup:
    """Buttons under an answer to a typed question: related entries, 👍/👎, the menu."""
    rows = _entry_rows(related, lang, callbacks.RELATED)
    if feedback_for:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=callbacks.data(callbacks.FEEDBACK, "up", lang, feedback_for)),
                InlineKeyboardButton("👎", callback_data=callbacks.data(callbacks.FEEDBACK, "down", lang, feedback_for)),
            ]
        )
    rows.append([_to_menu(texts, lang)])
    return InlineKeyboardMarkup(rows)


def suggestions(texts: Texts, lang: str, entries: list[Entry]) -> InlineKeyboardMarkup:
    """"Did you mean…" choices, then the menu."""
    rows = _entry_rows(entries, lang, callbacks.ENTRY)
    rows.append([_to_menu(texts, lang)])
    return InlineKeyboardMarkup(rows)


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same buttons with the 👍/👎 row taken away (a vote is given once)."""
    if markup is None:
        return None
    prefix = callbacks.FEEDBACK + ":"
    rows = [row for row in markup.inline_keyboard if not any((b.callback_data or "").startswith(prefix) for b in row)]
    return InlineKeyboardMarkup(rows)


def _entry_rows(entries: list[Entry], lang: str, prefix: str) -> list[list[InlineKeyboardButton]]:
    """One button per entry, titled in the language, one to a row."""
    return [[InlineKeyboardButton(e.text(lang).title, callback_data=callbacks.data(prefix, e.id))] for e in entries]


def _to_menu(texts: Texts, lang: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.get(lang, "menu.back"), callback_data=callbacks.data(callbacks.MENU, "main"))
