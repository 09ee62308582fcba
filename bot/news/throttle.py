"""One message budget for the whole bot: answers to people first, the broadcast in what is left.

Telegram allows about 30 messages a second for a bot in all and answers 429 (RetryAfter) past
that, for every chat at once. So:
- every message the bot sends is counted in a one-second window;
- a broadcast message waits for its own pace (BROADCAST_RATE, which leaves room for answers) and
  for a free place in the window, and gives way while an answer waits, so answers to people
  never queue behind it;
- a RetryAfter, whoever got it, closes the gate: nothing is sent to anyone until it reopens.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings
from collections import deque
from typing import Any, Callable, Coroutine

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

WINDOW_SECONDS = 1.0
# Messages a second kept for answering people when BROADCAST_RATE is above Telegram's usual limit.
ANSWER_HEADROOM = 5
# The calls Telegram's flood control counts: each one produces or changes a message.
_COUNTED_PREFIXES = ("send", "edit", "copy", "forward")


class BroadcastSend:
    """Marker passed as rate_limit_args by the broadcast worker: it has paced the call itself."""


BROADCAST = BroadcastSend()


def retry_seconds(exc: RetryAfter) -> float:
    """The seconds Telegram asked to wait (PTB gives an int or a timedelta, with a warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def is_counted(endpoint: str) -> bool:
    """Tell whether Telegram counts this API method against the flood limit."""
    return endpoint.startswith(_COUNTED_PREFIXES) and endpoint != "sendChatAction"


class SendBudget:
    """The bot's shared send budget: a sliding window, the broadcast's pace and the RetryAfter gate."""

    def __init__(self, broadcast_rate: float, overall_rate: float | None = None) -> None:
        self.broadcast_rate = broadcast_rate
        # Paid broadcasts may go faster than Telegram's default; keep room for answers on top.
        self.overall_rate = overall_rate or max(float(FloodLimit.MESSAGES_PER_SECOND), broadcast_rate + ANSWER_HEADROOM)
        # Capacity 2: one message may come early to make up for a late wake-up, never a burst.
        self._pace = AsyncLimiter(2, 2 / broadcast_rate)
        self._recent: deque[float] = deque()
        self._closed_until = 0.0
        self._answers_waiting = 0

    def close_for(self, seconds: float) -> None:
        """Send nothing to anyone for `seconds` (Telegram said RetryAfter)."""
        self._closed_until = max(self._closed_until, time.monotonic() + seconds)

    @property
    def closed_for(self) -> float:
        """Seconds until the gate reopens (0 when open)."""
        return max(0.0, self._closed_until - time.monotonic())

    async def wait_open(self) -> None:
        """Return when no RetryAfter is in force."""
        while (left := self.closed_for) > 0:
            await asyncio.sleep(left)

    async def for_answer(self) -> None:
        """Wait (rarely) before an answer to a person: only for the gate and a full window."""
        self._answers_waiting += 1
        try:
            await self._until_room(self.overall_rate)
        finally:
            self._answers_waiting -= 1
        self._recent.append(time.monotonic())

    async def for_broadcast(self) -> None:
        """Wait for the broadcast's pace, then for a place in the window that answers don't need."""
        await self._pace.acquire()
        while True:
            # One place short of the limit: the server's clock is not ours.
            await self._until_room(max(1.0, self.overall_rate - 1))
            if not self._answers_waiting:
                break
            await asyncio.sleep(0.01)
        self._recent.append(time.monotonic())

    async def _until_room(self, capacity: float) -> None:
        while True:
            await self.wait_open()
            now = time.monotonic()
            while self._recent and self._recent[0] <= now - WINDOW_SECONDS:
                self._recent.popleft()
            if len(self._recent) < capacity:
                return
            await asyncio.sleep(max(0.001, self._recent[0] + WINDOW_SECONDS - now))


class BudgetedRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter for every call, except that message calls share the SendBudget.

    Broadcast calls (rate_limit_args=BROADCAST) skip AIORateLimiter altogether: the worker has
    paced them and handles RetryAfter itself. (AIORateLimiter would otherwise retry them on its
    own, and `rate_limit_args=0` cannot turn that off: it falls back to max_retries.)
    """

    def __init__(self, budget: SendBudget, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.budget = budget

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        """Pace the call, and close the shared gate when Telegram answers RetryAfter."""
        if rate_limit_args is BROADCAST:
            return await callback(*args, **kwargs)
        if not is_counted(endpoint):
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        budget = self.budget

        async def counted(*a: Any, **kw: Any) -> Any:
            await budget.for_answer()
            try:
                return await callback(*a, **kw)
            except RetryAfter as exc:
                budget.close_for(retry_seconds(exc))
                raise

        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)
