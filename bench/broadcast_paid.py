"""`paid`: a paid alert (allow_paid_broadcast) to 100,000 subscribers, kill -9 of the bot at ~40%.

The emulator runs in its own process with its paid flood limit at 1,000/s (the free one at 30/s) and
shares the machine's two cores with the bot; PAID_BROADCAST_RATE=1000. Figures: deliveries a second
(target >= 600) before the kill, after the restart and overall; the bot's peak RSS; lost, duplicates
and the sends in flight or unwritten at the kill (duplicates may not exceed them).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import tempfile
import time
from pathlib import Path

from bench.broadcast_run import (
    ALERT_MARK, ALERT_TEXT, FIRST_SUBSCRIBER, Run, delivery_figures, done_count, follow, kill_and_restart, seed,
    valid_until,
)


def scenario(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-paid-"))
    run = Run(args, "paid", workdir, bot_env={"PAID_BROADCAST_RATE": str(args.paid_rate)})
    subscribers = args.subscribers
    figures: dict = {"scenario": "paid", "subscribers": subscribers, "paid_broadcast_rate": args.paid_rate,
                     "emulator_limit": args.emulator_limit, "emulator_paid_limit": args.paid_limit,
                     "workdir": str(workdir)}
    try:
        run.start_emulator(subscribers, "--paid-limit", str(args.paid_limit))
        asyncio.run(seed(run.db_path, range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + subscribers), ("alerts",)))
        broadcast_id = run.queue(ALERT_TEXT, "--topic", "alerts", "--paid", "--valid-until", valid_until(2), "--loud")
        started = time.monotonic()
        run.start_bot()
        killed = args.no_kill
        for status, counts in follow(run, broadcast_id, figures, started, every=0.2):
            done = done_count(counts)
            if not killed and done >= subscribers * 0.4:
                kill_and_restart(run, broadcast_id, done, figures, match=ALERT_MARK)
                killed = True
        elapsed = time.monotonic() - started
        killed_at = figures.pop("killed_at", None)
        stats = run.control("/stats", match=ALERT_MARK, **({"split": killed_at} if killed_at else {}))
        run.kill_bot(signal.SIGTERM)
        figures.update(
            status=status,
            db_counts=counts,
            delivered_rate=round(stats["rate"], 1),
            delivered_rate_before_kill=killed_at and round(stats["rate_before_split"], 1),
            delivered_rate_after_restart=killed_at and round(stats["rate_after_split"], 1),
            rate_target=600,
            **delivery_figures(run, stats, subscribers, elapsed),
        )
    finally:
        run.close()
    return figures
