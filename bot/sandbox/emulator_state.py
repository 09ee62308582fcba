"""The emulated Telegram server's memory: chats, files, queries, the update queue, flood control."""

from __future__ import annotations

import copy
import math
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from bot.sandbox.emulator_models import BotMessage, CallbackQuery, Chat, Event, StoredFile

if TYPE_CHECKING:
    from bot.sandbox.emulator_users import EmulatedUser

# Telegram leaves these out unless the bot asks for them in allowed_updates.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_FILE_PREFIXES = {"photo": "AgACAgIAAxkBAA", "document": "BQACAgIAAxkBAA", "sticker": "CAACAgIAAxkBAA"}
_FILE_FOLDERS = {"photo": ("photos", "jpg"), "document": ("documents", "bin"), "sticker": ("stickers", "webp")}


class FloodControl:
    """Telegram's flood limit: a sliding window over message-producing calls, then a penalty period."""

    def __init__(self) -> None:
        self.per_second: float | None = None
        self.retry_after = 1
        self._recent: deque[float] = deque()
        self._blocked_until = 0.0

    def configure(self, per_second: float | None, retry_after: int) -> None:
        """Set the rate (None: unlimited) and the penalty; forget earlier calls."""
        self.per_second = per_second
        self.retry_after = retry_after
        self._recent.clear()
        self._blocked_until = 0.0

    def check(self, now: float) -> int | None:
        """Count one call; return the seconds to wait if it is over the limit (the call is then refused)."""
        if self.per_second is None:
            return None
        if now < self._blocked_until:
            return max(1, math.ceil(self._blocked_until - now))
        # Below one call per second the window grows so that one call fits in it.
        capacity, window = (int(self.per_second), 1.0) if self.per_second >= 1 else (1, 1.0 / self.per_second)
        while self._recent and self._recent[0] <= now - window:
            self._recent.popleft()
        if len(self._recent) >= capacity:
            self._blocked_until = now + self.retry_after
            return self.retry_after
        self._recent.append(now)
        return None


class TelegramState:
    """Everything the emulated server knows; the API methods and the emulated users both work on it."""

    def __init__(self, bot_user: dict) -> None:
        self.bot_user = bot_user
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, EmulatedUser] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.queries: dict[str, CallbackQuery] = {}
        self.pending: list[dict] = []  # updates not yet confirmed by an offset
        self.next_update_id = 1
        self.fetched_up_to = 0
        self.last_fetch = 0.0
        self.dropped: set[int] = set()
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

    def take_updates(self, limit: int, now: float) -> list[dict]:
        """The unconfirmed updates of allowed types (others are discarded, as Telegram never sends them)."""
        allowed = self.allowed_updates
        kept: list[dict] = []
        for update in self.pending:
            kind = update_kind(update)
            if (kind in NOT_BY_DEFAULT) if allowed is None else (kind not in allowed):
                self.dropped.add(update["update_id"])
                self.fetched_up_to = max(self.fetched_up_to, update["update_id"])
            else:
                kept.append(update)
        self.pending = kept
        batch = kept[:limit]
        if batch:
            self.fetched_up_to = max(self.fetched_up_to, batch[-1]["update_id"])
            self.last_fetch = now
        return batch

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
