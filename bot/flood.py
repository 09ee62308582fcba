"""Slow down a person who floods the bot, without slowing anyone else."""

from __future__ import annotations

from collections import OrderedDict

from aiolimiter import AsyncLimiter

# A burst of 20 updates is fine (tapping quickly through menus); beyond that two a second.
# A flood (dozens a second) is still cut within the first second.
BURST = 20
PERIOD_SECONDS = 10.0  # the bucket empties at BURST / PERIOD_SECONDS updates a second
_MAX_TRACKED_USERS = 50_000


class FloodGuard:
    """A leaky bucket per user; tells whether to serve an update and whether to warn."""

    def __init__(self, burst: int = BURST, period: float = PERIOD_SECONDS) -> None:
        self.burst = burst
        self.period = period
        self._buckets: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self._warned: set[int] = set()

    async def allow(self, user_id: int) -> bool:
        """Take one unit of the user's budget; False (without waiting) when they are over it."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = AsyncLimiter(self.burst, self.period)
            self._buckets[user_id] = bucket
            if len(self._buckets) > _MAX_TRACKED_USERS:
                old, _ = self._buckets.popitem(last=False)
                self._warned.discard(old)
        self._buckets.move_to_end(user_id)
        if not bucket.has_capacity():
            return False
        await bucket.acquire()  # returns at once: there is capacity
        self._warned.discard(user_id)
        return True

    def should_warn(self, user_id: int) -> bool:
        """True once per flood, so the polite notice is not itself a flood."""
        if user_id in self._warned:
            return False
        self._warned.add(user_id)
        return True
