"""Run the Telegram emulator on its own (a separate process from the bot, so the bot can be killed).

Prints one JSON line {"base_url", "token", "control"} and serves until stdin closes. A small
control server (HTTP on 127.0.0.1) lets the benchmarks drive people and read figures:
  POST /chat/start, POST /chat/stop           a few people chatting during a broadcast
  POST /load/start?askers=N&applicants=M      N people asking a typed question and M filling the
                                              volunteer form, all at once; GET /load/stats their figures
  GET /delivered?match=&exclude=              successful broadcast messages per subscriber chat
  GET /stats?match=&exclude=&split=&start=&end=   a broadcast's figures (its texts have `match`, not `exclude`),
                                              refusals (429s), apologies, chat answer times
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from pathlib import Path

from aiohttp import web

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench import emulator_figures as figures  # noqa: E402
from bench.emulator_people import Chatters, Load  # noqa: E402
from bot.sandbox.emulator import TelegramEmulator  # noqa: E402

FIRST_SUBSCRIBER = figures.FIRST_SUBSCRIBER
CHATTER_IDS = range(500, 600)
STAFF_ID = 9000


def _float(request: web.Request, name: str) -> float | None:
    value = request.query.get(name)
    return float(value) if value not in (None, "") else None


def routes(emulator: TelegramEmulator, args: argparse.Namespace) -> web.Application:
    """The control server's routes."""
    chatters = Chatters(emulator, list(CHATTER_IDS)[: args.chatters], args.chat_interval)
    load = Load(emulator, step_timeout=args.step_timeout)
    control = web.Application()

    async def chat_start(request):
        chatters.start()
        return web.json_response({"ok": True})

    async def chat_stop(request):
        chatters.stop()
        return web.json_response({"ok": True})

    async def load_start(request):
        load.start(int(request.query.get("askers", 200)), int(request.query.get("applicants", 50)))
        return web.json_response({"ok": True})

    async def load_stats(request):
        return web.json_response(load.figures())

    async def delivered(request):
        q = request.query
        return web.json_response(dict(figures.delivered(emulator.calls, q.get("match", ""), q.get("exclude", ""))))

    async def stats(request):
        q = request.query
        start, end = _float(request, "start"), _float(request, "end")
        result = figures.broadcast_stats(
            emulator.calls, q.get("match", ""), q.get("exclude", ""), split=_float(request, "split"),
            window=(start, end) if start is not None and end is not None else None, with_times=args.with_times,
        )
        result.update(figures.refusals(emulator.calls))
        result.update(figures.apologies(emulator.calls))
        if start is not None and end is not None:
            result["all_messages_in_window"] = figures.message_calls(emulator.calls, start, end)
        lat = sorted(chatters.latencies)
        result.update(
            chat_answers=len(lat),
            chat_unanswered=chatters.unanswered,
            chat_p50=statistics.median(lat) if lat else None,
            chat_p95=lat[int(0.95 * (len(lat) - 1))] if lat else None,
            chat_max=lat[-1] if lat else None,
        )
        return web.json_response(result)

    control.router.add_post("/chat/start", chat_start)
    control.router.add_post("/chat/stop", chat_stop)
    control.router.add_post("/load/start", load_start)
    control.router.add_get("/load/stats", load_stats)
    control.router.add_get("/delivered", delivered)
    control.router.add_get("/stats", stats)
    async def stop_people(app):
        chatters.stop()

    control.on_shutdown.append(stop_people)
    return control


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000, help="subscribers, ids from 1,000,000")
    parser.add_argument("--blocked-every", type=int, default=100, help="every n-th subscriber has blocked the bot")
    parser.add_argument("--rate-limit", type=float, default=30.0, help="Telegram's flood limit (0: none)")
    parser.add_argument("--paid-limit", type=float, default=1000.0, help="the limit for paid broadcast messages")
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--chatters", type=int, default=3)
    parser.add_argument("--chat-interval", type=float, default=2.0)
    parser.add_argument("--step-timeout", type=float, default=300.0, help="a person gives up after this long")
    parser.add_argument("--with-times", action="store_true")
    args = parser.parse_args()

    emulator = TelegramEmulator(settle=0.05, reply_timeout=30)
    await emulator.start()
    emulator.user(STAFF_ID, "Staff", language_code="en")  # staff get the new applications
    for n in range(args.users):
        user = emulator.user(FIRST_SUBSCRIBER + n, language_code="en")
        if args.blocked_every and n % args.blocked_every == 0:
            user.blocked = True  # the bot does not know yet: it finds out from the 403
    if args.rate_limit:
        emulator.set_rate_limit(args.rate_limit, retry_after=args.retry_after, paid_per_second=args.paid_limit)

    runner = web.AppRunner(routes(emulator, args), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"base_url": emulator.base_url, "token": emulator.token, "control": f"http://127.0.0.1:{port}"}), flush=True)

    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark closes our stdin
    await runner.cleanup()
    await emulator.stop()


if __name__ == "__main__":
    asyncio.run(main())
