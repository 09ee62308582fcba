"""How the terminal chat prints the bot's messages, buttons, polls and pop-ups."""

from __future__ import annotations

from typing import TextIO

from bot.sandbox.emulator_models import BotMessage
from bot.sandbox.terminal_html import html_to_terminal

INDENT = "     "


class ChatPrinter:
    """Prints to the terminal; numbers are shown only on the message they can press or vote on."""

    def __init__(self, out: TextIO, *, color: bool) -> None:
        self.out = out
        self.color = color

    def line(self, text: str) -> None:
        """Print one line at once (the output may be piped)."""
        print(text, file=self.out, flush=True)

    def message(self, message: BotMessage, *, numbered: bool) -> None:
        """Print a bot message; `numbered`: its buttons or poll options get the numbers to type."""
        label = "bot (edited)>" if message.edited else "bot>"
        if message.kind == "poll":
            self._poll(label, message, numbered)
            return
        body = message.text or ""
        if message.parse_mode == "HTML":
            body = html_to_terminal(body, color=self.color)
        if message.kind == "document":
            body = f"[file {message.filename}] {body}".strip()
        lines = body.splitlines() or [""]
        self.line(f"{label} {lines[0]}")
        for extra in lines[1:]:
            self.line(f"{INDENT}{extra}")
        if message.keyboard:  # a reply keyboard under the typing field, such as "share my number"
            labels = " | ".join(label for row in message.keyboard for label in row)
            self.line(f"{INDENT}keyboard: {labels}   (type a label, or /contact +7... to share a number)")
        if numbered:
            for row_start, row in _numbered_rows(message.buttons):
                self.line(INDENT + "   ".join(f"[{row_start + i}] {text}" for i, text in enumerate(row)))
        elif message.buttons:
            self.line(f"{INDENT}buttons: {' | '.join(text for row in message.buttons for text in row)}")

    def popup(self, text: str, *, alert: bool) -> None:
        """An answer to a button press: a toast at the top of the chat, or an alert box to close."""
        if not text:
            return
        if not alert:
            self.line(f"   (pop-up) {text}")
            return
        lines = text.splitlines()
        width = max(len(line) for line in lines)
        self.line(f"   ┌{'─' * (width + 2)}┐")
        for line in lines:
            self.line(f"   │ {line.ljust(width)} │")
        self.line(f"   └{'─' * (width + 2)}┘")

    def _poll(self, label: str, message: BotMessage, numbered: bool) -> None:
        poll = message.media["poll"]
        notes = [note for note, shown in (("quiz", poll["type"] == "quiz"), ("closed", poll["is_closed"])) if shown]
        self.line(f"{label} 📊 {poll['question']}" + (f"   ({', '.join(notes)})" if notes else ""))
        show_counts = poll["is_closed"] or poll["total_voter_count"] > 0
        cells = []
        for number, option in enumerate(poll["options"], start=1):
            count = f" ({option['voter_count']})" if show_counts else ""
            cells.append(f"[{number}] {option['text']}{count}" if numbered and not poll["is_closed"] else f"{option['text']}{count}")
        self.line(INDENT + "   ".join(cells))
        # Buttons under a poll (such as the quiz's ✖️ Stop) are numbered after its open options.
        first = len(poll["options"]) + 1 if numbered and not poll["is_closed"] else 1
        if numbered:
            for row_start, row in _numbered_rows(message.buttons, first):
                self.line(INDENT + "   ".join(f"[{row_start + i}] {text}" for i, text in enumerate(row)))
        elif message.buttons:
            self.line(f"{INDENT}buttons: {' | '.join(text for row in message.buttons for text in row)}")


def _numbered_rows(rows: list[list[str]], start: int = 1) -> list[tuple[int, list[str]]]:
    numbered = []
    for row in rows:
        numbered.append((start, row))
        start += len(row)
    return numbered
