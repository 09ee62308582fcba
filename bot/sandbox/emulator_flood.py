"""Telegram's flood limits: messages per second for the bot (free and paid apart) and per minute per group."""

from __future__ import annotations

import math
from collections import deque


class _Window:
    """How many events fit in a sliding window of `seconds`."""

    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = capacity
        self.seconds = seconds
        self._times: deque[float] = deque()

    def wait_needed(self, now: float) -> float | None:
        """Seconds until one more event fits, or None if it fits now."""
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()
        if len(self._times) < self.capacity:
            return None
        return self._times[0] + self.seconds - now

    def add(self, now: float) -> None:
        """Count an event."""
        self._times.append(now)


class _Lane:
    """One per-second limit: past it every call is refused for a penalty period, as Telegram does."""

    def __init__(self, per_second: float, retry_after: int) -> None:
        # Below one call per second the window grows so that one call fits in it.
        capacity, seconds = (int(per_second), 1.0) if per_second >= 1 else (1, 1.0 / per_second)
        self.window = _Window(capacity, seconds)
        self.retry_after = retry_after
        self.blocked_until = 0.0

    def refusal(self, now: float) -> int | None:
        """The retry_after to answer with, or None if the call may go (it is not counted yet)."""
        if now < self.blocked_until:
            return max(1, math.ceil(self.blocked_until - now))
        if self.window.wait_needed(now) is not None:
            self.blocked_until = now + self.retry_after
            return self.retry_after
        return None


class FloodControl:
    """The limits the emulator enforces; all off until configure() sets a rate."""

    def __init__(self) -> None:
        self.per_second: float | None = None
        self._free: _Lane | None = None
        self._paid: _Lane | None = None
        self._group_per_minute: int | None = None
        self._groups: dict[int, _Window] = {}

    def configure(
        self,
        per_second: float | None,
        retry_after: int = 1,
        *,
        paid_per_second: float = 1000,
        group_per_minute: int | None = 20,
    ) -> None:
        """Set the rates (per_second None: no limit at all) and forget earlier calls."""
        self.per_second = per_second
        self._groups = {}
        if per_second is None:
            self._free = self._paid = None
            self._group_per_minute = None
            return
        self._free = _Lane(per_second, retry_after)
        self._paid = _Lane(paid_per_second, retry_after)
        self._group_per_minute = group_per_minute

    def check(self, now: float, *, paid: bool = False, group_id: int | None = None) -> int | None:
        """Count one message; return the seconds to wait if it is over a limit (the message is then refused).

        `paid`: sent with allow_paid_broadcast, so it counts against the paid rate instead of the free one.
        `group_id`: a new message to this group, which also counts against the group's per-minute limit.
        """
        lane = self._paid if paid else self._free
        if lane is None:
            return None
        wait = lane.refusal(now)
        if wait is not None:
            return wait
        group = None
        if group_id is not None and self._group_per_minute is not None:
            group = self._groups.setdefault(group_id, _Window(self._group_per_minute, 60.0))
            group_wait = group.wait_needed(now)
            if group_wait is not None:
                return max(1, math.ceil(group_wait))
        lane.window.add(now)
        if group is not None:
            group.add(now)
        return None
