"""The volunteer form end to end through the emulator: each language, every error, Back/Edit/Cancel."""

from __future__ import annotations

import pytest

from tests.conftest import STAFF_ID
from tests.volunteer_helpers import LABELS, fill_until_summary, labels, refused, start_to_name, submit, years_ago


async def application_rows(read_db, user_id):
    db = await read_db()
    return await db.fetchall("SELECT * FROM applications WHERE user_id = ?", (user_id,))


@pytest.mark.parametrize("lang, staff_word", [("en", "Volunteer application"), ("ru", "Volunteer application"),
                                              ("kk", "Volunteer application")])
async def test_a_complete_application_in_each_language(running_bot, emulator, read_db, lang, staff_word):
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot():
        await staff.send("/start")  # staff have talked to the bot: cards come in their app's language
        user = emulator.user(301, "Aigerim", language_code=lang)
        summary = await fill_until_summary(user, lang, name="Айгерим Нұрланқызы")
        assert "Айгерим Нұрланқызы" in summary.plain and "+77011234567" in summary.plain
        sent, thanks = await user.press(LABELS[lang]["submit"])
        assert sent.message_id == summary.message_id and sent.edited and sent.buttons == []
        assert ("No. 1" if lang == "en" else "№ 1") in sent.plain
        assert "Submit" not in sent.plain and "Отправить" not in sent.plain  # no "tap Submit" after sending
        assert LABELS[lang]["thanks"] in thanks.plain
        card = await staff.wait_for(lambda m: staff_word in m.plain)
    assert "Айгерим Нұрланқызы" in card.plain and "+77011234567" in card.plain and "Astana" in card.plain
    assert labels(card) == ["📞 Contacted", "✅ Accepted", "❌ Declined"]
    (row,) = await application_rows(read_db, 301)
    assert row["status"] == "submitted" and row["lang"] == lang
    assert (row["full_name"], row["birth_date"], row["phone"], row["region"]) == (
        "Айгерим Нұрланқызы", "2001-04-25", "+77011234567", "astana")
    assert (row["interests"], row["languages"], row["availability"]) == ("first_aid", "kk", "weekends")
    assert row["consent_version"] == "1" and row["consent_at"] and row["step"] is None
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM question_log"))["n"] == 0  # answers never reached Q&A
    assert refused(emulator) == []


async def test_an_answered_question_keeps_showing_the_answer(bot, emulator):
    user = emulator.user(300, language_code="en")
    await start_to_name(user)
    for answer in ("Aigerim Nurlanovna", "25.04.2001", "+77011234567"):
        await user.send(answer)
    region_question = user.last
    answered, interests = await user.press("Astana")
    assert answered.message_id == region_question.message_id and answered.buttons == []
    assert "✓" in answered.plain and "Astana" in answered.plain
    await user.press("First aid")
    await user.press("Blood donation")
    done, _ = await user.press("✅ Done")
    assert done.message_id == interests.message_id and done.buttons == []
    assert "First aid" in done.plain and "Blood donation" in done.plain  # what was chosen stays readable


async def test_the_volunteer_section_and_a_typed_wish_open_the_form(bot, emulator):
    user = emulator.user(302, language_code="en")
    await user.send("/menu")
    (section,) = await user.press("🙋 Volunteer")
    assert labels(section)[0] == "📝 Apply to volunteer"
    replies = await user.press("📝 Apply to volunteer")
    assert "Consent to the processing of personal data" in replies[-1].plain
    other = emulator.user(303, language_code="ru")
    (consent,) = await other.send("Хочу стать волонтёром")
    assert "Согласие на обработку персональных данных" in consent.plain


async def test_the_law_on_age_is_stated_without_a_consent_age(bot, emulator):
    user = emulator.user(304, language_code="en")
    (first,) = await user.send("/volunteer")
    assert "18" in first.plain and "parent or legal guardian" in first.plain and "emergency" in first.plain
    assert "14" not in first.plain and "16" not in first.plain


async def test_refusing_consent_keeps_nothing(bot, emulator, read_db):
    user = emulator.user(305, language_code="en")
    await user.send("/volunteer")
    (reply,) = await user.press("I do not agree")
    assert reply.edited and "none of your answers have been kept" in reply.plain
    assert await application_rows(read_db, 305) == []
    (again,) = await user.send("/volunteer")
    assert "Consent" in again.plain


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("   ", "The name is empty"),
        ("A" * 4000, "too long for a name"),
        ("Aigerim", "both your first name and your surname"),
        ("<b>Aigerim</b> <i>N</i>", "only letters"),
        ("Robert'); DROP TABLE applications;--", "only letters"),
        ("Aigerim 🌸 Nurlanovna", "only letters"),
        ("ㅤ ㅤ", "invisible"),  # Hangul fillers: "letters" that show nothing
        ("ﾠ ﾠ", "invisible"),
        ("\u202eevil txt.exe", "invisible"),  # a right-to-left override
        ("Aigerim\u200bNurlanovna", "invisible"),
    ],
)
async def test_bad_names_get_a_specific_message_with_the_question_again(bot, emulator, read_db, typed, expected):
    user = emulator.user(306, language_code="en")
    await start_to_name(user)
    (reply,) = await user.send(typed)
    assert expected in reply.plain and "full name" in reply.plain
    (row,) = await application_rows(read_db, 306)
    assert row["full_name"] is None and row["step"] == "full_name"
    assert refused(emulator) == []


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("next Tuesday", "could not read that date"),
        ("31.02.2001", "no such date"),
        ("25.04.01", "four digits"),
        ("01.01.2999", "in the future"),
        ("01.01.1880", "too long ago"),
        (years_ago(7), "By this date you are 7"),
        ("<script>alert(1)</script>", "could not read that date"),
    ],
)
async def test_bad_dates_get_a_specific_message_with_the_question_again(bot, emulator, read_db, typed, expected):
    user = emulator.user(307, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    (reply,) = await user.send(typed)
    assert expected in reply.plain and "date of birth" in reply.plain
    (row,) = await application_rows(read_db, 307)
    assert row["birth_date"] is None and row["step"] == "birth_date"


async def test_a_seven_year_old_is_not_told_a_consent_age(bot, emulator):
    user = emulator.user(308, language_code="ru")
    await start_to_name(user, "ru")
    await user.send("Алия Серикова")
    (reply,) = await user.send(years_ago(7))
    assert "7" in reply.plain and "родител" in reply.plain
    assert "14" not in reply.plain and "16" not in reply.plain


@pytest.mark.parametrize("typed", ["12345", "+7 701 123", "my phone", "+1 000 000 0000", "🙂🙂🙂"])
async def test_bad_phone_numbers_get_a_specific_message(bot, emulator, read_db, typed):
    user = emulator.user(309, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    await user.send("25.04.2001")
    (reply,) = await user.send(typed)
    assert "valid phone number" in reply.plain and "phone number" in reply.plain
    assert reply.keyboard[0] == ["📱 Share my number"]
    (row,) = await application_rows(read_db, 309)
    assert row["phone"] is None


async def test_the_shared_contact_is_taken_and_someone_elses_is_not(bot, emulator, read_db):
    user = emulator.user(310, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    await user.send("25.04.2001")
    (error,) = await user.send_contact("+77019998877", own=False, first_name="Friend")
    assert "someone else's contact" in error.plain
    saved, region = await user.send_contact("77011234567")
    assert "+77011234567" in saved.plain
    assert saved.reply_markup == {"remove_keyboard": True}
    assert "region or city" in region.plain
    (row,) = await application_rows(read_db, 310)
    assert row["phone"] == "+77011234567"


async def test_html_sql_and_emoji_in_free_text_are_kept_verbatim_and_shown_escaped(running_bot, emulator, read_db):
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot():
        await staff.send("/start")
        user = emulator.user(311, language_code="en")
        text = "<b>bold</b> & <a href='x'>link</a>; '); DROP TABLE applications;-- 🚑❤️"
        summary = await fill_until_summary(user, experience=text)
        assert text in summary.plain
        await user.press("Submit")
        card = await staff.wait_for(lambda m: "No. 1" in m.plain)
    assert text in card.plain
    (row,) = await application_rows(read_db, 311)
    assert row["experience"] == text
    assert refused(emulator) == []


async def test_too_long_experience_is_refused_and_skip_works(bot, emulator):
    user = emulator.user(312, language_code="en")
    await start_to_name(user)
    for answer in ("Aigerim Nurlanovna", "25.04.2001", "+77011234567"):
        await user.send(answer)
    for option in ("Astana", "First aid", "Done", "Russian", "Done", "Flexible", "Done"):
        await user.press(option)
    (reply,) = await user.send("x" * 1500)
    assert "1500" in reply.plain and "1000" in reply.plain and "experience" in reply.plain
    _, summary = await user.press("Skip")
    assert "Experience: none" in summary.plain


async def test_a_paste_telegram_split_in_two_is_never_stored_as_a_fragment(bot, emulator, read_db):
    user = emulator.user(332, language_code="en")
    await start_to_name(user)
    for answer in ("Aigerim Nurlanovna", "25.04.2001", "+77011234567"):
        await user.send(answer)
    for option in ("Astana", "First aid", "Done", "Russian", "Done", "Flexible", "Done"):
        await user.press(option)
    paste = "I volunteered. " * 334  # about 5,000 characters: Telegram sends 4,096 and then the rest
    (first,) = await user.send(paste[:4096])
    assert "too long" in first.plain
    (tail,) = await user.send(paste[4096:])
    assert "rest of the long message" in tail.plain  # within seconds of the first part: never an answer
    (row,) = await application_rows(read_db, 332)
    assert row["experience"] is None and row["step"] == "experience"


async def test_a_minor_records_guardian_consent_and_is_never_offered_emergency_work(bot, emulator, read_db):
    user = emulator.user(313, language_code="en")
    await start_to_name(user)
    await user.send("Dana Serikova")
    (question,) = await user.send(years_ago(15))
    assert "parent or legal guardian" in question.plain and "emergency" in question.plain
    await user.press("my parent or guardian agrees")
    await user.send("+77011234567")
    _, interests = await user.press("Astana")
    assert not any("Emergency" in label for label in labels(interests))
    (row,) = await application_rows(read_db, 313)
    assert row["guardian_consent"] is not None


async def test_a_minor_who_had_chosen_emergency_work_is_told_it_was_removed(bot, emulator, read_db):
    user = emulator.user(333, language_code="en")
    await fill_until_summary(user)
    await user.press("✏️ Areas")
    await user.press("Emergency response")
    await user.press("✅ Done")
    await user.press("✏️ Date of birth")
    (question,) = await user.send(years_ago(16))
    assert "not open to volunteers under 18" in question.plain  # said, not silently dropped
    assert "parent or legal guardian" in question.plain
    (row,) = await application_rows(read_db, 333)
    assert "emergency" not in row["interests"]


async def test_multi_choice_needs_one_tick_and_ticks_toggle(bot, emulator, read_db):
    user = emulator.user(314, language_code="en")
    await start_to_name(user)
    for answer in ("Aigerim Nurlanovna", "25.04.2001", "+77011234567"):
        await user.send(answer)
    await user.press("Astana")
    (nothing,) = await user.press("Done")
    assert nothing.edited and "at least one option" in nothing.plain  # said on the question itself
    (ticked,) = await user.press("First aid")
    assert "☑️ 🩹 First aid" in labels(ticked)
    (db_row,) = await application_rows(read_db, 314)
    assert db_row["selection"] == '["first_aid"]'  # a tick is saved as it is given
    (unticked,) = await user.press("First aid")
    assert "▫️ 🩹 First aid" in labels(unticked)


async def test_media_stickers_and_commands_in_the_middle_are_handled_politely(bot, emulator, read_db):
    user = emulator.user(315, language_code="en")
    await start_to_name(user)
    (notice,) = await user.send_sticker()
    assert "only take text or the buttons" in notice.plain and "full name" in notice.plain
    (notice,) = await user.send_photo()
    assert "only take text" in notice.plain
    (help_reply,) = await user.send("/help")
    assert "What I can do" in help_reply.plain
    (question,) = await user.send("Aigerim Nurlanovna")
    assert "date of birth" in question.plain
    (row,) = await application_rows(read_db, 315)
    assert row["full_name"] == "Aigerim Nurlanovna"


async def test_typed_text_on_a_button_question_is_taken_only_if_it_is_a_region(bot, emulator, read_db):
    user = emulator.user(316, language_code="ru")
    await start_to_name(user, "ru")
    for answer in ("Айгерим Нурланова", "25 апреля 2001", "8 701 123 45 67"):
        await user.send(answer)
    (question,) = await user.send("Караганд")
    assert "направления" in question.plain
    (row,) = await application_rows(read_db, 316)
    assert row["region"] == "karaganda" and row["birth_date"] == "2001-04-25"
    (hint,) = await user.send("первая помощь")
    assert "кнопками" in hint.plain and "направления" in hint.plain


async def test_back_goes_to_the_previous_question_in_place_keeping_answers(bot, emulator, read_db):
    user = emulator.user(317, language_code="en")
    await start_to_name(user)
    (birth,) = await user.send("Aigerim Nurlanovna")
    (name,) = await user.press("⬅️ Back")
    assert name.message_id == birth.message_id and "full name" in name.plain  # edited in place, no new message
    (question,) = await user.send("Aigerim Serikovna")
    assert "date of birth" in question.plain
    await user.send("25.04.2001")
    # On the phone question Back and Cancel are on the one-time reply keyboard: no extra "OK." message.
    (question,) = await user.send("⬅️ Back")
    assert "date of birth" in question.plain
    (phone,) = await user.send("26.04.2001")
    assert "phone number" in phone.plain
    (row,) = await application_rows(read_db, 317)
    assert (row["full_name"], row["birth_date"]) == ("Aigerim Serikovna", "2001-04-26")


async def test_edit_from_the_summary_changes_one_answer_and_returns(bot, emulator, read_db):
    user = emulator.user(318, language_code="en")
    summary = await fill_until_summary(user)
    replies = await user.press("✏️ Phone", message=summary)
    assert "phone number" in replies[-1].plain and replies[-1].keyboard[0] == ["📱 Share my number"]
    replies = await user.send("+7 702 000 11 22")
    assert "+77020001122" in replies[-1].plain and "Please check your application" in replies[-1].plain
    (question,) = await user.press("✏️ Languages")
    assert "☑️ Kazakh" in labels(question)
    await user.press("English")
    summary = (await user.press("✅ Done"))[-1]
    assert "Languages: Kazakh, English" in summary.plain
    (row,) = await application_rows(read_db, 318)
    assert row["phone"] == "+77020001122" and row["languages"] == "kk,en" and row["status"] == "draft"


async def test_editing_the_date_to_a_minor_asks_for_guardian_consent_then_returns(bot, emulator):
    user = emulator.user(319, language_code="en")
    await fill_until_summary(user)
    await user.press("✏️ Date of birth")
    (question,) = await user.send(years_ago(16))
    assert "parent or legal guardian" in question.plain
    summary = (await user.press("my parent or guardian agrees"))[-1]
    assert "Parent's or guardian's consent: given on" in summary.plain


async def test_cancel_asks_first_then_deletes_the_draft(bot, emulator, read_db):
    user = emulator.user(320, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    (confirm,) = await user.press("✖️ Cancel")
    assert "Cancel the application?" in confirm.plain
    (back,) = await user.press("No, continue")
    assert back.message_id == confirm.message_id and "date of birth" in back.plain
    assert len(await application_rows(read_db, 320)) == 1
    await user.press("✖️ Cancel")
    (done,) = await user.press("Yes, cancel")
    assert "cancelled" in done.plain
    assert await application_rows(read_db, 320) == []
    replies = await user.send("What is the Red Crescent?")  # typed text is a question for Q&A again
    assert "Question" not in replies[-1].plain


async def test_a_button_of_an_answered_question_is_out_of_date_and_changes_nothing(bot, emulator, read_db):
    user = emulator.user(321, language_code="en")
    consent = (await user.send("/volunteer"))[-1]
    await user.press("I agree")
    for answer in ("Aigerim Nurlanovna", "25.04.2001", "+77011234567"):
        await user.send(answer)
    await user.press("Astana")
    await user.forge_press(consent.button_data[1][0], message=consent)  # "I do not agree" on the old message
    assert user.callback_answers[-1].get("text", "").startswith("This button is out of date")
    (row,) = await application_rows(read_db, 321)
    assert row["step"] == "interests" and row["full_name"] == "Aigerim Nurlanovna"
    (confirm,) = await user.send("/cancel")
    assert "Cancel the application?" in confirm.plain


async def test_typing_skip_or_a_dash_skips_the_optional_question(bot, emulator, read_db):
    user = emulator.user(322, language_code="ru")
    summary = await fill_until_summary(user, "ru", experience="пропустить")
    assert "Опыт: нет" in summary.plain
    (row,) = await application_rows(read_db, 322)
    assert row["experience"] == ""


async def test_my_application_shows_a_withdrawn_one_as_withdrawn(bot, emulator):
    user = await submit(emulator, 323)
    (mine,) = await user.send("/myapplication")
    (confirm,) = await user.press("↩️ Withdraw", message=mine)
    (withdrawn,) = await user.press("Yes, withdraw", message=confirm)
    assert "withdrawn" in withdrawn.plain.lower()
    (later,) = await user.send("/myapplication")
    assert "Withdrawn" in later.plain and "No. 1" in later.plain  # not "you have no application"
