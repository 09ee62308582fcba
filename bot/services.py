"""The bot's long-lived services, built in one place: opened in post_init, workers stopped in post_stop,
the database closed in post_shutdown. Handlers reach them through BotContext."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from telegram import Bot

from bot import content as content_loader
from bot.clock import utc_today
from bot.config import Settings
from bot.content import Checked, Content
from bot.delivery.budget import SendBudget
from bot.delivery.direct import DirectSender
from bot.delivery.notices import NoticeWorker
from bot.delivery.outgoing import Outgoing, Result
from bot.delivery.telegram import TelegramCourier
from bot.news.announcements import AnnouncementService
from bot.news.outbox import BroadcastWorker
from bot.news.progress import Figures
from bot.news.subscriptions import SubscriptionService
from bot.people import People
from bot.quiz.host import QuizHost
from bot.quiz.rounds import QuizRounds
from bot.views import announce as announce_views
from bot.views import news as news_views
from bot.views import staff as staff_views
from bot.volunteers.form import VolunteerForm
from bot.volunteers.notices import StaffTargets
from bot.volunteers.review import ApplicationReview
from storage.applications import ApplicationRepository
from storage.broadcasts import Broadcast, BroadcastRepository
from storage.db import Database
from storage.notifications import REPLACE_POST, STAFF_CARD, Notice, NotificationRepository
from storage.question_log import QuestionLog
from storage.quiz import QuizRepository
from storage.subscriptions import SubscriptionRepository
from storage.users import UserRepository

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the handlers use, Telegram-free except the courier that sends for the workers."""

    settings: Settings
    db: Database
    content: Content
    people: People
    question_log: QuestionLog
    form: VolunteerForm
    review: ApplicationReview
    subscriptions: SubscriptionService
    announcements: AnnouncementService
    notices: NoticeWorker
    broadcaster: BroadcastWorker
    quiz: QuizHost
    budget: SendBudget
    courier: TelegramCourier
    admin_notices: dict[str, float] = field(default_factory=dict)  # error kind -> when staff were last told
    errors: int = 0  # updates that failed (the error handler counts them)

    @classmethod
    async def open(cls, settings: Settings, content: Content, bot: Bot, budget: SendBudget) -> "Services":
        """Open the database, build the services and start the workers."""
        db = await Database.open(settings.database_path)
        people = People(UserRepository(db), settings.default_language)
        question_log = QuestionLog(db)
        staff = StaffTargets(settings.staff_chat_id, settings.admin_ids)
        applications = ApplicationRepository(db)
        broadcasts = BroadcastRepository(db)
        # Broadcasts skip python-telegram-bot's per-call work (bot.delivery.direct).
        courier = TelegramCourier(bot, DirectSender(bot.base_url))
        holder: dict[str, Services] = {}  # the services read the content through it, so /reload is seen

        def current() -> Content:
            return holder["services"].content

        subscriptions = SubscriptionRepository(db)
        notices_repo = NotificationRepository(db)
        notices = NoticeWorker(
            notices_repo, courier, lambda n: holder["services"].compose_notice(n),
            erased_note=lambda n: Notice(REPLACE_POST, n.chat_id, text_key="volunteer.staff.erased_post",
                                         params={"id": n.application_id}),
            on_blocked=people.blocked,
        )
        broadcaster = BroadcastWorker(
            broadcasts, courier, budget, lambda b, lang: news_views.announcement(current().texts, b, lang),
            ProgressMessages(courier, broadcasts, people, current), settings.default_language,
        )
        services = cls(
            settings=settings, db=db, content=content, people=people, question_log=question_log,
            form=VolunteerForm(applications, lambda: current().catalog, staff),
            review=ApplicationReview(applications, staff),
            subscriptions=SubscriptionService(subscriptions, broadcasts, lambda: current().regions),
            announcements=AnnouncementService(broadcasts, subscriptions, lambda: current().regions, broadcaster.wake),
            notices=notices, broadcaster=broadcaster, budget=budget, courier=courier,
            quiz=QuizHost(QuizRounds(QuizRepository(db), lambda: current().quiz), bot, current),
        )
        holder["services"] = services
        await services.apply_taught()
        notices.start()
        broadcaster.start()
        await services.quiz.resume()
        return services

    async def stop_workers(self) -> None:
        """Stop the workers while the bot can still send: the sends in flight finish and are recorded."""
        await self.quiz.close()
        await self.broadcaster.close()
        await self.notices.close()

    async def close(self) -> None:
        """Close the direct sender's connections and the database."""
        await self.courier.close()
        await self.db.close()

    async def reload(self) -> Checked:
        """Re-read and check content/ off the event loop; switch to it only if it has no problem."""
        taught = await self._taught()
        checked = await asyncio.to_thread(
            content_loader.load_content, self.settings.content_dir, self.settings.default_language, taught
        )
        if checked.content is not None:
            self.content = checked.content
        return checked

    async def apply_taught(self) -> None:
        """Build the search index with every phrasing staff taught (at start, and at once after teaching), off the event loop."""
        taught = await self._taught()
        if taught:
            library = await asyncio.to_thread(self.content.library.with_taught, taught)
            self.content = replace(self.content, library=library)

    async def _taught(self) -> list[tuple[str, str, str]]:
        return [(t.entry_id, t.lang, t.question) for t in await self.question_log.taught()]

    async def compose_notice(self, notice: Notice) -> Outgoing | None:
        """The message a notice stands for, in its recipient's language (None: nothing left to send)."""
        texts = self.content.texts
        lang = await self.people.language(notice.chat_id, fallback=notice.lang)
        if notice.kind == STAFF_CARD:
            card = await self.review.card(notice.application_id)
            if card is None:
                return None
            app, history = card
            text, markup = staff_views.card(app, history, self.content.catalog, texts, lang, utc_today(),
                                            updated=bool(notice.params.get("updated")))
            return Outgoing(text, markup)
        return Outgoing(texts.get(lang, notice.text_key, **notice.params))


class ProgressMessages:
    """Shows each broadcast's progress in its author's chat: one message, edited in place."""

    def __init__(self, courier: TelegramCourier, broadcasts: BroadcastRepository, people: People,
                 content: Callable[[], Content]) -> None:
        self.courier = courier
        self.broadcasts = broadcasts
        self.people = people
        self.content = content
        self._last: dict[int, str] = {}

    async def show(self, broadcast: Broadcast, figures: Figures) -> None:
        """Render the figures into the author's progress message (command-line broadcasts have none)."""
        if broadcast.author_id is None:
            return
        lang = await self.people.language(broadcast.author_id, fallback=broadcast.author_lang)
        text, markup = announce_views.progress(self.content().texts, lang, broadcast, figures, _elapsed(broadcast))
        if self._last.get(broadcast.id) == text:
            return
        message = Outgoing(text, markup)
        if broadcast.progress_message_id is not None:
            outcome = await self.courier.edit(broadcast.progress_chat_id, broadcast.progress_message_id, message)
            if outcome.ok or outcome.result is not Result.FAILED:
                self._last[broadcast.id] = text
                return
        outcome = await self.courier.send(broadcast.author_id, message)
        if outcome.ok:
            await self.broadcasts.set_progress_message(broadcast.id, broadcast.author_id, outcome.message_id)
            self._last[broadcast.id] = text


def _elapsed(broadcast: Broadcast) -> float | None:
    if not broadcast.started_at or not broadcast.finished_at:
        return None
    return (datetime.fromisoformat(broadcast.finished_at) - datetime.fromisoformat(broadcast.started_at)).total_seconds()
