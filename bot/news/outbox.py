"""The delivery worker: drains the broadcast outbox, alerts first, writing results in small batches.

Crash safety: a delivery row stays 'pending' until its result is written. Results are written in
one transaction per batch (every BATCH_SECONDS or BATCH_SIZE results), so after a crash only the
sends in flight or in the unwritten batch can go twice; nothing is lost.

Priority: a broadcast is served until one of higher priority (an alert) is due; the worker then
stops between two sends, delivers the alert, and comes back to where it was.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone

from bot.config import LANGUAGES
from bot.delivery.budget import SendBudget
from bot.delivery.outgoing import Courier, Outgoing, Result
from bot.news.lifecycle import FINISH, START, WAITING, BroadcastStatus
from bot.news.progress import ProgressReporter, RateMeter, done_count, figures
from storage.broadcasts import Broadcast, BroadcastRepository, Delivery, DeliveryResult
from storage.db import utc_now

log = logging.getLogger(__name__)

# Sends in flight at once: enough to keep the pace over Telegram's round trip (paid ones go faster).
CONCURRENCY = 8
PAID_CONCURRENCY = 64
READ_BATCH = 500
# Results are written together, at least this often.
BATCH_SIZE = 100
BATCH_SECONDS = 0.2
# Network errors: up to this many attempts per recipient, waiting 1, 2, 4... seconds between them.
MAX_ATTEMPTS = 4
MAX_BACKOFF_SECONDS = 30.0
# A recipient whose message keeps hitting RetryAfter is given up on after this many (never seen in practice).
MAX_FLOOD_WAITS = 20
POLL_SECONDS = 1.0
# How often the status, the valid-until time and waiting alerts are looked at while sending.
CHECK_SECONDS = 0.25
PROGRESS_SECONDS = 3.0
FINISHED, STOPPED, PREEMPTED, EXPIRED = "finished", "stopped", "preempted", "expired"

# The message a reader of a language gets (rendered once per broadcast and language).
Compose = Callable[[Broadcast, str], Outgoing]


class BroadcastWorker:
    """One asyncio task inside the bot: start(), wake() on changes, close() before the bot stops."""

    def __init__(self, repo: BroadcastRepository, courier: Courier, budget: SendBudget, compose: Compose,
                 progress: ProgressReporter, default_language: str) -> None:
        self.repo = repo
        self.courier = courier
        self.budget = budget
        self.compose = compose
        self.progress = progress
        self.default_language = default_language
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._inflight: set[asyncio.Task] = set()
        self._results: list[DeliveryResult] = []
        self._waiting_for: dict[int, int] = {}  # broadcast id -> the alert it gave way to

    def start(self) -> None:
        """Start the worker task."""
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="broadcast-worker")

    def wake(self) -> None:
        """Look at the outbox now (a broadcast was queued, paused, resumed or cancelled)."""
        self._wake.set()

    async def close(self) -> None:
        """Start no new send; wait for the sends in flight and write every result (call before the bot stops)."""
        self._stopping = True
        self.wake()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._start_due()
                sending = await self.repo.with_status(BroadcastStatus.SENDING)
                if sending:
                    await self._deliver(sending[0])
                    continue
            except Exception:
                log.exception("the broadcast worker failed; retrying in %s s", POLL_SECONDS)
            self._wake.clear()
            if self._stopping:
                break
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except TimeoutError:
                pass

    async def _start_due(self) -> None:
        sources, target = START
        for broadcast_id in await self.repo.due(utc_now(), sources):
            total = await self.repo.start(broadcast_id, self.default_language, sources, target)
            log.info("broadcast %s started: %s recipients", broadcast_id, total)

    async def _deliver(self, broadcast_id: int) -> None:
        broadcast = await self.repo.get(broadcast_id)
        self._waiting_for.pop(broadcast_id, None)
        messages = {lang: self.compose(broadcast, lang) for lang in LANGUAGES}
        meter = RateMeter()
        reporter = asyncio.create_task(self._report(broadcast, meter))
        try:
            ending = await self._drain(broadcast, messages)
        finally:
            if self._inflight:
                await asyncio.wait(self._inflight)
            await self._write_results(broadcast.id)
            reporter.cancel()
            await asyncio.gather(reporter, return_exceptions=True)
        if ending == EXPIRED:
            expired = await self.repo.expire(broadcast.id)
            log.info("broadcast %s expired: %s recipients not reached in time", broadcast.id, expired)
        if ending in (FINISHED, EXPIRED):
            sources, target = FINISH
            await self.repo.transition(broadcast.id, target, sources, finished=True)
            log.info("broadcast %s done", broadcast.id)
        await self._show(broadcast.id, meter)

    async def _drain(self, broadcast: Broadcast, messages: dict[str, Outgoing]) -> str:
        """Send to every pending recipient; how it ended: finished, stopped, preempted or expired."""
        slots = asyncio.Semaphore(PAID_CONCURRENCY if broadcast.paid else CONCURRENCY)
        watch = _Watch(self, broadcast)
        cursor = 0
        last_write = time.monotonic()
        while True:
            rows = await self.repo.pending(broadcast.id, cursor, READ_BATCH)
            if not rows:
                if self._inflight:
                    await asyncio.wait(self._inflight)
                await self._write_results(broadcast.id)
                # A second pass picks up any recipient whose send was retried meanwhile.
                rows = await self.repo.pending(broadcast.id, 0, READ_BATCH)
                if not rows:
                    return FINISHED
            for row in rows:
                cursor = row.user_id
                await slots.acquire()
                ending = await watch.ending()
                if ending:
                    slots.release()
                    return ending
                task = asyncio.create_task(self._send_one(broadcast, row, messages[row.lang]))
                self._inflight.add(task)
                task.add_done_callback(lambda t: (self._inflight.discard(t), slots.release()))
                now = time.monotonic()
                if len(self._results) >= BATCH_SIZE or now - last_write >= BATCH_SECONDS:
                    last_write = now
                    await self._write_results(broadcast.id)

    async def _send_one(self, broadcast: Broadcast, row: Delivery, message: Outgoing) -> None:
        attempts, flood_waits = row.attempts, 0
        while True:
            sending = await self.budget.for_broadcast(paid=broadcast.paid)
            attempts += 1
            try:
                outcome = await self.courier.send(row.user_id, message, quiet=broadcast.quiet, paid=broadcast.paid,
                                                  paced=True)
            finally:
                self.budget.sent(sending)
            if outcome.result is Result.RETRY:
                # Telegram's flood control: everyone waits exactly as told; this try does not count.
                self.budget.close_for(outcome.retry_after, paid=broadcast.paid)
                attempts -= 1
                flood_waits += 1
                if flood_waits <= MAX_FLOOD_WAITS:
                    continue
            elif outcome.result is Result.TRANSIENT and attempts < MAX_ATTEMPTS and not self._stopping:
                await asyncio.sleep(min(MAX_BACKOFF_SECONDS, 2 ** (attempts - 1)))
                continue
            elif outcome.result is Result.TRANSIENT and self._stopping:
                return  # stays pending: tried again at the next start
            status = {Result.SENT: "sent", Result.BLOCKED: "blocked"}.get(outcome.result, "failed")
            self._results.append(DeliveryResult(row.user_id, status, attempts, outcome.error or None))
            return

    async def _write_results(self, broadcast_id: int) -> None:
        batch, self._results = self._results, []
        await self.repo.record(broadcast_id, batch)

    async def _report(self, broadcast: Broadcast, meter: RateMeter) -> None:
        while True:
            await self._show(broadcast.id, meter)
            await asyncio.sleep(PROGRESS_SECONDS)

    async def _show(self, broadcast_id: int, meter: RateMeter) -> None:
        broadcast = await self.repo.get(broadcast_id)
        if broadcast is None:
            return
        counts = await self.repo.counts(broadcast_id)
        rate = meter.add(done_count(counts))
        try:
            await self.progress.show(broadcast, figures(broadcast, counts, rate, self._waiting_for.get(broadcast_id)))
        except Exception:  # noqa: BLE001 - a progress message must never stop a broadcast
            log.warning("could not show the progress of broadcast %s", broadcast_id, exc_info=True)


class _Watch:
    """Looks, at most every CHECK_SECONDS (or at once when woken), whether to stop sending and why."""

    def __init__(self, worker: BroadcastWorker, broadcast: Broadcast) -> None:
        self.worker = worker
        self.broadcast = broadcast
        self._checked = 0.0
        self._ending: str | None = None

    async def ending(self) -> str | None:
        """None to go on; else stopped, preempted or expired."""
        worker = self.worker
        if worker._stopping:
            return STOPPED
        until = self.broadcast.valid_until
        if until and datetime.now(timezone.utc).isoformat(timespec="seconds") >= until:
            return EXPIRED
        now = time.monotonic()
        if worker._wake.is_set() or now - self._checked >= CHECK_SECONDS:
            worker._wake.clear()
            self._checked = now
            self._ending = await self._look()
        return self._ending

    async def _look(self) -> str | None:
        repo, broadcast = self.worker.repo, self.broadcast
        current = await repo.get(broadcast.id)
        if current is None or current.status != BroadcastStatus.SENDING:
            return STOPPED
        for other_id in [*await repo.due(utc_now(), WAITING), *await repo.with_status(BroadcastStatus.SENDING)]:
            other = await repo.get(other_id)
            if other is not None and other.priority > broadcast.priority:
                self.worker._waiting_for[broadcast.id] = other_id
                return PREEMPTED
        return None
