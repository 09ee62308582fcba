"""Guess the language of a query: Kazakh letters, Latin script, marker words, and how often
each word appears in the content's Kazakh and Russian texts (typed-without-special-letters
Kazakh looks like Russian to the letters alone)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from bot.knowledge.model import LANGS
from bot.knowledge.normalize import KAZAKH_LETTERS, has_cyrillic, script_language, transliterate

# Log-likelihood margin for calling a Cyrillic query Kazakh or Russian.
LANGUAGE_MARGIN = 1.0
# A word both languages use says little: its evidence is scaled down to this share.
SHARED_WORD_EVIDENCE = 0.3


class LanguageGuesser:
    """Word counts per language, filled while indexing; `guess()` names a query's language."""

    def __init__(self) -> None:
        self._counts: list[Counter[str]] = [Counter() for _ in LANGS]
        self._totals = [0] * len(LANGS)

    def add(self, lang_index: int, words: list[str]) -> None:
        """Count the words of one text of the language LANGS[lang_index]."""
        self._counts[lang_index].update(words)
        self._totals[lang_index] += len(words)

    def words(self) -> Iterable[str]:
        """Every word seen in any language."""
        for counter in self._counts:
            yield from counter

    def guess(self, tokens: list[str], raw_text: str = "") -> str | None:
        """"kk", "ru" or "en" when letters, marker words or the vocabulary make it clear, else None."""
        by_script = script_language(tokens, raw_text)
        if by_script == "en" and not any(map(has_cyrillic, tokens)):
            return self._latin(tokens)
        if any(ch in KAZAKH_LETTERS for ch in raw_text):
            return by_script
        cyrillic = [t for t in tokens if has_cyrillic(t)]
        if not cyrillic:
            return by_script
        kk, ru = LANGS.index("kk"), LANGS.index("ru")
        evidence = sum(self._log_odds(token, kk, ru) for token in cyrillic)
        if by_script == "ru":
            evidence -= LANGUAGE_MARGIN
        if evidence >= LANGUAGE_MARGIN:
            return "kk"
        if evidence <= -LANGUAGE_MARGIN:
            return "ru"
        return None

    def _latin(self, tokens: list[str]) -> str:
        """English, unless the words read as Kazakh or Russian typed in Latin letters ("kim erikti bola
        alady"): more often seen, as typed or transliterated, in that language's texts than in English."""
        en = LANGS.index("en")
        best, best_evidence = "en", LANGUAGE_MARGIN
        for lang in ("kk", "ru"):
            other = LANGS.index(lang)
            evidence = 0.0
            for token in tokens:
                cyrillic = transliterate(token) or token
                in_other = self._counts[other][token] + self._counts[other][cyrillic]
                evidence += self._odds(in_other, other, self._counts[en][token], en)
            if evidence > best_evidence:
                best, best_evidence = lang, evidence
        return best

    def _log_odds(self, token: str, first: int, second: int) -> float:
        """Evidence that a word is of the first language rather than the second."""
        return self._odds(self._counts[first][token], first, self._counts[second][token], second)

    def _odds(self, in_first: int, first: int, in_second: int, second: int) -> float:
        ratio = math.log(
            ((in_first + 0.1) / (self._totals[first] + 1.0)) / ((in_second + 0.1) / (self._totals[second] + 1.0))
        )
        if in_first and in_second:
            return SHARED_WORD_EVIDENCE * max(-1.0, min(1.0, ratio))
        return max(-3.0, min(3.0, ratio))
