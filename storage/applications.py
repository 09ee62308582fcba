"""Volunteer applications: drafts written answer by answer, status history, staff posts, erasure."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import aiosqlite

from storage.db import Database, utc_now

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
# In progress or under review: the person is shown it instead of a new form.
OPEN_STATUSES = ("draft", "submitted", "contacted")


@dataclass(frozen=True)
class Application:
    """One row of the applications table."""

    id: int
    user_id: int
    status: str
    lang: str
    step: str | None
    selection: list[str] | None
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
    """What /forget_me removed: counts, and the staff posts whose text must be replaced."""

    applications: int = 0
    subscriptions: int = 0
    profile: bool = False
    open_ids: list[int] = field(default_factory=list)  # submitted or under review when erased
    posts: dict[int, list[Post]] = field(default_factory=dict)  # by application id


def _application(row: aiosqlite.Row) -> Application:
    selection = json.loads(row["selection"]) if row["selection"] else None
    return Application(
        id=row["id"],
        user_id=row["user_id"],
        status=row["status"],
        lang=row["lang"],
        step=row["step"],
        selection=selection,
        answers={name: row[name] for name in ANSWER_FIELDS},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        submitted_at=row["submitted_at"],
    )


class ApplicationRepository:
    """Reads and writes applications, their history and their staff posts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, application_id: int) -> Application | None:
        """Return the application, or None."""
        row = await self.db.fetchone("SELECT * FROM applications WHERE id = ?", (application_id,))
        return _application(row) if row else None

    async def in_form(self, user_id: int) -> Application | None:
        """The application whose questions the user is answering now (a draft, or an edit)."""
        row = await self.db.fetchone(
            "SELECT * FROM applications WHERE user_id = ? AND step IS NOT NULL AND status IN ('draft', 'submitted')",
            (user_id,),
        )
        return _application(row) if row else None

    async def latest(self, user_id: int) -> Application | None:
        """The user's newest application other than a withdrawn one, or None."""
        row = await self.db.fetchone(
            "SELECT * FROM applications WHERE user_id = ? AND status != 'withdrawn' ORDER BY id DESC LIMIT 1",
            (user_id,),
        )
        return _application(row) if row else None

    async def create_draft(self, user_id: int, lang: str, first_step: str) -> Application:
        """Start a draft; if one is already open (a double tap), return that one."""
        now = utc_now()
        await self.db.execute(
            "INSERT INTO applications (user_id, status, lang, step, created_at, updated_at)"
            " VALUES (?, 'draft', ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (user_id, lang, first_step, now, now),
        )
        row = await self.db.fetchone(
            "SELECT * FROM applications WHERE user_id = ? AND status IN ('draft', 'submitted', 'contacted')",
            (user_id,),
        )
        return _application(row)

    async def save(self, application_id: int, changes: dict[str, str | None], *, step: str | None,
                   selection: list[str] | None = None, editable: tuple[str, ...] = ("draft",)) -> bool:
        """Write answers and the next question in one statement; False if the status no longer allows it."""
        unknown = set(changes) - set(ANSWER_FIELDS)
        if unknown:
            raise ValueError(f"not answer fields: {sorted(unknown)}")
        columns = [f"{name} = ?" for name in changes]
        params: list[object] = list(changes.values())
        columns += ["step = ?", "selection = ?", "updated_at = ?"]
        params += [step, json.dumps(selection) if selection is not None else None, utc_now()]
        marks = ", ".join("?" for _ in editable)
        changed = await self.db.execute(
            f"UPDATE applications SET {', '.join(columns)} WHERE id = ? AND status IN ({marks})",
            (*params, application_id, *editable),
        )
        return changed == 1

    async def delete_draft(self, application_id: int) -> bool:
        """Remove a draft that was cancelled; False if it was already submitted."""
        return await self.db.execute("DELETE FROM applications WHERE id = ? AND status = 'draft'", (application_id,)) == 1

    async def submit(self, application_id: int, user_id: int) -> bool:
        """Turn a draft into a submitted application; False if it was already submitted."""
        now = utc_now()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE applications SET status = 'submitted', step = NULL, selection = NULL,"
                " submitted_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
                (now, now, application_id),
            )
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                "INSERT INTO application_events (application_id, status, actor, actor_id, at)"
                " VALUES (?, 'submitted', 'applicant', ?, ?)",
                (application_id, user_id, now),
            )
        return True

    async def change_status(self, application_id: int, new: str, allowed_from: tuple[str, ...], *,
                            actor: str, actor_id: int | None) -> bool:
        """Move an application to a new status if it is in one of `allowed_from`; record who did it."""
        now = utc_now()
        marks = ", ".join("?" for _ in allowed_from)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE applications SET status = ?, step = NULL, selection = NULL, updated_at = ?"
                f" WHERE id = ? AND status IN ({marks})",
                (new, now, application_id, *allowed_from),
            )
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                "INSERT INTO application_events (application_id, status, actor, actor_id, at) VALUES (?, ?, ?, ?, ?)",
                (application_id, new, actor, actor_id, now),
            )
        return True

    async def history(self, application_id: int) -> list[Event]:
        """Status changes, oldest first."""
        rows = await self.db.fetchall(
            "SELECT status, actor, actor_id, at FROM application_events WHERE application_id = ? ORDER BY id",
            (application_id,),
        )
        return [Event(r["status"], r["actor"], r["actor_id"], r["at"]) for r in rows]

    async def add_post(self, application_id: int, chat_id: int, message_id: int) -> None:
        """Remember a staff message showing the application."""
        await self.db.execute(
            "INSERT OR IGNORE INTO application_posts (application_id, chat_id, message_id) VALUES (?, ?, ?)",
            (application_id, chat_id, message_id),
        )

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

    async def search(self, status: str | None = None, since: str | None = None, until: str | None = None,
                     limit: int | None = None) -> list[Application]:
        """Submitted applications (never drafts), newest first, filtered by status and submission date."""
        where, params = ["status != 'draft'"], []
        if status:
            where.append("status = ?")
            params.append(status)
        if since:
            where.append("submitted_at >= ?")
            params.append(since)
        if until:
            where.append("submitted_at < ?")
            params.append(until)
        sql = f"SELECT * FROM applications WHERE {' AND '.join(where)} ORDER BY submitted_at DESC, id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [_application(r) for r in await self.db.fetchall(sql, params)]

    async def erase_user(self, user_id: int) -> Erased:
        """Delete everything kept about a person: applications, history, subscriptions, profile."""
        erased = Erased()
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT a.id, a.status, p.chat_id, p.message_id FROM applications a"
                " LEFT JOIN application_posts p ON p.application_id = a.id WHERE a.user_id = ?",
                (user_id,),
            ) as cursor:
                for row in await cursor.fetchall():
                    if row["status"] in ("submitted", "contacted") and row["id"] not in erased.open_ids:
                        erased.open_ids.append(row["id"])
                    if row["chat_id"] is not None:
                        erased.posts.setdefault(row["id"], []).append(Post(row["chat_id"], row["message_id"]))
            cursor = await conn.execute("DELETE FROM applications WHERE user_id = ?", (user_id,))
            erased.applications = cursor.rowcount
            # News tables (migration 0003), where they exist: what they opted into, what was sent.
            for table in ("subscriptions", "subscribers", "deliveries"):
                if await _table_exists(conn, table):
                    cursor = await conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
                    if table == "subscriptions":
                        erased.subscriptions = cursor.rowcount
            cursor = await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
            erased.profile = cursor.rowcount == 1
        # secure_delete zeroed the freed bytes in the pages; the WAL still holds copies of the
        # pages as they were, so fold it into the database file and empty it.
        await self.db.checkpoint()
        return erased


async def _table_exists(conn: aiosqlite.Connection, name: str) -> bool:
    async with conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) as cursor:
        return await cursor.fetchone() is not None
