"""The words of one language's texts and the index terms they stand for; finds the terms a
misspelt or differently ended query word means (rapidfuzz edit distance, shared beginnings)."""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Match quality of a word found with this many typos, or only by its beginning.
FUZZY_QUALITY = {1: 0.85, 2: 0.7, 3: 0.55}
PREFIX_QUALITY = 0.8
MIN_PREFIX = 4
# A query word is not read as a much shorter word it begins with ("costumary" is not "cost").
MIN_PREFIX_SHARE = 0.6


def max_edits(length: int) -> int:
    """How many typos a word of this length may have and still be recognised."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 11:
        return 2
    return 3


class Vocabulary:
    """Surface words → terms of one language, filled while indexing, then `freeze()`."""

    def __init__(self) -> None:
        self.surfaces: dict[str, str] = {}  # word as written (folded) → its term
        self.terms: set[str] = set()
        self._by_shape: dict[tuple[str, int], list[str]] = {}
        self._sorted_terms: list[str] = []

    def add_text(self, surfaces: Mapping[str, str]) -> None:
        """Remember the words of an analysed text and the terms they stand for."""
        self.surfaces.update(surfaces)
        self.terms.update(surfaces.values())

    def freeze(self) -> None:
        """Prepare the look-ups once every text is added."""
        for word in self.surfaces:
            self._by_shape.setdefault((word[0], len(word)), []).append(word)
        self._sorted_terms = sorted(self.terms)

    def resolve(self, word: str, term: str) -> list[tuple[str, float]]:
        """The terms a query word (analysed as `term`) stands for, with a match quality in 0..1."""
        if term in self.terms:
            return [(term, 1.0)]
        if word.isdigit() or "#" in term:
            return []
        return self._typos(word) or self.relatives(term)

    def neighbours(self, word: str) -> list[tuple[str, float]]:
        """The words one typo away from a query word, even when it is itself a word of the texts
        (a misspelt listed question puts "convension" in the vocabulary)."""
        return self._typos(word)

    def _typos(self, word: str) -> list[tuple[str, float]]:
        edits = max_edits(len(word))
        if not edits:
            return []
        # People rarely mistype the first letter ("brother" is not "other"): compare only words that
        # start like this one and are about as long.
        choices = []
        for length in range(len(word) - edits, len(word) + edits + 1):
            choices.extend(self._by_shape.get((word[0], length), ()))
        found: dict[str, float] = {}
        for surface, distance, _ in process.extract(word, choices, scorer=Levenshtein.distance, score_cutoff=edits, limit=4):
            quality = FUZZY_QUALITY.get(int(distance), 0.0)
            term = self.surfaces[surface]
            if distance and quality > found.get(term, 0.0):
                found[term] = quality
        return list(found.items())

    def relatives(self, term: str) -> list[tuple[str, float]]:
        """Terms of the texts that begin this term (an ending not stripped) or that it begins (a cut
        word): other forms of a word that stemming keeps apart ("treat" and "treatment")."""
        if len(term) < MIN_PREFIX + 1 or term.startswith("~"):
            return []
        results = []
        for cut in range(len(term) - 1, max(MIN_PREFIX, math.ceil(MIN_PREFIX_SHARE * len(term))) - 1, -1):
            if term[:cut] in self.terms:
                results.append((term[:cut], PREFIX_QUALITY * math.sqrt(cut / len(term))))
                break
        position = bisect.bisect_left(self._sorted_terms, term)
        for candidate in self._sorted_terms[position : position + 3]:
            if candidate.startswith(term) and candidate != term:
                results.append((candidate, PREFIX_QUALITY * math.sqrt(len(term) / len(candidate))))
        return results
