"""Telegram HTML as the terminal sandbox shows it: ANSI styles (or *bold* _italic_), links, quotes."""

from __future__ import annotations

import re

from bot.telegram_html import ENTITY_TYPES, HtmlError, OpenTag, Token, html_to_text, tokens

_ANSI = {"bold": "1", "italic": "3", "underline": "4", "strikethrough": "9", "spoiler": "2", "code": "36", "pre": "36"}
_PLAIN_MARKS = {"bold": "*", "italic": "_", "strikethrough": "~", "code": "`"}
QUOTE_PREFIX = "│ "


def html_to_terminal(text: str, *, color: bool) -> str:
    """A readable terminal rendering: ANSI styles (or *bold* _italic_), links as `text (url)`, quotes with │."""
    try:
        parsed = tokens(text)
    except HtmlError:
        return html_to_text(text)
    return _TerminalRenderer(color).render(parsed)


class _TerminalRenderer:
    """Renders parsed tokens for a terminal; each blockquote is collected apart to prefix its lines."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.buffers: list[list[str]] = [[]]
        self.after_quote: list[bool] = [False]
        self.styles: list[str] = []
        self.links: list[tuple[str, int]] = []

    def render(self, tokens: list[Token]) -> str:
        for token in tokens:
            if isinstance(token, str):
                self._write(token)
            elif isinstance(token, OpenTag):
                self._open(token)
            else:
                self._close(token.tag)
        return "".join(self.buffers[0])

    def _write(self, text: str) -> None:
        if not text.startswith("\n"):
            self._leave_quote()
        self.after_quote[-1] = False
        self.buffers[-1].append(text)

    def _leave_quote(self) -> None:
        """Whatever follows a blockquote starts on a new line."""
        if self.after_quote[-1]:
            self.buffers[-1].append("\n")
            self.after_quote[-1] = False

    def _open(self, tag: OpenTag) -> None:
        if tag.tag == "blockquote":
            self.buffers.append([])
            self.after_quote.append(False)
            return
        if tag.tag == "a":
            self.links.append((tag.argument, len(self._plain(self.buffers[-1]))))
        kind = ENTITY_TYPES[tag.tag]
        if kind in _ANSI or kind in _PLAIN_MARKS or kind == "underline":
            self.styles.append(kind)
            self._mark(kind)

    def _close(self, tag: str) -> None:
        if tag == "blockquote":
            self._close_quote()
        elif tag == "a":
            self._close_link()
        elif ENTITY_TYPES[tag] in self.styles:
            kind = ENTITY_TYPES[tag]
            del self.styles[len(self.styles) - 1 - self.styles[::-1].index(kind)]
            self._mark(kind, end=True)

    def _close_quote(self) -> None:
        inner = "".join(self.buffers.pop()).strip("\n")
        self.after_quote.pop()
        quoted = "\n".join(QUOTE_PREFIX + line for line in inner.split("\n"))
        before = "".join(self.buffers[-1])
        if before and not before.endswith("\n"):
            quoted = "\n" + quoted
        self.buffers[-1].append(quoted)
        self.after_quote[-1] = True

    def _close_link(self) -> None:
        url, start = self.links.pop()
        label = self._plain(self.buffers[-1])[start:]
        if url and url != label:
            self._write(f" ({url})")

    def _mark(self, kind: str, *, end: bool = False) -> None:
        if not end:
            self._leave_quote()
        if not self.color:
            self.buffers[-1].append(_PLAIN_MARKS.get(kind, ""))
        elif end:
            # Resetting everything and re-applying what is still open keeps nested styles right.
            self.buffers[-1].append("\x1b[0m" + "".join(_sgr(k) for k in self.styles))
        else:
            self.buffers[-1].append(_sgr(kind))

    @staticmethod
    def _plain(buffer: list[str]) -> str:
        return re.sub(r"\x1b\[[0-9;]*m", "", "".join(buffer))


def _sgr(kind: str) -> str:
    return f"\x1b[{_ANSI.get(kind, '4')}m"
