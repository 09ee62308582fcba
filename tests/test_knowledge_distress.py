"""The learned emergency recogniser: scikit-learn's features and model, scored quickly, kept in a cache."""

from __future__ import annotations

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.knowledge import binary_model, text_features
from bot.knowledge.distress import DistressModel
from bot.knowledge.text_features import letter_groups, word_groups

DISTRESS = ["мой отец не дышит", "ребенок упал с окна", "my friend is bleeding badly", "he collapsed and is not breathing",
            "бала суға батып барады", "fire in our flat we are trapped"]
CALM = ["who founded the red cross", "how to learn first aid", "когда основан красный крест", "что такое красный кристалл",
        "қызыл жарты ай қоғамы қашан құрылды", "how do i become a volunteer", "where to donate blood", "thanks a lot"]
NEW = ["my father is not breathing", "когда основан полумесяц", "бала суға кетті", "zzz", "a"]


def test_letter_and_word_groups_are_scikit_learns_own():
    letters = TfidfVectorizer(analyzer="char_wb", ngram_range=text_features.LETTER_GROUPS).build_analyzer()
    words = TfidfVectorizer(analyzer="word", ngram_range=text_features.WORD_GROUPS, token_pattern=r"\S+").build_analyzer()
    for text in DISTRESS + CALM + NEW:
        assert letter_groups(text) == letters(text) and word_groups(text) == words(text), text


def test_the_quick_probability_is_what_scikit_learn_computes():
    model = DistressModel.train(DISTRESS, CALM)
    vectorisers = [TfidfVectorizer(analyzer=letter_groups, min_df=2, sublinear_tf=True),
                   TfidfVectorizer(analyzer=word_groups, sublinear_tf=True)]
    matrix = hstack([v.fit_transform(DISTRESS + CALM) for v in vectorisers]).tocsr()
    labels = np.array([1] * len(DISTRESS) + [0] * len(CALM))
    regression = LogisticRegression(C=DistressModel.REGULARISATION, class_weight="balanced", max_iter=2000).fit(matrix, labels)
    for text in NEW:
        expected = regression.predict_proba(hstack([v.transform([text]) for v in vectorisers]))[0, 1]
        assert abs(model.probability(text) - expected) < 1e-6, text


def test_it_tells_new_distress_from_new_questions_after_learning_from_examples():
    model = DistressModel.train(DISTRESS, CALM)
    assert model.probability("my mother is not breathing") > 0.5
    assert model.probability("who founded the red crescent") < 0.5


def test_a_trained_model_is_cached_and_read_back_and_a_broken_cache_is_trained_again(tmp_path):
    trained = DistressModel.train(DISTRESS, CALM, tmp_path)
    (cached,) = tmp_path.glob("distress-*.npz")
    binary_model._trained.cache_clear()  # as after a restart
    read_back = DistressModel.train(DISTRESS, CALM, tmp_path)
    assert [read_back.probability(t) for t in NEW] == [trained.probability(t) for t in NEW]
    cached.write_bytes(b"half a fi")
    binary_model._trained.cache_clear()
    again = DistressModel.train(DISTRESS, CALM, tmp_path)
    assert abs(again.probability(NEW[0]) - trained.probability(NEW[0])) < 1e-9
    assert cached.read_bytes() != b"half a fi"  # trained again and cached whole


def test_without_examples_of_both_kinds_there_is_no_model():
    assert DistressModel.train([], CALM) is None
    assert DistressModel.train(DISTRESS, []) is None
