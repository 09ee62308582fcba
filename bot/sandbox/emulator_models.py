"""What the emulated Telegram stores: recorded calls, messages, chats, files, callback queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.telegram_html import html_to_text

# Message fields that carry the content of a non-text message.
MEDIA_KINDS = ("photo", "document", "poll", "sticker", "contact", "audio", "video", "voice", "animation", "location")
# The kinds of message that can have a caption.
CAPTIONED = frozenset({"photo", "document", "video", "audio", "animation", "voice"})


@dataclass
class ApiCall:
    """One Bot API request the bot made and how the emulator answered it."""

    method: str
    params: dict[str, Any]
    time: float
    ok: bool = True
    error_code: int | None = None
    description: str | None = None
    paid: bool = False  # sent with allow_paid_broadcast: counted against the paid rate


@dataclass
class BotMessage:
    """A message the bot sent, as it is now (edits applied)."""

    message_id: int
    chat_id: int
    kind: str  # "text", "photo", "document", "poll" (copies and forwards may also be "sticker", "contact", ...)
    text: str | None  # the text or caption exactly as the bot sent it (HTML included)
    parse_mode: str | None
    reply_markup: dict | None
    date: int
    edited: bool = False
    deleted: bool = False
    document: bytes | None = field(default=None, repr=False)
    filename: str | None = None
    entities: list[dict] = field(default_factory=list, repr=False)
    media: dict[str, Any] = field(default_factory=dict, repr=False)  # Message fields such as photo, poll
    reply_to: int | None = None
    edit_date: int | None = None

    @property
    def buttons(self) -> list[list[str]]:
        """Inline button labels, row by row."""
        return [[button.get("text", "") for button in row] for row in self.inline_keyboard]

    @property
    def button_data(self) -> list[list[str | None]]:
        """Inline buttons' callback_data, row by row (None for URL and other buttons)."""
        return [[button.get("callback_data") for button in row] for row in self.inline_keyboard]

    @property
    def inline_keyboard(self) -> list[list[dict]]:
        """The inline keyboard's button dicts ([] when the message has none)."""
        return (self.reply_markup or {}).get("inline_keyboard") or []

    @property
    def keyboard(self) -> list[list[str]]:
        """Labels of a reply keyboard sent with this message ([] when there is none)."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in rows]

    @property
    def plain(self) -> str:
        """The visible text: HTML tags removed and entities unescaped."""
        if self.text is None:
            return ""
        if (self.parse_mode or "").lower() == "html":
            return html_to_text(self.text)
        return self.text


@dataclass
class Event:
    """Something the bot did in a chat; the waiting logic watches these."""

    time: float
    chat_id: int | None
    kind: str  # "sent", "edited", "deleted", "answered", "action", "refused"
    message_id: int | None = None
    query_id: str | None = None


@dataclass
class Chat:
    """A private chat (id = the user's id) or a group; message ids are counted per chat."""

    id: int
    type: str
    title: str | None = None
    user_json: dict | None = None
    next_message_id: int = 1
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)
    user_messages: dict[int, dict] = field(default_factory=dict)
    deleted_user_messages: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)  # users in a group (a private chat has its one user)
    admins: dict[int, str] = field(default_factory=dict)  # user id -> "creator" or "administrator"

    def take_message_id(self) -> int:
        """The next message id in this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def json(self) -> dict:
        """The Chat object Telegram puts in messages."""
        if self.type == "private":
            user = self.user_json or {}
            keys = ("first_name", "last_name", "username")
            return {"id": self.id, "type": "private", **{k: user[k] for k in keys if user.get(k) is not None}}
        return {"id": self.id, "type": self.type, "title": self.title or ""}

    def live_bot_message(self, message_id: int) -> BotMessage | None:
        """The bot's message with that id unless it was deleted."""
        message = self.bot_messages.get(message_id)
        return message if message is not None and not message.deleted else None

    def live_user_message(self, message_id: int) -> dict | None:
        """A user's message with that id unless it was deleted."""
        if message_id in self.deleted_user_messages:
            return None
        return self.user_messages.get(message_id)


@dataclass
class StoredFile:
    """A file Telegram keeps: sent by a user or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    kind: str  # "photo", "document", "sticker"
    data: bytes = field(repr=False)
    file_path: str
    filename: str | None = None
    mime_type: str | None = None

    def json(self) -> dict:
        """The File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class PollRecord:
    """A poll the bot sent; its Poll object lives in the message's media["poll"]."""

    chat_id: int
    message_id: int
    votes: dict[int, list[int]] = field(default_factory=dict)  # user id -> chosen option ids
    closer: Any = field(default=None, repr=False)  # the timer that closes it at the end of open_period


@dataclass
class CallbackQuery:
    """A button press waiting for answerCallbackQuery."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


def user_json(
    user_id: int,
    first_name: str,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
) -> dict:
    """A User object of a person."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    for key, value in (("last_name", last_name), ("username", username), ("language_code", language_code)):
        if value is not None:
            user[key] = value
    return user


def message_json(message: BotMessage, chat: Chat, bot_user: dict, *, with_reply: bool = True) -> dict:
    """The Message object Telegram returns for (or includes with) a bot's message."""
    result: dict[str, Any] = {
        "message_id": message.message_id,
        "from": bot_user,
        "chat": chat.json(),
        "date": message.date,
    }
    if message.edit_date is not None:
        result["edit_date"] = message.edit_date
    visible = message.plain
    if message.kind == "text":
        result["text"] = visible
        if message.entities:
            result["entities"] = message.entities
    elif message.text is not None and message.kind in CAPTIONED:
        result["caption"] = visible
        if message.entities:
            result["caption_entities"] = message.entities
    result.update(message.media)
    if message.inline_keyboard:
        result["reply_markup"] = {"inline_keyboard": message.inline_keyboard}
    if with_reply and message.reply_to is not None:
        replied = chat.live_bot_message(message.reply_to)
        if replied is not None:
            result["reply_to_message"] = message_json(replied, chat, bot_user, with_reply=False)
        elif chat.live_user_message(message.reply_to) is not None:
            result["reply_to_message"] = chat.user_messages[message.reply_to]
    return result


def content_of(user_message: dict) -> tuple[str, str | None, list[dict], dict]:
    """A user's message as (kind, text or caption, entities, media fields), for copies and forwards."""
    for kind in MEDIA_KINDS:
        if kind in user_message:
            text = user_message.get("caption")
            return kind, text, user_message.get("caption_entities", []), {kind: user_message[kind]}
    return "text", user_message.get("text", ""), user_message.get("entities", []), {}
