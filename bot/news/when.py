"""Reading the date and time staff type (Asia/Almaty) for a scheduled announcement or an alert's end."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from bot.clock import LOCAL_ZONE

_DATE_TIME = re.compile(
    r"^\s*(?:(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?|(\d{4})-(\d{1,2})-(\d{1,2}))?\s*(\d{1,2})[:.](\d{2})\s*$"
)


class WhenError(ValueError):
    """Not a date and time, or one in the past; str() is a UI text key."""


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """`25.11.2026 10:00`, `2026-11-25 10:00`, `25.11 10:00` or `10:00` (today, else tomorrow) in Almaty time → UTC."""
    now = (now or datetime.now(timezone.utc)).astimezone(LOCAL_ZONE)
    match = _DATE_TIME.match(text or "")
    if not match:
        raise WhenError("news.announce.when_bad")
    day, month, year, iso_year, iso_month, iso_day, hour, minute = match.groups()
    try:
        if iso_year:
            on = date(int(iso_year), int(iso_month), int(iso_day))
        elif day:
            on = date(int(year) if year else now.year, int(month), int(day))
        else:
            on = now.date()
        local = datetime(on.year, on.month, on.day, int(hour), int(minute), tzinfo=LOCAL_ZONE)
    except ValueError:
        raise WhenError("news.announce.when_bad") from None
    if not day and not iso_year and local <= now:
        local += timedelta(days=1)  # a bare time already past today means tomorrow
    if local <= now:
        raise WhenError("news.announce.when_past")
    if local - now > timedelta(days=366):
        raise WhenError("news.announce.when_far")
    return local.astimezone(timezone.utc)
