"""Run the Telegram emulator on its own (a separate process from the bot, so the bot can be killed).

Prints one JSON line {"base_url", "token", "control"} and serves until stdin closes. A small
control server (HTTP on 127.0.0.1) lets bench/broadcast.py start people chatting and read figures:
  POST /chat/start, POST /chat/stop, GET /delivered, GET /stats
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter

from aiohttp import web

from bot.sandbox.emulator import TelegramEmulator

FIRST_SUBSCRIBER = 1_000_000
CHATTER_IDS = range(500, 600)


class Bench:
    """The emulator plus the people chatting with the bot during a broadcast."""

    def __init__(self, emulator: TelegramEmulator, args: argparse.Namespace) -> None:
        self.emulator = emulator
        self.args = args
        self.latencies: list[float] = []
        self.unanswered = 0
        self._chatters: list[asyncio.Task] = []

    async def chat(self, user_id: int) -> None:
        """One person asking the bot something every few seconds, timing each answer."""
        user = self.emulator.user(user_id, language_code="en")
        await asyncio.sleep((user_id % 10) * self.args.chat_interval / 10)
        while True:
            started = time.monotonic()
            await user.send("/help", wait=False)
            try:
                await user.wait_for(lambda m: True, timeout=10)
                self.latencies.append(time.monotonic() - started)
            except TimeoutError:
                self.unanswered += 1
            await asyncio.sleep(self.args.chat_interval)

    def start_chat(self) -> None:
        """Start the chatters."""
        if not self._chatters:
            ids = list(CHATTER_IDS)[: self.args.chatters]
            self._chatters = [asyncio.create_task(self.chat(i)) for i in ids]

    def stop_chat(self) -> None:
        """Stop the chatters."""
        for task in self._chatters:
            task.cancel()
        self._chatters = []

    def broadcast_calls(self) -> list:
        """Message calls to subscribers (the broadcast), in arrival order."""
        return [c for c in self.emulator.calls if c.method in ("sendMessage", "sendPhoto") and _chat(c) >= FIRST_SUBSCRIBER]

    def delivered(self) -> Counter:
        """Successful broadcast messages per subscriber chat."""
        return Counter(_chat(c) for c in self.broadcast_calls() if c.ok)

    def stats(self) -> dict:
        """Figures of the broadcast as Telegram saw it."""
        calls = self.broadcast_calls()
        ok = [c for c in calls if c.ok]
        per_chat = Counter(_chat(c) for c in ok)
        refused = Counter(c.error_code for c in self.emulator.calls if not c.ok)
        span = ok[-1].time - ok[0].time if len(ok) > 1 else 0.0
        lat = sorted(self.latencies)
        refused_detail = Counter(f"{c.method} {c.error_code} {(c.description or '')[:50]}" for c in self.emulator.calls if not c.ok)
        return {
            "ok_sends": len(ok),
            "chats_reached": len(per_chat),
            "duplicates": sum(n - 1 for n in per_chat.values()),
            "refused": {str(k): v for k, v in refused.items()},
            "refused_detail": dict(refused_detail),
            "first_send": ok[0].time if ok else None,
            "last_send": ok[-1].time if ok else None,
            "rate": (len(ok) - 1) / span if span else 0.0,
            "send_times": [round(c.time, 3) for c in ok] if self.args.with_times else None,
            "chat_answers": len(lat),
            "chat_unanswered": self.unanswered,
            "chat_p50": statistics.median(lat) if lat else None,
            "chat_p95": lat[int(0.95 * (len(lat) - 1))] if lat else None,
            "chat_max": lat[-1] if lat else None,
        }


def _chat(call) -> int:
    try:
        return int(call.params.get("chat_id"))
    except (TypeError, ValueError):
        return -1


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--blocked-every", type=int, default=100, help="every n-th subscriber has blocked the bot")
    parser.add_argument("--rate-limit", type=float, default=30.0, help="Telegram's flood limit (0: none)")
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--chatters", type=int, default=3)
    parser.add_argument("--chat-interval", type=float, default=2.0)
    parser.add_argument("--with-times", action="store_true")
    args = parser.parse_args()

    emulator = TelegramEmulator(settle=0.05, reply_timeout=30)
    await emulator.start()
    for n in range(args.users):
        user = emulator.user(FIRST_SUBSCRIBER + n, language_code="en")
        if args.blocked_every and n % args.blocked_every == 0:
            user.blocked = True  # the bot does not know yet: it finds out from the 403
    if args.rate_limit:
        emulator.set_rate_limit(args.rate_limit, retry_after=args.retry_after)
    bench = Bench(emulator, args)

    control = web.Application()

    async def chat_start(request):
        bench.start_chat()
        return web.json_response({"ok": True})

    async def chat_stop(request):
        bench.stop_chat()
        return web.json_response({"ok": True})

    async def delivered(request):
        return web.json_response(dict(bench.delivered()))

    async def stats(request):
        return web.json_response(bench.stats())

    control.router.add_post("/chat/start", chat_start)
    control.router.add_post("/chat/stop", chat_stop)
    control.router.add_get("/delivered", delivered)
    control.router.add_get("/stats", stats)
    runner = web.AppRunner(control, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"base_url": emulator.base_url, "token": emulator.token, "control": f"http://127.0.0.1:{port}"}), flush=True)

    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark closes our stdin
    bench.stop_chat()
    await runner.cleanup()
    await emulator.stop()


if __name__ == "__main__":
    asyncio.run(main())
