"""The models learned from the content, trained in the background: the emergency recogniser, the
search's learned channel and the reading of out-of-scope questions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import NamedTuple

from bot.knowledge.distress import DistressModel
from bot.knowledge.entry_model import EntryModel
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.outside import OutsideModel
from bot.knowledge.text_features import default_cache_dir

# One training at a time: a /reload during a training waits for it, then finds its models cached.
_ONE_AT_A_TIME = threading.Lock()


class LearnedModels(NamedTuple):
    """The models learned from the content (None when there is nothing to learn from)."""

    distress: DistressModel | None
    entries: EntryModel | None
    outside: OutsideModel | None


def start_training(kb: KnowledgeBase, folded: Callable[[str], str], in_cyrillic: Callable[[str], str]) -> Future[LearnedModels]:
    """Train (or read from the cache) the models in the background: the emergency recogniser reads texts
    as `folded` gives them, the other two as `in_cyrillic` does."""
    training: Future[LearnedModels] = Future()

    def train() -> None:
        training.set_running_or_notify_cancel()
        try:
            with _ONE_AT_A_TIME:
                training.set_result(_train(kb, folded, in_cyrillic))
        except BaseException as error:  # handed to whoever waits for the models
            training.set_exception(error)

    # A daemon thread, not an executor's: a bot asked to stop stops at once instead of finishing a
    # training nobody will use (the cache is written whole or not at all, so nothing is left half-made).
    threading.Thread(target=train, name="learned-models", daemon=True).start()
    return training


def _train(kb: KnowledgeBase, folded: Callable[[str], str], in_cyrillic: Callable[[str], str]) -> LearnedModels:
    """The emergency recogniser (the examples against the calm ones and every listed question), the
    search's learned channel (every listed question labelled with its entry's number) and the reading of
    out-of-scope questions (the examples against every listed question)."""
    listed = [
        (question, number)
        for number, entry in enumerate(kb.entries.values())
        for text in entry.texts.values()
        for question in text.questions
    ]
    emergency = kb.lexicon.emergency
    distress = [folded(text) for texts in emergency.distress_examples.values() for text in texts]
    calm = [folded(text) for texts in emergency.calm_examples.values() for text in texts]
    calm += [folded(question) for question, _ in listed]
    questions = [(in_cyrillic(question), number) for question, number in listed]
    outside = [in_cyrillic(text) for texts in kb.lexicon.outside_examples.values() for text in texts]
    cache = default_cache_dir()
    entries = EntryModel.train(questions, len(kb.entries), cache)
    # Without the learned channel (too many entries) the rules decide, and they do not read it.
    outside_model = OutsideModel.train(outside, [question for question, _ in questions], cache) if entries else None
    return LearnedModels(DistressModel.train(distress, calm, cache), entries, outside_model)
