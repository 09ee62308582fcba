"""The learned channel of the search: which entry a question sounds like, in any language, and its cache."""

from __future__ import annotations

import numpy as np

from bot.knowledge import entry_model
from bot.knowledge.entry_model import MAX_ENTRIES, EntryModel
from bot.knowledge.text_features import KEEP_CACHED

QUESTIONS = [
    ("кто основал красный крест", 0), ("who founded the red cross", 0), ("қызыл крестті кім құрды", 0),
    ("как стать волонтером", 1), ("how do i become a volunteer", 1), ("қалай ерікті боламын", 1),
    ("где сдать кровь", 2), ("where can i donate blood", 2), ("қанды қайда тапсыруға болады", 2),
]


def test_a_new_wording_sounds_most_like_its_entrys_questions_in_any_language():
    model = EntryModel.train(QUESTIONS, 3)
    assert int(np.argmax(model.scores("who was the founder of the red cross"))) == 0
    assert int(np.argmax(model.scores("хочу стать волонтёром"))) == 1
    assert int(np.argmax(model.scores("donate blod where"))) == 2
    assert all(0.0 < score < 1.0 for score in model.scores("где сдать кровь"))


def test_two_entries_are_told_apart_too():
    model = EntryModel.train([q for q in QUESTIONS if q[1] < 2], 2)
    assert int(np.argmax(model.scores("founded the red cross"))) == 0
    assert int(np.argmax(model.scores("become a volunteer"))) == 1


def test_a_trained_model_is_cached_and_read_back(tmp_path):
    trained = EntryModel.train(QUESTIONS, 3, tmp_path)
    assert len(list(tmp_path.glob("entries-*.npz"))) == 1
    entry_model._trained.cache_clear()  # as after a restart
    read_back = EntryModel.train(QUESTIONS, 3, tmp_path)
    assert np.allclose(read_back.scores("who founded it"), trained.scores("who founded it"))


def test_no_model_for_a_single_entry_or_more_entries_than_it_can_learn():
    assert EntryModel.train([q for q in QUESTIONS if q[1] == 0], 1) is None
    assert EntryModel.train(QUESTIONS, MAX_ENTRIES + 1) is None


def test_only_the_newest_cached_models_of_a_kind_are_kept(tmp_path):
    for extra in range(KEEP_CACHED + 2):  # as after as many edits of the content
        EntryModel.train(QUESTIONS + [(f"вопрос номер {extra}", 0)], 3, tmp_path)
    newest = EntryModel.train(QUESTIONS + [("самый новый вопрос", 1)], 3, tmp_path)
    assert len(list(tmp_path.glob("entries-*.npz"))) == KEEP_CACHED
    entry_model._trained.cache_clear()
    assert np.allclose(EntryModel.train(QUESTIONS + [("самый новый вопрос", 1)], 3, tmp_path).scores("кто"), newest.scores("кто"))
