"""One field of the entries (their questions, titles, answers…) in one language, indexed with
bm25s; scores entries for weighted query terms, normalised to the share of the query they cover."""

from __future__ import annotations

import itertools
import math

import bm25s
import numpy as np

# Lucene's BM25 defaults: a term's weight saturates after a few repeats; long texts weigh less.
K1 = 1.2
B = 0.75
_EMPTY = "\x00"  # bm25s needs a token in every text


class _BM25(bm25s.BM25):
    """bm25s with its score matrix built for all texts at once (bm25s loops over the texts in
    Python, which made building the index on every teaching or /reload slow)."""

    def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
        """The lucene-variant BM25 score of every (text, term), in bm25s's own layout."""
        self.nonoccurrence_array = None  # only bm25l and bm25+ use it
        lengths = np.fromiter(map(len, corpus_token_ids), dtype=np.int64, count=len(corpus_token_ids))
        vocab_size = len(unique_token_ids)
        tokens = np.fromiter(itertools.chain.from_iterable(corpus_token_ids), dtype=np.int64, count=int(lengths.sum()))
        pairs, counts = np.unique(np.repeat(np.arange(len(lengths)), lengths) * vocab_size + tokens, return_counts=True)
        docs, terms = pairs // vocab_size, pairs % vocab_size
        df = np.bincount(terms, minlength=vocab_size)
        idf = np.log(1.0 + (len(lengths) - df + 0.5) / (df + 0.5))
        norm = self.k1 * (1 - self.b + self.b * lengths[docs] / lengths.mean())
        scores = (idf[terms] * counts / (norm + counts)).astype(self.dtype)
        data, indices, indptr = self._np_csc(scores, docs.astype(np.int32), terms, (len(lengths), vocab_size))
        return {"data": data, "indices": indices, "indptr": indptr, "num_docs": len(lengths)}


class FieldIndex:
    """bm25s over texts that each belong to an entry (several texts may share one: its questions)."""

    def __init__(self, texts: list[list[str]], owners: list[int], entry_count: int):
        self.entry_count = entry_count
        self._retriever = _BM25(k1=K1, b=B, method="lucene")
        self._retriever.index([text or [_EMPTY] for text in texts], show_progress=False)
        scores = self._retriever.scores
        self._data, self._docs, self._ptr = scores["data"], scores["indices"], scores["indptr"]
        self.vocab: dict[str, int] = self._retriever.vocab_dict
        doc_count = len(texts)
        df = np.diff(self._ptr).astype(np.float64)
        self.idf = np.log(1.0 + (doc_count - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.max_idf = float(math.log(1.0 + (doc_count + 0.5) / 0.5)) if doc_count else 0.0
        # Texts of one entry are consecutive: an entry's score is the best of its texts.
        owner_array = np.asarray(owners, dtype=np.int64)
        self._doc_count = doc_count
        self._starts = np.flatnonzero(np.r_[True, owner_array[1:] != owner_array[:-1]]) if doc_count else owner_array
        self._start_owner = owner_array[self._starts] if doc_count else owner_array
        self._owners = owner_array
        self._one_text_each = len(self._starts) == doc_count
        self._idf = self.idf.tolist()  # Python floats: read one at a time per query word

    def idf_of(self, term: str) -> float:
        """The term's inverse document frequency here, 0 when no text has it."""
        index = self.vocab.get(term)
        return float(self.idf[index]) if index is not None else 0.0

    def has(self, term: str, entry: int) -> bool:
        """True when a text of the entry contains the term."""
        index = self.vocab.get(term)
        if index is None:
            return False
        return bool(np.any(self._owners[self._docs[self._ptr[index] : self._ptr[index + 1]]] == entry))

    def coverage(self, query: list[tuple[float, list[tuple[str, float]]]], unknown_mass: float) -> np.ndarray:
        """Per entry, its best text's BM25 score for the query words, each given as (weight, [(term,
        match quality)]), divided by the query's own weight here (its words' idf; words unknown in the
        language add `unknown_mass` times the rarest word's idf): 1 means a text says the whole query."""
        result = np.zeros(self.entry_count, dtype=np.float32)
        if not self._doc_count:
            return result
        mass = unknown_mass * self.max_idf
        indexes: list[int] = []
        factors: list[float] = []
        for weight, alternatives in query:
            word_idf = 0.0
            for term, quality in alternatives:
                index = self.vocab.get(term)
                if index is None:
                    continue
                indexes.append(index)
                factors.append(weight * quality)
                word_idf = max(word_idf, self._idf[index])
            mass += weight * word_idf
        if mass <= 0 or not indexes:
            return result
        # Every posting of every query term at once (one numpy pass instead of one per term: a query's
        # character trigrams are dozens of terms).
        terms = np.asarray(indexes)
        starts, lengths = self._ptr[terms], self._ptr[terms + 1] - self._ptr[terms]
        total = int(lengths.sum())
        if total == 0:
            return result
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        values = self._data[positions] * np.repeat(np.asarray(factors, dtype=np.float32), lengths)
        doc_scores = np.bincount(self._docs[positions], weights=values, minlength=self._doc_count)
        if self._one_text_each:
            result[self._start_owner] = doc_scores
        else:
            result[self._start_owner] = np.maximum.reduceat(doc_scores, self._starts)
        return np.minimum(result / mass, 1.0)
