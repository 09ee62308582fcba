"""Callback data: every prefix with the shapes its data may take, built and parsed in one place.

Telegram limits callback data to 64 bytes, and a client can send any data at all, so data is
parsed against these shapes before a handler sees it: anything else is "out of date".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

LANGUAGE = "lang"  # lang:<kk|ru|en>
MENU = "menu"  # menu:<section>[:<page>]
ENTRY = "ent"  # ent:<entry id>  (show a knowledge entry in place of the list)
RELATED = "rel"  # rel:<entry id>  (send a related entry under an answer as a new message)
FEEDBACK = "fb"  # fb:<up|down>:<lang>:<entry id>
NEWS = "news"  # news:<view|latest|regions|off> | news:t:<topic> | news:r:<region|all> | news:off:m
DRAFT = "annd"  # annd:<action>[:<argument>[:<value>]]  (staff: the announcement being written)
BROADCAST = "bc"  # bc:<broadcast id>:<action>  (staff: pause, resume, stop, unschedule, retry)
VOLUNTEER = "vol"  # vol:new | vol:<application id>:<revision>:<action>[:<value>]
MY_APPLICATION = "myapp"  # myapp:<show|fields|withdraw|withdraw_yes>:<id> | myapp:edit:<id>:<revision>:<field>
FORGET = "forget"  # forget:<yes|no>
APPLICATION_STATUS = "vapp"  # vapp:<status>:<application id>  (staff buttons on a posted application)
APPLICATION_LIST = "vlist"  # vlist:<status>
TEACH = "teach"  # teach:<question log id>:<entry id|none>  (staff: attach a question to an entry)
QUIZ = "quiz"  # quiz:go:<topic|mixed> | quiz:stop:<round id>

# The buttons that work in groups too: staff and quiz buttons (their handlers check who presses). Every
# other prefix is a person's own and acts only in the private chat with the bot: pressed (forged) on a
# message in a group, such as a staff card or a quiz, it would turn it into that person's menu or form.
# A new prefix is private until it is listed here.
GROUP_PREFIXES = frozenset({DRAFT, BROADCAST, APPLICATION_STATUS, APPLICATION_LIST, TEACH, QUIZ})

_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_INT = r"\d{1,12}"
_WORD = r"[a-z_]{1,20}"
_CODE = r"[a-z0-9_]{1,30}"


@dataclass(frozen=True)
class _Part:
    name: str
    pattern: str
    number: bool = False


def _p(name: str, pattern: str) -> _Part:
    return _Part(name, pattern)


def _n(name: str) -> _Part:
    return _Part(name, _INT, number=True)


# Each prefix: the shapes its parts may have (the first that fits wins).
SHAPES: dict[str, list[tuple[_Part, ...]]] = {
    LANGUAGE: [(_p("lang", "kk|ru|en"),)],
    MENU: [(_p("section", _WORD),), (_p("section", _WORD), _n("page"))],
    ENTRY: [(_p("entry", _ID),)],
    RELATED: [(_p("entry", _ID),)],
    FEEDBACK: [(_p("vote", "up|down"), _p("lang", "kk|ru|en"), _p("entry", _ID))],
    NEWS: [
        (_p("action", "view|latest|regions|off"),),
        (_p("action", "t"), _p("value", _WORD)),
        (_p("action", "r"), _p("value", _CODE)),
        (_p("action", "off"), _p("value", "m")),
    ],
    DRAFT: [(_p("action", _WORD),), (_p("action", _WORD), _p("arg", _CODE)), (_p("action", _WORD), _p("arg", _CODE), _p("value", _CODE))],
    BROADCAST: [(_n("id"), _p("action", "pause|resume|stop|unschedule|retry"))],
    VOLUNTEER: [
        (_p("action", "new"),),
        (_n("app"), _n("rev"), _p("action", _WORD)),
        (_n("app"), _n("rev"), _p("action", _WORD), _p("value", _CODE)),
    ],
    MY_APPLICATION: [
        (_p("action", "show|fields|withdraw|withdraw_yes"), _n("app")),
        (_p("action", "edit"), _n("app"), _n("rev"), _p("field", _WORD)),
    ],
    FORGET: [(_p("answer", "yes|no"),)],
    APPLICATION_STATUS: [(_p("status", _WORD), _n("app"))],
    APPLICATION_LIST: [(_p("status", _WORD),)],
    TEACH: [(_n("question"), _p("entry", _ID))],
    QUIZ: [(_p("action", "go"), _p("topic", _WORD)), (_p("action", "stop"), _n("round"))],
}


@dataclass(frozen=True)
class Callback:
    """Parsed callback data: the prefix and its named parts (numbers as int)."""

    prefix: str
    parts: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.parts[name]

    def get(self, name: str, default: Any = None) -> Any:
        """A part, or `default` when the shape has no such part."""
        return self.parts.get(name, default)


def data(prefix: str, *parts: object) -> str:
    """Join a prefix and its parts into callback data (it must parse back, and fit in 64 bytes)."""
    text = ":".join([prefix, *map(str, parts)])
    if len(text.encode()) > 64:
        raise ValueError(f"callback data over 64 bytes: {text!r}")
    if parse(text) is None:
        raise ValueError(f"callback data does not fit any shape of {prefix!r}: {text!r}")
    return text


def parse(callback_data: str | None) -> Callback | None:
    """The callback data's prefix and parts, or None if it fits no shape (forged, truncated, from an old version)."""
    if not callback_data or len(callback_data.encode()) > 64:
        return None
    prefix, _, rest = callback_data.partition(":")
    parts = rest.split(":") if rest else []
    for shape in SHAPES.get(prefix, ()):
        if len(shape) == len(parts) and all(re.fullmatch(p.pattern, value) for p, value in zip(shape, parts)):
            return Callback(prefix, {p.name: int(v) if p.number else v for p, v in zip(shape, parts)})
    return None


def pattern(prefix: str) -> str:
    """The regular expression a CallbackQueryHandler uses for a prefix."""
    return rf"^{re.escape(prefix)}:"
