"""The terminal chat: the whole bot through the emulator, buttons as numbered choices."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.app import build_application
from bot.config import Settings
from bot.sandbox.emulator import BotMessage, EmulatedUser, TelegramEmulator
from bot.sandbox.runner import serving
from bot.telegram_html import html_to_terminal

INTRO = """\
Sandbox: you are chatting with the bot through a local Telegram emulator (no token, no network).
  Type a message and press Enter. A number presses the button shown with it.
  /contact +77011234567  shares a phone number as Telegram's "share contact" button would.
  /photo, /sticker       send a picture or a sticker.   /quit (or Ctrl-D) ends the chat.
"""


class TerminalChat:
    """Turns typed lines into a user's actions and prints what the bot sends back."""

    def __init__(self, user: EmulatedUser, out: TextIO, *, color: bool, echo: bool) -> None:
        self.user = user
        self.out = out
        self.color = color
        self.echo = echo
        self.choices: list[tuple[BotMessage, str]] = []

    async def handle(self, line: str) -> bool:
        """Act on one typed line; return False when the user wants to stop."""
        line = line.strip()
        if not line:
            return True
        if self.echo:
            self._print(f"you> {line}")
        if line in ("/quit", "/exit"):
            return False
        try:
            replies = await self._act(line)
        except AssertionError as exc:  # e.g. the button is no longer on the message
            self._print(f"   ! {exc}")
            return True
        except TimeoutError:
            self._print("   ! the bot did not answer")
            return True
        self.show(replies)
        return True

    async def _act(self, line: str) -> list[BotMessage]:
        if line.isdigit() and self.choices:
            number = int(line)
            if not 1 <= number <= len(self.choices):
                raise AssertionError(f"choose a number from 1 to {len(self.choices)}")
            message, label = self.choices[number - 1]
            return await self.user.press(label, message=message)
        command, _, rest = line.partition(" ")
        if command == "/contact":
            return await self.user.send_contact(rest.strip() or "+77011234567")
        if command == "/photo":
            return await self.user.send_photo(caption=rest.strip() or None)
        if command == "/sticker":
            return await self.user.send_sticker()
        return await self.user.send(line)

    def show(self, messages: list[BotMessage]) -> None:
        """Print the bot's messages and number the buttons of the newest one that has any."""
        for message in messages:
            label = "bot (edited)>" if message.edited else "bot>"
            body = html_to_terminal(message.text or "", color=self.color) if message.parse_mode == "HTML" else (message.text or "")
            if message.kind == "document":
                body = f"[file {message.filename}] {body}".strip()
            lines = body.splitlines() or [""]
            self._print(f"{label} {lines[0]}")
            for extra in lines[1:]:
                self._print(f"     {extra}")
            if message.keyboard:  # a reply keyboard under the typing field, such as "share my number"
                labels = " | ".join(label for row in message.keyboard for label in row)
                self._print(f"     keyboard: {labels}   (type a label, or /contact +7... to share a number)")
        with_buttons = [m for m in messages if m.buttons]
        if with_buttons:
            newest = with_buttons[-1]
            self.choices = [(newest, label) for row in newest.buttons for label in row]
            for row_start, row in _numbered_rows(newest.buttons):
                cells = [f"[{row_start + i}] {label}" for i, label in enumerate(row)]
                self._print("     " + "   ".join(cells))

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _numbered_rows(rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    numbered, start = [], 1
    for row in rows:
        numbered.append((start, row))
        start += len(row)
    return numbered


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
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
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
        async with serving(application):
            user = emulator.user(user_id, "Sandbox", language_code=language_code)
            chat = TerminalChat(user, stdout, color=stdout.isatty(), echo=not interactive)
            if interactive:
                print(INTRO, file=stdout)
            while True:
                if interactive:
                    print("you> ", end="", file=stdout, flush=True)
                line = await asyncio.to_thread(stdin.readline)
                if line == "" or not await chat.handle(line):
                    break
    return 0
