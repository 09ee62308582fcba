"""An announcement exactly as a subscriber gets it (the preview uses the same function)."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Message
from telegram.constants import MessageLimit, ParseMode

from bot.i18n import Texts
from bot.news import keyboards
from bot.telegram_html import html_error, html_to_text
from storage.broadcasts import Broadcast


async def send_announcement(
    bot: Bot, chat_id: int, broadcast: Broadcast, lang: str, texts: Texts, **kwargs: Any
) -> Message:
    """Send the announcement in `lang` (or its version for everyone), with the one-tap unsubscribe button."""
    text = broadcast.text_for(lang)
    markup = keyboards.delivery(texts, lang)
    if broadcast.photo_file_id:
        return await bot.send_photo(
            chat_id, broadcast.photo_file_id, caption=text, parse_mode=ParseMode.HTML, reply_markup=markup, **kwargs
        )
    return await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, **kwargs)


def text_problem(text: str, *, caption: bool) -> tuple[str, dict] | None:
    """Why Telegram would refuse this announcement text: (UI text key, params), or None if it is fine."""
    error = html_error(text)
    if error:
        return "news.announce.bad_html", {"error": error}
    limit = MessageLimit.CAPTION_LENGTH if caption else MessageLimit.MAX_TEXT_LENGTH
    length = len(html_to_text(text))
    if not html_to_text(text).strip():
        return "news.announce.empty", {}
    if length > limit:
        return "news.announce.too_long", {"length": length, "limit": limit}
    return None
