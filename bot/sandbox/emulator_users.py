"""People and groups on the emulated Telegram: what a user can do and what they see."""

from __future__ import annotations

import mimetypes
import re
import time
from typing import TYPE_CHECKING, Callable, Sequence

from bot.sandbox.emulator_models import BotMessage, Chat, message_json, user_json
from bot.sandbox.emulator_polls import cast_vote, option_index

if TYPE_CHECKING:
    from bot.sandbox.emulator import TelegramEmulator

# Stand-ins for the bytes of pictures users send (nothing looks inside them).
FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64) + b"\xff\xd9"
FAKE_WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?(?=\s|$)")


def command_entities(text: str) -> list[dict]:
    """The bot_command entity Telegram adds to a message that starts with /command or /command@bot."""
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(match.group().encode("utf-16-le")) // 2}]


class _ChatView:
    """What the bot has sent to one chat (the chat's id is `self.id`)."""

    emulator: TelegramEmulator
    id: int

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in the chat as they are now (edits applied, deleted ones gone)."""
        return self.emulator.chat_messages(self.id)

    @property
    def last(self) -> BotMessage | None:
        """The bot's newest message in the chat."""
        messages = self.messages
        return messages[-1] if messages else None


class EmulatedGroup(_ChatView):
    """A group chat the bot is in; users speak in it with `send(..., chat=group)`."""

    def __init__(self, emulator: TelegramEmulator, chat_id: int, title: str) -> None:
        self.emulator = emulator
        self.id = chat_id
        self.title = title

    @property
    def members(self) -> set[int]:
        """The ids of the users in the group."""
        return set(self.emulator.state.chats[self.id].members)

    def add(self, user: EmulatedUser) -> None:
        """The user joins the group (no update: the bot is not an administrator, so Telegram tells it nothing)."""
        self.emulator.state.chats[self.id].members.add(user.id)

    def promote(self, user: EmulatedUser, *, owner: bool = False) -> None:
        """Make the user the group's creator (`owner`) or one of its administrators; they join it if need be."""
        chat = self.emulator.state.chats[self.id]
        chat.members.add(user.id)
        chat.admins[user.id] = "creator" if owner else "administrator"


class EmulatedUser(_ChatView):
    """A person chatting with the bot; their private chat has the same id as they do.

    The actions return the bot's messages sent or edited in that chat in reply (see TelegramEmulator.collect_reply).
    """

    def __init__(
        self,
        emulator: TelegramEmulator,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        started: bool = True,
    ) -> None:
        self.emulator = emulator
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self.started = started  # False: the bot may not write first ("bot can't initiate conversation")
        self.callback_answers: list[dict] = []
        self._mark = 0  # the emulator's event count at this user's last action

    @property
    def json(self) -> dict:
        """The User object Telegram sends for this person."""
        return user_json(
            self.id, self.first_name, last_name=self.last_name, username=self.username, language_code=self.language_code
        )

    # --- messages ------------------------------------------------------------------------------

    async def send(
        self, text: str, *, chat: EmulatedGroup | None = None, wait: bool = True, expect_reply: bool = True
    ) -> list[BotMessage]:
        """Send a text message (in the private chat, or in `chat`)."""
        content: dict = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        return await self._send(content, chat, wait, expect_reply, f"message {text[:40]!r}")

    async def send_contact(
        self,
        phone_number: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        own: bool = True,
        chat: EmulatedGroup | None = None,
        wait: bool = True,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Share a contact; own=True is Telegram's "share my phone number" (user_id is set)."""
        contact: dict = {"phone_number": phone_number, "first_name": first_name or self.first_name}
        last = last_name if last_name is not None else (self.last_name if own else None)
        if last:
            contact["last_name"] = last
        if own:
            contact["user_id"] = self.id
        return await self._send({"contact": contact}, chat, wait, expect_reply, f"contact {phone_number}")

    async def send_photo(
        self,
        caption: str | None = None,
        *,
        data: bytes | None = None,
        chat: EmulatedGroup | None = None,
        wait: bool = True,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Send a picture, optionally with a caption."""
        content: dict = {"photo": self.emulator.state.photo_sizes(data or FAKE_JPEG)}
        if caption is not None:
            content["caption"] = caption
        return await self._send(content, chat, wait, expect_reply, "photo")

    async def send_sticker(
        self, *, emoji: str = "👍", chat: EmulatedGroup | None = None, wait: bool = True, expect_reply: bool = True
    ) -> list[BotMessage]:
        """Send a sticker."""
        stored = self.emulator.state.store_file("sticker", FAKE_WEBP, mime_type="image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.data),
        }
        return await self._send({"sticker": sticker}, chat, wait, expect_reply, "sticker")

    async def send_document(
        self,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        chat: EmulatedGroup | None = None,
        wait: bool = True,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Send a file; the bot can download it with getFile."""
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self.emulator.state.store_file("document", data, filename=filename, mime_type=mime)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime,
            "file_size": len(data),
        }
        content: dict = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return await self._send(content, chat, wait, expect_reply, f"document {filename!r}")

    async def _send(
        self, content: dict, group: EmulatedGroup | None, wait: bool, expect_reply: bool, what: str
    ) -> list[BotMessage]:
        chat = self._chat(group)
        chat.members.add(self.id)  # writing in a group means being in it
        message = {
            "message_id": chat.take_message_id(),
            "from": self.json,
            "chat": chat.json(),
            "date": int(time.time()),
            **content,
        }
        chat.user_messages[message["message_id"]] = message
        return await self._act("message", message, chat.id, wait, expect_reply, f"{what} from user {self.id}")

    # --- buttons -------------------------------------------------------------------------------

    async def press(
        self,
        label: str,
        *,
        message: BotMessage | None = None,
        chat: EmulatedGroup | None = None,
        wait: bool = True,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Press the inline button labelled `label` (else containing it, ignoring case) on `message` or the newest one.

        Only buttons on the message as it is now count; AssertionError lists the buttons that are there.
        """
        folded = label.casefold()
        matchers = [lambda b: b.get("text") == label, lambda b: folded in (b.get("text") or "").casefold()]
        found, button = self._find_button(message, chat, matchers, f"button {label!r}")
        return await self._click(found, button, wait, expect_reply)

    async def press_data(
        self,
        callback_data: str,
        message: BotMessage | None = None,
        *,
        chat: EmulatedGroup | None = None,
        wait: bool = True,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Press the button carrying `callback_data` (it must be on the message now)."""
        matchers = [lambda b: b.get("callback_data") == callback_data]
        found, button = self._find_button(message, chat, matchers, f"button with data {callback_data!r}")
        return await self._click(found, button, wait, expect_reply)

    async def forge_press(
        self,
        callback_data: str,
        message: BotMessage | None = None,
        *,
        chat: EmulatedGroup | None = None,
        wait: bool = True,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Press a button with any data at all on `message` (or the newest bot message), as a modified client can.
        Like Telegram, the update carries the message as it is now, not the snapshot the test holds."""
        target_chat = self._chat(chat) if message is None else self.emulator.state.chats[message.chat_id]
        if message is None:
            target = next(m for _, m in sorted(target_chat.bot_messages.items(), reverse=True) if not m.deleted)
        else:
            target = target_chat.live_bot_message(message.message_id)
            if target is None:
                raise AssertionError(f"message {message.message_id} in chat {target_chat.id} was deleted: nothing to press")
        return await self._click(target, {"text": "(forged)", "callback_data": callback_data}, wait, expect_reply)

    def _find_button(
        self, message: BotMessage | None, group: EmulatedGroup | None, matchers: list[Callable[[dict], bool]], what: str
    ) -> tuple[BotMessage, dict]:
        chat = self._chat(group) if message is None else self.emulator.state.chats[message.chat_id]
        if message is not None:
            live = chat.live_bot_message(message.message_id)
            if live is None:
                raise AssertionError(f"message {message.message_id} in chat {chat.id} was deleted: no {what} to press")
            candidates = [live]
        else:
            candidates = [m for _, m in sorted(chat.bot_messages.items(), reverse=True) if not m.deleted]
        for matcher in matchers:
            for candidate in candidates:
                buttons = [b for row in candidate.inline_keyboard for b in row if matcher(b)]
                if len({b.get("text") for b in buttons}) > 1:
                    labels = [b.get("text") for b in buttons]
                    raise AssertionError(f"{what} is ambiguous on message {candidate.message_id}: {labels}")
                if buttons:
                    return candidate, buttons[0]
        there = "; ".join(f"message {m.message_id}: {m.buttons}" for m in candidates if m.inline_keyboard) or "none"
        raise AssertionError(f"no {what} in chat {chat.id}; inline buttons there now: {there}")

    async def _click(self, message: BotMessage, button: dict, wait: bool, expect_reply: bool) -> list[BotMessage]:
        data = button.get("callback_data")
        if data is None:
            action = next((k for k in button if k not in ("text", "icon_custom_emoji_id", "style")), "?")
            label = button.get("text")
            raise AssertionError(f"button {label!r} is a {action} button: pressing it sends nothing to the bot")
        state = self.emulator.state
        chat = state.chats[message.chat_id]
        query = state.new_query(self.id, message, data)
        payload = {
            "id": query.id,
            "from": self.json,
            "message": message_json(message, chat, state.bot_user),
            "chat_instance": str((self.emulator.bot_id * 1_000_003 + chat.id) % 10**19),
            "data": data,
        }
        what = f"press of {button.get('text')!r} by user {self.id}"
        return await self._act("callback_query", payload, chat.id, wait, expect_reply, what, query_id=query.id)

    # --- polls ---------------------------------------------------------------------------------

    async def vote(
        self,
        message: BotMessage | None,
        option: int | str | Sequence[int | str],
        *,
        chat: EmulatedGroup | None = None,
        wait: bool = True,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Answer the poll in `message` (None: the newest poll in the chat) by option index or text, or several.

        The bot gets a poll_answer update (non-anonymous polls) and the poll's new state. AssertionError for
        what the Telegram app would not allow: a poll in a chat the user is not in, a closed poll, a second
        answer to a quiz, options that are not there.
        """
        poll_message = self._find_poll(message, chat)
        options = [option] if isinstance(option, (int, str)) else list(option)
        option_ids = [option_index(poll_message, o) for o in options]
        if not option_ids:
            raise AssertionError("choose at least one option; retract_vote() takes an answer back")
        return await self._answer_poll(poll_message, option_ids, wait, expect_reply)

    async def retract_vote(
        self, message: BotMessage | None = None, *, chat: EmulatedGroup | None = None, wait: bool = True
    ) -> list[BotMessage]:
        """Take back this user's answer to a poll that allows changing it."""
        return await self._answer_poll(self._find_poll(message, chat), [], wait, False)

    def _find_poll(self, message: BotMessage | None, group: EmulatedGroup | None) -> BotMessage:
        if message is not None:
            return message
        chat = self._chat(group)
        polls = [m for _, m in sorted(chat.bot_messages.items(), reverse=True) if m.kind == "poll" and not m.deleted]
        if not polls:
            raise AssertionError(f"there is no poll in chat {chat.id}")
        return polls[0]

    async def _answer_poll(
        self, message: BotMessage, option_ids: list[int], wait: bool, expect_reply: bool
    ) -> list[BotMessage]:
        state = self.emulator.state
        mark = len(state.events)
        update_ids = cast_vote(state, self.json, message, option_ids)
        self._mark = mark
        if not wait:
            return []
        what = f"answer {option_ids} to poll {message.media['poll']['question'][:40]!r} by user {self.id}"
        return await self.emulator.collect_reply(
            update_ids, message.chat_id, mark=mark, expect_reply=expect_reply, what=what
        )

    # --- blocking ------------------------------------------------------------------------------

    async def block(self, *, wait: bool = True) -> None:
        """Block the bot: its messages to this user now get 403; the bot gets a my_chat_member update."""
        self.blocked = True
        await self._membership("member", "kicked", wait)

    async def unblock(self, *, wait: bool = True) -> None:
        """Unblock the bot (the bot gets a my_chat_member update)."""
        self.blocked = False
        await self._membership("kicked", "member", wait)

    async def _membership(self, old: str, new: str, wait: bool) -> None:
        chat = self._chat(None)
        bot = self.emulator.state.bot_user
        new_member: dict = {"user": bot, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: dict = {"user": bot, "status": old, **({"until_date": 0} if old == "kicked" else {})}
        payload = {
            "chat": chat.json(),
            "from": self.json,
            "date": int(time.time()),
            "old_chat_member": old_member,
            "new_chat_member": new_member,
        }
        mark = len(self.emulator.state.events)
        update_id = self.emulator.inject_update("my_chat_member", payload)
        if wait:
            what = f"my_chat_member ({new}) from user {self.id}"
            await self.emulator.collect_reply(update_id, chat.id, mark=mark, expect_reply=False, what=what)

    # --- waiting -------------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[BotMessage], bool], timeout: float | None = None) -> BotMessage:
        """The first bot message here, sent or edited since this user's last action, that satisfies `predicate`.

        Waits up to `timeout` seconds (default: the emulator's reply_timeout), then raises TimeoutError.
        """
        return await self.emulator.wait_for_message(self.id, self._mark, predicate, timeout)

    async def _act(
        self,
        kind: str,
        payload: dict,
        chat_id: int,
        wait: bool,
        expect_reply: bool,
        what: str,
        *,
        query_id: str | None = None,
    ) -> list[BotMessage]:
        if self.blocked and chat_id == self.id:
            raise AssertionError(f"user {self.id} has blocked the bot: call unblock() first")
        self.started = True
        self.emulator.state.chats[self.id].user_json = self.json  # the name may have been changed by the test
        self._mark = len(self.emulator.state.events)
        update_id = self.emulator.inject_update(kind, payload)
        if not wait:
            return []
        return await self.emulator.collect_reply(
            update_id, chat_id, query_id=query_id, mark=self._mark, expect_reply=expect_reply, what=what
        )

    def _chat(self, group: EmulatedGroup | None) -> Chat:
        return self.emulator.state.chats[group.id if group is not None else self.id]
