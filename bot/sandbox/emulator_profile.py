"""The bot's profile on Telegram: its command lists, descriptions and menu button."""

from __future__ import annotations

import re

from bot.sandbox.emulator_spec import bad_request
from bot.sandbox.emulator_state import TelegramState

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class ProfileMethods:
    """setMyCommands and friends; mixed into BotApiMethods, whose _chat() they use."""

    state: TelegramState

    def set_my_commands(self, p: dict) -> bool:
        """setMyCommands: stored per (scope, language_code)."""
        commands = p["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            if not _COMMAND.fullmatch(command["command"]):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(p)
        if commands:
            self.state.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        else:
            self.state.commands.pop(key, None)
        return True

    def get_my_commands(self, p: dict) -> list[dict]:
        """getMyCommands."""
        return list(self.state.commands.get(self._commands_key(p), []))

    def delete_my_commands(self, p: dict) -> bool:
        """deleteMyCommands."""
        self.state.commands.pop(self._commands_key(p), None)
        return True

    def _commands_key(self, p: dict) -> tuple[str, str | None]:
        """(scope type, language_code); scopes bound to a chat (and member) name them: "chat:-100"."""
        scope = p.get("scope") or {"type": "default"}
        name = scope["type"]
        if "chat_id" in scope:
            name += f":{self._chat(scope['chat_id']).id}"
        if "user_id" in scope:
            name += f":{scope['user_id']}"
        return name, p.get("language_code") or None

    def set_my_description(self, p: dict) -> bool:
        """setMyDescription (0-512 characters; empty removes it)."""
        text = p.get("description") or ""
        return self._set_text(self.state.descriptions, text, p.get("language_code"), 512, "description")

    def get_my_description(self, p: dict) -> dict:
        """getMyDescription."""
        return {"description": self.state.descriptions.get(p.get("language_code") or None, "")}

    def set_my_short_description(self, p: dict) -> bool:
        """setMyShortDescription (0-120 characters; empty removes it)."""
        text = p.get("short_description") or ""
        return self._set_text(self.state.short_descriptions, text, p.get("language_code"), 120, "short description")

    def get_my_short_description(self, p: dict) -> dict:
        """getMyShortDescription."""
        return {"short_description": self.state.short_descriptions.get(p.get("language_code") or None, "")}

    @staticmethod
    def _set_text(store: dict, text: str, language_code: str | None, limit: int, what: str) -> bool:
        if len(text) > limit:
            raise bad_request(f"{what} is too long")
        if text:
            store[language_code or None] = text
        else:
            store.pop(language_code or None, None)
        return True

    def set_chat_menu_button(self, p: dict) -> bool:
        """setChatMenuButton: for one private chat or (without chat_id) the default."""
        chat_id = self._chat(p["chat_id"]).id if "chat_id" in p else None
        self.state.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
        return True

    def get_chat_menu_button(self, p: dict) -> dict:
        """getChatMenuButton."""
        chat_id = self._chat(p["chat_id"]).id if "chat_id" in p else None
        buttons = self.state.menu_buttons
        return buttons.get(chat_id) or buttons.get(None) or {"type": "default"}
