"""The people who talk to the bot: which language to answer each one in, seen, blocked."""

from __future__ import annotations

from bot.config import LANGUAGES
from storage.users import UserRepository


def language_from_telegram(language_code: str | None, default: str) -> str:
    """Map Telegram's language_code ('ru', 'en-US', 'kk') to kk, ru or en."""
    return _supported(language_code) or default


def _supported(language_code: str | None) -> str | None:
    """kk, ru or en for Telegram's language_code, None for any other language."""
    prefix = (language_code or "").split("-")[0].lower()
    return prefix if prefix in LANGUAGES else None


class People:
    """The one place that decides a person's language: chosen in the bot, else their Telegram app's, else the default."""

    def __init__(self, users: UserRepository, default_language: str) -> None:
        self.users = users
        self.default_language = default_language

    async def seen(self, user_id: int, language_code: str | None) -> str:
        """Record that the person wrote (so they have not blocked the bot) and their app's language; their language."""
        await self.users.seen(user_id, _supported(language_code))
        return await self.language(user_id, language_code)

    async def language(self, user_id: int, language_code: str | None = None, fallback: str | None = None) -> str:
        """The language to write to this person in: chosen in the bot, else their Telegram app's, else `fallback`."""
        user = await self.users.get(user_id) if user_id > 0 else None
        if user is not None and user.language:
            return user.language
        if language_code:
            return language_from_telegram(language_code, self.default_language)
        if user is not None and user.telegram_language:
            return user.telegram_language
        return fallback or self.default_language

    async def set_language(self, user_id: int, lang: str) -> None:
        """Remember the language the person chose."""
        await self.users.set_language(user_id, lang)

    async def blocked(self, user_id: int, blocked: bool = True) -> None:
        """Remember that the person blocked the bot (or came back)."""
        await self.users.set_blocked(user_id, blocked)
