"""The quiz: rounds of Telegram quiz polls in a private chat or for a whole group, and the staff figures."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.error import TelegramError

from bot.access import staff_only
from bot.context import BotContext
from bot.quiz.rounds import GROUP
from bot.replies import send, show
from bot.replies.quiz import play, show_topics
from bot.views import quiz as views


async def choose_topic(update: Update, context: BotContext) -> None:
    """/quiz in a private chat: the topic picker (or, with a topic after the command, a round on it)."""
    if context.args:
        await play(update, context, context.args[0].lower())
        return
    await show_topics(update, context)


async def open_section(update: Update, context: BotContext) -> None:
    """The 🎯 Quiz button of the main menu: the topic picker in place of the menu."""
    await update.callback_query.answer()
    await show_topics(update, context, in_place=True)


async def start_in_group(update: Update, context: BotContext) -> None:
    """/quiz in a group, from an admin: the topic picker (or a round on the topic given); others are refused."""
    chat = update.effective_chat
    if not await _is_admin(update, context):
        await update.effective_message.reply_text(context.t("quiz.group_admins_only"))
        return
    if await context.services.quiz.rounds.playing(chat.id) is not None:
        await update.effective_message.reply_text(context.t("quiz.group_already"))
        return
    await _start_group_round(update, context, context.args[0].lower() if context.args else "")


async def on_button(update: Update, context: BotContext) -> None:
    """A topic chosen, or ✖️ Stop pressed under a poll (in a group, by an admin only)."""
    query, parsed, host = update.callback_query, context.callback, context.services.quiz
    action, group = parsed["action"], update.effective_chat.type != "private"
    if group and not await _is_admin(update, context):
        await query.answer(context.t("quiz.group_admins_only"), show_alert=True)
        return
    if action == "go" and group:
        await query.answer()
        await _start_group_round(update, context, parsed["topic"], in_place=True)
    elif action == "go":
        await query.answer()
        await play(update, context, parsed["topic"], in_place=True)
    else:  # stop
        round_ = await host.rounds.get(parsed["round"])
        if round_ is None or round_.chat_id != update.effective_chat.id or await host.stop(round_.id) is None:
            await query.answer(context.t("quiz.already_over"))
            return
        await query.answer()


async def take_answer(update: Update, context: BotContext) -> None:
    """Count an answer to a quiz poll; the next poll follows when the round moves on."""
    answer = update.poll_answer
    if answer.user is None:  # an anonymous group admin: nothing to score
        return
    await context.services.quiz.on_answer(answer.poll_id, answer.user.id, answer.user.first_name,
                                          list(answer.option_ids))


async def poll_closed(update: Update, context: BotContext) -> None:
    """A group poll closed at the end of its open period: the next question follows."""
    if update.poll.is_closed:
        await context.services.quiz.on_closed(update.poll.id)


@staff_only
async def show_stats(update: Update, context: BotContext) -> None:
    """/quizstats (staff): rounds per language and topic, the questions most often missed."""
    figures = await context.services.quiz.rounds.stats()
    await send(update, context, views.stats(context.texts, context.lang, figures))


async def _start_group_round(update: Update, context: BotContext, topic: str, *, in_place: bool = False) -> None:
    """A round on the topic; an unknown one (none given, or gone since a /reload) shows the group's picker."""
    host, lang = context.services.quiz, context.lang
    if topic not in host.rounds.topics():
        text, markup = views.topic_picker(context.texts, lang, host.rounds.topics(), group=True)
        await show(update, context, text, markup, in_place=in_place)
        return
    round_ = await host.start(update.effective_chat.id, GROUP, lang, topic)
    if round_ is None:
        await send(update, context, context.t("quiz.group_already"))
        return
    text = views.intro(context.texts, lang, round_.topic, round_.size, seconds=host.group_seconds)
    await show(update, context, text, in_place=in_place)
    await host.send_current(round_)


async def _is_admin(update: Update, context: BotContext) -> bool:
    """True for the group's creator and administrators (asked of Telegram each time: admins change)."""
    chat, message = update.effective_chat, update.effective_message
    if update.message and message.sender_chat and message.sender_chat.id == chat.id:
        return True  # an admin writing anonymously, as the group itself
    try:
        member = await context.bot.get_chat_member(chat.id, update.effective_user.id)
    except TelegramError:
        return False
    return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
