"""Emergency alerts: first in line, loud, by region, valid until, Telegram's paid broadcast; a clean stop sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.conftest import STAFF_ID
from tests.news_helpers import announcements, broadcast_status, seed_subscribers, wait_until
from tests.test_news_delivery import cli, delivered

NEWSLETTER = list(range(1100, 1160))
ALERTED = list(range(1200, 1210))


def sends_to(emulator, user_id, needle):
    return [c for c in emulator.calls if c.method == "sendMessage" and c.ok and c.params.get("chat_id") in (user_id, str(user_id))
            and needle in c.params.get("text", "")]


async def test_an_alert_queued_during_a_newsletter_is_delivered_first_then_the_newsletter_completes(
        running_bot, emulator, db_path, read_db, monkeypatch):
    await seed_subscribers(db_path, emulator, NEWSLETTER, topic="news")
    await seed_subscribers(db_path, emulator, ALERTED, topic="alerts")
    async with running_bot(broadcast_rate=20.0):
        await cli(monkeypatch, db_path, "news", "send", "--text", "Monthly newsletter")
        await wait_until(lambda: sum(delivered(emulator, NEWSLETTER, "Monthly newsletter").values()) >= 10)
        await cli(monkeypatch, db_path, "news", "send", "--topic", "alerts", "--text", "Flood warning in Akmola")
        await wait_until(lambda: all(delivered(emulator, ALERTED, "Flood warning").values()), timeout=30)
        # When the last alert went out, the newsletter had not gone on meanwhile (it waited between two sends).
        last_alert = max(c.time for i in ALERTED for c in sends_to(emulator, i, "Flood warning"))
        first_alert = min(c.time for i in ALERTED for c in sends_to(emulator, i, "Flood warning"))
        during = [c for i in NEWSLETTER for c in sends_to(emulator, i, "Monthly newsletter") if first_alert < c.time < last_alert]
        assert len(during) <= 8  # at most the newsletter's sends already in flight when the alert came
        await wait_until(lambda: all(delivered(emulator, NEWSLETTER, "Monthly newsletter").values()), timeout=60)
        await wait_until(lambda: broadcast_status_is(read_db, 1, "done"), timeout=30)
    assert delivered(emulator, NEWSLETTER, "Monthly newsletter") == dict.fromkeys(NEWSLETTER, 1)  # nothing lost or doubled
    assert delivered(emulator, ALERTED, "Flood warning") == dict.fromkeys(ALERTED, 1)


async def broadcast_status_is(read_db, broadcast_id, expected):
    return await broadcast_status(read_db, broadcast_id) == expected


async def test_news_goes_quietly_and_alerts_ring_with_112_and_get_help(running_bot, emulator, db_path, monkeypatch):
    await seed_subscribers(db_path, emulator, [1301], topic="news")
    await seed_subscribers(db_path, emulator, [1302], topic="alerts")
    async with running_bot():
        await cli(monkeypatch, db_path, "news", "send", "--text", "Quiet news")
        await cli(monkeypatch, db_path, "news", "send", "--topic", "alerts", "--text", "Loud alert")
        await cli(monkeypatch, db_path, "news", "send", "--text", "Urgent news", "--loud")
        await wait_until(lambda: announcements(emulator.user(1302), "Loud alert") and announcements(emulator.user(1301), "Urgent news"))
    (quiet,) = sends_to(emulator, 1301, "Quiet news")
    (loud,) = sends_to(emulator, 1302, "Loud alert")
    (urgent,) = sends_to(emulator, 1301, "Urgent news")
    assert quiet.params.get("disable_notification") is True
    assert not loud.params.get("disable_notification") and not urgent.params.get("disable_notification")
    (alert,) = announcements(emulator.user(1302), "Loud alert")
    assert "112" in alert.plain.splitlines()[-1]
    assert "🆘 Get help" in [label for row in alert.buttons for label in row]


async def test_a_regional_alert_reaches_only_that_region_and_an_expired_one_is_not_sent(
        running_bot, emulator, db_path, read_db, monkeypatch):
    await seed_subscribers(db_path, emulator, [1401, 1402], topic="alerts", region="akmola")
    await seed_subscribers(db_path, emulator, [1403], topic="alerts", region="astana")
    await seed_subscribers(db_path, emulator, [1404], topic="alerts")  # no region: national alerts only
    async with running_bot():
        await cli(monkeypatch, db_path, "news", "send", "--topic", "alerts", "--region", "akmola,north_kazakhstan",
                  "--text", "River rising in Akmola")
        await wait_until(lambda: all(delivered(emulator, [1401, 1402], "River rising").values()))
        await wait_until(lambda: broadcast_status_is(read_db, 1, "done"))
    assert delivered(emulator, [1403, 1404], "River rising") == {1403: 0, 1404: 0}
    db = await read_db()
    stale = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat(timespec="seconds")
    await db.execute("INSERT INTO broadcasts (topic, status, priority, quiet, valid_until, created_at)"
                     " VALUES ('alerts', 'queued', 1, 0, ?, ?)", (stale, stale))
    await db.execute("INSERT INTO broadcast_texts (broadcast_id, lang, text) VALUES (2, 'any', 'Stale storm warning')")
    async with running_bot():
        await wait_until(lambda: broadcast_status_is(read_db, 2, "done"))
        status, out = await cli(monkeypatch, db_path, "news", "status", "2")
    assert delivered(emulator, [1401, 1402, 1403, 1404], "Stale storm") == dict.fromkeys([1401, 1402, 1403, 1404], 0)
    assert '"expired": 4' in out  # counted as expired, not sent late


async def test_a_paid_alert_carries_allow_paid_broadcast_and_goes_past_the_free_limit(
        running_bot, emulator, db_path, monkeypatch):
    ids = list(range(1500, 1560))
    await seed_subscribers(db_path, emulator, ids, topic="alerts")
    async with running_bot(paid_broadcast_rate=200.0):
        emulator.set_rate_limit(30, paid_per_second=1000)
        await cli(monkeypatch, db_path, "news", "send", "--topic", "alerts", "--paid", "--text", "Earthquake: go outside")
        await wait_until(lambda: all(delivered(emulator, ids, "Earthquake").values()), timeout=30)
    sent = [c for i in ids for c in sends_to(emulator, i, "Earthquake")]
    assert len(sent) == len(ids) and all(c.paid and c.params.get("allow_paid_broadcast") for c in sent)
    assert not any(c.error_code == 429 for c in emulator.calls)
    assert max(c.time for c in sent) - min(c.time for c in sent) < len(ids) / 30  # faster than the free limit allows


async def test_staff_confirm_a_paid_alert_seeing_how_many_messages_and_their_price(running_bot, emulator, db_path):
    await seed_subscribers(db_path, emulator, [1601, 1602, 1603], topic="alerts")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(paid_broadcast_stars=0.1):
        await staff.send("/start")
        await staff.send("/announce")
        await staff.send("Mudflow risk: stay away from the river")
        await staff.press("Next: who gets it")
        await staff.press("Emergency alerts")
        (audience,) = await staff.press("Fast delivery (paid)")
        assert "fast delivery, paid" in audience.plain and "with sound" in audience.plain
        replies = await staff.press("Preview")
        # The confirmation forged straight after the preview, before the price was shown, sends nothing.
        await staff.forge_press("annd:send:paid", message=replies[-1], expect_reply=False)
        assert staff.callback_answers[-1]["text"] == "This button is out of date. Please use the newest message."
        assert sends_to(emulator, 1601, "Mudflow") == []
        (confirm,) = await staff.press("Send now", message=replies[-1])
        assert "Messages: 3" in confirm.plain and "0.3 Stars" in confirm.plain
        await staff.press("Yes, send with fast delivery", message=confirm)
        await emulator.user(1603).wait_for(lambda m: "Mudflow" in m.plain)
    assert all(c.paid for i in (1601, 1602, 1603) for c in sends_to(emulator, i, "Mudflow"))


async def test_a_clean_stop_mid_broadcast_then_a_restart_sends_nothing_twice(running_bot, emulator, db_path, read_db, monkeypatch):
    ids = list(range(1700, 1760))
    await seed_subscribers(db_path, emulator, ids)
    emulator.answer_delay = 0.3  # every send stays in flight a while: the stop comes while several are
    async with running_bot(broadcast_rate=20.0):
        await cli(monkeypatch, db_path, "news", "send", "--text", "Stop test")
        await wait_until(lambda: sum(delivered(emulator, ids, "Stop test").values()) >= 15)
    first_part = sum(delivered(emulator, ids, "Stop test").values())
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'"))["n"] == first_part
    emulator.answer_delay = 0.0
    async with running_bot(broadcast_rate=20.0):
        await wait_until(lambda: broadcast_status_is(read_db, 1, "done"), timeout=30)
    assert delivered(emulator, ids, "Stop test") == dict.fromkeys(ids, 1)
