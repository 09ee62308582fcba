"""A learned second opinion on whether a message says someone is in danger now, trained on the examples
of content/emergency_examples.yaml with the content's own questions as calm examples."""

from __future__ import annotations

from bot.knowledge.binary_model import BinaryTextModel


class DistressModel(BinaryTextModel):
    """`probability(text)` that a folded message is from someone in danger now."""

    KIND = "distress"
    # Much weaker regularisation than scikit-learn's default (1.0): the examples are short and varied, and
    # the content's own questions must come out calm (chosen with the thresholds of emergency.py).
    REGULARISATION = 30.0
    MODEL_VERSION = 2
