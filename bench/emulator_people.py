"""The people of the benchmarks, on the emulator's side: chatters, people asking a question, volunteer applicants.

Each person acts as someone in the Telegram app would: they do one thing, wait for the bot's answer
to it, then do the next. The time from their action to the bot's answer is their latency.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bot.sandbox.emulator import BotMessage, EmulatedUser, TelegramEmulator  # noqa: E402
from tests.volunteer_helpers import ANSWERS, LABELS  # noqa: E402  (the same answers the form tests give)

ASKER_IDS_FROM = 10_000
APPLICANT_IDS_FROM = 20_000
# Typed questions (any answer counts, "I don't know" included: the point is that nobody is left unanswered).
QUESTIONS = (
    "What are the Fundamental Principles?",
    "What does the red crescent emblem mean?",
    "Who founded the Red Cross?",
    "What is international humanitarian law?",
    "How do I stop heavy bleeding?",
    "What does the Red Crescent Society of Kazakhstan do?",
    "What are the Geneva Conventions?",
    "Can I use the red cross sign on my pharmacy?",
)

Check = Callable[[BotMessage], bool]


def says(fragment: str) -> Check:
    """The bot's message contains this text."""
    return lambda m: fragment in (m.plain or "")


def offers(label: str) -> Check:
    """The bot's message has this button."""
    return lambda m: any(label == b for row in m.buttons for b in row)


def anything(message: BotMessage) -> bool:
    return True


_T = LABELS["en"]
# The volunteer form as tests/volunteer_helpers.py fills it: each step, and the answer that ends its wait.
FORM_STEPS: tuple[tuple[str, str, Check], ...] = (
    ("send", "/volunteer", offers(_T["agree"])),
    ("press", _T["agree"], says("Question 2 of 9")),
    ("send", ANSWERS["name"], says("Question 3 of 9")),
    ("send", ANSWERS["birth"], says("Question 4 of 9")),
    ("send", ANSWERS["phone"], says("Question 5 of 9")),
    ("press", _T["astana"], says("Question 6 of 9")),
    ("press", _T["first_aid"], offers(_T["first_aid"].replace("▫️", "☑️"))),
    ("press", _T["done"], says("Question 7 of 9")),
    ("press", _T["kk"], offers(_T["kk"].replace("▫️", "☑️"))),
    ("press", _T["done"], says("Question 8 of 9")),
    ("press", _T["weekends"], offers(_T["weekends"].replace("▫️", "☑️"))),
    ("press", _T["done"], says("Question 9 of 9")),
    ("send", "Red Crescent first aid course", says(_T["summary"])),
    ("press", _T["submit"], says(_T["thanks"])),
)


class ChatWatch:
    """Which of the bot's messages changed in each chat, and when (cheap to wait on with hundreds of people).

    The emulator's own waits rescan every event since a mark on every call the bot makes; with hundreds
    of people waiting during a broadcast that would eat the CPU the bot needs. This keeps a short list per chat.
    """

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.state = emulator.state
        self._changes: dict[int, list[tuple[float, int]]] = defaultdict(list)
        self._wakers: dict[int, asyncio.Event] = {}
        record = self.state.record

        def watched_record(kind: str, chat_id: int | None, message_id: int | None = None, query_id: str | None = None) -> None:
            record(kind, chat_id, message_id, query_id)
            if kind in ("sent", "edited") and message_id is not None and chat_id in self._wakers:
                self._changes[chat_id].append((time.monotonic(), message_id))
                self._wakers[chat_id].set()

        self.state.record = watched_record

    def follow(self, chat_id: int) -> None:
        """Start keeping this chat's changes."""
        self._wakers.setdefault(chat_id, asyncio.Event())

    def mark(self, chat_id: int) -> int:
        """A bookmark: changes after it are new."""
        return len(self._changes[chat_id])

    async def wait(self, chat_id: int, mark: int, check: Check, timeout: float) -> float:
        """When the first message changed since `mark` that passes `check` arrived; TimeoutError after `timeout`."""
        deadline = time.monotonic() + timeout
        waker = self._wakers[chat_id]
        chat = self.state.chats[chat_id]
        seen = mark
        while True:
            changes = self._changes[chat_id]
            for at, message_id in changes[seen:]:
                if check(chat.bot_messages[message_id]):
                    return at
            seen = len(changes)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"chat {chat_id}: no answer within {timeout} s")
            waker.clear()
            try:
                await asyncio.wait_for(waker.wait(), remaining)
            except TimeoutError:
                pass


class Load:
    """Many people at once: some ask a typed question, some fill the volunteer form; their answer times."""

    def __init__(self, emulator: TelegramEmulator, step_timeout: float) -> None:
        self.emulator = emulator
        self.watch = ChatWatch(emulator)
        self.step_timeout = step_timeout
        self.ask_latencies: list[float] = []
        self.step_latencies: list[float] = []
        self.form_times: list[float] = []
        self.unanswered_asks = 0
        self.unanswered_steps = 0
        self.forms_completed = 0
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self._tasks: list[asyncio.Task] = []

    def start(self, askers: int, applicants: int) -> None:
        """Everyone starts at the same moment."""
        users = [self._user(ASKER_IDS_FROM + n) for n in range(askers)]
        applicants_ = [self._user(APPLICANT_IDS_FROM + n) for n in range(applicants)]
        self.started_at = time.monotonic()
        self._tasks = [asyncio.create_task(self._ask(u, QUESTIONS[n % len(QUESTIONS)])) for n, u in enumerate(users)]
        self._tasks += [asyncio.create_task(self._apply(u)) for u in applicants_]
        asyncio.create_task(self._finish())

    @property
    def running(self) -> bool:
        return any(not t.done() for t in self._tasks)

    def _user(self, user_id: int) -> EmulatedUser:
        self.watch.follow(user_id)
        return self.emulator.user(user_id, language_code="en")

    async def _finish(self) -> None:
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.finished_at = time.monotonic()

    async def _step(self, user: EmulatedUser, action: str, arg: str, check: Check) -> float:
        mark = self.watch.mark(user.id)
        sent = time.monotonic()
        if action == "send":
            await user.send(arg, wait=False)
        else:
            await user.press(arg, wait=False)
        return await self.watch.wait(user.id, mark, check, self.step_timeout) - sent

    async def _ask(self, user: EmulatedUser, question: str) -> None:
        try:
            self.ask_latencies.append(await self._step(user, "send", question, anything))
        except TimeoutError:
            self.unanswered_asks += 1

    async def _apply(self, user: EmulatedUser) -> None:
        began = time.monotonic()
        for action, arg, check in FORM_STEPS:
            try:
                self.step_latencies.append(await self._step(user, action, arg, check))
            except (TimeoutError, AssertionError):
                self.unanswered_steps += 1
                return  # a person whose step got no answer gives up
        self.forms_completed += 1
        self.form_times.append(time.monotonic() - began)

    def figures(self) -> dict:
        """The people's side of the load: who was answered, and how fast."""
        return {
            "running": self.running,
            "asks_answered": len(self.ask_latencies),
            "asks_unanswered": self.unanswered_asks,
            "forms_completed": self.forms_completed,
            "form_steps_answered": len(self.step_latencies),
            "form_steps_unanswered": self.unanswered_steps,
            "ask_latency": spread(self.ask_latencies),
            "form_step_latency": spread(self.step_latencies),
            "answer_latency": spread(self.ask_latencies + self.step_latencies),
            "form_total_s": spread(self.form_times),
            "load_started": self.started_at,
            "load_finished": self.finished_at,
            "load_s": round(self.finished_at - self.started_at, 2) if self.finished_at and self.started_at else None,
        }


def spread(values: list[float]) -> dict | None:
    """p50, p95 and max, in seconds."""
    if not values:
        return None
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max": round(ordered[-1], 3),
    }


class Chatters:
    """A few people asking the bot something every few seconds during a broadcast, timing each answer."""

    def __init__(self, emulator: TelegramEmulator, ids: list[int], interval: float) -> None:
        self.emulator = emulator
        self.ids = ids
        self.interval = interval
        self.latencies: list[float] = []
        self.unanswered = 0
        self._tasks: list[asyncio.Task] = []

    async def _chat(self, user_id: int) -> None:
        user = self.emulator.user(user_id, language_code="en")
        await asyncio.sleep((user_id % 10) * self.interval / 10)
        while True:
            started = time.monotonic()
            await user.send("/help", wait=False)
            try:
                await user.wait_for(lambda m: True, timeout=10)
                self.latencies.append(time.monotonic() - started)
            except TimeoutError:
                self.unanswered += 1
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        """Start the chatters."""
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._chat(i)) for i in self.ids]

    def stop(self) -> None:
        """Stop the chatters."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []
