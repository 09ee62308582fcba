"""A learned yes/no reading of a message: a logistic regression over letter groups and words
(bot/knowledge/text_features.py) trained on two sets of examples, cached like the other models."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from bot.knowledge.text_features import LinearTextModel, cached_model


class BinaryTextModel:
    """`probability(text)` that a folded text reads like the first set of examples rather than the second.
    Subclasses name their KIND (the cache files' prefix) and their training constants."""

    KIND = "binary"
    REGULARISATION = 1.0  # scikit-learn's default
    MODEL_VERSION = 1  # change it when the features or the training change: cached models of others are not used

    def __init__(self, model: LinearTextModel):
        self._model = model

    @classmethod
    def train(cls, examples: Sequence[str], others: Sequence[str], cache_dir: Path | None = None):
        """A model of the two sets of folded texts, from `cache_dir` when it was trained on exactly these
        before; None when either set is empty."""
        if not examples or not others:
            return None
        return _trained(cls, tuple(examples), tuple(others), cache_dir)

    def probability(self, text: str) -> float:
        """The probability that the folded text is one of the first kind."""
        return 1.0 / (1.0 + math.exp(-float(self._model.decision(text)[0])))


@lru_cache(maxsize=8)
def _trained(cls: type[BinaryTextModel], examples: tuple[str, ...], others: tuple[str, ...], cache_dir: Path | None):
    def fit() -> LinearTextModel:
        from sklearn.linear_model import LogisticRegression

        # Far fewer examples than others (the content's questions): both classes weigh the same.
        regression = LogisticRegression(C=cls.REGULARISATION, class_weight="balanced", max_iter=2000)
        model, _ = LinearTextModel.fit([*examples, *others], [1] * len(examples) + [0] * len(others), regression)
        return model

    key = [cls.KIND, cls.MODEL_VERSION, cls.REGULARISATION, examples, others]
    return cls(cached_model(cls.KIND, key, cache_dir, fit))
