"""Staff announce in Telegram: text → audience → preview → send now or schedule; progress; refusals."""

from __future__ import annotations

import pytest

from tests.conftest import STAFF_ID
from tests.news_helpers import announcements, broadcast_status, draft_to_preview, seed_subscribers, wait_until


@pytest.fixture
async def staff(emulator):
    """A member of staff whose Telegram app is in English."""
    person = emulator.user(STAFF_ID, language_code="en")
    return person


async def test_preview_then_send_reaches_everyone_in_their_language_with_a_report(running_bot, emulator, db_path, staff):
    await seed_subscribers(db_path, emulator, [401, 402], language="en")
    await seed_subscribers(db_path, emulator, [403], language="ru")
    async with running_bot():
        await staff.send("/announce")
        (saved,) = await staff.send("Blood drive on <b>Saturday</b>")
        assert "Saved" in saved.plain
        (ask,) = await staff.press("➕ Русский")
        assert "Русский" in ask.plain
        await staff.send("Сдача крови в субботу")
        (audience,) = await staff.press("Next: who gets it")
        assert "Recipients now: 3" in audience.plain
        replies = await staff.press("Preview")
        previews, confirm = replies[1:-1], replies[-1]
        # The previews are the announcements exactly as sent, with the subscribers' button.
        assert [p.plain for p in previews] == ["Blood drive on <b>Saturday</b>", "Сдача крови в субботу"]
        assert previews[0].buttons == [["🔕 Unsubscribe"]]
        assert "Recipients: 3" in confirm.plain
        await staff.press("Send now")
        report = await staff.wait_for(lambda m: "is sent" in m.plain, timeout=15)
        assert "Sent: 3 · failed: 0 · blocked the bot: 0 · of 3" in report.plain
    en = emulator.user(401)
    ru = emulator.user(403)
    assert [m.plain for m in announcements(en, "Saturday")] == ["Blood drive on <b>Saturday</b>"]
    assert [m.plain for m in announcements(ru, "субботу")] == ["Сдача крови в субботу"]
    assert emulator.refused == []


async def test_text_with_angle_brackets_and_ampersands_is_delivered_as_typed(running_bot, emulator, db_path, staff):
    await seed_subscribers(db_path, emulator, [411])
    async with running_bot():
        await draft_to_preview(staff, "Meeting <Hall A> at 10:00 & 5 > 3 — R&D")
        await staff.press("Send now")
        await staff.wait_for(lambda m: "is sent" in m.plain, timeout=15)
    (news,) = announcements(emulator.user(411), "Hall A")
    assert news.plain == "Meeting <Hall A> at 10:00 & 5 > 3 — R&D"
    assert emulator.refused == []


async def test_a_photo_with_a_caption_is_announced_as_a_photo(running_bot, emulator, db_path, staff):
    await seed_subscribers(db_path, emulator, [421])
    async with running_bot():
        await staff.send("/announce")
        await staff.send_photo("First aid training in Almaty")
        await staff.press("Next: who gets it")
        await staff.press("Trainings")
        await seed_subscribers(db_path, emulator, [422], topic="trainings")
        (confirm,) = (await staff.press("Preview"))[-1:]
        assert "Recipients: 1" in confirm.plain
        await staff.press("Send now")
        await staff.wait_for(lambda m: "is sent" in m.plain, timeout=15)
    assert announcements(emulator.user(421), "First aid") == []  # subscribed to news only
    (photo,) = announcements(emulator.user(422), "First aid")
    assert photo.kind == "photo"


async def test_a_blocked_user_is_marked_and_skipped_next_time(running_bot, emulator, db_path, read_db, staff):
    await seed_subscribers(db_path, emulator, [431, 432, 433])
    emulator.user(432).blocked = True  # blocked the bot; the bot was not told
    await emulator.user(433).block(wait=False)  # blocked it while the bot was off: Telegram tells it at start
    async with running_bot():
        await emulator.wait_until_idle()
        confirm = await draft_to_preview(staff, "First announcement")
        assert "Recipients: 2" in confirm.plain  # 433 is already known to have blocked the bot
        await staff.press("Send now")
        report = await staff.wait_for(lambda m: "is sent" in m.plain, timeout=15)
        assert "Sent: 1 · failed: 0 · blocked the bot: 1 · of 2" in report.plain
        db = await read_db()
        assert (await db.fetchone("SELECT blocked FROM users WHERE id = 432"))["blocked"] == 1
        confirm = await draft_to_preview(staff, "Second announcement")
        assert "Recipients: 1" in confirm.plain
        await staff.press("Send now")
        await staff.wait_for(lambda m: "#2 is sent" in m.plain, timeout=15)
        sends = [c for c in emulator.calls if c.method == "sendMessage" and c.params.get("chat_id") in (432, "432")]
        assert len(sends) == 1  # only the first announcement tried them
    # Back again: they get announcements once more.
    emulator.user(432).blocked = False
    async with running_bot():
        await emulator.user(432).send("/start")
        db = await read_db()
        assert (await db.fetchone("SELECT blocked FROM users WHERE id = 432"))["blocked"] == 0


async def test_schedule_waits_for_its_time_and_can_be_cancelled(running_bot, emulator, db_path, read_db, staff):
    await seed_subscribers(db_path, emulator, [441])
    async with running_bot():
        await draft_to_preview(staff, "Scheduled news")
        (ask,) = await staff.press("Schedule")
        assert "Almaty time" in ask.plain
        (bad,) = await staff.send("next friday")
        assert "could not read" in bad.plain
        (past,) = await staff.send("01.01.2020 10:00")
        assert "already passed" in past.plain
        (done,) = await staff.send("31.12.2099 10:00")
        assert "more than a year ahead" in done.plain
        (done,) = await staff.send("23:59")
        assert "will be sent on" in done.plain and "23:59" in done.plain
        assert await broadcast_status(read_db, 1) == "scheduled"
        await emulator.wait_until_idle(0.5)
        assert announcements(emulator.user(441), "Scheduled news") == []
        # A second one, cancelled before its time.
        await draft_to_preview(staff, "Never sent")
        await staff.press("Schedule")
        await staff.send("23:58")
        (cancelled,) = await staff.press("Cancel this announcement")
        assert "will not be sent" in cancelled.plain
        assert await broadcast_status(read_db, 2) == "cancelled"
    # The time comes while the bot is off; it sends when it starts again.
    db = await read_db()
    await db.execute("UPDATE broadcasts SET scheduled_at = '2000-01-01T00:00:00+00:00' WHERE id = 1")
    async with running_bot():
        await emulator.user(441).wait_for(lambda m: "Scheduled news" in m.plain, timeout=15)
        await staff.wait_for(lambda m: "#1 is sent" in m.plain, timeout=15)
    assert announcements(emulator.user(441), "Never sent") == []


async def test_pause_resume_and_stop_a_running_broadcast(running_bot, emulator, db_path, read_db, staff):
    ids = list(range(450, 480))
    await seed_subscribers(db_path, emulator, ids)
    async with running_bot(broadcast_rate=4.0):
        await draft_to_preview(staff, "Slow announcement")
        await staff.press("Send now")
        progress = await staff.wait_for(lambda m: "Sending announcement" in m.plain, timeout=15)
        await staff.press("Pause", message=progress)
        paused = await staff.wait_for(lambda m: "is paused" in m.plain, timeout=15)
        assert await broadcast_status(read_db, 1) == "paused"
        sent_at_pause = sum(1 for i in ids if announcements(emulator.user(i), "Slow"))
        await emulator.wait_until_idle(1.0)
        assert sum(1 for i in ids if announcements(emulator.user(i), "Slow")) == sent_at_pause
        assert sent_at_pause < len(ids)
        await staff.press("Resume", message=paused)
        running = await staff.wait_for(lambda m: "Sending announcement" in m.plain, timeout=15)
        await wait_until(lambda: sum(1 for i in ids if announcements(emulator.user(i), "Slow")) > sent_at_pause)
        await staff.press("Stop", message=running)
        report = await staff.wait_for(lambda m: "was stopped" in m.plain, timeout=15)
        assert "Not sent:" in report.plain
        assert await broadcast_status(read_db, 1) == "cancelled"
        delivered = sum(1 for i in ids if announcements(emulator.user(i), "Slow"))
        await emulator.wait_until_idle(1.0)
        assert sum(1 for i in ids if announcements(emulator.user(i), "Slow")) == delivered < len(ids)
        for i in ids:
            assert len(announcements(emulator.user(i), "Slow")) <= 1


async def test_resend_to_failed_reaches_those_it_failed_for(running_bot, emulator, db_path, staff):
    await seed_subscribers(db_path, emulator, [491])
    await seed_subscribers(db_path, emulator, [492])
    del emulator.state.chats[492]  # Telegram answers "chat not found" for them
    async with running_bot():
        await draft_to_preview(staff, "Try again")
        await staff.press("Send now")
        report = await staff.wait_for(lambda m: "is sent" in m.plain, timeout=15)
        assert "Sent: 1 · failed: 1" in report.plain
        from bot.sandbox.emulator_models import Chat

        emulator.state.chats[492] = Chat(492, "private", user_json=emulator.user(492).json)
        await staff.press("Resend to failed (1)", message=report)
        await staff.wait_for(lambda m: "Sent: 2 · failed: 0" in m.plain, timeout=15)
    assert len(announcements(emulator.user(492), "Try again")) == 1
    assert len(announcements(emulator.user(491), "Try again")) == 1


async def test_broadcasts_lists_recent_announcements_with_figures(running_bot, emulator, db_path, staff):
    await seed_subscribers(db_path, emulator, [495, 496])
    async with running_bot():
        (empty,) = await staff.send("/broadcasts")
        assert "No announcements yet" in empty.plain
        await draft_to_preview(staff, "Listed")
        await staff.press("Send now")
        await staff.wait_for(lambda m: "is sent" in m.plain, timeout=15)
        (listing,) = await staff.send("/broadcasts")
        assert "#1 📰 News · sent" in listing.plain
        assert "sent 2, failed 0, blocked 0, expired 0, waiting 0 of 2" in listing.plain


async def test_the_draft_survives_a_restart(running_bot, emulator, db_path, staff):
    await seed_subscribers(db_path, emulator, [497])
    async with running_bot():
        await staff.send("/announce")
    async with running_bot():
        (saved,) = await staff.send("Typed after a restart")
        assert "Saved" in saved.plain
        await staff.press("Next: who gets it")
        await staff.press("Preview")
        await staff.press("Send now")
        await emulator.user(497).wait_for(lambda m: "Typed after a restart" in m.plain, timeout=15)


async def test_people_who_are_not_staff_are_refused_at_every_step(running_bot, emulator, make_settings, db_path, read_db, staff):
    await seed_subscribers(db_path, emulator, [498])
    user = emulator.user(499, language_code="en")
    async with running_bot():
        (refused,) = await user.send("/announce")
        assert refused.plain == "This command is for the Society's staff only."
        (refused,) = await user.send("/broadcasts")
        assert refused.plain == "This command is for the Society's staff only."
        await draft_to_preview(staff, "Staff only")
        (start,) = await user.send("/start")
        for forged in ("annd:send", "annd:send:paid", "annd:topic:alerts", "bc:1:stop", "bc:1:retry"):
            await user.forge_press(forged, message=start)  # a forged press from someone else
            assert user.callback_answers[-1]["text"] == "This command is for the Society's staff only."
    # Staff who left: their old buttons and their typing no longer work.
    async with running_bot(admin_ids=frozenset()):
        await staff.press("Send now")
        assert staff.callback_answers[-1]["text"] == "This command is for the Society's staff only."
        await staff.send("/announce")
        assert staff.last.plain == "This command is for the Society's staff only."
    db = await read_db()
    assert await db.fetchall("SELECT id FROM broadcasts") == []  # a draft is not a broadcast
    assert announcements(emulator.user(498), "Staff only") == []


async def test_draft_buttons_act_only_in_their_step(running_bot, emulator, db_path, read_db, staff):
    await seed_subscribers(db_path, emulator, [481])
    async with running_bot():
        (asked,) = await staff.send("/announce")
        for forged in ("annd:send", "annd:schedule", "annd:preview", "annd:until"):  # before any text
            await staff.forge_press(forged, message=asked, expect_reply=False)
            assert staff.callback_answers[-1]["text"] == "Send the announcement's text first."
        (saved,) = await staff.send("Not previewed yet")
        for forged in ("annd:send", "annd:send:paid", "annd:schedule"):  # the preview was never shown
            await staff.forge_press(forged, message=saved, expect_reply=False)
            assert staff.callback_answers[-1]["text"] == "This button is out of date. Please use the newest message."
        await staff.forge_press("annd:topic:nonsense", message=saved, expect_reply=False)
        assert staff.callback_answers[-1]["text"] == "This button is out of date. Please use the newest message."
    db = await read_db()
    assert await db.fetchall("SELECT id FROM broadcasts") == []
    assert announcements(emulator.user(481), "Not previewed") == []
