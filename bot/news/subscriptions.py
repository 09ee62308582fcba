"""People's news settings as a service: topics to tap, a region for alerts, one-tap unsubscribe."""

from __future__ import annotations

from collections.abc import Callable

from bot.news.lifecycle import PUBLISHED
from bot.news.topics import TOPICS
from bot.regions import Regions
from storage.broadcasts import Broadcast, BroadcastRepository
from storage.subscriptions import Subscription, SubscriptionRepository


class SubscriptionService:
    """Reads and changes a person's subscriptions; lists what was published."""

    def __init__(self, repo: SubscriptionRepository, broadcasts: BroadcastRepository, regions: Callable[[], Regions]) -> None:
        self.repo = repo
        self.broadcasts = broadcasts
        self.regions = regions

    async def settings(self, user_id: int) -> Subscription:
        """The person's topics and region."""
        return await self.repo.get(user_id)

    async def toggle(self, user_id: int, topic: str, lang: str) -> tuple[Subscription, bool] | None:
        """Subscribe to a topic, or unsubscribe if subscribed; the new settings and whether it is on (None: no such topic)."""
        if topic not in TOPICS:
            return None
        on = topic not in (await self.repo.get(user_id)).topics
        return await self.repo.set_topic(user_id, topic, on, lang), on

    async def subscribe(self, user_id: int, topics: tuple[str, ...], lang: str) -> Subscription:
        """Turn topics on (a deep link or a typed request), keeping the others as they are."""
        current = await self.repo.get(user_id)
        for topic in topics:
            if topic in TOPICS and topic not in current.topics:
                current = await self.repo.set_topic(user_id, topic, True, lang)
        return current

    async def set_region(self, user_id: int, code: str | None, lang: str) -> Subscription | None:
        """Choose the region for alerts (None: all of Kazakhstan); None if the region does not exist."""
        if code is not None and self.regions().get(code) is None:
            return None
        return await self.repo.set_region(user_id, code, lang)

    async def unsubscribe(self, user_id: int) -> int:
        """Stop everything at once; how many topics there were."""
        return await self.repo.unsubscribe_all(user_id)

    async def latest(self, lang: str, limit: int = 5) -> list[Broadcast]:
        """The latest announcements anyone may read again."""
        return await self.broadcasts.published(lang, PUBLISHED, limit)
