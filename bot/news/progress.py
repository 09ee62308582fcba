"""A broadcast's progress as plain figures, and the reporting interface the worker talks to."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from storage.broadcasts import Broadcast

# The rate is measured over this many seconds of recent progress.
RATE_WINDOW_SECONDS = 15.0
# The delivery statuses that are a recipient's final result.
FINAL_RESULTS = ("sent", "failed", "blocked", "expired")


@dataclass(frozen=True)
class Figures:
    """What a progress message shows."""

    total: int
    sent: int
    failed: int
    blocked: int
    expired: int
    pending: int
    rate: float  # messages a second, recently
    status: str
    waiting_for: int | None = None  # paused between two sends for this alert

    @property
    def done(self) -> int:
        """Recipients with a final result."""
        return sum(getattr(self, status) for status in FINAL_RESULTS)


class ProgressReporter(Protocol):
    """Shows a broadcast's progress to the staff member who sent it (edited in place)."""

    async def show(self, broadcast: Broadcast, figures: Figures) -> None:
        """Show the figures (a progress bar while sending, the final report when done or stopped)."""


class RateMeter:
    """The recent delivery rate from successive counts of finished deliveries."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, done: int, now: float | None = None) -> float:
        """Record the count of finished deliveries; return messages per second recently."""
        now = time.monotonic() if now is None else now
        self._samples.append((now, done))
        while len(self._samples) > 2 and self._samples[0][0] < now - RATE_WINDOW_SECONDS:
            self._samples.popleft()
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0


def done_count(counts: dict[str, int]) -> int:
    """Recipients with a final result, from the deliveries counted by status."""
    return sum(counts.get(status, 0) for status in FINAL_RESULTS)


def figures(broadcast: Broadcast, counts: dict[str, int], rate: float, waiting_for: int | None = None) -> Figures:
    """The figures of a broadcast from its delivery counts."""
    return Figures(
        total=broadcast.total, sent=counts["sent"], failed=counts["failed"], blocked=counts["blocked"],
        expired=counts["expired"], pending=counts["pending"], rate=rate, status=broadcast.status,
        waiting_for=waiting_for,
    )
