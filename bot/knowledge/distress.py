"""A learned second opinion on whether a message says someone is in danger now: a logistic regression
over letter groups and words (scikit-learn), trained on the examples of content/emergency_examples.yaml
with the content's own questions as calm examples, and cached (bot/knowledge/text_features.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from bot.knowledge.text_features import ANALYSERS, save_whole, tfidf_vectorisers

logger = logging.getLogger(__name__)

# Much weaker regularisation than scikit-learn's default (1.0): the examples are short and varied, and
# the content's own questions must come out calm (chosen with the thresholds of emergency.py).
REGULARISATION = 30.0
# Change it when the features or the training change: cached models of other versions are not used.
MODEL_VERSION = 1


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
        model = json.dumps({"weights": weights, "intercept": intercept}, ensure_ascii=False)
        save_whole(path, lambda partial: partial.write_text(model, encoding="utf-8"))
    return DistressModel(weights, intercept)


def _fit(distress: tuple[str, ...], calm: tuple[str, ...]) -> tuple[list[dict[str, tuple[float, float]]], float]:
    # Imported here: scikit-learn takes a second to import and is needed only to train.
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    texts = [*distress, *calm]
    labels = np.array([1] * len(distress) + [0] * len(calm))
    vectorisers = tfidf_vectorisers()
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
