"""Recognise greetings, thanks and requests to do something (volunteer, subscribe, unsubscribe,
news) with the phrases, word groups and rules of content/intents.yaml, tolerating typos."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from bot.knowledge.model import INTENT_KINDS, ActionRule, Intents
from bot.knowledge.normalize import fold, tokenize
from bot.knowledge.stemming import all_stop_words, stem

INTENT_MIN_SCORE = 0.8
# A greeting/thanks phrase may come with this many other words ("привет бот" → 0 others, "бот" is a filler).
PHRASE_MAX_OTHER_WORDS = 1
# Question words, and words that negate a greeting phrase; never fillers.
_QUESTION_WORDS_RAW = """who whom whose what which when where why how can could may might should
    кто кого кому что чем когда где куда откуда почему зачем как какой какая какие каких каким сколько
    можно может могу ли чей который
    кім кімге кімдер не неге неше қанша қашан қайда қалай қандай қай қайсы ма ме ба бе па пе бола"""
_NEGATIONS_RAW = "not no never don t не нет никогда емес жоқ"
NEUTRAL_GROUP = "neutral"  # the Society's name


@dataclass(frozen=True)
class IntentMatch:
    """An intent recognised in a message; `lang` is the phrase's language (None for actions)."""

    name: str
    lang: str | None
    score: float


@dataclass(frozen=True)
class _Word:
    """One word (or several words in a row) of a phrase or word group, with its stems."""

    tokens: tuple[str, ...]
    stems: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class _Phrase:
    name: str
    lang: str
    words: tuple[_Word, ...]


class IntentMatcher:
    """Matches a message's tokens against the greeting/thanks phrases and the action rules."""

    def __init__(
        self,
        phrases: list[_Phrase],
        groups: dict[str, list[_Word]],
        actions: dict[str, ActionRule],
        fillers: frozenset[str],
        filler_phrases: frozenset[tuple[str, ...]] = frozenset(),
    ):
        self._phrases = phrases
        self._groups = groups
        self._actions = actions
        self._fillers = fillers  # every word of a filler: none of them makes a request or greeting a question
        self._filler_phrases = filler_phrases
        self._questions = frozenset(fold(_QUESTION_WORDS_RAW).split())
        # Every match needs the same first letter (see _token_quality), so look words up by it.
        self._by_letter: dict[str, list[tuple[str, _Word]]] = {}
        for name, items in groups.items():
            for word in items:
                self._by_letter.setdefault(word.tokens[0][:1], []).append((name, word))
        self._negations = frozenset(fold(_NEGATIONS_RAW).split())
        # The groups of the last message: an answer asks for them twice (its action, then the Society's name).
        self._last_groups: tuple[tuple[str, ...], dict[str, tuple[float, frozenset[int]]]] = ((), {})

    @classmethod
    def build(cls, intents: Intents) -> "IntentMatcher":
        """Prepare the phrases, word groups and action rules."""
        phrases = [
            _Phrase(kind, lang, tuple(_word(token) for token in tokenize(text)))
            for kind, per_lang in intents.phrases.items()
            for lang, texts in per_lang.items()
            for text in texts
            if tokenize(text)
        ]
        groups = {
            name: [_multiword(item) for item in items if tokenize(item)] for name, items in intents.words.items()
        }
        filler_phrases = {tuple(tokenize(w)) for words in intents.fillers.values() for w in words} - {()}
        fillers = {t for phrase in filler_phrases for t in phrase}
        return cls(phrases, groups, dict(intents.actions), frozenset(fillers), frozenset(filler_phrases))

    def vocabulary(self) -> set[str]:
        """Every folded word of the phrases, groups and fillers (for keyboard-layout repair)."""
        words = {t for p in self._phrases for w in p.words for t in w.tokens}
        words |= {t for items in self._groups.values() for w in items for t in w.tokens}
        return words | set(self._fillers)

    def noise_words(self) -> set[str]:
        """One-word fillers, greetings and thanks: noise when a message also asks a question."""
        single = {p.words[0].tokens[0] for p in self._phrases if len(p.words) == 1 and len(p.words[0].tokens) == 1}
        single |= {phrase[0] for phrase in self._filler_phrases if len(phrase) == 1}
        return single - self._questions - self._negations

    def noise_phrases(self) -> set[tuple[str, ...]]:
        """Fillers and greetings of several words ("i would like to know", "добрый день"): dropped as a whole
        from a question, while their words alone ("know", "день") still count."""
        greetings = {tuple(t for w in p.words for t in w.tokens) for p in self._phrases if len(p.words) > 1}
        return {phrase for phrase in self._filler_phrases | greetings if len(phrase) > 1}

    def match(self, tokens: list[str]) -> IntentMatch | None:
        """The greeting, thanks or action the whole message expresses, or None."""
        if not tokens or len(tokens) > 16:
            return None
        return self._match_phrase(tokens) or self._match_action(tokens)

    # ---- greetings and thanks: the whole message is one phrase -----------------------------

    def _match_phrase(self, tokens: list[str]) -> IntentMatch | None:
        best: IntentMatch | None = None
        letters = {t[:1] for t in tokens}
        # A phrase takes one token per word and leaves at most PHRASE_MAX_OTHER_WORDS others that are not fillers.
        substantial = sum(1 for t in tokens if t not in self._fillers)
        for phrase in self._phrases:
            if phrase.name not in INTENT_KINDS or len(phrase.words) > len(tokens) + 1:
                continue
            if len(phrase.words) + PHRASE_MAX_OTHER_WORDS < substantial:
                continue
            if any(word.tokens[0][:1] not in letters for word in phrase.words):
                continue
            score = self._phrase_score(phrase, tokens)
            if score >= INTENT_MIN_SCORE and (best is None or score > best.score):
                best = IntentMatch(phrase.name, phrase.lang, round(score, 3))
        return best

    def _phrase_score(self, phrase: _Phrase, tokens: list[str]) -> float:
        used: set[int] = set()
        total = 0.0
        for word in phrase.words:
            best, best_index = 0.0, -1
            for index, token in enumerate(tokens):
                if index not in used:
                    score = _token_quality(token, word.tokens[0], word.stems[0], prefix=False)
                    if score > best:
                        best, best_index = score, index
            if best_index < 0:
                return 0.0
            used.add(best_index)
            total += best
        others = [t for i, t in enumerate(tokens) if i not in used and t not in self._fillers]
        if len(others) > PHRASE_MAX_OTHER_WORDS or any(t in self._questions or t in self._negations for t in others):
            return 0.0
        return total / len(phrase.words) * 0.9 ** len(others)

    # ---- actions: a word from every group of a rule's line --------------------------------

    def _match_action(self, tokens: list[str]) -> IntentMatch | None:
        found = self._find_groups(tokens)
        neutral = found.get(NEUTRAL_GROUP, (0.0, frozenset()))[1]
        stop_words = all_stop_words()
        for name, rule in self._actions.items():
            for line in rule.when:
                if not all(group in found for group in line):
                    continue
                if any(group in found for group in rule.not_with) and not any(group in found for group in rule.unless):
                    continue
                covered = set(neutral).union(*(found[group][1] for group in line))
                others = [
                    t
                    for i, t in enumerate(tokens)
                    if i not in covered and t not in self._fillers and t not in self._questions and t not in stop_words
                ]
                if len(others) <= rule.max_other_words:
                    return IntentMatch(name, None, round(min(found[group][0] for group in line), 3))
        return None

    def positions_of(self, group: str, tokens: list[str]) -> frozenset[int]:
        """The positions of the tokens that say a word of this group (the `neutral` group: the Society's name)."""
        found = self._find_groups(tokens).get(group)
        return found[1] if found else frozenset()

    def _find_groups(self, tokens: list[str]) -> dict[str, tuple[float, frozenset[int]]]:
        """For each group found in the message: the best match quality and every position it covers."""
        key = tuple(tokens)
        if self._last_groups[0] == key:
            return self._last_groups[1]
        best: dict[str, float] = {}
        covered: dict[str, set[int]] = {}
        for start, first in enumerate(tokens):
            for group, word in self._by_letter.get(first[:1], ()):
                size = len(word.tokens)
                if start + size > len(tokens):
                    continue
                quality = min(
                    _token_quality(tokens[start + k], word.tokens[k], word.stems[k], prefix=True) for k in range(size)
                )
                if quality >= INTENT_MIN_SCORE:
                    best[group] = max(best.get(group, 0.0), quality)
                    covered.setdefault(group, set()).update(range(start, start + size))
        found = {group: (quality, frozenset(covered[group])) for group, quality in best.items()}
        self._last_groups = (key, found)
        return found


def _word(token: str) -> _Word:
    return _Word((token,), (_stems(token),))


def _multiword(text: str) -> _Word:
    tokens = tuple(tokenize(text))
    return _Word(tokens, tuple(_stems(t) for t in tokens))


@lru_cache(maxsize=65536)
def _stems(token: str) -> frozenset[str]:
    # Snowball stems only: the Kazakh stripper would make "жібермеңіз" (don't send) the same
    # word as "жіберіңіз" (send); Kazakh forms are matched by their beginning instead.
    return frozenset(s for s in (stem(token, lang) for lang in ("ru", "en")) if len(s) >= 3)


@lru_cache(maxsize=1 << 17)
def _token_quality(token: str, word: str, word_stems: frozenset[str], prefix: bool) -> float:
    """How well a message token says a word: exact 1, same stem 0.95, longer form 0.9, typos less."""
    if token == word:
        return 1.0
    if token[:1] != word[:1]:
        return 0.0  # a different first letter is another word (отписаться/подписаться)
    if word_stems and not word_stems.isdisjoint(_stems(token)):
        return 0.95
    if len(word) < 4:
        return 0.0  # short words must be exact
    if prefix and token.startswith(word):
        return 0.9
    if len(word) < 7:
        return 0.0  # a typo in a short word too often makes another word ("записи"/"запиши")
    if token[-2:] != word[-2:] and not (len(token) > len(word) and token[len(word) - 2 : len(word)] == word[-2:]):
        return 0.0  # endings are grammar: "қабылданды" (was adopted) is not "қабылдаңыз" (accept)
    edits = Levenshtein.distance(token, word, score_cutoff=2)
    if edits == 1:
        return 0.85
    if edits == 2 and len(word) >= 8:
        return 0.8
    if prefix and len(word) >= 7 and len(token) > len(word) and Levenshtein.distance(token[: len(word)], word, score_cutoff=1) == 1:
        return 0.8
    return 0.0
