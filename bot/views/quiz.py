"""The quiz as people see it: the topic picker, each quiz poll, results, the group's score table, staff figures."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import Texts
from bot.knowledge.model import Entry
from bot.quiz.rounds import Stats, Step, Summary
from bot.telegram_html import escape
from bot.views.common import button, in_rows, link, to_menu

# A result names at most this many entries to read: more buttons would hide "play again".
MAX_READ_MORE = 4
# Missed questions are shortened in a result so that ten of them stay far under 4096 characters.
MAX_QUESTION_CHARS = 150
MAX_TABLE_ROWS = 50
MEDALS = ("🥇", "🥈", "🥉")


@dataclass(frozen=True)
class QuizPoll:
    """One question as a Telegram quiz poll: options in the shown order, the right one's shown index."""

    question: str
    options: list[str]
    correct: int
    explanation: str
    markup: InlineKeyboardMarkup


def topic_name(texts: Texts, lang: str, topic: str) -> str:
    """A topic's name in the language (its file name when no text names it)."""
    name = texts.get(lang, f"quiz.topics.{topic}")
    return topic if name == f"quiz.topics.{topic}" else name


def topic_picker(texts: Texts, lang: str, topics: tuple[str, ...], *, group: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """Choose a topic (or all of them) for a round."""
    rows = in_rows([button(topic_name(texts, lang, t), callbacks.QUIZ, "go", t) for t in topics], 2)
    if not group:
        rows.append([to_menu(texts, lang)])
    return texts.get(lang, "quiz.choose_group" if group else "quiz.choose"), InlineKeyboardMarkup(rows)


def intro(texts: Texts, lang: str, topic: str, count: int, *, seconds: int | None = None) -> str:
    """The line above a round's first poll."""
    if seconds is not None:
        return texts.get(lang, "quiz.group_intro", topic=escape(topic_name(texts, lang, topic)), count=count,
                         seconds=seconds)
    return texts.get(lang, "quiz.intro", topic=escape(topic_name(texts, lang, topic)), count=count)


def poll(texts: Texts, step: Step) -> QuizPoll:
    """The step's question as a quiz poll, options in the round's stored order, with the ✖️ Stop button."""
    round_, text = step.round, step.question.text(step.round.lang)
    options = [text.options[index] for index in step.asked.order]
    stop = texts.get(round_.lang, "quiz.stop_button", number=step.asked.position + 1, total=round_.size)
    markup = InlineKeyboardMarkup([[button(stop, callbacks.QUIZ, "stop", round_.id)]])
    return QuizPoll(text.question, options, step.asked.order.index(step.question.correct), text.explanation, markup)


def result(texts: Texts, lang: str, summary: Summary, entries: list[Entry], bot_username: str, *,
           stopped: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """A private round's end: the score, the questions missed with their right answer, what to read and do next."""
    t = lambda key, **p: texts.get(lang, f"quiz.{key}", **p)  # noqa: E731
    round_ = summary.round
    if stopped:
        lines = [t("stopped", right=summary.right, answered=summary.answered)]
    else:
        lines = [t("result", right=summary.right, total=round_.size), t(_cheer(summary.right, round_.size))]
    if summary.missed:
        lines += ["", t("missed_title")]
        for question in summary.missed:
            text = question.text(lang)
            lines.append(t("missed_line", question=escape(_shorten(text.question)),
                           answer=escape(text.options[question.correct])))
    rows = [[button(t("read_more", title=e.text(lang).title), callbacks.RELATED, e.id)] for e in entries[:MAX_READ_MORE]]
    rows.append([button(t("play_again"), callbacks.QUIZ, "go", round_.topic)])
    if not stopped:
        challenge = t("challenge_text", right=summary.right, total=round_.size)
        rows.append([link(t("challenge"), share_url(bot_username, round_.topic, challenge))])
    rows.append([to_menu(texts, lang)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def share_url(bot_username: str, topic: str, text: str) -> str:
    """Telegram's share link for the deep link that opens a round on the topic."""
    return f"https://t.me/share/url?url=https://t.me/{bot_username}?start=quiz_{topic}&text={quote(text)}"


def score_table(texts: Texts, summary: Summary, bot_username: str, *, stopped: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """A group round's end: the players by first name, best first, and a way to play alone."""
    round_, lang = summary.round, summary.round.lang
    t = lambda key, **p: texts.get(lang, f"quiz.{key}", **p)  # noqa: E731
    lines = [t("group_stopped")] if stopped else []
    lines.append(t("group_result", topic=escape(topic_name(texts, lang, round_.topic))))
    if not summary.scores:
        lines.append(t("group_nobody"))
    for place, score in enumerate(summary.scores[:MAX_TABLE_ROWS], 1):
        mark = MEDALS[place - 1] if place <= len(MEDALS) and score.right else f"{place}."
        lines.append(t("group_line", place=mark, name=escape(score.first_name), right=score.right, total=round_.size))
    alone = link(t("play_alone"), f"https://t.me/{bot_username}?start=quiz_{round_.topic}")
    return "\n".join(lines), InlineKeyboardMarkup([[alone]])


def stats(texts: Texts, lang: str, figures: Stats) -> str:
    """/quizstats: rounds per language and topic, the questions most often missed (in the reader's language)."""
    t = lambda key, **p: texts.get(lang, f"quiz.{key}", **p)  # noqa: E731
    if not figures.rounds:
        return t("stats_empty")
    lines = [t("stats_title"), "", t("stats_rounds")]
    for count in figures.rounds:
        lines.append(t("stats_round_line", language=count.lang, topic=escape(topic_name(texts, lang, count.topic)),
                       rounds=count.rounds, finished=count.finished))
    if figures.missed:
        lines += ["", t("stats_missed")]
    for number, (missed, question) in enumerate(figures.missed, 1):
        shown = _shorten(question.text(lang).question) if question else t("stats_gone", id=missed.question_id)
        lines.append(t("stats_missed_line", number=number, question=escape(shown), missed=missed.missed,
                       answers=missed.answers))
    return "\n".join(lines)


def _cheer(right: int, total: int) -> str:
    if right * 10 >= total * 8:
        return "cheer_great"
    return "cheer_good" if right * 2 >= total else "cheer_try"


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_QUESTION_CHARS else text[: MAX_QUESTION_CHARS - 1].rstrip() + "…"
