"""One message budget for the whole bot: answers to people first, broadcasts in what is left.

Telegram allows about 30 messages a second for a bot in all and answers 429 (RetryAfter) past
that, for every chat at once. So:
- every message the bot sends is counted in a one-second window kept a little under the limit
  (the server's clock and ours differ, and a 429 costs everyone seconds). A message reaches
  Telegram some time between our go-ahead and its answer, so it is counted from the go-ahead
  until a second after its answer (sent()): however the requests bunch on the way (a busy event
  loop, the network), no second at Telegram's end can hold more than the window;
- a broadcast message waits for its own pace (BROADCAST_RATE, which leaves room for answers)
  and for a free place in the window, and gives way while an answer waits;
- a RetryAfter, whoever got it, closes the gate: nothing is sent to anyone until it reopens,
  and the broadcast pace drops, then recovers slowly, so the queue does not burst into the next 429;
- paid broadcasts (allow_paid_broadcast) have Telegram's separate, higher limit, their own pace and
  their own gate: a RetryAfter on a paid message stops only paid ones (answers to people go on), and
  one on an answer does not stop a paid alert. Told Telegram's paid limit, the paid pace keeps a
  margin under it too: messages leave here evenly but arrive bunched, and at exactly the limit the
  bunches are refused.
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
# Telegram's limit for paid broadcasts (allow_paid_broadcast), and the share of it the paid pace may use.
TELEGRAM_PAID_LIMIT = 1000
PAID_MARGIN = 0.1


class Sending:
    """One message counted in the window: from the go-ahead, and after sent() from its answer."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at


class SendBudget:
    """The bot's shared send budget: a sliding window, the broadcast paces and the RetryAfter gate."""

    def __init__(self, broadcast_rate: float, paid_rate: float = 1000.0, *, paid_limit: float | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        """`paid_limit`: Telegram's paid limit, to keep the paid pace PAID_MARGIN under it (None: pace as told)."""
        self.clock = clock
        self.sleep = sleep
        self.limit = TELEGRAM_LIMIT - MARGIN
        self.broadcast_rate = min(broadcast_rate, self.limit - 1)
        self.paid_rate = min(paid_rate, paid_limit * (1 - PAID_MARGIN)) if paid_limit else paid_rate
        self._next_paid = 0.0
        self._recent: deque[Sending] = deque()  # in the order of their times
        self._closed_until = 0.0
        self._paid_closed_until = 0.0
        self._answers_waiting = 0
        self._share = 1.0  # of broadcast_rate, lowered after a RetryAfter
        self._share_at = clock()
        self._paid_share = 1.0  # of paid_rate, the same after a RetryAfter on a paid message
        self._paid_share_at = clock()
        self._next_broadcast = 0.0

    def close_for(self, seconds: float, *, paid: bool = False) -> None:
        """Send nothing for `seconds` (Telegram said RetryAfter) and slow the broadcasts: paid ones if it was paid."""
        now = self.clock()
        if paid:
            self._paid_closed_until = max(self._paid_closed_until, now + seconds)
            self._paid_share = max(0.2, _recovered(self._paid_share, self._paid_share_at, now) * SLOW_DOWN)
            self._paid_share_at = now
            return
        self._closed_until = max(self._closed_until, now + seconds)
        self._share = max(0.2, self._current_share() * SLOW_DOWN)
        self._share_at = now

    @property
    def current_broadcast_rate(self) -> float:
        """Messages a second a free broadcast goes at now."""
        return self.broadcast_rate * self._current_share()

    @property
    def current_paid_rate(self) -> float:
        """Messages a second a paid broadcast goes at now."""
        return self.paid_rate * _recovered(self._paid_share, self._paid_share_at, self.clock())

    async def wait_open(self, *, paid: bool = False) -> None:
        """Return when no RetryAfter is in force (for paid messages: none on a paid one)."""
        while (left := (self._paid_closed_until if paid else self._closed_until) - self.clock()) > 0:
            await self.sleep(left)

    async def for_answer(self) -> Sending:
        """Wait before an answer to a person: only for the gate and a full window (answers go first)."""
        self._answers_waiting += 1
        try:
            await self._until_room(self.limit)
        finally:
            self._answers_waiting -= 1
        return self._count()

    async def for_broadcast(self, *, paid: bool = False) -> Sending | None:
        """Wait for the broadcast's pace, then (free broadcasts) for a place in the window answers don't need."""
        if paid:
            await self.wait_open(paid=True)
            start, self._next_paid = self._slot(self._next_paid, self.current_paid_rate)
            await self._sleep_until(start)
            return None
        start, self._next_broadcast = self._slot(self._next_broadcast, self.current_broadcast_rate)
        await self._sleep_until(start)
        while True:
            await self._until_room(self.limit - 1)
            if not self._answers_waiting:
                break
            await self.sleep(0.01)
        return self._count()

    def sent(self, sending: Sending | None) -> None:
        """The message's request was answered: it stays in the window until a second from now."""
        if sending is None:
            return
        try:
            self._recent.remove(sending)
        except ValueError:
            pass  # in flight for over a second: it had left the window already
        sending.at = self.clock()
        self._recent.append(sending)

    def _count(self) -> Sending:
        sending = Sending(self.clock())
        self._recent.append(sending)
        return sending

    def _slot(self, next_at: float, rate: float) -> tuple[float, float]:
        """This send's turn at `rate` a second, taken at once (concurrent senders queue): (its time, the next)."""
        start = max(self.clock(), next_at)
        return start, start + 1.0 / max(0.5, rate)

    async def _sleep_until(self, moment: float) -> None:
        delay = moment - self.clock()
        if delay > 0:
            await self.sleep(delay)

    def _current_share(self) -> float:
        return _recovered(self._share, self._share_at, self.clock())

    async def _until_room(self, capacity: float) -> None:
        while True:
            await self.wait_open()
            now = self.clock()
            while self._recent and self._recent[0].at <= now - WINDOW_SECONDS:
                self._recent.popleft()
            if len(self._recent) < capacity:
                return
            await self.sleep(max(0.001, self._recent[0].at + WINDOW_SECONDS - now))


def _recovered(share: float, since: float, now: float) -> float:
    """A pace's share, lowered after a RetryAfter at `since`, as it has recovered by `now`."""
    return min(1.0, share + (now - since) * RECOVERY_PER_SECOND)
