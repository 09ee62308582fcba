"""Decide what one free-text message is and how to answer it: an emergency first, then a request
to switch language, a greeting, thanks or action, a message with nothing to answer, and finally a
question for the knowledge base (answered, "did you mean", unknown, or out of scope)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.model import ACTIONS, LANGS, KnowledgeBase
from bot.knowledge.scope import content_words
from bot.knowledge.search import EXACT_QUESTION_SCORE, Hit, SearchIndex
from bot.knowledge.stemming import question_words

# Calibrated with bench/calibrate.py on the tuning part of bench/eval (with its out-of-scope and
# in-scope-but-unknown questions) and on bench/crossval.py (the content's own questions, fold by
# fold), counting a wrong answer as half as bad as a right one is good and a question no entry
# answers, answered, as ten times as bad: answer when the best entry scores
# at least ANSWER_MIN_SCORE, leads the next one by MIN_RELATIVE_MARGIN of its score, says more than
# MIN_MATCHED_SHARE of the question's words ("how old is the universe" matches "old" only), at least
# MIN_MATCHED_WEIGHT of them weighted by rarity, and when at least MIN_KNOWN_TO_ANSWER of the words
# are words the content uses at all ("жарты ай татуировкасы": nothing says "tattoo").
ANSWER_MIN_SCORE = 0.33
MIN_RELATIVE_MARGIN = 0.01
MIN_MATCHED_SHARE = 0.5
MIN_MATCHED_WEIGHT = 0.2
MIN_KNOWN_TO_ANSWER = 0.8
# Otherwise offer the entries scoring at least this ("did you mean"), else say we don't know.
SUGGEST_MIN_SCORE = 0.15
SUGGEST_RELATIVE = 0.8
MAX_SUGGESTIONS = 3
# A question mostly made of words the content never uses is about something else ("how to cook
# plov" matches "Cook Islands"): out of scope when it is not answered.
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
    return route(index, kb, text, tokens, lang, user_lang) or _search(index, kb, text, tokens, lang)


def route(index: SearchIndex, kb: KnowledgeBase, text: str, tokens: list[str], lang: str, user_lang: str) -> Answer | None:
    """What the message is when it is not a question to search for: an emergency, a request to switch
    language, a greeting, thanks or action, or a message with nothing to answer (replied to in the
    user's language: "ок" says nothing of its language either)."""
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
        return Answer(text, user_lang, "content_free")
    return None


def _says_nothing(index: SearchIndex, token: str) -> bool:
    return token in index.empty_words or token in index.noise or token in question_words()


@dataclass(frozen=True)
class Evidence:
    """What the decision to answer rests on (bench/calibrate.py reads it too)."""

    hits: tuple[Hit, ...]
    known: float  # share of the question's words the content uses at all
    matched: float  # share of its words the best entry says
    matched_weight: float  # the same, each word weighted by how rare it is

    @property
    def margin(self) -> float:
        """How far the best entry leads the next one, as a share of its score."""
        if not self.hits:
            return 0.0
        top = self.hits[0].score
        second = self.hits[1].score if len(self.hits) > 1 else 0.0
        return (top - second) / top if top else 0.0


def evidence(index: SearchIndex, tokens: list[str], lang: str) -> Evidence:
    """Search, and measure how well the best entry fits the question."""
    hits = tuple(index.search_tokens(tokens, lang, limit=MAX_SUGGESTIONS))
    matched = index.matched_share(tokens, hits[0]) if hits else (0.0, 0.0)
    return Evidence(hits, index.known_share(tokens), *matched)


def is_confident(found: Evidence, min_score: float = ANSWER_MIN_SCORE, min_margin: float = MIN_RELATIVE_MARGIN,
                 min_matched: float = MIN_MATCHED_SHARE, min_matched_weight: float = MIN_MATCHED_WEIGHT,
                 min_known: float = MIN_KNOWN_TO_ANSWER) -> bool:
    """True when the best entry is the answer rather than a suggestion."""
    if not found.hits:
        return False
    top = found.hits[0].score
    if top >= EXACT_QUESTION_SCORE:  # a listed question or a bare name, said exactly
        return True
    return (top >= min_score and found.margin >= min_margin and found.matched > min_matched
            and found.matched_weight >= min_matched_weight and found.known >= min_known)


def _search(index: SearchIndex, kb: KnowledgeBase, text: str, tokens: list[str], lang: str) -> Answer:
    found = evidence(index, tokens, lang)
    top = found.hits[0] if found.hits else None
    if is_confident(found):
        entry = kb.entries[top.entry_id]
        related = tuple(r for r in entry.related if r in kb.entries)
        return Answer(text, lang, "answer", entry.id, top.score, related)
    if top is None or top.score < SUGGEST_MIN_SCORE or found.known < MIN_KNOWN_SHARE:
        kind = "out_of_scope" if found.known < MIN_KNOWN_SHARE or top is None else "unknown"
        return Answer(text, lang, kind, score=top.score if top else 0.0)
    floor = max(SUGGEST_MIN_SCORE, top.score * SUGGEST_RELATIVE)
    close = tuple(hit.entry_id for hit in found.hits if hit.score >= floor)
    return Answer(text, lang, "did_you_mean", score=top.score, suggestions=close)
