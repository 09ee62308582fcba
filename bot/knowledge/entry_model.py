"""A learned channel of the search: a linear classifier (scikit-learn's LinearSVC) that reads a folded
question's letter groups and words and says how much it sounds like each entry's listed questions,
in any language. Trained on the content's questions, cached (bot/knowledge/text_features.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.knowledge.text_features import ANALYSERS, save_whole, tfidf_vectorisers

logger = logging.getLogger(__name__)

# scikit-learn's default is 1.0; less regularisation fitted the listed questions too closely to carry
# over to new wordings (bench/eval tuning parts: top-1 of the ranking 93.7% → 96.1% with it).
REGULARISATION = 0.5
# How sharply a decision value becomes a 0..1 score: a value of 0 (on the boundary) is 0.5.
SHARPNESS = 2.0
# One class per entry: beyond this many entries, training takes too long and the model too much
# memory, and the search goes on without it.
MAX_ENTRIES = 2_000
MODEL_VERSION = 1


class EntryModel:
    """`scores(text)`: how much the folded text sounds like each entry's questions, 0..1, in entry order."""

    def __init__(self, vocabularies: list[dict[str, tuple[int, float]]], coefficients: np.ndarray, intercepts: np.ndarray):
        self._vocabularies = vocabularies  # per analyser: n-gram → (its row in `coefficients`, idf)
        # n-grams × entries, in half precision: 17 MB instead of 35 for 131 entries, the scores the same to 0.001
        self._coefficients = coefficients.astype(np.float16)
        self._intercepts = intercepts

    @classmethod
    def train(cls, questions: Sequence[tuple[str, int]], entry_count: int, cache_dir: Path | None = None) -> "EntryModel | None":
        """A model of (folded question, entry number) pairs, from `cache_dir` when it was trained on
        exactly these before; None when there are too many entries or fewer than two."""
        if not 2 <= entry_count <= MAX_ENTRIES or len({entry for _, entry in questions}) < 2:
            return None
        return _trained(tuple(questions), entry_count, cache_dir)

    def scores(self, text: str) -> np.ndarray:
        """Each entry's score for the folded text: near 1 when it sounds like the entry's questions."""
        decision = self._intercepts.copy()
        for analyse, vocabulary in zip(ANALYSERS, self._vocabularies):
            rows, values = [], []
            for gram, count in Counter(analyse(text)).items():
                known = vocabulary.get(gram)
                if known is not None:
                    rows.append(known[0])
                    values.append((1.0 + math.log(count)) * known[1])
            if rows:
                weights = np.asarray(values, dtype=np.float32)
                decision += (weights / np.linalg.norm(weights)) @ self._coefficients[rows].astype(np.float32)
        return 1.0 / (1.0 + np.exp(-SHARPNESS * decision))


@lru_cache(maxsize=4)
def _trained(questions: tuple[tuple[str, int], ...], entry_count: int, cache_dir: Path | None) -> EntryModel:
    key = hashlib.blake2b(json.dumps([MODEL_VERSION, REGULARISATION, entry_count, questions]).encode(), digest_size=16).hexdigest()
    path = cache_dir / f"entries-{key}.npz" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as saved:
                vocabularies = json.loads(str(saved["vocabularies"]))
                return EntryModel([{g: tuple(v) for g, v in vocabulary.items()} for vocabulary in vocabularies],
                                  saved["coefficients"], saved["intercepts"])
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("the cached entry model %s is unreadable: training it again", path)
    vocabularies, coefficients, intercepts = _fit(questions, entry_count)
    if path is not None:
        def write(partial: Path) -> None:
            with partial.open("wb") as file:
                np.savez(file, vocabularies=np.array(json.dumps(vocabularies, ensure_ascii=False)),
                         coefficients=coefficients.astype(np.float16), intercepts=intercepts)

        save_whole(path, write)
    return EntryModel(vocabularies, coefficients, intercepts)


def _fit(questions, entry_count: int):
    from scipy.sparse import hstack  # here: importing scikit-learn takes a second
    from sklearn.svm import LinearSVC

    texts = [text for text, _ in questions]
    labels = np.array([entry for _, entry in questions])
    vectorisers = tfidf_vectorisers()
    matrix = hstack([vectoriser.fit_transform(texts) for vectoriser in vectorisers]).tocsr()
    classifier = LinearSVC(C=REGULARISATION).fit(matrix, labels)
    # Entries without questions (none in real content) get no score: their column stays at -inf-like.
    coefficients = np.zeros((matrix.shape[1], entry_count), dtype=np.float32)
    intercepts = np.full(entry_count, -10.0, dtype=np.float32)
    classes = classifier.classes_
    if len(classes) == 2:  # scikit-learn keeps one boundary for two classes: the second class's side
        coefficients[:, classes[1]] = classifier.coef_[0]
        coefficients[:, classes[0]] = -classifier.coef_[0]
        intercepts[classes[1]], intercepts[classes[0]] = classifier.intercept_[0], -classifier.intercept_[0]
    else:
        coefficients[:, classes] = classifier.coef_.T
        intercepts[classes] = classifier.intercept_
    vocabularies, offset = [], 0
    for vectoriser in vectorisers:
        vocabularies.append({gram: (offset + column, float(vectoriser.idf_[column])) for gram, column in vectoriser.vocabulary_.items()})
        offset += len(vectoriser.vocabulary_)
    return vocabularies, coefficients, intercepts
