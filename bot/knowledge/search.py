"""The search index: every entry's questions, keywords, title and answer in all languages,
scored by how much of the query they cover (IDF-weighted), tolerant to typos, word endings,
missing Kazakh letters and the wrong keyboard layout."""

from __future__ import annotations

import bisect
import html
import math
import re
from array import array
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.knowledge.intents import IntentMatcher
from bot.knowledge.model import LANGS, KnowledgeBase
from bot.knowledge.language import LanguageGuesser
from bot.knowledge.normalize import has_cyrillic, has_latin, repair_tokens, tokenize
from bot.knowledge.stemming import all_stop_words, question_words, stem

# Kinds of indexed text. A "bag" is all the questions, keywords and title of an entry in
# one language together, so a query may combine words from different questions.
QUESTION, TITLE, KEYWORDS, BAG, ANSWER = range(5)
_SHORT_KINDS = (QUESTION, TITLE, KEYWORDS)

# How the parts of an entry add up to its score (they sum to 1, so scores are in 0..1).
WEIGHT_QUESTION = 0.5
WEIGHT_BAG = 0.3
WEIGHT_ANSWER = 0.2
# Question words weigh at most this much, however rare they are in the content.
QUESTION_WORD_IDF = 1.0
# A text that says the query exactly counts this much, by kind: a listed question beats a
# title, which beats a keyword many entries may share ("IHL", "ICRC").
KIND_WEIGHT = {QUESTION: 1.0, TITLE: 0.95, KEYWORDS: 0.9}
# The least score of an entry one of whose questions has exactly the query's words.
EXACT_QUESTION_SCORE = 0.95
# In the best single question, the share of the query it covers counts more than the share
# of the question the query covers.
QUERY_COVERAGE_EXPONENT = 0.6
# A word of the query found nowhere in a language weighs like a rare word there.
UNKNOWN_WORD_IDF_SHARE = 0.8
# Words rarer than this many texts all weigh the same: one odd word ("actually") must not
# outweigh the topic words of a question.
IDF_CAP_DF = 3
# Query words a text lacks count this much against it (matched words count fully); words the
# content never uses in that language count more: they are what off-topic questions are made of.
UNMATCHED_WEIGHT = 0.7
UNKNOWN_WEIGHT = 1.0
# A word found in a text only through its stem ("эмблема" for "эмблемы") counts a little less
# than the very same form, which counts a little more: "which emblems are there" prefers the texts
# about emblems, plural.
STEM_ONLY_QUALITY = 0.95
SAME_FORM_BONUS = 0.1
# Match quality of a word that is not found as it is.
FUZZY_QUALITY = {1: 0.85, 2: 0.7, 3: 0.55}
PREFIX_QUALITY = 0.8
MIN_PREFIX = 4
_TAG = re.compile(r"<[^>]*>")
# An entry matched about as well in the preferred language (the query's, else the user's) as in
# another is reported in the preferred one.
LANGUAGE_PREFERENCE = 0.08


@dataclass(frozen=True)
class Hit:
    """One search result: the entry, its score in 0..1 and the language of the text it matched."""

    entry_id: str
    score: float
    lang: str


def _max_edits(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


class SearchIndex:
    """Built once from a KnowledgeBase with `SearchIndex.build(kb)`; `search()` answers queries."""

    def __init__(self) -> None:
        self.entry_ids: list[str] = []
        self.intents: IntentMatcher
        self._terms: dict[tuple[int, str], int] = {}
        self._idf = np.zeros(0, dtype=np.float32)
        self._unknown_idf = np.zeros(len(LANGS), dtype=np.float32)
        self._ptr = np.zeros(1, dtype=np.int64)
        self._post_doc = np.zeros(0, dtype=np.int32)
        self._doc_key = np.zeros(0, dtype=np.int32)  # entry * len(LANGS) + lang
        self._doc_lang = np.zeros(0, dtype=np.int8)
        self._doc_kind = np.zeros(0, dtype=np.int8)
        self._doc_norm = np.zeros(0, dtype=np.float32)
        self._surfaces: dict[str, int] = {}  # word → bit mask of the languages it appears in
        self._surfaces_by_shape: dict[tuple[str, int], list[str]] = {}  # (first letter, length) → words
        self._stems_sorted: list[list[str]] = [[] for _ in LANGS]
        self._languages = LanguageGuesser()
        self._known: set[str] = set()
        self._noise: frozenset[str] = frozenset()
        self._resolved: dict[str, list[tuple[int, int, float]]] = {}
        self._forms: dict[tuple[int, str], int] = {}  # (language, word as written) → form id
        self._form_ptr = np.zeros(1, dtype=np.int64)
        self._form_doc = np.zeros(0, dtype=np.int32)

    # ---- building -------------------------------------------------------------------------

    @classmethod
    def build(cls, kb: KnowledgeBase) -> "SearchIndex":
        """Index every entry of the knowledge base."""
        index = cls()
        index.intents = IntentMatcher.build(kb.intents)
        index._noise = frozenset(all_stop_words() | index.intents.noise_words())
        term_ids: dict[tuple[int, str], int] = {}
        post_term, post_doc = array("i"), array("i")
        form_ids: dict[tuple[int, str], int] = {}  # (language, word as written) → id
        post_form, post_form_doc = array("i"), array("i")
        doc_key, doc_lang, doc_kind = array("i"), array("b"), array("b")
        surfaces: dict[str, int] = {}

        def add_doc(key: int, lang_index: int, kind: int, analysed: tuple[set[int], set[int]]) -> None:
            terms, forms = analysed
            if not terms:
                return
            doc = len(doc_key)
            doc_key.append(key)
            doc_lang.append(lang_index)
            doc_kind.append(kind)
            post_term.extend(terms)
            post_doc.extend([doc] * len(terms))
            post_form.extend(forms)
            post_form_doc.extend([doc] * len(forms))

        # word → (term id, form id), None for noise
        word_terms: list[dict[str, tuple[int, int] | None]] = [{} for _ in LANGS]

        def term_of(word: str, lang_index: int, lang: str) -> tuple[int, int] | None:
            if word in index._noise:
                return None
            surfaces[word] = surfaces.get(word, 0) | (1 << lang_index)
            term = term_ids.setdefault((lang_index, stem(word, lang)), len(term_ids))
            form = form_ids.setdefault((lang_index, word), len(form_ids))
            return term, form

        def analyse(text: str, lang_index: int, lang: str) -> tuple[set[int], set[int]]:
            words = tokenize(text)
            index._languages.add(lang_index, words)
            known = word_terms[lang_index]
            terms, forms = set(), set()
            for word in words:
                if word in known:
                    ids = known[word]
                else:
                    ids = known[word] = term_of(word, lang_index, lang)
                if ids is not None:
                    terms.add(ids[0])
                    forms.add(ids[1])
            return terms, forms

        for entry_number, entry in enumerate(kb.entries.values()):
            index.entry_ids.append(entry.id)
            for lang_index, lang in enumerate(LANGS):
                text = entry.texts.get(lang)
                if text is None:
                    continue
                key = entry_number * len(LANGS) + lang_index
                bag_terms: set[int] = set()
                bag_forms: set[int] = set()
                short_texts = [(QUESTION, question) for question in text.questions]
                short_texts.append((TITLE, text.title))
                short_texts.extend((KEYWORDS, keyword) for keyword in entry.keywords.get(lang, []))
                for kind, short_text in short_texts:
                    terms, forms = analyse(short_text, lang_index, lang)
                    add_doc(key, lang_index, kind, (terms, forms))
                    bag_terms |= terms
                    bag_forms |= forms
                add_doc(key, lang_index, BAG, (bag_terms, bag_forms))
                add_doc(key, lang_index, ANSWER, analyse(_strip_tags(text.answer), lang_index, lang))

        index._finish(term_ids, post_term, post_doc, doc_key, doc_lang, doc_kind, surfaces)
        index._index_forms(form_ids, post_form, post_form_doc)
        return index

    def _index_forms(self, form_ids, post_form, post_form_doc) -> None:
        self._forms = form_ids
        forms = np.frombuffer(post_form, dtype=np.int32) if len(post_form) else np.zeros(0, np.int32)
        docs = np.frombuffer(post_form_doc, dtype=np.int32) if len(post_form_doc) else np.zeros(0, np.int32)
        order = np.argsort(forms, kind="stable")
        self._form_doc = docs[order].copy()
        self._form_ptr = np.concatenate([[0], np.cumsum(np.bincount(forms, minlength=len(form_ids)))]).astype(np.int64)

    def _finish(self, term_ids, post_term, post_doc, doc_key, doc_lang, doc_kind, surfaces) -> None:
        self._terms = term_ids
        terms = np.frombuffer(post_term, dtype=np.int32) if len(post_term) else np.zeros(0, np.int32)
        docs = np.frombuffer(post_doc, dtype=np.int32) if len(post_doc) else np.zeros(0, np.int32)
        order = np.argsort(terms, kind="stable")
        self._post_doc = docs[order].copy()
        counts = np.bincount(terms, minlength=len(term_ids))
        self._ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._doc_key = np.frombuffer(doc_key, dtype=np.int32).copy()
        self._doc_lang = np.frombuffer(doc_lang, dtype=np.int8).copy()
        self._doc_kind = np.frombuffer(doc_kind, dtype=np.int8).copy()
        self._kind_weight = np.array([KIND_WEIGHT.get(kind, 1.0) for kind in range(ANSWER + 1)], dtype=np.float32)
        # IDF over the texts a person would write or read (not the bags, which repeat them).
        unit = self._doc_kind[docs] != BAG
        df = np.bincount(terms[unit], minlength=len(term_ids)).astype(np.float64)
        units_per_lang = np.bincount(self._doc_lang[self._doc_kind != BAG], minlength=len(LANGS)).astype(np.float64)
        term_lang = np.zeros(len(term_ids), dtype=np.int64)
        for (lang_index, _), term in term_ids.items():
            term_lang[term] = lang_index
        n = np.maximum(units_per_lang[term_lang], 1.0)
        capped_df = np.maximum(df, IDF_CAP_DF)
        self._idf = np.log(1.0 + (n - capped_df + 0.5) / (capped_df + 0.5)).astype(np.float32)
        n_lang = np.maximum(units_per_lang, 1.0)
        self._unknown_idf = (
            np.log(1.0 + (n_lang - IDF_CAP_DF + 0.5) / (IDF_CAP_DF + 0.5)) * UNKNOWN_WORD_IDF_SHARE
        ).astype(np.float32)
        for word in question_words():
            for lang_index, lang in enumerate(LANGS):
                term = term_ids.get((lang_index, stem(word, lang)))
                if term is not None:
                    self._idf[term] = min(self._idf[term], QUESTION_WORD_IDF)
        self._doc_norm = np.bincount(docs, weights=self._idf[terms], minlength=len(self._doc_key)).astype(np.float32)
        self._surfaces = surfaces
        by_shape: dict[tuple[str, int], list[str]] = {}
        for word in surfaces:
            by_shape.setdefault((word[0], len(word)), []).append(word)
        self._surfaces_by_shape = by_shape
        self._stems_sorted = [sorted(s for (li, s) in term_ids if li == lang_index) for lang_index in range(len(LANGS))]
        self._known = set(surfaces) | self.intents.vocabulary() | set(self._noise) | set(self._languages.words())

    # ---- queries --------------------------------------------------------------------------

    def tokens(self, text: str) -> list[str]:
        """The query's folded tokens, with words typed on the wrong layout or in Latin repaired."""
        return repair_tokens(text, self._is_known)

    def _is_known(self, word: str) -> bool:
        if word in self._known:
            return True
        return any((lang_index, stem(word, lang)) in self._terms for lang_index, lang in enumerate(LANGS))

    def language_of(self, tokens: list[str], raw_text: str = "") -> str | None:
        """The query's language when letters, marker words or the vocabulary make it clear."""
        return self._languages.guess(tokens, raw_text)

    def unknown_share(self, tokens: list[str]) -> float:
        """The share of the query's content words the content never uses, even misspelt (0..1)."""
        words = [t for t in dict.fromkeys(tokens) if t not in self._noise and t not in question_words()]
        if not words:
            return 0.0
        return sum(1 for word in words if not self._resolve(word)) / len(words)

    def search(self, query: str, lang: str, limit: int = 3) -> list[Hit]:
        """The best entries for a free-text query, best first (`lang`: the user's language)."""
        tokens = self.tokens(query)
        preferred = self.language_of(tokens, query) or lang
        return self.search_tokens(tokens, preferred, limit)

    def search_tokens(self, tokens: list[str], lang: str, limit: int = 3) -> list[Hit]:
        """Search with tokens already repaired by `tokens()`; `lang` is preferred on ties."""
        words = [t for t in dict.fromkeys(tokens) if t not in self._noise]
        if not words or not self.entry_ids:
            return []
        n_docs = len(self._doc_key)
        overlap = np.zeros(n_docs, dtype=np.float32)
        query_norm = np.zeros(len(LANGS), dtype=np.float32)  # weight of the words known in each language
        unknown_norm = np.zeros(len(LANGS), dtype=np.float32)  # ... and of those unknown there
        same_form: list[tuple[np.ndarray, float]] = []
        for word in words:
            matches = self._resolve(word)
            weights = {}
            for lang_index, term, quality in matches:
                weight = float(self._idf[term])
                weights[lang_index] = max(weights.get(lang_index, 0.0), weight)
            for lang_index in range(len(LANGS)):
                if lang_index in weights:
                    query_norm[lang_index] += weights[lang_index]
                elif word in question_words():
                    query_norm[lang_index] += QUESTION_WORD_IDF
                else:
                    unknown_norm[lang_index] += self._unknown_idf[lang_index]
            if not matches:
                continue
            doc_parts, weight_parts = [], []
            for lang_index, term, quality in matches:
                start, end = self._ptr[term], self._ptr[term + 1]
                doc_parts.append(self._post_doc[start:end])
                if quality >= 1.0:
                    quality = STEM_ONLY_QUALITY
                    form = self._forms.get((lang_index, word))
                    if form is not None:
                        # The texts with the very same form get SAME_FORM_BONUS on top (below).
                        form_docs = self._form_doc[self._form_ptr[form] : self._form_ptr[form + 1]]
                        same_form.append((form_docs, weights[lang_index]))
                weight_parts.append(np.full(end - start, weights[lang_index] * quality, dtype=np.float32))
            if len(doc_parts) == 1:
                overlap[doc_parts[0]] += weight_parts[0]
            else:
                # A document holding two spellings of one word counts it once, at the better one.
                docs = np.concatenate(doc_parts)
                values = np.concatenate(weight_parts)
                best = np.zeros(n_docs, dtype=np.float32)
                np.maximum.at(best, docs, values)
                overlap += best
        for docs, weight in same_form:
            overlap[docs] += weight * SAME_FORM_BONUS
        candidates = np.flatnonzero(overlap)
        if candidates.size == 0:
            return []
        return self._rank(candidates, overlap[candidates], query_norm, unknown_norm, lang, limit)

    def _rank(
        self, docs: np.ndarray, overlap: np.ndarray, query_norm: np.ndarray, unknown_norm: np.ndarray, lang: str, limit: int
    ) -> list[Hit]:
        keys = self._doc_key[docs]
        kinds = self._doc_kind[docs]
        langs = self._doc_lang[docs]
        missing = UNMATCHED_WEIGHT * np.maximum(query_norm[langs] - overlap, 0.0) + UNKNOWN_WEIGHT * unknown_norm[langs]
        query_coverage = np.minimum(overlap / (overlap + missing), 1.0)
        doc_coverage = np.minimum(overlap / np.maximum(self._doc_norm[docs], 1e-6), 1.0)
        similarity = query_coverage**QUERY_COVERAGE_EXPONENT * doc_coverage ** (1.0 - QUERY_COVERAGE_EXPONENT)
        similarity = similarity * self._kind_weight[kinds]
        n_keys = len(self.entry_ids) * len(LANGS)
        best_question = np.zeros(n_keys, dtype=np.float32)
        short = np.isin(kinds, _SHORT_KINDS)
        np.maximum.at(best_question, keys[short], similarity[short])
        bag = np.zeros(n_keys, dtype=np.float32)
        is_bag = kinds == BAG
        bag[keys[is_bag]] = query_coverage[is_bag]
        answer = np.zeros(n_keys, dtype=np.float32)
        is_answer = kinds == ANSWER
        answer[keys[is_answer]] = query_coverage[is_answer]
        score = WEIGHT_QUESTION * best_question + WEIGHT_BAG * bag + WEIGHT_ANSWER * answer
        # Saying exactly the words of a listed question is the clearest signal there is.
        # Between two such entries, the one that matches better otherwise (answer, other questions) wins.
        exact = EXACT_QUESTION_SCORE + (1.0 - EXACT_QUESTION_SCORE) * score
        score = np.where(best_question >= 0.999, exact, score)
        per_entry = score.reshape(-1, len(LANGS))
        entry_score = per_entry.max(axis=1)
        if lang in LANGS:
            preferred = np.zeros(len(LANGS), dtype=np.float32)
            preferred[LANGS.index(lang)] = LANGUAGE_PREFERENCE
            best_lang = (per_entry + preferred * (per_entry > 0)).argmax(axis=1)
        else:
            best_lang = per_entry.argmax(axis=1)
        count = min(limit, int(np.count_nonzero(entry_score)))
        if count == 0:
            return []
        top = np.argpartition(-entry_score, count - 1)[:count]
        top = top[np.argsort(-entry_score[top], kind="stable")]
        hits = []
        for entry in top:
            lang_index = int(best_lang[entry])
            raw = float(score[entry * len(LANGS) + lang_index])
            hits.append(Hit(self.entry_ids[entry], round(raw, 4), LANGS[lang_index]))
        return hits

    def _resolve(self, word: str) -> list[tuple[int, int, float]]:
        """The indexed terms a query word stands for: (language, term, match quality)."""
        cached = self._resolved.get(word)
        if cached is not None:
            return cached
        exact = []
        for lang_index, lang in enumerate(LANGS):
            term = self._terms.get((lang_index, stem(word, lang)))
            if term is not None:
                exact.append((lang_index, term, 1.0))
        result = exact or self._fuzzy(word)
        if len(self._resolved) > 50_000:
            self._resolved.clear()
        self._resolved[word] = result
        return result

    def _fuzzy(self, word: str) -> list[tuple[int, int, float]]:
        """Terms for a word not found as it is: typos, then shared beginnings (word endings)."""
        found: dict[tuple[int, int], float] = {}
        max_edits = _max_edits(len(word))
        if max_edits and (has_cyrillic(word) or has_latin(word)):
            choices = []
            # People rarely mistype the first letter ("brother" is not "other"), so only words
            # that start like this one and are about as long are compared.
            for length in range(len(word) - max_edits, len(word) + max_edits + 1):
                choices.extend(self._surfaces_by_shape.get((word[0], length), ()))
            for surface, edits, _ in process.extract(
                word, choices, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=4
            ):
                if edits == 0:
                    continue
                quality = FUZZY_QUALITY.get(int(edits), 0.0)
                mask = self._surfaces[surface]
                for lang_index, lang in enumerate(LANGS):
                    if mask & (1 << lang_index):
                        term = self._terms.get((lang_index, stem(surface, lang)))
                        if term is not None and found.get((lang_index, term), 0.0) < quality:
                            found[(lang_index, term)] = quality
        if not found and len(word) >= MIN_PREFIX + 1:
            for lang_index, lang in enumerate(LANGS):
                for term, quality in self._prefix_terms(stem(word, lang), lang_index):
                    found[(lang_index, term)] = max(found.get((lang_index, term), 0.0), quality)
        return [(lang_index, term, quality) for (lang_index, term), quality in found.items()]

    def _prefix_terms(self, word_stem: str, lang_index: int) -> list[tuple[int, float]]:
        """Indexed stems that begin the word (unstripped endings) or that the word begins (a cut word)."""
        results = []
        for cut in range(len(word_stem) - 1, MIN_PREFIX - 1, -1):
            term = self._terms.get((lang_index, word_stem[:cut]))
            if term is not None:
                results.append((term, PREFIX_QUALITY * math.sqrt(cut / len(word_stem))))
                break
        if len(word_stem) >= MIN_PREFIX + 1:
            stems = self._stems_sorted[lang_index]
            position = bisect.bisect_left(stems, word_stem)
            for candidate in stems[position : position + 3]:
                if candidate.startswith(word_stem) and candidate != word_stem:
                    term = self._terms[(lang_index, candidate)]
                    results.append((term, PREFIX_QUALITY * math.sqrt(len(word_stem) / len(candidate))))
        return results


def _strip_tags(html_text: str) -> str:
    """The visible words of an answer: tags removed, entities decoded."""
    return html.unescape(_TAG.sub(" ", html_text))
