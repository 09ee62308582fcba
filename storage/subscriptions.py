"""Who opted in to which news topics, their region, and how many an audience reaches."""

from __future__ import annotations

import json
from dataclasses import dataclass

from storage.db import Database, utc_now


@dataclass(frozen=True)
class Subscription:
    """A person's news settings."""

    user_id: int
    topics: frozenset[str]
    region: str | None


@dataclass(frozen=True)
class Audience:
    """Who an announcement is for: subscribers of a topic, optionally of one language and some regions.

    `strict`: only people who chose one of the regions (alerts: a person with no region gets only
    national ones); otherwise people with no region get every region's announcements too.
    """

    topic: str
    lang: str | None = None
    regions: tuple[str, ...] | None = None
    strict: bool = False

    @classmethod
    def of(cls, topic: str, lang: str | None, regions: tuple[str, ...] | None) -> Audience:
        """Who an announcement on `topic` reaches: alerts only people in the regions chosen (strict)."""
        return cls(topic, lang, regions, strict=topic == "alerts")


# Subscribers of the topic who have not blocked the bot; language: the one chosen in /language,
# else the one they subscribed in.
_AUDIENCE_SQL = (
    " FROM subscriptions s"
    " JOIN subscribers r ON r.user_id = s.user_id"
    " JOIN users u ON u.id = s.user_id"
    " WHERE s.topic = ? AND u.blocked = 0"
    " AND (? IS NULL OR COALESCE(u.language, r.language) = ?)"
    " AND (? IS NULL OR r.region IN (SELECT value FROM json_each(?)) OR (? = 0 AND r.region IS NULL))"
)


def _audience_params(audience: Audience) -> list:
    regions = json.dumps(list(audience.regions)) if audience.regions else None
    return [audience.topic, audience.lang, audience.lang, regions, regions, int(audience.strict)]


class SubscriptionRepository:
    """Reads and writes subscribers and subscriptions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> Subscription:
        """The person's settings (no topics if they never subscribed)."""
        row = await self.db.fetchone("SELECT region FROM subscribers WHERE user_id = ?", (user_id,))
        topics = await self.db.fetchall("SELECT topic FROM subscriptions WHERE user_id = ?", (user_id,))
        return Subscription(user_id, frozenset(t["topic"] for t in topics), row["region"] if row else None)

    async def set_topic(self, user_id: int, topic: str, on: bool, language: str) -> Subscription:
        """Subscribe to or unsubscribe from one topic."""
        now = utc_now()
        async with self.db.transaction() as conn:
            await _ensure_subscriber(conn, user_id, language, now)
            if on:
                await conn.execute(
                    "INSERT OR IGNORE INTO subscriptions (user_id, topic, created_at) VALUES (?, ?, ?)",
                    (user_id, topic, now),
                )
            else:
                await conn.execute("DELETE FROM subscriptions WHERE user_id = ? AND topic = ?", (user_id, topic))
        return await self.get(user_id)

    async def set_region(self, user_id: int, region: str | None, language: str) -> Subscription:
        """Choose the region for alerts (None: all of Kazakhstan)."""
        now = utc_now()
        async with self.db.transaction() as conn:
            await _ensure_subscriber(conn, user_id, language, now)
            await conn.execute(
                "UPDATE subscribers SET region = ?, updated_at = ? WHERE user_id = ?", (region, now, user_id)
            )
        return await self.get(user_id)

    async def unsubscribe_all(self, user_id: int) -> int:
        """Remove every topic; return how many there were."""
        return await self.db.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))

    async def import_many(self, rows: list[tuple[int, str, str | None]], topics: tuple[str, ...]) -> None:
        """Subscribe many people at once: (user_id, language, region) each, to `topics` (an import, the benchmark)."""
        now = utc_now()
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO users (id, language, first_seen, last_seen) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [(user_id, language, now, now) for user_id, language, _ in rows],
            )
            await conn.executemany(
                "INSERT INTO subscribers (user_id, region, language, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET region = excluded.region",
                [(user_id, region, language, now) for user_id, language, region in rows],
            )
            for topic in topics:
                await conn.executemany(
                    "INSERT OR IGNORE INTO subscriptions (user_id, topic, created_at) VALUES (?, ?, ?)",
                    [(user_id, topic, now) for user_id, _, _ in rows],
                )

    async def count(self, audience: Audience) -> int:
        """How many people the audience reaches now."""
        row = await self.db.fetchone("SELECT COUNT(*) AS n" + _AUDIENCE_SQL, _audience_params(audience))
        return int(row["n"])


async def _ensure_subscriber(conn, user_id: int, language: str, now: str) -> None:
    await conn.execute(
        "INSERT INTO users (id, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (user_id, now, now),
    )
    await conn.execute(
        "INSERT INTO subscribers (user_id, language, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
        (user_id, language, now),
    )


def audience_select(audience: Audience, default_language: str) -> tuple[str, list]:
    """SQL selecting (user_id, lang) of an audience and its parameters, for the outbox to copy into deliveries."""
    sql = "SELECT s.user_id, COALESCE(u.language, r.language, ?)" + _AUDIENCE_SQL
    return sql, [default_language, *_audience_params(audience)]
