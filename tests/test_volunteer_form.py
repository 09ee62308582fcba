"""The volunteer form end to end through the emulator: each language, every error, Back/Edit/Cancel."""

from __future__ import annotations

import pytest

from tests.conftest import STAFF_ID
from tests.volunteer_helpers import refused, LABELS, fill_until_summary, labels, years_ago


async def application_rows(read_db, user_id):
    db = await read_db()
    return await db.fetchall("SELECT * FROM applications WHERE user_id = ?", (user_id,))


@pytest.mark.parametrize(
    "lang, thanks, summary_title, staff_word",
    [
        ("en", "Thank you!", "Please check your application", "Volunteer application"),
        ("ru", "Спасибо!", "Проверьте, пожалуйста, заявку", "Volunteer application"),
        ("kk", "Рақмет!", "Өтініміңізді тексеріңіз", "Volunteer application"),
    ],
)
async def test_a_complete_application_in_each_language(running_bot, emulator, read_db, lang, thanks, summary_title, staff_word):
    staff = emulator.user(STAFF_ID, "Staff", language_code="en")
    async with running_bot():
        await staff.send("/language")
        await staff.press("English")
        user = emulator.user(301, "Aigerim", language_code=lang)
        summary = await fill_until_summary(user, lang, name="Айгерим Нұрланқызы")
        assert summary_title in summary.plain
        assert "Айгерим Нұрланқызы" in summary.plain and "+77011234567" in summary.plain
        replies = await user.press(LABELS[lang]["submit"])
        assert thanks in replies[-1].plain
        card = await staff.wait_for(lambda m: staff_word in m.plain)
    assert "Айгерим Нұрланқызы" in card.plain and "+77011234567" in card.plain and "Astana" in card.plain
    assert labels(card) == ["📞 Contacted", "✅ Accepted", "❌ Declined"]
    (row,) = await application_rows(read_db, 301)
    assert row["status"] == "submitted" and row["lang"] == lang
    assert (row["full_name"], row["birth_date"], row["phone"], row["region"]) == (
        "Айгерим Нұрланқызы", "2001-04-25", "+77011234567", "astana")
    assert (row["interests"], row["languages"], row["availability"]) == ("first_aid", "kk", "weekends")
    assert row["consent_version"] == "1" and row["consent_at"] and row["step"] is None
    # The answers went to the form, not to the question-answering engine.
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM question_log"))["n"] == 0
    assert refused(emulator) == []


async def test_the_volunteer_section_and_a_typed_wish_open_the_form(bot, emulator):
    user = emulator.user(302, language_code="en")
    await user.send("/menu")
    (section,) = await user.press("🙋 Volunteer")
    assert labels(section)[0] == "📝 Apply to volunteer"
    replies = await user.press("📝 Apply to volunteer")
    assert "Consent to the processing of personal data" in replies[-1].plain
    other = emulator.user(303, language_code="ru")
    replies = await other.send("Хочу стать волонтёром")
    assert "Согласие на обработку персональных данных" in replies[-1].plain


async def test_the_law_on_age_is_stated_without_a_consent_age(bot, emulator):
    user = emulator.user(304, language_code="en")
    intro, consent = await user.send("/volunteer")
    assert "18" in intro.plain and "parent or legal guardian" in intro.plain and "emergency" in intro.plain
    assert "14" not in intro.plain and "16" not in intro.plain


async def test_refusing_consent_keeps_nothing(bot, emulator, read_db):
    user = emulator.user(305, language_code="en")
    await user.send("/volunteer")
    (reply,) = await user.press("I do not agree")
    assert "none of your answers have been kept" in reply.plain
    assert await application_rows(read_db, 305) == []
    replies = await user.send("/volunteer")  # asked again
    assert "Consent" in replies[-1].plain


async def start_to_name(user):
    await user.send("/volunteer")
    await user.press("I agree")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("   ", "The name is empty"),
        ("A" * 4000, "too long for a name"),
        ("Aigerim", "both your first name and your surname"),
        ("<b>Aigerim</b> <i>N</i>", "only letters"),
        ("Robert'); DROP TABLE applications;--", "only letters"),
        ("Aigerim 🌸 Nurlanovna", "only letters"),
    ],
)
async def test_bad_names_get_a_specific_message_and_the_question_again(bot, emulator, read_db, typed, expected):
    user = emulator.user(306, language_code="en")
    await start_to_name(user)
    error, question = await user.send(typed)
    assert expected in error.plain
    assert "full name" in question.plain
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
async def test_bad_dates_get_a_specific_message_and_the_question_again(bot, emulator, read_db, typed, expected):
    user = emulator.user(307, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    error, question = await user.send(typed)
    assert expected in error.plain
    assert "date of birth" in question.plain
    (row,) = await application_rows(read_db, 307)
    assert row["birth_date"] is None and row["step"] == "birth_date"


async def test_a_seven_year_old_is_not_told_a_consent_age(bot, emulator):
    user = emulator.user(308, language_code="ru")
    await user.send("/volunteer")
    await user.press("✅ Согласен(на)")
    await user.send("Алия Серикова")
    error, _ = await user.send(years_ago(7))
    assert "возраст — 7" in error.plain and "родителя" in error.plain
    assert "14" not in error.plain and "16" not in error.plain


@pytest.mark.parametrize("typed", ["12345", "+7 701 123", "my phone", "+1 000 000 0000", "🙂🙂🙂"])
async def test_bad_phone_numbers_get_a_specific_message(bot, emulator, read_db, typed):
    user = emulator.user(309, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    await user.send("25.04.2001")
    error, question = await user.send(typed)
    assert "valid phone number" in error.plain
    assert "phone number" in question.plain and question.keyboard[0] == ["📱 Share my number"]
    (row,) = await application_rows(read_db, 309)
    assert row["phone"] is None


async def test_the_shared_contact_is_taken_and_someone_elses_is_not(bot, emulator, read_db):
    user = emulator.user(310, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    await user.send("25.04.2001")
    error, _ = await user.send_contact("+77019998877", own=False, first_name="Friend")
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
        user = emulator.user(311, language_code="en")
        text = "<b>bold</b> & <a href='x'>link</a>; '); DROP TABLE applications;-- 🚑❤️"
        summary = await fill_until_summary(user, experience=text)
        assert text in summary.plain
        await user.press("Submit")
        card = await staff.wait_for(lambda m: "No. 1" in m.plain or "№ 1" in m.plain)
    assert text in card.plain
    (row,) = await application_rows(read_db, 311)
    assert row["experience"] == text
    assert refused(emulator) == []


async def test_too_long_experience_is_refused_and_skip_works(bot, emulator, read_db):
    user = emulator.user(312, language_code="en")
    await start_to_name(user)
    for answer in ("Aigerim Nurlanovna", "25.04.2001", "+77011234567"):
        await user.send(answer)
    await user.press("Astana")
    for option in ("First aid", "Done", "Russian", "Done", "Flexible", "Done"):
        await user.press(option)
    error, question = await user.send("x" * 1500)
    assert "1500 characters; the limit is 1000" in error.plain
    (summary,) = await user.press("Skip")
    assert "Experience: none" in summary.plain


async def test_a_minor_records_guardian_consent_and_is_never_offered_emergency_work(bot, emulator, read_db):
    user = emulator.user(313, language_code="en")
    await start_to_name(user)
    await user.send("Dana Serikova")
    (question,) = await user.send(years_ago(15))
    assert "parent or legal guardian" in question.plain and "emergency" in question.plain
    await user.press("my parent or guardian agrees")
    await user.send("+77011234567")
    (interests,) = await user.press("Astana")
    assert not any("Emergency" in label for label in labels(interests))
    (row,) = await application_rows(read_db, 313)
    assert row["guardian_consent"] is not None


async def test_multi_choice_needs_one_tick_and_ticks_toggle(bot, emulator, read_db):
    user = emulator.user(314, language_code="en")
    await start_to_name(user)
    for answer in ("Aigerim Nurlanovna", "25.04.2001", "+77011234567"):
        await user.send(answer)
    await user.press("Astana")
    (nothing,) = await user.press("Done")
    assert "at least one option" in nothing.plain
    (ticked,) = await user.press("First aid")
    assert "☑️ 🩹 First aid" in labels(ticked)
    (db_row,) = await application_rows(read_db, 314)
    assert db_row["selection"] == '["first_aid"]'  # a tick is saved as it is given
    (unticked,) = await user.press("First aid")
    assert "▫️ 🩹 First aid" in labels(unticked)


async def test_media_stickers_and_commands_in_the_middle_are_handled_politely(bot, emulator, read_db):
    user = emulator.user(315, language_code="en")
    await start_to_name(user)
    notice, question = await user.send_sticker()
    assert "only take text or the buttons" in notice.plain and "full name" in question.plain
    notice, question = await user.send_photo()
    assert "only take text" in notice.plain
    (help_reply,) = await user.send("/help")
    assert "What I can do" in help_reply.plain
    (question,) = await user.send("Aigerim Nurlanovna")
    assert "date of birth" in question.plain
    (row,) = await application_rows(read_db, 315)
    assert row["full_name"] == "Aigerim Nurlanovna"


async def test_typed_text_on_a_button_question_is_taken_only_if_it_is_a_region(bot, emulator, read_db):
    user = emulator.user(316, language_code="ru")
    await user.send("/volunteer")
    await user.press("✅ Согласен(на)")
    for answer in ("Айгерим Нурланова", "25 апреля 2001", "8 701 123 45 67"):
        await user.send(answer)
    (question,) = await user.send("Караганд")
    assert "направления" in question.plain
    (row,) = await application_rows(read_db, 316)
    assert row["region"] == "karaganda" and row["birth_date"] == "2001-04-25"
    hint, again = await user.send("первая помощь")
    assert "кнопками" in hint.plain and "направления" in again.plain


async def test_back_goes_to_the_previous_question_keeping_answers(bot, emulator, read_db):
    user = emulator.user(317, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    (question,) = await user.press("⬅️ Back")
    assert "full name" in question.plain
    (question,) = await user.send("Aigerim Serikovna")
    assert "date of birth" in question.plain
    await user.send("25.04.2001")
    # On the phone question Back and Cancel are on the reply keyboard.
    closed, question = await user.send("⬅️ Back")
    assert closed.reply_markup == {"remove_keyboard": True} and "date of birth" in question.plain
    (phone,) = await user.send("26.04.2001")
    assert "phone number" in phone.plain
    (row,) = await application_rows(read_db, 317)
    assert (row["full_name"], row["birth_date"]) == ("Aigerim Serikovna", "2001-04-26")


async def test_edit_from_the_summary_changes_one_answer_and_returns(bot, emulator, read_db):
    user = emulator.user(318, language_code="en")
    await fill_until_summary(user)
    (question,) = await user.press("✏️ Phone")
    assert "phone number" in question.plain
    saved, summary = await user.send("+7 702 000 11 22")
    assert "+77020001122" in summary.plain and "Please check your application" in summary.plain
    (question,) = await user.press("✏️ Languages")
    assert "☑️ Kazakh" in labels(question)
    await user.press("English")
    summary = (await user.press("Done"))[-1]
    assert "Languages: Kazakh, English" in summary.plain
    (row,) = await application_rows(read_db, 318)
    assert row["phone"] == "+77020001122" and row["languages"] == "kk,en" and row["status"] == "draft"


async def test_editing_the_date_to_a_minor_asks_for_guardian_consent_then_returns(bot, emulator, read_db):
    user = emulator.user(319, language_code="en")
    await fill_until_summary(user)
    await user.press("✏️ Date of birth")
    (question,) = await user.send(years_ago(16))
    assert "parent or legal guardian" in question.plain
    (summary,) = await user.press("my parent or guardian agrees")
    assert "Parent's or guardian's consent: given on" in summary.plain


async def test_cancel_asks_first_then_deletes_the_draft(bot, emulator, read_db):
    user = emulator.user(320, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    (confirm,) = await user.press("✖️ Cancel")
    assert "Cancel the application?" in confirm.plain
    replies = await user.press("No, continue")
    assert "date of birth" in replies[-1].plain
    assert len(await application_rows(read_db, 320)) == 1
    await user.press("✖️ Cancel")
    replies = await user.press("Yes, cancel")
    assert "cancelled" in replies[-1].plain
    assert await application_rows(read_db, 320) == []
    # After cancelling, typed text is a question for the Q&A engine again.
    replies = await user.send("What is the Red Crescent?")
    assert "Question" not in replies[-1].plain


async def test_cancel_command_and_stale_buttons(bot, emulator, read_db):
    user = emulator.user(321, language_code="en")
    await start_to_name(user)
    await user.send("Aigerim Nurlanovna")
    await user.send("25.04.2001")
    await user.send("+77011234567")
    await user.press("Astana")
    # Pressing a button of an old question changes nothing.
    consent_message = [m for m in user.messages if "Consent" in m.plain][0]
    await user.press("I do not agree", message=consent_message)
    assert user.callback_answers[-1].get("text") == "That question has already been answered."
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
