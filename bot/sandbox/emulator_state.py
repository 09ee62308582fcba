"""The emulated Telegram server's memory: chats, files, queries, the update queue, flood control."""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING, Any, Callable

from bot.sandbox.emulator_flood import FloodControl
from bot.sandbox.emulator_models import BotMessage, CallbackQuery, Chat, Event, PollRecord, StoredFile

if TYPE_CHECKING:
    from bot.sandbox.emulator_users import EmulatedUser

# Telegram leaves these out unless the bot asks for them in allowed_updates.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_FILE_PREFIXES = {"photo": "AgACAgIAAxkBAA", "document": "BQACAgIAAxkBAA", "sticker": "CAACAgIAAxkBAA"}
_FILE_FOLDERS = {"photo": ("photos", "jpg"), "document": ("documents", "bin"), "sticker": ("stickers", "webp")}


class TelegramState:
    """Everything the emulated server knows; the API methods and the emulated users both work on it."""

    def __init__(self, bot_user: dict) -> None:
        self.bot_user = bot_user
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, EmulatedUser] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.queries: dict[str, CallbackQuery] = {}
        self.polls: dict[str, PollRecord] = {}
        self.pending: list[dict] = []  # updates not yet confirmed by an offset
        self.next_update_id = 1
        self.fetched_up_to = 0
        self.last_fetch = 0.0
        self.dropped: set[int] = set()
        self.delivered: set[int] = set()  # updates a webhook accepted (delivery is not in update_id order)
        self.handled: set[int] = set()  # updates the attached bot reported as handled
        self.on_update: Callable[[], None] = lambda: None  # wakes getUpdates and the webhook delivery
        self.allowed_updates: frozenset[str] | None = None  # None: Telegram's default set
        self.events: list[Event] = []
        self.commands: dict[tuple[str, str | None], list[dict]] = {}
        self.descriptions: dict[str | None, str] = {}
        self.short_descriptions: dict[str | None, str] = {}
        self.menu_buttons: dict[int | None, dict] = {}
        self.flood = FloodControl()
        self._file_counter = 0
        self._query_counter = 0

    # --- updates -------------------------------------------------------------------------------

    def add_update(self, kind: str, payload: dict) -> int:
        """Queue an update for getUpdates; return its update_id."""
        update_id = self.next_update_id
        self.next_update_id += 1
        self.pending.append({"update_id": update_id, kind: payload})
        self.on_update()
        return update_id

    def confirm(self, offset: int | None) -> None:
        """Forget updates as getUpdates' offset says (a negative offset keeps only the last -offset)."""
        if not offset:
            return
        if offset < 0:
            dropped = self.pending[:offset]
            self.pending = self.pending[offset:]
            self.dropped.update(u["update_id"] for u in dropped if u["update_id"] > self.fetched_up_to)
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def drop_pending(self) -> None:
        """Forget every update not yet confirmed (deleteWebhook with drop_pending_updates)."""
        self.dropped.update(u["update_id"] for u in self.pending if u["update_id"] > self.fetched_up_to)
        self.fetched_up_to = max([self.fetched_up_to, *(u["update_id"] for u in self.pending)])
        self.pending = []

    def discard_unwanted(self) -> None:
        """Drop pending updates of types the bot did not ask for in allowed_updates (Telegram never sends them)."""
        allowed = self.allowed_updates
        kept: list[dict] = []
        for update in self.pending:
            kind = update_kind(update)
            if (kind in NOT_BY_DEFAULT) if allowed is None else (kind not in allowed):
                self.dropped.add(update["update_id"])
            else:
                kept.append(update)
        self.pending = kept

    def take_updates(self, limit: int, now: float) -> list[dict]:
        """The first `limit` unconfirmed updates of allowed types, for getUpdates."""
        self.discard_unwanted()
        batch = self.pending[:limit]
        if batch:
            self.fetched_up_to = max(self.fetched_up_to, batch[-1]["update_id"])
            self.last_fetch = now
        return batch

    def mark_delivered(self, update_id: int) -> None:
        """A webhook accepted the update: it is no longer pending."""
        self.delivered.add(update_id)
        self.pending = [u for u in self.pending if u["update_id"] != update_id]

    def was_fetched(self, update_id: int) -> bool:
        """The bot has got the update (by getUpdates or a webhook), or Telegram dropped it."""
        return update_id <= self.fetched_up_to or update_id in self.dropped or update_id in self.delivered

    # --- chats and messages --------------------------------------------------------------------

    def record(
        self, kind: str, chat_id: int | None, message_id: int | None = None, query_id: str | None = None
    ) -> None:
        """Note something the bot did in a chat (the waiting logic watches these)."""
        self.events.append(Event(time.monotonic(), chat_id, kind, message_id, query_id))

    def messages_in(self, chat_id: int) -> list[BotMessage]:
        """Copies of the bot's messages in a chat as they are now, without deleted ones."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [copy.deepcopy(m) for _, m in sorted(chat.bot_messages.items()) if not m.deleted]

    def changed_since(self, chat_id: int, mark: int) -> list[BotMessage]:
        """Copies of the bot's messages in a chat sent or edited since event number `mark`, in order."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        ids: dict[int, None] = {}
        for event in self.events[mark:]:
            if event.chat_id == chat_id and event.kind in ("sent", "edited") and event.message_id is not None:
                ids.setdefault(event.message_id)
        messages = [chat.bot_messages[i] for i in ids]
        return [copy.deepcopy(m) for m in messages if not m.deleted]

    def new_query(self, user_id: int, message: BotMessage, data: str) -> CallbackQuery:
        """Register a button press."""
        self._query_counter += 1
        query_id = str(4_382_000_000_000_000_000 + self._query_counter * 7919)
        query = CallbackQuery(query_id, user_id, message.chat_id, message.message_id, data)
        self.queries[query_id] = query
        return query

    # --- files ---------------------------------------------------------------------------------

    def store_file(
        self, kind: str, data: bytes, *, filename: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        """Keep a file and give it Telegram-like identifiers and a download path."""
        self._file_counter += 1
        n = self._file_counter
        folder, extension = _FILE_FOLDERS.get(kind, ("documents", "bin"))
        if filename and "." in filename:
            extension = filename.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"{_FILE_PREFIXES.get(kind, 'BQACAgIAAxkBAA')}{n:06d}",
            file_unique_id=f"AQAD{n:06d}",
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{n}.{extension}",
            filename=filename,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def photo_sizes(self, data: bytes) -> list[dict]:
        """PhotoSize objects for a new photo: a thumbnail and the full size, each its own file."""
        sizes = []
        for width, height in ((90, 67), (1280, 960)):
            stored = self.store_file("photo", data, mime_type="image/jpeg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(data),
                    "width": width,
                    "height": height,
                }
            )
        return sizes


def update_kind(update: dict[str, Any]) -> str:
    """The update's type: the one key besides update_id."""
    return next(key for key in update if key != "update_id")
