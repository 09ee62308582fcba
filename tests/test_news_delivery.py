"""The outbox worker: Telegram's 429 honoured, a restart mid-broadcast, the command line."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json

from bot.__main__ import main
from tests.news_helpers import announcements, broadcast_status, seed_subscribers, wait_until

MESSAGE_METHODS = {"sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup", "editMessageCaption"}


async def cli(monkeypatch, db_path, *argv: str) -> tuple[int, str]:
    """Run `python -m bot ...` against the test's database; return (status, stdout)."""
    monkeypatch.setenv("DATABASE_PATH", str(db_path))
    out = io.StringIO()

    def run() -> int:
        with contextlib.redirect_stdout(out):
            return main(list(argv))

    status = await asyncio.to_thread(run)
    return status, out.getvalue()


def delivered(emulator, ids, needle):
    return {i: len(announcements(emulator.user(i), needle)) for i in ids}


async def test_command_line_queues_and_reports_a_broadcast(running_bot, emulator, db_path, monkeypatch):
    await seed_subscribers(db_path, emulator, [501, 502], language="en")
    await seed_subscribers(db_path, emulator, [503], language="ru")
    async with running_bot():
        status, out = await cli(monkeypatch, db_path, "news", "send", "--text", "Office closed <b>today</b>", "--lang", "en")
        assert status == 0
        broadcast_id = int(out.strip())
        await wait_until(lambda: all(delivered(emulator, [501, 502], "Office closed").values()))
        await wait_until(lambda: broadcast_status_is(db_path, broadcast_id, "done"))
        status, out = await cli(monkeypatch, db_path, "news", "status", str(broadcast_id))
    report = json.loads(out)
    assert report["status"] == "done" and report["total"] == 2
    assert report["deliveries"] == {"pending": 0, "sent": 2, "failed": 0, "blocked": 0, "expired": 0}
    assert delivered(emulator, [503], "Office closed") == {503: 0}  # Russian readers were not in the audience


async def test_command_line_refuses_broken_html_and_changes_nothing(emulator, db_path, monkeypatch, capsys):
    status, _ = await cli(monkeypatch, db_path, "news", "send", "--text", "1 < 2 & <b>bold")
    assert status == 2
    assert "--plain" in capsys.readouterr().err
    status, _ = await cli(monkeypatch, db_path, "news", "status")
    assert status == 1


async def broadcast_status_is(db_path, broadcast_id, expected) -> bool:
    from storage.db import Database

    db = await Database.open(db_path)
    try:
        row = await db.fetchone("SELECT status FROM broadcasts WHERE id = ?", (broadcast_id,))
        return row is not None and row["status"] == expected
    finally:
        await db.close()


async def test_retry_after_is_honoured_and_nothing_is_sent_meanwhile(running_bot, emulator, db_path, monkeypatch):
    ids = list(range(511, 523))
    await seed_subscribers(db_path, emulator, ids)
    async with running_bot(broadcast_rate=20.0):
        emulator.set_rate_limit(4, retry_after=2)
        await cli(monkeypatch, db_path, "news", "send", "--text", "Flood test")
        await wait_until(lambda: all(delivered(emulator, ids, "Flood test").values()), timeout=30)
    assert delivered(emulator, ids, "Flood test") == dict.fromkeys(ids, 1)
    calls = [c for c in emulator.calls if c.method in MESSAGE_METHODS]
    floods = [c for c in calls if c.error_code == 429]
    assert floods, "the emulator's flood limit was never reached"
    # After each 429 nothing reached Telegram while it said to wait (2 s), apart from requests
    # that were already on the wire when the 429 came back.
    for flood in floods:
        during = [c for c in calls if flood.time + 0.1 < c.time < flood.time + 2 - 0.05]
        assert during == []
    assert len(floods) < len(ids)


async def test_a_restart_mid_broadcast_delivers_the_rest_once(running_bot, emulator, db_path, read_db, monkeypatch):
    ids = list(range(600, 640))
    await seed_subscribers(db_path, emulator, ids)
    async with running_bot(broadcast_rate=10.0):
        await cli(monkeypatch, db_path, "news", "send", "--text", "Restart test")
        await wait_until(lambda: sum(delivered(emulator, ids, "Restart test").values()) >= 10)
    first_part = sum(delivered(emulator, ids, "Restart test").values())
    assert first_part < len(ids)
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'"))["n"] == first_part
    async with running_bot(broadcast_rate=10.0):
        await wait_until(lambda: all(delivered(emulator, ids, "Restart test").values()), timeout=30)
        await wait_until(lambda: broadcast_status_is(db_path, 1, "done"))
    # A clean stop lets the messages in flight finish and be written: nobody gets it twice.
    assert delivered(emulator, ids, "Restart test") == dict.fromkeys(ids, 1)
    assert await broadcast_status(read_db, 1) == "done"


async def test_people_chatting_are_answered_during_a_broadcast(running_bot, emulator, db_path, monkeypatch):
    ids = list(range(700, 760))
    await seed_subscribers(db_path, emulator, ids)
    async with running_bot(broadcast_rate=20.0):
        emulator.set_rate_limit(25, retry_after=1)
        await cli(monkeypatch, db_path, "news", "send", "--text", "Busy broadcast")
        await wait_until(lambda: sum(delivered(emulator, ids, "Busy broadcast").values()) >= 5)
        asker = emulator.user(770, language_code="en")
        (answer,) = await asker.send("/help")
        assert answer.plain
        await wait_until(lambda: all(delivered(emulator, ids, "Busy broadcast").values()), timeout=30)
    assert not any(c.error_code == 429 for c in emulator.calls)


async def test_someone_who_blocks_the_bot_during_a_broadcast_is_counted_and_marked_blocked(running_bot, emulator, db_path, read_db, monkeypatch):
    ids = list(range(800, 812))
    await seed_subscribers(db_path, emulator, ids)
    async with running_bot(broadcast_rate=5.0):
        await cli(monkeypatch, db_path, "news", "send", "--text", "Mid-broadcast block")
        await wait_until(lambda: sum(delivered(emulator, ids, "Mid-broadcast").values()) >= 2)
        await emulator.user(ids[-1]).block()
        await wait_until(lambda: broadcast_status_is(db_path, 1, "done"), timeout=30)
    tried = [c for c in emulator.calls if c.method == "sendMessage" and c.params.get("chat_id") in (ids[-1], str(ids[-1]))]
    assert len(tried) <= 1  # one refused try at most: never retried
    db = await read_db()
    assert (await db.fetchone("SELECT blocked FROM users WHERE id = ?", (ids[-1],)))["blocked"] == 1
    row = await db.fetchone("SELECT status FROM deliveries WHERE user_id = ?", (ids[-1],))
    assert row["status"] == "blocked"
    assert sum(delivered(emulator, ids, "Mid-broadcast").values()) == len(ids) - 1
