"""Broadcast benchmark against the emulator (run in its own process), with Telegram's flood limit on.

Scenarios (each starts a fresh emulator, database and bot process):
  rate    N subscribers (1% have blocked the bot), people chatting meanwhile: delivered rate,
          lost, duplicates, the bot's peak RSS, chat answer times
  kill    the same, with `kill -9` of the bot in the middle and a restart: lost, duplicates vs in flight
  memory  a large audience at a high BROADCAST_RATE without flood limit: the bot's peak RSS

  .venv/bin/python bench/broadcast.py rate kill --subscribers 10000
  .venv/bin/python bench/broadcast.py memory --subscribers 100000 --rate 400 --emulator-limit 0
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from storage.broadcasts import BroadcastRepository  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.subscriptions import SubscriptionRepository  # noqa: E402

FIRST_SUBSCRIBER = 1_000_000
PYTHON = sys.executable
TEXT = "<b>Bench</b>: blood drive on Saturday at 10:00 — bring an ID &amp; water. 2 &lt; 3 &gt; 1"


class RssWatch(threading.Thread):
    """Samples a process's resident memory until stopped; keeps the peak (VmHWM when available)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                    if line.startswith(("VmHWM:", "VmRSS:")):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            except (FileNotFoundError, ProcessLookupError, ValueError):
                return
            time.sleep(0.2)

    def stop(self) -> float:
        self._stop.set()
        return self.peak_kb / 1024


class Run:
    """One scenario: emulator process, database, bot process(es)."""

    def __init__(self, args: argparse.Namespace, name: str, workdir: Path) -> None:
        self.args, self.name, self.workdir = args, name, workdir
        self.db_path = workdir / "bot.sqlite3"
        self.emulator: subprocess.Popen | None = None
        self.bot: subprocess.Popen | None = None
        self.info: dict = {}
        self.rss_peaks: list[float] = []
        self._watch: RssWatch | None = None

    def env(self) -> dict:
        return {
            **os.environ,
            "BOT_TOKEN": self.info["token"],
            "BOT_API_BASE_URL": self.info["base_url"],
            "DATABASE_PATH": str(self.db_path),
            "BROADCAST_RATE": str(self.args.rate),
            "ADMIN_IDS": "9000",
            "PYTHONPATH": str(PROJECT),
        }

    def start_emulator(self, chatters: int) -> None:
        cmd = [PYTHON, str(PROJECT / "bench" / "emulator_server.py"), "--users", str(self.args.subscribers),
               "--rate-limit", str(self.args.emulator_limit), "--chatters", str(chatters)]
        self.emulator = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=self.workdir)
        self.info = json.loads(self.emulator.stdout.readline())
        self.emulator_watch = RssWatch(self.emulator.pid)
        self.emulator_watch.start()

    def control(self, path: str, post: bool = False):
        request = urllib.request.Request(self.info["control"] + path, method="POST" if post else "GET")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def start_bot(self) -> None:
        log = open(self.workdir / "bot.log", "a")
        self.bot = subprocess.Popen([PYTHON, "-m", "bot", "run"], env=self.env(), cwd=self.workdir, stdout=log, stderr=log)
        self._watch = RssWatch(self.bot.pid)
        self._watch.start()

    def kill_bot(self, sig: int) -> None:
        self.bot.send_signal(sig)
        self.bot.wait(timeout=30)
        self.rss_peaks.append(self._watch.stop())

    def queue(self) -> int:
        out = subprocess.run(
            [PYTHON, "-m", "bot", "news", "send", "--text", TEXT, "--topic", "news"],
            env=self.env(), cwd=self.workdir, capture_output=True, text=True, check=True,
        )
        return int(out.stdout.strip())

    def close(self) -> None:
        if self.bot and self.bot.poll() is None:
            self.kill_bot(signal.SIGTERM)
        if self.emulator:
            self.emulator.stdin.close()
            self.emulator.wait(timeout=60)


async def seed(db_path: Path, count: int) -> None:
    db = await Database.open(db_path)
    try:
        subs = SubscriptionRepository(db)
        for start in range(0, count, 10_000):
            rows = [(FIRST_SUBSCRIBER + n, "en", None) for n in range(start, min(count, start + 10_000))]
            await subs.import_many(rows, ("news",))
    finally:
        await db.close()


async def db_state(db_path: Path, broadcast_id: int) -> tuple[str, dict]:
    db = await Database.open(db_path)
    try:
        repo = BroadcastRepository(db)
        broadcast = await repo.get(broadcast_id)
        return broadcast.status, await repo.counts(broadcast_id)
    finally:
        await db.close()


async def recorded(db_path: Path, broadcast_id: int) -> set[int]:
    """Recipients whose result the bot had written (anything but pending)."""
    db = await Database.open(db_path)
    try:
        rows = await db.fetchall(
            "SELECT user_id FROM deliveries WHERE broadcast_id = ? AND status != 'pending'", (broadcast_id,)
        )
        return {r["user_id"] for r in rows}
    finally:
        await db.close()


def scenario(args: argparse.Namespace, name: str) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    run = Run(args, name, workdir)
    chatters = args.chatters if name != "memory" else 0
    figures: dict = {"scenario": name, "subscribers": args.subscribers, "broadcast_rate": args.rate,
                     "emulator_limit": args.emulator_limit, "workdir": str(workdir)}
    try:
        run.start_emulator(chatters)
        asyncio.run(seed(run.db_path, args.subscribers))
        broadcast_id = run.queue()
        started = time.monotonic()
        run.start_bot()
        chatting = False
        killed = False
        while True:
            time.sleep(0.5)
            status, counts = asyncio.run(db_state(run.db_path, broadcast_id))
            done = counts["sent"] + counts["failed"] + counts["blocked"]
            if status == "sending" and chatters and not chatting:
                run.control("/chat/start", post=True)
                chatting = True
            if name == "kill" and not killed and done >= args.subscribers * 0.4:
                run.kill_bot(signal.SIGKILL)
                killed = True
                time.sleep(0.5)  # let the emulator answer anything still on the wire
                at_telegram = {int(k) for k in run.control("/delivered")}
                written = asyncio.run(recorded(run.db_path, broadcast_id))
                in_flight = len(at_telegram - written)
                figures.update(killed_after=done, in_flight_at_kill=in_flight)
                print(f"[{name}] kill -9 after {done} deliveries; {in_flight} sent but not yet written", flush=True)
                run.start_bot()
            if status == "done":
                break
            if time.monotonic() - started > args.timeout:
                figures["timeout"] = True
                break
            if args.verbose:
                print(f"[{name}] {status} {counts}", flush=True)
        elapsed = time.monotonic() - started
        if chatting:
            run.control("/chat/stop", post=True)
        stats = run.control("/stats")
        status, counts = asyncio.run(db_state(run.db_path, broadcast_id))
        run.kill_bot(signal.SIGTERM)
        blocked = len(range(0, args.subscribers, 100))
        expected = args.subscribers - blocked
        figures.update(
            status=status,
            db_counts=counts,
            expected_recipients=expected,
            reached=stats["chats_reached"],
            lost=expected - stats["chats_reached"],
            duplicates=stats["duplicates"],
            delivered_rate=round(stats["rate"], 2),
            rate_share=round(stats["rate"] / args.rate, 4),
            refused=stats["refused"],
            refused_detail=stats["refused_detail"],
            elapsed_s=round(elapsed, 1),
            peak_rss_mb=[round(p, 1) for p in run.rss_peaks],
            emulator_peak_rss_mb=round(run.emulator_watch.peak_kb / 1024, 1),
            chat_answers=stats["chat_answers"],
            chat_unanswered=stats["chat_unanswered"],
            chat_p50_s=stats["chat_p50"] and round(stats["chat_p50"], 3),
            chat_p95_s=stats["chat_p95"] and round(stats["chat_p95"], 3),
            chat_max_s=stats["chat_max"] and round(stats["chat_max"], 3),
        )
    finally:
        run.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=["rate", "kill"], choices=["rate", "kill", "memory"])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="BROADCAST_RATE for the bot")
    parser.add_argument("--emulator-limit", type=float, default=30.0, help="the emulator's flood limit per second (0: none)")
    parser.add_argument("--chatters", type=int, default=3, help="people chatting with the bot during the broadcast")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    for name in args.scenarios:
        figures = scenario(args, name)
        print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
