"""Quiz rounds without Telegram: choosing and shuffling questions, scoring answers, moving a round on."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.quiz.content import DIFFICULTIES, MIXED, QuizBank, QuizQuestion
from storage.quiz import Asked, Missed, QuizRepository, Round, RoundCount, Score

ROUND_SIZE = 10
# A round avoids the questions of the chat's last rounds while the topic has others left.
RECENT_ROUNDS = 3
PRIVATE, GROUP = "private", "group"


@dataclass(frozen=True)
class Step:
    """The question a round asks now (`question` is None when it was removed from the content since)."""

    round: Round
    asked: Asked
    question: QuizQuestion | None


@dataclass(frozen=True)
class Answered:
    """What one answer did: counted or not, and the round as it is after it."""

    round: Round
    asked: Asked
    counted: bool


@dataclass(frozen=True)
class Summary:
    """A round's result: right answers of the player (private) or of each player (group), and what was missed."""

    round: Round
    right: int
    answered: int
    missed: list[QuizQuestion] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)


@dataclass(frozen=True)
class Stats:
    """Rounds per language and topic, and the questions most often missed."""

    rounds: list[RoundCount]
    missed: list[tuple[Missed, QuizQuestion | None]]


class QuizRounds:
    """Starts rounds, scores answers by the stored option order, and moves rounds on exactly once."""

    def __init__(self, repo: QuizRepository, bank: Callable[[], QuizBank], *, rng: random.Random | None = None,
                 size: int = ROUND_SIZE, recent_rounds: int = RECENT_ROUNDS) -> None:
        self.repo = repo
        self.bank = bank
        self.rng = rng or random.Random()
        self.size = size
        self.recent_rounds = recent_rounds

    def topics(self) -> tuple[str, ...]:
        """The topics a round can be played on, `mixed` last."""
        return (*self.bank().topics, MIXED)

    async def start(self, chat_id: int, kind: str, lang: str, topic: str, *, replace: bool) -> Round | None:
        """Start a round in the chat; None when the topic is unknown or (without `replace`) a round is on."""
        if topic not in self.topics():
            return None
        recent = await self.repo.recent_questions(chat_id, self.recent_rounds)
        questions = self._choose(topic, recent)
        return await self.repo.start(chat_id, kind, lang, topic, questions, replace=replace)

    async def get(self, round_id: int) -> Round | None:
        """The round, or None."""
        return await self.repo.get(round_id)

    async def playing(self, chat_id: int) -> Round | None:
        """The round being played in the chat, or None."""
        return await self.repo.playing(chat_id)

    async def to_resume(self) -> list[tuple[Round, Asked]]:
        """The rounds a restart must act on: a poll not sent yet, or a group poll to time again."""
        return await self.repo.to_resume()

    async def by_poll(self, poll_id: str) -> tuple[Round, Asked] | None:
        """The round and question a poll was sent for, or None."""
        return await self.repo.by_poll(poll_id)

    async def asked(self, round_: Round) -> Asked | None:
        """The question the round is at, with its poll once sent."""
        return await self.repo.asked(round_.id, round_.position)

    async def step(self, round_: Round) -> Step:
        """The question the round asks now."""
        asked = await self.repo.asked(round_.id, round_.position)
        return Step(round_, asked, self.bank().questions.get(asked.question_id))

    async def poll_sent(self, step: Step, poll_id: str, message_id: int, closes_at: float | None) -> None:
        """Remember the poll the step was sent as, so its answers find the round."""
        await self.repo.poll_sent(step.round.id, step.asked.position, poll_id, message_id, closes_at)

    async def answer(self, poll_id: str, user_id: int, first_name: str, option_ids: list[int]) -> Answered | None:
        """Score an answer to a quiz poll; a private round moves on with it. None: not a poll of a round."""
        found = await self.repo.by_poll(poll_id)
        if found is None or not option_ids:
            return None
        round_, asked = found
        question = self.bank().questions.get(asked.question_id)
        chosen = asked.order[option_ids[0]] if option_ids[0] < len(asked.order) else -1
        correct = question is not None and chosen == question.correct
        private = round_.kind == PRIVATE
        current = round_.playing and asked.position == round_.position
        # A forwarded poll is the same poll: in a private round only the chat's own person may answer it.
        counts = not private or (current and user_id == round_.chat_id)
        counted = False
        if round_.playing and counts:
            counted = await self.repo.answer(
                round_.id, asked.position, user_id, chosen, correct,
                first_name=None if private else first_name, advance=private and current,
            )
        return Answered(await self.repo.get(round_.id), asked, counted)

    async def answer_count(self, round_: Round) -> int:
        """How many players answered the current question."""
        return await self.repo.answer_count(round_.id, round_.position)

    async def advance(self, round_id: int, position: int) -> Round | None:
        """Move the round past `position`; the round after, or None if another caller already did."""
        if not await self.repo.advance(round_id, position):
            return None
        return await self.repo.get(round_id)

    async def stop(self, round_id: int) -> Round | None:
        """Stop a round being played; the stopped round, or None if it had already ended."""
        if not await self.repo.stop(round_id):
            return None
        return await self.repo.get(round_id)

    async def summary(self, round_: Round) -> Summary:
        """The round's result so far."""
        bank = self.bank().questions
        answers = await self.repo.answers(round_.id)
        if round_.kind == GROUP:
            return Summary(round_, 0, len(answers), scores=await self.repo.scores(round_.id))
        missed = [bank[a.question_id] for a in answers if not a.correct and a.question_id in bank]
        return Summary(round_, sum(a.correct for a in answers), len(answers), missed=missed)

    async def stats(self, limit: int = 5) -> Stats:
        """What staff see: rounds per language and topic, the most missed questions."""
        bank = self.bank().questions
        missed = await self.repo.most_missed(limit)
        return Stats(await self.repo.round_counts(), [(m, bank.get(m.question_id)) for m in missed])

    def _choose(self, topic: str, recent: dict[str, int]) -> list[tuple[str, tuple[int, ...]]]:
        """Questions for a round, each with its options shuffled: unseen ones first, then the longest unseen."""
        bank = self.bank()
        pool = list(bank.questions.values()) if topic == MIXED else bank.by_topic(topic)
        self.rng.shuffle(pool)
        pool.sort(key=lambda q: recent.get(q.id, 0))  # stable: shuffled within the same last round
        chosen = pool[: self.size]
        chosen.sort(key=lambda q: DIFFICULTIES.index(q.difficulty))  # easy first, to warm up
        # The content check makes every language have the same options, so any language gives their count.
        return [(q.id, self._shuffled(len(next(iter(q.texts.values())).options))) for q in chosen]

    def _shuffled(self, count: int) -> tuple[int, ...]:
        order = list(range(count))
        self.rng.shuffle(order)
        return tuple(order)
