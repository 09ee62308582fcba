"""`load` ("Send below the limit and never drop a reply"): a crowd writes to the bot at once.

200 people ask a typed question and 50 fill the volunteer form (consent, name, date of birth, phone,
region, areas, languages, availability, experience, submit), all starting at the same moment, against
the emulator's 30/s flood limit: once with nothing else going on, once with a newsletter broadcast
running. Figures: everyone answered, apologies ("Sorry, something went wrong" in any language: must be
0), 429s, answer latency p50/p95/max; with the broadcast, its delivered rate as a share of
BROADCAST_RATE over the whole broadcast (target >= 90%) and while the crowd was being answered.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.broadcast_run import FIRST_SUBSCRIBER, Run, db_state, done_count, seed

READY_TIMEOUT = 60.0
# The crowd arrives once the broadcast has gone on at its pace for a while.
BROADCAST_WARMUP_SECONDS = 10.0


def scenarios(args: argparse.Namespace) -> Iterator[dict]:
    """Without, then with a newsletter broadcast running (each printed as soon as it is done)."""
    yield scenario(args, with_broadcast=False)
    yield scenario(args, with_broadcast=True)


def wait_until_ready(run: Run) -> None:
    """Until the bot says it is ready (it logs "bot ready" after post_init)."""
    deadline = time.monotonic() + READY_TIMEOUT
    log = run.workdir / "bot.log"
    while time.monotonic() < deadline:
        if log.exists() and "bot ready" in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the bot did not start; see {log}")


def run_crowd(run: Run, args: argparse.Namespace) -> dict:
    """Start the crowd and wait until every person is answered or gave up."""
    run.control("/load/start", post=True, askers=args.askers, applicants=args.applicants)
    while True:
        time.sleep(0.5)
        crowd = run.control("/load/stats")
        if not crowd["running"]:
            return crowd
        if args.verbose:
            print(f"[load] asks {crowd['asks_answered']}, forms {crowd['forms_completed']}, "
                  f"steps {crowd['form_steps_answered']}", flush=True)


def scenario(args: argparse.Namespace, *, with_broadcast: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    run = Run(args, "load", workdir)
    subscribers = args.subscribers if with_broadcast else 0
    figures: dict = {"scenario": "load", "with_broadcast": with_broadcast, "askers": args.askers,
                     "applicants": args.applicants, "subscribers": subscribers, "broadcast_rate": args.rate,
                     "emulator_limit": args.emulator_limit, "workdir": str(workdir)}
    try:
        run.start_emulator(subscribers)
        broadcast_id = None
        if with_broadcast:
            asyncio.run(seed(run.db_path, range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + subscribers)))
            broadcast_id = run.queue()
        started = time.monotonic()
        run.start_bot()
        wait_until_ready(run)
        if with_broadcast:
            while asyncio.run(db_state(run.db_path, broadcast_id))[0] != "sending":
                time.sleep(0.2)
            time.sleep(BROADCAST_WARMUP_SECONDS)
            figures["broadcast_done_at_crowd"] = done_count(asyncio.run(db_state(run.db_path, broadcast_id))[1])
        crowd = run_crowd(run, args)
        status = counts = None
        if with_broadcast:
            while True:
                status, counts = asyncio.run(db_state(run.db_path, broadcast_id))
                if status == "done" or time.monotonic() - started > args.timeout:
                    break
                time.sleep(0.5)
        else:
            time.sleep(2.0)  # staff notices of the applications go out after the answers
        window = {"start": crowd["load_started"], "end": crowd["load_finished"]}
        stats = run.control("/stats", **window)
        run.kill_bot(signal.SIGTERM)
        everyone = crowd["asks_answered"] == args.askers and crowd["forms_completed"] == args.applicants
        figures.update(
            everyone_answered=everyone,
            asks_answered=crowd["asks_answered"],
            asks_unanswered=crowd["asks_unanswered"],
            forms_completed=crowd["forms_completed"],
            form_steps_answered=crowd["form_steps_answered"],
            form_steps_unanswered=crowd["form_steps_unanswered"],
            apologies=stats["apologies"],
            flood_notices=stats["flood_notices"],
            refused_429=stats["refused_429"],
            refused_429_answers=stats["refused_429_answers"],
            refused_429_broadcast=stats["refused_429_broadcast"],
            refused=stats["refused"],
            answer_latency_s=crowd["answer_latency"],
            ask_latency_s=crowd["ask_latency"],
            form_step_latency_s=crowd["form_step_latency"],
            form_total_s=crowd["form_total_s"],
            crowd_s=crowd["load_s"],
            messages_while_crowd=stats["all_messages_in_window"],
        )
        if with_broadcast:
            expected = subscribers - len(range(0, subscribers, 100))
            in_window = stats["rate_in_window"]
            crowd_span = window["end"] - window["start"]
            outside_span = (stats["last_send"] - stats["first_send"]) - crowd_span
            outside = (stats["ok_sends"] - stats["sends_in_window"]) / outside_span if outside_span > 0 else 0.0
            figures.update(
                broadcast_status=status,
                broadcast_db_counts=counts,
                broadcast_lost=expected - stats["chats_reached"],
                broadcast_duplicates=stats["duplicates"],
                delivered_rate=round(stats["rate"], 2),
                rate_share=round(stats["rate"] / args.rate, 4),
                rate_target_share=0.9,
                broadcast_sends_while_crowd=stats["sends_in_window"],
                rate_while_crowd=round(in_window, 2),
                rate_share_while_crowd=round(in_window / args.rate, 4),
                rate_share_outside_crowd=round(outside / args.rate, 4),
            )
        figures["peak_rss_mb"] = [round(p, 1) for p in run.rss_peaks]
    finally:
        run.close()
    return figures
