"""The knowledge base as people see it: entries with their sources, section lists, replies to typed questions."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import Texts
from bot.knowledge.model import Entry
from bot.telegram_html import escape
from bot.views.common import button, in_rows, to_menu
from bot.views.menu import main_menu

# Eight titles a page fit on a phone screen without scrolling.
PAGE_SIZE = 8
# Sources shown under an answer: the first ones are the best; more would crowd the answer.
SHOWN_SOURCES = 2
# Typed messages that get a UI text and the menu, by the kind the engine gives them.
SHORT_REPLIES = {
    "greeting": "answer.greeting",
    "thanks": "answer.thanks",
    "content_free": "answer.tell_more",
    "out_of_scope": "answer.out_of_scope",
    "unknown": "answer.unknown",
}


def render_entry(entry: Entry, lang: str, texts: Texts) -> str:
    """An entry as the user reads it: the answer, then its sources as links."""
    links = " · ".join(
        f'<a href="{escape(source.url)}">{escape(source.title(lang))}</a>' for source in entry.sources[:SHOWN_SOURCES]
    )
    answer = entry.text(lang).answer.strip()
    return f"{answer}\n\n{texts.get(lang, 'answer.source', sources=links)}" if links else answer


def pages(count: int) -> int:
    """How many pages a list of this length needs."""
    return max(1, -(-count // PAGE_SIZE))


def section_page(texts: Texts, lang: str, section: str, entries: list[Entry], page: int, *,
                 safety: bool = False, apply_button: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """One page of a main-menu section: its title, then a button per entry, paging and the way back."""
    title = escape(texts.get(lang, f"menu.{section}"))
    if not entries:
        return f"<b>{title}</b>\n\n{texts.get(lang, 'menu.coming_soon')}", InlineKeyboardMarkup([[to_menu(texts, lang)]])
    count = pages(len(entries))
    page = min(max(page, 0), count - 1)
    counter = f" · {page + 1}/{count}" if count > 1 else ""
    note = f"\n\n{texts.get(lang, 'start.safety')}" if safety else ""
    rows = _entry_rows(entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], lang, callbacks.ENTRY)
    paging = []
    if page > 0:
        paging.append(button("◀️", callbacks.MENU, section, page - 1))
    if page + 1 < count:
        paging.append(button("▶️", callbacks.MENU, section, page + 1))
    if paging:
        rows.append(paging)
    if apply_button:  # applying comes first, above the questions about volunteering
        rows.insert(0, [button(texts.get(lang, "volunteer.apply_button"), callbacks.VOLUNTEER, "new")])
    rows.append([to_menu(texts, lang)])
    return f"<b>{title}</b>{counter}{note}\n\n{texts.get(lang, 'menu.choose_question')}", InlineKeyboardMarkup(rows)


def entry_in_list(texts: Texts, lang: str, entry: Entry, related: list[Entry], section: str,
                  page: int) -> tuple[str, InlineKeyboardMarkup]:
    """An entry opened from a list: related entries, back to the list, the menu."""
    rows = _entry_rows(related, lang, callbacks.ENTRY)
    rows.append([button(texts.get(lang, "menu.back_to_list"), callbacks.MENU, section, page), to_menu(texts, lang)])
    return render_entry(entry, lang, texts), InlineKeyboardMarkup(rows)


def answer(texts: Texts, lang: str, entry: Entry, related: list[Entry], *, votes: bool) -> tuple[str, InlineKeyboardMarkup]:
    """An answer to a typed question (or a related entry under it): related entries, 👍/👎, the menu."""
    rows = _entry_rows(related, lang, callbacks.RELATED)
    if votes:
        rows.append([
            button("👍", callbacks.FEEDBACK, "up", lang, entry.id),
            button("👎", callbacks.FEEDBACK, "down", lang, entry.id),
        ])
    rows.append([to_menu(texts, lang)])
    return render_entry(entry, lang, texts), InlineKeyboardMarkup(rows)


def suggestions(texts: Texts, lang: str, entries: list[Entry]) -> tuple[str, InlineKeyboardMarkup]:
    """"Did you mean…" choices, then the menu."""
    rows = _entry_rows(entries, lang, callbacks.ENTRY)
    rows.append([to_menu(texts, lang)])
    return texts.get(lang, "answer.did_you_mean"), InlineKeyboardMarkup(rows)


def emergency(texts: Texts, lang: str, reply: str, entries: list[Entry]) -> tuple[str, InlineKeyboardMarkup]:
    """The reply to someone who may be in danger: the numbers first, then first-aid basics and contacts."""
    rows = in_rows([button(e.text(lang).title, callbacks.RELATED, e.id) for e in entries], 1)
    rows.append([to_menu(texts, lang)])
    return reply, InlineKeyboardMarkup(rows)


def short_reply(texts: Texts, lang: str, key: str) -> tuple[str, InlineKeyboardMarkup]:
    """A reply that is a UI text with the main menu under it (greeting, thanks, tell me more, don't know…)."""
    return texts.get(lang, key), main_menu(texts, lang)


def has_button(markup: InlineKeyboardMarkup | None, callback_data: str) -> bool:
    """True when the buttons include one carrying exactly this callback data."""
    return markup is not None and any(b.callback_data == callback_data for row in markup.inline_keyboard for b in row)


def without_votes(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same buttons with the 👍/👎 row taken away (a vote is given once)."""
    if markup is None:
        return None
    prefix = callbacks.FEEDBACK + ":"
    rows = [row for row in markup.inline_keyboard if not any((b.callback_data or "").startswith(prefix) for b in row)]
    return InlineKeyboardMarkup(rows)


def _entry_rows(entries: list[Entry], lang: str, prefix: str) -> list:
    """One button per entry, titled in the language, one to a row."""
    return [[button(e.text(lang).title, prefix, e.id)] for e in entries]
