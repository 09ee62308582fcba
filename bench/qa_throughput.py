"""How fast the whole bot answers typed questions through the emulator, next to a trivial reply.

The same Application (real handlers, real SQLite file) runs in its own process, as it would
beside the real Telegram, and talks to the emulator over HTTP on 127.0.0.1. It is sent a batch of messages from many users at once, three times: "/ping", answered by a fixed
"pong" handler added for this measurement; "/entry", answered with one fixed entry shaped
exactly like an answer (HTML, quoted question, buttons) but without searching; and real
questions from bench/eval. It prints replies per second for each and the ratios. By default the
bot's outgoing rate limiter is off, so the figures show the bot's own speed rather than
Telegram's cap of about 30 messages a second (--telegram-cap keeps it).

    .venv/bin/python bench/qa_throughput.py [--users 50] [--messages 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from telegram.ext import ApplicationHandlerStop, CommandHandler  # noqa: E402

from telegram.constants import ParseMode  # noqa: E402

from bench.qa_speed import eval_questions  # noqa: E402
from bot import keyboards  # noqa: E402
from bot.handlers.knowledge import render_entry  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.flood import FloodGuard  # noqa: E402
from bot.sandbox.emulator import TelegramEmulator  # noqa: E402
from bot.sandbox.runner import serving  # noqa: E402


# Before every handler of the bot's own, after the user is remembered (group -10).
BENCH_GROUP = -9


async def pong(update, context) -> None:
    """Answer /ping with a fixed text: the cheapest reply the bot can give."""
    await update.effective_message.reply_text("pong")
    raise ApplicationHandlerStop  # handled: the later groups would answer "unknown command" too


async def fixed_answer(update, context) -> None:
    """Answer /entry with one fixed entry, shaped exactly like an answer, but with no search."""
    entry = context.library.kb.entries["henry-dunant"]
    related = [context.library.kb.entries[r] for r in entry.related]
    await update.effective_message.reply_text(
        render_entry(entry, context.lang),
        parse_mode=ParseMode.HTML,
        do_quote=True,
        reply_markup=keyboards.answer_view(context.texts, context.lang, related, entry.id),
    )
    raise ApplicationHandlerStop


def _replies(emulator: TelegramEmulator, first_call: int) -> int:
    return sum(1 for call in emulator.calls[first_call:] if call.method == "sendMessage" and call.ok)


async def measure(emulator: TelegramEmulator, users: list, texts: list[str], per_user: int) -> float:
    """Send per_user messages from every user at once; return replies per second."""
    first_call = len(emulator.calls)
    expected = len(users) * per_user
    start = time.perf_counter()
    for n in range(per_user):
        for i, user in enumerate(users):
            await user.send(texts[(i * per_user + n) % len(texts)], wait=False)
    while _replies(emulator, first_call) < expected:
        if time.perf_counter() - start > 300:
            raise TimeoutError("the bot did not answer every message within 5 minutes")
        await asyncio.sleep(0.01)
    return expected / (time.perf_counter() - start)


async def serve(base_url: str, token: str, database: str, telegram_cap: bool) -> None:
    """Run the bot (in its own process) against the emulator until SIGTERM."""
    settings = load_settings({"DATABASE_PATH": database}, env_file=None).with_changes(bot_token=token, bot_api_base_url=base_url)
    # Each bench user sends a burst far beyond what the flood guard allows a person.
    application = build_application(settings, flood_guard=FloodGuard(burst=1_000_000))
    application.add_handler(CommandHandler("ping", pong), group=BENCH_GROUP)
    application.add_handler(CommandHandler("entry", fixed_answer), group=BENCH_GROUP)
    if not telegram_cap:
        # Measure the bot's own speed: without Telegram's ~30 messages/s cap (the rate
        # limiter), which would otherwise make both figures 30/s.
        application.bot._rate_limiter = None  # noqa: SLF001 - bench only
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with serving(application):
        await stop.wait()


async def main(users: int, messages: int, rounds: int, telegram_cap: bool) -> None:
    """Run both measurements a few rounds each and print the figures."""
    logging.basicConfig(level=logging.WARNING)
    questions = [q for q, _ in eval_questions(PROJECT / "bench" / "eval")]
    with tempfile.TemporaryDirectory() as tmp:
        async with TelegramEmulator(settle=0.05) as emulator:
            # The bot runs in a process of its own, as it would beside the real Telegram.
            bot = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--serve", emulator.base_url, emulator.token, str(Path(tmp) / "bench.sqlite3"),
                *(["--telegram-cap"] if telegram_cap else []),
            )
            try:
                people = [emulator.user(10_000 + n, language_code=("kk", "ru", "en")[n % 3]) for n in range(users)]
                await measure(emulator, people, ["/ping"], 2)  # warm up: users seen, caches filled
                fixed, shaped, answered = [], [], []
                for _ in range(rounds):
                    fixed.append(await measure(emulator, people, ["/ping"], messages))
                    shaped.append(await measure(emulator, people, ["/entry"], messages))
                    answered.append(await measure(emulator, people, questions, messages))
                refused = len(emulator.refused)
            finally:
                bot.send_signal(signal.SIGTERM)
                await bot.wait()
    best_fixed, best_shaped, best_answered = max(fixed), max(shaped), max(answered)
    print(f"users {users}, messages per user {messages}, rounds {rounds}, Telegram's rate cap {'on' if telegram_cap else 'off'}")
    print(f"fixed reply (/ping):   {best_fixed:7.1f} replies/s   (rounds: {', '.join(f'{r:.1f}' for r in fixed)})")
    print(f"fixed answer (/entry): {best_shaped:7.1f} replies/s   (rounds: {', '.join(f'{r:.1f}' for r in shaped)})")
    print(f"typed questions:       {best_answered:7.1f} replies/s   (rounds: {', '.join(f'{r:.1f}' for r in answered)})")
    print(f"questions / fixed reply:          {best_answered / best_fixed:7.1%}")
    print(f"questions / same-size answer:     {best_answered / best_shaped:7.1%}   (the cost of the search itself)")
    print(f"requests the emulator refused: {refused}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--telegram-cap", action="store_true", help="keep the bot's rate limiter (about 30 messages/s)")
    parser.add_argument("--serve", nargs=3, metavar=("BASE_URL", "TOKEN", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(*args.serve, args.telegram_cap))
    else:
        asyncio.run(main(args.users, args.messages, args.rounds, args.telegram_cap))
