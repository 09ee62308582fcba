"""Answer one free-text message: a greeting, thanks, a request to act, or a question for the
knowledge base (answered, "did you mean", or unknown)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from bot.knowledge.model import ACTIONS, LANGS, KnowledgeBase
from bot.knowledge.search import Hit, SearchIndex

# Tuned on bench/eval (python bench/eval.py): answer when the best entry scores at least
# ANSWER_MIN_SCORE and leads the next one by MIN_MARGIN, or scores CONFIDENT_SCORE anyway.
ANSWER_MIN_SCORE = 0.45
CONFIDENT_SCORE = 0.7
MIN_MARGIN = 0.02
# A question half made of words the content never uses is about something else ("how to cook
# plov" matches "Cook Islands"): never answered outright, whatever the score.
MAX_UNKNOWN_SHARE = 0.5
# Otherwise offer the entries scoring at least this ("did you mean"), else say we don't know.
SUGGEST_MIN_SCORE = 0.3
SUGGEST_RELATIVE = 0.75
MAX_SUGGESTIONS = 3

KINDS = ("answer", "did_you_mean", "unknown", "greeting", "thanks", "action")


@dataclass
class Answer:
    """What the bot makes of a message; the fields of `python -m bot ask` plus `kind`."""

    query: str
    lang: str
    answered: bool = False
    entry_id: str | None = None
    title: str | None = None
    answer: str | None = None
    score: float = 0.0
    suggestions: list[dict[str, str]] = field(default_factory=list)
    action: str | None = None
    kind: str = "unknown"

    def to_dict(self) -> dict[str, Any]:
        """The answer as a JSON-ready dict."""
        return asdict(self)


def answer_question(index: SearchIndex, kb: KnowledgeBase, text: str, user_lang: str) -> Answer:
    """Decide what the message is and build the reply data in the right language."""
    user_lang = user_lang if user_lang in LANGS else LANGS[0]
    tokens = index.tokens(text)
    detected = index.language_of(tokens, text)
    intent = index.intents.match(tokens)
    if intent is not None:
        lang = intent.lang or detected or user_lang
        kind = intent.name if intent.name in ("greeting", "thanks") else "action"
        action = intent.name if intent.name in ACTIONS else None
        return Answer(query=text, lang=lang, score=intent.score, action=action, kind=kind)
    hits = index.search_tokens(tokens, detected or user_lang, limit=MAX_SUGGESTIONS)
    if not hits or hits[0].score < SUGGEST_MIN_SCORE:
        score = hits[0].score if hits else 0.0
        return Answer(query=text, lang=detected or user_lang, score=score, kind="unknown")
    top = hits[0]
    lang = detected or top.lang
    if _is_confident(hits) and index.unknown_share(tokens) < MAX_UNKNOWN_SHARE:
        entry = kb.entries[top.entry_id]
        entry_text = entry.text(lang)
        return Answer(
            query=text,
            lang=lang,
            answered=True,
            entry_id=entry.id,
            title=entry_text.title,
            answer=entry_text.answer,
            score=top.score,
            suggestions=_titles(kb, [r for r in entry.related if r in kb.entries], lang),
            kind="answer",
        )
    floor = max(SUGGEST_MIN_SCORE, top.score * SUGGEST_RELATIVE)
    close = [hit.entry_id for hit in hits if hit.score >= floor]
    return Answer(
        query=text,
        lang=lang,
        score=top.score,
        suggestions=_titles(kb, close, lang),
        kind="did_you_mean",
    )


def _is_confident(hits: list[Hit]) -> bool:
    top = hits[0].score
    second = hits[1].score if len(hits) > 1 else 0.0
    return top >= CONFIDENT_SCORE or (top >= ANSWER_MIN_SCORE and top - second >= MIN_MARGIN)


def _titles(kb: KnowledgeBase, entry_ids: list[str], lang: str) -> list[dict[str, str]]:
    return [{"entry_id": entry_id, "title": kb.entries[entry_id].text(lang).title} for entry_id in entry_ids]
