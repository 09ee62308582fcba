"""The broadcast outbox: announcements, their texts, one delivery row per recipient, staff drafts."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import Database, utc_now
from storage.subscriptions import Audience, audience_select

DELIVERY_STATUSES = ("pending", "sent", "failed", "blocked")


@dataclass(frozen=True)
class Broadcast:
    """One row of the broadcasts table, with its texts by language ('any' for everyone)."""

    id: int
    topic: str
    lang: str | None
    region: str | None
    photo_file_id: str | None
    author_id: int | None
    author_lang: str | None
    status: str
    created_at: str
    scheduled_at: str | None
    started_at: str | None
    finished_at: str | None
    total: int
    progress_chat_id: int | None
    progress_message_id: int | None
    texts: dict[str, str]

    @property
    def audience(self) -> Audience:
        """Who this announcement is for."""
        return Audience(self.topic, self.lang, self.region)

    def text_for(self, lang: str) -> str:
        """The version for a reader of this language, else the one for everyone."""
        return self.texts.get(lang) or self.texts.get("any") or next(iter(self.texts.values()), "")


@dataclass(frozen=True)
class Delivery:
    """A recipient still waiting for an announcement."""

    user_id: int
    lang: str
    attempts: int


@dataclass(frozen=True)
class Draft:
    """Where a staff member is in the /announce flow."""

    admin_id: int
    broadcast_id: int
    step: str


class BroadcastRepository:
    """Reads and writes broadcasts, deliveries and staff drafts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- announcements -------------------------------------------------------------------------

    async def create(
        self,
        texts: dict[str, str],
        *,
        topic: str = "news",
        lang: str | None = None,
        region: str | None = None,
        photo_file_id: str | None = None,
        author_id: int | None = None,
        author_lang: str | None = None,
        status: str = "draft",
    ) -> int:
        """Store a new announcement with its texts; return its id."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO broadcasts (topic, lang, region, photo_file_id, author_id, author_lang, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (topic, lang, region, photo_file_id, author_id, author_lang, status, utc_now()),
            )
            broadcast_id = cursor.lastrowid
            for text_lang, text in texts.items():
                await conn.execute(
                    "INSERT INTO broadcast_texts (broadcast_id, lang, text) VALUES (?, ?, ?)",
                    (broadcast_id, text_lang, text),
                )
        return int(broadcast_id)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The announcement with its texts, or None."""
        row = await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        if row is None:
            return None
        texts = await self.db.fetchall("SELECT lang, text FROM broadcast_texts WHERE broadcast_id = ?", (broadcast_id,))
        return _broadcast(row, {t["lang"]: t["text"] for t in texts})

    async def latest_id(self) -> int | None:
        """The id of the newest announcement that is not a draft."""
        row = await self.db.fetchone("SELECT MAX(id) AS id FROM broadcasts WHERE status != 'draft'")
        return row["id"] if row else None

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        """The newest announcements that are not drafts, newest first."""
        rows = await self.db.fetchall(
            "SELECT id FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [b for r in rows if (b := await self.get(r["id"])) is not None]

    async def published(self, lang: str, limit: int = 5) -> list[Broadcast]:
        """The latest announcements anyone may read again (sent or sending, for all regions, in reach of `lang`)."""
        rows = await self.db.fetchall(
            "SELECT id FROM broadcasts WHERE status IN ('sending', 'done') AND region IS NULL"
            " AND (lang IS NULL OR lang = ?) ORDER BY COALESCE(started_at, created_at) DESC, id DESC LIMIT ?",
            (lang, limit),
        )
        return [b for r in rows if (b := await self.get(r["id"])) is not None]

    async def set_text(self, broadcast_id: int, lang: str, text: str, photo_file_id: str | None = None) -> None:
        """Store one language version (and the photo, when it came with one)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO broadcast_texts (broadcast_id, lang, text) VALUES (?, ?, ?)"
                " ON CONFLICT (broadcast_id, lang) DO UPDATE SET text = excluded.text",
                (broadcast_id, lang, text),
            )
            if photo_file_id is not None:
                await conn.execute("UPDATE broadcasts SET photo_file_id = ? WHERE id = ?", (photo_file_id, broadcast_id))

    async def set_audience(self, broadcast_id: int, audience: Audience) -> None:
        """Change the topic, language and region of a draft."""
        await self.db.execute(
            "UPDATE broadcasts SET topic = ?, lang = ?, region = ? WHERE id = ? AND status = 'draft'",
            (audience.topic, audience.lang, audience.region, broadcast_id),
        )

    async def set_status(self, broadcast_id: int, status: str, *, only_from: tuple[str, ...] = ()) -> bool:
        """Change the status (only from one of `only_from`, if given); True if it changed."""
        sql = "UPDATE broadcasts SET status = ?"
        params: list = [status]
        if status in ("done", "cancelled"):
            sql += ", finished_at = ?"
            params.append(utc_now())
        sql += " WHERE id = ?"
        params.append(broadcast_id)
        if only_from:
            sql += f" AND status IN ({','.join('?' * len(only_from))})"
            params.extend(only_from)
        return await self.db.execute(sql, params) > 0

    async def schedule(self, broadcast_id: int, when_utc: str | None) -> bool:
        """Queue a draft: to go at `when_utc` (ISO UTC), or as soon as possible with None."""
        status = "scheduled" if when_utc else "queued"
        changed = await self.db.execute(
            "UPDATE broadcasts SET status = ?, scheduled_at = ? WHERE id = ? AND status = 'draft'",
            (status, when_utc, broadcast_id),
        )
        return changed > 0

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Remember the staff message that shows the progress."""
        await self.db.execute(
            "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id),
        )

    async def due(self, now_utc: str) -> list[int]:
        """Queued or scheduled announcements whose time has come, oldest first."""
        rows = await self.db.fetchall(
            "SELECT id FROM broadcasts WHERE status IN ('queued', 'scheduled')"
            " AND (scheduled_at IS NULL OR scheduled_at <= ?) ORDER BY COALESCE(scheduled_at, created_at), id",
            (now_utc,),
        )
        return [r["id"] for r in rows]

    async def sending(self) -> list[int]:
        """Announcements being sent now, oldest first."""
        rows = await self.db.fetchall("SELECT id FROM broadcasts WHERE status = 'sending' ORDER BY started_at, id")
        return [r["id"] for r in rows]

    async def start(self, broadcast_id: int, default_language: str) -> int:
        """Copy the audience into deliveries and mark the announcement sending, atomically; return the count."""
        async with self.db.transaction() as conn:
            row = await (await conn.execute(
                "SELECT topic, lang, region FROM broadcasts WHERE id = ? AND status IN ('queued', 'scheduled')",
                (broadcast_id,),
            )).fetchone()
            if row is None:
                return 0
            select, params = audience_select(Audience(row["topic"], row["lang"], row["region"]), default_language)
            await conn.execute(
                "INSERT OR IGNORE INTO deliveries (broadcast_id, user_id, lang) SELECT ?, q.* FROM (" + select + ") q",
                [broadcast_id, *params],
            )
            total = (await (await conn.execute(
                "SELECT COUNT(*) FROM deliveries WHERE broadcast_id = ?", (broadcast_id,)
            )).fetchone())[0]
            await conn.execute(
                "UPDATE broadcasts SET status = 'sending', started_at = ?, total = ? WHERE id = ?",
                (utc_now(), total, broadcast_id),
            )
        return int(total)

    async def retry_failed(self, broadcast_id: int) -> int:
        """Put failed deliveries back in the queue and the announcement back to sending; return how many."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE deliveries SET status = 'pending', attempts = 0 WHERE broadcast_id = ? AND status = 'failed'",
                (broadcast_id,),
            )
            count = cursor.rowcount
            if count:
                await conn.execute(
                    "UPDATE broadcasts SET status = 'sending', finished_at = NULL WHERE id = ? AND status = 'done'",
                    (broadcast_id,),
                )
        return count

    # --- deliveries ----------------------------------------------------------------------------

    async def pending(self, broadcast_id: int, after_user_id: int, limit: int) -> list[Delivery]:
        """The next recipients still waiting, in user id order after `after_user_id`."""
        rows = await self.db.fetchall(
            "SELECT user_id, lang, attempts FROM deliveries WHERE broadcast_id = ? AND status = 'pending'"
            " AND user_id > ? ORDER BY user_id LIMIT ?",
            (broadcast_id, after_user_id, limit),
        )
        return [Delivery(r["user_id"], r["lang"], r["attempts"]) for r in rows]

    async def record(self, broadcast_id: int, user_id: int, status: str, attempts: int, error: str | None = None) -> None:
        """Write one delivery's result as soon as it is known."""
        await self.db.execute(
            "UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, sent_at = ?"
            " WHERE broadcast_id = ? AND user_id = ?",
            (status, attempts, error, utc_now() if status == "sent" else None, broadcast_id, user_id),
        )

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        """Deliveries by status (every status present, zero when none)."""
        rows = await self.db.fetchall(
            "SELECT status, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY status", (broadcast_id,)
        )
        counts = dict.fromkeys(DELIVERY_STATUSES, 0)
        counts.update({r["status"]: r["n"] for r in rows})
        return counts

    async def errors(self, broadcast_id: int, limit: int = 10) -> list[tuple[str, int]]:
        """The most frequent delivery errors and how often each happened."""
        rows = await self.db.fetchall(
            "SELECT last_error, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? AND status IN ('failed', 'blocked')"
            " AND last_error IS NOT NULL GROUP BY last_error ORDER BY n DESC LIMIT ?",
            (broadcast_id, limit),
        )
        return [(r["last_error"], r["n"]) for r in rows]

    # --- staff drafts --------------------------------------------------------------------------

    async def draft(self, admin_id: int) -> Draft | None:
        """The staff member's draft in progress, or None."""
        row = await self.db.fetchone("SELECT * FROM announce_drafts WHERE admin_id = ?", (admin_id,))
        return Draft(row["admin_id"], row["broadcast_id"], row["step"]) if row else None

    async def set_draft(self, admin_id: int, broadcast_id: int, step: str) -> None:
        """Remember which announcement the staff member is drafting and what the bot waits for."""
        await self.db.execute(
            "INSERT INTO announce_drafts (admin_id, broadcast_id, step, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (admin_id) DO UPDATE SET broadcast_id = excluded.broadcast_id, step = excluded.step,"
            " updated_at = excluded.updated_at",
            (admin_id, broadcast_id, step, utc_now()),
        )

    async def clear_draft(self, admin_id: int) -> None:
        """Forget the staff member's draft in progress (the announcement row stays)."""
        await self.db.execute("DELETE FROM announce_drafts WHERE admin_id = ?", (admin_id,))


def _broadcast(row: aiosqlite.Row, texts: dict[str, str]) -> Broadcast:
    return Broadcast(
        id=row["id"],
        topic=row["topic"],
        lang=row["lang"],
        region=row["region"],
        photo_file_id=row["photo_file_id"],
        author_id=row["author_id"],
        author_lang=row["author_lang"],
        status=row["status"],
        created_at=row["created_at"],
        scheduled_at=row["scheduled_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        total=row["total"],
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        texts=texts,
    )
