"""One message budget for the whole bot: answers to people first, broadcasts in what is left.

Telegram allows about 30 messages a second for a bot in all and answers 429 (RetryAfter) past
that, for every chat at once. So:
- every message the bot sends is counted in a one-second window kept a little under the limit
  (the server's clock and ours differ, and a 429 costs everyone seconds);
- a broadcast message waits for its own pace (BROADCAST_RATE, which leaves room for answers)
  and for a free place in the window, and gives way while an answer waits;
- a RetryAfter, whoever got it, closes the gate: nothing is sent to anyone until it reopens,
  and the broadcast pace drops, then recovers slowly, so the queue does not burst into the next 429;
- paid broadcasts (allow_paid_broadcast) have Telegram's separate, higher limit and their own pace.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

WINDOW_SECONDS = 1.0
# Telegram's limit for all of a bot's ordinary messages together.
TELEGRAM_LIMIT = 30
# Places kept free in every second: our window is not the server's.
MARGIN = 3
# Messages a second kept for answering people when a broadcast rate is set close to the limit.
ANSWER_HEADROOM = 5
# After a RetryAfter the broadcast pace is multiplied by this, and recovers by RECOVERY a second.
SLOW_DOWN = 0.6
RECOVERY_PER_SECOND = 0.05


class SendBudget:
    """The bot's shared send budget: a sliding window, the broadcast paces and the RetryAfter gate."""

    def __init__(self, broadcast_rate: float, paid_rate: float = 1000.0, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.clock = clock
        self.sleep = sleep
        self.limit = TELEGRAM_LIMIT - MARGIN
        self.broadcast_rate = min(broadcast_rate, self.limit - 1)
        self.paid_rate = paid_rate
        self._next_paid = 0.0
        self._recent: deque[float] = deque()
        self._closed_until = 0.0
        self._answers_waiting = 0
        self._share = 1.0  # of broadcast_rate, lowered after a RetryAfter
        self._share_at = clock()
        self._next_broadcast = 0.0

    def close_for(self, seconds: float) -> None:
        """Send nothing to anyone for `seconds` (Telegram said RetryAfter) and slow the broadcasts."""
        now = self.clock()
        self._closed_until = max(self._closed_until, now + seconds)
        self._share = max(0.2, self._current_share() * SLOW_DOWN)
        self._share_at = now

    @property
    def closed_for(self) -> float:
        """Seconds until the gate reopens (0 when open)."""
        return max(0.0, self._closed_until - self.clock())

    @property
    def current_broadcast_rate(self) -> float:
        """Messages a second a free broadcast goes at now."""
        return self.broadcast_rate * self._current_share()

    async def wait_open(self) -> None:
        """Return when no RetryAfter is in force."""
        while (left := self.closed_for) > 0:
            await self.sleep(left)

    async def for_answer(self) -> None:
        """Wait before an answer to a person: only for the gate and a full window (answers go first)."""
        self._answers_waiting += 1
        try:
            await self._until_room(self.limit)
        finally:
            self._answers_waiting -= 1
        self._recent.append(self.clock())

    async def for_broadcast(self, *, paid: bool = False) -> None:
        """Wait for the broadcast's pace, then (free broadcasts) for a place in the window answers don't need."""
        if paid:
            await self.wait_open()
            start, self._next_paid = self._slot(self._next_paid, self.paid_rate)
            await self._sleep_until(start)
            return
        start, self._next_broadcast = self._slot(self._next_broadcast, self.current_broadcast_rate)
        await self._sleep_until(start)
        while True:
            await self._until_room(self.limit - 1)
            if not self._answers_waiting:
                break
            await self.sleep(0.01)
        self._recent.append(self.clock())

    def _slot(self, next_at: float, rate: float) -> tuple[float, float]:
        """This send's turn at `rate` a second, taken at once (concurrent senders queue): (its time, the next)."""
        start = max(self.clock(), next_at)
        return start, start + 1.0 / max(0.5, rate)

    async def _sleep_until(self, moment: float) -> None:
        delay = moment - self.clock()
        if delay > 0:
            await self.sleep(delay)

    def _current_share(self) -> float:
        elapsed = self.clock() - self._share_at
        return min(1.0, self._share + elapsed * RECOVERY_PER_SECOND)

    async def _until_room(self, capacity: float) -> None:
        while True:
            await self.wait_open()
            now = self.clock()
            while self._recent and self._recent[0] <= now - WINDOW_SECONDS:
                self._recent.popleft()
            if len(self._recent) < capacity:
                return
            await self.sleep(max(0.001, self._recent[0] + WINDOW_SECONDS - now))
