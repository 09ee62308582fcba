"""`alert`: an alert queued while a newsletter is going out must overtake it.

10,000 newsletter subscribers (topic news; every 100th has blocked the bot). Every tenth of them
(n % 10 == 5, 1,000 people, none blocked) also subscribed to alerts in one region: the audiences
overlap, as they do in life, and those people get both messages. The newsletter is queued; at ~20%
delivered an alert to that region is queued with the command line (--valid-until, --loud).
Figures: time from queueing the alert to its last delivery (target: 1,000 / BROADCAST_RATE + 5 s),
newsletter sends meanwhile, lost and duplicates of both, and that the newsletter completes.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import tempfile
import time
from pathlib import Path

from bench.broadcast_run import (
    ALERT_MARK, ALERT_TEXT, FIRST_SUBSCRIBER, Run, db_state, done_count, seed, valid_until, wait_for_status,
)

REGION = "almaty_city"


def alert_ids(subscribers: int, alert_subscribers: int) -> list[int]:
    """Every tenth newsletter subscriber (n % 10 == 5: none of them blocked the bot)."""
    step = max(1, subscribers // alert_subscribers)
    return [FIRST_SUBSCRIBER + n for n in range(step // 2, subscribers, step)][:alert_subscribers]


def scenario(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-alert-"))
    run = Run(args, "alert", workdir)
    subscribers = args.subscribers
    alerted = alert_ids(subscribers, args.alert_subscribers)
    figures: dict = {"scenario": "alert", "subscribers": subscribers, "alert_subscribers": len(alerted),
                     "audiences": "overlap: the alert's audience also subscribed to the newsletter",
                     "broadcast_rate": args.rate, "emulator_limit": args.emulator_limit, "workdir": str(workdir)}
    try:
        run.start_emulator(subscribers)
        asyncio.run(seed(run.db_path, range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + subscribers)))
        asyncio.run(seed(run.db_path, alerted, ("alerts",), region=REGION))
        news_id = run.queue()
        started = time.monotonic()
        run.start_bot()
        while True:
            time.sleep(0.2)
            status, counts = asyncio.run(db_state(run.db_path, news_id))
            if done_count(counts) >= subscribers * 0.2 or time.monotonic() - started > args.timeout:
                break
        figures["newsletter_done_at_alert"] = done_count(counts)
        cli_started = time.monotonic()
        alert_id = run.queue(ALERT_TEXT, "--topic", "alerts", "--region", REGION, "--valid-until", valid_until(2), "--loud")
        queued = time.monotonic()
        alert_status, alert_counts = wait_for_status(run, alert_id, "done", args.timeout, verbose=args.verbose)
        news_status, news_counts = wait_for_status(run, news_id, "done", args.timeout, verbose=args.verbose)
        elapsed = time.monotonic() - started
        alert = run.control("/stats", match=ALERT_MARK)
        news = run.control("/stats", exclude=ALERT_MARK, start=queued, end=alert["last_send"] or queued)
        run.kill_bot(signal.SIGTERM)
        expected_news = subscribers - len(range(0, subscribers, 100))
        alert_time = (alert["last_send"] - queued) if alert["last_send"] else None
        target = len(alerted) / args.rate + 5
        figures.update(
            alert_status=alert_status,
            alert_db_counts=alert_counts,
            alert_queue_command_s=round(queued - cli_started, 2),
            alert_first_delivery_s=alert["first_send"] and round(alert["first_send"] - queued, 2),
            alert_last_delivery_s=alert_time and round(alert_time, 2),
            alert_target_s=round(target, 1),
            alert_within_target=alert_time is not None and alert_time <= target,
            alert_rate=round(alert["rate"], 2),
            alert_lost=len(alerted) - alert["chats_reached"],
            alert_duplicates=alert["duplicates"],
            newsletter_sends_meanwhile=news["sends_in_window"],
            newsletter_status=news_status,
            newsletter_completed=news_status == "done",
            newsletter_db_counts=news_counts,
            newsletter_lost=expected_news - news["chats_reached"],
            newsletter_duplicates=news["duplicates"],
            newsletter_rate=round(news["rate"], 2),
            messages_in_alert_window=news["all_messages_in_window"],
            refused=news["refused"],
            refused_429=news["refused_429"],
            elapsed_s=round(elapsed, 1),
            peak_rss_mb=[round(p, 1) for p in run.rss_peaks],
        )
    finally:
        run.close()
    return figures
