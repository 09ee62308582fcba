"""Opening the quiz in a private chat: the topic picker, or a round (from /quiz, the menu, a button or a deep link)."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.quiz.rounds import PRIVATE
from bot.replies import show
from bot.views import quiz as views


async def show_topics(update: Update, context: BotContext, *, in_place: bool = False) -> None:
    """The topics to choose from, and «all topics»."""
    text, markup = views.topic_picker(context.texts, context.lang, context.services.quiz.rounds.topics())
    await show(update, context, text, markup, in_place=in_place)


async def play(update: Update, context: BotContext, topic: str, *, in_place: bool = False) -> None:
    """Start a round on the topic and send its first poll; an unknown topic shows the picker instead."""
    host, lang = context.services.quiz, context.lang
    round_ = await host.start(update.effective_chat.id, PRIVATE, lang, topic)
    if round_ is None:
        await show_topics(update, context, in_place=in_place)
        return
    text = views.intro(context.texts, lang, topic, round_.size)
    await show(update, context, text, in_place=in_place)
    await host.send_current(round_)
