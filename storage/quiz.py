"""Quiz rounds, the order of their questions and options, the answers and the group players' first names."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import Database, utc_now

PLAYING, FINISHED, STOPPED = "playing", "finished", "stopped"
_ROUND = (
    "SELECT r.*, (SELECT COUNT(*) FROM quiz_round_questions q WHERE q.round_id = r.id) AS size FROM quiz_rounds r"
)


@dataclass(frozen=True)
class Round:
    """One round: where it is played, in which language and topic, and how far it got."""

    id: int
    chat_id: int
    kind: str  # private | group
    lang: str
    topic: str
    position: int  # the question being asked now
    size: int  # how many questions the round has
    status: str

    @property
    def playing(self) -> bool:
        """True until the round is finished or stopped."""
        return self.status == PLAYING


@dataclass(frozen=True)
class Asked:
    """A question of a round: which one, the order its options are shown in, and its poll once sent."""

    round_id: int
    position: int
    question_id: str
    order: tuple[int, ...]  # order[shown index] = the content's option index
    poll_id: str | None
    message_id: int | None
    closes_at: float | None


@dataclass(frozen=True)
class Answer:
    """One player's answer to one question of a round."""

    position: int
    question_id: str
    user_id: int
    correct: bool


@dataclass(frozen=True)
class Score:
    """A group player's result."""

    user_id: int
    first_name: str
    right: int


@dataclass(frozen=True)
class RoundCount:
    """How many rounds were played in one language and topic, and how many of them to the end."""

    lang: str
    topic: str
    rounds: int
    finished: int


@dataclass(frozen=True)
class Missed:
    """A question and how often it was answered wrongly."""

    question_id: str
    missed: int
    answers: int


class QuizRepository:
    """Reads and writes the quiz tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def start(self, chat_id: int, kind: str, lang: str, topic: str,
                    questions: list[tuple[str, tuple[int, ...]]], *, replace: bool) -> Round | None:
        """Create a round with its questions; a round still playing in the chat is stopped (`replace`) or wins (None)."""
        now = utc_now()
        async with self.db.transaction() as conn:
            playing = await _one(conn, "SELECT id FROM quiz_rounds WHERE chat_id = ? AND status = ?", (chat_id, PLAYING))
            if playing is not None and not replace:
                return None
            if playing is not None:
                await conn.execute("UPDATE quiz_rounds SET status = ?, finished_at = ? WHERE id = ?",
                                   (STOPPED, now, playing["id"]))
            cursor = await conn.execute(
                "INSERT INTO quiz_rounds (chat_id, kind, lang, topic, status, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, kind, lang, topic, PLAYING, now),
            )
            round_id = cursor.lastrowid
            await conn.executemany(
                "INSERT INTO quiz_round_questions (round_id, position, question_id, option_order) VALUES (?, ?, ?, ?)",
                [(round_id, i, qid, ",".join(map(str, order))) for i, (qid, order) in enumerate(questions)],
            )
        return await self.get(round_id)

    async def get(self, round_id: int) -> Round | None:
        """The round, or None."""
        return _round(await self.db.fetchone(f"{_ROUND} WHERE r.id = ?", (round_id,)))

    async def playing(self, chat_id: int) -> Round | None:
        """The round being played in the chat, or None."""
        return _round(await self.db.fetchone(f"{_ROUND} WHERE r.chat_id = ? AND r.status = ?", (chat_id, PLAYING)))

    async def to_resume(self) -> list[tuple[Round, Asked]]:
        """The rounds a restart must act on, with their current question: its poll unsent, or an open poll to time.

        One query: the private rounds people left mid-way stay playing, and a start-up must not visit each.
        """
        rows = await self.db.fetchall(
            "SELECT r.*, q.round_id, q.question_id, q.option_order, q.poll_id, q.message_id, q.closes_at"
            f" FROM ({_ROUND} WHERE r.status = ?) r"
            " JOIN quiz_round_questions q ON q.round_id = r.id AND q.position = r.position"
            " WHERE q.poll_id IS NULL OR q.closes_at IS NOT NULL ORDER BY r.id",
            (PLAYING,),
        )
        return [(_round(row), _asked(row)) for row in rows]

    async def asked(self, round_id: int, position: int) -> Asked | None:
        """The question at that position of the round."""
        row = await self.db.fetchone(
            "SELECT * FROM quiz_round_questions WHERE round_id = ? AND position = ?", (round_id, position)
        )
        return _asked(row)

    async def by_poll(self, poll_id: str) -> tuple[Round, Asked] | None:
        """The round and question a poll was sent for, or None (not a quiz poll, or erased)."""
        row = await self.db.fetchone("SELECT * FROM quiz_round_questions WHERE poll_id = ?", (poll_id,))
        if row is None:
            return None
        round_ = await self.get(row["round_id"])
        return (round_, _asked(row)) if round_ is not None else None

    async def poll_sent(self, round_id: int, position: int, poll_id: str, message_id: int,
                        closes_at: float | None) -> None:
        """Remember the poll a question was sent as."""
        await self.db.execute(
            "UPDATE quiz_round_questions SET poll_id = ?, message_id = ?, closes_at = ? WHERE round_id = ? AND position = ?",
            (poll_id, message_id, closes_at, round_id, position),
        )

    async def answer(self, round_id: int, position: int, user_id: int, chosen: int, correct: bool, *,
                     first_name: str | None = None, advance: bool = False) -> bool:
        """Record a first answer (and a group player's name); `advance` moves the round on in the same transaction."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO quiz_answers (round_id, position, user_id, chosen, correct, answered_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (round_id, position, user_id, chosen, int(correct), utc_now()),
            )
            if cursor.rowcount == 0:
                return False
            if first_name is not None:
                await conn.execute(
                    "INSERT INTO quiz_players (round_id, user_id, first_name) VALUES (?, ?, ?)"
                    " ON CONFLICT (round_id, user_id) DO UPDATE SET first_name = excluded.first_name",
                    (round_id, user_id, first_name),
                )
            if advance:
                await _advance(conn, round_id, position)
        return True

    async def advance(self, round_id: int, position: int) -> bool:
        """Move the round from `position` to the next question (or finish it); False if it is not there any more."""
        async with self.db.transaction() as conn:
            return await _advance(conn, round_id, position)

    async def stop(self, round_id: int) -> bool:
        """Stop a round being played; False if it had already ended."""
        changed = await self.db.execute(
            "UPDATE quiz_rounds SET status = ?, finished_at = ? WHERE id = ? AND status = ?",
            (STOPPED, utc_now(), round_id, PLAYING),
        )
        return changed == 1

    async def answer_count(self, round_id: int, position: int) -> int:
        """How many players answered this question."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM quiz_answers WHERE round_id = ? AND position = ?", (round_id, position)
        )
        return int(row["n"])

    async def answers(self, round_id: int) -> list[Answer]:
        """Every answer of the round, in question order."""
        rows = await self.db.fetchall(
            "SELECT a.position, q.question_id, a.user_id, a.correct FROM quiz_answers a"
            " JOIN quiz_round_questions q USING (round_id, position) WHERE a.round_id = ? ORDER BY a.position",
            (round_id,),
        )
        return [Answer(r["position"], r["question_id"], r["user_id"], bool(r["correct"])) for r in rows]

    async def scores(self, round_id: int) -> list[Score]:
        """The group players' right answers, best first (equal scores: who answered first)."""
        rows = await self.db.fetchall(
            "SELECT p.user_id, p.first_name, COALESCE(SUM(a.correct), 0) AS score, MIN(a.answered_at) AS first"
            " FROM quiz_players p LEFT JOIN quiz_answers a ON a.round_id = p.round_id AND a.user_id = p.user_id"
            " WHERE p.round_id = ? GROUP BY p.user_id ORDER BY score DESC, first, p.user_id",
            (round_id,),
        )
        return [Score(r["user_id"], r["first_name"], int(r["score"])) for r in rows]

    async def recent_questions(self, chat_id: int, rounds: int) -> dict[str, int]:
        """The questions of the chat's last `rounds` rounds, each with the id of the latest round that asked it."""
        rows = await self.db.fetchall(
            "SELECT question_id, MAX(round_id) AS last FROM quiz_round_questions WHERE round_id IN"
            " (SELECT id FROM quiz_rounds WHERE chat_id = ? ORDER BY id DESC LIMIT ?) GROUP BY question_id",
            (chat_id, rounds),
        )
        return {row["question_id"]: row["last"] for row in rows}

    async def round_counts(self) -> list[RoundCount]:
        """Rounds per language and topic, most played first."""
        rows = await self.db.fetchall(
            "SELECT lang, topic, COUNT(*) AS rounds, SUM(status = ?) AS finished FROM quiz_rounds"
            " GROUP BY lang, topic ORDER BY rounds DESC, lang, topic",
            (FINISHED,),
        )
        return [RoundCount(r["lang"], r["topic"], r["rounds"], int(r["finished"] or 0)) for r in rows]

    async def most_missed(self, limit: int) -> list[Missed]:
        """The questions most often answered wrongly."""
        rows = await self.db.fetchall(
            "SELECT q.question_id, SUM(1 - a.correct) AS missed, COUNT(*) AS answers FROM quiz_answers a"
            " JOIN quiz_round_questions q USING (round_id, position)"
            " GROUP BY q.question_id HAVING missed > 0 ORDER BY missed DESC, answers, q.question_id LIMIT ?",
            (limit,),
        )
        return [Missed(r["question_id"], r["missed"], r["answers"]) for r in rows]


async def erase_player(conn: aiosqlite.Connection, user_id: int) -> None:
    """Delete a person's private rounds, answers and name, inside the caller's erasure transaction."""
    # A private round's chat is the player's id; group ids are negative, so no group round goes with it.
    await conn.execute("DELETE FROM quiz_rounds WHERE chat_id = ?", (user_id,))
    await conn.execute("DELETE FROM quiz_answers WHERE user_id = ?", (user_id,))
    await conn.execute("DELETE FROM quiz_players WHERE user_id = ?", (user_id,))


async def _advance(conn: aiosqlite.Connection, round_id: int, position: int) -> bool:
    size = (await _one(conn, "SELECT COUNT(*) AS n FROM quiz_round_questions WHERE round_id = ?", (round_id,)))["n"]
    last = position + 1 >= size
    cursor = await conn.execute(
        "UPDATE quiz_rounds SET position = ?, status = ?, finished_at = ? WHERE id = ? AND position = ? AND status = ?",
        (position + (0 if last else 1), FINISHED if last else PLAYING, utc_now() if last else None,
         round_id, position, PLAYING),
    )
    return cursor.rowcount == 1


async def _one(conn: aiosqlite.Connection, sql: str, params: tuple) -> aiosqlite.Row | None:
    async with conn.execute(sql, params) as cursor:
        return await cursor.fetchone()


def _round(row: aiosqlite.Row | None) -> Round | None:
    if row is None:
        return None
    return Round(row["id"], row["chat_id"], row["kind"], row["lang"], row["topic"], row["position"], row["size"],
                 row["status"])


def _asked(row: aiosqlite.Row | None) -> Asked | None:
    if row is None:
        return None
    order = tuple(int(i) for i in row["option_order"].split(","))
    return Asked(row["round_id"], row["position"], row["question_id"], order, row["poll_id"], row["message_id"],
                 row["closes_at"])
