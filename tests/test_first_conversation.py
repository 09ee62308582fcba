"""End to end through the emulator: /start, languages, menu, help, errors, blocks, floods."""

from __future__ import annotations

import pytest
from telegram.ext import CommandHandler

from bot import callbacks
from bot.flood import FloodGuard
from bot.handlers import system
from tests.conftest import STAFF_ID

# A handler group of its own for the failing test handler: after the user is remembered,
# before the bot's own handlers.
TEST_GROUP = -9
MENU_EN = ["🆘 Get help", "📜 History", "⚖️ Humanitarian law", "🤝 Fundamental Principles", "🛡 Emblems",
           "🙋 Volunteer", "📰 News", "🎯 Quiz", "ℹ️ About the Society"]


def labels(message):
    return [label for row in message.buttons for label in row]


@pytest.mark.parametrize(
    "language_code, hello, about",
    [("ru", "Здравствуйте", "ℹ️ Об Обществе"), ("kk", "Сәлеметсіз бе", "ℹ️ Қоғам туралы"), ("en-US", "Hello", "ℹ️ About the Society")],
)
async def test_start_greets_in_the_telegram_language_with_menu_and_language_choice(bot, emulator, language_code, hello, about):
    user = emulator.user(101, "Aigerim", language_code=language_code)
    (reply,) = await user.send("/start")
    assert reply.plain.startswith(f"{hello}, Aigerim!")
    assert "112" in reply.plain
    assert about in labels(reply)
    assert {"Қазақша", "Русский", "English"} <= set(labels(reply))
    assert emulator.refused == []


async def test_start_for_an_unsupported_language_uses_the_default(bot, emulator):
    user = emulator.user(102, "Hans", language_code="de")
    (reply,) = await user.send("/start")
    assert reply.plain.startswith("Сәлеметсіз бе, Hans!")  # DEFAULT_LANGUAGE is kk


async def test_main_menu_has_every_section(bot, emulator):
    user = emulator.user(103, language_code="en")
    (reply,) = await user.send("/menu")
    assert labels(reply) == MENU_EN


async def test_a_section_button_opens_it_and_back_returns_to_the_menu(bot, emulator):
    user = emulator.user(104, language_code="en")
    await user.send("/menu")
    (section,) = await user.press("📰 News")
    assert section.edited and "News" in section.plain
    (menu,) = await user.press("⬅️ Main menu")
    assert labels(menu) == MENU_EN


async def test_language_change_is_remembered_across_a_restart(running_bot, emulator, read_db):
    user = emulator.user(105, "Dana", language_code="en")
    async with running_bot():
        await user.send("/language")
        replies = await user.press("Русский")
        assert any("по-русски" in m.plain for m in replies)
        assert "⬅️" not in replies[-1].plain and "Главное меню" not in replies[-1].plain
        assert "📜 История" in labels(replies[-1])
    # A new Application on the same database file: Telegram still says "en".
    async with running_bot():
        (reply,) = await user.send("/start")
        assert reply.plain.startswith("Здравствуйте, Dana!")
    row = await (await read_db()).fetchone("SELECT language FROM users WHERE id = 105")
    assert row["language"] == "ru"


async def test_commands_are_registered_in_each_language(bot, emulator):
    commands = emulator.commands
    descriptions = {lang: {c["command"]: c["description"] for c in commands[("default", lang)]} for lang in ("kk", "ru", "en")}
    assert descriptions["ru"]["language"] == "Сменить язык"
    assert descriptions["en"]["language"] == "Change the language"
    assert descriptions["kk"]["language"] == "Тілді ауыстыру"
    public = {c["command"] for c in commands[("default", None)]}
    assert public >= {"start", "menu", "language", "help", "volunteer", "subscribe", "news", "forget_me"}
    assert not public & {"reload", "announce", "applications", "export"}


async def test_staff_see_the_staff_commands_in_their_own_chat(running_bot, emulator):
    emulator.user(STAFF_ID, language_code="ru")  # the admin has a chat with the bot
    async with running_bot():
        staff_menu = {c["command"]: c["description"] for c in emulator.commands[(f"chat:{STAFF_ID}", "ru")]}
    assert staff_menu["reload"] == "Сотрудникам: перезагрузить материалы"
    assert staff_menu["announce"] == "Сотрудникам: отправить объявление"
    assert "start" in staff_menu and "volunteer" in staff_menu


async def test_help_explains_what_the_bot_does(bot, emulator):
    (reply,) = await emulator.user(106, language_code="kk").send("/help")
    assert "/language" in reply.plain and "112" in reply.plain


async def test_an_unknown_command_gets_a_polite_answer(bot, emulator):
    (reply,) = await emulator.user(107, language_code="en").send("/frobnicate")
    assert "don't know that command" in reply.plain


async def test_html_in_a_users_name_is_escaped(bot, emulator):
    user = emulator.user(108, "<b>Eve & Co</b>", language_code="en")
    (reply,) = await user.send("/start")
    assert reply.plain.startswith("Hello, <b>Eve & Co</b>!")
    assert emulator.refused == []


async def test_a_failing_handler_is_answered_politely_and_the_next_update_is_served(bot, emulator):
    async def broken(update, context):
        raise ZeroDivisionError("deliberate failure in a test handler")

    bot.add_handler(CommandHandler("boom", broken), group=TEST_GROUP)
    staff = emulator.user(STAFF_ID, language_code="en")
    await staff.send("/start")
    user = emulator.user(109, language_code="ru")
    replies = await user.send("/boom")
    assert [m.plain for m in replies] == ["Извините, у нас что-то пошло не так. Попробуйте, пожалуйста, ещё раз чуть позже."]
    notice = await staff.wait_for(lambda m: "ZeroDivisionError" in m.plain, timeout=5)
    assert "/boom" in notice.plain
    (reply,) = await user.send("/start")
    assert reply.plain.startswith("Здравствуйте")


async def test_a_user_who_blocks_the_bot_is_marked_blocked_and_unmarked_on_return(bot, emulator, read_db):
    user = emulator.user(110, language_code="en")
    await user.send("/start")
    await user.block()
    await emulator.wait_until_idle()
    db = await read_db()
    assert (await db.fetchone("SELECT blocked FROM users WHERE id = 110"))["blocked"] == 1
    await user.unblock()
    await user.send("/start")
    assert (await db.fetchone("SELECT blocked FROM users WHERE id = 110"))["blocked"] == 0


async def test_staff_who_blocked_the_bot_are_marked_blocked_when_it_writes_to_them(bot, emulator, read_db):
    async def broken(update, context):
        raise ValueError("deliberate failure in a test handler")

    bot.add_handler(CommandHandler("boom", broken), group=TEST_GROUP)
    staff = emulator.user(STAFF_ID, language_code="en")
    await staff.send("/start")
    await staff.block()
    await staff.unblock()  # Telegram may not tell the bot about every change: blocked again silently
    await emulator.wait_until_idle()
    staff.blocked = True
    await emulator.user(111, language_code="en").send("/boom")
    await emulator.wait_until_idle()
    db = await read_db()
    assert (await db.fetchone(f"SELECT blocked FROM users WHERE id = {STAFF_ID}"))["blocked"] == 1


async def test_a_flooding_user_is_slowed_politely_without_slowing_others(running_bot, emulator):
    async with running_bot(flood_guard=FloodGuard()):
        flooder = emulator.user(112, language_code="en")
        for n in range(60):
            await flooder.send(f"/help {n}", wait=False)
        calm = emulator.user(113, language_code="en")
        (reply,) = await calm.send("/start")
        assert reply.plain.startswith("Hello")
        await emulator.wait_until_idle()
    texts = [m.plain for m in flooder.messages]
    warnings = [t for t in texts if "very quickly" in t]
    assert len(warnings) == 1
    assert len(texts) <= 22  # the burst allowance (20) plus the single notice, with a little leak


async def test_made_up_buttons_are_answered_as_out_of_date_and_remembered_under_one_key(bot, emulator):
    user = emulator.user(121, language_code="en")
    (menu,) = await user.send("/menu")
    for n in range(5):
        await user.forge_press(f"made{n}:up", message=menu, expect_reply=False)
        assert user.callback_answers[-1]["text"] == "This button is out of date. Please use the newest message."
    assert set(system._bad_buttons_logged) <= {*callbacks.SHAPES, "?"}  # a forger cannot grow it
