"""Time as the bot stores it (ISO UTC) and as people in Kazakhstan read it (Asia/Almaty)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from storage.db import utc_now as utc_now_iso  # noqa: F401 - the one clock every table uses

# All of Kazakhstan has been on UTC+5 since March 2024; tzdata is a dependency, so the zone exists.
LOCAL_ZONE = ZoneInfo("Asia/Almaty")


def utc_today() -> date:
    """Today's date in UTC (ages are counted on it)."""
    return datetime.now(timezone.utc).date()


def local_today() -> date:
    """Today's date in Almaty."""
    return datetime.now(LOCAL_ZONE).date()


def local_text(utc_iso: str | None) -> str:
    """An ISO UTC time as staff read it: 25.11.2026 10:00 (Almaty time); "" for None."""
    if not utc_iso:
        return ""
    moment = datetime.fromisoformat(utc_iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_ZONE).strftime("%d.%m.%Y %H:%M")


def local_day_bounds(since: date | None, until: date | None) -> tuple[str | None, str | None]:
    """Whole Almaty days from `since` to `until` (inclusive) as ISO UTC bounds [start, end)."""
    def start_of(day: date) -> str:
        local = datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE)
        return local.astimezone(timezone.utc).isoformat(timespec="seconds")

    end = date.fromordinal(until.toordinal() + 1) if until else None
    return (start_of(since) if since else None, start_of(end) if end else None)
