"""Questions the bot could not answer and votes on its answers, for staff to act on."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database, utc_now


@dataclass(frozen=True)
class QuestionCount:
    """One question (as first typed) and how often it came, grouped case-insensitively."""

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


class QuestionLog:
    """Reads and writes the question_log table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, kind: str, lang: str, *, question: str | None = None, entry_id: str | None = None) -> None:
        """Store one unanswered question or one vote."""
        await self.db.execute(
            "INSERT INTO question_log (kind, question, lang, entry_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (kind, question, lang, entry_id, utc_now()),
        )

    async def frequent(self, kinds: tuple[str, ...], limit: int = 20) -> list[QuestionCount]:
        """The most frequent questions of these kinds, most frequent first."""
        marks = ",".join("?" * len(kinds))
        rows = await self.db.fetchall(
            f"SELECT MIN(question) AS question, lang, COUNT(*) AS n, MAX(created_at) AS last"
            f" FROM question_log WHERE kind IN ({marks}) AND question IS NOT NULL"
            f" GROUP BY lower(trim(question)), lang ORDER BY n DESC, last DESC LIMIT ?",
            (*kinds, limit),
        )
        return [QuestionCount(r["question"], r["lang"], r["n"], r["last"]) for r in rows]

    async def votes(self, limit: int = 20) -> list[EntryVotes]:
        """Entries with the most 👎 first, with their 👍 counts."""
        rows = await self.db.fetchall(
            "SELECT entry_id, SUM(kind = 'like') AS likes, SUM(kind = 'dislike') AS dislikes"
            " FROM question_log WHERE kind IN ('like', 'dislike') AND entry_id IS NOT NULL"
            " GROUP BY entry_id ORDER BY dislikes DESC, likes ASC LIMIT ?",
            (limit,),
        )
        return [EntryVotes(r["entry_id"], r["likes"], r["dislikes"]) for r in rows]
