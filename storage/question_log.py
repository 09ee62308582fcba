"""Questions the bot could not answer, votes on its answers, and the phrasings staff taught it.

No user id or name is stored with a question; the text itself is masked before it gets here.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database, utc_now


@dataclass(frozen=True)
class QuestionCount:
    """One question (as first typed) and how often it came, grouped case-insensitively."""

    id: int  # the first log row of the group: what staff buttons refer to
    question: str
    lang: str
    count: int
    last_asked: str


@dataclass(frozen=True)
class EntryVotes:
    """Votes on one entry's answer."""

    entry_id: str
    likes: int
    dislikes: int


@dataclass(frozen=True)
class Taught:
    """A phrasing staff attached to an entry."""

    entry_id: str
    lang: str
    question: str
    taught_by: int | None
    created_at: str


class QuestionLog:
    """Reads and writes the question_log and taught_phrasings tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, kind: str, lang: str, *, question: str | None = None, entry_id: str | None = None) -> None:
        """Store one unanswered question or one vote."""
        await self.db.execute(
            "INSERT INTO question_log (kind, question, lang, entry_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (kind, question, lang, entry_id, utc_now()),
        )

    async def frequent(self, kinds: tuple[str, ...], limit: int = 20) -> list[QuestionCount]:
        """The most frequent questions of these kinds not yet settled by staff, most frequent first."""
        marks = ",".join("?" * len(kinds))
        rows = await self.db.fetchall(
            f"SELECT MIN(id) AS id, MIN(question) AS question, lang, COUNT(*) AS n, MAX(created_at) AS last"
            f" FROM question_log WHERE kind IN ({marks}) AND question IS NOT NULL AND resolved IS NULL"
            f" GROUP BY lower(trim(question)), lang ORDER BY n DESC, last DESC LIMIT ?",
            (*kinds, limit),
        )
        return [QuestionCount(r["id"], r["question"], r["lang"], r["n"], r["last"]) for r in rows]

    async def question(self, question_id: int) -> tuple[str, str] | None:
        """(question, lang) of a log row, or None."""
        row = await self.db.fetchone("SELECT question, lang FROM question_log WHERE id = ? AND question IS NOT NULL", (question_id,))
        return (row["question"], row["lang"]) if row else None

    async def votes(self, limit: int = 20) -> list[EntryVotes]:
        """Entries with the most 👎 first, with their 👍 counts."""
        rows = await self.db.fetchall(
            "SELECT entry_id, SUM(kind = 'like') AS likes, SUM(kind = 'dislike') AS dislikes"
            " FROM question_log WHERE kind IN ('like', 'dislike') AND entry_id IS NOT NULL"
            " GROUP BY entry_id ORDER BY dislikes DESC, likes ASC LIMIT ?",
            (limit,),
        )
        return [EntryVotes(r["entry_id"], r["likes"], r["dislikes"]) for r in rows]

    async def teach(self, question_id: int, entry_id: str | None, staff_id: int) -> tuple[str, str] | None:
        """Attach a logged question to an entry (None: dismiss it); settles every copy of it. Returns (question, lang)."""
        async with self.db.transaction() as conn:
            row = await (await conn.execute(
                "SELECT question, lang FROM question_log WHERE id = ? AND question IS NOT NULL", (question_id,)
            )).fetchone()
            if row is None:
                return None
            await conn.execute(
                "UPDATE question_log SET resolved = ? WHERE lower(trim(question)) = lower(trim(?)) AND lang = ?",
                (entry_id or "none", row["question"], row["lang"]),
            )
            if entry_id is not None:
                await conn.execute(
                    "INSERT OR IGNORE INTO taught_phrasings (entry_id, lang, question, taught_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (entry_id, row["lang"], row["question"].strip(), staff_id, utc_now()),
                )
        return row["question"], row["lang"]

    async def taught(self) -> list[Taught]:
        """Every taught phrasing, oldest first."""
        rows = await self.db.fetchall("SELECT * FROM taught_phrasings ORDER BY id")
        return [Taught(r["entry_id"], r["lang"], r["question"], r["taught_by"], r["created_at"]) for r in rows]
