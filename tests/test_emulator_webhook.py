"""Webhook mode in the emulator: setWebhook, delivery to the bot's URL with the secret, and PTB's own server."""

from __future__ import annotations

import asyncio
import json
import socket
from contextlib import asynccontextmanager

import httpx
import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import CommandHandler

from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.runner import attached
from tests.conftest import emulated_application

SECRET = "s3cret_Token-1"


@pytest.fixture
async def emu():
    async with TelegramEmulator(reply_timeout=5) as emulator:
        yield emulator


class StandIn:
    """A tiny web app standing in for the bot: it keeps what the webhook POSTs and answers as told."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, str | None]] = []
        self.statuses: list[int] = []  # answers for the next requests; 200 once they run out
        self.delay = 0.0
        self.in_flight: dict[int, int] = {}
        self.most_in_flight: dict[int, int] = {}
        self.arrived = asyncio.Event()

    async def on_update(self, request: web.Request) -> web.Response:
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        self.in_flight[chat] = self.in_flight.get(chat, 0) + 1
        self.most_in_flight[chat] = max(self.most_in_flight.get(chat, 0), self.in_flight[chat])
        await asyncio.sleep(self.delay)
        self.in_flight[chat] -= 1
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.received.append((update, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
            self.arrived.set()
        return web.Response(status=status)

    async def until_received(self, count: int) -> None:
        while len(self.received) < count:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), timeout=5)


@asynccontextmanager
async def stand_in_bot():
    stand_in = StandIn()
    app = web.Application()
    app.router.add_post("/hook", stand_in.on_update)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield stand_in, f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    finally:
        await runner.cleanup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_updates_are_posted_to_the_url_with_the_secret(emu):
    user = emu.user(601, "Aigerim")
    async with stand_in_bot() as (stand_in, url), Bot(emu.token, base_url=emu.base_url) as bot:
        await user.send("before the webhook", wait=False)
        assert await bot.set_webhook(url, secret_token=SECRET, max_connections=500, drop_pending_updates=True)
        info = await bot.get_webhook_info()
        assert (info.url, info.max_connections, info.pending_update_count) == (url, 100, 0)  # clamped to 1-100
        await user.send("hello", wait=False)
        await stand_in.until_received(1)
        ((update, secret),) = stand_in.received
        assert secret == SECRET
        assert update["message"]["text"] == "hello" and update["message"]["from"]["id"] == 601
        with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
            await bot.get_updates()
        assert await bot.delete_webhook()
        await user.send("by polling again", wait=False)
        (polled,) = await bot.get_updates()
        assert polled.message.text == "by polling again"


async def test_a_failed_delivery_is_retried_and_reported(emu):
    user = emu.user(602)
    async with stand_in_bot() as (stand_in, url), Bot(emu.token, base_url=emu.base_url) as bot:
        stand_in.statuses = [500, 502]
        await bot.set_webhook(url)
        await user.send("try again", wait=False)
        await stand_in.until_received(1)
        assert stand_in.received[0][1] is None  # no secret was set, so no header
        info = await bot.get_webhook_info()
        assert info.last_error_message == "Wrong response from the webhook: 502 Bad Gateway"
        assert info.pending_update_count == 0


async def test_one_chat_at_a_time_in_order_and_chats_side_by_side(emu):
    first, second = emu.user(603), emu.user(604)
    async with stand_in_bot() as (stand_in, url), Bot(emu.token, base_url=emu.base_url) as bot:
        stand_in.delay = 0.05
        await bot.set_webhook(url)
        for n in range(4):
            await first.send(f"first {n}", wait=False)
            await second.send(f"second {n}", wait=False)
        await stand_in.until_received(8)
    texts = [u["message"]["text"] for u, _ in stand_in.received]
    assert [t for t in texts if t.startswith("first")] == [f"first {n}" for n in range(4)]
    assert stand_in.most_in_flight == {603: 1, 604: 1}


async def test_webhook_urls_are_checked_like_telegram(emu):
    async with Bot(emu.token, base_url=emu.base_url) as bot:
        for url, refusal in (
            ("http://bot.example.org/hook", "An HTTPS URL must be provided for webhook"),
            ("https://bot.example.org:8080/hook", "Webhook can be set up only on ports 80, 88, 443 or 8443"),
            ("https://bot.example.org/hook", "the emulator delivers webhooks only to 127.0.0.1 or localhost"),
        ):
            with pytest.raises(BadRequest, match=f"(?i)^bad webhook: {refusal}"):
                await bot.set_webhook(url)
        with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
            await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="no spaces")
        assert (await bot.get_webhook_info()).url == ""


async def start(update: Update, context) -> None:
    await update.effective_message.reply_text(f"Hello, {update.effective_user.first_name}!")


async def test_ptb_webhook_server_answers_start_and_refuses_a_wrong_secret(emu):
    port = free_port()
    application = emulated_application(emu)
    application.add_handler(CommandHandler("start", start))
    webhook_url = f"http://127.0.0.1:{port}/telegram"
    with attached(application, emu):
        async with application:
            await application.updater.start_webhook(
                listen="127.0.0.1", port=port, url_path="telegram", webhook_url=webhook_url, secret_token=SECRET
            )
            await application.start()
            try:
                assert (await application.bot.get_webhook_info()).url == webhook_url
                (reply,) = await emu.user(605, "Arman").send("/start")
                assert reply.plain == "Hello, Arman!"
                forged = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
                async with httpx.AsyncClient() as client:
                    response = await client.post(
                        webhook_url,
                        content=json.dumps(forged),
                        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "wrong"},
                    )
                assert response.status_code == 403
            finally:
                await application.updater.stop()
                await application.stop()
