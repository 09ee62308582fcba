"""Staff side: the posted card, status buttons reaching the applicant, lists, CSV export, refusals."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys

from tests.conftest import STAFF_ID
from tests.volunteer_helpers import LABELS, fill_until_summary, labels, press

STAFF_CHAT = -1001


async def submit(emulator, user_id, lang="en", **answers):
    user = emulator.user(user_id, language_code=lang)
    await fill_until_summary(user, lang, **answers)
    await press(user, LABELS[lang]["submit"])
    return user


async def test_staff_chat_buttons_set_the_status_and_the_applicant_is_told_in_their_language(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en"):
        applicant = await submit(emulator, 601, "ru", name="Иван Петров")
        await emulator.wait_until_idle()
        (card,) = group.messages
        assert "Иван Петров" in card.plain and "+77011234567" in card.plain
        await staff.press("📞", chat=group)
        told = await applicant.wait_for(lambda m: "связываются с вами" in m.plain)
        assert "№ 1" in told.plain
        await staff.press("✅", chat=group)
        accepted = await applicant.wait_for(lambda m: "принята" in m.plain)
        assert "№ 1" in accepted.plain
        card = group.last
        assert card.edited and "Accepted" in card.plain and f"staff {STAFF_ID}" in card.plain
        # Pressing the same status again changes nothing.
        await staff.press("✅", chat=group)
        assert staff.callback_answers[-1]["text"].startswith("It is already")
    db = await read_db()
    events = await db.fetchall("SELECT status, actor, actor_id, at FROM application_events ORDER BY id")
    assert [(e["status"], e["actor"], e["actor_id"]) for e in events] == [
        ("submitted", "applicant", 601), ("contacted", "staff", STAFF_ID), ("accepted", "staff", STAFF_ID)]
    assert all(e["at"] for e in events)
    row = await db.fetchone("SELECT status FROM applications WHERE id = 1")
    assert row["status"] == "accepted"


async def test_applications_lists_by_status(running_bot, emulator):
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot():
        await staff.send("/language")
        await staff.press("English")
        await submit(emulator, 602, name="Aliya Bekova")
        await submit(emulator, 603, name="Timur Ospanov")
        await emulator.wait_until_idle()
        await staff.press("✅", message=[m for m in staff.messages if "Aliya Bekova" in m.plain][0])
        (listing,) = await staff.send("/applications")
        assert "Timur Ospanov" in listing.plain and "Aliya Bekova" not in listing.plain
        assert "✅ Accepted (1)" in labels(listing)
        (accepted,) = await staff.press("✅ Accepted (1)")
        assert "Aliya Bekova" in accepted.plain and "Timur Ospanov" not in accepted.plain
        (bad,) = await staff.send("/applications everything")
        assert "Unknown status" in bad.plain


async def test_export_sends_a_csv_filtered_by_status_and_date(running_bot, emulator):
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot():
        await staff.send("/language")
        await staff.press("English")
        await submit(emulator, 604, name="Айгерим Нұрланқызы", experience="=1+1 <b>not bold</b>")
        await submit(emulator, 605, name="Timur Ospanov")
        await emulator.wait_until_idle()
        await staff.press("❌", message=[m for m in staff.messages if "Timur Ospanov" in m.plain][0])
        (document,) = await staff.send("/export")
        assert document.kind == "document" and document.filename.endswith(".csv")
        assert document.document.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(document.document.decode("utf-8-sig"))))
        assert {r["full_name"] for r in rows} == {"Айгерим Нұрланқызы", "Timur Ospanov"}
        aigerim = next(r for r in rows if r["full_name"] == "Айгерим Нұрланқызы")
        assert aigerim["experience"] == "'=1+1 <b>not bold</b>"
        assert (aigerim["phone"], aigerim["birth_date"], aigerim["status"]) == ("+77011234567", "2001-04-25", "submitted")
        assert aigerim["consent_version"] == "1" and aigerim["telegram_user_id"] == "604"
        (declined,) = await staff.send("/export declined")
        assert [r["full_name"] for r in csv.DictReader(io.StringIO(declined.document.decode("utf-8-sig")))] == ["Timur Ospanov"]
        (none,) = await staff.send("/export submitted 2020-01-01 2020-12-31")
        assert none.plain == "No applications match."
        (usage,) = await staff.send("/export yesterday")
        assert usage.plain.startswith("Usage: /export")


async def test_export_from_the_command_line(running_bot, emulator, db_path, tmp_path):
    emulator.user(STAFF_ID, "Staff")
    async with running_bot():
        await submit(emulator, 606, name="Айгерим Нұрланқызы")
        await emulator.wait_until_idle()
    out = tmp_path / "out" / "applications.csv"
    env = {**os.environ, "DATABASE_PATH": str(db_path)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "applications", "export", "--status", "submitted", "-o", str(out),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert "Айгерим Нұрланқызы" in data.decode("utf-8-sig")
    assert "1 application(s)" in err.decode()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "applications", "export", "--status", "accepted",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    stdout, _ = await process.communicate()
    assert stdout.decode("utf-8-sig").strip().startswith("id,status") and "Айгерим" not in stdout.decode("utf-8-sig")


async def test_non_staff_are_refused_every_staff_command_and_button(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    outsider = emulator.user(699, "Curious", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT):
        await submit(emulator, 607)
        await emulator.wait_until_idle()
        for command in ("/applications", "/export", "/export submitted", "/applications accepted"):
            (reply,) = await outsider.send(command)
            assert reply.plain == "This command is for the Society's staff only."
        card = group.last
        for label in ("📞", "✅", "❌"):
            await outsider.press(label, message=card, chat=group, expect_reply=False)
            await emulator.wait_until_idle()
            assert outsider.callback_answers[-1]["text"] == "This command is for the Society's staff only."
        await staff.send("/applications", chat=group)
        await emulator.wait_until_idle()
        await outsider.press("Accepted", chat=group, expect_reply=False)
        await emulator.wait_until_idle()
        assert outsider.callback_answers[-1]["text"] == "This command is for the Society's staff only."
    db = await read_db()
    assert (await db.fetchone("SELECT status FROM applications"))["status"] == "submitted"
    assert [e["status"] for e in await db.fetchall("SELECT status FROM application_events")] == ["submitted"]
    assert not any("Declined" in m.plain or "Accepted" in m.plain for m in emulator.chat_messages(607))
