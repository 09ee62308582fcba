"""Waiting for the bot exactly: the bot reports each handled update, so no quiet window is needed."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.runner import serving
from tests.conftest import emulated_application


async def slow_answer(update: Update, context) -> None:
    await update.effective_message.reply_text("looking it up…")
    await asyncio.sleep(0.5)
    await update.effective_message.reply_text("here it is")


async def fail(update: Update, context) -> None:
    raise RuntimeError("the handler broke")


async def apologise(update: object, context) -> None:
    if isinstance(update, Update) and update.effective_message:
        await update.effective_message.reply_text("sorry, something went wrong")


async def drop_flooders(update: Update, context) -> None:
    if update.effective_user and update.effective_user.id in context.bot_data["flooders"]:
        raise ApplicationHandlerStop


async def echo(update: Update, context) -> None:
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def stay_silent(update: Update, context) -> None:
    """Answers nothing."""


@pytest.fixture
async def emu():
    # No quiet window at all: every wait below must end on the bot's own report.
    async with TelegramEmulator(settle=0, reply_timeout=5) as emulator:
        yield emulator


@pytest.fixture
async def app(emu):
    application = emulated_application(emu)
    application.bot_data["flooders"] = set()
    application.add_handler(TypeHandler(Update, drop_flooders), group=-20)
    application.add_handler(CommandHandler("slow", slow_answer))
    application.add_handler(CommandHandler("fail", fail))
    application.add_handler(CommandHandler("quiet", stay_silent))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_error_handler(apologise)
    async with serving(application, emulator=emu):
        yield application


async def test_a_slow_handler_is_collected_completely_without_a_settle(app, emu):
    assert emu.bot_attached
    replies = await emu.user(301).send("/slow")
    assert [m.plain for m in replies] == ["looking it up…", "here it is"]


async def test_a_handler_that_raises_still_ends_the_wait(app, emu):
    (apology,) = await emu.user(302).send("/fail")
    assert apology.plain == "sorry, something went wrong"
    assert [m.plain for m in await emu.user(302).send("still there?")] == ["echo: still there?"]


async def test_updates_stopped_by_an_early_group_end_the_wait(app, emu):
    app.bot_data["flooders"].add(303)
    flooder = emu.user(303)
    assert await flooder.send("spam", expect_reply=False) == []
    with pytest.raises(AssertionError, match=r"handled update \d+ \(message 'spam' from user 303\) without answering"):
        await flooder.send("spam")
    await emu.wait_until_idle()
    assert flooder.messages == []


async def test_no_answer_fails_at_once_with_a_clear_message(app, emu):
    emu.reply_timeout = 60  # the failure must not come from a timeout
    started = asyncio.get_running_loop().time()
    with pytest.raises(AssertionError, match=r"the bot handled update \d+ \(message '/quiet' .*\) without answering"):
        await emu.user(304).send("/quiet")
    assert asyncio.get_running_loop().time() - started < 5


async def test_idle_means_every_update_handled(app, emu):
    users = [emu.user(310 + n) for n in range(4)]
    for user in users:
        await user.send("/slow", wait=False)
    await emu.wait_until_idle()
    assert all([m.plain for m in user.messages] == ["looking it up…", "here it is"] for user in users)


async def test_without_an_attached_bot_the_quiet_window_is_used(emu):
    application = Application.builder().token(emu.token).base_url(emu.base_url).build()  # PTB's own processor
    application.add_handler(MessageHandler(filters.TEXT, echo))
    emu.settle = 0.05
    async with serving(application, emulator=emu):
        assert not emu.bot_attached
        (reply,) = await emu.user(320).send("hello")
    assert reply.plain == "echo: hello"
