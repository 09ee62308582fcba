"""The Bot API methods the emulator implements, as strict as Telegram about what they accept."""

from __future__ import annotations

import mimetypes
import re
import time
from typing import Any, Callable

from bot.sandbox.emulator_checks import BUTTON_DECORATION, caption_of, checked_markup, formatted, refuse_unmodified
from bot.sandbox.emulator_models import CAPTIONED, BotMessage, Chat, StoredFile, content_of, message_json
from bot.sandbox.emulator_members import MemberMethods
from bot.sandbox.emulator_polls import PollMethods, register_poll
from bot.sandbox.emulator_profile import ProfileMethods
from bot.sandbox.emulator_spec import ApiError, ApiSpec, Upload, bad_request
from bot.sandbox.emulator_state import TelegramState

# API method -> name of the BotApiMethods method implementing it. getUpdates and the webhook methods live in the
# server (emulator.py): they wait, or start and stop the delivery of updates.
IMPLEMENTED = {
    "getMe": "get_me",
    "logOut": "log_out",
    "close": "log_out",
    "sendMessage": "send_message",
    "sendPhoto": "send_photo",
    "sendDocument": "send_document",
    "sendPoll": "send_poll",
    "stopPoll": "stop_poll",
    "sendChatAction": "send_chat_action",
    "copyMessage": "copy_message",
    "forwardMessage": "forward_message",
    "editMessageText": "edit_message_text",
    "editMessageCaption": "edit_message_caption",
    "editMessageReplyMarkup": "edit_message_reply_markup",
    "deleteMessage": "delete_message",
    "deleteMessages": "delete_messages",
    "answerCallbackQuery": "answer_callback_query",
    "setMyCommands": "set_my_commands",
    "getMyCommands": "get_my_commands",
    "deleteMyCommands": "delete_my_commands",
    "setMyDescription": "set_my_description",
    "getMyDescription": "get_my_description",
    "setMyShortDescription": "set_my_short_description",
    "getMyShortDescription": "get_my_short_description",
    "setChatMenuButton": "set_chat_menu_button",
    "getChatMenuButton": "get_chat_menu_button",
    "getChat": "get_chat",
    "getChatMember": "get_chat_member",
    "getChatMemberCount": "get_chat_member_count",
    "getFile": "get_file",
}
# The calls Telegram's flood control counts: each one produces or changes a message.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "stopPoll",
    }
)
# Of those, the ones that put a new message in a chat (Telegram's per-group limit counts these).
NEW_MESSAGE_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendPoll", "copyMessage", "forwardMessage"})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
CALLBACK_ANSWER_LIMIT = 200


def forbidden_blocked() -> ApiError:
    """Telegram's answer when the user blocked the bot."""
    return ApiError(403, "Forbidden: bot was blocked by the user")


class BotApiMethods(PollMethods, ProfileMethods, MemberMethods):
    """Implements each supported method on the shared TelegramState; raises ApiError to refuse."""

    def __init__(self, state: TelegramState, spec: ApiSpec) -> None:
        self.state = state
        button_fields = spec.type_fields("InlineKeyboardButton")
        self.button_actions = [f["name"] for f in button_fields if f["name"] not in BUTTON_DECORATION]

    def handler(self, method: str) -> Callable[[dict[str, Any]], Any]:
        """The function implementing an API method (one of IMPLEMENTED)."""
        return getattr(self, IMPLEMENTED[method])

    def concerned(self, method: str, params: dict[str, Any]) -> tuple[int | None, str | None]:
        """The chat (and callback query) a call is about, for the waiting logic."""
        if method == "answerCallbackQuery":
            query = self.state.queries.get(str(params.get("callback_query_id")))
            return (query.chat_id, query.id) if query else (None, None)
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str) and re.fullmatch(r"-?\d+", chat_id):
            chat_id = int(chat_id)
        return (chat_id if isinstance(chat_id, int) else None), None

    # --- the bot and updates -------------------------------------------------------------------

    def get_me(self, p: dict) -> dict:
        """getMe."""
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def log_out(self, p: dict) -> bool:
        """logOut and close."""
        return True

    # --- sending -------------------------------------------------------------------------------

    def send_message(self, p: dict) -> dict:
        """sendMessage."""
        chat = self._writable_chat(p["chat_id"])
        _, entities = formatted(p["text"], p.get("parse_mode"), p.get("entities"), caption=False)
        markup = checked_markup(p.get("reply_markup"), self.button_actions)
        reply_to = self._reply_to(chat, p.get("reply_parameters"))
        message = self._new_message(chat, "text", p["text"], p.get("parse_mode"), entities, markup, reply_to)
        return self._json(message)

    def _media_message_parts(self, p: dict) -> tuple:
        """What sendPhoto and sendDocument check alike: the chat, the caption, the buttons, the reply."""
        chat = self._writable_chat(p["chat_id"])
        caption, parse_mode = p.get("caption"), p.get("parse_mode")
        _, entities = caption_of(caption, parse_mode, p.get("caption_entities"))
        markup = checked_markup(p.get("reply_markup"), self.button_actions)
        return chat, caption, parse_mode, entities, markup, self._reply_to(chat, p.get("reply_parameters"))

    def send_photo(self, p: dict) -> dict:
        """sendPhoto: an upload or the file_id of a known photo."""
        chat, caption, parse_mode, entities, markup, reply_to = self._media_message_parts(p)
        photo = p["photo"]
        if isinstance(photo, Upload):
            sizes = self.state.photo_sizes(photo.data)
        else:
            known = self._known_file(photo, "photo")
            size = {"file_id": known.file_id, "file_unique_id": known.file_unique_id, "file_size": len(known.data)}
            sizes = [{**size, "width": 1280, "height": 960}]
        media = {"photo": sizes}
        message = self._new_message(chat, "photo", caption, parse_mode, entities, markup, reply_to, media=media)
        return self._json(message)

    def send_document(self, p: dict) -> dict:
        """sendDocument: an upload (its bytes and name are kept) or the file_id of a known document."""
        chat, caption, parse_mode, entities, markup, reply_to = self._media_message_parts(p)
        document = p["document"]
        if isinstance(document, Upload):
            filename = document.filename or "document"
            mime = document.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            stored = self.state.store_file("document", document.data, filename=filename, mime_type=mime)
        else:
            stored = self._known_file(document, "document")
        media = {"document": _document_json(stored)}
        message = self._new_message(chat, "document", caption, parse_mode, entities, markup, reply_to, media=media)
        message.document, message.filename = stored.data, stored.filename
        return self._json(message)

    def send_chat_action(self, p: dict) -> bool:
        """sendChatAction."""
        chat = self._writable_chat(p["chat_id"])
        if p["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.state.record("action", chat.id)
        return True

    def copy_message(self, p: dict) -> dict:
        """copyMessage: the content without a link to the original; returns the new MessageId."""
        message = self._duplicate(p, "copy")
        return {"message_id": message.message_id}

    def forward_message(self, p: dict) -> dict:
        """forwardMessage: the content with forward_origin."""
        return self._json(self._duplicate(p, "forward"))

    def _duplicate(self, p: dict, how: str) -> BotMessage:
        source_chat = self._chat(p["from_chat_id"])
        target = self._writable_chat(p["chat_id"])
        message_id = p["message_id"]
        original = source_chat.live_bot_message(message_id)
        user_message = None if original is not None else source_chat.live_user_message(message_id)
        if original is None and user_message is None:
            raise bad_request(f"message to {how} not found")
        if original is not None:
            kind, text, parse_mode, entities = original.kind, original.text, original.parse_mode, original.entities
            media = {k: v for k, v in original.media.items() if k != "forward_origin"}
            document, filename, sender, date = original.document, original.filename, self.state.bot_user, original.date
        else:
            kind, text, entities, media = content_of(user_message)
            parse_mode, sender, date = None, user_message["from"], user_message["date"]
            stored = self.state.files.get(media.get("document", {}).get("file_id", ""))
            document, filename = (stored.data, stored.filename) if stored else (None, None)
        markup = None
        if how == "copy":
            markup = checked_markup(p.get("reply_markup"), self.button_actions)
            if "caption" in p and kind in CAPTIONED:
                text, parse_mode = p["caption"], p.get("parse_mode")
                _, entities = caption_of(text, parse_mode, p.get("caption_entities"))
        else:
            media["forward_origin"] = {"type": "user", "sender_user": sender, "date": date}
        reply_to = self._reply_to(target, p.get("reply_parameters"))
        message = self._new_message(target, kind, text, parse_mode, list(entities), markup, reply_to, media=media)
        message.document, message.filename = document, filename
        if how == "copy" and kind == "poll":
            register_poll(self.state, message)
        return message

    # --- editing and deleting ------------------------------------------------------------------

    def edit_message_text(self, p: dict) -> dict:
        """editMessageText (without reply_markup the inline keyboard goes away, as in Telegram)."""
        chat, message = self._message_to_edit(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        visible, entities = formatted(p["text"], p.get("parse_mode"), p.get("entities"), caption=False)
        markup = checked_markup(p.get("reply_markup"), self.button_actions)
        refuse_unmodified(message, visible, entities, markup)
        message.text, message.parse_mode, message.entities = p["text"], p.get("parse_mode"), entities
        return self._edited(chat, message, markup)

    def edit_message_caption(self, p: dict) -> dict:
        """editMessageCaption."""
        chat, message = self._message_to_edit(p)
        if message.kind not in CAPTIONED:
            raise bad_request("there is no caption in the message to edit")
        caption, parse_mode = p.get("caption"), p.get("parse_mode")
        visible, entities = caption_of(caption, parse_mode, p.get("caption_entities"))
        markup = checked_markup(p.get("reply_markup"), self.button_actions)
        refuse_unmodified(message, visible, entities, markup)
        message.text, message.parse_mode, message.entities = caption, parse_mode, entities
        return self._edited(chat, message, markup)

    def edit_message_reply_markup(self, p: dict) -> dict:
        """editMessageReplyMarkup."""
        chat, message = self._message_to_edit(p)
        markup = checked_markup(p.get("reply_markup"), self.button_actions)
        refuse_unmodified(message, message.plain, message.entities, markup)
        return self._edited(chat, message, markup)

    def delete_message(self, p: dict) -> bool:
        """deleteMessage: the bot's messages and, in private chats, the user's."""
        chat = self._chat(p["chat_id"])
        if not self._delete(chat, p["message_id"]):
            raise bad_request("message to delete not found")
        return True

    def delete_messages(self, p: dict) -> bool:
        """deleteMessages: 1-100 ids; those that are not there are skipped."""
        chat = self._chat(p["chat_id"])
        if not 1 <= len(p["message_ids"]) <= 100:
            raise bad_request("message_ids must contain 1-100 identifiers")
        for message_id in p["message_ids"]:
            self._delete(chat, message_id)
        return True

    def _delete(self, chat: Chat, message_id: int) -> bool:
        message = chat.live_bot_message(message_id)
        if message is not None:
            message.deleted = True
        elif chat.live_user_message(message_id) is not None:
            chat.deleted_user_messages.add(message_id)
        else:
            return False
        self.state.record("deleted", chat.id, message_id)
        return True

    # --- callback queries ----------------------------------------------------------------------

    def answer_callback_query(self, p: dict) -> bool:
        """answerCallbackQuery: once per query that exists."""
        query = self.state.queries.get(p["callback_query_id"])
        if query is None or query.answered:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(p.get("text") or "") > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        user = self.state.users.get(query.user_id)
        if user is not None:
            user.callback_answers.append(dict(p))
        self.state.record("answered", query.chat_id, query_id=query.id)
        return True

    # --- chats and files -----------------------------------------------------------------------

    def get_chat(self, p: dict) -> dict:
        """getChat: a ChatFullInfo."""
        chat = self._chat(p["chat_id"])
        gift_types = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels")
        return {
            **chat.json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {name: False for name in gift_types},
        }

    def get_file(self, p: dict) -> dict:
        """getFile: any file the emulator knows, downloadable from base_file_url."""
        stored = self.state.files.get(p["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.json()

    # --- shared checks -------------------------------------------------------------------------

    def _chat(self, chat_id: int | str) -> Chat:
        chat = self.state.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, chat_id: int | str) -> Chat:
        """A chat the bot may send to now."""
        chat = self._chat(chat_id)
        user = self.state.users.get(chat.id) if chat.type == "private" else None
        if user is not None and user.blocked:
            raise forbidden_blocked()
        if user is not None and not user.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _reply_to(self, chat: Chat, parameters: dict | None) -> int | None:
        if not parameters:
            return None
        message_id = parameters["message_id"]
        if chat.live_bot_message(message_id) or chat.live_user_message(message_id):
            return message_id
        if parameters.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    def _known_file(self, file_id: str, kind: str) -> StoredFile:
        if re.match(r"https?://", file_id, re.IGNORECASE):
            raise bad_request("HTTP URLs are not supported by the emulator: upload the file or use a file_id")
        stored = self.state.files.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request("type of file mismatch")
        return stored

    def _new_message(
        self,
        chat: Chat,
        kind: str,
        text: str | None,
        parse_mode: str | None,
        entities: list[dict],
        markup: dict | None,
        reply_to: int | None,
        *,
        media: dict | None = None,
    ) -> BotMessage:
        message = BotMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.id,
            kind=kind,
            text=text,
            parse_mode=parse_mode,
            reply_markup=markup,
            date=int(time.time()),
            entities=entities,
            media=media or {},
            reply_to=reply_to,
        )
        chat.bot_messages[message.message_id] = message
        self.state.record("sent", chat.id, message.message_id)
        return message

    def _message_to_edit(self, p: dict) -> tuple[Chat, BotMessage]:
        if p.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        if "chat_id" not in p:
            raise bad_request("chat_id is empty")
        if "message_id" not in p:
            raise bad_request("message identifier is not specified")
        chat = self._chat(p["chat_id"])
        message = chat.live_bot_message(p["message_id"])
        if message is None:
            if chat.live_user_message(p["message_id"]) is not None:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    def _edited(self, chat: Chat, message: BotMessage, markup: dict | None) -> dict:
        message.reply_markup = markup
        message.edited = True
        message.edit_date = int(time.time())
        self.state.record("edited", chat.id, message.message_id)
        return message_json(message, chat, self.state.bot_user)

    def _json(self, message: BotMessage) -> dict:
        return message_json(message, self.state.chats[message.chat_id], self.state.bot_user)


def _document_json(stored: StoredFile) -> dict:
    document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.data)}
    if stored.filename:
        document["file_name"] = stored.filename
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document
