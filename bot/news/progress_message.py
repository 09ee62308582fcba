"""The one staff message per broadcast that shows its progress, edited in place, then the report."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Callable

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.i18n import Texts
from bot.news import keyboards
from bot.news.progress import Figures, RateMeter, render_progress, render_report
from storage.broadcasts import Broadcast, BroadcastRepository
from storage.users import UserRepository

log = logging.getLogger(__name__)
# Telegram counts edits against the flood limit too; every few seconds is plenty for a person.
PROGRESS_SECONDS = 3.0


class ProgressMessage:
    """Sends, then edits, the progress message in the author's chat (command-line broadcasts have none)."""

    def __init__(
        self, bot: Bot, broadcasts: BroadcastRepository, users: UserRepository, texts: Callable[[], Texts], default_language: str
    ) -> None:
        self.bot = bot
        self.broadcasts = broadcasts
        self.users = users
        self.texts = texts
        self.default_language = default_language
        self.meter = RateMeter()
        self._last_text: str | None = None

    async def keep_updated(self, broadcast: Broadcast) -> None:
        """Edit the message every PROGRESS_SECONDS while the broadcast runs (cancel the task to stop)."""
        if broadcast.author_id is None:
            return
        await self.show(broadcast)
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            current = await self.broadcasts.get(broadcast.id)
            if current is not None:
                await self.show(current)

    async def show(self, broadcast: Broadcast | None) -> None:
        """Render the broadcast's current state into its message (sending, paused, or the final report)."""
        if broadcast is None or broadcast.author_id is None:
            return
        counts = await self.broadcasts.counts(broadcast.id)
        done = counts["sent"] + counts["failed"] + counts["blocked"]
        figures = Figures(
            total=broadcast.total, sent=counts["sent"], failed=counts["failed"], blocked=counts["blocked"],
            pending=counts["pending"], rate=self.meter.add(done), status=broadcast.status,
        )
        texts, lang = self.texts(), await self._language(broadcast)
        if broadcast.status in ("done", "cancelled"):
            text = render_report(texts, lang, broadcast.id, figures, _elapsed(broadcast))
            markup = keyboards.finished(texts, lang, broadcast.id, figures.failed) if broadcast.status == "done" else None
        else:
            text = render_progress(texts, lang, broadcast.id, figures)
            markup = keyboards.running(texts, lang, broadcast.id, paused=broadcast.status == "paused")
        if text == self._last_text:
            return
        await self._put(broadcast, text, markup)
        self._last_text = text

    async def _put(self, broadcast: Broadcast, text: str, markup) -> None:
        try:
            if broadcast.progress_message_id is not None:
                try:
                    await self.bot.edit_message_text(
                        text, chat_id=broadcast.progress_chat_id, message_id=broadcast.progress_message_id, reply_markup=markup
                    )
                    return
                except BadRequest as exc:
                    if "not modified" in exc.message:
                        return
                    if "not found" not in exc.message:
                        raise
            message = await self.bot.send_message(broadcast.author_id, text, reply_markup=markup)
            await self.broadcasts.set_progress_message(broadcast.id, message.chat_id, message.message_id)
        except Forbidden:
            log.info("the author of broadcast %s has blocked the bot", broadcast.id)
        except TelegramError:
            log.warning("could not show the progress of broadcast %s", broadcast.id, exc_info=True)

    async def _language(self, broadcast: Broadcast) -> str:
        user = await self.users.get(broadcast.author_id)
        if user and user.language:
            return user.language
        return broadcast.author_lang or self.default_language


def _elapsed(broadcast: Broadcast) -> float | None:
    if not broadcast.started_at or not broadcast.finished_at:
        return None
    return (datetime.fromisoformat(broadcast.finished_at) - datetime.fromisoformat(broadcast.started_at)).total_seconds()
