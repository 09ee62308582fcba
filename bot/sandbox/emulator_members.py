"""Who is in a chat: getChatMember (creator, administrator, member, left) and getChatMemberCount."""

from __future__ import annotations

from typing import Any

from bot.sandbox.emulator_spec import bad_request
from bot.sandbox.emulator_state import TelegramState

# What an administrator may do: Telegram's ChatMemberAdministrator always carries each of these.
ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members", "can_promote_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)


class MemberMethods:
    """getChatMember and getChatMemberCount; mixed into BotApiMethods, whose chat lookup they use."""

    state: TelegramState

    def get_chat_member(self, p: dict) -> dict:
        """getChatMember: the user's status in the chat (EmulatedGroup.promote makes admins); the bot is a member."""
        chat = self._chat(p["chat_id"])
        user_id = p["user_id"]
        if user_id == self.state.bot_user["id"]:
            return {"status": "member", "user": self.state.bot_user}
        user = self.state.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        in_chat = user_id in chat.members or chat.id == user_id
        status = chat.admins.get(user_id) or ("member" if in_chat else "left")
        member: dict[str, Any] = {"status": status, "user": user.json}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(dict.fromkeys(ADMIN_RIGHTS, True), can_be_edited=False, is_anonymous=False)
        return member

    def get_chat_member_count(self, p: dict) -> int:
        """getChatMemberCount: the users in the chat, and the bot."""
        chat = self._chat(p["chat_id"])
        return 2 if chat.type == "private" else len(chat.members) + 1
