"""The typed context every handler receives: the services as attributes, not string keys."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.callbacks import Callback
from bot.config import Settings
from bot.content import Content
from bot.delivery.budget import SendBudget
from bot.i18n import Texts
from bot.services import Services


class BotData:
    """What the Application keeps: the settings from the start, the services once post_init opened them."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.content: Content | None = None  # loaded before the start, handed to the services
        self.budget: SendBudget | None = None  # shared by the rate limiter and the broadcast worker
        self.services: Services | None = None


class UserData:
    """What the bot keeps in memory about one user while serving an update."""

    def __init__(self) -> None:
        self.language: str | None = None


class BotContext(CallbackContext[ExtBot, UserData, dict, BotData]):
    """CallbackContext with typed shortcuts to the services and the person's language."""

    # The parsed data of the button pressed, set by the callback guard before any handler runs.
    callback: Callback | None = None

    @property
    def services(self) -> Services:
        """The bot's services (opened in post_init)."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("the bot's services are not open yet (post_init has not run)")
        return services

    @property
    def settings(self) -> Settings:
        """The validated settings."""
        return self.bot_data.settings

    @property
    def content(self) -> Content:
        """The current content (replaced whole on /reload)."""
        return self.services.content

    @property
    def texts(self) -> Texts:
        """The UI texts."""
        return self.services.content.texts

    @property
    def lang(self) -> str:
        """The language to answer this user in."""
        user_data = self.user_data
        if user_data is not None and user_data.language:
            return user_data.language
        return self.settings.default_language

    def t(self, key: str, **params: Any) -> str:
        """A UI text in this user's language."""
        return self.texts.get(self.lang, key, **params)

    async def remember_language(self, user_id: int, lang: str) -> None:
        """Store the person's chosen language and answer in it from now on."""
        await self.services.people.set_language(user_id, lang)
        self.user_data.language = lang
