"""Plays rounds in Telegram: sends each quiz poll, moves on when it is answered or closes, shows the results.

The one place that sends the next poll, whoever moved the round on: an answer (private), everyone having
answered or the poll closing (group), a timer, or the start after a restart. Moving on is a compare-and-set
in SQLite, so when two of these race only one sends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.content import Content
from bot.delivery.throttle import PACED
from bot.quiz.rounds import GROUP, PRIVATE, QuizRounds, Step, Summary
from bot.views import quiz as views
from storage.quiz import FINISHED, Round

log = logging.getLogger(__name__)
GROUP_SECONDS = 30  # how long each poll of a group round stays open
# The `poll` update Telegram sends at the close normally moves a group round on; the timer is the fallback.
TIMER_GRACE_SECONDS = 3.0


class QuizHost:
    """Sends a round's polls and its end; keeps a fallback timer for each open group poll."""

    def __init__(self, rounds: QuizRounds, bot: Bot, content: Callable[[], Content], *,
                 group_seconds: int = GROUP_SECONDS) -> None:
        self.rounds = rounds
        self.bot = bot
        self.content = content
        self.group_seconds = group_seconds
        self._timers: set[asyncio.Task] = set()

    async def start(self, chat_id: int, kind: str, lang: str, topic: str) -> Round | None:
        """Start a round (a private one replaces the chat's round; a group's keeps going: None)."""
        return await self.rounds.start(chat_id, kind, lang, topic, replace=kind == PRIVATE)

    async def send_current(self, round_: Round) -> None:
        """Send the poll of the question the round is at, or the round's end once it is finished."""
        while round_ is not None and round_.playing:
            step = await self.rounds.step(round_)
            if step.question is not None:
                await self._send_poll(step)
                return
            round_ = await self.rounds.advance(round_.id, round_.position)  # the question left the content
        if round_ is not None and round_.status == FINISHED:
            await self.show_end(round_)

    async def on_answer(self, poll_id: str, user_id: int, first_name: str, option_ids: list[int]) -> None:
        """Count an answer; in private the next poll follows, in a group it follows once everyone has answered."""
        answered = await self.rounds.answer(poll_id, user_id, first_name, option_ids)
        if answered is None or not answered.counted:
            return
        round_ = answered.round
        if round_.kind == PRIVATE:
            await self.send_current(round_)
        elif round_.playing and answered.asked.position == round_.position and await self._everyone_answered(round_):
            # The poll stays open until its period ends (nobody is left to answer it): stopping it would
            # spend one of the group's 20 messages a minute.
            await self._move_on(round_.id, round_.position)

    async def on_closed(self, poll_id: str) -> None:
        """A group poll closed (its open period ended, or it was stopped): move on if it is still the current one."""
        found = await self.rounds.by_poll(poll_id)
        if found is not None:
            await self._move_on(found[0].id, found[1].position)

    async def stop(self, round_id: int) -> Round | None:
        """Stop a round, close its current poll and show the result so far; None if it had already ended."""
        round_ = await self.rounds.stop(round_id)
        if round_ is None:
            return None
        asked = await self.rounds.asked(round_)
        if asked is not None and asked.message_id is not None:
            await self._stop_poll(round_.chat_id, asked.message_id)
        await self.show_end(round_, stopped=True)
        return round_

    async def show_end(self, round_: Round, *, stopped: bool = False) -> None:
        """Send the round's result: the score and what to read (private), or the score table (group)."""
        content = self.content()
        summary = await self.rounds.summary(round_)
        if round_.kind == GROUP:
            text, markup = views.score_table(content.texts, summary, self.bot.username, stopped=stopped)
        else:
            text, markup = views.result(content.texts, round_.lang, summary, _entries(content, summary),
                                        self.bot.username, stopped=stopped)
        await self._send(round_, text, markup)

    async def resume(self) -> None:
        """After a restart: send the polls a crash kept from going out, and time the open group polls again."""
        for round_, asked in await self.rounds.to_resume():
            try:
                if asked.poll_id is None:
                    await self.send_current(round_)
                elif asked.closes_at is not None:
                    self._time(round_.id, asked.position, asked.closes_at - time.time())
            except TelegramError:
                log.warning("quiz round %s could not be resumed", round_.id, exc_info=True)

    async def close(self) -> None:
        """Cancel the timers (the rounds stay in SQLite; resume() times them again)."""
        for task in list(self._timers):
            task.cancel()
        await asyncio.gather(*self._timers, return_exceptions=True)

    async def _send_poll(self, step: Step) -> None:
        round_ = step.round
        poll = views.poll(self.content().texts, step)
        seconds = self.group_seconds if round_.kind == GROUP else None
        try:
            message = await self.bot.send_poll(
                round_.chat_id, poll.question, poll.options, type="quiz", is_anonymous=False,
                correct_option_ids=[poll.correct], explanation=poll.explanation, open_period=seconds,
                reply_markup=poll.markup,
            )
        except (Forbidden, BadRequest) as exc:  # blocked, or the bot left the group: the round cannot go on
            log.info("quiz round %s stopped: %s", round_.id, exc.message)
            await self.rounds.stop(round_.id)
            return
        closes_at = time.time() + seconds if seconds else None
        await self.rounds.poll_sent(step, message.poll.id, message.message_id, closes_at)
        if seconds:
            self._time(round_.id, step.asked.position, seconds)

    async def _everyone_answered(self, round_: Round) -> bool:
        """True when every member of the group but the bot has answered the current question."""
        try:
            # Not a message: Telegram's group limit does not count it, so it skips the group pacing.
            members = await self.bot.get_chat_member_count(round_.chat_id, rate_limit_args=PACED)
        except TelegramError:
            return False
        return await self.rounds.answer_count(round_) >= members - 1

    async def _move_on(self, round_id: int, position: int) -> None:
        moved = await self.rounds.advance(round_id, position)
        if moved is not None:
            await self.send_current(moved)

    def _time(self, round_id: int, position: int, delay: float) -> None:
        task = asyncio.create_task(self._after(round_id, position, max(0.0, delay) + TIMER_GRACE_SECONDS))
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def _after(self, round_id: int, position: int, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await self._move_on(round_id, position)
        except Exception:  # noqa: BLE001 - a timer has no update whose error handler could report it
            log.exception("quiz round %s could not move on after its poll closed", round_id)

    async def _stop_poll(self, chat_id: int, message_id: int) -> None:
        try:
            await self.bot.stop_poll(chat_id, message_id)
        except TelegramError as exc:  # already closed, or deleted: nothing left to stop
            log.debug("quiz poll %s in %s not stopped: %s", message_id, chat_id, exc)

    async def _send(self, round_: Round, text: str, markup) -> None:
        try:
            await self.bot.send_message(round_.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
        except (Forbidden, BadRequest) as exc:
            log.info("quiz round %s: its end could not be shown: %s", round_.id, exc.message)


def _entries(content: Content, summary: Summary) -> list:
    """The knowledge entries of the questions missed, each once, in question order."""
    kb = content.library.kb
    ids = dict.fromkeys(q.entry for q in summary.missed)
    return [entry for entry_id in ids if (entry := kb.get(entry_id)) is not None]
