"""The typed context every handler receives: services as attributes, not string keys."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.i18n import Texts
from bot.library import Library
from bot.news.service import NewsService
from bot.volunteers.catalog import Catalog
from storage.applications import ApplicationRepository
from storage.db import Database
from storage.question_log import QuestionLog
from storage.users import UserRepository


class BotData:
    """The bot's long-lived services; opened in post_init, closed in post_shutdown."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.texts: Texts | None = None
        self.db: Database | None = None
        self.users: UserRepository | None = None
        self.question_log: QuestionLog | None = None
        self.library: Library | None = None
        self.applications: ApplicationRepository | None = None
        self.volunteer_catalog: Catalog | None = None
        self.news: NewsService | None = None
        # error kind -> when staff were last told about it (time.monotonic())
        self.admin_notices: dict[str, float] = {}


class UserData:
    """What the bot keeps in memory about one user while serving an update."""

    def __init__(self) -> None:
        self.language: str | None = None


class BotContext(CallbackContext[ExtBot, UserData, dict, BotData]):
    """CallbackContext with typed shortcuts to the services."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def settings(self) -> Settings:
        """The validated settings."""
        return _ready(self.bot_data.settings)

    @property
    def texts(self) -> Texts:
        """The UI texts."""
        return _ready(self.bot_data.texts)

    @property
    def users(self) -> UserRepository:
        """The users repository."""
        return _ready(self.bot_data.users)

    @property
    def question_log(self) -> QuestionLog:
        """Unanswered questions and votes on answers."""
        return _ready(self.bot_data.question_log)

    @property
    def library(self) -> Library:
        """The knowledge base and its search index."""
        return _ready(self.bot_data.library)

    @property
    def news(self) -> NewsService:
        """Subscriptions, the broadcast outbox and its worker."""
        return _ready(self.bot_data.news)

    @property
    def applications(self) -> ApplicationRepository:
        """Volunteer applications and their history."""
        return _ready(self.bot_data.applications)

    @property
    def volunteer_catalog(self) -> Catalog:
        """Regions and consent texts for the volunteer form."""
        return _ready(self.bot_data.volunteer_catalog)

    @property
    def lang(self) -> str:
        """The language to answer this user in."""
        user_data = self.user_data
        if user_data is not None and user_data.language:
            return user_data.language
        return self.settings.default_language

    def t(self, key: str, **params: Any) -> str:
        """Return a UI text in this user's language."""
        return self.texts.get(self.lang, key, **params)


def _ready(service: Any) -> Any:
    if service is None:
        raise RuntimeError("the bot's services are not open yet (post_init has not run)")
    return service
