"""The life of a broadcast: its statuses and every allowed change, for /announce, the worker and `news send`."""

from __future__ import annotations

from enum import StrEnum


class BroadcastStatus(StrEnum):
    """Where a broadcast is; the database's CHECK constraint lists the same values."""

    SCHEDULED = "scheduled"
    QUEUED = "queued"
    SENDING = "sending"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


S = BroadcastStatus
# Waiting for their time (the worker starts them when it comes).
WAITING = (S.SCHEDULED, S.QUEUED)
FINAL = (S.DONE, S.CANCELLED)
# Shown again in /news (they went out, or are going out, to subscribers).
PUBLISHED = (S.SENDING, S.DONE)
# A staff button -> (the statuses it acts from, the status it sets).
CONTROLS: dict[str, tuple[tuple[BroadcastStatus, ...], BroadcastStatus]] = {
    "pause": ((S.SENDING,), S.PAUSED),
    "resume": ((S.PAUSED,), S.SENDING),
    "stop": ((S.SENDING, S.PAUSED, S.QUEUED), S.CANCELLED),
    "unschedule": ((S.SCHEDULED,), S.CANCELLED),
    "retry": ((S.DONE,), S.SENDING),
}
# The delivery worker's own changes, in the same form: it starts what is due and finishes what it sent.
START: tuple[tuple[BroadcastStatus, ...], BroadcastStatus] = (WAITING, S.SENDING)
FINISH: tuple[tuple[BroadcastStatus, ...], BroadcastStatus] = ((S.SENDING,), S.DONE)


def controls_for(status: str) -> list[str]:
    """The staff controls that make sense for a broadcast in `status`, in button order."""
    return [action for action, (sources, _) in CONTROLS.items() if status in sources]
