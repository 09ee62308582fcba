"""A learned second opinion on whether a message says someone is in danger now: a logistic regression
over letter groups and words (scikit-learn), trained on the examples of content/emergency_examples.yaml
with the content's own questions as calm examples, and kept in a cache file so that a restart with
the same examples does not train again."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

# Letter groups of 2 to 5 inside words catch typos, word endings and Latin-letter Kazakh; words and word
# pairs catch "не дышит" against "как дышать".
LETTER_GROUPS = (2, 5)
WORD_GROUPS = (1, 2)
# Much weaker regularisation than scikit-learn's default (1.0): the examples are short and varied, and
# the content's own questions must come out calm (chosen with the thresholds of emergency.py).
REGULARISATION = 30.0
# Change it when the features or the training change: cached models of other versions are not used.
MODEL_VERSION = 1


def letter_groups(text: str) -> list[str]:
    """The letter groups of each word of a folded text, the word padded with a space on both sides
    (what scikit-learn's "char_wb" analyser gives)."""
    low, high = LETTER_GROUPS
    grams = []
    for word in text.split():
        padded = f" {word} "
        for size in range(low, high + 1):
            if size >= len(padded):  # a short word counts once, whole
                grams.append(padded)
                break
            grams.extend(padded[start : start + size] for start in range(len(padded) - size + 1))
    return grams


def word_groups(text: str) -> list[str]:
    """The words of a folded text and each two neighbouring words."""
    words = text.split()
    return words + [" ".join(pair) for pair in zip(words, words[1:])]


ANALYSERS: tuple[Callable[[str], list[str]], ...] = (letter_groups, word_groups)


class DistressModel:
    """`probability(text)` that a folded message is from someone in danger now."""

    def __init__(self, weights: list[dict[str, tuple[float, float]]], intercept: float):
        self._weights = weights  # per analyser: n-gram → (idf, coefficient)
        self._intercept = intercept

    @classmethod
    def train(cls, distress: Sequence[str], calm: Sequence[str], cache_dir: Path | None = None) -> "DistressModel | None":
        """A model of the two sets of folded texts, from `cache_dir` when it was trained on exactly these
        before; None when either set is empty."""
        if not distress or not calm:
            return None
        return _trained(tuple(distress), tuple(calm), cache_dir)

    def probability(self, text: str) -> float:
        """The probability that the folded text is a distress message."""
        score = self._intercept
        for analyse, weights in zip(ANALYSERS, self._weights):
            values = []  # (tf-idf value, coefficient) of each n-gram the model knows, as scikit-learn computes it
            for gram, count in Counter(analyse(text)).items():
                weight = weights.get(gram)
                if weight is not None:
                    values.append(((1.0 + math.log(count)) * weight[0], weight[1]))
            norm = math.sqrt(sum(value * value for value, _ in values))
            if norm:
                score += sum(value * coefficient for value, coefficient in values) / norm
        return 1.0 / (1.0 + math.exp(-score))


def default_cache_dir() -> Path:
    """Where trained models are kept: $XDG_CACHE_HOME/redcrescent-bot, else ~/.cache/redcrescent-bot."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "redcrescent-bot"


@lru_cache(maxsize=4)
def _trained(distress: tuple[str, ...], calm: tuple[str, ...], cache_dir: Path | None) -> DistressModel:
    key = hashlib.blake2b(json.dumps([MODEL_VERSION, REGULARISATION, distress, calm]).encode(), digest_size=16).hexdigest()
    path = cache_dir / f"distress-{key}.json" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            return DistressModel([{gram: tuple(pair) for gram, pair in w.items()} for w in saved["weights"]], saved["intercept"])
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("the cached emergency model %s is unreadable: training it again", path)
    weights, intercept = _fit(distress, calm)
    if path is not None:
        _save(path, {"weights": weights, "intercept": intercept})
    return DistressModel(weights, intercept)


def _fit(distress: tuple[str, ...], calm: tuple[str, ...]) -> tuple[list[dict[str, tuple[float, float]]], float]:
    # Imported here: scikit-learn takes a second to import and is needed only to train.
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [*distress, *calm]
    labels = np.array([1] * len(distress) + [0] * len(calm))
    vectorisers = [
        TfidfVectorizer(analyzer=letter_groups, min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer=word_groups, sublinear_tf=True),
    ]
    matrix = hstack([vectoriser.fit_transform(texts) for vectoriser in vectorisers]).tocsr()
    # Far fewer distress examples than calm ones: both classes weigh the same.
    regression = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=2000).fit(matrix, labels)
    coefficients = regression.coef_.ravel()
    weights, offset = [], 0
    for vectoriser in vectorisers:
        vocabulary = vectoriser.vocabulary_
        weights.append({gram: (float(vectoriser.idf_[column]), float(coefficients[offset + column])) for gram, column in vocabulary.items()})
        offset += len(vocabulary)
    return weights, float(regression.intercept_[0])


def _save(path: Path, model: dict) -> None:
    """Write the model whole or not at all (a crash mid-write leaves no half file to read)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        logger.warning("the emergency model could not be cached in %s (%s): it is trained at each start", path.parent, error)
