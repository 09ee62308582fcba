"""The small pure parts of news: reading a time to schedule, the progress text, the send budget."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import pytest

from bot.news.progress import Figures, bar, duration
from bot.news.throttle import SendBudget, is_counted
from bot.news.when import WhenError, parse_when

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)  # 17:00 in Almaty (UTC+5)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("25.11.2026 10:00", "2026-11-25T05:00:00+00:00"),
        ("2026-11-25 10:00", "2026-11-25T05:00:00+00:00"),
        ("25.11 10:00", "2026-11-25T05:00:00+00:00"),
        ("18:30", "2026-11-23T13:30:00+00:00"),  # later today
        ("09:15", "2026-11-24T04:15:00+00:00"),  # already past today: tomorrow
    ],
)
def test_schedule_times_are_read_in_almaty_time(typed, expected):
    assert parse_when(typed, NOW).isoformat() == expected


@pytest.mark.parametrize(
    "typed, problem",
    [("tomorrow", "news.announce.when_bad"), ("31.02.2027 10:00", "news.announce.when_bad"),
     ("01.01.2020 10:00", "news.announce.when_past"), ("01.01.2030 10:00", "news.announce.when_far")],
)
def test_bad_schedule_times_are_refused_with_a_reason(typed, problem):
    with pytest.raises(WhenError) as caught:
        parse_when(typed, NOW)
    assert str(caught.value) == problem


def test_progress_bar_and_durations():
    assert bar(0, 10) == "░" * 12 + " 0%"
    assert bar(5, 10) == "▓" * 6 + "░" * 6 + " 50%"
    assert duration(65) == "1:05" and duration(3725) == "1:02:05"
    assert Figures(10, 6, 1, 1, 2, 0.0, "sending").done == 8


def test_only_message_calls_count_against_the_flood_limit():
    assert is_counted("sendMessage") and is_counted("editMessageText") and is_counted("copyMessage")
    assert not is_counted("sendChatAction") and not is_counted("answerCallbackQuery") and not is_counted("getUpdates")


async def test_the_budget_paces_broadcasts_and_lets_answers_through_at_once():
    budget = SendBudget(broadcast_rate=50.0)
    started = time.monotonic()
    for _ in range(26):
        await budget.for_broadcast()
    elapsed = time.monotonic() - started
    assert elapsed > 0.4  # 50 a second: no burst beyond one message
    before = time.monotonic()
    await budget.for_answer()
    assert time.monotonic() - before < 0.05


async def test_a_retry_after_closes_the_gate_for_everyone():
    budget = SendBudget(broadcast_rate=100.0)
    budget.close_for(0.3)
    started = time.monotonic()
    await asyncio.gather(budget.for_broadcast(), budget.for_answer())
    assert time.monotonic() - started >= 0.29
