"""The quiz end to end: private rounds (through a restart), group rounds with a score table, deep links, stopping,
erasure and the staff figures, against the emulator."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.quiz.content import DIFFICULTIES
from bot.quiz.rounds import QuizRounds
from bot.telegram_html import html_to_text
from storage.db import Database
from storage.quiz import QuizRepository
from tests.conftest import STAFF_ID

GROUP_ID = -4200
BOT = "redcrescent_sandbox_bot"


def texts_of(content, lang):
    return lambda key, **params: html_to_text(content.texts.get(lang, key, **params))


def question_of(content, lang, poll):
    """The content's question a poll asks (question texts are unique in each language)."""
    asked = poll.media["poll"]["question"]
    return next(q for q in content.quiz.questions.values() if q.text(lang).question == asked)


def option(question, lang, *, right: bool) -> str:
    """The text of the right option, or of a wrong one."""
    options = question.text(lang).options
    return options[question.correct] if right else next(o for i, o in enumerate(options) if i != question.correct)


def check_poll(poll, question, lang, number, t):
    """A quiz poll in the language, its options shuffled but the right one marked right, the ✖️ Stop under it."""
    data, text = poll.media["poll"], question.text(lang)
    assert poll.kind == "poll" and data["type"] == "quiz" and data["is_anonymous"] is False
    shown = [o["text"] for o in data["options"]]
    assert sorted(shown) == sorted(text.options)
    assert [shown[i] for i in data["correct_option_ids"]] == [text.options[question.correct]]
    assert data["explanation"] == text.explanation
    assert poll.buttons == [[t("quiz.stop_button", number=number, total=10)]]
    return shown != list(text.options)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_a_private_round_resumes_after_a_restart_and_ends_with_the_score(running_bot, emulator, read_db,
                                                                             project_content, lang):
    content, t = project_content, texts_of(project_content, lang)
    user = emulator.user(500, "Aigerim", language_code=lang)
    asked, shuffled = [], []
    async with running_bot():
        (picker,) = await user.send("/quiz")
        assert picker.plain == t("quiz.choose")
        assert [t(f"quiz.topics.{topic}") for topic in ("history", "mixed")] <= sum(picker.buttons, [])
        intro, poll = await user.press(t("quiz.topics.history"))
        assert intro.message_id == picker.message_id and intro.plain == t("quiz.intro", topic=t("quiz.topics.history"), count=10)
        for number in range(1, 5):
            question = question_of(content, lang, poll)
            asked.append(question)
            shuffled.append(check_poll(poll, question, lang, number, t))
            (poll,) = await user.vote(poll, option(question, lang, right=number % 2 == 1))
    async with running_bot():  # a new Application on the same database, as after a crash or a deploy
        for number in range(5, 11):
            question = question_of(content, lang, poll)
            asked.append(question)
            shuffled.append(check_poll(poll, question, lang, number, t))
            replies = await user.vote(poll, option(question, lang, right=number % 2 == 1))
            poll = replies[-1]
        (result,) = replies
    assert {q.topic for q in asked} == {"history"} and len({q.id for q in asked}) == 10
    assert any(shuffled)
    assert result.plain.startswith(t("quiz.result", right=5, total=10))
    missed = asked[1::2]
    for question in missed:
        assert question.text(lang).options[question.correct] in result.plain
    data = sum(result.button_data, [])
    assert data[-3:] == ["quiz:go:history", None, "menu:main"]  # play again, challenge a friend (a link), the menu
    reads = [d for d in data if d and d.startswith("rel:")]
    assert 1 <= len(reads) <= 4 and {d[4:] for d in reads} <= {q.entry for q in missed}
    share = next(b["url"] for row in result.inline_keyboard for b in row if "url" in b)
    assert share.startswith(f"https://t.me/share/url?url=https://t.me/{BOT}?start=quiz_history&text=")
    db = await read_db()
    (round_,) = await db.fetchall("SELECT * FROM quiz_rounds")
    assert (round_["status"], round_["lang"], round_["topic"], round_["chat_id"]) == ("finished", lang, "history", 500)
    answers = await db.fetchall("SELECT correct FROM quiz_answers ORDER BY position")
    assert [a["correct"] for a in answers] == [1, 0] * 5
    assert emulator.refused == []


async def test_a_round_skips_the_questions_of_the_chats_last_three_rounds(tmp_path, project_content):
    bank = project_content.quiz
    db = await Database.open(tmp_path / "quiz.sqlite3")
    try:
        rounds = QuizRounds(QuizRepository(db), lambda: bank, rng=random.Random(13))
        asked = []
        for _ in range(5):
            round_ = await rounds.start(77, "private", "en", "mixed", replace=True)
            rows = await db.fetchall(
                "SELECT question_id, option_order FROM quiz_round_questions WHERE round_id = ? ORDER BY position",
                (round_.id,),
            )
            questions = [bank.questions[r["question_id"]] for r in rows]
            levels = [DIFFICULTIES.index(q.difficulty) for q in questions]
            assert levels == sorted(levels)  # easy questions first
            for question, row in zip(questions, rows):
                order = [int(i) for i in row["option_order"].split(",")]
                assert sorted(order) == list(range(len(question.text("en").options)))
            asked.append({q.id for q in questions})
        assert len(set().union(*asked[:4])) == 40  # each of the first four rounds avoids every earlier one
        assert not asked[4] & set().union(*asked[1:4])  # the fifth avoids the last three only
        statuses = [r["status"] for r in await db.fetchall("SELECT status FROM quiz_rounds ORDER BY id")]
        assert statuses == ["stopped"] * 4 + ["playing"]  # a new round in a private chat replaces the one left
    finally:
        await db.close()


async def test_only_the_player_answers_a_private_round_even_in_a_forwarded_poll(bot, emulator, read_db):
    player, friend = emulator.user(508, "Aru"), emulator.user(509, "Miras")
    _, poll = await player.send("/start quiz_history")
    await bot.bot.forward_message(friend.id, player.id, poll.message_id)  # a forwarded poll is the same poll
    await friend.vote(friend.last, 0, expect_reply=False)
    await emulator.wait_until_idle()
    assert player.last.message_id == poll.message_id  # the player's round did not move on
    db = await read_db()
    assert await db.fetchall("SELECT user_id FROM quiz_answers") == []
    assert (await db.fetchone("SELECT position FROM quiz_rounds"))["position"] == 0


async def test_a_restart_sends_the_poll_a_crash_kept_back_and_leaves_a_waiting_round_alone(
        running_bot, emulator, db_path, read_db, project_content):
    waiting, cut_off = emulator.user(506, "Asel"), emulator.user(507, "Nurlan")
    async with running_bot():
        _, poll = await waiting.send("/start quiz_history")  # then the person leaves the round
    db = await Database.open(db_path)
    try:  # a round started just before a crash, its first poll not sent yet
        await QuizRounds(QuizRepository(db), lambda: project_content.quiz).start(507, "private", "en", "ihl",
                                                                                replace=True)
    finally:
        await db.close()
    mark = len(emulator.state.events)
    async with running_bot():
        sent = await emulator.wait_for_message(507, mark, lambda m: m.kind == "poll", timeout=10)
        await emulator.wait_until_idle()
    assert question_of(project_content, "en", sent).topic == "ihl"
    assert [m.message_id for m in waiting.messages if m.kind == "poll"] == [poll.message_id]
    db = await read_db()
    rows = await db.fetchall("SELECT poll_id FROM quiz_round_questions WHERE position = 0")
    assert len(rows) == 2 and all(r["poll_id"] for r in rows)


async def test_read_more_and_play_again_from_the_result(bot, emulator, project_content):
    content, t = project_content, texts_of(project_content, "en")
    user = emulator.user(501, "Dana")
    await user.send("/start")
    (picker,) = await user.press("🎯")  # the main menu's Quiz button
    assert picker.plain == t("quiz.choose")
    _, poll = await user.press(t("quiz.topics.emblems"))
    first = []
    for _ in range(10):
        question = question_of(content, "en", poll)
        first.append(question.id)
        poll = (await user.vote(poll, option(question, "en", right=False)))[-1]
    result = poll
    entry = content.library.kb.get(content.quiz.questions[first[0]].entry)
    (read,) = await user.press(t("quiz.read_more", title=entry.text("en").title), message=result)
    assert read.plain.startswith(html_to_text(entry.text("en").answer)[:40])
    _, poll = await user.press(t("quiz.play_again"), message=result)
    again = []
    for _ in range(10):
        question = question_of(content, "en", poll)
        again.append(question.id)
        poll = (await user.vote(poll, option(question, "en", right=True)))[-1]
    unseen = {q.id for q in content.quiz.by_topic("emblems")} - set(first)
    assert unseen <= set(again)  # the questions the first round left out are asked first
    assert poll.plain.startswith(t("quiz.result", right=10, total=10))


async def test_stop_is_one_tap_and_an_old_stop_button_does_nothing(bot, emulator, project_content):
    content, t = project_content, texts_of(project_content, "ru")
    user = emulator.user(502, "Арман", language_code="ru")
    await user.send("/quiz")
    _, first = await user.press(t("quiz.topics.mixed"))
    second = (await user.vote(first, option(question_of(content, "ru", first), "ru", right=True)))[-1]
    third = (await user.vote(second, option(question_of(content, "ru", second), "ru", right=False)))[-1]
    closed, stopped = await user.press("✖️", message=third)
    assert closed.message_id == third.message_id and closed.media["poll"]["is_closed"]
    assert stopped.plain.startswith(t("quiz.stopped", right=1, answered=2))
    assert "quiz:go:mixed" in sum(stopped.button_data, [])
    await user.press("✖️", message=first, expect_reply=False)
    assert user.callback_answers[-1]["text"] == t("quiz.already_over")


async def test_forged_quiz_buttons_change_nothing(bot, emulator, read_db, project_content):
    t = texts_of(project_content, "en")
    player, other = emulator.user(504, "Aru"), emulator.user(505, "Miras")
    _, poll = await player.send("/start quiz_history")
    (picker,) = await other.send("/quiz")
    round_id = poll.button_data[0][0].split(":")[-1]
    await other.forge_press(f"quiz:stop:{round_id}", message=picker, expect_reply=False)  # another chat's round
    assert other.callback_answers[-1]["text"] == t("quiz.already_over")
    await other.forge_press("quiz:topics", message=picker, expect_reply=False)  # no button carries it
    assert other.callback_answers[-1]["text"] == t("errors.stale_button")
    assert other.messages[-1].plain == t("quiz.choose")
    db = await read_db()
    assert [r["status"] for r in await db.fetchall("SELECT status FROM quiz_rounds")] == ["playing"]


async def test_deep_links_open_a_round_on_their_topic(bot, emulator, project_content):
    content, t = project_content, texts_of(project_content, "kk")
    user = emulator.user(503, "Ерлан", language_code="kk")
    intro, poll = await user.send("/start quiz_history")
    assert intro.plain == t("quiz.intro", topic=t("quiz.topics.history"), count=10)
    assert question_of(content, "kk", poll).topic == "history"
    intro, poll = await user.send("/start quiz")
    assert intro.plain == t("quiz.intro", topic=t("quiz.topics.mixed"), count=10)
    (picker,) = await user.send("/start quiz_cooking")
    assert picker.plain == t("quiz.choose")


async def test_a_group_round_for_three_players_ends_with_their_score_table(running_bot, emulator, project_content):
    content, t = project_content, texts_of(project_content, "ru")
    group = emulator.group(GROUP_ID, "9 «Б»")
    teacher = emulator.user(601, "Алия", language_code="ru")
    bota, dana = emulator.user(602, "<b>Bota</b> & Co", language_code="kk"), emulator.user(603, "Dana")
    group.promote(teacher)
    group.add(bota)
    group.add(dana)
    async with running_bot() as app:
        app.bot_data.services.quiz.group_seconds = 5  # Telegram's shortest open period, so the test is quick
        (picker,) = await teacher.send(f"/quiz@{BOT}", chat=group)
        assert picker.plain == t("quiz.choose_group")
        intro, poll = await teacher.press(t("quiz.topics.principles"), chat=group)
        assert intro.plain == t("quiz.group_intro", topic=t("quiz.topics.principles"), count=10, seconds=5)
        for number in range(1, 10):  # everyone answers: the next poll comes at once, before the poll closes
            question = question_of(content, "ru", poll)
            assert poll.media["poll"]["open_period"] == 5 and question.topic == "principles"
            await teacher.vote(poll, option(question, "ru", right=True), expect_reply=False)
            await bota.vote(poll, option(question, "ru", right=number % 2 == 1), expect_reply=False)
            (poll,) = await dana.vote(poll, option(question, "ru", right=False))
            assert poll.buttons == [[t("quiz.stop_button", number=number + 1, total=10)]]
        mark = len(emulator.state.events)
        question = question_of(content, "ru", poll)  # two of three answer: the table comes when the poll closes
        await teacher.vote(poll, option(question, "ru", right=True), expect_reply=False)
        await bota.vote(poll, option(question, "ru", right=True), expect_reply=False)
        table = await emulator.wait_for_message(GROUP_ID, mark, lambda m: m.kind == "text", timeout=12)
    assert table.plain.splitlines() == [
        t("quiz.group_result", topic=t("quiz.topics.principles")),
        "🥇 Алия — 10/10",
        "🥈 <b>Bota</b> & Co — 6/10",
        "3. Dana — 0/10",
    ]
    assert "&lt;b&gt;Bota&lt;/b&gt; &amp; Co" in table.text
    assert table.inline_keyboard[0][0]["url"] == f"https://t.me/{BOT}?start=quiz_principles"
    assert emulator.refused == []


async def test_in_a_group_only_admins_start_or_stop_a_quiz(running_bot, emulator, read_db, project_content):
    kk, ru = texts_of(project_content, "kk"), texts_of(project_content, "ru")
    group = emulator.group(GROUP_ID, "Еріктілер")
    admin, member = emulator.user(611, "Алия", language_code="ru"), emulator.user(612, "Бота", language_code="kk")
    group.promote(admin, owner=True)
    group.add(member)
    async with running_bot():
        (refusal,) = await member.send("/quiz", chat=group)
        assert refusal.plain == kk("quiz.group_admins_only")
        (picker,) = await admin.send("/quiz", chat=group)
        await member.press(ru("quiz.topics.history"), chat=group, expect_reply=False)
        assert member.callback_answers[-1] == {"callback_query_id": member.callback_answers[-1]["callback_query_id"],
                                               "text": kk("quiz.group_admins_only"), "show_alert": True}
        _, poll = await admin.press(ru("quiz.topics.history"), chat=group)
        (again,) = await admin.send("/quiz", chat=group)
        assert again.plain == ru("quiz.group_already")
        await member.press("✖️", message=poll, expect_reply=False)
        assert member.callback_answers[-1]["text"] == kk("quiz.group_admins_only")
        closed, table = await admin.press("✖️", message=poll)
        assert closed.media["poll"]["is_closed"]
        assert table.plain.splitlines()[:2] == [ru("quiz.group_stopped"), ru("quiz.group_result", topic=ru("quiz.topics.history"))]
        (picker,) = await admin.send("/quiz", chat=group)
        await admin.forge_press("quiz:go:cooking", message=picker, chat=group, expect_reply=False)  # a topic gone since
        assert group.last.message_id == picker.message_id and group.last.plain == ru("quiz.choose_group")
    db = await read_db()
    assert [r["status"] for r in await db.fetchall("SELECT status FROM quiz_rounds")] == ["stopped"]


async def test_a_group_round_goes_on_after_a_restart(running_bot, emulator, project_content):
    t = texts_of(project_content, "en")
    group = emulator.group(GROUP_ID, "Volunteers")
    admin = emulator.user(621, "Sam")
    group.promote(admin)
    async with running_bot() as app:
        app.bot_data.services.quiz.group_seconds = 5
        await admin.send("/quiz society", chat=group)
        first = group.last
        assert first.kind == "poll" and first.buttons == [[t("quiz.stop_button", number=1, total=10)]]
    await asyncio.sleep(5.5)  # the poll closes while the bot is down
    assert next(m for m in group.messages if m.message_id == first.message_id).media["poll"]["is_closed"]
    mark = len(emulator.state.events)
    async with running_bot():
        second = await emulator.wait_for_message(GROUP_ID, mark, lambda m: m.kind == "poll", timeout=10)
    assert second.buttons == [[t("quiz.stop_button", number=2, total=10)]]


async def test_forget_me_erases_quiz_rounds_answers_and_names(running_bot, emulator, read_db, project_content):
    group = emulator.group(GROUP_ID, "Class")
    admin, player = emulator.user(631, "Teacher"), emulator.user(632, "Zhanar-Quizname")
    group.promote(admin)
    group.add(player)
    async with running_bot():
        await admin.send("/quiz ihl", chat=group)
        poll = group.last
        await player.vote(poll, 0, expect_reply=False)
        await admin.vote(poll, 1)
        _, poll = await player.send("/start quiz_history")
        await player.vote(poll, 0)
        await player.send("/forget_me")
        await player.press("Yes, delete everything")
    db = await read_db()
    assert await db.fetchall("SELECT * FROM quiz_rounds WHERE chat_id = 632") == []
    assert await db.fetchall("SELECT * FROM quiz_answers WHERE user_id = 632") == []
    assert await db.fetchall("SELECT * FROM quiz_players WHERE user_id = 632") == []
    assert await db.fetchall("SELECT * FROM quiz_round_questions WHERE round_id NOT IN (SELECT id FROM quiz_rounds)") == []
    assert len(await db.fetchall("SELECT * FROM quiz_answers WHERE user_id = 631")) == 1  # the others' stay


async def test_quizstats_is_for_staff_and_shows_rounds_and_the_most_missed(running_bot, emulator, project_content):
    content, en = project_content, texts_of(project_content, "en")
    player = emulator.user(641, "Арман", language_code="ru")
    async with running_bot():
        (refused,) = await player.send("/quizstats")
        assert refused.plain == texts_of(content, "ru")("errors.not_staff")
        staff = emulator.user(STAFF_ID)
        (empty,) = await staff.send("/quizstats")
        assert empty.plain == en("quiz.stats_empty")
        _, poll = await player.send("/start quiz_emblems")
        missed = question_of(content, "ru", poll)
        poll = (await player.vote(poll, option(missed, "ru", right=False)))[-1]
        await player.vote(poll, option(question_of(content, "ru", poll), "ru", right=True))
        (stats,) = await staff.send("/quizstats")
    lines = stats.plain.splitlines()
    assert en("quiz.stats_round_line", language="ru", topic=en("quiz.topics.emblems"), rounds=1, finished=0) in lines
    assert f"1. {missed.text('en').question} — wrong: 1 of 1" in lines
