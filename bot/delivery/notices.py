"""The notices worker: delivers the notifications outbox (staff cards, notes, replaced posts).

A notice is written in the same transaction as the change that causes it, so after a crash at
any moment every change still gets its messages. The handler that made the change calls
`flush()` so the person sees them at once; the background loop picks up whatever is left
(after a restart, a network error or flood control).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.delivery.outgoing import Courier, Outcome, Outgoing, Result
from storage.notifications import REPLACE_POST, STAFF_CARD, Notice, NotificationRepository

log = logging.getLogger(__name__)

# Tries before a notice is given up on; waits between rounds grow from 1 s to MAX_BACKOFF_SECONDS.
MAX_ATTEMPTS = 10
MAX_BACKOFF_SECONDS = 60.0
POLL_SECONDS = 5.0

# Builds the message for a notice (None when there is nothing to send any more, e.g. the application is gone).
Compose = Callable[[Notice], Awaitable[Outgoing | None]]


class NoticeWorker:
    """Sends pending notices in order: start(), flush() after a change, close() at shutdown."""

    def __init__(self, repo: NotificationRepository, courier: Courier, compose: Compose,
                 erased_note: Callable[[Notice], Notice], on_blocked: Callable[[int], Awaitable[None]]) -> None:
        self.repo = repo
        self.courier = courier
        self.compose = compose
        self.erased_note = erased_note
        self.on_blocked = on_blocked
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._backoff = 0.0

    def start(self) -> None:
        """Start the background loop."""
        self._task = asyncio.create_task(self._run(), name="notices-worker")

    def wake(self) -> None:
        """Look at the outbox now."""
        self._wake.set()

    async def close(self) -> None:
        """Stop the loop; a send in flight finishes and is recorded first."""
        if self._task is None:
            return
        async with self._lock:  # not while a notice is half-recorded
            self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None

    async def flush(self) -> bool:
        """Deliver every pending notice now; False if some must wait (flood control, network)."""
        async with self._lock:
            while True:
                pending = await self.repo.pending()
                if not pending:
                    self._backoff = 0.0
                    return True
                for notice in pending:
                    outcome = await self._deliver(notice)
                    if outcome.result in (Result.RETRY, Result.TRANSIENT):
                        self._backoff = max(outcome.retry_after, min(MAX_BACKOFF_SECONDS, max(1.0, self._backoff * 2)))
                        self.wake()
                        return False

    async def _run(self) -> None:
        while True:
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the notices worker failed; trying again")
                self._backoff = min(MAX_BACKOFF_SECONDS, max(1.0, self._backoff * 2))
            if self._backoff:
                await asyncio.sleep(self._backoff)
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except TimeoutError:
                pass

    async def _deliver(self, notice: Notice) -> Outcome:
        message = await self.compose(notice)
        if message is None:
            await self.repo.sent(notice.id)  # nothing left to say (the application was erased)
            return Outcome(Result.SENT)
        if notice.kind == REPLACE_POST:
            outcome = await self.courier.edit(notice.chat_id, notice.message_id, message)
        else:
            outcome = await self.courier.send(notice.chat_id, message)
        if outcome.ok and notice.kind == STAFF_CARD:
            await self.repo.card_sent(notice, outcome.message_id, self.erased_note(notice))
        elif outcome.ok:
            await self.repo.sent(notice.id)
        elif outcome.result in (Result.BLOCKED, Result.FAILED):
            log.warning("notice %s to chat %s failed: %s", notice.id, notice.chat_id, outcome.error)
            await self.repo.failed(notice.id, outcome.error, final=True)
            if outcome.result is Result.BLOCKED:
                await self.on_blocked(notice.chat_id)
        else:
            await self.repo.failed(notice.id, outcome.error, final=notice.attempts + 1 >= MAX_ATTEMPTS)
        return outcome
