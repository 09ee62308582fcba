"""Decide what one free-text message is and how to answer it: an emergency first, then a request
to switch language, a greeting, thanks or action, a message with nothing to answer, and finally a
question for the knowledge base (answered, "did you mean", unknown, or out of scope)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.model import ACTIONS, LANGS, KnowledgeBase
from bot.knowledge.scope import content_words
from bot.knowledge.search import Hit, SearchIndex
from bot.knowledge.stemming import question_words

# Tuned on the tuning part of bench/eval (python bench/eval.py): answer when the best entry
# scores at least ANSWER_MIN_SCORE and leads the next one by MIN_RELATIVE_MARGIN of its score.
ANSWER_MIN_SCORE = 0.24
MIN_RELATIVE_MARGIN = 0.06
# Otherwise offer the entries scoring at least this ("did you mean"), else say we don't know.
SUGGEST_MIN_SCORE = 0.15
SUGGEST_RELATIVE = 0.8
MAX_SUGGESTIONS = 3
# A question half made of words the content never uses is about something else ("how to cook
# plov" matches "Cook Islands"): never answered outright, and out of scope when nothing matches.
MIN_KNOWN_SHARE = 0.6

KINDS = (
    "answer", "did_you_mean", "unknown", "out_of_scope", "content_free", "emergency", "greeting", "thanks",
    "action", "language",
)


@dataclass(frozen=True)
class Answer:
    """What the bot makes of a message: its kind, the language to reply in, and the entries involved."""

    query: str
    lang: str
    kind: str
    entry_id: str | None = None
    score: float = 0.0
    suggestions: tuple[str, ...] = ()  # entry ids: the related entries of an answer, or did-you-mean choices
    action: str | None = None

    @property
    def answered(self) -> bool:
        """True when the reply is a knowledge entry."""
        return self.kind == "answer"


def answer_question(index: SearchIndex, kb: KnowledgeBase, text: str, user_lang: str) -> Answer:
    """Decide what the message is and in which language to reply."""
    user_lang = user_lang if user_lang in LANGS else LANGS[0]
    tokens = index.tokens(text)
    lang = index.language_of(tokens, text) or user_lang
    if index.emergency.is_emergency(tokens, index.content_positions(tokens)):
        return Answer(text, lang, "emergency", suggestions=tuple(e for e in kb.lexicon.emergency.entries if e in kb.entries))
    requested = index.switch.requested(tokens)
    if requested is not None:
        return Answer(text, requested, "language", action="language")
    intent = index.intents.match(tokens)
    if intent is not None:
        kind = intent.name if intent.name in ("greeting", "thanks") else "action"
        action = intent.name if intent.name in ACTIONS else None
        return Answer(text, intent.lang or lang, kind, score=intent.score, action=action)
    words = index.question_tokens(tokens)
    if not content_words(words, lambda t: _says_nothing(index, t), index.is_known):
        return Answer(text, lang, "content_free")
    return _search(index, kb, text, tokens, lang)


def _says_nothing(index: SearchIndex, token: str) -> bool:
    return token in index.empty_words or token in index.noise or token in question_words()


def _search(index: SearchIndex, kb: KnowledgeBase, text: str, tokens: list[str], lang: str) -> Answer:
    hits = index.search_tokens(tokens, lang, limit=MAX_SUGGESTIONS)
    known = index.known_share(tokens)
    top = hits[0] if hits else None
    if top is None or top.score < SUGGEST_MIN_SCORE:
        kind = "out_of_scope" if known < MIN_KNOWN_SHARE or top is None else "unknown"
        return Answer(text, lang, kind, score=top.score if top else 0.0)
    if _is_confident(hits) and known >= MIN_KNOWN_SHARE:
        entry = kb.entries[top.entry_id]
        related = tuple(r for r in entry.related if r in kb.entries)
        return Answer(text, lang, "answer", entry.id, top.score, related)
    floor = max(SUGGEST_MIN_SCORE, top.score * SUGGEST_RELATIVE)
    close = tuple(hit.entry_id for hit in hits if hit.score >= floor)
    return Answer(text, lang, "did_you_mean", score=top.score, suggestions=close)


def _is_confident(hits: list[Hit]) -> bool:
    top = hits[0].score
    second = hits[1].score if len(hits) > 1 else 0.0
    return top >= ANSWER_MIN_SCORE and top - second >= MIN_RELATIVE_MARGIN * top
