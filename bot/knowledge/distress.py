"""A learned second opinion on whether a message says someone is in danger now: a logistic regression
over letter groups and words (bot/knowledge/text_features.py), trained on the examples of
content/emergency_examples.yaml with the content's own questions as calm examples."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from bot.knowledge.text_features import LinearTextModel, cached_model

# Much weaker regularisation than scikit-learn's default (1.0): the examples are short and varied, and
# the content's own questions must come out calm (chosen with the thresholds of emergency.py).
REGULARISATION = 30.0
# Change it when the features or the training change: cached models of other versions are not used.
MODEL_VERSION = 2


class DistressModel:
    """`probability(text)` that a folded message is from someone in danger now."""

    def __init__(self, model: LinearTextModel):
        self._model = model

    @classmethod
    def train(cls, distress: Sequence[str], calm: Sequence[str], cache_dir: Path | None = None) -> "DistressModel | None":
        """A model of the two sets of folded texts, from `cache_dir` when it was trained on exactly these
        before; None when either set is empty."""
        if not distress or not calm:
            return None
        return _trained(tuple(distress), tuple(calm), cache_dir)

    def probability(self, text: str) -> float:
        """The probability that the folded text is a distress message."""
        return 1.0 / (1.0 + math.exp(-float(self._model.decision(text)[0])))


@lru_cache(maxsize=4)
def _trained(distress: tuple[str, ...], calm: tuple[str, ...], cache_dir: Path | None) -> DistressModel:
    def fit() -> LinearTextModel:
        from sklearn.linear_model import LogisticRegression

        # Far fewer distress examples than calm ones: both classes weigh the same.
        regression = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=2000)
        model, _ = LinearTextModel.fit([*distress, *calm], [1] * len(distress) + [0] * len(calm), regression)
        return model

    key = ["distress", MODEL_VERSION, REGULARISATION, distress, calm]
    return DistressModel(cached_model("distress", key, cache_dir, fit))
