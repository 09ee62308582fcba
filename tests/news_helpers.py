"""Shared steps of the news tests: subscribers, the staff's /announce flow, waiting for delivery."""

from __future__ import annotations

import asyncio
import time

from storage.db import Database
from storage.subscriptions import SubscriptionRepository
from storage.users import UserRepository


async def seed_subscribers(db_path, emulator, ids, *, topic="news", language="en", region=None) -> None:
    """Subscribers who opted in earlier (written straight into the database), with chats in the emulator."""
    db = await Database.open(db_path)
    try:
        users, subs = UserRepository(db), SubscriptionRepository(db)
        for user_id in ids:
            emulator.user(user_id, language_code=language)
            await users.seen(user_id)
            await subs.set_topic(user_id, topic, True, language)
            if region:
                await subs.set_region(user_id, region, language)
    finally:
        await db.close()


async def draft_to_preview(staff, text: str, *, topic_button: str | None = None):
    """Go through /announce as staff up to the preview; return the confirmation message."""
    await staff.send("/announce")
    await staff.send(text)
    await staff.press("Next: who gets it")
    if topic_button:
        await staff.press(topic_button)
    replies = await staff.press("Preview")
    return replies[-1]


def announcements(user, needle: str):
    """The bot's messages to `user` containing `needle`."""
    return [m for m in user.messages if needle in m.plain]


async def wait_until(predicate, timeout: float = 20.0, step: float = 0.05) -> None:
    """Wait until predicate() (sync or async) is true, or fail."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(step)


async def broadcast_status(read_db, broadcast_id: int) -> str:
    """The broadcast's status as stored."""
    db = await read_db()
    row = await db.fetchone("SELECT status FROM broadcasts WHERE id = ?", (broadcast_id,))
    return row["status"] if row else "missing"
