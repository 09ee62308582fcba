"""Turn folded tokens into index terms of one language: noise dropped, stems, staff synonyms
(content/synonyms.yaml) as one term, and numbers tagged with their role (a year, an age, an amount)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import NamedTuple

from bot.knowledge.normalize import tokenize
from bot.knowledge.stemming import stem

# A number followed by one of these is an amount ("16 million volunteers")...
_AMOUNT_WORDS = frozenset(
    "million millions billion billions thousand thousands mln bn млн млрд миллион миллиона миллионов миллиард "
    "миллиарда миллиардов тысяч тысячи тысяча мың миллиард".split()
)
# ...and one near these is an age ("I'm 16", "мне 16 лет", "16 жаста", "from the age of 16").
_AGE_AFTER = frozenset("yo y years year old лет летний летняя годам жаста жастан жаска жас жасымда жастагы".split())
_AGE_BEFORE = frozenset("im am age aged мне возраст возраста возрасте исполнилось менин мен жасым".split())
_MAX_PHRASE = 4


def number_role(tokens: list[str], position: int) -> str:
    """The role of the number at `position`: "year", "age", "amount" or "n"."""
    token = tokens[position]
    following = tokens[position + 1] if position + 1 < len(tokens) else ""
    before = tokens[max(0, position - 3) : position]
    if following in _AMOUNT_WORDS:
        return "amount"
    if following in _AGE_AFTER or (following == "years" and position + 2 < len(tokens) and tokens[position + 2] == "old"):
        return "age"
    if any(word in _AGE_BEFORE for word in before):
        return "age"
    if len(token) == 4 and 1000 <= int(token) <= 2100:
        return "year"
    return "n"


class Analyzer:
    """Index terms of one language from folded tokens, the same way for entries and for questions."""

    def __init__(self, synonyms: Mapping[str, list[list[str]]], noise: frozenset[str]):
        self._noise = noise
        # Analysers of the same word lists analyse alike: rebuilding the index (teaching, /reload) reuses the work.
        lists = (sorted(noise), sorted((lang, groups) for lang, groups in synonyms.items()))
        self._key = hashlib.blake2b(repr(lists).encode(), digest_size=16).digest()
        self._hash = hash(self._key)
        # (language, stems of a word or phrase) → the group's term
        self._groups: dict[str, dict[tuple[str, ...], str]] = {}
        self._first_stems: dict[str, set[str]] = {}  # the stems a group's word or phrase begins with
        for lang, groups in synonyms.items():
            table = self._groups.setdefault(lang, {})
            for number, group in enumerate(groups):
                for text in group:
                    words = [token for token in tokenize(text) if token not in noise] or tokenize(text)
                    key = tuple(stem(token, lang) for token in words)
                    table[key] = f"~{lang}{number}"
                    self._first_stems.setdefault(lang, set()).add(key[0])

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Analyzer) and self._key == other._key

    def analyse(self, text: str, lang: str, keep: frozenset[str] = frozenset()) -> "Analysed":
        """The tokens, terms and word → term table of a text, remembered for the next build."""
        return _analysed(self, text, lang, keep)

    def terms(self, tokens: list[str], lang: str, keep: frozenset[str] = frozenset()) -> list[str]:
        """The index terms of the tokens in `lang`; noise is dropped unless it is in `keep`."""
        return [term for term, _ in self.aligned(tokens, lang, keep)]

    def aligned(self, tokens: list[str], lang: str, keep: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
        """(term, the token it comes from) for each term of the tokens in `lang`."""
        stems: list[str] = []
        for position, token in enumerate(tokens):
            if token.isdigit():
                stems.append(f"{int(token)}#{number_role(tokens, position)}")
            elif token not in self._noise or token in keep:
                stems.append(stem(token, lang))
            else:
                stems.append("")
        return [(term, tokens[position]) for term, position in self._with_synonyms(stems, lang) if term]

    def _with_synonyms(self, stems: list[str], lang: str) -> list[tuple[str, int]]:
        table = self._groups.get(lang, {})
        first_stems = self._first_stems.get(lang, set())
        if first_stems.isdisjoint(stems):
            return [(term, position) for position, term in enumerate(stems)]
        result: list[tuple[str, int]] = []
        position = 0
        while position < len(stems):
            starts_group = stems[position] in first_stems
            for size in range(min(_MAX_PHRASE, len(stems) - position), 0, -1) if starts_group else ():
                words = tuple(s for s in stems[position : position + size] if s)
                group = table.get(words)
                if group is not None and (size == 1 or stems[position + size - 1]):
                    result.append((group, position))
                    position += size
                    break
            else:
                result.append((stems[position], position))
                position += 1
        return result


class Analysed(NamedTuple):
    """One analysed text."""

    tokens: tuple[str, ...]
    terms: tuple[str, ...]
    surfaces: dict[str, str]  # each word → the term it is indexed as


@lru_cache(maxsize=1 << 16)
def _analysed(analyzer: Analyzer, text: str, lang: str, keep: frozenset[str]) -> Analysed:
    tokens = tokenize(text)
    pairs = analyzer.aligned(tokens, lang, keep)
    return Analysed(tuple(tokens), tuple(term for term, _ in pairs), {word: term for term, word in pairs})


def without_phrases(tokens: list[str], phrases: Collection[tuple[str, ...]], longest: int) -> list[str]:
    """The tokens with every occurrence of the phrases (of at most `longest` words) taken out."""
    kept: list[str] = []
    position = 0
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 1, -1):
            if tuple(tokens[position : position + size]) in phrases:
                position += size
                break
        else:
            kept.append(tokens[position])
            position += 1
    return kept
