"""Telegram's checks of message content beyond the spec's types: text limits, HTML, keyboards, edits."""

from __future__ import annotations

import re

from bot.sandbox.emulator_models import BotMessage
from bot.sandbox.emulator_spec import ApiError, bad_request
from bot.telegram_html import HtmlError, parse_html

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
# InlineKeyboardButton fields that are not the button's action (the spec: exactly one of the others).
BUTTON_DECORATION = frozenset({"text", "icon_custom_emoji_id", "style"})
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_BUTTON_URL = re.compile(r"(https?|tg)://\S+", re.IGNORECASE)


def formatted(text: str, parse_mode: str | None, entities: list | None, *, caption: bool) -> tuple[str, list[dict]]:
    """Check a text or caption as Telegram does; return its visible text and entities."""
    visible, parsed_entities = parsed(text, parse_mode, entities)
    if not caption and not visible.strip():
        raise bad_request("message text is empty")
    if len(visible) > (CAPTION_LIMIT if caption else TEXT_LIMIT):
        raise bad_request("message caption is too long" if caption else "message is too long")
    return visible, parsed_entities


def parsed(text: str, parse_mode: str | None, entities: list | None) -> tuple[str, list[dict]]:
    """The visible text and entities of a formatted text; 400 for markup Telegram can't parse."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            return parse_html(text)
        except HtmlError as error:
            raise ApiError(400, str(error)) from None
    if mode in ("", "markdown", "markdownv2"):
        # Markdown is not parsed: its markup counts as visible text here.
        return text, list(entities or [])
    raise bad_request("unsupported parse_mode")


def caption_of(caption: str | None, parse_mode: str | None, entities: list | None) -> tuple[str, list[dict]]:
    """Check an optional caption; ("", []) when there is none."""
    if caption is None:
        return "", []
    return formatted(caption, parse_mode, entities, caption=True)


def checked_markup(markup: dict | None, button_actions: list[str]) -> dict | None:
    """The reply markup after Telegram's checks of its buttons."""
    if markup is None:
        return None
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            check_inline_button(button, button_actions)
    for row in markup.get("keyboard") or []:
        for button in row:
            if not (button if isinstance(button, str) else button.get("text")):
                raise bad_request("keyboard button text must be non-empty")
    return markup


def check_inline_button(button: dict, actions: list[str]) -> None:
    """A label, exactly one action, callback_data of 1-64 bytes, a URL Telegram can open."""
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    used = [name for name in actions if button.get(name) is not None]
    if not used:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if len(used) > 1:
        raise bad_request(f"can't parse inline keyboard button: exactly one of {', '.join(used)} must be used")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not _BUTTON_URL.fullmatch(url):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def refuse_unmodified(message: BotMessage, visible: str, entities: list[dict], markup: dict | None) -> None:
    """Telegram refuses an edit that changes neither the content nor the inline keyboard."""
    same_content = message.plain == visible and (message.entities or []) == (entities or [])
    if same_content and inline_rows(message.reply_markup) == inline_rows(markup):
        raise bad_request(NOT_MODIFIED)


def inline_rows(markup: dict | None) -> list:
    """The inline keyboard as Telegram compares it: None-valued fields do not count."""
    rows = (markup or {}).get("inline_keyboard") or []
    return [[{k: v for k, v in button.items() if v is not None} for button in row] for row in rows]
