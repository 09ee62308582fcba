"""The pieces every broadcast scenario shares: the emulator and bot processes, seeding, reading the database.

The emulator runs in its own process (bench/emulator_server.py), the bot in another (`python -m bot run`),
so the bot can be killed with -9 and its memory measured alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.emulator_figures import FIRST_SUBSCRIBER  # noqa: E402, F401 - the scenarios import it from here
from bot.clock import LOCAL_ZONE  # noqa: E402
from bot.news.progress import done_count  # noqa: E402, F401 - the scenarios import it from here
from storage.broadcasts import BroadcastRepository  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.subscriptions import SubscriptionRepository  # noqa: E402

PYTHON = sys.executable
TEXT = "<b>Bench</b>: blood drive on Saturday at 10:00 — bring an ID &amp; water. 2 &lt; 3 &gt; 1"
# Alerts carry this word, so the emulator tells their deliveries from the newsletter's.
ALERT_MARK = "ALERT"
ALERT_TEXT = f"<b>{ALERT_MARK}</b>: storm warning for tonight, stay indoors. Details at 112 — &lt;bench&gt;"
STAFF_ID = 9000


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

    def __init__(self, args: argparse.Namespace, name: str, workdir: Path, *, bot_env: dict | None = None) -> None:
        self.args, self.name, self.workdir = args, name, workdir
        self.db_path = workdir / "bot.sqlite3"
        self.emulator: subprocess.Popen | None = None
        self.bot: subprocess.Popen | None = None
        self.info: dict = {}
        self.rss_peaks: list[float] = []
        self.bot_env = bot_env or {}
        self._watch: RssWatch | None = None

    def env(self) -> dict:
        return {
            **os.environ,
            "BOT_TOKEN": self.info["token"],
            "BOT_API_BASE_URL": self.info["base_url"],
            "DATABASE_PATH": str(self.db_path),
            "BROADCAST_RATE": str(self.args.rate),
            "ADMIN_IDS": str(STAFF_ID),
            "PYTHONPATH": str(PROJECT),
            **self.bot_env,
        }

    def start_emulator(self, users: int, *extra: str, chatters: int = 0) -> None:
        """Start the emulator with `users` subscribers (ids from FIRST_SUBSCRIBER) and more options."""
        cmd = [PYTHON, str(PROJECT / "bench" / "emulator_server.py"), "--users", str(users),
               "--rate-limit", str(self.args.emulator_limit), "--chatters", str(chatters), *extra]
        self.emulator = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=self.workdir)
        self.info = json.loads(self.emulator.stdout.readline())
        self.emulator_watch = RssWatch(self.emulator.pid)
        self.emulator_watch.start()

    def control(self, path: str, post: bool = False, **query):
        """Call the emulator's control server; JSON back."""
        url = self.info["control"] + path + (("?" + urllib.parse.urlencode(query)) if query else "")
        request = urllib.request.Request(url, method="POST" if post else "GET")
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def start_bot(self) -> None:
        log = open(self.workdir / "bot.log", "a")
        self.bot = subprocess.Popen([PYTHON, "-m", "bot", "run"], env=self.env(), cwd=self.workdir, stdout=log, stderr=log)
        self._watch = RssWatch(self.bot.pid)
        self._watch.start()

    def kill_bot(self, sig: int) -> None:
        self.bot.send_signal(sig)
        self.bot.wait(timeout=60)
        self.rss_peaks.append(self._watch.stop())

    def queue(self, text: str = TEXT, *options: str) -> int:
        """Queue an announcement with the command line staff use; its id."""
        out = subprocess.run(
            [PYTHON, "-m", "bot", "news", "send", "--text", text, *(options or ("--topic", "news"))],
            env=self.env(), cwd=self.workdir, capture_output=True, text=True, check=True,
        )
        return int(out.stdout.strip())

    def close(self) -> None:
        if self.bot and self.bot.poll() is None:
            self.kill_bot(signal.SIGTERM)
        if self.emulator:
            self.emulator.stdin.close()
            self.emulator.wait(timeout=120)


def valid_until(hours: float = 2.0) -> str:
    """A valid-until time for `--valid-until`, in Almaty time as staff type it."""
    return (datetime.now(LOCAL_ZONE) + timedelta(hours=hours)).strftime("%d.%m.%Y %H:%M")


async def seed(db_path: Path, ids: range | list[int], topics: tuple[str, ...] = ("news",), region: str | None = None) -> None:
    """Subscribe these users (language en) to `topics`, with `region`."""
    ids = list(ids)
    db = await Database.open(db_path)
    try:
        subs = SubscriptionRepository(db)
        for start in range(0, len(ids), 10_000):
            rows = [(user_id, "en", region) for user_id in ids[start:start + 10_000]]
            await subs.import_many(rows, topics)
    finally:
        await db.close()


async def db_state(db_path: Path, broadcast_id: int) -> tuple[str, dict]:
    """The broadcast's status and its deliveries by status."""
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


def kill_and_restart(run: Run, broadcast_id: int, done: int, figures: dict, match: str = "") -> None:
    """kill -9 the bot, count what Telegram has but the database does not, and start it again."""
    run.kill_bot(signal.SIGKILL)
    figures["killed_at"] = time.monotonic()
    time.sleep(0.5)  # let the emulator answer anything still on the wire
    at_telegram = {int(k) for k in run.control("/delivered", match=match)}
    written = asyncio.run(recorded(run.db_path, broadcast_id))
    in_flight = len(at_telegram - written)
    figures.update(killed_after=done, in_flight_at_kill=in_flight)
    print(f"[{run.name}] kill -9 after {done} deliveries; {in_flight} sent but not yet written", flush=True)
    run.start_bot()


def follow(run: Run, broadcast_id: int, figures: dict, started: float, every: float) -> Iterator[tuple[str, dict]]:
    """Yield the broadcast's (status, counts) every `every` seconds until it is done or the timeout since `started` passes."""
    while True:
        time.sleep(every)
        status, counts = asyncio.run(db_state(run.db_path, broadcast_id))
        yield status, counts
        if status == "done":
            return
        if time.monotonic() - started > run.args.timeout:
            figures["timeout"] = True
            return
        if run.args.verbose:
            print(f"[{run.name}] {status} {counts}", flush=True)


def wait_for_status(run: Run, broadcast_id: int, until: str, timeout: float, *, verbose: bool = False) -> tuple[str, dict]:
    """Poll the database until the broadcast reaches `until` (or the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        status, counts = asyncio.run(db_state(run.db_path, broadcast_id))
        if status == until or time.monotonic() > deadline:
            return status, counts
        if verbose:
            print(f"[{run.name}] broadcast {broadcast_id} {status} {counts}", flush=True)
        time.sleep(0.5)


def delivery_figures(run: Run, stats: dict, subscribers: int, elapsed: float) -> dict:
    """Who was reached, lost or sent twice (1 in 100 subscribers has blocked the bot), and the memory used."""
    expected = subscribers - len(range(0, subscribers, 100))
    return {
        "expected_recipients": expected,
        "reached": stats["chats_reached"],
        "lost": expected - stats["chats_reached"],
        "duplicates": stats["duplicates"],
        "refused": stats["refused"],
        "refused_detail": stats["refused_detail"],
        "elapsed_s": round(elapsed, 1),
        "peak_rss_mb": [round(p, 1) for p in run.rss_peaks],
        "emulator_peak_rss_mb": round(run.emulator_watch.peak_kb / 1024, 1),
    }
