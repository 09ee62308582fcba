"""Quiz polls through the emulator: Telegram's rules for sendPoll, users voting, poll and poll_answer updates."""

from __future__ import annotations


import httpx
import pytest
from telegram import Bot, InputPollOption, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, PollAnswerHandler, PollHandler

from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.runner import serving
from tests.conftest import emulated_application

QUESTION = "Which number do you call in an emergency in Kazakhstan?"
OPTIONS = ["101", "112", "911"]


async def send_quiz(update: Update, context) -> None:
    message = await context.bot.send_poll(
        update.effective_chat.id,
        QUESTION,
        OPTIONS,
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        explanation="112 reaches every emergency service",
    )
    context.bot_data["polls"][message.poll.id] = message
    context.bot_data["sent"].append(message.poll)


async def send_survey(update: Update, context) -> None:
    """An anonymous survey: the bot only learns the counts."""
    message = await context.bot.send_poll(update.effective_chat.id, "Which course next?", ["First aid", "Shelter"])
    context.bot_data["polls"][message.poll.id] = message


async def stop_latest(update: Update, context) -> None:
    message = list(context.bot_data["polls"].values())[-1]
    poll = await context.bot.stop_poll(message.chat_id, message.message_id)
    await update.effective_message.reply_text(f"stopped with {poll.total_voter_count} answers")


async def check_answer(update: Update, context) -> None:
    answer = update.poll_answer
    message = context.bot_data["polls"][answer.poll_id]
    right = list(answer.option_ids) == list(message.poll.correct_option_ids)
    await context.bot.send_message(message.chat_id, f"{answer.user.first_name}: {'right' if right else 'wrong'}")


async def keep_poll_state(update: Update, context) -> None:
    poll = update.poll
    context.bot_data["states"].append((poll.total_voter_count, poll.is_closed))
    if poll.is_closed and poll.id in context.bot_data["polls"]:
        chat_id = context.bot_data["polls"][poll.id].chat_id
        await context.bot.send_message(chat_id, f"poll closed: {[o.voter_count for o in poll.options]}")


@pytest.fixture
async def emu():
    async with TelegramEmulator(reply_timeout=8) as emulator:
        yield emulator


@pytest.fixture
async def app(emu):
    application = emulated_application(emu)
    application.bot_data.update(polls={}, sent=[], states=[])
    application.add_handler(CommandHandler("quiz", send_quiz))
    application.add_handler(CommandHandler("survey", send_survey))
    application.add_handler(CommandHandler("stop", stop_latest))
    application.add_handler(PollAnswerHandler(check_answer))
    application.add_handler(PollHandler(keep_poll_state))
    async with serving(application, emulator=emu):
        yield application


async def test_a_quiz_is_answered_once_and_the_bot_hears_the_answer(app, emu):
    user = emu.user(401, "Aigerim")
    (quiz,) = await user.send("/quiz")
    assert quiz.kind == "poll" and quiz.media["poll"]["question"] == QUESTION
    (sent,) = app.bot_data["sent"]
    assert sent.type == "quiz" and list(sent.correct_option_ids) == [1]  # the bot that sent it sees the answer
    assert sent.explanation == "112 reaches every emergency service" and not sent.is_anonymous

    (verdict,) = await user.vote(quiz, "112")
    assert verdict.plain == "Aigerim: right"
    poll = user.messages[0].media["poll"]
    assert [o["voter_count"] for o in poll["options"]] == [0, 1, 0] and poll["total_voter_count"] == 1
    assert app.bot_data["states"] == [(1, False)]  # the bot also gets the poll's new state
    with pytest.raises(AssertionError, match="has already answered the quiz"):
        await user.vote(quiz, 0)

    other = emu.user(402, "Dana")
    await other.send("/quiz")
    (verdict,) = await other.vote(None, 0)  # the newest poll in the chat, by index
    assert verdict.plain == "Dana: wrong"


async def test_votes_are_refused_where_the_app_would_not_allow_them(app, emu):
    user = emu.user(403)
    (quiz,) = await user.send("/quiz")
    with pytest.raises(AssertionError, match=r"has options 0-2, not \[3\]"):
        await user.vote(quiz, 3)
    with pytest.raises(AssertionError, match="takes one answer"):
        await user.vote(quiz, [0, 1])
    with pytest.raises(AssertionError, match="no single option '1'"):
        await user.vote(quiz, "1")  # a part of "101" and of "112"
    stranger = emu.user(404)
    with pytest.raises(AssertionError, match="user 404 is not in chat 403"):
        await stranger.vote(quiz, 1)
    with pytest.raises(AssertionError, match="there is no poll in chat 404"):
        await stranger.vote(None, 1)


async def test_in_a_group_only_members_vote(app, emu):
    group = emu.group(-4001, "Volunteers")
    writer, member, outsider = emu.user(405, "Arman"), emu.user(406, "Bota"), emu.user(407)
    (quiz,) = await writer.send("/quiz", chat=group)  # writing in the group made Arman a member
    group.add(member)
    assert group.members == {405, 406}
    assert [m.plain for m in await member.vote(quiz, "112", chat=group)] == ["Bota: right"]
    with pytest.raises(AssertionError, match="user 407 is not in chat -4001"):
        await outsider.vote(quiz, 1)


async def test_an_anonymous_poll_tells_the_bot_only_the_counts(app, emu):
    user = emu.user(408)
    (survey,) = await user.send("/survey")
    assert survey.media["poll"]["is_anonymous"] is True  # Telegram's default
    assert await user.vote(survey, "shelter", expect_reply=False) == []
    assert app.bot_data["states"] == [(1, False)]
    await user.vote(survey, "First aid", expect_reply=False)  # a regular poll lets people change their answer
    poll = user.last.media["poll"]
    assert [o["voter_count"] for o in poll["options"]] == [1, 0] and poll["total_voter_count"] == 1
    await user.retract_vote(survey)
    assert user.last.media["poll"]["total_voter_count"] == 0


async def test_stop_poll_closes_it_for_everyone(app, emu):
    user = emu.user(409)
    (quiz,) = await user.send("/quiz")
    await user.vote(quiz, 1)
    closed, stopped = await user.send("/stop")
    assert closed.message_id == quiz.message_id and closed.media["poll"]["is_closed"] is True
    assert stopped.plain == "stopped with 1 answers"
    await user.wait_for(lambda m: m.plain.startswith("poll closed"))  # the poll update is handled on its own
    with pytest.raises(AssertionError, match="is closed"):
        await emu.user(409).vote(quiz, 0)
    with pytest.raises(BadRequest, match="Poll has already been closed"):
        await app.bot.stop_poll(409, quiz.message_id)
    with pytest.raises(BadRequest, match="Message with poll to stop not found"):
        await app.bot.stop_poll(409, stopped.message_id)


async def test_a_poll_closes_when_its_open_period_ends(app, emu):
    user = emu.user(410)
    async with Bot(emu.token, base_url=emu.base_url) as bot:
        message = await bot.send_poll(410, "Ready?", ["Yes", "No"], open_period=5, is_anonymous=False)
    assert (message.poll.close_date - message.date).total_seconds() == 5
    app.bot_data["polls"][message.poll.id] = message
    await user.vote(None, "Yes")
    # About time itself: Telegram's shortest open_period is 5 seconds.
    closed = await user.wait_for(lambda m: m.plain.startswith("poll closed"), timeout=7)
    assert closed.plain == "poll closed: [1, 0]"
    with pytest.raises(AssertionError, match="is closed"):
        await user.vote(None, "No")


async def test_send_poll_follows_telegrams_rules(emu):
    emu.user(411)
    async with Bot(emu.token, base_url=emu.base_url) as bot:

        async def refused(**kwargs) -> str:
            params = {"chat_id": 411, "question": "Q?", "options": ["a", "b"], **kwargs}
            with pytest.raises(BadRequest) as caught:
                await bot.send_poll(**params)
            return caught.value.message

        assert await refused(question="x" * 301) == "Poll question length must not exceed 300"
        assert await refused(options=[str(n) for n in range(13)]) == "Poll can't have more than 12 options"
        assert await refused(options=["a", "b" * 101]) == "Poll options length must not exceed 100"
        assert await refused(options=["a", "  "]) == "Poll options must be non-empty"
        assert await refused(type="quiz") == "Correct option identifiers must be specified for a quiz"
        assert await refused(type="quiz", correct_option_ids=[2]) == "Wrong correct option identifiers specified"
        assert await refused(type="quiz", correct_option_ids=[1, 0]) == "Wrong correct option identifiers specified"
        too_long = await refused(type="quiz", correct_option_ids=[0], explanation="e" * 201)
        assert too_long == "Quiz explanation length must not exceed 200"
        many_lines = await refused(type="quiz", correct_option_ids=[0], explanation="a\nb\nc\nd")
        assert many_lines == "Quiz explanation can't have more than 2 line feeds"
        assert (await refused(open_period=4)).startswith("Poll must close from 5 to 2628000 seconds")
        assert await refused(open_period=10, close_date=2_000_000_000) == "Open_period and close_date can't be used together"
        assert await refused(type="survey") == "Unsupported poll type specified"
        assert await refused(allow_adding_options=True) == "Answer options can't be added to anonymous polls and quizzes"

        fits = await bot.send_poll(
            411,
            "q" * 300,
            [InputPollOption("o" * 100)] * 12,
            type="quiz",
            correct_option_ids=[0, 3],
            allows_multiple_answers=True,  # Bot API 9.6: quizzes may have several right answers
            explanation="<b>two</b>\nlines\nat most",
            explanation_parse_mode="HTML",
        )
        assert fits.poll.explanation == "two\nlines\nat most" and fits.poll.explanation_entities[0].type == "bold"
        assert fits.poll.allows_revoting is False  # a quiz is answered once
        survey = await bot.send_poll(411, "Which?", ["a", "b"], allows_multiple_answers=True)
        assert survey.poll.is_anonymous and survey.poll.allows_revoting and survey.poll.type == "regular"


async def test_older_request_forms_telegram_still_takes(emu):
    emu.user(412)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{emu.base_url}{emu.token}/sendPoll",
            json={"chat_id": 412, "question": "Q?", "options": ["a", "b"], "type": "quiz", "correct_option_id": 1},
        )
    poll = response.json()["result"]["poll"]
    assert [o["text"] for o in poll["options"]] == ["a", "b"] and poll["correct_option_ids"] == [1]


async def test_allowed_updates_filter_poll_answers_and_poll_states(emu):
    user = emu.user(413)
    async with Bot(emu.token, base_url=emu.base_url) as bot:
        message = await bot.send_poll(413, "Which?", ["a", "b"], is_anonymous=False)
        await user.vote(None, "a", wait=False)
        (update,) = await bot.get_updates(allowed_updates=["poll_answer"], timeout=0)
        assert update.poll_answer.poll_id == message.poll.id and list(update.poll_answer.option_ids) == [0]
        assert update.poll_answer.user.id == 413
        await user.vote(None, "b", wait=False)
        (update,) = await bot.get_updates(offset=update.update_id + 1, allowed_updates=["poll"], timeout=0)
        assert update.poll.options[1].voter_count == 1
        copy = await bot.copy_message(413, 413, message.message_id)
    copied = next(m for m in user.messages if m.message_id == copy.message_id)
    assert copied.media["poll"]["id"] != message.poll.id and copied.media["poll"]["total_voter_count"] == 0
