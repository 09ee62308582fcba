"""The terminal sandbox as a person types into it: numbers, pop-ups, polls, chats that are not there, history."""

from __future__ import annotations

import io

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, PollAnswerHandler, filters

from bot.config import load_settings
from bot.sandbox.chat_history import history_path
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.runner import serving
from bot.sandbox.terminal import TerminalChat, run_sandbox
from tests.conftest import emulated_application

ME = 1001
CHOICES = InlineKeyboardMarkup(
    [[InlineKeyboardButton("Toast", callback_data="toast"), InlineKeyboardButton("Alert", callback_data="alert")]]
)


async def offer_choices(update: Update, context) -> None:
    await update.effective_message.reply_text("Pick one:", reply_markup=CHOICES)


async def answer_press(update: Update, context) -> None:
    query = update.callback_query
    if query.data == "alert":
        await query.answer("Applications close\non Friday", show_alert=True)
    else:
        await query.answer("Saved")


async def announce(update: Update, context) -> None:
    for chat_id in (ME, 4242):  # 4242 subscribed on real Telegram, but is no sandbox user
        try:
            await context.bot.send_message(chat_id, "📢 First aid course on Saturday")
        except BadRequest:
            pass


async def ask_quiz(update: Update, context) -> None:
    await context.bot.send_poll(ME, "Emergency number?", ["101", "112"], type="quiz", correct_option_ids=[1], is_anonymous=False)


async def thank_voter(update: Update, context) -> None:
    await context.bot.send_message(ME, f"you chose option {update.poll_answer.option_ids[0] + 1}")


async def echo(update: Update, context) -> None:
    await update.effective_message.reply_text(f"you wrote {update.effective_message.text}")


@pytest.fixture
async def chat():
    async with TelegramEmulator(reply_timeout=5) as emulator:
        application = emulated_application(emulator)
        application.add_handler(CommandHandler("choices", offer_choices))
        application.add_handler(CommandHandler("announce", announce))
        application.add_handler(CommandHandler("quiz", ask_quiz))
        application.add_handler(CallbackQueryHandler(answer_press))
        application.add_handler(PollAnswerHandler(thank_voter))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
        async with serving(application, emulator=emulator):
            yield TerminalChat(emulator.user(ME, "Sandbox"), io.StringIO(), color=False, echo=True)


async def typed(chat: TerminalChat, *lines: str) -> str:
    out = chat.printer.out
    start = len(out.getvalue())
    for line in lines:
        await chat.handle(line)
    return out.getvalue()[start:]


async def test_a_number_presses_a_button_only_when_the_newest_message_has_that_many(chat):
    shown = await typed(chat, "/choices")
    assert "[1] Toast   [2] Alert" in shown
    assert "(pop-up) Saved" in await typed(chat, "1")
    assert "bot> you wrote 3" in await typed(chat, "3")  # out of range: an ordinary message
    assert "bot> you wrote 87011234567" in await typed(chat, "87011234567")  # the newest message has no buttons


async def test_pop_up_answers_are_shown_and_alerts_boxed(chat):
    shown = await typed(chat, "/choices", "2")
    box = ["   ┌────────────────────┐", "   │ Applications close │", "   │ on Friday          │", "   └────────────────────┘"]
    assert "\n".join(box) in shown


async def test_a_chat_that_is_not_in_the_sandbox_is_explained_once(chat):
    shown = await typed(chat, "/announce")
    assert "bot> 📢 First aid course on Saturday" in shown
    assert shown.count("(sandbox: chat 4242 is not a sandbox user, so Telegram answers 'chat not found')") == 1
    assert "chat 4242" not in await typed(chat, "/announce")


async def test_a_poll_shows_numbered_options_and_a_number_votes(chat):
    shown = await typed(chat, "/quiz")
    assert "bot> 📊 Emergency number?   (quiz)\n     [1] 101   [2] 112" in shown
    assert "bot> you chose option 2" in await typed(chat, "2")
    assert "already answered the quiz" not in await typed(chat, "2")  # the newest message is the thanks now


def sandbox(tmp_path, typed_lines: str, *flags: str):
    """The whole sandbox reading piped input: its output and the coroutine that runs it."""
    settings = load_settings({"DATABASE_PATH": str(tmp_path / "unused.sqlite3")}, env_file=None)
    out = io.StringIO()
    return out, run_sandbox(
        settings,
        staff=False,
        user_id=ME,
        language_code="en",
        db_path=tmp_path / "sandbox.sqlite3",
        fresh="--fresh" in flags,
        stdin=io.StringIO(typed_lines),
        stdout=out,
    )


async def test_the_chat_survives_a_restart_and_fresh_forgets_it(tmp_path):
    out, running = sandbox(tmp_path, "/start\n87011234567\n")
    assert await running == 0
    first = out.getvalue()
    assert "choose a number" not in first and "you> 87011234567\nbot> " in first
    assert history_path(tmp_path / "sandbox.sqlite3").is_file()

    out, running = sandbox(tmp_path, "1\n")
    assert await running == 0
    again = out.getvalue()
    assert again.startswith("(sandbox: your chat is restored:")
    assert "you> 1\nbot (edited)> *🆘 Get help*" in again  # "1" pressed the first button of the last message

    out, running = sandbox(tmp_path, "/quit\n", "--fresh")
    assert await running == 0
    assert "restored" not in out.getvalue()
