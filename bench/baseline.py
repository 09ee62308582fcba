"""Plain BM25, the yardstick of bench/eval.py: bm25s over lower-cased word tokens, no stemming,
one document per entry and language (title + questions + answer); top-1 is the best document's entry."""

from __future__ import annotations

import re

import bm25s
import numpy as np

from bot.knowledge.model import KnowledgeBase

_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


class PlainBM25:
    """One document per entry and language; never declines."""

    def __init__(self, kb: KnowledgeBase):
        self._owners: list[str] = []
        corpus = []
        for entry in kb.entries.values():
            for text in entry.texts.values():
                corpus.append(words(" ".join([text.title, *text.questions, _TAG.sub(" ", text.answer)])))
                self._owners.append(entry.id)
        self._retriever = bm25s.BM25()
        self._retriever.index(corpus, show_progress=False)

    def top(self, question: str) -> str | None:
        """The entry of the best document, or None when no word of the question is indexed."""
        known = [w for w in words(question) if w in self._retriever.vocab_dict]
        if not known:
            return None
        scores = self._retriever.get_scores(known)
        return self._owners[int(np.argmax(scores))] if scores.max() > 0 else None
