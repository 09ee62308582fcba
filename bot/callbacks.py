"""Callback-data prefixes and their builders, in one place (Telegram allows 64 bytes)."""

from __future__ import annotations

LANGUAGE = "lang"  # lang:<kk|ru|en>
MENU = "menu"  # menu:<section>[:<page>] ; menu:main for the main menu
ENTRY = "ent"  # ent:<entry id>  (show a knowledge entry in place of the list)
RELATED = "rel"  # rel:<entry id>  (send a related entry under an answer as a new message)
FEEDBACK = "fb"  # fb:<up|down>:<lang>:<entry id>  (a vote on an answer)
NEWS = "news"  # news:<view|t|regions|r|off|latest>[:<topic|region code|page>]  (a person's subscriptions)
ANNOUNCE = "ann"  # ann:<broadcast id>:<action>[:<argument>]  (staff: draft, send, pause an announcement)
VOLUNTEER = "vol"  # vol:<action>[:<step>[:<value>]]  (the volunteer form)
MY_APPLICATION = "myapp"  # myapp:<edit|withdraw|withdraw_yes|show>:<application id>
FORGET = "forget"  # forget:<yes|no>  (/forget_me)
APPLICATION_STATUS = "vapp"  # vapp:<status>:<application id>  (staff buttons on a posted application)
APPLICATION_LIST = "vlist"  # vlist:<status>  (staff: /applications filtered by status)


def data(prefix: str, *parts: object) -> str:
    """Join a prefix and its parts into callback data."""
    text = ":".join([prefix, *map(str, parts)])
    if len(text.encode()) > 64:
        raise ValueError(f"callback data over 64 bytes: {text!r}")
    return text


def pattern(prefix: str) -> str:
    """Return the regular expression a CallbackQueryHandler uses for a prefix."""
    return rf"^{prefix}:"


def parts(callback_data: str) -> list[str]:
    """Split callback data into its parts after the prefix."""
    return callback_data.split(":")[1:]
