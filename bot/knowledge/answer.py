"""Decide what one free-text message is and how to answer it: an emergency first, then a request
to switch language, a greeting, thanks or action, a message with nothing to answer, and finally a
question for the knowledge base (answered, "did you mean", unknown, or out of scope)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, partial

import numpy as np

from bot.knowledge.model import ACTIONS, LANGS, KnowledgeBase
from bot.knowledge.scope import content_words
from bot.knowledge.search import EXACT_QUESTION_SCORE, Hit, SearchIndex
from bot.knowledge.stemming import question_words


@dataclass(frozen=True)
class Rule:
    """One way the best entry earns an answer: each figure of the evidence at least its threshold
    (the matched share strictly more)."""

    min_score: float  # the entry's score
    min_margin: float  # how far it leads the next entry, as a share of its score
    min_matched: float  # the share of the question's words it says
    min_matched_weight: float  # the same share, each word weighted by how rare it is
    min_known: float  # the share of the question's words the content uses at all

    def admits(self, score, margin, matched, matched_weight, known):
        """True when every figure reaches its threshold; element by element for numpy arrays
        (bench/calibrate.py tries rules on every tuning question at once)."""
        return ((score >= self.min_score) & (margin >= self.min_margin) & (matched > self.min_matched)
                & (matched_weight >= self.min_matched_weight) & (known >= self.min_known))


# Calibrated with bench/calibrate.py on tuning data only: bench/eval/*.yaml, tuning2/ to tuning4/
# (with their out-of-scope questions) and bench/crossval.py (the content's own questions, fold by
# fold): the grid's best when at most 5% of the tuning out-of-scope questions that reach the search
# are answered, a wrong answer costing as much as a right one earns (run again after the search got
# its learned channel). The words of the Society's name don't count in the shares ("стипендия красного
# полумесяца": only the scholarship is asked about, and nothing says it).
# The best entry covers the question: it says most of its words, and most of them are the content's
# ("жарты ай татуировкасы": nothing says "tattoo").
COVERS = Rule(min_score=0.25, min_margin=0.04, min_matched=0.5, min_matched_weight=0.0, min_known=0.7)
# Or it clearly leads the next entry, whatever else the question says ("my grandma searched for her
# father through the Red Cross after the war, do you still look for missing people?").
LEADS = Rule(min_score=0.4, min_margin=0.2, min_matched=0.4, min_matched_weight=0.0, min_known=0.0)
ANSWER_RULES = (COVERS, LEADS)
# With the learned models (the search's learned channel and the out-of-scope reading) the decision is a
# logistic regression over the evidence (decision_figures), fitted by bench/fit_decision.py on the tuning
# parts of bench/eval; the rules above decide when the content has too many entries for the learned
# channel or no out-of-scope examples. The threshold was chosen on the first four tuning parts, where it
# answers at most 5% of the out-of-scope questions, as the rules did. Fitted part by part on all six and
# measured on the part left out: 2,377 of 2,550 in-scope questions answered right (rules 2,294), 41 wrong
# (rules 77), 54 of 752 out-of-scope ones answered (rules 68).
ANSWER_WEIGHTS = {
    "score": 0.1716, "margin": 2.9751, "matched": 0.6860, "matched_weight": 1.6000, "known": 1.6744,
    "in_domain": -0.5131, "log_words": 2.0866, "learned": 3.2131, "learned_best": 1.4309,
    "learned_second": -3.9423, "learned_agrees": 0.6434, "score_x_learned": 0.5324, "outside": -2.4261,
}
ANSWER_INTERCEPT = -7.8185
MIN_ANSWER_PROBABILITY = 0.6
# Otherwise offer the entries scoring at least this ("did you mean"), else say we don't know.
SUGGEST_MIN_SCORE = 0.15
SUGGEST_RELATIVE = 0.8
MAX_SUGGESTIONS = 3
# A question mostly made of words the content never uses is about something else ("how to cook
# plov" matches "Cook Islands"): out of scope when it is not answered.
MIN_KNOWN_SHARE = 0.6
# Or when it is not answered and reads this much like the out-of-scope examples ("who won the match
# yesterday" shares "match" with entries): out of scope, not "did you mean". High, because an
# out-of-scope question is not passed to staff as unanswered.
OUTSIDE_PROBABILITY = 0.8

# A message of at least this many words that earns no answer as a whole is searched clause by clause.
MIN_CLAUSE_SEARCH_WORDS = 8
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n()]+|\s[-–—]\s")

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

    @property
    def shows_entry(self) -> bool:
        """True when the reply includes an entry's answer: an answer, or the first aid shown after the emergency numbers."""
        return self.kind in ("answer", "emergency") and self.entry_id is not None


def answer_question(index: SearchIndex, kb: KnowledgeBase, text: str, user_lang: str) -> Answer:
    """Decide what the message is and in which language to reply."""
    user_lang = user_lang if user_lang in LANGS else LANGS[0]
    tokens = index.tokens(text)
    lang = index.language_of(tokens, text) or user_lang
    routed = route(index, kb, text, tokens, lang, user_lang)
    if routed is not None and routed.kind == "emergency":
        return _with_first_steps(index, kb, routed, text, tokens)
    return routed or _search(index, kb, text, tokens, lang)


def _with_first_steps(index: SearchIndex, kb: KnowledgeBase, emergency: Answer, text: str, tokens: list[str]) -> Answer:
    """The emergency reply with, when the message also asks what its linked entries' topic answers
    confidently ("how do I stop strong bleeding from a leg"), that entry to show after the numbers."""
    found = _search(index, kb, text, tokens, emergency.lang)
    topics = {kb.entries[entry_id].topic for entry_id in emergency.suggestions}
    if found.kind != "answer" or kb.entries[found.entry_id].topic not in topics:
        return emergency
    links = tuple(entry_id for entry_id in emergency.suggestions if entry_id != found.entry_id)
    return replace(emergency, entry_id=found.entry_id, score=found.score, suggestions=links)


def route(index: SearchIndex, kb: KnowledgeBase, text: str, tokens: list[str], lang: str, user_lang: str) -> Answer | None:
    """What the message is when it is not a question to search for: an emergency, a request to switch
    language, a greeting, thanks or action, or a message with nothing to answer (replied to in the
    user's language: "ок" says nothing of its language either). The word lists of emergencies come
    first; the learned recogniser reads only what is none of the others ("подпишите меня на рассылку"
    reads like a plea to it)."""
    emergency = Answer(text, lang, "emergency", suggestions=tuple(e for e in kb.lexicon.emergency.entries if e in kb.entries))
    if index.emergency.listed(tokens, index.content_positions(tokens)):
        return emergency
    requested = index.switch.requested(tokens)
    if requested is not None:
        return Answer(text, requested, "language", action="language")
    intent = index.intents.match(tokens)
    if intent is not None:
        kind = intent.name if intent.name in ("greeting", "thanks") else "action"
        action = intent.name if intent.name in ACTIONS else None
        return Answer(text, intent.lang or lang, kind, score=intent.score, action=action)
    words = index.question_tokens(tokens)
    if not content_words(words, lambda t: _says_nothing(index, t), index.is_known, kb.named_numbers):
        return Answer(text, user_lang, "content_free")
    if index.emergency.learned(tokens):
        return emergency
    return None


def _says_nothing(index: SearchIndex, token: str) -> bool:
    return token in index.empty_words or token in index.noise or token in question_words()


@dataclass(frozen=True)
class Learned:
    """What the learned models alone say of a question: the search's learned channel and the out-of-scope reading."""

    top: float  # its score for the search's best entry
    best: float  # its own best score
    second: float  # its second best score
    agrees: bool  # its best entry is the search's best
    # How likely the question is out of scope (bot/knowledge/outside.py), read only when asked: most
    # questions are answered or declined whatever it says.
    reading: Callable[[], float] = field(compare=False, repr=False)

    @property
    def outside(self) -> float:
        """How likely the question is out of scope, by the learned reading."""
        return self.reading()


@dataclass(frozen=True)
class Evidence:
    """What the decision to answer rests on (bench/calibrate.py and bench/fit_decision.py read it too)."""

    hits: tuple[Hit, ...]
    known: float  # share of the question's words the content uses at all (the Society's name left out)
    matched: float  # share of its words the best entry says (likewise)
    matched_weight: float  # the same, each word weighted by how rare it is
    in_domain: float  # share of all its words the content uses: "a Red Crescent scholarship?" is ours to learn
    words: int = 0  # how many words the question has, greetings and filler left out
    learned: Learned | None = None  # None without the learned channel (too many entries)

    def satisfies(self, rule: Rule) -> bool:
        """True when every figure reaches the rule's threshold."""
        return bool(rule.admits(self.hits[0].score, self.margin, self.matched, self.matched_weight, self.known))

    @property
    def margin(self) -> float:
        """How far the best entry leads the next one, as a share of its score."""
        if not self.hits:
            return 0.0
        top = self.hits[0].score
        second = self.hits[1].score if len(self.hits) > 1 else 0.0
        return (top - second) / top if top else 0.0


def evidence(index: SearchIndex, tokens: list[str], lang: str, among: set[str] | None = None) -> Evidence:
    """Search, and measure how well the best entry fits the question; the learned figures only when the
    best entry is `among` these, if given (a clause is only ever answered with the message's best entries)."""
    hits = tuple(index.search_tokens(tokens, lang, limit=MAX_SUGGESTIONS))
    # "стипендия красного полумесяца": the Society's name is matched by many entries, the scholarship by none.
    words = index.topic_tokens(tokens)
    matched = index.matched_share(words, hits[0]) if hits else (0.0, 0.0)
    known = index.known_share(words)
    in_domain = known if words is tokens else index.known_share(tokens)
    wanted = among is None or (hits and hits[0].entry_id in among)
    return Evidence(hits, known, *matched, in_domain=in_domain, words=len(index.question_tokens(tokens)),
                    learned=_learned(index, tokens, hits) if wanted else None)


def _learned(index: SearchIndex, tokens: list[str], hits: tuple[Hit, ...]) -> Learned | None:
    scores = index.learned_scores(tokens)
    if scores is None or not hits or len(scores) < 2 or not index.reads_out_of_scope():
        return None
    second, best = np.partition(scores, -2)[-2:]
    top = float(scores[index.entry_number(hits[0].entry_id)])
    return Learned(top, float(best), float(second), agrees=top >= best, reading=cache(partial(index.outside_probability, tokens)))


def decision_figures(found: Evidence) -> dict[str, float]:
    """The figures the learned decision weighs, by the names of ANSWER_WEIGHTS (needs hits and `learned`)."""
    return {**_figures(found), "outside": found.learned.outside}


def _figures(found: Evidence) -> dict[str, float]:
    """All the figures but the out-of-scope reading."""
    learned, score = found.learned, found.hits[0].score
    return {
        "score": score, "margin": found.margin, "matched": found.matched, "matched_weight": found.matched_weight,
        "known": found.known, "in_domain": found.in_domain, "log_words": math.log1p(found.words),
        "learned": learned.top, "learned_best": learned.best, "learned_second": learned.second,
        "learned_agrees": float(learned.agrees), "score_x_learned": score * learned.top,
    }


def answer_probability(found: Evidence, weights: dict[str, float] | None = None, intercept: float | None = None) -> float:
    """How likely the best entry is the right answer, by the learned decision (needs hits and `learned`);
    with other `weights` and `intercept` than ANSWER_WEIGHTS and ANSWER_INTERCEPT when given (bench/fit_decision.py)."""
    weights = ANSWER_WEIGHTS if weights is None else weights
    total = (ANSWER_INTERCEPT if intercept is None else intercept) + _weighted(decision_figures(found), weights)
    return 1.0 / (1.0 + math.exp(-total))


def _weighted(figures: dict[str, float], weights: dict[str, float]) -> float:
    return sum(weights[name] * value for name, value in figures.items())


def _learned_answers(found: Evidence) -> bool:
    """answer_probability(found) >= MIN_ANSWER_PROBABILITY, reading the out-of-scope figure only when the
    other figures leave the decision open."""
    needed = math.log(MIN_ANSWER_PROBABILITY / (1.0 - MIN_ANSWER_PROBABILITY))  # the threshold as a sum
    weight = ANSWER_WEIGHTS["outside"]
    total = ANSWER_INTERCEPT + _weighted(_figures(found), ANSWER_WEIGHTS)
    # The reading is in 0..1: the sum ends up between these two whatever it says.
    lowest, highest = total + min(weight, 0.0), total + max(weight, 0.0)
    if lowest >= needed or highest < needed:
        return lowest >= needed
    return total + weight * found.learned.outside >= needed


def is_confident(found: Evidence, rules: tuple[Rule, ...] | None = None) -> bool:
    """True when the best entry is the answer rather than a suggestion: by the learned decision when the
    search has its learned channel, else (or when `rules` are given) by the rules."""
    if not found.hits:
        return False
    if found.hits[0].score >= EXACT_QUESTION_SCORE:  # a listed question or a bare name, said exactly
        return True
    if rules is None and found.learned is not None:
        return _learned_answers(found)
    return any(found.satisfies(rule) for rule in rules or ANSWER_RULES)


def clauses(text: str) -> list[str]:
    """The parts of a long message between punctuation marks, and its last two parts together:
    "hi, my grandma says the red cross was started by a swiss man, who was he?"."""
    parts = [part.strip() for part in _CLAUSE_BREAK.split(text) if part.strip()]
    if len(parts) < 2:
        return []
    return parts if len(parts) == 2 else [*parts, " ".join(parts[-2:])]  # two parts together are the message


def best_evidence(index: SearchIndex, text: str, tokens: list[str], lang: str) -> Evidence:
    """The evidence for the whole message or, when that is not enough to answer, for the one of its
    clauses that earns an answer for one of the message's best entries (the question is often one
    clause of a story)."""
    found = evidence(index, tokens, lang)
    if is_confident(found) or not found.hits:
        return found
    return best_of_clauses(found, clause_evidence(index, text, tokens, lang, among={hit.entry_id for hit in found.hits}))


def clause_evidence(index: SearchIndex, text: str, tokens: list[str], lang: str, among: set[str] | None = None) -> list[Evidence]:
    """The evidence of each clause of a long message (none for a short one); see `evidence` for `among`."""
    if len(tokens) < MIN_CLAUSE_SEARCH_WORDS:
        return []
    return [evidence(index, index.tokens(part), lang, among=among) for part in clauses(text)]


def best_of_clauses(found: Evidence, parts: list[Evidence], confident: Callable[[Evidence], bool] = is_confident) -> Evidence:
    """The best-scoring clause's evidence that earns an answer for one of the whole message's best
    entries, else the whole message's."""
    # Never outside them: on its own a chatty clause ("what is that called", "жаным привет") confidently
    # matches what the message is not about.
    best = {hit.entry_id for hit in found.hits}
    answered = [part for part in parts if part.hits and part.hits[0].entry_id in best and confident(part)]
    return max(answered, key=lambda part: part.hits[0].score, default=found)


def _search(index: SearchIndex, kb: KnowledgeBase, text: str, tokens: list[str], lang: str) -> Answer:
    found = best_evidence(index, text, tokens, lang)
    top = found.hits[0] if found.hits else None
    if is_confident(found):
        entry = kb.entries[top.entry_id]
        related = tuple(r for r in entry.related if r in kb.entries)
        return Answer(text, lang, "answer", entry.id, top.score, related)
    reads_outside = found.learned is not None and found.learned.outside >= OUTSIDE_PROBABILITY
    if top is None or found.in_domain < MIN_KNOWN_SHARE or reads_outside:
        return Answer(text, lang, "out_of_scope", score=top.score if top else 0.0)
    if top.score < SUGGEST_MIN_SCORE:
        return Answer(text, lang, "unknown", score=top.score)
    floor = max(SUGGEST_MIN_SCORE, top.score * SUGGEST_RELATIVE)
    close = tuple(hit.entry_id for hit in found.hits if hit.score >= floor)
    return Answer(text, lang, "did_you_mean", score=top.score, suggestions=close)
