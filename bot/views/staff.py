"""What staff see: application cards and lists, the notices the outbox sends, content and question reports."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.clock import local_text
from bot.i18n import Texts
from bot.knowledge.model import KnowledgeBase
from bot.telegram_html import escape
from bot.views.common import button, in_rows
from bot.views.volunteer import details
from bot.volunteers.catalog import Catalog
from bot.volunteers.status import REVIEWABLE, STAFF_DECISIONS, Status
from storage.applications import Application, Event
from storage.question_log import EntryVotes, QuestionCount

# Keep staff reports well under Telegram's 4096 characters.
MAX_REPORT_LINES = 25
MAX_QUESTION_CHARS = 150


def card(app: Application, history: list[Event], catalog: Catalog, texts: Texts, lang: str, today: date, *,
         updated: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """The message staff act on: every answer, the status and its history (Almaty time), the decision buttons."""
    t = lambda key, **p: texts.get(lang, f"volunteer.staff.{key}", **p)  # noqa: E731
    title = t("updated_title" if updated else "card_title", id=app.id)
    who = t("telegram", user_id=app.user_id, bot_lang=app.lang)
    status = t("status_line", status=texts.get(lang, f"volunteer.status.{app.status}"))
    lines = [title, "", details(app, catalog, texts, lang, today), who, "", status]
    for event in history:
        actor = t("by_applicant") if event.actor == "applicant" else t("by_staff", id=event.actor_id)
        lines.append(t("history_line", status=texts.get(lang, f"volunteer.status.{event.status}"), who=actor, at=local_text(event.at)))
    markup = InlineKeyboardMarkup([[
        button(t(f"button_{s}"), callbacks.APPLICATION_STATUS, s.value, app.id) for s in STAFF_DECISIONS
    ]])
    return "\n".join(lines), markup


def status_filter(texts: Texts, lang: str, counts: dict[str, int]) -> InlineKeyboardMarkup:
    """One button per status, with how many applications have it."""
    buttons = [
        button(f"{texts.get(lang, f'volunteer.status.{s}')} ({counts.get(s, 0)})", callbacks.APPLICATION_LIST, s.value)
        for s in REVIEWABLE
    ]
    return InlineKeyboardMarkup(in_rows(buttons, 2))


def listing(apps: list[Application], status: str, counts: dict[str, int], catalog: Catalog, texts: Texts,
            lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """/applications: the newest applications with one status, and the status filter."""
    t = lambda key, **p: texts.get(lang, f"volunteer.staff.{key}", **p)  # noqa: E731
    name = texts.get(lang, f"volunteer.status.{status}")
    if not apps:
        return t("list_empty", status=name), status_filter(texts, lang, counts)
    lines = [t("list_title", status=name)]
    for app in apps:
        region = escape(catalog.region_name(app.get("region"), lang))
        lines.append(t("list_line", id=app.id, name=escape(app.get("full_name") or ""), region=region,
                       date=local_text(app.submitted_at)))
    return "\n".join(lines), status_filter(texts, lang, counts)


def status_names(texts: Texts, lang: str) -> str:
    """The statuses staff can filter by, in the staff member's language."""
    return ", ".join(f"{texts.get(lang, f'volunteer.status.{s}')} ({s.value})" for s in REVIEWABLE)


def export_usage(texts: Texts, lang: str, problem: str, params: dict[str, str]) -> str:
    """What is wrong with /export's words (the staff member's own words escaped) and how to use it."""
    reason = texts.get(lang, f"volunteer.staff.export_problem.{problem}", **{k: escape(v) for k, v in params.items()})
    return texts.get(lang, "volunteer.staff.export_usage", problem=reason, statuses=status_names(texts, lang))


def status_words(texts: Texts) -> dict[str, str]:
    """Every status's words in every language (word -> code), so staff can type /applications новые or accepted."""
    return {
        word.strip().casefold(): s.value
        for lang in texts.catalogs for s in Status
        for word in texts.get(lang, f"volunteer.status_words.{s.value}").split(",") if word.strip()
    }


def problems_report(texts: Texts, lang: str, problems: list[str]) -> str:
    """/reload refused: how many problems, the first of them, and how to see all."""
    shown = problems[:MAX_REPORT_LINES]
    lines = "\n".join(f"• {escape(p[:300])}" for p in shown)
    more = len(problems) - len(shown)
    tail = "\n" + texts.get(lang, "staff.and_more", count=more) if more else ""
    return texts.get(lang, "staff.reload_failed", count=len(problems)) + "\n" + lines + tail


def unanswered(texts: Texts, lang: str, rows: list[QuestionCount], kb: KnowledgeBase, nearest: dict[int, list[str]],
               title: str = "staff.unanswered_title") -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """/unanswered (and 👎'd questions): a title, then one message per question with its nearest entries to teach the bot."""
    messages = [(texts.get(lang, title), None)]
    for row in rows:
        text = f"{quote(row.question)} — {row.count}× ({row.lang}, {local_text(row.last_asked)})"
        buttons = [
            [button(kb.entries[entry_id].text(lang).title, callbacks.TEACH, row.id, entry_id)]
            for entry_id in nearest.get(row.id, []) if entry_id in kb.entries
        ]
        buttons.append([button(texts.get(lang, "staff.teach_none"), callbacks.TEACH, row.id, "none")])
        messages.append((text, InlineKeyboardMarkup(buttons)))
    return messages


def feedback(texts: Texts, lang: str, votes: list[EntryVotes], kb: KnowledgeBase) -> str:
    """/feedback: entries with the most 👎 first, with their 👍."""
    lines = []
    for vote in votes:
        entry = kb.get(vote.entry_id)
        title = escape(entry.text(lang).title) if entry else escape(vote.entry_id)
        lines.append(f"👎 {vote.dislikes}  👍 {vote.likes}  {title} (<code>{escape(vote.entry_id)}</code>)")
    return texts.get(lang, "staff.feedback_title") + "\n\n" + "\n".join(lines)


def quote(question: str) -> str:
    """A question as staff see it in a report: shortened, escaped, in «quotes»."""
    short = question if len(question) <= MAX_QUESTION_CHARS else question[: MAX_QUESTION_CHARS - 1] + "…"
    return f"«{escape(short)}»"
