"""Serve different people at the same time while keeping each person's updates in order."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Process updates concurrently across users, one at a time per user.

    `on_handled`, when set, is called with the update_id once the update's handlers (and a blocking error
    handler) have finished, however they ended: the Telegram emulator uses it to know a reply is complete.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self.on_handled: Callable[[int], None] | None = None

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this user's previous update first, so a flood from one user holds no shared slot."""
        key = _user_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]
            if self.on_handled is not None and isinstance(update, Update):
                self.on_handled(update.update_id)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers for the update."""
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _user_key(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user:
            return update.effective_user.id
        if update.effective_chat:
            return update.effective_chat.id
    return 0
