"""The news feature's services, opened in post_init and closed in post_shutdown."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application

from bot.news.outbox import BroadcastWorker
from bot.regions import Regions, load_regions
from bot.news.throttle import BudgetedRateLimiter, SendBudget
from storage.broadcasts import BroadcastRepository
from storage.subscriptions import SubscriptionRepository


@dataclass
class NewsService:
    """Subscriptions, the outbox, the regions and the delivery worker."""

    subscriptions: SubscriptionRepository
    broadcasts: BroadcastRepository
    regions: Regions
    worker: BroadcastWorker

    async def close(self) -> None:
        """Stop the worker (the sends in flight are written first)."""
        await self.worker.close()


def make_rate_limiter(broadcast_rate: float) -> BudgetedRateLimiter:
    """The Application's rate limiter: PTB's AIORateLimiter sharing one budget with the broadcast worker."""
    return BudgetedRateLimiter(SendBudget(broadcast_rate), max_retries=3)


def open_news(application: Application) -> NewsService:
    """Create the repositories and start the delivery worker (the database is open already)."""
    data = application.bot_data
    limiter = application.bot.rate_limiter
    budget = limiter.budget if isinstance(limiter, BudgetedRateLimiter) else SendBudget(data.settings.broadcast_rate)
    broadcasts = BroadcastRepository(data.db)
    worker = BroadcastWorker(
        application.bot,
        broadcasts,
        data.users,
        budget,
        texts=lambda: data.texts,
        default_language=data.settings.default_language,
        active=lambda: application.running,
    )
    worker.start()
    return NewsService(SubscriptionRepository(data.db), broadcasts, load_regions(data.settings.content_dir), worker)
