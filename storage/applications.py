"""Volunteer applications: drafts written answer by answer, status history, staff posts, erasure.

Statuses come in as parameters: the lifecycle's rules live in bot/volunteers/status.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import aiosqlite

from storage.db import Database, utc_now
from storage.notifications import Notice, insert_notices
from storage.quiz import erase_player

# The answer columns; only these names are ever put into SQL text.
ANSWER_FIELDS = (
    "consent_version",
    "consent_at",
    "full_name",
    "birth_date",
    "guardian_consent",
    "phone",
    "region",
    "interests",
    "languages",
    "availability",
    "experience",
)


@dataclass(frozen=True)
class Application:
    """One row of the applications table."""

    id: int
    user_id: int
    status: str
    lang: str
    step: str | None
    selection: list[str] | None
    revision: int
    confirming: str | None
    answers: dict[str, str | None]
    created_at: str
    updated_at: str
    submitted_at: str | None

    def get(self, name: str) -> str | None:
        """The stored answer to a question, or None if not answered."""
        return self.answers.get(name)


@dataclass(frozen=True)
class Event:
    """One status change."""

    status: str
    actor: str
    actor_id: int | None
    at: str


@dataclass(frozen=True)
class Post:
    """A message in a staff chat that shows an application."""

    chat_id: int
    message_id: int


@dataclass
class Erased:
    """What an erasure removed."""

    applications: int = 0
    subscriptions: int = 0
    profile: bool = False


# Given the statuses of the applications staff had seen (by id) and their posts, the notices an erasure sends.
NoticeMaker = Callable[[dict[int, str], list[tuple[int, Post]]], list[Notice]]


def _application(row: aiosqlite.Row) -> Application:
    selection = json.loads(row["selection"]) if row["selection"] else None
    return Application(
        id=row["id"],
        user_id=row["user_id"],
        status=row["status"],
        lang=row["lang"],
        step=row["step"],
        selection=selection,
        revision=row["revision"],
        confirming=row["confirming"],
        answers={name: row[name] for name in ANSWER_FIELDS},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        submitted_at=row["submitted_at"],
    )


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)


class ApplicationRepository:
    """Reads and writes applications, their history, their staff posts and the notices they cause."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, application_id: int) -> Application | None:
        """Return the application, or None."""
        row = await self.db.fetchone("SELECT * FROM applications WHERE id = ?", (application_id,))
        return _application(row) if row else None

    async def in_form(self, user_id: int, statuses: tuple[str, ...]) -> Application | None:
        """The application in one of `statuses` whose questions the user is answering now."""
        row = await self.db.fetchone(
            f"SELECT * FROM applications WHERE user_id = ? AND step IS NOT NULL AND status IN ({_marks(statuses)})",
            (user_id, *statuses),
        )
        return _application(row) if row else None

    async def latest(self, user_id: int, excluding: tuple[str, ...] = ()) -> Application | None:
        """The user's newest application whose status is not in `excluding`, or None."""
        sql = "SELECT * FROM applications WHERE user_id = ?"
        if excluding:
            sql += f" AND status NOT IN ({_marks(excluding)})"
        row = await self.db.fetchone(sql + " ORDER BY id DESC LIMIT 1", (user_id, *excluding))
        return _application(row) if row else None

    async def create(self, user_id: int, lang: str, status: str, first_step: str) -> Application | None:
        """Start an application; None if the person already has an open one (a double tap)."""
        now = utc_now()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO applications (user_id, status, lang, step, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (user_id, status, lang, first_step, now, now),
            )
            if cursor.rowcount != 1:
                return None
            row = await (await conn.execute("SELECT * FROM applications WHERE id = ?", (cursor.lastrowid,))).fetchone()
        return _application(row)

    async def save(self, app: Application, changes: dict[str, str | None], *, step: str | None,
                   selection: list[str] | None, statuses: tuple[str, ...], notices: list[Notice] = (),
                   confirming: str | None = None) -> Application | None:
        """Write answers, the next question and the notices they cause if nothing changed since `app` was read.

        Returns the new state, or None when the application moved on meanwhile (another device, a double tap).
        """
        unknown = set(changes) - set(ANSWER_FIELDS)
        if unknown:
            raise ValueError(f"not answer fields: {sorted(unknown)}")
        columns = [f"{name} = ?" for name in changes]
        params: list[object] = list(changes.values())
        columns += ["step = ?", "selection = ?", "confirming = ?", "updated_at = ?", "revision = revision + 1"]
        params += [step, json.dumps(selection) if selection is not None else None, confirming, utc_now()]
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE applications SET {', '.join(columns)}"
                f" WHERE id = ? AND revision = ? AND status IN ({_marks(statuses)})",
                (*params, app.id, app.revision, *statuses),
            )
            if cursor.rowcount != 1:
                return None
            await insert_notices(conn, notices)
            row = await (await conn.execute("SELECT * FROM applications WHERE id = ?", (app.id,))).fetchone()
        return _application(row)

    async def delete(self, app: Application, statuses: tuple[str, ...]) -> bool:
        """Remove an application that is still in one of `statuses` (a cancelled draft)."""
        sql = f"DELETE FROM applications WHERE id = ? AND status IN ({_marks(statuses)})"
        return await self.db.execute(sql, (app.id, *statuses)) == 1

    async def change_status(self, app: Application, new: str, allowed_from: tuple[str, ...], *, actor: str,
                            actor_id: int | None, notices: list[Notice] = (), submitted: bool = False,
                            same_revision: bool = False) -> bool:
        """Move an application to `new` if it is in `allowed_from`; record who did it and queue the notices, atomically."""
        now = utc_now()
        sql = (
            "UPDATE applications SET status = ?, step = NULL, selection = NULL, confirming = NULL, updated_at = ?,"
            " revision = revision + 1"
            + (", submitted_at = ?" if submitted else "")
            + f" WHERE id = ? AND status IN ({_marks(allowed_from)})"
            + (" AND revision = ?" if same_revision else "")
        )
        params = [new, now, *([now] if submitted else []), app.id, *allowed_from, *([app.revision] if same_revision else [])]
        async with self.db.transaction() as conn:
            cursor = await conn.execute(sql, params)
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                "INSERT INTO application_events (application_id, status, actor, actor_id, at) VALUES (?, ?, ?, ?, ?)",
                (app.id, new, actor, actor_id, now),
            )
            await insert_notices(conn, notices)
        return True

    async def history(self, application_id: int) -> list[Event]:
        """Status changes, oldest first."""
        rows = await self.db.fetchall(
            "SELECT status, actor, actor_id, at FROM application_events WHERE application_id = ? ORDER BY id",
            (application_id,),
        )
        return [Event(r["status"], r["actor"], r["actor_id"], r["at"]) for r in rows]

    async def posts(self, application_id: int) -> list[Post]:
        """Staff messages showing the application."""
        rows = await self.db.fetchall(
            "SELECT chat_id, message_id FROM application_posts WHERE application_id = ?", (application_id,)
        )
        return [Post(r["chat_id"], r["message_id"]) for r in rows]

    async def counts(self) -> dict[str, int]:
        """How many applications are in each status (drafts included)."""
        rows = await self.db.fetchall("SELECT status, COUNT(*) AS n FROM applications GROUP BY status")
        return {r["status"]: r["n"] for r in rows}

    async def search(self, statuses: tuple[str, ...], since: str | None = None, until: str | None = None,
                     limit: int | None = None) -> list[Application]:
        """Applications in `statuses`, newest first, filtered by submission time (ISO UTC, until exclusive)."""
        where, params = [f"status IN ({_marks(statuses)})"], list(statuses)
        if since:
            where.append("submitted_at >= ?")
            params.append(since)
        if until:
            where.append("submitted_at < ?")
            params.append(until)
        sql = f"SELECT * FROM applications WHERE {' AND '.join(where)} ORDER BY submitted_at DESC, id DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [_application(r) for r in await self.db.fetchall(sql, params)]

    async def erase_user(self, user_id: int, notices_for: NoticeMaker) -> Erased:
        """Delete everything kept about a person; queue the notices that replace their staff posts, atomically."""
        erased = Erased()
        async with self.db.transaction() as conn:
            apps = await (await conn.execute(
                "SELECT id, status, submitted_at FROM applications WHERE user_id = ?", (user_id,)
            )).fetchall()
            statuses = {r["id"]: r["status"] for r in apps if r["submitted_at"]}
            posts = await (await conn.execute(
                "SELECT p.application_id, p.chat_id, p.message_id FROM application_posts p"
                " JOIN applications a ON a.id = p.application_id WHERE a.user_id = ?",
                (user_id,),
            )).fetchall()
            notices = notices_for(statuses, [(r["application_id"], Post(r["chat_id"], r["message_id"])) for r in posts])
            # Deleting the applications cascades to their history, posts and pending cards.
            cursor = await conn.execute("DELETE FROM applications WHERE user_id = ?", (user_id,))
            erased.applications = cursor.rowcount
            cursor = await conn.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
            erased.subscriptions = cursor.rowcount
            await conn.execute("DELETE FROM subscribers WHERE user_id = ?", (user_id,))
            await conn.execute("DELETE FROM deliveries WHERE user_id = ?", (user_id,))
            await conn.execute("DELETE FROM notifications WHERE chat_id = ?", (user_id,))
            await erase_player(conn, user_id)
            cursor = await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
            erased.profile = cursor.rowcount == 1
            await insert_notices(conn, notices)
        # secure_delete zeroed the freed bytes in the pages; the WAL still holds copies of the
        # pages as they were, so fold it into the database file and empty it.
        await self.db.checkpoint()
        return erased
