"""The learned models' shared core: a linear model (fitted by scikit-learn) over the tf-idf letter groups
and words of a folded message, scored without scikit-learn, and cached so that a restart with the same
training texts does not train again."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

# Letter groups of 2 to 5 inside words catch typos, word endings and Latin-letter Kazakh; words and word
# pairs catch "не дышит" against "как дышать".
LETTER_GROUPS = (2, 5)
WORD_GROUPS = (1, 2)
# Cached models of one kind ("distress-…", "entries-…") kept: each edit of the content makes new ones,
# and the folder would grow by megabytes with every edit.
KEEP_CACHED = 3


def letter_groups(text: str) -> list[str]:
    """The letter groups of each word of a folded text, the word padded with a space on both sides
    (what scikit-learn's "char_wb" analyser gives)."""
    return [gram for word in text.split() for gram in _word_letter_groups(word)]


@lru_cache(maxsize=1 << 15)
def _word_letter_groups(word: str) -> tuple[str, ...]:
    low, high = LETTER_GROUPS
    padded = f" {word} "
    grams: list[str] = []
    for size in range(low, high + 1):
        if size >= len(padded):  # a short word counts once, whole
            grams.append(padded)
            break
        grams.extend(padded[start : start + size] for start in range(len(padded) - size + 1))
    return tuple(grams)


def word_groups(text: str) -> list[str]:
    """The words of a folded text and each two neighbouring words."""
    words = text.split()
    return words + [" ".join(pair) for pair in zip(words, words[1:])]


ANALYSERS: tuple[Callable[[str], list[str]], ...] = (letter_groups, word_groups)


class LinearTextModel:
    """`decision(text)`: one linear decision value per output (a class, or the one side of a yes/no)."""

    def __init__(self, vocabularies: list[dict[str, tuple[int, float]]], coefficients: np.ndarray, intercepts: np.ndarray):
        self._vocabularies = vocabularies  # per analyser: n-gram → (its row in `coefficients`, idf)
        self._coefficients = coefficients  # n-grams × outputs
        self._intercepts = intercepts

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[int], estimator) -> tuple["LinearTextModel", np.ndarray]:
        """The model of a scikit-learn linear estimator fitted on the texts' tf-idf, and its classes (the
        outputs' labels; for two classes one output, the second class's side)."""
        from scipy.sparse import hstack  # here: importing scikit-learn takes a second, and only training needs it
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorisers = [
            TfidfVectorizer(analyzer=letter_groups, min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer=word_groups, sublinear_tf=True),
        ]
        matrix = hstack([vectoriser.fit_transform(texts) for vectoriser in vectorisers]).tocsr()
        estimator.fit(matrix, np.asarray(labels))
        vocabularies, offset = [], 0
        for vectoriser in vectorisers:
            vocabularies.append({gram: (offset + column, float(vectoriser.idf_[column])) for gram, column in vectoriser.vocabulary_.items()})
            offset += len(vectoriser.vocabulary_)
        return cls(vocabularies, estimator.coef_.T.astype(np.float64), estimator.intercept_.astype(np.float64)), estimator.classes_

    def decision(self, text: str) -> np.ndarray:
        """The decision values for the folded text, as scikit-learn's `decision_function` gives them."""
        decision = self._intercepts.astype(np.float64)
        for analyse, vocabulary in zip(ANALYSERS, self._vocabularies):
            counts = Counter(analyse(text))
            known = [(found, count) for found, count in zip(map(vocabulary.get, counts), counts.values()) if found is not None]
            if not known:
                continue
            rows = [row for (row, _), _ in known]
            idf = np.array([idf for (_, idf), _ in known])
            counted = np.array([count for _, count in known], dtype=float)
            weights = (1.0 + np.log(counted)) * idf  # sublinear tf times idf
            decision += (weights @ self._coefficients[rows]) / math.sqrt(weights @ weights)
        return decision

    def with_outputs(self, coefficients: np.ndarray, intercepts: np.ndarray) -> "LinearTextModel":
        """The same features with other outputs (rearranged, or stored in less precision)."""
        return LinearTextModel(self._vocabularies, coefficients, intercepts)

    @property
    def coefficients(self) -> np.ndarray:
        """n-grams × outputs."""
        return self._coefficients

    @property
    def intercepts(self) -> np.ndarray:
        """One per output."""
        return self._intercepts


def cached_model(kind: str, key: object, cache_dir: Path | None, fit: Callable[[], LinearTextModel]) -> LinearTextModel:
    """The model of this kind trained on what `key` names (JSON data), read from `cache_dir` when it was
    trained before, else fitted and cached there; the newest KEEP_CACHED of a kind are kept."""
    digest = hashlib.blake2b(json.dumps(key, ensure_ascii=False).encode(), digest_size=16).hexdigest()
    path = cache_dir / f"{kind}-{digest}.npz" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as saved:
                vocabularies = json.loads(str(saved["vocabularies"]))
                return LinearTextModel([{g: tuple(v) for g, v in vocabulary.items()} for vocabulary in vocabularies],
                                       saved["coefficients"], saved["intercepts"])
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):  # a half-written or foreign file
            logger.warning("the cached model %s is unreadable: training it again", path)
    model = fit()
    if path is not None:
        _save(path, model)
    return model


def default_cache_dir() -> Path:
    """Where trained models are kept: $XDG_CACHE_HOME/redcrescent-bot, else ~/.cache/redcrescent-bot."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "redcrescent-bot"


def _save(path: Path, model: LinearTextModel) -> None:
    """Write the cache file whole or not at all (a crash mid-write leaves no half file to read), and remove
    all but the newest KEEP_CACHED of its kind; a cache that cannot be written is only logged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as file:
            np.savez(file, vocabularies=np.array(json.dumps(model._vocabularies, ensure_ascii=False)),
                     coefficients=model.coefficients, intercepts=model.intercepts)
        partial.replace(path)
        kind = path.name.split("-")[0]
        cached = sorted(path.parent.glob(f"{kind}-*.npz"), key=lambda file: file.stat().st_mtime, reverse=True)
        for old in cached[KEEP_CACHED:]:
            old.unlink(missing_ok=True)
    except OSError as error:
        logger.warning("a trained model could not be cached in %s (%s): it is trained at each start", path.parent, error)
