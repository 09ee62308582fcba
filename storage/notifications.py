"""The notifications outbox: messages owed because of a change, written in the change's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import aiosqlite

from storage.db import Database, utc_now

STAFF_CARD, TEXT, REPLACE_POST = "staff_card", "text", "replace_post"
_MARK_SENT = "UPDATE notifications SET status = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?"


@dataclass(frozen=True)
class Notice:
    """A message to send (or, for replace_post, to edit): what the worker renders and delivers."""

    kind: str
    chat_id: int
    application_id: int | None = None
    message_id: int | None = None
    text_key: str | None = None
    params: dict = field(default_factory=dict)
    lang: str | None = None
    id: int | None = None
    attempts: int = 0


async def insert_notices(conn: aiosqlite.Connection, notices: list[Notice]) -> None:
    """Queue notices inside the caller's transaction."""
    now = utc_now()
    await conn.executemany(
        "INSERT INTO notifications (kind, chat_id, application_id, message_id, text_key, params, lang, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (n.kind, n.chat_id, n.application_id, n.message_id, n.text_key, json.dumps(n.params), n.lang, now)
            for n in notices
        ],
    )


class NotificationRepository:
    """Reads the pending notices and records how each went."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, notices: list[Notice]) -> None:
        """Queue notices on their own (not caused by another write)."""
        async with self.db.transaction() as conn:
            await insert_notices(conn, notices)

    async def pending(self, limit: int = 50) -> list[Notice]:
        """The oldest notices not yet delivered."""
        rows = await self.db.fetchall(
            "SELECT * FROM notifications WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,)
        )
        return [
            Notice(r["kind"], r["chat_id"], r["application_id"], r["message_id"], r["text_key"],
                   json.loads(r["params"]), r["lang"], r["id"], r["attempts"])
            for r in rows
        ]

    async def sent(self, notice_id: int) -> None:
        """Mark a notice delivered."""
        await self.db.execute(_MARK_SENT, (utc_now(), notice_id))

    async def card_sent(self, notice: Notice, message_id: int, erased_note: Notice) -> None:
        """Mark a staff card delivered and remember the post, in one step (an erasure must find it).

        If the application was erased while its card was on the way, the card is replaced at once
        by `erased_note` instead.
        """
        async with self.db.transaction() as conn:
            await conn.execute(_MARK_SENT, (utc_now(), notice.id))
            exists = await (await conn.execute(
                "SELECT 1 FROM applications WHERE id = ?", (notice.application_id,)
            )).fetchone()
            if exists:
                await conn.execute(
                    "INSERT OR IGNORE INTO application_posts (application_id, chat_id, message_id) VALUES (?, ?, ?)",
                    (notice.application_id, notice.chat_id, message_id),
                )
            else:
                await insert_notices(conn, [erased_note])

    async def failed(self, notice_id: int, error: str, *, final: bool) -> None:
        """Count a failed try; `final` gives up on it."""
        await self.db.execute(
            "UPDATE notifications SET attempts = attempts + 1, last_error = ?, status = ? WHERE id = ?",
            (error[:300], "failed" if final else "pending", notice_id),
        )

    async def counts(self) -> dict[str, int]:
        """Notices by status."""
        rows = await self.db.fetchall("SELECT status, COUNT(*) AS n FROM notifications GROUP BY status")
        return {r["status"]: r["n"] for r in rows}
