"""The sandbox user's chat kept in a JSON file, as Telegram keeps chat history across restarts of the bot."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
from pathlib import Path

from bot.sandbox.emulator_models import BotMessage, PollRecord
from bot.sandbox.emulator_polls import close_poll
from bot.sandbox.emulator_state import TelegramState

FORMAT_VERSION = 1


def history_path(db_path: Path) -> Path:
    """Where the chat of the sandbox with this database is kept: data/sandbox.sqlite3 -> data/sandbox.chat.json."""
    return db_path.with_suffix(".chat.json")


def save_chat(state: TelegramState, chat_id: int, path: Path) -> None:
    """Write the chat's messages (the bot's with their buttons, and the user's) and its next message id."""
    chat = state.chats[chat_id]
    polls = {
        message.media["poll"]["id"]: {str(user): options for user, options in state.polls[poll_id].votes.items()}
        for message in chat.bot_messages.values()
        if message.kind == "poll" and (poll_id := message.media["poll"]["id"]) in state.polls
    }
    data = {
        "version": FORMAT_VERSION,
        "chat_id": chat_id,
        "next_message_id": chat.next_message_id,
        "bot_messages": [_message_json(m) for _, m in sorted(chat.bot_messages.items())],
        "user_messages": list(chat.user_messages.values()),
        "deleted_user_messages": sorted(chat.deleted_user_messages),
        "poll_votes": polls,
    }
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)  # a crash mid-write leaves the previous history whole


def load_chat(state: TelegramState, chat_id: int, path: Path) -> int:
    """Put a saved chat back into the emulator's state; return how many of the bot's messages came back.

    A missing file, or one written for another chat or by another version, restores nothing.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return 0
    if data.get("version") != FORMAT_VERSION or data.get("chat_id") != chat_id:
        return 0
    chat = state.chats[chat_id]
    chat.next_message_id = max(chat.next_message_id, data["next_message_id"])
    for fields in data["bot_messages"]:
        message = BotMessage(**fields)
        chat.bot_messages[message.message_id] = message
        if message.kind == "poll":
            _restore_poll(state, message, data["poll_votes"].get(message.media["poll"]["id"], {}))
    for user_message in data["user_messages"]:
        chat.user_messages[user_message["message_id"]] = user_message
    chat.deleted_user_messages.update(data["deleted_user_messages"])
    return sum(1 for m in chat.bot_messages.values() if not m.deleted)


def _message_json(message: BotMessage) -> dict:
    fields = dataclasses.asdict(message)
    fields["document"] = None  # the file's bytes are not history: only its name is shown again
    return fields


def _restore_poll(state: TelegramState, message: BotMessage, votes: dict[str, list[int]]) -> None:
    poll = message.media["poll"]
    record = PollRecord(message.chat_id, message.message_id, {int(user): options for user, options in votes.items()})
    state.polls[poll["id"]] = record
    closes_at = poll.get("close_date")
    if closes_at is not None and not poll["is_closed"]:
        delay = max(0.0, closes_at - time.time())
        record.closer = asyncio.get_running_loop().call_later(delay, close_poll, state, poll["id"])
