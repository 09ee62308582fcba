"""Figures of what the bot sent, as Telegram (the emulator) saw it: broadcasts, refusals, apologies."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.delivery.throttle import is_counted
from bot.i18n import Texts
from bot.sandbox.emulator import ApiCall

FIRST_SUBSCRIBER = 1_000_000
CONTENT_UI = Path(__file__).resolve().parent.parent / "content" / "ui"
BROADCAST_METHODS = ("sendMessage", "sendPhoto")


def ui_texts(key: str) -> tuple[str, ...]:
    """One UI text in every language (e.g. errors.generic: the apology), from content/ui/*.yaml."""
    return tuple(catalog[key].strip() for catalog in _TEXTS.catalogs.values() if key in catalog)


_TEXTS = Texts.load(CONTENT_UI, "en")
APOLOGIES = ui_texts("errors.generic")
FLOOD_NOTICES = ui_texts("errors.flood")


def chat_of(call: ApiCall) -> int:
    try:
        return int(call.params.get("chat_id"))
    except (TypeError, ValueError):
        return -1


def text_of(call: ApiCall) -> str:
    return str(call.params.get("text") or call.params.get("caption") or "")


def broadcast_calls(calls: list[ApiCall], match: str = "", exclude: str = "") -> list[ApiCall]:
    """Message calls to subscribers, in arrival order; only those whose text has `match` and not `exclude`."""
    return [
        c for c in calls
        if c.method in BROADCAST_METHODS and chat_of(c) >= FIRST_SUBSCRIBER
        and (not match or match in text_of(c)) and (not exclude or exclude not in text_of(c))
    ]


def delivered(calls: list[ApiCall], match: str = "", exclude: str = "") -> Counter:
    """Successful broadcast messages per subscriber chat."""
    return Counter(chat_of(c) for c in broadcast_calls(calls, match, exclude) if c.ok)


def rate(times: list[float]) -> float:
    """Messages a second between the first and the last."""
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return (len(times) - 1) / span if span else 0.0


def broadcast_stats(calls: list[ApiCall], match: str = "", exclude: str = "", split: float | None = None,
                    window: tuple[float, float] | None = None, with_times: bool = False) -> dict:
    """A broadcast's figures: reached, duplicates, rate (before and after `split`, inside `window` too)."""
    mine = broadcast_calls(calls, match, exclude)
    ok = [c for c in mine if c.ok]
    per_chat = Counter(chat_of(c) for c in ok)
    times = [c.time for c in ok]
    figures = {
        "ok_sends": len(ok),
        "chats_reached": len(per_chat),
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "blocked_403": sum(1 for c in mine if c.error_code == 403),
        "refused_429": sum(1 for c in mine if c.error_code == 429),
        "first_send": times[0] if times else None,
        "last_send": times[-1] if times else None,
        "rate": rate(times),
        "send_times": [round(t, 3) for t in times] if with_times else None,
    }
    if split is not None:
        figures["rate_before_split"] = rate([t for t in times if t < split])
        figures["rate_after_split"] = rate([t for t in times if t >= split])
    if window is not None:
        start, end = window
        inside = [t for t in times if start <= t <= end]
        figures["sends_in_window"] = len(inside)
        figures["rate_in_window"] = len(inside) / (end - start) if end > start else 0.0
    return figures


def refusals(calls: list[ApiCall]) -> dict:
    """Refused calls by code and what they were, split into the broadcast's and everything else (answers)."""
    refused = [c for c in calls if not c.ok]
    answers_429 = [c for c in refused if c.error_code == 429 and chat_of(c) < FIRST_SUBSCRIBER]
    return {
        "refused": {str(k): v for k, v in Counter(c.error_code for c in refused).items()},
        "refused_detail": dict(Counter(f"{c.method} {c.error_code} {(c.description or '')[:50]}" for c in refused)),
        "refused_429": sum(1 for c in refused if c.error_code == 429),
        "refused_429_answers": len(answers_429),
        "refused_429_broadcast": sum(1 for c in refused if c.error_code == 429 and chat_of(c) >= FIRST_SUBSCRIBER),
    }


def apologies(calls: list[ApiCall]) -> dict:
    """Messages people got saying something went wrong (any language), and flood notices."""
    def count(texts: tuple[str, ...]) -> int:
        return sum(1 for c in calls if c.ok and c.method in ("sendMessage", "editMessageText")
                   and any(t in text_of(c) for t in texts))

    return {"apologies": count(APOLOGIES), "flood_notices": count(FLOOD_NOTICES)}


def message_calls(calls: list[ApiCall], start: float, end: float) -> dict:
    """Counted (flood-limited) calls accepted between two moments, and the busiest second."""
    counted = [c.time for c in calls if c.ok and is_counted(c.method) and start <= c.time <= end]
    busiest, j = 0, 0
    for i, t in enumerate(counted):
        while counted[j] <= t - 1.0:
            j += 1
        busiest = max(busiest, i - j + 1)
    return {"messages": len(counted), "busiest_second": busiest}
