"""A learned reading of whether a question is outside what the content answers, trained on the examples
of content/out_of_scope_examples.yaml against the content's own questions. The decision to answer
(bot/knowledge/answer.py) weighs it with the search's evidence."""

from __future__ import annotations

from bot.knowledge.binary_model import BinaryTextModel


class OutsideModel(BinaryTextModel):
    """`probability(text)` that a folded question asks what the content does not answer."""

    KIND = "outside"
    REGULARISATION = 1.0
    MODEL_VERSION = 1
