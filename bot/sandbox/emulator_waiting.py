"""Waiting for the bot: for its reply to an update, for it to be idle, for a message it sends later."""

from __future__ import annotations

import asyncio
import time
from typing import Callable, Iterable

from bot.sandbox.emulator_models import BotMessage
from bot.sandbox.emulator_state import TelegramState


class Signal:
    """Wakes every task waiting for "something changed"."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake the current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Wait for the next notify() or the timeout, whichever comes first."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass


class ReplyWaiting:
    """The waits of TelegramEmulator (mixed into it).

    With a bot attached (one in this process that reports each handled update, see runner.serving) a wait ends
    when the bot says it is done. Otherwise it ends once the chat was quiet for `settle` seconds.
    What the bot does in background tasks (the broadcast worker) is no reply to an update: wait for those
    messages with wait_for_message (EmulatedUser.wait_for).
    """

    state: TelegramState
    settle: float
    reply_timeout: float
    bot_attached: bool
    _attached_from: int
    _activity: Signal
    _last_activity: float

    def attach_bot(self) -> None:
        """A bot in this process will report each update it has handled (note_handled): waits end exactly."""
        self.bot_attached = True
        self._attached_from = self.state.next_update_id

    def detach_bot(self) -> None:
        """The bot stopped reporting: waits go back to the quiet window."""
        self.bot_attached = False

    def note_handled(self, update_id: int) -> None:
        """The attached bot has finished handling this update (its handlers returned, raised or stopped)."""
        self.state.handled.add(update_id)
        self._activity.notify()

    async def collect_reply(
        self,
        update_id: int | Iterable[int],
        chat_id: int,
        *,
        query_id: str | None = None,
        mark: int,
        expect_reply: bool = True,
        what: str = "update",
    ) -> list[BotMessage]:
        """Wait until the bot has handled the update(s), then return its messages sent or edited in the chat since `mark`.

        `mark` is len(emulator.state.events) before the update was injected. With an attached bot the wait ends
        when the bot reports the update handled, and expect_reply fails at once if it did not answer in the chat
        (or the callback query). Otherwise: until the bot fetched the update and answered, then was quiet.
        """
        ids = [update_id] if isinstance(update_id, int) else list(update_id)
        described = f"update {', '.join(map(str, ids))} ({what})"
        await self._until(
            lambda: all(self.state.was_fetched(u) for u in ids),
            lambda: f"the bot did not fetch {described} within {self.reply_timeout} s: is it polling?",
        )
        if all(u in self.state.dropped for u in ids):
            raise AssertionError(f"{described} was dropped: not in allowed_updates, or pending updates were dropped")

        def answered() -> bool:
            return any(
                (e.chat_id == chat_id or (query_id is not None and e.query_id == query_id)) and e.kind != "action"
                for e in self.state.events[mark:]
            )

        if self.bot_attached and min(ids) >= self._attached_from:
            await self._until(
                lambda: all(self._handled(u) for u in ids),
                lambda: f"the bot did not finish handling {described} within {self.reply_timeout} s",
            )
            if expect_reply and not answered():
                raise AssertionError(f"the bot handled {described} without answering in chat {chat_id}")
            return self.state.changed_since(chat_id, mark)
        if expect_reply:
            await self._until(answered, lambda: f"the bot did not answer {described} within {self.reply_timeout} s")

        def last_in_chat() -> float:
            return max(
                (e.time for e in self.state.events[mark:] if e.chat_id == chat_id or (query_id and e.query_id == query_id)),
                default=0.0,
            )

        await self._quiet(last_in_chat)
        return self.state.changed_since(chat_id, mark)

    async def wait_until_idle(self, settle: float | None = None) -> None:
        """Wait until the bot has fetched every update and (attached) handled it, else made no call for `settle` s."""
        await self._until(
            lambda: all(self.state.was_fetched(u["update_id"]) for u in self.state.pending),
            lambda: f"the bot did not fetch all updates within {self.reply_timeout} s: is it polling?",
        )
        if self.bot_attached:
            ids = range(self._attached_from, self.state.next_update_id)
            await self._until(
                lambda: all(self._handled(u) for u in ids),
                lambda: f"the bot did not finish handling updates {[u for u in ids if not self._handled(u)]}",
            )
            return
        await self._quiet(lambda: max(self._last_activity, self.state.last_fetch), settle)

    async def wait_for_message(
        self, chat_id: int, mark: int, predicate: Callable[[BotMessage], bool], timeout: float | None = None
    ) -> BotMessage:
        """The first bot message in the chat, sent or edited since event `mark`, that satisfies `predicate`."""
        timeout = self.reply_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            changed = self.state.changed_since(chat_id, mark)
            for message in changed:
                if predicate(message):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [m.plain[:60] for m in changed]
                raise TimeoutError(f"no matching message in chat {chat_id} within {timeout} s; the bot sent: {seen}")
            await self._activity.wait(remaining)

    async def wait_for_activity(self, timeout: float) -> None:
        """Return at the bot's next call or handled update, or after `timeout` seconds."""
        await self._activity.wait(timeout)

    def _handled(self, update_id: int) -> bool:
        return update_id in self.state.handled or update_id in self.state.dropped

    async def _until(self, condition: Callable[[], bool], failure: Callable[[], str]) -> None:
        deadline = time.monotonic() + self.reply_timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(failure())
            await self._activity.wait(remaining)

    async def _quiet(self, last_activity: Callable[[], float], settle: float | None = None) -> None:
        """Wait until `settle` seconds (default: self.settle) passed without activity; at most reply_timeout."""
        settle = self.settle if settle is None else settle
        start = time.monotonic()
        deadline = start + self.reply_timeout
        while True:
            now = time.monotonic()
            remaining = max(start, last_activity()) + settle - now
            if remaining <= 0 or now >= deadline:
                return
            await self._activity.wait(min(remaining, deadline - now))
