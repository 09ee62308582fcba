"""The delivery worker: drains the broadcast outbox at BROADCAST_RATE, writing each result as it happens.

Crash safety: a delivery row stays 'pending' until Telegram's answer for it is written, so after
a crash or restart only the messages in flight at that moment (at most CONCURRENCY) can go twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.i18n import Texts
from bot.news.message import send_announcement
from bot.news.progress_message import ProgressMessage
from bot.news.throttle import BROADCAST, SendBudget, retry_seconds
from storage.broadcasts import Broadcast, BroadcastRepository, Delivery
from storage.db import utc_now
from storage.users import UserRepository

log = logging.getLogger(__name__)

# Sends in flight at once: enough to keep the pace over Telegram's ~100 ms round trip.
CONCURRENCY = 8
BATCH = 200
# Network errors: up to this many attempts per recipient, waiting 1, 2, 4... seconds between them.
MAX_ATTEMPTS = 4
MAX_BACKOFF_SECONDS = 30.0
# A recipient whose message keeps hitting RetryAfter is given up on after this many (never seen in practice).
MAX_FLOOD_WAITS = 20
# How often the worker looks for queued, scheduled or resumed broadcasts when nobody wakes it.
POLL_SECONDS = 1.0
# How often the status is re-read while sending (pause and cancel also wake the worker).
STATUS_CHECK_SECONDS = 0.5


class BroadcastWorker:
    """Runs inside the bot as one asyncio task: start(), wake() on changes, close() at shutdown."""

    def __init__(
        self,
        bot: Bot,
        broadcasts: BroadcastRepository,
        users: UserRepository,
        budget: SendBudget,
        texts: Callable[[], Texts],
        default_language: str,
        active: Callable[[], bool] = lambda: True,
    ) -> None:
        self.bot = bot
        self.broadcasts = broadcasts
        self.users = users
        self.budget = budget
        self.texts = texts
        self.default_language = default_language
        self.active = active  # False while the Application is not running: start no new sends
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._inflight: set[asyncio.Task] = set()

    def start(self) -> None:
        """Start the worker task."""
        self._task = asyncio.create_task(self._run(), name="broadcast-worker")

    def wake(self) -> None:
        """Look at the outbox now (a broadcast was queued, paused, resumed or cancelled)."""
        self._wake.set()

    async def close(self, timeout: float = 5.0) -> None:
        """Stop taking new recipients and wait a little for the sends in flight to be written."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._inflight:
            await asyncio.wait(self._inflight, timeout=timeout)

    async def _run(self) -> None:
        while True:
            try:
                if self.active():
                    await self._start_due()
                    sending = await self.broadcasts.sending()
                    if sending:
                        await self._deliver(sending[0])
                        continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the broadcast worker failed; retrying in %s s", POLL_SECONDS)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except TimeoutError:
                pass

    async def _start_due(self) -> None:
        for broadcast_id in await self.broadcasts.due(utc_now()):
            total = await self.broadcasts.start(broadcast_id, self.default_language)
            log.info("broadcast %s started: %s recipients", broadcast_id, total)

    async def _deliver(self, broadcast_id: int) -> None:
        broadcast = await self.broadcasts.get(broadcast_id)
        progress = ProgressMessage(self.bot, self.broadcasts, self.users, self.texts, self.default_language)
        reporter = asyncio.create_task(progress.keep_updated(broadcast))
        try:
            finished = await self._drain(broadcast)
        finally:
            if self._inflight:
                await asyncio.wait(self._inflight)
            reporter.cancel()
            await asyncio.gather(reporter, return_exceptions=True)
        if finished:
            await self.broadcasts.set_status(broadcast_id, "done", only_from=("sending",))
            log.info("broadcast %s done", broadcast_id)
        await progress.show(await self.broadcasts.get(broadcast_id))

    async def _drain(self, broadcast: Broadcast) -> bool:
        """Send to every pending recipient; True when none is left, False when paused, cancelled or stopping."""
        slots = asyncio.Semaphore(CONCURRENCY)
        status = _StatusWatch(self, broadcast.id)
        cursor = 0
        while True:
            rows = await self.broadcasts.pending(broadcast.id, cursor, BATCH)
            if not rows:
                if self._inflight:
                    await asyncio.wait(self._inflight)
                # A second pass picks up any recipient skipped while it was in flight.
                rows = await self.broadcasts.pending(broadcast.id, 0, BATCH)
                if not rows:
                    return True
            for row in rows:
                cursor = row.user_id
                await slots.acquire()
                if not await status.still_sending():
                    slots.release()
                    return False
                task = asyncio.create_task(self._send_one(broadcast, row))
                self._inflight.add(task)
                task.add_done_callback(lambda t: (self._inflight.discard(t), slots.release()))

    async def _send_one(self, broadcast: Broadcast, row: Delivery) -> None:
        attempts, flood_waits = row.attempts, 0
        while True:
            await self.budget.for_broadcast()
            if not self.active():
                return  # the bot is stopping: the row stays pending for the next start
            user = await self.users.get(row.user_id)
            if user is not None and user.blocked:  # blocked the bot since the broadcast started: don't try
                await self.broadcasts.record(broadcast.id, row.user_id, "blocked", attempts, "blocked the bot")
                return
            attempts += 1
            try:
                await send_announcement(self.bot, row.user_id, broadcast, row.lang, self.texts(), rate_limit_args=BROADCAST)
            except RetryAfter as exc:
                # Telegram's flood control: everyone waits exactly as told; this try does not count.
                self.budget.close_for(retry_seconds(exc))
                attempts -= 1
                flood_waits += 1
                if flood_waits <= MAX_FLOOD_WAITS:
                    continue
                await self.broadcasts.record(broadcast.id, row.user_id, "failed", attempts, _describe(exc))
            except Forbidden as exc:
                await self.broadcasts.record(broadcast.id, row.user_id, "blocked", attempts, _describe(exc))
                await self.users.set_blocked(row.user_id, True)
            except BadRequest as exc:  # "chat not found" and the like: trying again would not help
                await self.broadcasts.record(broadcast.id, row.user_id, "failed", attempts, _describe(exc))
            except NetworkError as exc:  # includes TimedOut
                if attempts < MAX_ATTEMPTS:
                    await asyncio.sleep(min(MAX_BACKOFF_SECONDS, 2 ** (attempts - 1)))
                    continue
                await self.broadcasts.record(broadcast.id, row.user_id, "failed", attempts, _describe(exc))
            except TelegramError as exc:
                await self.broadcasts.record(broadcast.id, row.user_id, "failed", attempts, _describe(exc))
            except Exception as exc:  # noqa: BLE001 - one recipient's problem must not stop the others
                if not self.active():
                    return  # the connection closed under a send at shutdown: pending, tried at next start
                log.exception("sending broadcast %s to %s failed", broadcast.id, row.user_id)
                await self.broadcasts.record(broadcast.id, row.user_id, "failed", attempts, repr(exc)[:300])
            else:
                await self.broadcasts.record(broadcast.id, row.user_id, "sent", attempts)
            return


class _StatusWatch:
    """Re-reads the broadcast's status at most every STATUS_CHECK_SECONDS, or at once when woken."""

    def __init__(self, worker: BroadcastWorker, broadcast_id: int) -> None:
        self.worker = worker
        self.broadcast_id = broadcast_id
        self._checked = 0.0
        self._sending = True

    async def still_sending(self) -> bool:
        if not self.worker.active():
            return False
        now = time.monotonic()
        if self.worker._wake.is_set() or now - self._checked >= STATUS_CHECK_SECONDS:
            self.worker._wake.clear()
            self._checked = now
            current = await self.worker.broadcasts.get(self.broadcast_id)
            self._sending = current is not None and current.status == "sending"
        return self._sending


def _describe(exc: TelegramError) -> str:
    return f"{type(exc).__name__}: {exc.message if hasattr(exc, 'message') else exc}"[:300]
