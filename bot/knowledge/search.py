"""The search index: per language, bm25s over each field of the entries (listed and taught questions
one by one, the whole entry, title with keywords) plus a character-trigram channel for typos,
fused into one score in 0..1 per entry."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.knowledge.analysis import Analyzer, without_phrases
from bot.knowledge.emergency import EmergencyMatcher
from bot.knowledge.entry_model import EntryModel
from bot.knowledge.fields import FieldIndex
from bot.knowledge.intents import NEUTRAL_GROUP, IntentMatcher
from bot.knowledge.language import LanguageGuesser
from bot.knowledge.learned import LearnedModels, start_training
from bot.knowledge.model import LANGS, KnowledgeBase
from bot.knowledge.normalize import has_latin, repair_tokens, tokenize, transliterations
from bot.knowledge.stemming import all_stop_words, question_words, stop_words
from bot.knowledge.switch import LanguageRequestMatcher
from bot.knowledge.vocabulary import Vocabulary
from bot.telegram_html import html_to_text

QUESTION, ENTRY, TITLE, CHARS = range(4)
# How the channels add up (they sum to 1). Measured with bench/crossval.py (the content's own
# questions, fold by fold) and the tuning parts of bench/eval: the best single question phrasing,
# the whole entry (its questions, title, keywords and answer as one text), the title with its
# keywords, and character trigrams that catch typos and unknown word endings.
FIELD_WEIGHTS = {QUESTION: 0.2, ENTRY: 0.4, TITLE: 0.2, CHARS: 0.2}
# The learned channel (bot/knowledge/entry_model.py: how much the question sounds like each entry's
# listed questions, in any language) weighs this much against the channels above.
LEARNED_WEIGHT = 0.3
# Question words ("when", "кто") tell questions apart but say little about the topic.
QUESTION_WORD_WEIGHT = 0.3
# A query word the language's texts never use counts against every entry as this share of a rare word.
UNKNOWN_WORD_SHARE = 0.35
# Saying exactly a listed (or taught) question gives at least this score.
EXACT_QUESTION_SCORE = 0.95
# An entry matched about as well in the preferred language (the query's, else the user's) as in
# another is reported in the preferred one.
LANGUAGE_PREFERENCE = 0.05
GRAM = 3


@dataclass(frozen=True)
class Hit:
    """One search result: the entry, its score in 0..1 and the language of the text it matched."""

    entry_id: str
    score: float
    lang: str


@dataclass
class _Language:
    """Everything indexed in one language."""

    vocabulary: Vocabulary
    fields: dict[int, FieldIndex]


class SearchIndex:
    """Built once with `SearchIndex.build(kb, taught)`; `search()` answers queries."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.entry_ids: list[str] = list(kb.entries)
        self._numbers = {entry_id: number for number, entry_id in enumerate(self.entry_ids)}
        self.intents = IntentMatcher.build(kb.intents)
        self.noise = frozenset(all_stop_words() | self.intents.noise_words())
        quiet = self.noise | question_words()
        self.emergency = EmergencyMatcher(kb.lexicon.emergency, quiet)
        self.switch = LanguageRequestMatcher(kb.lexicon.languages, quiet)
        self.empty_words = frozenset(t for words in kb.intents.empty.values() for w in words for t in tokenize(w))
        self.analyzer = Analyzer(kb.lexicon.synonyms, self.noise)
        self._noise_phrases = frozenset(self.intents.noise_phrases())
        self._longest_noise = max(map(len, self._noise_phrases), default=0)
        self.languages: dict[str, _Language] = {}
        self._exact: dict[str, int] = {}
        self._guesser = LanguageGuesser()
        self._known: set[str] = set()
        self._content_words: set[str] = set()
        self._resolved: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
        self._learned_memo: dict[str, np.ndarray] = {}
        self._known_forms: dict[str, bool] = {}  # is_known's answers for words not in _known
        self._learned: Future[LearnedModels] | None = None

    # ---- building -------------------------------------------------------------------------

    @classmethod
    def build(cls, kb: KnowledgeBase, taught: Mapping[str, list[tuple[str, str]]] = {}) -> "SearchIndex":
        """Index every entry; `taught` adds phrasings staff taught: entry id → [(language, question)]."""
        index = cls(kb)
        keep = question_words()
        names: dict[str, list[int]] = defaultdict(list)  # a title or keyword → the entries it names
        for lang_index, lang in enumerate(LANGS):
            vocabulary = Vocabulary()
            texts: dict[int, list[list[str]]] = {field: [] for field in FIELD_WEIGHTS}
            owners: dict[int, list[int]] = {field: [] for field in FIELD_WEIGHTS}

            def analyse(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
                analysed = index.analyzer.analyse(text, lang, keep)
                vocabulary.add_text(analysed.surfaces)
                index._guesser.add(lang_index, analysed.tokens)
                return analysed.tokens, analysed.terms

            for number, (entry_id, entry) in enumerate(kb.entries.items()):
                text = entry.texts.get(lang)
                if text is None:
                    continue
                words: set[str] = set()
                question_terms = []
                for question in text.questions + [q for q_lang, q in taught.get(entry_id, ()) if q_lang == lang]:
                    tokens, terms = analyse(question)
                    words.update(tokens)
                    question_terms.append(terms)
                    index._exact.setdefault(" ".join(tokens), number)
                tokens, title_terms = analyse(" ".join([text.title, *entry.keywords.get(lang, [])]))
                words = {word for word in words.union(tokens) if word not in index.noise and not word.isdigit()}
                parts = {
                    QUESTION: question_terms,
                    ENTRY: [[term for terms in (*question_terms, title_terms, analyse(html_to_text(text.answer))[1]) for term in terms]],
                    TITLE: [title_terms],
                    CHARS: [[gram for word in sorted(words) for gram in _grams(word)]],
                }
                for field, field_texts in parts.items():
                    texts[field].extend(field_texts)
                    owners[field].extend([number] * len(field_texts))
                for name in (text.title, *entry.keywords.get(lang, [])):
                    names[index._name_key(tokenize(name))].append(number)
            vocabulary.freeze()
            fields = {field: FieldIndex(texts[field], owners[field], len(index.entry_ids)) for field in FIELD_WEIGHTS}
            index.languages[lang] = _Language(vocabulary, fields)
            index._known.update(vocabulary.surfaces)
            index._content_words.update(vocabulary.surfaces)
        # A bare title or keyword ("ICRC", "МККК") that names one entry only is that entry.
        for name, numbers in names.items():
            if len(set(numbers)) == 1:
                index._exact.setdefault(name, numbers[0])
        index._known |= index.intents.vocabulary() | index.emergency.vocabulary() | index.switch.vocabulary()
        index._known |= set(index.noise) | set(index.empty_words) | set(index._guesser.words())
        # The learned models are trained in the background (a few seconds, once: they are cached): the
        # bot starts and /reload swaps the content without waiting; the first message that needs one does.
        training = start_training(kb, index.folded, index.read_in_cyrillic)
        index.emergency.learn(lambda: training.result().distress)
        index._learned = training
        return index

    def wait_for_learned_models(self) -> None:
        """Return when the learned models are trained or read from the cache (the first question
        otherwise waits for them)."""
        self.emergency.wait_for_model()
        self._entry_model()

    def _entry_model(self) -> EntryModel | None:
        return self._learned.result().entries if self._learned is not None else None

    def folded(self, text: str) -> str:
        """The message as the learned recogniser reads it: its repaired tokens, one space apart."""
        return " ".join(self.tokens(text))

    def read_in_cyrillic(self, text: str) -> str:
        """A question as the learned channel and the out-of-scope reading read it: its repaired tokens,
        Kazakh or Russian typed in Latin letters in Cyrillic, as most of the content's questions are."""
        return " ".join(self._in_cyrillic(self.tokens(text)))

    def _in_cyrillic(self, tokens: list[str], keep: Mapping[str, str] | None = None) -> list[str]:
        """Each Latin-letter token read in Cyrillic when that makes a word the content uses, but for the
        words of `keep` (by default the English texts) and English function words ("my", "to" are Russian too)."""
        if keep is None:
            keep = self.languages["en"].vocabulary.surfaces if "en" in self.languages else {}
        english = stop_words("en")
        readings = [transliterations(t) if t not in keep and t not in english and has_latin(t) else () for t in tokens]
        return [next((spelled for spelled in spellings if self.is_known(spelled)), token) for token, spellings in zip(tokens, readings)]

    def by_words_only(self) -> "SearchIndex":
        """The same index without the shortcut for exact listed questions and bare names: the
        self-test asks each listed question as if it were new."""
        words_only = copy.copy(self)
        words_only._exact = {}
        words_only._learned = None  # its learned channel learned the listed questions themselves
        return words_only

    # ---- understanding the query ----------------------------------------------------------

    def tokens(self, text: str) -> list[str]:
        """The query's folded tokens, with words typed on the wrong layout or in Latin repaired."""
        return repair_tokens(text, self.is_known)

    def question_tokens(self, tokens: list[str]) -> list[str]:
        """The tokens without greetings and fillers of several words ("добрый день", "i would like to know")."""
        return without_phrases(tokens, self._noise_phrases, self._longest_noise)

    def topic_tokens(self, tokens: list[str]) -> list[str]:
        """The tokens without the Society's name (two or more words of intents.yaml `neutral` together:
        "red crescent", "қызыл жарты ай қоғамы"): any question may name it, so it says nothing of what is
        asked; a word of it alone may be the topic ("бүгін ай толық па": the moon). All the tokens when
        nothing else is left."""
        neutral = self.intents.positions_of(NEUTRAL_GROUP, tokens)
        words = [position for position, token in enumerate(tokens) if token not in self.noise]  # "red crescent society of kazakhstan"
        name = {
            position for before, position, after in zip([None, *words], words, [*words[1:], None])
            if position in neutral and (before in neutral or after in neutral)
        }
        rest = [token for position, token in enumerate(tokens) if position not in name]
        if not name or not any(self._is_content(token) for token in self.question_tokens(rest)):
            return tokens
        return rest

    def _is_content(self, token: str) -> bool:
        return token not in self.noise and token not in question_words() and not token.isdigit()

    def _name_key(self, tokens: list[str]) -> str:
        """The words that name something: "what is the ICRC" and "ICRC" both name the ICRC."""
        return " ".join(t for t in tokens if t not in self.noise and t not in question_words())

    def is_known(self, word: str) -> bool:
        """True when the content or the word lists use this (folded) word, in any form."""
        if word in self._known:
            return True
        return _remembered(self._known_forms, word, lambda: any(
            (terms := self.analyzer.terms([word], lang)) and terms[0] in language.vocabulary.terms
            for lang, language in self.languages.items()
        ))

    def content_positions(self, tokens: list[str]) -> frozenset[int]:
        """Positions of the tokens that the entries' texts use as they are (real words, not typos)."""
        return frozenset(i for i, token in enumerate(tokens) if token in self._content_words)

    def language_of(self, tokens: list[str], raw_text: str = "") -> str | None:
        """The query's language when letters, marker words or the vocabulary make it clear."""
        return self._guesser.guess(tokens, raw_text)

    def known_share(self, tokens: list[str]) -> float:
        """The share of the query's content words that the content uses, even misspelt (0..1); fillers
        of several words ("i'm a student writing a paper") are not the question's words."""
        words = [t for t in dict.fromkeys(self.question_tokens(tokens)) if t not in self.noise and t not in question_words()]
        if not words:
            return 1.0
        return sum(1 for word in words if self._resolvable(word)) / len(words)

    def matched_share(self, tokens: list[str], hit: Hit) -> tuple[float, float]:
        """How much of the question the hit's entry says, in any form or misspelt: the share of the
        question's terms (a phrase of the synonyms counts once; numbers and question words don't
        count), and the same share weighted by how rare each term is (a word the content never uses
        weighs most): "жарты ай татуировкасы" says "жарты ай", but its rare word is the tattoo."""
        tokens = self._in_language(self.question_tokens(tokens), hit.lang)
        words = [t for t in tokens if self._is_content(t)]
        pairs = dict(self.analyzer.aligned(words, hit.lang))
        if not pairs:
            return 1.0, 1.0
        entry = self._numbers[hit.entry_id]
        field = self.languages[hit.lang].fields[ENTRY]
        vocabulary = self.languages[hit.lang].vocabulary
        matched = matched_weight = total_weight = 0.0
        for term, token in pairs.items():
            alternatives = self._resolve(token, term, hit.lang) or [(term, 1.0)]
            weight = max(field.idf_of(alternative) for alternative, _ in alternatives) or field.max_idf
            found = any(field.has(alternative, entry) for alternative, _ in alternatives)
            if not found and len(token) > 3:  # a misspelling that a listed question uses is a word too
                found = any(field.has(alternative, entry) for alternative, _ in vocabulary.neighbours(token))
            if not found:  # another form of the word ("treated" for "treatment")
                found = any(field.has(alternative, entry) for alternative, _ in vocabulary.relatives(term))
            matched += found
            matched_weight += weight * found
            total_weight += weight
        return matched / len(pairs), matched_weight / total_weight

    def _resolvable(self, word: str) -> bool:
        return any(self._resolve(word, term, lang) for lang in self.languages for term in self.analyzer.terms([word], lang))

    def _resolve(self, word: str, term: str, lang: str) -> list[tuple[str, float]]:
        return _remembered(self._resolved, (word, term, lang), lambda: self.languages[lang].vocabulary.resolve(word, term))

    # ---- searching ------------------------------------------------------------------------

    def search(self, query: str, lang: str, limit: int = 3) -> list[Hit]:
        """The best entries for a free-text query, best first (`lang`: the user's language)."""
        tokens = self.tokens(query)
        return self.search_tokens(tokens, self.language_of(tokens, query) or lang, limit)

    def search_tokens(self, tokens: list[str], lang: str, limit: int = 3) -> list[Hit]:
        """Search with tokens already repaired by `tokens()`; `lang` is preferred on ties. Saying a listed
        question exactly, or only the title or a keyword of one entry, finds that entry first."""
        scores, best_lang = self._scores(tokens, lang)
        count = min(limit, int(np.count_nonzero(scores > 0)))
        if count == 0:
            return []
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(self.entry_ids[e], round(float(scores[e]), 4), LANGS[int(best_lang[e])]) for e in top]

    def closeness(self, tokens: list[str], lang: str, entry_id: str) -> tuple[float, float, str]:
        """The entry's score for the query, the best score and the entry that has it."""
        scores, _ = self._scores(tokens, lang)
        best = int(scores.argmax()) if len(scores) else 0
        return float(scores[self._numbers[entry_id]]), float(scores[best]) if len(scores) else 0.0, self.entry_ids[best]

    def _scores(self, tokens: list[str], lang: str) -> tuple[np.ndarray, np.ndarray]:
        """Every entry's score in 0..1 and the language it matched best in."""
        per_lang = np.zeros((len(LANGS), len(self.entry_ids)), dtype=np.float32)
        words = self.question_tokens(tokens)
        if self.entry_ids and words:
            for lang_index, (language_code, language) in enumerate(self.languages.items()):
                per_lang[lang_index] = self._score(words, language_code, language)
            learned = self._learned_scores(words)
            if learned is not None:
                per_lang = (1 - LEARNED_WEIGHT) * per_lang + LEARNED_WEIGHT * learned
        # A listed question or a bare name, said as it is or with greetings and filler around it.
        keys = (key for said in (tokens, words) for key in (" ".join(said), self._name_key(said)))
        exact = next((self._exact[key] for key in keys if key in self._exact), None)
        if exact is not None:
            per_lang[:, exact] = np.maximum(per_lang[:, exact], EXACT_QUESTION_SCORE + 0.05 * per_lang[:, exact])
        preference = np.array([LANGUAGE_PREFERENCE if code == lang else 0.0 for code in LANGS], dtype=np.float32)
        best_lang = (per_lang + preference[:, None] * (per_lang > 0)).argmax(axis=0)
        return per_lang[best_lang, np.arange(len(self.entry_ids))], best_lang

    def entry_number(self, entry_id: str) -> int:
        """The entry's place in `entry_ids` (and in every score array)."""
        return self._numbers[entry_id]

    def learned_scores(self, tokens: list[str]) -> np.ndarray | None:
        """Each entry's score from the learned channel alone, in entry order; None without one."""
        return self._learned_scores(self.question_tokens(tokens))

    def reads_out_of_scope(self) -> bool:
        """True when the learned reading of out-of-scope questions is there (the content has examples)."""
        return self._learned is not None and self._learned.result().outside is not None

    def outside_probability(self, tokens: list[str]) -> float:
        """How likely the question asks what the content does not answer, by the learned reading (see reads_out_of_scope)."""
        return self._learned.result().outside.probability(" ".join(self._in_cyrillic(self.question_tokens(tokens))))

    def _learned_scores(self, words: list[str]) -> np.ndarray | None:
        model = self._entry_model() if words else None
        if model is None:
            return None
        # The search and the decision to answer both ask for the same message's scores.
        text = " ".join(self._in_cyrillic(words))
        return _remembered(self._learned_memo, text, lambda: model.scores(text), LEARNED_MEMO_LIMIT)

    def _in_language(self, tokens: list[str], lang: str) -> list[str]:
        """The tokens as a text of `lang` would spell them: Kazakh or Russian typed in Latin letters
        ("kim erikti bola alady") read as Cyrillic when that makes a word the content uses."""
        return tokens if lang == "en" else self._in_cyrillic(tokens, keep=self.languages[lang].vocabulary.surfaces)

    def _score(self, tokens: list[str], lang: str, language: _Language) -> np.ndarray:
        query: list[tuple[float, list[tuple[str, float]]]] = []
        unknown = 0.0
        seen: set[str] = set()
        questions = question_words()
        tokens = self._in_language(tokens, lang)
        for term, token in self.analyzer.aligned(tokens, lang, questions):
            if term in seen:
                continue
            seen.add(term)
            weight = QUESTION_WORD_WEIGHT if token in questions else 1.0
            alternatives = self._resolve(token, term, lang)
            if alternatives:
                query.append((weight, alternatives))
            else:
                unknown += weight
        if not query:
            return np.zeros(len(self.entry_ids), dtype=np.float32)
        total = np.zeros(len(self.entry_ids), dtype=np.float32)
        for field in (QUESTION, ENTRY, TITLE):
            total += FIELD_WEIGHTS[field] * language.fields[field].coverage(query, UNKNOWN_WORD_SHARE * unknown)
        grams = [gram for token in dict.fromkeys(tokens) if self._is_content(token) for gram in _grams(token)]
        chars = language.fields[CHARS]
        missing = sum(1 for gram in grams if gram not in chars.vocab)
        total += FIELD_WEIGHTS[CHARS] * chars.coverage([(1.0, [(gram, 1.0)]) for gram in grams], UNKNOWN_WORD_SHARE * missing)
        return total


# Per-index memos are emptied at these sizes (the index lives for months): query-word look-ups, and the
# learned channel's scores (an array per message: only the latest messages').
MEMO_LIMIT = 50_000
LEARNED_MEMO_LIMIT = 256


def _remembered(memo: dict, key, compute, limit: int = MEMO_LIMIT):
    """memo[key], computed once (the memo is emptied when it is full)."""
    if key in memo:
        return memo[key]
    if len(memo) > limit:
        memo.clear()
    memo[key] = value = compute()
    return value


@lru_cache(maxsize=1 << 16)
def _grams(word: str) -> tuple[str, ...]:
    padded = f"<{word}>"
    return tuple(padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1))

