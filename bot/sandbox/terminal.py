"""The terminal chat: the whole bot through the emulator, buttons and poll options as numbered choices."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.app import build_application
from bot.config import Settings
from bot.sandbox.chat_history import history_path, load_chat, save_chat
from bot.sandbox.emulator import BotMessage, EmulatedUser, TelegramEmulator
from bot.sandbox.runner import serving
from bot.sandbox.terminal_view import ChatPrinter

INTRO = """\
Sandbox: you are chatting with the bot through a local Telegram emulator (no token, no network).
  Type a message and press Enter. A number presses the button shown with it, or votes in a poll.
  /contact +77011234567  shares a phone number as Telegram's "share contact" button would.
  /photo, /sticker       send a picture or a sticker.   /quit (or Ctrl-D) ends the chat.
"""
CHAT_NOT_FOUND = "Bad Request: chat not found"


class TerminalChat:
    """Turns typed lines into a user's actions and prints what the bot sends back, also later on."""

    def __init__(self, user: EmulatedUser, out: TextIO, *, color: bool, echo: bool, history: Path | None = None) -> None:
        self.user = user
        self.emulator: TelegramEmulator = user.emulator
        self.printer = ChatPrinter(out, color=color)
        self.echo = echo
        self.history = history
        self._lock = asyncio.Lock()  # one of: a typed line being handled, or late messages being shown
        self._events_seen = len(self.emulator.state.events)
        self._calls_seen = len(self.emulator.calls)
        self._explained_chats: set[int] = set()

    async def handle(self, line: str) -> bool:
        """Act on one typed line; return False when the user wants to stop."""
        line = line.strip()
        if not line:
            return True
        if self.echo:
            self.printer.line(f"you> {line}")
        if line in ("/quit", "/exit"):
            return False
        async with self._lock:
            answers_before = len(self.user.callback_answers)
            try:
                replies = await self._act(line)
            except AssertionError as exc:  # e.g. the button is no longer on the message
                self.printer.line(f"   ! {exc}")
                replies = []
            except TimeoutError:
                self.printer.line("   ! the bot did not answer")
                replies = []
            else:
                popups = self.user.callback_answers[answers_before:]
                for answer in popups:
                    self.printer.popup(answer.get("text") or "", alert=bool(answer.get("show_alert")))
                if not replies and not popups:
                    self.printer.line("   (no reply)")
            self._show(replies)
            self._caught_up()
        return True

    async def watch(self) -> None:
        """Show what the bot sends between typed lines (announcements, its answers to updates it got later)."""
        while True:
            await self.emulator.wait_for_activity(1.0)
            await self.show_late()

    async def show_late(self) -> None:
        """Print the bot's messages and refusals not shown yet."""
        async with self._lock:
            late = self.emulator.state.changed_since(self.user.id, self._events_seen)
            if late:
                self._show(late)
            self._caught_up(save=bool(late))  # watch() calls this every second: an idle chat is not rewritten

    def show_restored(self, count: int) -> None:
        """Tell the user their chat came back, and show its newest message so a typed number means what it did."""
        last = self.user.last
        if last is None:
            return
        self.printer.line(f"(sandbox: your chat is restored: {count} messages from the bot; --fresh starts over)")
        self._show([last])

    async def _act(self, line: str) -> list[BotMessage]:
        if line.isdigit():
            choice = self._numbered_choice(int(line))
            if choice is not None:
                return await choice
        command, _, rest = line.partition(" ")
        if command == "/contact":
            return await self.user.send_contact(rest.strip() or "+77011234567", expect_reply=False)
        if command == "/photo":
            return await self.user.send_photo(caption=rest.strip() or None, expect_reply=False)
        if command == "/sticker":
            return await self.user.send_sticker(expect_reply=False)
        return await self.user.send(line, expect_reply=False)

    def _numbered_choice(self, number: int):
        """The press or vote a number stands for, if the bot's newest message offers that many choices."""
        latest = self.user.last
        if latest is None:
            return None
        poll = latest.media.get("poll") if latest.kind == "poll" else None
        options = len(poll["options"]) if poll is not None and not poll["is_closed"] else 0
        if 1 <= number <= options:
            return self.user.vote(latest, number - 1, expect_reply=False)
        labels = [label for row in latest.buttons for label in row]
        if 1 <= number - options <= len(labels):  # a poll's buttons are numbered after its options
            return self.user.press(labels[number - options - 1], message=latest, expect_reply=False)
        return None  # a number typed as an answer, such as a phone number

    def _show(self, messages: list[BotMessage]) -> None:
        latest = self.user.last
        for message in messages:
            numbered = latest is not None and message.message_id == latest.message_id
            self.printer.message(message, numbered=numbered)
        self._explain_refusals()

    def _explain_refusals(self) -> None:
        for call in self.emulator.calls[self._calls_seen :]:
            if call.ok or call.description != CHAT_NOT_FOUND:
                continue
            chat_id = call.params.get("chat_id")
            if isinstance(chat_id, int) and chat_id not in self._explained_chats:
                self._explained_chats.add(chat_id)
                self.printer.line(
                    f"(sandbox: chat {chat_id} is not a sandbox user, so Telegram answers 'chat not found')"
                )
        self._calls_seen = len(self.emulator.calls)

    def _caught_up(self, *, save: bool = True) -> None:
        self._events_seen = len(self.emulator.state.events)
        if save and self.history is not None:
            save_chat(self.emulator.state, self.user.id, self.history)


async def run_sandbox(
    settings: Settings,
    *,
    staff: bool,
    user_id: int,
    language_code: str,
    db_path: Path,
    fresh: bool = False,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Chat with the bot until the input ends; return the exit status."""
    interactive = stdin.isatty()
    history = history_path(db_path)
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        history.unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=db_path.with_suffix(".log"), level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    async with TelegramEmulator() as emulator:
        sandbox_settings = settings.with_changes(
            bot_token=emulator.token,
            bot_api_base_url=emulator.base_url,
            database_path=db_path,
            admin_ids=settings.admin_ids | {user_id} if staff else settings.admin_ids,
        )
        application = build_application(sandbox_settings)
        user = emulator.user(user_id, "Sandbox", language_code=language_code)
        restored = load_chat(emulator.state, user_id, history)
        async with serving(application, emulator=emulator):
            chat = TerminalChat(user, stdout, color=stdout.isatty(), echo=not interactive, history=history)
            if interactive:
                print(INTRO, file=stdout)
            chat.show_restored(restored)
            watcher = asyncio.create_task(chat.watch())
            try:
                while True:
                    if interactive:
                        print("you> ", end="", file=stdout, flush=True)
                    line = await asyncio.to_thread(stdin.readline)
                    if line == "" or not await chat.handle(line):
                        break
                await chat.show_late()
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
    return 0
