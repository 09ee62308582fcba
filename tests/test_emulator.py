"""The Bot API emulator against the real python-telegram-bot: replies, buttons, Telegram's strictness."""

from __future__ import annotations

import datetime as dtm

import httpx
import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.runner import serving
from tests.conftest import emulated_application

PARSE_ERROR = "can't parse entities:"
MENU = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("📰 News", callback_data="news"), InlineKeyboardButton("Help", callback_data="help")],
        [InlineKeyboardButton("Site", url="https://redcrescent.kz")],
    ]
)


async def start(update: Update, context) -> None:
    await update.effective_message.reply_text("<b>Welcome</b> &amp; hello", parse_mode="HTML", reply_markup=MENU)


async def on_button(update: Update, context) -> None:
    query = update.callback_query
    await query.answer(f"opened {query.data}")
    if query.data == "same":
        await query.edit_message_text(query.message.text, reply_markup=query.message.reply_markup)
    else:
        row = [
            InlineKeyboardButton("⬅️ Back", callback_data="back"),
            InlineKeyboardButton("Again", callback_data="same"),
        ]
        await query.edit_message_text(f"Section: {query.data}", reply_markup=InlineKeyboardMarkup([row]))


async def run_scenario(update: Update, context) -> None:
    """/go runs the test's own coroutine; Telegram's refusals are kept for the test to look at."""
    try:
        await context.bot_data["scenario"](update, context)
    except TelegramError as error:
        context.bot_data["errors"].append(error)
        await update.effective_message.reply_text(f"failed: {error.message}")


async def echo_kind(update: Update, context) -> None:
    message = update.effective_message
    kind = next(k for k in ("contact", "photo", "sticker", "document", "text") if getattr(message, k))
    if message.contact:
        kind = f"{kind} {message.contact.user_id or ''}"
    elif message.document:
        kind = f"{kind} {message.document.file_name}"
    await message.reply_text(f"got {kind}".strip())


async def track_membership(update: Update, context) -> None:
    context.bot_data["membership"].append(update.my_chat_member.new_chat_member.status)


@pytest.fixture
async def emu():
    async with TelegramEmulator(settle=0.05, reply_timeout=5) as emulator:
        yield emulator


@pytest.fixture
async def app(emu):
    """A small bot that reports each handled update to the emulator, so replies are collected exactly."""
    application = emulated_application(emu)
    application.bot_data.update(errors=[], membership=[], scenario=None)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("go", run_scenario))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(ChatMemberHandler(track_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.ALL & ~filters.COMMAND, echo_kind))
    async with serving(application, emulator=emu):
        yield application


def scenario(app, coroutine):
    app.bot_data["scenario"] = coroutine


# --- conversations -------------------------------------------------------------------------------


async def test_start_replies_with_the_keyboard(app, emu):
    user = emu.user(101, "Aigerim", language_code="kk")
    (reply,) = await user.send("/start")
    assert reply.text == "<b>Welcome</b> &amp; hello" and reply.plain == "Welcome & hello"
    assert reply.buttons == [["📰 News", "Help"], ["Site"]]
    assert reply.button_data == [["news", "help"], [None]]
    assert reply.chat_id == 101 and reply.message_id == 2  # the user's /start was message 1 in this chat
    assert user.last == reply and emu.refused == []


async def test_a_press_edits_the_message_and_answers_the_query(app, emu):
    user = emu.user(102)
    await user.send("/start")
    (section,) = await user.press("news")  # a case-insensitive part of "📰 News"
    assert section.edited and section.plain == "Section: news"
    assert section.buttons == [["⬅️ Back", "Again"]]
    (answer,) = user.callback_answers
    assert answer == {"callback_query_id": answer["callback_query_id"], "text": "opened news"}
    assert [m.plain for m in user.messages] == ["Section: news"]  # edited in place, not a new message
    assert emu.refused == []


async def test_pressing_a_button_that_is_not_there_raises(app, emu):
    user = emu.user(103)
    (menu,) = await user.send("/start")
    await user.press("Help")
    with pytest.raises(AssertionError, match=r"no button 'Help'.*\['⬅️ Back', 'Again'\]"):
        await user.press("Help")  # the edit replaced the menu
    with pytest.raises(AssertionError, match="no button with data 'news'"):
        await user.press_data("news", message=menu)
    other = emu.user(104)
    await other.send("/start")
    with pytest.raises(AssertionError, match="is a url button: pressing it sends nothing"):
        await other.press("Site")


async def test_editing_with_identical_content_is_not_modified(app, emu):
    user = emu.user(105)
    await user.send("/start")
    await user.press("Help")
    await user.press("Again")  # the handler edits the message to exactly what it is
    (refusal,) = emu.refused
    assert refusal.method == "editMessageText" and refusal.error_code == 400
    assert refusal.description.startswith("Bad Request: message is not modified: specified new message content")


async def test_messages_users_send_reach_the_bot_as_telegram_sends_them(app, emu):
    user = emu.user(106, "Dana")
    assert [m.plain for m in await user.send_contact("+77011234567")] == ["got contact 106"]
    assert [m.plain for m in await user.send_contact("+77020000000", first_name="Mom", own=False)] == ["got contact"]
    assert [m.plain for m in await user.send_photo(caption="me")] == ["got photo"]
    assert [m.plain for m in await user.send_sticker()] == ["got sticker"]
    assert [m.plain for m in await user.send_document("cv.pdf", b"%PDF-1.4")] == ["got document cv.pdf"]
    assert [m.plain for m in await user.send("hello")] == ["got text"]


async def test_group_messages_and_presses(app, emu):
    group = emu.group(-1001, "Volunteers")
    user = emu.user(107)
    (reply,) = await user.send("/start@redcrescent_sandbox_bot", chat=group)
    assert reply.chat_id == -1001 and group.last == reply
    (edited,) = await user.press("Help", chat=group)
    assert edited.plain == "Section: help" and user.messages == []


# --- Telegram's strictness, seen by the bot --------------------------------------------------------


async def test_invalid_html_is_a_bad_request_in_the_bot(app, emu):
    async def send_div(update, context):
        await update.effective_message.reply_text("Hello <div>there</div>", parse_mode=ParseMode.HTML)

    scenario(app, send_div)
    (reply,) = await emu.user(110).send("/go")
    (error,) = app.bot_data["errors"]
    assert isinstance(error, BadRequest)
    assert error.message == "Can't parse entities: unsupported start tag \"div\" at byte offset 6"
    assert reply.plain.startswith("failed")
    assert emu.refused[0].description == f'Bad Request: {PARSE_ERROR} Unsupported start tag "div" at byte offset 6'


async def test_text_limit_counts_visible_characters(app, emu):
    async def long_texts(update, context):
        await update.effective_message.reply_text("<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
        await update.effective_message.reply_text("a" * 4097)

    scenario(app, long_texts)
    replies = await emu.user(111).send("/go")
    assert [len(m.plain) for m in replies] == [4096, len("failed: Message is too long")]
    assert [c.description for c in emu.refused] == ["Bad Request: message is too long"]


async def test_callback_data_is_limited_to_64_bytes(app, emu):
    async def keyboards(update, context):
        fits = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="й" * 32)]])  # 64 bytes
        await update.effective_message.reply_text("fits", reply_markup=fits)
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("long", callback_data="x" * 65)]])
        await update.effective_message.reply_text("too long", reply_markup=too_long)

    scenario(app, keyboards)
    replies = await emu.user(112).send("/go")
    assert [m.plain for m in replies] == ["fits", "failed: Button_data_invalid"]
    assert emu.refused[0].description == "Bad Request: BUTTON_DATA_INVALID"


async def test_a_user_who_blocked_the_bot_is_forbidden(app, emu):
    blocker, other = emu.user(113), emu.user(114)
    await blocker.send("/start")
    await blocker.block()
    assert app.bot_data["membership"] == ["kicked"]

    async def write_to_blocker(update, context):
        await context.bot.send_message(113, "news")

    scenario(app, write_to_blocker)
    await other.send("/go")
    (error,) = app.bot_data["errors"]
    assert isinstance(error, Forbidden) and error.message == "Forbidden: bot was blocked by the user"
    await blocker.unblock()
    assert app.bot_data["membership"] == ["kicked", "member"]
    await blocker.block()
    with pytest.raises(AssertionError, match="user 113 has blocked the bot"):
        await blocker.send("/start")


@pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")  # RetryAfter.retry_after: int or timedelta
async def test_rate_limit_gives_retry_after(app, emu):
    emu.set_rate_limit(2, retry_after=3)

    async def burst(update, context):
        for n in range(3):
            await context.bot.send_message(update.effective_chat.id, f"message {n}")

    scenario(app, burst)
    replies = await emu.user(115).send("/go")
    (error,) = app.bot_data["errors"]
    assert isinstance(error, RetryAfter)
    retry_after = error.retry_after
    assert (retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after) == 3
    # The "failed" reply came during the penalty too: refused as well.
    assert [m.plain for m in replies] == ["message 0", "message 1"]
    assert [c.description for c in emu.refused] == ["Too Many Requests: retry after 3"] * 2
    emu.set_rate_limit(None)
    assert [m.plain for m in await emu.user(115).send("hi")] == ["got text"]


async def test_edit_delete_and_answer_errors(app, emu):
    user = emu.user(116)
    (menu,) = await user.send("/start")
    bot = app.bot
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=116, message_id=999)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(116, 999)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999_999, "hello")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    assert await bot.delete_message(116, menu.message_id)
    assert user.messages == [] and user.last is None
    with pytest.raises(AssertionError, match="was deleted"):
        await user.press("Help", message=menu)


async def test_send_document_keeps_bytes_and_users_files_can_be_downloaded(app, emu):
    user = emu.user(117)

    async def send_files(update, context):
        await update.effective_message.reply_document(
            b"name;phone\n", filename="applications.csv", caption="<b>Today</b>", parse_mode=ParseMode.HTML
        )

    scenario(app, send_files)
    (document,) = await user.send("/go")
    assert document.kind == "document" and document.filename == "applications.csv"
    assert document.document == b"name;phone\n" and document.plain == "Today"

    async def keep_document(update, context):
        context.bot_data["document"] = update.effective_message.document

    app.add_handler(MessageHandler(filters.Document.ALL, keep_document), group=-1)
    await user.send_document("cv.txt", b"my cv")
    telegram_file = await app.bot.get_file(app.bot_data["document"].file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == b"my cv"


async def test_copy_and_photo_by_file_id(app, emu):
    user, staff = emu.user(118), emu.user(119)

    async def forward_photo(update, context):
        photo = context.bot_data["photo"]
        await context.bot.copy_message(119, photo.chat_id, photo.message_id)
        await context.bot.send_photo(119, photo.photo[-1].file_id, caption="again")

    async def keep_photo(update, context):
        context.bot_data["photo"] = update.effective_message

    app.add_handler(MessageHandler(filters.PHOTO, keep_photo), group=-1)
    await user.send_photo(caption="my photo")
    scenario(app, forward_photo)
    assert await user.send("/go", expect_reply=False) == []  # the bot writes to staff only
    await emu.wait_until_idle()
    assert [(m.kind, m.plain) for m in staff.messages] == [("photo", "my photo"), ("photo", "again")]
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await app.bot.send_photo(119, "AgACnotafile")


async def test_commands_are_stored_per_scope_and_language(app, emu):
    bot = app.bot
    emu.user(120)
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "Бастау")], language_code="kk")
    await bot.set_my_commands([BotCommand("admin", "Staff only")], scope=BotCommandScopeChat(120))
    assert emu.commands[("default", None)] == [
        {"command": "start", "description": "Start"},
        {"command": "help", "description": "Help"},
    ]
    assert emu.commands[("default", "kk")] == [{"command": "start", "description": "Бастау"}]
    assert emu.commands[("chat:120", None)] == [{"command": "admin", "description": "Staff only"}]
    assert [c.command for c in await bot.get_my_commands(language_code="kk")] == ["start"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "upper case")])
    await bot.delete_my_commands(language_code="kk")
    assert ("default", "kk") not in emu.commands
    await bot.set_my_description("Red Crescent bot", language_code="en")
    await bot.set_my_short_description("Help and news")
    assert emu.descriptions == {"en": "Red Crescent bot"} and emu.short_descriptions == {None: "Help and news"}


# --- waiting ---------------------------------------------------------------------------------------


async def test_fire_and_forget_then_idle_and_wait_for(app, emu):
    user, staff = emu.user(121), emu.user(122)
    for n in range(5):
        assert await user.send(f"note {n}", wait=False) == []
    await emu.wait_until_idle()
    assert [m.plain for m in user.messages] == ["got text"] * 5

    async def later(update, context):
        await update.effective_message.reply_text("queued")
        await context.bot.send_message(122, "broadcast: first aid course")

    scenario(app, later)
    await staff.send("/start")
    await user.send("/go")
    notice = await staff.wait_for(lambda m: m.plain.startswith("broadcast"), timeout=2)
    assert notice.plain == "broadcast: first aid course"
    with pytest.raises(TimeoutError, match="no matching message"):
        await staff.wait_for(lambda m: "never" in m.plain, timeout=0.2)


async def test_no_reply_raises_a_timeout_naming_the_update(emu):
    emu.reply_timeout = 0.3
    with pytest.raises(TimeoutError, match=r"did not fetch update 1 \(message '/start' from user 123\)"):
        await emu.user(123).send("/start")


# --- getUpdates and the HTTP surface ---------------------------------------------------------------


async def test_get_updates_offset_limit_and_allowed_updates(emu):
    user = emu.user(130)
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as bot:
        for n in range(3):
            await user.send(f"m{n}", wait=False)
        updates = await bot.get_updates()
        assert [u.message.text for u in updates] == ["m0", "m1", "m2"]
        assert [u.update_id for u in updates] == [1, 2, 3]
        assert updates[0].message.from_user.id == 130 and updates[0].message.chat.type == "private"
        assert [u.update_id for u in await bot.get_updates()] == [1, 2, 3]  # not confirmed yet
        assert [u.update_id for u in await bot.get_updates(offset=3, limit=5)] == [3]  # 1 and 2 confirmed
        assert await bot.get_updates(offset=4, timeout=0) == ()
        await user.send("/help", wait=False)
        (update,) = await bot.get_updates(offset=4, timeout=1)
        assert update.message.entities[0].type == "bot_command" and update.message.text == "/help"
        # allowed_updates sticks and filters: a message is dropped when only callback queries are asked for.
        await user.send("dropped", wait=False)
        assert await bot.get_updates(offset=5, timeout=0, allowed_updates=["callback_query"]) == ()
        await user.send("kept", wait=False)
        assert [u.message.text for u in await bot.get_updates(offset=5, allowed_updates=[])] == ["kept"]
        for n in range(3):
            await user.send(f"n{n}", wait=False)
        assert [u.message.text for u in await bot.get_updates(offset=-1)] == ["n2"]


async def test_http_errors_like_telegram(emu):
    emu.user(131)
    base = f"{emu.base_url}{emu.token}"
    async with httpx.AsyncClient() as client:

        async def call(method, **kwargs):
            response = await client.post(f"{base}/{method}", **kwargs)
            return response.status_code, response.json()

        assert await call("sendMessage", data={"text": "hi"}) == (
            400,
            {"ok": False, "error_code": 400, "description": "Bad Request: chat_id is empty"},
        )
        for data in ({"chat_id": "131"}, {"chat_id": "131", "text": "  "}):
            assert (await call("sendMessage", data=data))[1]["description"] == "Bad Request: message text is empty"
        status, body = await call("SENDMESSAGE", json={"chat_id": 131, "text": "json body, any case"})
        assert status == 200 and body["result"]["text"] == "json body, any case"
        bot_user = {"id": 123456, "is_bot": True, "first_name": "Red Crescent", "username": "redcrescent_sandbox_bot"}
        assert body["result"]["from"] == bot_user
        assert await call("noSuchMethod") == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
        status, body = await call("sendVideo", data={"chat_id": "131", "video": "x"})
        assert status == 400 and body["description"] == "Bad Request: method not supported by the emulator: sendVideo"
        status, body = await call("deleteMessage", data={"chat_id": "131", "message_id": "abc"})
        assert body["description"] == 'Bad Request: field "message_id" must be of type Integer'
        markup = '{"inline_keyboard": [[{"text": "no action"}]]}'
        status, body = await call("sendMessage", data={"chat_id": "131", "text": "x", "reply_markup": markup})
        assert body["description"].endswith("inline keyboard button: Text buttons are unallowed in the inline keyboard")
        status, body = await call("sendMessage", data={"chat_id": "131", "text": "x", "reply_markup": "{oops"})
        assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
        status, body = await call("setWebhook", data={"url": "https://example.org/hook"})
        assert body["description"] == "Bad Request: bad webhook: the emulator delivers webhooks only to 127.0.0.1 or localhost"
        status, body = await call("setWebhook", data={"url": "http://example.org/hook"})
        assert body["description"] == "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
        status, body = await call("answerCallbackQuery", data={"callback_query_id": "1", "text": "x" * 201})
        assert status == 400
        wrong = await client.post(f"{emu.base_url}999:WRONG/getMe")
        assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
    assert [c.ok for c in emu.calls].count(True) == 1


async def test_the_other_methods_through_ptb(emu):
    user, staff, stranger = emu.user(140, "Asel"), emu.user(141), emu.user(142, started=False)
    await user.send("hello", wait=False)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]])
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as bot:
        poll = await bot.send_poll(140, "Which course?", ["First aid", "Psychological support"], is_anonymous=False)
        assert [o.text for o in poll.poll.options] == ["First aid", "Psychological support"] and poll.caption is None
        forwarded = await bot.forward_message(141, 140, 1)
        assert forwarded.text == "hello" and forwarded.forward_origin.sender_user.id == 140
        await user.send_photo("mine", wait=False)
        photo = await bot.send_photo(140, user_photo_id(emu, 140))
        edited = await bot.edit_message_caption(
            140, photo.message_id, caption="<b>now</b>", parse_mode="HTML", reply_markup=keyboard
        )
        assert edited.caption == "now" and user.last.buttons == [["x"]]
        assert (await bot.edit_message_reply_markup(140, photo.message_id)).reply_markup is None
        assert user.last.buttons == [] and user.last.edited
        replied = await bot.send_message(140, "about this", reply_to_message_id=1)
        assert replied.reply_to_message.text == "hello"
        with pytest.raises(BadRequest, match="Message to be replied not found"):
            await bot.send_message(140, "about nothing", reply_to_message_id=999)
        assert await bot.delete_messages(140, [poll.message_id, replied.message_id, 999])
        assert [m.kind for m in user.messages] == ["photo"]
        assert (await bot.get_chat(140)).first_name == "Asel"
        assert await bot.send_chat_action(140, "typing")
        with pytest.raises(BadRequest, match="Wrong parameter action"):
            await bot.send_chat_action(140, "dancing")
        with pytest.raises(Forbidden, match="bot can't initiate conversation"):
            await bot.send_message(142, "hi")
        await stranger.send("/start", wait=False)  # writing to the bot first allows it to answer
        assert (await bot.send_message(142, "hi")).text == "hi"
    assert [m.plain for m in staff.messages] == ["hello"]


def user_photo_id(emu, chat_id):
    """The file_id of the newest photo a user sent in this chat."""
    messages = emu.state.chats[chat_id].user_messages
    return next(m["photo"][-1]["file_id"] for _, m in sorted(messages.items(), reverse=True) if "photo" in m)
