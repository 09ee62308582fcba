"""Find staff-written phrases in a message's tokens: word endings ("слово*"), small typos in
long words, and a few other words between the words of a phrase are all tolerated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.knowledge.normalize import tokenize

# Words shorter than this must be typed exactly (a typo in "упал" makes "указ").
MIN_TYPO_LENGTH = 6
LONG_WORD = 9
# At most this many typos in a word of LONG_WORD letters or more (one in shorter words).
MAX_TYPOS = 2
# Other words allowed between two words of one phrase ("упал и не дышит" for "упал … не дышит").
MAX_GAP = 2
# The memo of which phrases a message word starts is emptied at this size (the lists live for months).
MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class _Word:
    text: str
    prefix: bool  # written with a trailing *: also matches longer words that start with it


@dataclass(frozen=True)
class Phrase:
    """One staff-written phrase, as folded words."""

    words: tuple[_Word, ...]
    text: str

    @classmethod
    def parse(cls, text: str) -> "Phrase | None":
        """The phrase as written in a YAML list ("не дышит", "задыха*"), or None when it has no word."""
        parts = text.split()
        words = []
        for part in parts:
            tokens = tokenize(part)
            for position, token in enumerate(tokens):
                words.append(_Word(token, part.endswith("*") and position == len(tokens) - 1))
        return cls(tuple(words), text) if words else None


def word_matches(token: str, word: _Word, typo_allowed: bool = True) -> bool:
    """True when a message token says this phrase word (same word, longer form of a * word, a typo;
    a swap of two letters in a short word: "hepl")."""
    if token == word.text:
        return True
    if not token or token[0] != word.text[0]:
        return False
    if word.prefix:
        return token.startswith(word.text)
    if not typo_allowed:
        return False
    if len(word.text) < MIN_TYPO_LENGTH:
        return len(word.text) >= 4 and sorted(token) == sorted(word.text) and OSA.distance(token, word.text) == 1
    allowed = MAX_TYPOS if min(len(token), len(word.text)) >= LONG_WORD else 1  # "жасалады" is no typo of "жараланды"
    # Two letters swapped ("russain") count as one typo.
    return OSA.distance(token, word.text, score_cutoff=allowed) <= allowed


def find(phrase: Phrase, tokens: list[str], exact: frozenset[int] = frozenset(), after: int = 0) -> tuple[int, ...] | None:
    """The positions of the phrase's words in the tokens, in order, from position `after` on, or None
    when it is not there (tokens at the positions in `exact` are real words of their own: never read as typos)."""
    for start in range(after, len(tokens)):
        token = tokens[start]
        if not word_matches(token, phrase.words[0], start not in exact):
            continue
        positions = [start]
        for word in phrase.words[1:]:
            window = range(positions[-1] + 1, min(len(tokens), positions[-1] + 2 + MAX_GAP))
            found = next((i for i in window if word_matches(tokens[i], word, i not in exact)), None)
            if found is None:
                break
            positions.append(found)
        else:
            return tuple(positions)
    return None


class PhraseList:
    """Phrases of every language, looked up by their first word."""

    def __init__(self, texts: Iterable[str]):
        self.phrases = [phrase for phrase in map(Phrase.parse, texts) if phrase is not None]
        self._by_word: dict[str, list[Phrase]] = {}  # a phrase's first word as written
        self._by_letter: dict[str, list[Phrase]] = {}  # phrases whose first word may also match another token
        self._starts: dict[tuple[str, bool], tuple[Phrase, ...]] = {}  # memo of _starting_with
        for phrase in self.phrases:
            first = phrase.words[0]
            self._by_word.setdefault(first.text, []).append(phrase)
            if first.prefix or len(first.text) >= 4:
                self._by_letter.setdefault(first.text[0], []).append(phrase)

    def _starting_with(self, token: str, typo_allowed: bool) -> tuple[Phrase, ...]:
        """The phrases whose first word the token says (remembered: the same words come back all day)."""
        key = (token, typo_allowed)
        found = self._starts.get(key)
        if found is None:
            starting = {id(phrase): phrase for phrase in self._by_word.get(token, ())}
            for phrase in self._by_letter.get(token[:1], ()):
                first = phrase.words[0]
                # Typos change a word's length by MAX_TYPOS letters at most: most phrases are ruled out here.
                if id(phrase) in starting or (not first.prefix and abs(len(token) - len(first.text)) > MAX_TYPOS):
                    continue
                if word_matches(token, first, typo_allowed):
                    starting[id(phrase)] = phrase
            found = tuple(starting.values())
            if len(self._starts) > MEMO_LIMIT:
                self._starts.clear()
            self._starts[key] = found
        return found

    def vocabulary(self) -> set[str]:
        """Every word of the phrases (for keyboard-layout repair and transliteration)."""
        return {word.text for phrase in self.phrases for word in phrase.words}

    def covered(self, tokens: list[str], exact: frozenset[int] = frozenset()) -> set[int]:
        """The positions of the tokens that some phrase of the list says (see `find` for `exact`)."""
        candidates: dict[int, Phrase] = {}
        for position, token in enumerate(tokens):
            for phrase in self._starting_with(token, position not in exact):
                candidates[id(phrase)] = phrase
        positions: set[int] = set()
        for phrase in candidates.values():
            found = find(phrase, tokens, exact)
            while found is not None:  # every time it is said: "помогите помогите помогите"
                positions.update(found)
                found = find(phrase, tokens, exact, after=found[0] + 1)
        return positions
