"""Polls and quizzes: sendPoll and stopPoll as strict as Telegram, votes by emulated users, poll updates.

The limits follow the vendored spec (Bot API 10.1): 1-12 options, quizzes name their correct options in
correct_option_ids (Bot API 9.6 replaced correct_option_id) and may allow multiple answers. Telegram's own
Bot API server still accepts the older forms (options as plain strings, correct_option_id), and so does this.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

from bot.sandbox.emulator_checks import checked_markup, parsed
from bot.sandbox.emulator_models import BotMessage, Chat, PollRecord
from bot.sandbox.emulator_spec import bad_request
from bot.sandbox.emulator_state import TelegramState

QUESTION_LIMIT = 300
OPTION_LIMIT = 100
MAX_OPTIONS = 12
EXPLANATION_LIMIT = 200
EXPLANATION_LINE_FEEDS = 2
DESCRIPTION_LIMIT = 1024
SHORTEST_PERIOD, LONGEST_PERIOD = 5, 2_628_000
FIRST_POLL_ID = 5_300_000_000_000_000_001


def normalize_legacy_poll(raw: dict[str, Any]) -> dict[str, Any]:
    """sendPoll parameters in the older forms Telegram still takes, rewritten in the spec's current form."""
    raw = dict(raw)
    options = raw.get("options")
    if isinstance(options, str):
        try:
            options = json.loads(options)
        except ValueError:
            return raw  # the spec check reports the broken JSON
    if isinstance(options, list):
        raw["options"] = [{"text": o} if isinstance(o, str) else o for o in options]
    if raw.get("correct_option_ids") in (None, "") and raw.get("correct_option_id") not in (None, ""):
        raw["correct_option_ids"] = [raw["correct_option_id"]]
    return raw


class PollMethods:
    """sendPoll and stopPoll; mixed into BotApiMethods, whose chat and message helpers they use."""

    state: TelegramState
    button_actions: list[str]

    def send_poll(self, p: dict) -> dict:
        """sendPoll."""
        chat = self._writable_chat(p["chat_id"])
        question, question_entities = parsed(p["question"], p.get("question_parse_mode"), p.get("question_entities"))
        if not question.strip():
            raise bad_request("poll question must be non-empty")
        if len(question) > QUESTION_LIMIT:
            raise bad_request(f"poll question length must not exceed {QUESTION_LIMIT}")
        options = [_option(o, i) for i, o in enumerate(p["options"])]
        if not options:
            raise bad_request("poll must have at least one answer option")
        if len(options) > MAX_OPTIONS:
            raise bad_request(f"poll can't have more than {MAX_OPTIONS} options")
        kind = p.get("type") or "regular"
        if kind not in ("regular", "quiz"):
            raise bad_request("unsupported poll type specified")
        is_anonymous = p.get("is_anonymous", True)
        if p.get("allow_adding_options") and (kind == "quiz" or is_anonymous):
            raise bad_request("answer options can't be added to anonymous polls and quizzes")
        poll: dict[str, Any] = {
            "id": "",  # given by register_poll
            "question": question,
            "options": options,
            "total_voter_count": 0,
            "is_closed": bool(p.get("is_closed", False)),
            "is_anonymous": is_anonymous,
            "type": kind,
            "allows_multiple_answers": bool(p.get("allows_multiple_answers", False)),
            "allows_revoting": bool(p.get("allows_revoting", kind != "quiz")),
            "members_only": False,  # channels only, and the emulator has no channels
        }
        if question_entities:
            poll["question_entities"] = question_entities
        if kind == "quiz":
            poll.update(_quiz_fields(p, len(options)))
        description = _description(p)
        if description:
            poll.update(description)
        closes_in = _closes_in(p)
        if closes_in is not None:
            poll["open_period"] = closes_in
            poll["close_date"] = int(time.time()) + closes_in
        markup = checked_markup(p.get("reply_markup"), self.button_actions)
        reply_to = self._reply_to(chat, p.get("reply_parameters"))
        message = self._new_message(chat, "poll", question, None, [], markup, reply_to, media={"poll": poll})
        register_poll(self.state, message, closes_in=closes_in)
        return self._json(message)

    def stop_poll(self, p: dict) -> dict:
        """stopPoll: close a poll the bot sent; returns the final Poll."""
        chat: Chat = self._chat(p["chat_id"])
        message = chat.live_bot_message(p["message_id"])
        if message is None or message.kind != "poll":
            raise bad_request("message with poll to stop not found")
        poll = message.media["poll"]
        if poll["is_closed"]:
            raise bad_request("poll has already been closed")
        if "reply_markup" in p:
            message.reply_markup = checked_markup(p.get("reply_markup"), self.button_actions)
        close_poll(self.state, poll["id"])
        self.state.record("edited", chat.id, message.message_id)
        return copy.deepcopy(poll)


def register_poll(state: TelegramState, message: BotMessage, *, closes_in: float | None = None) -> None:
    """Give the poll in a new message its id and its closing timer.

    A message whose poll already has an id is a copy: it gets a new poll with no votes, as in Telegram.
    """
    poll = message.media["poll"]
    if poll["id"]:
        poll = message.media["poll"] = copy.deepcopy(poll)
        poll["total_voter_count"] = 0
        for option in poll["options"]:
            option["voter_count"] = 0
        if poll.get("close_date") is not None:
            closes_in = poll["close_date"] - time.time()
    poll["id"] = str(max((int(i) for i in state.polls), default=FIRST_POLL_ID - 1) + 1)
    record = PollRecord(message.chat_id, message.message_id)
    state.polls[poll["id"]] = record
    if closes_in is not None and not poll["is_closed"]:
        loop = asyncio.get_running_loop()
        record.closer = loop.call_later(max(0.0, closes_in), close_poll, state, poll["id"])


def close_poll(state: TelegramState, poll_id: str) -> None:
    """Close the poll and tell the bot its final state (a `poll` update: the bot sent the poll)."""
    record = state.polls[poll_id]
    if record.closer is not None:
        record.closer.cancel()
        record.closer = None
    message = state.chats[record.chat_id].bot_messages[record.message_id]
    poll = message.media["poll"]
    if poll["is_closed"]:
        return
    poll["is_closed"] = True
    state.add_update("poll", copy.deepcopy(poll))


def cast_vote(state: TelegramState, user_json: dict, message: BotMessage, option_ids: list[int]) -> list[int]:
    """Count a user's answer (empty: take it back) and queue the updates the bot gets; return their update_ids.

    Raises AssertionError for what the Telegram app would not let the user do.
    """
    live = state.chats[message.chat_id].live_bot_message(message.message_id)
    if live is None or live.kind != "poll":
        raise AssertionError(f"message {message.message_id} in chat {message.chat_id} is not a poll there now")
    poll = live.media["poll"]
    record = state.polls[poll["id"]]
    user_id = user_json["id"]
    chat = state.chats[message.chat_id]
    if user_id not in chat.members and chat.id != user_id:
        raise AssertionError(f"user {user_id} is not in chat {chat.id}: add them to the group first")
    if poll["is_closed"]:
        raise AssertionError(f"the poll {poll['question']!r} is closed")
    count = len(poll["options"])
    if any(not 0 <= i < count for i in option_ids) or len(set(option_ids)) != len(option_ids):
        raise AssertionError(f"the poll {poll['question']!r} has options 0-{count - 1}, not {option_ids}")
    if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
        raise AssertionError(f"the poll {poll['question']!r} takes one answer, not {option_ids}")
    earlier = record.votes.get(user_id)
    if earlier is not None and not poll["allows_revoting"]:
        what = "quiz" if poll["type"] == "quiz" else "poll"
        raise AssertionError(f"user {user_id} has already answered the {what} {poll['question']!r}")
    if earlier is None and not option_ids:
        raise AssertionError(f"user {user_id} has no answer to take back in {poll['question']!r}")
    for i in earlier or []:
        poll["options"][i]["voter_count"] -= 1
    for i in option_ids:
        poll["options"][i]["voter_count"] += 1
    if option_ids:
        record.votes[user_id] = sorted(option_ids)
    else:
        record.votes.pop(user_id, None)
    poll["total_voter_count"] = len(record.votes)
    update_ids = []
    if not poll["is_anonymous"]:
        answer = {
            "poll_id": poll["id"],
            "user": user_json,
            "option_ids": sorted(option_ids),
            "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in sorted(option_ids)],
        }
        update_ids.append(state.add_update("poll_answer", answer))
    # Bots get the new state of every poll they sent.
    update_ids.append(state.add_update("poll", copy.deepcopy(poll)))
    return update_ids


def option_index(message: BotMessage, option: int | str) -> int:
    """An option given by its 0-based index or by its text (exactly, else a case-insensitive part)."""
    options = [o["text"] for o in message.media["poll"]["options"]]
    if isinstance(option, int):
        return option
    if option in options:
        return options.index(option)
    matching = [i for i, text in enumerate(options) if option.casefold() in text.casefold()]
    if len(matching) != 1:
        raise AssertionError(f"no single option {option!r} in the poll; its options: {options}")
    return matching[0]


def _option(option: dict, index: int) -> dict:
    text, entities = parsed(option["text"], option.get("text_parse_mode"), option.get("text_entities"))
    if not text.strip():
        raise bad_request("poll options must be non-empty")
    if len(text) > OPTION_LIMIT:
        raise bad_request(f"poll options length must not exceed {OPTION_LIMIT}")
    result: dict[str, Any] = {"persistent_id": str(index), "text": text, "voter_count": 0}
    if entities:
        result["text_entities"] = entities
    return result


def _quiz_fields(p: dict, option_count: int) -> dict:
    correct = p.get("correct_option_ids")
    if not correct:
        raise bad_request("correct option identifiers must be specified for a quiz")
    if any(not 0 <= i < option_count for i in correct) or any(a >= b for a, b in zip(correct, correct[1:])):
        raise bad_request("wrong correct option identifiers specified")
    fields: dict[str, Any] = {"correct_option_ids": list(correct)}
    explanation = p.get("explanation")
    if explanation:
        visible, entities = parsed(explanation, p.get("explanation_parse_mode"), p.get("explanation_entities"))
        if len(visible) > EXPLANATION_LIMIT:
            raise bad_request(f"quiz explanation length must not exceed {EXPLANATION_LIMIT}")
        if visible.count("\n") > EXPLANATION_LINE_FEEDS:
            raise bad_request(f"quiz explanation can't have more than {EXPLANATION_LINE_FEEDS} line feeds")
        fields["explanation"] = visible
        if entities:
            fields["explanation_entities"] = entities
    return fields


def _description(p: dict) -> dict:
    if not p.get("description"):
        return {}
    visible, entities = parsed(p["description"], p.get("description_parse_mode"), p.get("description_entities"))
    if len(visible) > DESCRIPTION_LIMIT:
        raise bad_request(f"poll description length must not exceed {DESCRIPTION_LIMIT}")
    return {"description": visible, **({"description_entities": entities} if entities else {})}


def _closes_in(p: dict) -> int | None:
    """Seconds until the poll closes by itself (open_period or close_date), or None."""
    period, close_date = p.get("open_period"), p.get("close_date")
    if period is not None and close_date is not None:
        raise bad_request("open_period and close_date can't be used together")
    if close_date is not None:
        period = close_date - int(time.time())
    if period is None:
        return None
    if not SHORTEST_PERIOD <= period <= LONGEST_PERIOD:
        raise bad_request(f"poll must close from {SHORTEST_PERIOD} to {LONGEST_PERIOD} seconds after it is sent")
    return period
