"""End to end through the emulator: browsing the knowledge base and asking in free text."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest

from bot.flood import FloodGuard
from bot.knowledge.loader import load_knowledge
from bot.sandbox.emulator import TelegramEmulator
from tests.conftest import STAFF_ID

CONTENT = Path(__file__).resolve().parent.parent / "content"
KAZAKH_LETTERS = set("әғқңөұүһі")


def datas(message):
    return [data for row in message.button_data for data in row if data]


async def _press(user, data, message):
    """Press a button and return the message as it reads after the bot edited it."""
    replies = await user.press_data(data, message=message)
    if replies:
        (edited,) = replies
        return edited
    # The quick settle may end between answering the button and editing the message.
    return await user.wait_for(lambda m: m.message_id == message.message_id, timeout=5)


async def _walk_menu(user, kb) -> set[str]:
    """Press every section, page and entry of the menu; return the entry ids reached."""
    reached: set[str] = set()
    (menu,) = await user.send("/menu")
    sections = [d for d in datas(menu) if d.startswith("menu:")]
    assert len(sections) == 7
    for section in sections:
        page = await _press(user, section, menu)
        while True:
            assert datas(page), f"dead end at {section}"
            for data in [d for d in datas(page) if d.startswith("ent:")]:
                entry = await _press(user, data, page)
                entry_id = data.split(":", 1)[1]
                reached.add(entry_id)
                assert entry.plain.startswith(kb.get(entry_id).texts[user.language_code].title)
                for related in [d for d in datas(entry) if d.startswith("ent:")]:
                    assert kb.get(related.split(":", 1)[1]) is not None, related
                back = [d for d in datas(entry) if d.startswith("menu:") and d != "menu:main"]
                assert back, f"no way back from {entry_id}"
                page = await _press(user, back[0], entry)
            next_page = [d for d, label in zip(datas(page), [b for r in page.buttons for b in r]) if label == "▶️"]
            if not next_page:
                break
            page = await _press(user, next_page[0], page)
        menu = await _press(user, "menu:main", page)
    return reached


async def test_every_menu_path_in_every_language_reaches_every_entry_without_a_dead_end(running_bot):
    kb = load_knowledge(CONTENT)
    # A short settle: every step here is one edit, so the walk stays quick.
    async with TelegramEmulator(settle=0.03) as emulator:
        emulator.user(STAFF_ID, language_code="en")
        async with running_bot_at(running_bot, emulator):
            users = [emulator.user(200 + n, language_code=lang) for n, lang in enumerate(("kk", "ru", "en"))]
            reached = await asyncio.gather(*(_walk_menu(user, kb) for user in users))
            assert emulator.refused == []
    for ids in reached:
        assert ids == set(kb.entries)


def running_bot_at(running_bot, emulator):
    # The walk presses hundreds of buttons a second: far past what the flood guard allows a person.
    return running_bot(flood_guard=FloodGuard(burst=10_000), bot_token=emulator.token, bot_api_base_url=emulator.base_url)


async def test_a_russian_user_asking_in_kazakh_without_special_letters_gets_the_kazakh_answer(bot, emulator):
    user = emulator.user(210, language_code="ru")
    (reply,) = await user.send("кызыл жарты ай когамы кашан курылды")
    assert "1937" in reply.plain
    assert KAZAKH_LETTERS & set(reply.plain.lower())
    assert "👎" in [b for row in reply.buttons for b in row]


async def test_a_misspelled_english_question_gets_its_answer(bot, emulator):
    user = emulator.user(211, language_code="en")
    (reply,) = await user.send("geneva convension 1864")
    assert "22 August 1864" in reply.plain


async def test_an_off_topic_question_gets_the_honest_fallback_and_is_not_kept_for_staff(bot, emulator, read_db):
    # The weather is nothing the Society's content could ever answer: out of scope, not a gap for staff to fill.
    user = emulator.user(212, language_code="en")
    (reply,) = await user.send("what is the weather in almaty tomorrow")
    assert reply.plain.startswith("I can't help with that")
    assert "📜 History" in [b for row in reply.buttons for b in row]
    db = await read_db()
    rows = await db.fetchall("SELECT * FROM question_log")
    assert rows == []


async def test_greetings_and_actions_are_not_searched(bot, emulator):
    user = emulator.user(213, language_code="ru")
    (hello,) = await user.send("салем")
    assert hello.plain.startswith("Сәлеметсіз бе")
    intro, consent = await user.send("хочу стать волонтером")  # starts the volunteer form
    assert "Заявка волонтёра" in intro.plain and "персональных данных" in consent.plain


async def test_a_dislike_reaches_staff_and_others_are_refused(bot, emulator):
    user = emulator.user(214, language_code="ru")
    (answer,) = await user.send("мгп это что")
    replies = await user.press("👎", message=answer)
    assert "👎" not in [b for row in user.messages[-1].buttons for b in row]  # one vote per answer
    assert user.callback_answers[-1]["text"].startswith("Спасибо")
    await user.send("чем занимается мкк кк в казахстане погода")  # something it can't answer

    (refused,) = await user.send("/feedback")
    assert refused.plain == "Эта команда доступна только сотрудникам Общества."
    (refused,) = await user.send("/unanswered")
    assert refused.plain == "Эта команда доступна только сотрудникам Общества."

    staff = emulator.user(STAFF_ID, language_code="en")
    (report,) = await staff.send("/feedback")
    assert "👎 1" in report.plain and "ihl-what-is" in report.plain
    assert "«мгп это что»" in report.plain


async def test_unanswered_questions_are_grouped_for_staff(bot, emulator):
    # Questions of the domain the bot is unsure about are kept for staff; off-topic ones ("how to
    # cook plov") are not.
    questions = ["what colour is the volunteer vest", "What colour is the volunteer vest", "when is the next volunteer meeting",
                 "how to cook plov"]
    for n, text in enumerate(questions):
        await emulator.user(220 + n, language_code="en").send(text)
    _title, *questions = await emulator.user(STAFF_ID, language_code="en").send("/unanswered")
    assert "«what colour is the volunteer vest» — 2×" in questions[0].plain.lower()
    assert "«when is the next volunteer meeting» — 1×" in questions[1].plain
    assert len(questions) == 2


async def test_reload_keeps_the_old_content_on_a_problem_and_switches_when_fixed(running_bot, emulator, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    async with running_bot(content_dir=content):
        user = emulator.user(230, language_code="en")
        staff = emulator.user(STAFF_ID, language_code="en")
        (refused,) = await user.send("/reload")
        assert refused.plain == "This command is for the Society's staff only."

        emblems = content / "knowledge" / "emblems.yaml"
        good = emblems.read_text(encoding="utf-8")
        broken = re.sub(r"related: \[[^\]]*\]", "related: [no-such-entry]", good, count=1)
        emblems.write_text(broken, encoding="utf-8")
        (report,) = await staff.send("/reload")
        assert "keeps using the old content" in report.plain and "no-such-entry" in report.plain
        (still,) = await user.send("wat is the red cristal")
        assert "crystal" in still.plain.lower()

        emblems.write_text(good.replace("red crystal", "red crystal (reloaded)", 1), encoding="utf-8")
        (ok,) = await staff.send("/reload")
        assert ok.plain.startswith("Content reloaded. Entries: 131")
        assert emulator.refused == []
