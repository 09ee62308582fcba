"""Nothing lost, nothing forged: restarts, double taps, two devices, forged and malformed buttons, kill -9, crowds."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot import callbacks
from tests.conftest import STAFF_ID
from tests.volunteer_helpers import LABELS, fill_until_summary, labels, refused, start_to_name, submit

PROJECT = Path(__file__).resolve().parent.parent


async def test_a_restart_in_the_middle_resumes_at_the_next_unanswered_question(running_bot, emulator, read_db):
    user = emulator.user(401, "Aigerim", language_code="en")
    async with running_bot():
        await start_to_name(user)
        await user.send("Aigerim Nurlanovna")
        await user.send("25.04.2001")
    async with running_bot():  # a new Application on the same file, as after a crash or a deploy
        (resumed,) = await user.send("/volunteer")
        assert "continue your application" in resumed.plain
        assert "phone number" in resumed.plain and "Question 4 of" in resumed.plain
        _, region = await user.send("+7 701 123 45 67")
        assert "region or city" in region.plain
    async with running_bot():
        replies = await user.press("Astana")  # the buttons sent before the restart still work
        assert "areas" in replies[-1].plain
        await user.press("First aid")
    async with running_bot():
        replies = await user.press("✅ Done")  # the tick survived the restart
        assert "languages" in replies[-1].plain
    row = await (await read_db()).fetchone("SELECT * FROM applications WHERE user_id = 401")
    assert (row["full_name"], row["birth_date"], row["phone"], row["region"], row["interests"]) == (
        "Aigerim Nurlanovna", "2001-04-25", "+77011234567", "astana", "first_aid")
    assert row["step"] == "languages"


async def test_double_submit_creates_one_application_and_one_staff_card(bot, emulator, read_db):
    staff = emulator.user(STAFF_ID, "Staff")
    await staff.send("/start")
    user = emulator.user(402, language_code="en")
    summary = await fill_until_summary(user)
    await asyncio.gather(user.press("Submit", message=summary, expect_reply=False),
                         user.forge_press(summary.button_data[-2][0], message=summary, expect_reply=False))
    await emulator.wait_until_idle()
    assert len([m for m in user.messages if "has been sent to the Society's staff" in m.plain]) == 1
    db = await read_db()
    assert [r["status"] for r in await db.fetchall("SELECT status FROM applications WHERE user_id = 402")] == ["submitted"]
    assert len([m for m in staff.messages if "No. 1" in m.plain]) == 1
    assert [e["status"] for e in await db.fetchall("SELECT status FROM application_events")] == ["submitted"]


async def test_edit_on_one_device_and_submit_on_another_cannot_send_a_draft(bot, emulator, read_db):
    user = emulator.user(404, language_code="en")
    summary = await fill_until_summary(user)
    submit_data = next(d for row in summary.button_data for d in row if d and d.endswith(":submit"))
    await user.press("✏️ Phone", message=summary)  # the first device starts an edit
    await user.forge_press(submit_data, message=summary)  # the second device still shows the old summary
    assert user.callback_answers[-1]["text"].startswith("This button is out of date")
    assert "phone number" in user.last.plain  # the current step is shown
    assert not any("has been sent" in m.plain for m in user.messages)  # never told it was sent
    row = await (await read_db()).fetchone("SELECT status, step FROM applications WHERE user_id = 404")
    assert (row["status"], row["step"]) == ("draft", "phone")


async def test_an_open_application_is_shown_instead_of_a_new_form(bot, emulator, read_db):
    user = await submit(emulator, 403)
    (shown,) = await user.send("/volunteer")
    assert "You already have an application (No. 1)" in shown.plain
    assert "Sent, waiting for review" in shown.plain and "Aigerim Nurlanovna" in shown.plain
    assert labels(shown) == ["✏️ Change answers", "↩️ Withdraw"]
    assert (await (await read_db()).fetchone("SELECT COUNT(*) AS n FROM applications"))["n"] == 1


def _form_data(app_id: int, rev: int, action: str, value: str = "") -> str:
    return ":".join(str(p) for p in (callbacks.VOLUNTEER, app_id, rev, action, *([value] if value else [])))


async def _state(read_db, user_id):
    row = await (await read_db()).fetchone("SELECT * FROM applications WHERE user_id = ?", (user_id,))
    return None if row is None else {key: row[key] for key in row.keys() if key not in ("updated_at",)}


async def test_forged_buttons_cannot_skip_a_step_and_submit_rechecks_everything(bot, emulator, read_db):
    """The attacks the reviewer found, each tried at the moment it would have worked: none changes anything."""
    staff = emulator.user(STAFF_ID, "Staff")
    user = emulator.user(405, language_code="en")
    tried = 0
    (consent,) = await user.send("/volunteer")
    app = await _state(read_db, 405)
    forged = [("skip", ""), ("skip", "consent_at"), ("guardian", "yes"), ("pick", "almaty_city"), ("tick", "first_aid"),
              ("done", ""), ("submit", ""), ("edit", "full_name"), ("consent", "maybe"), ("cancel_yes", "x")]
    for action, value in forged:  # on the consent question
        await user.forge_press(_form_data(app["id"], app["revision"], action, value), message=consent)
        tried += 1
    assert await _state(read_db, 405) == app
    replies = await user.press("✅ I agree", message=consent)
    app = await _state(read_db, 405)
    for action, value in forged + [("consent", "yes"), ("consent", "no")]:  # on the name question
        await user.forge_press(_form_data(app["id"], app["revision"], action, value), message=replies[-1])
        tried += 1
    for step in ("full_name", "birth_date", "phone", "region", "interests", "languages", "availability", "experience"):
        await user.forge_press(_form_data(app["id"], app["revision"], "skip", step), message=replies[-1])
        tried += 1
    assert await _state(read_db, 405) == app and app["full_name"] is None and app["step"] == "full_name"
    for old_revision in range(app["revision"]):  # a button from an older message, with an action that fits now
        await user.forge_press(_form_data(app["id"], old_revision, "back"), message=replies[-1])
        tried += 1
    assert await _state(read_db, 405) == app
    assert not any("No. 1" in m.plain for m in staff.messages)  # staff received nothing
    assert tried >= 30
    assert bot.bot_data.services.errors == 0


async def test_submit_refuses_an_application_whose_stored_answers_are_no_longer_valid(bot, emulator, read_db):
    user = emulator.user(406, language_code="en")
    summary = await fill_until_summary(user)
    db = await read_db()
    await db.execute("UPDATE applications SET consent_version = '0' WHERE user_id = 406")  # the consent text changed
    replies = await user.press("📨 Submit", message=summary)
    assert "Consent" in replies[-1].plain and "needs checking before the application can be sent" in replies[-1].plain
    assert (await db.fetchone("SELECT status FROM applications WHERE user_id = 406"))["status"] == "draft"


MALFORMED_SUFFIXES = ["", ":", "::", ":x", ":-1", ":1:2:3:4:5:6", ":" + "9" * 40, ":%00", ":1:x:pick", ":ent:"]


@pytest.mark.parametrize("prefix", sorted(callbacks.SHAPES))
async def test_malformed_buttons_of_every_kind_are_answered_quietly_and_change_nothing(bot, emulator, read_db, prefix):
    user = emulator.user(407, language_code="en")
    await start_to_name(user)
    before = await _state(read_db, 407)
    for suffix in MALFORMED_SUFFIXES:
        data = (prefix + suffix)[:64]
        await user.forge_press(data, message=user.last)
        answer = user.callback_answers[-1]
        assert answer.get("text", "").startswith("This button is out of date") or answer.get("show_alert"), (data, answer)
    assert await _state(read_db, 407) == before
    assert bot.bot_data.services.errors == 0  # not one reached the error handler
    assert not any("went wrong" in m.plain for m in user.messages)


async def test_twenty_applicants_at_once_keep_their_own_answers(bot, emulator, read_db):
    emulator.user(STAFF_ID, "Staff")
    people = [(500 + i, f"Person{chr(65 + i)} Applicant{chr(65 + i)}", f"+7701000{i:04d}") for i in range(20)]

    async def apply(user_id, name, phone):
        lang = ("en", "ru", "kk")[user_id % 3]
        user = emulator.user(user_id, language_code=lang)
        await fill_until_summary(user, lang, name=name, phone=phone, experience=f"story of {name}")
        await user.press(LABELS[lang]["submit"])

    await asyncio.gather(*(apply(*p) for p in people))
    rows = await (await read_db()).fetchall("SELECT user_id, full_name, phone, experience, status FROM applications")
    by_user = {r["user_id"]: r for r in rows}
    assert len(rows) == 20
    for user_id, name, phone in people:
        row = by_user[user_id]
        assert (row["full_name"], row["phone"], row["experience"], row["status"]) == (
            name, phone, f"story of {name}", "submitted")
    assert refused(emulator) == []


# --- kill -9 at the moments that matter (the bot kills itself there: BOT_CRASH_AT) -----------------------

def _bot_env(emulator, db_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH", "BOT_CRASH_AT")}
    env.update(PYTHONPATH=str(PROJECT), BOT_TOKEN=emulator.token, BOT_API_BASE_URL=emulator.base_url,
               DATABASE_PATH=str(db_path), ADMIN_IDS=str(STAFF_ID), DEFAULT_LANGUAGE="en", **extra)
    return env


SEPARATE_PROCESS_SETTLE = 1.0  # seconds


@asynccontextmanager
async def bot_process(emulator, db_path, **extra):
    """`python -m bot run` as a separate process talking to the emulator (its log in bot.log beside the database)."""
    log_path = db_path.parent / "bot.log"
    # A bot in another process cannot tell the emulator it has handled an update, so a wait ends after a
    # quiet spell: long enough here that a loaded machine's pause between answering a button and editing
    # its message (a database write between them) is not taken for the end of the reply.
    settle, emulator.settle = emulator.settle, SEPARATE_PROCESS_SETTLE
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=db_path.parent, env=_bot_env(emulator, db_path, **extra),
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        emulator.settle = settle
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise AssertionError(f"the bot did not stop within 30 s of SIGTERM; its log:\n{log_path.read_text()[-6000:]}") from None


async def test_a_kill_at_submit_still_gives_exactly_one_staff_card_and_one_thanks(emulator, tmp_path):
    db_path, staff = tmp_path / "bot.sqlite3", emulator.user(STAFF_ID, "Staff", language_code="en")
    user = emulator.user(408, language_code="en")
    async with bot_process(emulator, db_path, BOT_CRASH_AT="after_submit") as process:
        await staff.send("/start")
        summary = await fill_until_summary(user)
        await user.press("📨 Submit", message=summary, expect_reply=False)
        assert await asyncio.wait_for(process.wait(), timeout=20) == -signal.SIGKILL
    assert not any("has been sent" in m.plain for m in user.messages)  # the kill came before any message
    async with bot_process(emulator, db_path):
        await staff.wait_for(lambda m: "Volunteer application No. 1" in m.plain, timeout=20)
        await user.wait_for(lambda m: "has been sent to the Society's staff" in m.plain, timeout=20)
        await user.send("/myapplication")  # the bot is idle again: anything owed has gone out
    assert len([m for m in staff.messages if "Volunteer application No. 1" in m.plain]) == 1
    assert len([m for m in user.messages if "has been sent to the Society's staff" in m.plain]) == 1


async def test_a_kill_at_erasure_still_replaces_every_staff_post(emulator, tmp_path):
    db_path, staff = tmp_path / "bot.sqlite3", emulator.user(STAFF_ID, "Staff", language_code="en")
    user = emulator.user(409, language_code="en")
    async with bot_process(emulator, db_path):
        await staff.send("/start")
        await submit(emulator, 409, name="Erasable Person")
        await staff.wait_for(lambda m: "Erasable Person" in m.plain, timeout=20)
    async with bot_process(emulator, db_path, BOT_CRASH_AT="after_erase") as process:
        await user.send("/forget_me")
        await user.press("Yes, delete everything", expect_reply=False)
        assert await asyncio.wait_for(process.wait(), timeout=20) == -signal.SIGKILL
    async with bot_process(emulator, db_path):
        await staff.wait_for(lambda m: "erased at the applicant's request" in m.plain, timeout=20)
        await staff.send("/help")
    assert not any("Erasable Person" in m.plain for m in staff.messages)  # the card itself was replaced
