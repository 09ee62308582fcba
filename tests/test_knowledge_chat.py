"""End to end through the emulator: browsing the knowledge base and asking in free text."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.telegram_html import html_to_text
from tests.conftest import STAFF_ID

# /reload asks every listed question again (about 3,000): several seconds, more on a busy machine.
RELOAD_TIMEOUT = 60.0
CONTENT = Path(__file__).resolve().parent.parent / "content"
KAZAKH_LETTERS = set("әғқңөұүһі")
STAFF_ONLY = {"en": "This command is for the Society's staff only.", "ru": "Эта команда доступна только сотрудникам Общества."}


def datas(message):
    return [data for row in message.button_data for data in row if data]


def labels(message):
    return [label for row in message.buttons for label in row]


async def _press(user, data, message):
    """Press a button and return the message as it reads after the bot edited it."""
    (edited,) = await user.press_data(data, message=message)
    return edited


async def _walk_menu(user, kb) -> set[str]:
    """Press every knowledge section, page and entry of the menu; return the entry ids reached."""
    reached: set[str] = set()
    (menu,) = await user.send("/menu")
    sections = [d for d in datas(menu) if d.startswith("menu:") and d not in ("menu:news", "menu:quiz")]
    assert len(sections) == 7 and sections[0] == "menu:help"  # getting help comes first
    for section in sections:
        page = await _press(user, section, menu)
        while True:
            assert datas(page), f"dead end at {section}"
            for data in [d for d in datas(page) if d.startswith("ent:")]:
                entry = await _press(user, data, page)
                entry_id = data.split(":", 1)[1]
                reached.add(entry_id)
                answer = html_to_text(kb.get(entry_id).texts[user.language_code].answer)
                assert entry.plain.startswith(answer.strip()[:40]), entry_id
                assert kb.get(entry_id).sources[0].url in [e.get("url") for e in entry.entities]  # its source, linked
                back = [d for d in datas(entry) if d.startswith("menu:") and d != "menu:main"]
                assert back, f"no way back from {entry_id}"
                page = await _press(user, back[0], entry)
            next_page = [d for d, label in zip(datas(page), [b for r in page.buttons for b in r]) if label == "▶️"]
            if not next_page:
                break
            page = await _press(user, next_page[0], page)
        menu = await _press(user, "menu:main", page)
    return reached


async def test_every_menu_path_in_every_language_reaches_every_entry_without_a_dead_end(bot, emulator):
    kb = load_knowledge(CONTENT)
    users = [emulator.user(200 + n, language_code=lang) for n, lang in enumerate(("kk", "ru", "en"))]
    reached = await asyncio.gather(*(_walk_menu(user, kb) for user in users))
    assert emulator.refused == []
    for ids in reached:
        assert ids == set(kb.entries)


async def test_an_answer_shows_its_source_and_not_its_title_twice(bot, emulator):
    user = emulator.user(209, language_code="en")
    (reply,) = await user.send("geneva convension 1864")
    assert "22 August 1864" in reply.plain
    assert "📎 Source:" in reply.plain.splitlines()[-1]
    assert not reply.plain.startswith("First Geneva Convention (1864)")
    assert reply.reply_to is not None  # the question is quoted: a 👎 reports it to staff


async def test_a_russian_user_asking_in_kazakh_without_special_letters_gets_the_kazakh_answer(bot, emulator):
    user = emulator.user(210, language_code="ru")
    (reply,) = await user.send("кызыл жарты ай когамы кашан курылды")
    assert "1937" in reply.plain
    assert KAZAKH_LETTERS & set(reply.plain.lower())
    assert "👎" in labels(reply)


async def test_someone_in_danger_gets_the_emergency_numbers_first_in_their_language(bot, emulator):
    for user_id, lang, text, expected in [
        (250, "ru", "помогите мужчина упал и не дышит", "112"),
        (251, "kk", "бала тұншығып жатыр көмектесіңіздер", "112"),
        (252, "en", "help my friend is bleeding a lot", "112"),
    ]:
        user = emulator.user(user_id, language_code=lang)
        reply, *first_aid = await user.send(text)  # the first aid asked about may follow the numbers
        first_line = reply.plain.strip().splitlines()[0]
        assert expected in first_line, (lang, reply.plain)
        assert "103" in reply.plain
        assert labels(reply)[0] != "👍"  # not an answer to vote on: buttons to first aid and contacts
        assert len([b for b in labels(reply) if b != labels(reply)[-1]]) >= 2


async def test_danger_in_words_no_list_has_still_gets_the_emergency_numbers_first(bot, emulator):
    user = emulator.user(255, language_code="ru")
    (reply,) = await user.send("коршi апамыз еденде жатыр, сөйлемейді, көзі ашық")
    first_line = reply.plain.strip().splitlines()[0]
    assert "112" in first_line and KAZAKH_LETTERS & set(first_line.lower()), reply.plain


async def test_someone_asking_how_to_stop_bleeding_now_gets_the_numbers_then_the_first_aid(bot, emulator):
    user = emulator.user(256, language_code="en")
    numbers, first_aid = await user.send("у сына сильное кровотечение из ноги, как остановить кровь")
    assert numbers.plain.strip().startswith("🆘") and "112" in numbers.plain.splitlines()[0]
    assert "Кровотечение" in first_aid.plain or "кровотечен" in first_aid.plain.lower()
    assert "👎" in labels(first_aid)  # an answer like any other: the steps can be rated
    assert "Первая помощь: сильное кровотечение" not in labels(numbers)  # not offered twice


async def test_a_question_with_help_words_is_answered_not_treated_as_an_emergency(bot, emulator):
    user = emulator.user(253, language_code="en")
    (reply,) = await user.send("where can i learn first aid")
    assert not reply.plain.strip().startswith("🆘")
    assert "👎" in labels(reply) or "course" in reply.plain.lower()


async def test_a_message_with_nothing_to_answer_gets_no_entry_and_is_not_logged(bot, emulator, read_db):
    user = emulator.user(254, language_code="ru")
    for text in ("нет", "1", "😂😂", "ок"):
        (reply,) = await user.send(text)
        assert "👎" not in labels(reply), text  # never a confident answer
        assert reply.plain.startswith("Расскажите, пожалуйста, чуть подробнее"), (text, reply.plain)
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM question_log"))["n"] == 0


async def test_out_of_scope_is_told_apart_from_in_scope_but_unknown(bot, emulator, read_db):
    user = emulator.user(212, language_code="en")
    (weather,) = await user.send("what is the weather in almaty tomorrow")
    assert weather.plain.startswith("I can't help with that")
    assert "🆘 Get help" in labels(weather)
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM question_log"))["n"] == 0  # not passed to staff


async def test_a_language_request_switches_the_language_and_it_survives_a_restart(running_bot, emulator):
    user = emulator.user(255, language_code="en")
    async with running_bot():
        (switched,) = await user.send("на русском пожалуйста")
        assert "по-русски" in switched.plain
    async with running_bot():
        (menu,) = await user.send("/menu")
        assert "📜 История" in labels(menu)


async def test_greetings_and_actions_are_not_searched(bot, emulator):
    user = emulator.user(213, language_code="ru")
    (hello,) = await user.send("салем")
    assert hello.plain.startswith("Сәлеметсіз бе")
    (consent,) = await user.send("хочу стать волонтером")  # starts the volunteer form
    assert "Заявка волонтёра" in consent.plain and "персональных данных" in consent.plain


async def test_a_dislike_reaches_staff_who_can_teach_the_bot_and_others_are_refused(bot, emulator):
    user = emulator.user(214, language_code="ru")
    (answer,) = await user.send("мгп это что")
    down = next(data for data in datas(answer) if data.startswith("fb:down:"))
    await user.forge_press("fb:up:ru:henry-dunant", message=answer, expect_reply=False)  # an entry it does not answer
    assert not user.callback_answers[-1]["text"].startswith("Спасибо")
    await user.press("👎", message=answer)
    assert "👎" not in labels(user.messages[-1])  # one vote per answer
    assert user.callback_answers[-1]["text"].startswith("Спасибо")
    await user.forge_press(down, message=user.messages[-1], expect_reply=False)  # again, from a modified client
    assert not user.callback_answers[-1]["text"].startswith("Спасибо")
    for command in ("/feedback", "/unanswered"):
        (refused,) = await user.send(command)
        assert refused.plain == STAFF_ONLY["ru"]

    staff = emulator.user(STAFF_ID, language_code="en")
    report, title, question = await staff.send("/feedback")
    assert "👎 1" in report.plain and "ihl-what-is" in report.plain and "henry-dunant" not in report.plain
    assert "«мгп это что»" in question.plain
    assert "✖️ None of these" in labels(question)


async def test_personal_data_typed_as_a_question_is_masked_before_staff_see_it(bot, emulator, read_db):
    user = emulator.user(215, "Aigerim", last_name="Nurlanova", language_code="en")
    await user.send("hello my name is Aigerim Nurlanova phone 87011234567 mail a@b.kz how do i find my red crescent branch")
    db = await read_db()
    stored = " ".join(row["question"] or "" for row in await db.fetchall("SELECT question FROM question_log"))
    for personal in ("Aigerim", "Nurlanova", "87011234567", "701 123", "a@b.kz"):
        assert personal not in stored


async def test_staff_teach_the_bot_and_the_same_question_is_then_answered(running_bot, emulator):
    question = "is there a red crescent scholarship for students"
    asker = emulator.user(240, language_code="en")
    staff = emulator.user(STAFF_ID, language_code="en")
    async with running_bot():
        (first,) = await asker.send(question)
        assert "👎" not in labels(first)  # not answered yet
        title, item = await staff.send("/unanswered")
        assert f"«{question}»" in item.plain
        chosen = labels(item)[0]
        (taught,) = await staff.press(chosen, message=item)
        assert "Taught" in taught.plain
        (again,) = await emulator.user(241, language_code="en").send(question)
        assert "👎" in labels(again)  # now answered, with the entry staff chose
    async with running_bot():  # taught phrasings live in SQLite: still known after a restart
        (later,) = await emulator.user(242, language_code="en").send(question)
        assert "👎" in labels(later)


async def test_reload_keeps_the_old_content_on_a_problem_and_switches_when_fixed(running_bot, emulator, tmp_path):
    emulator.reply_timeout = RELOAD_TIMEOUT
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    async with running_bot(content_dir=content):
        user = emulator.user(230, language_code="en")
        staff = emulator.user(STAFF_ID, language_code="en")
        (refused,) = await user.send("/reload")
        assert refused.plain == STAFF_ONLY["en"]

        regions = content / "regions.yaml"
        good_regions = regions.read_text(encoding="utf-8")
        regions.write_text(good_regions.replace("  - id: astana", "  - id: ''", 1), encoding="utf-8")
        (report,) = await staff.send("/reload")
        assert "keeps using the old content" in report.plain and "regions.yaml" in report.plain
        regions.write_text(good_regions, encoding="utf-8")

        emblems = content / "knowledge" / "emblems.yaml"
        good = emblems.read_text(encoding="utf-8")
        emblems.write_text(re.sub(r"related: \[[^\]]*\]", "related: [no-such-entry]", good, count=1), encoding="utf-8")
        (report,) = await staff.send("/reload")
        assert "keeps using the old content" in report.plain and "no-such-entry" in report.plain

        emblems.write_text(good, encoding="utf-8")
        intents = content / "intents.yaml"
        intents.write_text(intents.read_text(encoding="utf-8").replace("  en: [hi, hello,", "  en: [hi, hello, howdy partner,", 1))
        (ok,) = await staff.send("/reload")
        assert ok.plain.startswith("Content reloaded")
        (hello,) = await user.send("howdy partner")  # intents are reloaded too
        assert hello.plain.startswith("Hello")
        assert emulator.refused == []


async def test_others_are_answered_while_the_content_reloads(running_bot, emulator):
    emulator.reply_timeout = RELOAD_TIMEOUT
    async with running_bot():
        staff = emulator.user(STAFF_ID, language_code="en")
        user = emulator.user(231, language_code="en")
        reloading = asyncio.create_task(staff.send("/reload"))
        (answer,) = await user.send("who was henry dunant")  # served while the reload checks everything
        assert "Dunant" in answer.plain
        assert not reloading.done()  # the reload (a self-test of every question) was still running
        (ok,) = await reloading
        assert ok.plain.startswith("Content reloaded")
