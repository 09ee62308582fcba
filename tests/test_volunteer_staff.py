"""Staff side: the posted card, status buttons reaching the applicant, lists, CSV and Excel exports, refusals."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
from datetime import date

from openpyxl import load_workbook

from tests.conftest import STAFF_ID
from tests.volunteer_helpers import labels, submit

STAFF_CHAT = -1001


async def test_staff_chat_buttons_set_the_status_and_the_applicant_is_told_in_their_language(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en"):
        applicant = await submit(emulator, 601, "ru", name="Иван Петров")
        card = await group_card(group)
        assert "Иван Петров" in card.plain and "+77011234567" in card.plain
        await staff.press("📞", chat=group)
        told = await applicant.wait_for(lambda m: "связываются с вами" in m.plain)
        assert "№ 1" in told.plain
        await staff.press("✅", chat=group)
        accepted = await applicant.wait_for(lambda m: "принята" in m.plain)
        assert "№ 1" in accepted.plain
        card = group.last
        assert card.edited and "Accepted" in card.plain and f"staff {STAFF_ID}" in card.plain
        await staff.press("✅", chat=group)  # the same status again changes nothing
        assert staff.callback_answers[-1]["text"].startswith("It is already")
    db = await read_db()
    events = await db.fetchall("SELECT status, actor, actor_id, at FROM application_events ORDER BY id")
    assert [(e["status"], e["actor"], e["actor_id"]) for e in events] == [
        ("submitted", "applicant", 601), ("contacted", "staff", STAFF_ID), ("accepted", "staff", STAFF_ID)]
    row = await db.fetchone("SELECT status FROM applications WHERE id = 1")
    assert row["status"] == "accepted"


async def group_card(group):
    """The card posted in the staff group (delivered through the outbox right after Submit)."""
    for _ in range(200):
        if group.messages:
            return group.messages[-1]
        await asyncio.sleep(0.01)
    raise AssertionError("no card in the staff group")


async def test_cards_come_in_each_staff_members_language_and_in_almaty_time(running_bot, emulator):
    russian = emulator.user(STAFF_ID, "Staff")
    russian.language_code = "ru"
    async with running_bot():
        await russian.send("/start")
        await submit(emulator, 608, "en", name="Aliya Bekova")
        card = await russian.wait_for(lambda m: "Aliya Bekova" in m.plain)
        assert "Заявка волонтёра № 1" in card.plain and "UTC" not in card.plain
        assert labels(card)[0].startswith("📞") and "Contacted" not in labels(card)[0]


async def test_applications_lists_by_status_in_the_staff_language(running_bot, emulator):
    staff = emulator.user(STAFF_ID, "Staff")
    staff.language_code = "ru"
    async with running_bot():
        await staff.send("/start")
        await submit(emulator, 602, name="Aliya Bekova")
        await submit(emulator, 603, name="Timur Ospanov")
        aliya = await staff.wait_for(lambda m: "Aliya Bekova" in m.plain)
        await staff.wait_for(lambda m: "Timur Ospanov" in m.plain)
        await staff.press("✅", message=aliya)
        (listing,) = await staff.send("/applications новые")  # a status in Russian, as staff type it
        assert "Timur Ospanov" in listing.plain and "Aliya Bekova" not in listing.plain
        accepted_button = next(label for label in labels(listing) if label.endswith("(1)") and "✅" in label)
        (accepted,) = await staff.press(accepted_button)
        assert "Aliya Bekova" in accepted.plain and "Timur Ospanov" not in accepted.plain
        assert await staff.press(accepted_button) == []  # the filter already shown: a quiet no-op, no error
        (bad,) = await staff.send("/applications всё подряд")
        assert bad.plain.startswith("Неизвестный статус")
    refused = [c for c in emulator.refused if c.method != "setMyCommands" and "not modified" not in c.description]
    assert refused == []
    assert not any("пошло не так" in m.plain for m in staff.messages)  # no apology, no error notice


async def test_export_sends_a_csv_and_a_real_excel_file(running_bot, emulator):
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot():
        await staff.send("/start")
        await submit(emulator, 604, name="Айгерим Нұрланқызы", experience="=1+1 <b>not bold</b>")
        await submit(emulator, 605, name="Timur Ospanov")
        timur = await staff.wait_for(lambda m: "Timur Ospanov" in m.plain)
        await staff.press("❌", message=timur)
        (document,) = await staff.send("/export")
        assert document.kind == "document" and document.filename.endswith(".csv")
        assert document.document.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(document.document.decode("utf-8-sig"))))
        assert {r["Name"] for r in rows} == {"Айгерим Нұрланқызы", "Timur Ospanov"}
        aigerim = next(r for r in rows if r["Name"] == "Айгерим Нұрланқызы")
        assert aigerim["Experience"] == "'=1+1 <b>not bold</b>"
        assert (aigerim["Phone"], aigerim["Date of birth"]) == ("+77011234567", "25.04.2001")
        assert aigerim["Region"] == "Astana (city)" and aigerim["Areas"] == "🩹 First aid"
        (xlsx,) = await staff.send("/export xlsx")
        assert xlsx.filename.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.document)).active
        header = [cell.value for cell in sheet[1]]
        assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
        values = {header[i]: cell.value for row in sheet.iter_rows(min_row=2) for i, cell in enumerate(row)
                  if row[header.index("Name")].value == "Айгерим Нұрланқызы"}
        assert values["Date of birth"].date() == date(2001, 4, 25)  # a real date, not text
        assert values["Experience"] == "=1+1 <b>not bold</b>"  # kept as text, never run as a formula
        assert values["Region"] == "Astana (city)"
        (declined,) = await staff.send("/export declined")
        assert [r["Name"] for r in csv.DictReader(io.StringIO(declined.document.decode("utf-8-sig")))] == ["Timur Ospanov"]
        (none,) = await staff.send("/export submitted 2020-01-01 2020-12-31")
        assert none.plain == "No applications match."
        (usage,) = await staff.send("/export 2026-13-01")
        assert "is not a date" in usage.plain and "Usage: /export" in usage.plain
        (usage,) = await staff.send("/export <b>")  # the staff member's own word is escaped, not taken for HTML
        assert "«<b>» is not a date" in usage.plain


async def test_export_from_the_command_line(running_bot, emulator, db_path, tmp_path):
    async with running_bot():
        await submit(emulator, 606, name="Айгерим Нұрланқызы")
    env = {**os.environ, "DATABASE_PATH": str(db_path)}

    async def run(*args):
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "applications", "export", *args,
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        return process.returncode, out, err.decode()

    target = tmp_path / "out" / "applications.csv"
    code, _, err = await run("--status", "submitted", "--delimiter", ";", "--lang", "ru", "-o", str(target))
    assert code == 0, err
    text = target.read_bytes().decode("utf-8-sig")
    assert text.startswith("№;Статус") and "Айгерим Нұрланқызы" in text and "1 application(s)" in err
    code, _, err = await run("--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    assert code == 0 and load_workbook(tmp_path / "a.xlsx").active.max_row == 2
    code, _, err = await run("--since", "2026-13-01")
    assert code == 2 and "is not a date" in err and "Traceback" not in err
    env["DATABASE_PATH"] = str(tmp_path / "empty.sqlite3")
    code, _, err = await run()
    assert code == 0 and "empty.sqlite3 has no applications" in err  # says which database was read


async def test_non_staff_are_refused_every_staff_command_and_button(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    outsider = emulator.user(699, "Curious", language_code="en")
    group.add(outsider)
    async with running_bot(staff_chat_id=STAFF_CHAT):
        await submit(emulator, 607)
        card = await group_card(group)
        for command in ("/applications", "/export", "/export submitted", "/applications accepted"):
            (reply,) = await outsider.send(command)
            assert reply.plain == "This command is for the Society's staff only."
        for data in card.button_data[0]:
            await outsider.press_data(data, message=card, chat=group)
            assert outsider.callback_answers[-1]["text"] == "This command is for the Society's staff only."
        for forged in ("vapp:accepted:1", "vlist:accepted", "bc:1:stop", "annd:send", "teach:1:none"):
            await outsider.forge_press(forged, message=card, chat=group)
            assert outsider.callback_answers[-1]["text"] == "This command is for the Society's staff only."
        await staff.send("/applications", chat=group)
        await outsider.press("Accepted", chat=group)
        assert outsider.callback_answers[-1]["text"] == "This command is for the Society's staff only."
    db = await read_db()
    assert (await db.fetchone("SELECT status FROM applications"))["status"] == "submitted"
    assert [e["status"] for e in await db.fetchall("SELECT status FROM application_events")] == ["submitted"]
    assert not any("Declined" in m.plain or "Accepted" in m.plain for m in emulator.chat_messages(607))


async def test_the_bot_says_nothing_in_a_group_unless_staff_ask(running_bot, emulator):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT):
        (answer,) = await staff.send("/applications", chat=group)
        assert "applications" in answer.plain.lower()
        assert await staff.send("what is the red crescent", chat=group, expect_reply=False) == []
        assert await staff.send("/stats@other_bot", chat=group, expect_reply=False) == []
