"""The applicant's own controls and personal data: /myapplication, edit, withdraw, /forget_me, logs, numbers."""

from __future__ import annotations

import logging

from storage.notifications import STAFF_CARD, Notice
from tests.conftest import STAFF_ID
from tests.test_volunteer_staff import group_card
from tests.volunteer_helpers import LABELS, fill_until_summary, labels

STAFF_CHAT = -1001
NAME = "Zhanar Qwertyuiopova"
PHONE = "+77017654321"
STORY = "Unforgettable-Experience-Marker"


async def submit(emulator, user_id, lang="en"):
    user = emulator.user(user_id, language_code=lang)
    await fill_until_summary(user, lang, name=NAME, phone=PHONE, experience=STORY)
    await user.press(LABELS[lang]["submit"])
    return user


async def test_my_application_shows_it_and_allows_edits_until_staff_start(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en"):
        user = emulator.user(701, language_code="en")
        (none,) = await user.send("/myapplication")
        assert "You have no volunteer application" in none.plain
        user = await submit(emulator, 701)
        await group_card(group)
        (mine,) = await user.send("/myapplication")
        assert "Your application No. 1" in mine.plain and "Sent, waiting for review" in mine.plain and NAME in mine.plain
        (fields,) = await user.press("✏️ Change answers")
        assert "✏️ Phone" in labels(fields)
        replies = await user.press("✏️ Phone")
        assert "phone number" in replies[-1].plain
        replies = await user.send("+7 702 555 44 33")
        assert any("Staff will see the changed application" in m.plain for m in replies)
        assert "+77025554433" in replies[-1].plain and "Sent, waiting for review" in replies[-1].plain
        updated = group.last
        assert "changed by the applicant" in updated.plain and "+77025554433" in updated.plain
        await staff.press("📞", message=updated, chat=group)  # once staff have started, no more changes
        await user.wait_for(lambda m: "in contact with you" in m.plain)
        (mine,) = await user.send("/myapplication")
        assert labels(mine) == ["↩️ Withdraw"]
        await user.forge_press(fields.button_data[0][0], message=fields)  # an old "✏️ Name" button
        assert user.callback_answers[-1]["text"].startswith("Staff have already started")
    db = await read_db()
    row = await db.fetchone("SELECT phone, full_name, status FROM applications")
    assert (row["phone"], row["full_name"], row["status"]) == ("+77025554433", NAME, "contacted")


async def test_withdraw_asks_first_and_tells_staff_without_the_data(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en") as app:
        user = await submit(emulator, 702)
        card = await group_card(group)
        await user.send("/myapplication")
        (confirm,) = await user.press("↩️ Withdraw")
        assert "Withdraw application No. 1?" in confirm.plain
        (withdrawn,) = await user.press("Yes, withdraw")
        assert "Application No. 1 is withdrawn" in withdrawn.plain
        assert any("was withdrawn by the applicant" in m.plain for m in group.messages)
        assert NAME not in group.messages[0].plain and card.message_id == group.messages[0].message_id
        assert not any(NAME in m.plain or PHONE in m.plain for m in group.messages)
        replies = await user.send("/volunteer")  # a new form is possible after withdrawing
        assert "Consent" in replies[-1].plain
        # A card still waiting in the outbox (Telegram was unreachable) is not sent after the withdrawal.
        waiting_card = Notice(STAFF_CARD, STAFF_CHAT, application_id=1)
        assert await app.bot_data.services.compose_notice(waiting_card) is None
    db = await read_db()
    statuses = [r["status"] for r in await db.fetchall("SELECT status FROM applications ORDER BY id")]
    assert statuses == ["withdrawn", "draft"]


async def test_forget_me_leaves_no_personal_data_in_the_database_file(running_bot, emulator, read_db, db_path):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en"):
        user = await submit(emulator, 703)
        await group_card(group)
        # A second, unfinished draft after withdrawing the first, and a news subscription.
        await user.send("/myapplication")
        await user.press("↩️ Withdraw")
        await user.press("Yes, withdraw")
        await user.send("/volunteer")
        await user.press("I agree")
        await user.send("Second Draftname")
        await user.send("/subscribe")
        await user.press("▫️ 📰 News")
        (confirm,) = await user.send("/forget_me")
        assert "permanently deletes" in confirm.plain
        (kept,) = await user.press("No, keep")
        assert kept.plain == "Nothing was deleted."
        await user.send("/forget_me")
        (done,) = await user.press("Yes, delete everything")
        assert "has been deleted" in done.plain
        assert any("data erased at the applicant's request" in m.plain for m in group.messages)
        assert not any(NAME in m.plain or PHONE in m.plain for m in group.messages)
        assert_no_secrets(db_path)  # while the bot is still running (its connections open)
    assert_no_secrets(db_path)
    db = await read_db()
    for table, column in (("applications", "user_id"), ("subscriptions", "user_id"), ("subscribers", "user_id"),
                          ("users", "id"), ("notifications", "chat_id")):
        assert await db.fetchall(f"SELECT 1 FROM {table} WHERE {column} = 703") == [], table
    assert await db.fetchall("SELECT * FROM application_events") == []


def assert_no_secrets(db_path):
    files = [db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-journal")]
    contents = b"".join(f.read_bytes() for f in files if f.exists())
    assert len(contents) > 4096, "the database file is there"
    for secret in (NAME, PHONE, PHONE[2:], STORY, "Second Draftname"):
        assert secret.encode("utf-8") not in contents, secret


async def test_application_numbers_are_never_reused_and_an_old_card_cannot_act_on_a_new_one(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en"):
        cards = []
        for number, user_id in enumerate((711, 712, 713), 1):
            user = await submit(emulator, user_id)
            cards.append(await emulator.wait_for_message(STAFF_CHAT, 0, lambda m, n=number: f"application No. {n}" in m.plain))
            await user.send("/forget_me")
            await user.press("Yes, delete everything")
        assert await (await read_db()).fetchall("SELECT id FROM applications") == []  # all three erased
        user = await submit(emulator, 714)
        await emulator.wait_for_message(STAFF_CHAT, 0, lambda m: "application No. 4" in m.plain)
        first_card = cards[0]
        await staff.forge_press("vapp:accepted:1", message=first_card, chat=group)  # the first, erased person's card
        assert staff.callback_answers[-1]["text"] == "This application no longer exists."
    row = await (await read_db()).fetchone("SELECT id, status FROM applications WHERE user_id = 714")
    assert (row["id"], row["status"]) == (4, "submitted")  # a new number, and untouched by the old card
    assert not any("accepted" in m.plain.lower() for m in user.messages)


async def test_personal_data_never_reach_the_logs(running_bot, emulator, caplog):
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.DEBUG, logger="storage")
    caplog.set_level(logging.INFO)
    emulator.user(STAFF_ID, "Staff")
    async with running_bot():
        user = await submit(emulator, 704)
        await user.send("/forget_me")
        await user.press("Yes, delete everything")
    logged = caplog.text
    for secret in (NAME, PHONE, STORY):
        assert secret not in logged


async def test_erasing_folds_the_wal_so_no_old_copy_of_a_page_survives(tmp_path):
    from storage.applications import ApplicationRepository
    from storage.db import Database

    path = tmp_path / "erase.sqlite3"
    db = await Database.open(path)
    try:
        await db.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (9, 'now', 'now')")
        repo = ApplicationRepository(db)
        app = await repo.create(9, "en", "draft", "full_name")
        app = await repo.save(app, {"full_name": NAME}, step="phone", selection=None, statuses=("draft",))
        await repo.save(app, {"phone": PHONE, "experience": STORY}, step="region", selection=None, statuses=("draft",))
        wal = path.with_name(path.name + "-wal")
        assert NAME.encode() in path.read_bytes() + wal.read_bytes()  # the test can see a leak
        erased = await repo.erase_user(9, lambda seen, posts: [])
        assert erased.applications == 1 and erased.profile
        contents = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        for secret in (NAME, PHONE, STORY):
            assert secret.encode() not in contents
    finally:
        await db.close()


async def test_someone_elses_forged_buttons_cannot_see_change_or_withdraw_an_application(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en"):
        await submit(emulator, 721)
        await group_card(group)
        db = await read_db()
        before = dict(await db.fetchone("SELECT * FROM applications WHERE id = 1"))
        intruder = emulator.user(722, language_code="en")
        await intruder.send("/start")
        rev = before["revision"]
        for data in ("myapp:show:1", "myapp:fields:1", "myapp:withdraw:1", "myapp:withdraw_yes:1",
                     f"myapp:edit:1:{rev}:phone", f"vol:1:{rev}:submit", f"vol:1:{rev}:back", f"vol:1:{rev}:cancel"):
            await intruder.forge_press(data, message=intruder.last, expect_reply=False)
            assert intruder.callback_answers[-1].get("text", "").startswith("This button is out of date"), data
        assert dict(await db.fetchone("SELECT * FROM applications WHERE id = 1")) == before
        assert not any(NAME in m.plain or PHONE in m.plain or "No. 1" in m.plain for m in intruder.messages)
        assert not any("withdrawn" in m.plain for m in group.messages)


async def test_staff_cannot_forge_a_status_the_buttons_do_not_offer(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en"):
        user = await submit(emulator, 723)
        card = await group_card(group)
        await staff.press("📞", message=card, chat=group)
        await user.wait_for(lambda m: "in contact with you" in m.plain)
        for status in ("submitted", "withdrawn", "draft", "nonsense"):
            await staff.forge_press(f"vapp:{status}:1", message=group.last, chat=group, expect_reply=False)
            answer = staff.callback_answers[-1].get("text", "")
            assert answer.startswith("Not possible now") or answer.startswith("This button is out of date"), status
    db = await read_db()
    assert (await db.fetchone("SELECT status FROM applications WHERE id = 1"))["status"] == "contacted"
    assert [e["status"] for e in await db.fetchall("SELECT status FROM application_events ORDER BY id")] == [
        "submitted", "contacted"]


async def test_the_applicants_own_forged_edit_buttons_cannot_reopen_a_question_the_summary_does_not_offer(
        running_bot, emulator, read_db):
    async with running_bot(default_language="en"):
        user = await submit(emulator, 724)
        db = await read_db()
        before = dict(await db.fetchone("SELECT * FROM applications WHERE id = 1"))
        rev = before["revision"]
        for data in (f"myapp:edit:1:{rev}:consent_at", f"myapp:edit:1:{rev}:guardian_consent",
                     f"myapp:edit:1:{rev}:nosuch", f"myapp:edit:1:{rev - 1}:phone", f"myapp:edit:1:{rev + 1}:phone"):
            await user.forge_press(data, message=user.last, expect_reply=False)
        assert dict(await db.fetchone("SELECT * FROM applications WHERE id = 1")) == before
        assert before["step"] is None and before["status"] == "submitted"


async def test_an_applicants_own_buttons_forged_in_the_staff_group_leave_its_messages_alone(running_bot, emulator, read_db):
    group = emulator.group(STAFF_CHAT, "RCSK volunteers")
    emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot(staff_chat_id=STAFF_CHAT, default_language="en"):
        member = await submit(emulator, 725)  # a group member who applied too
        group.add(member)
        card = await group_card(group)
        rev = (await (await read_db()).fetchone("SELECT revision FROM applications WHERE id = 1"))["revision"]
        own_buttons = ("vol:new", "myapp:show:1", "myapp:fields:1", "myapp:withdraw:1", f"vol:1:{rev}:back", "forget:no",
                       "lang:ru", "menu:news", "menu:about", "news:view", "ent:henry-dunant", "fb:up:en:henry-dunant")
        for data in own_buttons:
            await member.forge_press(data, message=card, chat=group, expect_reply=False)
            assert member.callback_answers[-1].get("text", "").startswith("This button is out of date"), data
        assert [(m.message_id, m.plain, m.edited) for m in group.messages] == [(card.message_id, card.plain, False)]
    row = await (await read_db()).fetchone("SELECT status, step FROM applications WHERE id = 1")
    assert (row["status"], row["step"]) == ("submitted", None)
