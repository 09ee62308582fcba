"""The small pure parts of news and sending: reading a time to schedule, the progress text, the send budget."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.config import PROJECT_DIR
from bot.delivery.budget import MARGIN, TELEGRAM_LIMIT, SendBudget
from bot.delivery.direct import DirectSender, api_error
from bot.delivery.outgoing import Outgoing
from bot.delivery.throttle import is_counted
from bot.news.announcements import AnnouncementService
from bot.news.progress import Figures
from bot.news.when import WhenError, parse_when
from bot.regions import load_regions
from bot.views.announce import bar, duration
from storage.broadcasts import BroadcastRepository, DeliveryResult, NewBroadcast
from storage.db import Database
from storage.subscriptions import SubscriptionRepository

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)  # 17:00 in Almaty (UTC+5)


class FakeClock:
    """Time that moves only when someone sleeps: the budget's waits are measured, not timed."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


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
    assert Figures(10, 6, 1, 1, 1, 1, 0.0, "sending").done == 9


def test_only_message_calls_count_against_the_flood_limit():
    assert is_counted("sendMessage") and is_counted("editMessageText") and is_counted("copyMessage")
    assert not is_counted("sendChatAction") and not is_counted("answerCallbackQuery") and not is_counted("getUpdates")


async def test_broadcasts_keep_their_pace_and_answers_go_through_at_once():
    clock = FakeClock()
    budget = SendBudget(broadcast_rate=20.0, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(21):
        await budget.for_broadcast()
    assert clock.now - start == pytest.approx(1.0)  # 20 a second, no burst
    before = clock.now
    await budget.for_answer()
    assert clock.now == before  # an answer does not wait behind the broadcast


async def test_the_window_stays_under_telegrams_limit_with_a_margin():
    clock = FakeClock()
    budget = SendBudget(broadcast_rate=25.0, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(TELEGRAM_LIMIT):
        await budget.for_answer()
    assert clock.now - start >= 1.0  # the 28th message of a second waits for the next second
    assert budget.limit == TELEGRAM_LIMIT - MARGIN


async def test_a_retry_after_closes_the_gate_for_everyone_and_slows_the_broadcast():
    clock = FakeClock()
    budget = SendBudget(broadcast_rate=25.0, clock=clock, sleep=clock.sleep)
    full = budget.current_broadcast_rate
    budget.close_for(3.0)
    start = clock.now
    await asyncio.gather(budget.for_broadcast(), budget.for_answer())
    assert clock.now - start >= 3.0
    assert budget.current_broadcast_rate < full  # no burst into the next 429
    clock.now += 60
    assert budget.current_broadcast_rate == pytest.approx(full)  # and it recovers


async def test_paid_broadcasts_have_their_own_faster_pace():
    clock = FakeClock()
    budget = SendBudget(broadcast_rate=25.0, paid_rate=1000.0, clock=clock, sleep=clock.sleep)
    start = clock.now
    await asyncio.gather(*(budget.for_broadcast(paid=True) for _ in range(1001)))
    assert clock.now - start == pytest.approx(1.0, abs=0.01)


async def test_a_message_stays_in_the_window_until_a_second_after_its_answer():
    clock = FakeClock()
    budget = SendBudget(broadcast_rate=25.0, clock=clock, sleep=clock.sleep)
    sendings = [await budget.for_answer() for _ in range(budget.limit)]
    clock.now += 0.5  # the requests took half a second: they may have reached Telegram just now
    for sending in sendings:
        budget.sent(sending)
    start = clock.now
    await budget.for_answer()
    assert clock.now - start == pytest.approx(1.0)  # not 0.5: a second after the answers


async def test_a_retry_after_on_a_paid_message_stops_only_paid_ones_and_the_paid_pace_keeps_a_margin():
    clock = FakeClock()
    budget = SendBudget(broadcast_rate=25.0, paid_rate=1000.0, paid_limit=1000, clock=clock, sleep=clock.sleep)
    assert budget.paid_rate == pytest.approx(900.0)
    budget.close_for(2.0, paid=True)
    start = clock.now
    await budget.for_answer()
    assert clock.now == start  # answers to people go on
    await budget.for_broadcast(paid=True)
    assert clock.now - start >= 2.0
    assert budget.current_paid_rate < 900.0  # and the paid pace slows, then recovers


def test_direct_sends_fail_with_the_exceptions_python_telegram_bot_raises():
    blocked = api_error(403, b'{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}')
    assert isinstance(blocked, Forbidden) and blocked.message == "Forbidden: bot was blocked by the user"
    missing = api_error(400, b'{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}')
    assert isinstance(missing, BadRequest) and missing.message == "Chat not found"
    flood = api_error(429, b'{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3}}')
    assert isinstance(flood, RetryAfter)
    assert isinstance(api_error(502, b"<html>bad gateway</html>"), NetworkError)


def test_a_direct_send_body_is_built_once_and_only_the_chat_changes():
    sender = DirectSender("http://127.0.0.1:1/bot123:ABC/")
    prepared = sender.prepare(Outgoing("<b>Storm</b> &amp; wind"), quiet=False, paid=True)
    assert prepared.url == "http://127.0.0.1:1/bot123:ABC/sendMessage"
    body = json.loads(prepared.body(1_000_123))
    assert body == {"chat_id": 1_000_123, "text": "<b>Storm</b> &amp; wind", "parse_mode": "HTML",
                    "disable_notification": False, "allow_paid_broadcast": True}


async def test_resend_to_failed_acts_only_on_a_finished_broadcast(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        repo, subscriptions = BroadcastRepository(db), SubscriptionRepository(db)
        service = AnnouncementService(repo, subscriptions, lambda: None, lambda: None)
        await subscriptions.set_topic(5, "news", True, "en")
        broadcast_id = await repo.create(NewBroadcast({"any": "Hello"}), "queued")
        await repo.start(broadcast_id, "en", ("queued",), "sending")
        await repo.record(broadcast_id, [DeliveryResult(5, "failed", 1, "BadRequest: chat not found")])
        await repo.transition(broadcast_id, "cancelled", ("sending",), finished=True)
        changed, broadcast = await service.control(broadcast_id, "retry")  # a stale or forged button
        assert not changed and broadcast.status == "cancelled"
        assert (await repo.counts(broadcast_id))["failed"] == 1  # nothing put back in the queue
        await db.execute("UPDATE broadcasts SET status = 'done' WHERE id = ?", (broadcast_id,))
        changed, broadcast = await service.control(broadcast_id, "retry")
        assert changed and broadcast.status == "sending" and (await repo.counts(broadcast_id))["pending"] == 1
    finally:
        await db.close()


async def test_a_valid_until_time_set_while_a_draft_was_an_alert_does_not_expire_news(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        repo, subscriptions = BroadcastRepository(db), SubscriptionRepository(db)
        regions = load_regions(PROJECT_DIR / "content")
        service = AnnouncementService(repo, subscriptions, lambda: regions, lambda: None)
        await subscriptions.set_topic(5, "news", True, "en")
        draft = (await service.take_text(await service.start(9000), "Road closed", None)).draft
        draft = (await service.change(draft, "topic", "alerts")).draft
        draft = (await service.take_valid_until(draft, "23:59")).draft
        assert draft.valid_until is not None
        draft = (await service.change(draft, "topic", "news")).draft  # staff changed their mind
        broadcast_id, problem = await service.send(draft, "en")
        assert problem is None and (await repo.get(broadcast_id)).valid_until is None
    finally:
        await db.close()
