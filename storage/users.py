"""The people who talk to the bot: language, first/last seen, blocked flag."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database, utc_now


@dataclass(frozen=True)
class User:
    """One row of the users table."""

    id: int
    language: str | None  # chosen in the bot
    telegram_language: str | None  # their Telegram app's, when it is one of ours
    first_seen: str
    last_seen: str
    blocked: bool


class UserRepository:
    """Reads and writes the users table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def seen(self, user_id: int, telegram_language: str | None = None) -> None:
        """Record that the user just talked to the bot (they can't have blocked it then), and their app's language."""
        now = utc_now()
        await self.db.execute(
            "INSERT INTO users (id, telegram_language, first_seen, last_seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, blocked = 0, blocked_at = NULL,"
            " telegram_language = COALESCE(excluded.telegram_language, telegram_language)",
            (user_id, telegram_language, now, now),
        )

    async def get(self, user_id: int) -> User | None:
        """Return the user, or None if they never wrote to the bot."""
        row = await self.db.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))
        if row is None:
            return None
        return User(row["id"], row["language"], row["telegram_language"], row["first_seen"], row["last_seen"],
                    bool(row["blocked"]))

    async def set_language(self, user_id: int, language: str) -> None:
        """Remember the language the user chose."""
        now = utc_now()
        await self.db.execute(
            "INSERT INTO users (id, language, first_seen, last_seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET language = excluded.language, last_seen = excluded.last_seen",
            (user_id, language, now, now),
        )

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        """Mark that the user blocked the bot (or came back)."""
        now = utc_now()
        await self.db.execute(
            "INSERT INTO users (id, first_seen, last_seen, blocked, blocked_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET blocked = excluded.blocked, blocked_at = excluded.blocked_at",
            (user_id, now, now, int(blocked), now if blocked else None),
        )
