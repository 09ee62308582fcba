"""Nothing lost: a restart mid-form, a double Submit, 20 applicants at once, one open application."""

from __future__ import annotations

import asyncio

from tests.conftest import STAFF_ID
from tests.volunteer_helpers import refused, LABELS, fill_until_summary, labels, press


async def test_a_restart_in_the_middle_resumes_at_the_next_unanswered_question(running_bot, emulator, read_db):
    user = emulator.user(401, "Aigerim", language_code="en")
    async with running_bot():
        await user.send("/volunteer")
        await user.press("I agree")
        await user.send("Aigerim Nurlanovna")
        await user.send("25.04.2001")
    # A new Application on the same database file, as after a crash or a deploy.
    async with running_bot():
        resumed, question = await user.send("/volunteer")
        assert "continue your application" in resumed.plain
        assert "phone number" in question.plain and "Question 4 of" in question.plain
        (saved, region) = await user.send("+7 701 123 45 67")
        assert "region or city" in region.plain
    async with running_bot():
        # Without /volunteer: the answer typed after a restart still goes to the form.
        replies = await user.press("Astana")
        assert "areas" in replies[-1].plain
        await user.press("First aid")
    async with running_bot():
        replies = await user.press("Done")  # the tick survived the restart
        assert "languages" in replies[-1].plain
    db = await read_db()
    row = await db.fetchone("SELECT * FROM applications WHERE user_id = 401")
    assert (row["full_name"], row["birth_date"], row["phone"], row["region"], row["interests"]) == (
        "Aigerim Nurlanovna", "2001-04-25", "+77011234567", "astana", "first_aid")
    assert row["step"] == "languages"


async def test_double_submit_creates_one_application_and_one_staff_post(bot, emulator, read_db):
    staff = emulator.user(STAFF_ID, "Staff")
    user = emulator.user(402, language_code="en")
    summary = await fill_until_summary(user)
    # Two taps before the first is answered, then a third on the old summary.
    first, second = await asyncio.gather(
        user.press("Submit", message=summary), user.press("Submit", message=summary)
    )
    await emulator.wait_until_idle()
    thanks = [m for m in user.messages if "has been sent to the Society's staff" in m.plain]
    assert len(thanks) == 1
    db = await read_db()
    rows = await db.fetchall("SELECT id, status FROM applications WHERE user_id = 402")
    assert [r["status"] for r in rows] == ["submitted"]
    cards = [m for m in staff.messages if "№ 1" in m.plain]
    assert len(cards) == 1
    events = await db.fetchall("SELECT status FROM application_events")
    assert [e["status"] for e in events] == ["submitted"]


async def test_an_open_application_is_shown_instead_of_a_new_form(bot, emulator, read_db):
    emulator.user(STAFF_ID, "Staff")
    user = emulator.user(403, language_code="en")
    summary = await fill_until_summary(user)
    await user.press("Submit", message=summary)
    existing, shown = await user.send("/volunteer")
    assert "You already have an application (No. 1)" in existing.plain
    assert "Sent, waiting for review" in shown.plain and "Aigerim Nurlanovna" in shown.plain
    assert labels(shown) == ["✏️ Change answers", "↩️ Withdraw"]
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM applications"))["n"] == 1


async def test_twenty_applicants_at_once_keep_their_own_answers(bot, emulator, read_db):
    emulator.user(STAFF_ID, "Staff")
    people = [(500 + i, f"Person{chr(65 + i)} Applicant{chr(65 + i)}", f"+7701000{i:04d}") for i in range(20)]

    async def apply(user_id, name, phone):
        user = emulator.user(user_id, language_code=("en", "ru", "kk")[user_id % 3])
        lang = ("en", "ru", "kk")[user_id % 3]
        await fill_until_summary(user, lang, name=name, phone=phone, experience=f"story of {name}")
        await press(user, LABELS[lang]["submit"])

    await asyncio.gather(*(apply(*p) for p in people))
    await emulator.wait_until_idle()
    db = await read_db()
    rows = await db.fetchall("SELECT user_id, full_name, phone, experience, status FROM applications")
    assert len(rows) == 20
    by_user = {r["user_id"]: r for r in rows}
    for user_id, name, phone in people:
        row = by_user[user_id]
        assert (row["full_name"], row["phone"], row["experience"], row["status"]) == (
            name, phone, f"story of {name}", "submitted")
    assert refused(emulator) == []
