"""A learned channel of the search: a linear classifier (scikit-learn's LinearSVC) over the letter
groups and words of a folded question (bot/knowledge/text_features.py) that says how much it sounds
like each entry's listed questions, in any language. Trained on the content's questions."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.knowledge.text_features import LinearTextModel, cached_model

# scikit-learn's default is 1.0; less regularisation fitted the listed questions too closely to carry
# over to new wordings (bench/eval tuning parts: top-1 of the ranking 93.7% → 96.1% with it).
REGULARISATION = 0.5
# How sharply a decision value becomes a 0..1 score: a value of 0 (on the boundary) is 0.5.
SHARPNESS = 2.0
# One class per entry: beyond this many entries the search goes on without it. Training grows with the
# entries (200 synthetic ones: 18 s in the background) and so does memory (n-grams × entries in half
# precision: about 65 MB at 500).
MAX_ENTRIES = 500
MODEL_VERSION = 2
# An entry without questions (none in real content) is never this entry's class.
_NO_CLASS = -10.0


class EntryModel:
    """`scores(text)`: how much the folded text sounds like each entry's questions, 0..1, in entry order."""

    def __init__(self, model: LinearTextModel):
        self._model = model

    @classmethod
    def train(cls, questions: Sequence[tuple[str, int]], entry_count: int, cache_dir: Path | None = None) -> "EntryModel | None":
        """A model of (folded question, entry number) pairs, from `cache_dir` when it was trained on
        exactly these before; None when there are too many entries or fewer than two."""
        if not 2 <= entry_count <= MAX_ENTRIES or len({entry for _, entry in questions}) < 2:
            return None
        return _trained(tuple(questions), entry_count, cache_dir)

    def scores(self, text: str) -> np.ndarray:
        """Each entry's score for the folded text: near 1 when it sounds like the entry's questions."""
        return 1.0 / (1.0 + np.exp(-SHARPNESS * self._model.decision(text)))


@lru_cache(maxsize=4)
def _trained(questions: tuple[tuple[str, int], ...], entry_count: int, cache_dir: Path | None) -> EntryModel:
    def fit() -> LinearTextModel:
        from sklearn.svm import LinearSVC

        model, classes = LinearTextModel.fit([text for text, _ in questions], [entry for _, entry in questions],
                                             LinearSVC(C=REGULARISATION))
        coefficients = np.zeros((model.coefficients.shape[0], entry_count))
        intercepts = np.full(entry_count, _NO_CLASS)
        if len(classes) == 2:  # scikit-learn keeps one boundary for two classes: the second class's side
            coefficients[:, classes[1]], coefficients[:, classes[0]] = model.coefficients[:, 0], -model.coefficients[:, 0]
            intercepts[classes[1]], intercepts[classes[0]] = model.intercepts[0], -model.intercepts[0]
        else:
            coefficients[:, classes] = model.coefficients
            intercepts[classes] = model.intercepts
        # Half precision: 17 MB instead of 35 for 131 entries, the scores the same to 0.001.
        return model.with_outputs(coefficients.astype(np.float16), intercepts)

    key = ["entries", MODEL_VERSION, REGULARISATION, entry_count, questions]
    return EntryModel(cached_model("entries", key, cache_dir, fit))
