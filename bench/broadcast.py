"""Broadcast benchmark against the emulator (run in its own process), with Telegram's flood limit on.

Scenarios (each starts a fresh emulator, database and bot process):
  rate    N subscribers (1% have blocked the bot), people chatting meanwhile: delivered rate,
          lost, duplicates, the bot's peak RSS, chat answer times
  kill    the same, with `kill -9` of the bot in the middle and a restart: lost, duplicates vs in flight
  memory  a large audience at a high BROADCAST_RATE without flood limit: the bot's peak RSS
  alert   a newsletter to N subscribers; at ~20% an alert to 1,000 of them (bench/broadcast_alert.py)
  paid    a paid alert to 100,000 with the paid limit at 1,000/s, kill -9 at ~40% (bench/broadcast_paid.py)
  load    200 people asking and 50 filling the volunteer form at once, without and with a newsletter
          running (bench/broadcast_load.py)

  .venv/bin/python bench/broadcast.py rate kill --subscribers 10000
  .venv/bin/python bench/broadcast.py memory --subscribers 100000 --rate 400 --emulator-limit 0
  .venv/bin/python bench/broadcast.py alert load
  .venv/bin/python bench/broadcast.py paid --subscribers 100000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import broadcast_alert, broadcast_load, broadcast_paid  # noqa: E402
from bench.broadcast_run import (  # noqa: E402
    FIRST_SUBSCRIBER, Run, db_state, delivery_figures, done_count, follow, kill_and_restart, seed,
)


def scenario(args: argparse.Namespace, name: str) -> dict:
    """rate, kill or memory: one newsletter to every subscriber."""
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    run = Run(args, name, workdir)
    chatters = args.chatters if name != "memory" else 0
    figures: dict = {"scenario": name, "subscribers": args.subscribers, "broadcast_rate": args.rate,
                     "emulator_limit": args.emulator_limit, "workdir": str(workdir)}
    try:
        run.start_emulator(args.subscribers, chatters=chatters)
        asyncio.run(seed(run.db_path, range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + args.subscribers)))
        broadcast_id = run.queue()
        started = time.monotonic()
        run.start_bot()
        chatting = killed = False
        for status, counts in follow(run, broadcast_id, figures, started, every=0.5):
            done = done_count(counts)
            if status == "sending" and chatters and not chatting:
                run.control("/chat/start", post=True)
                chatting = True
            if name == "kill" and not killed and done >= args.subscribers * 0.4:
                kill_and_restart(run, broadcast_id, done, figures)
                figures.pop("killed_at")
                killed = True
        elapsed = time.monotonic() - started
        if chatting:
            run.control("/chat/stop", post=True)
        stats = run.control("/stats")
        status, counts = asyncio.run(db_state(run.db_path, broadcast_id))
        run.kill_bot(signal.SIGTERM)
        figures.update(
            status=status,
            db_counts=counts,
            delivered_rate=round(stats["rate"], 2),
            rate_share=round(stats["rate"] / args.rate, 4),
            **delivery_figures(run, stats, args.subscribers, elapsed),
            chat_answers=stats["chat_answers"],
            chat_unanswered=stats["chat_unanswered"],
            chat_p50_s=stats["chat_p50"] and round(stats["chat_p50"], 3),
            chat_p95_s=stats["chat_p95"] and round(stats["chat_p95"], 3),
            chat_max_s=stats["chat_max"] and round(stats["chat_max"], 3),
        )
    finally:
        run.close()
    return figures


SCENARIOS = {
    "rate": lambda args: [scenario(args, "rate")],
    "kill": lambda args: [scenario(args, "kill")],
    "memory": lambda args: [scenario(args, "memory")],
    "alert": lambda args: [broadcast_alert.scenario(args)],
    "paid": lambda args: [broadcast_paid.scenario(args)],
    "load": broadcast_load.scenarios,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=["rate", "kill"], choices=list(SCENARIOS))
    parser.add_argument("--subscribers", type=int, default=None,
                        help="audience of the broadcast (default 10,000; paid: 100,000)")
    parser.add_argument("--rate", type=float, default=25.0, help="BROADCAST_RATE for the bot")
    parser.add_argument("--paid-rate", type=float, default=1000.0, help="PAID_BROADCAST_RATE for the bot (paid)")
    parser.add_argument("--emulator-limit", type=float, default=30.0, help="the emulator's flood limit per second (0: none)")
    parser.add_argument("--paid-limit", type=float, default=1000.0, help="the emulator's paid flood limit per second")
    parser.add_argument("--chatters", type=int, default=3, help="people chatting with the bot during the broadcast")
    parser.add_argument("--alert-subscribers", type=int, default=1000, help="alert: the alert's audience")
    parser.add_argument("--askers", type=int, default=200, help="load: people asking a typed question at once")
    parser.add_argument("--applicants", type=int, default=50, help="load: people filling the volunteer form at once")
    parser.add_argument("--no-kill", action="store_true", help="paid: no kill -9 in the middle")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    subscribers = args.subscribers
    for name in args.scenarios:
        args.subscribers = subscribers or (100_000 if name == "paid" else 10_000)
        for figures in SCENARIOS[name](args):
            print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
