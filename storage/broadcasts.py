"""The broadcast outbox: announcements, their texts, one delivery row per recipient.

Statuses come in as parameters: the lifecycle's rules live in bot/news/lifecycle.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import aiosqlite

from storage.db import Database, utc_now
from storage.subscriptions import Audience, audience_select

DELIVERY_STATUSES = ("pending", "sent", "failed", "blocked", "expired")


@dataclass(frozen=True)
class Broadcast:
    """One announcement with its texts by language ('any' for everyone)."""

    id: int
    topic: str
    lang: str | None
    regions: tuple[str, ...] | None
    photo_file_id: str | None
    author_id: int | None
    author_lang: str | None
    status: str
    priority: int
    quiet: bool
    paid: bool
    valid_until: str | None
    created_at: str
    scheduled_at: str | None
    started_at: str | None
    finished_at: str | None
    total: int
    progress_chat_id: int | None
    progress_message_id: int | None
    texts: dict[str, str]

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
class DeliveryResult:
    """How one recipient's delivery ended (written in batches)."""

    user_id: int
    status: str
    attempts: int
    error: str | None = None


@dataclass(frozen=True)
class NewBroadcast:
    """An announcement to queue: what it says and who gets it, how."""

    texts: dict[str, str]
    topic: str = "news"
    lang: str | None = None
    regions: tuple[str, ...] | None = None
    photo_file_id: str | None = None
    author_id: int | None = None
    author_lang: str | None = None
    quiet: bool = True
    paid: bool = False
    valid_until: str | None = None
    scheduled_at: str | None = None


@dataclass(frozen=True)
class Draft:
    """What a staff member is writing in /announce (not a broadcast until sent or scheduled)."""

    admin_id: int
    step: str
    texts: dict[str, str] = field(default_factory=dict)
    photo_file_id: str | None = None
    topic: str = "news"
    lang: str | None = None
    regions: tuple[str, ...] | None = None
    quiet: bool | None = None
    paid: bool = False
    valid_until: str | None = None


class BroadcastRepository:
    """Reads and writes broadcasts, deliveries and staff drafts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- announcements -------------------------------------------------------------------------

    async def create(self, new: NewBroadcast, status: str) -> int:
        """Store an announcement with its texts; return its number."""
        async with self.db.transaction() as conn:
            return await _insert(conn, new, status)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The announcement with its texts, or None."""
        row = await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        if row is None:
            return None
        texts = await self.db.fetchall("SELECT lang, text FROM broadcast_texts WHERE broadcast_id = ?", (broadcast_id,))
        return _broadcast(row, {t["lang"]: t["text"] for t in texts})

    async def latest_id(self) -> int | None:
        """The id of the newest announcement."""
        row = await self.db.fetchone("SELECT MAX(id) AS id FROM broadcasts")
        return row["id"] if row else None

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        """The newest announcements, alerts first."""
        rows = await self.db.fetchall(
            "SELECT id FROM broadcasts ORDER BY priority DESC, id DESC LIMIT ?", (limit,)
        )
        return [b for r in rows if (b := await self.get(r["id"])) is not None]

    async def published(self, lang: str, statuses: tuple[str, ...], limit: int = 5) -> list[Broadcast]:
        """The latest announcements anyone may read again: in `statuses`, for all regions, in reach of `lang`."""
        marks = ",".join("?" * len(statuses))
        rows = await self.db.fetchall(
            f"SELECT id FROM broadcasts WHERE status IN ({marks}) AND regions IS NULL"
            " AND (lang IS NULL OR lang = ?) ORDER BY COALESCE(started_at, created_at) DESC, id DESC LIMIT ?",
            (*statuses, lang, limit),
        )
        return [b for r in rows if (b := await self.get(r["id"])) is not None]

    async def transition(self, broadcast_id: int, to: str, allowed_from: tuple[str, ...], *, finished: bool = False) -> bool:
        """Change the status if it is one of `allowed_from`; True if it changed."""
        marks = ",".join("?" * len(allowed_from))
        sql = "UPDATE broadcasts SET status = ?" + (", finished_at = ?" if finished else "")
        params = [to, *([utc_now()] if finished else []), broadcast_id, *allowed_from]
        return await self.db.execute(sql + f" WHERE id = ? AND status IN ({marks})", params) > 0

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Remember the staff message that shows the progress."""
        await self.db.execute(
            "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id),
        )

    async def due(self, now_utc: str, statuses: tuple[str, ...]) -> list[int]:
        """Announcements in `statuses` whose time has come: alerts first, then oldest first."""
        marks = ",".join("?" * len(statuses))
        rows = await self.db.fetchall(
            f"SELECT id FROM broadcasts WHERE status IN ({marks}) AND (scheduled_at IS NULL OR scheduled_at <= ?)"
            " ORDER BY priority DESC, COALESCE(scheduled_at, created_at), id",
            (*statuses, now_utc),
        )
        return [r["id"] for r in rows]

    async def with_status(self, status: str) -> list[int]:
        """Announcements in one status: alerts first, then in the order they started."""
        rows = await self.db.fetchall(
            "SELECT id FROM broadcasts WHERE status = ? ORDER BY priority DESC, started_at, id", (status,)
        )
        return [r["id"] for r in rows]

    async def start(self, broadcast_id: int, default_language: str, from_statuses: tuple[str, ...], to: str) -> int | None:
        """Copy the audience into deliveries and set status `to`, atomically; the count, or None if not startable."""
        async with self.db.transaction() as conn:
            marks = ",".join("?" * len(from_statuses))
            row = await (await conn.execute(
                f"SELECT topic, lang, regions FROM broadcasts WHERE id = ? AND status IN ({marks})",
                (broadcast_id, *from_statuses),
            )).fetchone()
            if row is None:
                return None
            audience = Audience.of(row["topic"], row["lang"], _regions(row["regions"]))
            select, params = audience_select(audience, default_language)
            await conn.execute(
                "INSERT OR IGNORE INTO deliveries (broadcast_id, user_id, lang) SELECT ?, q.* FROM (" + select + ") q",
                [broadcast_id, *params],
            )
            total = (await (await conn.execute(
                "SELECT COUNT(*) FROM deliveries WHERE broadcast_id = ?", (broadcast_id,)
            )).fetchone())[0]
            await conn.execute(
                "UPDATE broadcasts SET status = ?, started_at = ?, total = ? WHERE id = ?",
                (to, utc_now(), total, broadcast_id),
            )
        return int(total)

    async def retry_failed(self, broadcast_id: int, allowed_from: tuple[str, ...], to: str) -> int:
        """Put failed deliveries back in the queue and set status `to`, if it is one of `allowed_from`; how many."""
        marks = ",".join("?" * len(allowed_from))
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE broadcasts SET status = ?, finished_at = NULL WHERE id = ? AND status IN ({marks})"
                " AND EXISTS (SELECT 1 FROM deliveries WHERE broadcast_id = ? AND status = 'failed')",
                (to, broadcast_id, *allowed_from, broadcast_id),
            )
            if cursor.rowcount == 0:
                return 0  # not in a status that allows it (a stale or forged button), or nothing failed
            cursor = await conn.execute(
                "UPDATE deliveries SET status = 'pending', attempts = 0 WHERE broadcast_id = ? AND status = 'failed'",
                (broadcast_id,),
            )
            return cursor.rowcount

    # --- deliveries ----------------------------------------------------------------------------

    async def pending(self, broadcast_id: int, after_user_id: int, limit: int) -> list[Delivery]:
        """The next recipients still waiting, in user id order after `after_user_id`."""
        rows = await self.db.fetchall(
            "SELECT user_id, lang, attempts FROM deliveries WHERE broadcast_id = ? AND status = 'pending'"
            " AND user_id > ? ORDER BY user_id LIMIT ?",
            (broadcast_id, after_user_id, limit),
        )
        return [Delivery(r["user_id"], r["lang"], r["attempts"]) for r in rows]

    async def record(self, broadcast_id: int, results: list[DeliveryResult]) -> None:
        """Write a batch of delivery results in one transaction (blocked recipients marked in users too)."""
        if not results:
            return
        now = utc_now()
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, sent_at = ?"
                " WHERE broadcast_id = ? AND user_id = ?",
                [(r.status, r.attempts, r.error, now if r.status == "sent" else None, broadcast_id, r.user_id)
                 for r in results],
            )
            blocked = [(now, r.user_id) for r in results if r.status == "blocked"]
            if blocked:
                await conn.executemany("UPDATE users SET blocked = 1, blocked_at = ? WHERE id = ?", blocked)

    async def expire(self, broadcast_id: int) -> int:
        """Mark every recipient still waiting as expired (the alert's valid-until time passed)."""
        return await self.db.execute(
            "UPDATE deliveries SET status = 'expired' WHERE broadcast_id = ? AND status = 'pending'", (broadcast_id,)
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
        row = await self.db.fetchone("SELECT * FROM announcement_drafts WHERE admin_id = ?", (admin_id,))
        if row is None:
            return None
        return Draft(
            admin_id=row["admin_id"], step=row["step"], texts=json.loads(row["texts"]),
            photo_file_id=row["photo_file_id"], topic=row["topic"], lang=row["lang"], regions=_regions(row["regions"]),
            quiet=None if row["quiet"] is None else bool(row["quiet"]), paid=bool(row["paid"]),
            valid_until=row["valid_until"],
        )

    async def save_draft(self, draft: Draft) -> None:
        """Write the whole draft (one row per staff member)."""
        await self.db.execute(
            "INSERT OR REPLACE INTO announcement_drafts (admin_id, step, texts, photo_file_id, topic, lang, regions,"
            " quiet, paid, valid_until, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (draft.admin_id, draft.step, json.dumps(draft.texts, ensure_ascii=False), draft.photo_file_id, draft.topic,
             draft.lang, _regions_json(draft.regions), None if draft.quiet is None else int(draft.quiet),
             int(draft.paid), draft.valid_until, utc_now()),
        )

    async def delete_draft(self, admin_id: int) -> bool:
        """Forget the staff member's draft; True if there was one."""
        return await self.db.execute("DELETE FROM announcement_drafts WHERE admin_id = ?", (admin_id,)) > 0

    async def send_draft(self, admin_id: int, new: NewBroadcast, status: str) -> int | None:
        """Turn the draft into a queued or scheduled announcement, atomically; its number, or None if it was gone."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM announcement_drafts WHERE admin_id = ?", (admin_id,))
            if cursor.rowcount != 1:
                return None  # sent already (a double tap) or cancelled meanwhile
            return await _insert(conn, new, status)


async def _insert(conn: aiosqlite.Connection, new: NewBroadcast, status: str) -> int:
    cursor = await conn.execute(
        "INSERT INTO broadcasts (topic, lang, regions, photo_file_id, author_id, author_lang, status, priority,"
        " quiet, paid, valid_until, created_at, scheduled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new.topic, new.lang, _regions_json(new.regions), new.photo_file_id, new.author_id, new.author_lang,
         status, int(new.topic == "alerts"), int(new.quiet), int(new.paid), new.valid_until, utc_now(),
         new.scheduled_at),
    )
    broadcast_id = cursor.lastrowid
    await conn.executemany(
        "INSERT INTO broadcast_texts (broadcast_id, lang, text) VALUES (?, ?, ?)",
        [(broadcast_id, lang, text) for lang, text in new.texts.items()],
    )
    return int(broadcast_id)


def _regions_json(regions: tuple[str, ...] | None) -> str | None:
    return json.dumps(list(regions)) if regions else None


def _regions(raw: str | None) -> tuple[str, ...] | None:
    return tuple(json.loads(raw)) if raw else None


def _broadcast(row: aiosqlite.Row, texts: dict[str, str]) -> Broadcast:
    return Broadcast(
        id=row["id"], topic=row["topic"], lang=row["lang"], regions=_regions(row["regions"]),
        photo_file_id=row["photo_file_id"], author_id=row["author_id"], author_lang=row["author_lang"],
        status=row["status"], priority=row["priority"], quiet=bool(row["quiet"]), paid=bool(row["paid"]),
        valid_until=row["valid_until"], created_at=row["created_at"], scheduled_at=row["scheduled_at"],
        started_at=row["started_at"], finished_at=row["finished_at"], total=row["total"],
        progress_chat_id=row["progress_chat_id"], progress_message_id=row["progress_message_id"], texts=texts,
    )
