"""Recognise a message from someone who may be in danger now (content/emergency.yaml), before any
search: a person hurt or not breathing, a fire or flood here, a bare call for help."""

from __future__ import annotations

from collections.abc import Callable

from bot.knowledge.distress import DistressModel
from bot.knowledge.model import Emergency
from bot.knowledge.normalize import cyrillic_reading
from bot.knowledge.phrases import PhraseList
from bot.knowledge.stemming import stop_words

# A call for help ("помогите", "help me") is an emergency when at most this many other words of
# substance come with it; short words (I, me, my, у, на) never count.
CALL_MAX_OTHER_WORDS = 0
SHORT_WORD = 3
# The learned recogniser (bot/knowledge/distress.py) alone makes a message an emergency from this
# probability; below the second figure it overrules the word lists ("how to recognise a heart attack,
# for a school project" says "heart attack"); between the two, the word lists decide. Chosen on
# messages neither had learned from (bench/eval/safety_tuning5.yaml before it was added to the
# examples, and everyday messages kept out of them): distress routed 68% → 90%, help-word questions
# routed 17% → 3%, everyday messages routed 11% → 11%. Re-measured with each of the eight safety
# tuning sets left out of the examples in turn (bench/safety_frontier.py): 0.6 would route 1,528 instead
# of 1,511 of 1,576 distress messages, but 13 instead of 8 of 820 help-word questions and 22 instead of 13
# of 120 everyday messages (and "пдф не открывается"), so 0.8 stays; below 0.5 nothing more is caught.
DISTRESS_PROBABILITY = 0.8
CALM_PROBABILITY = 0.3


class EmergencyMatcher:
    """Tells whether a message's tokens (folded, layout repaired) say someone is in danger now."""

    def __init__(self, emergency: Emergency, quiet_words: frozenset[str]):
        def phrases(lists: dict[str, list[str]]) -> PhraseList:
            return PhraseList(text for texts in lists.values() for text in texts)

        self._danger = phrases(emergency.danger)
        self._calls = phrases(emergency.calls)
        self._disasters = phrases(emergency.disasters)
        self._now = phrases(emergency.now)
        self._about = phrases(emergency.about)
        self._hypothetical = phrases(emergency.hypothetical)
        self._quiet = quiet_words  # stop words and fillers: they never make a call a question
        self._english = stop_words("en")
        self._trained: Callable[[], DistressModel | None] | None = None

    def learn(self, trained: Callable[[], DistressModel | None]) -> None:
        """Use the learned recogniser beside the word lists: `trained()` gives it, waiting while it is
        being trained (without it, or when it gives None, the word lists alone)."""
        self._trained = trained

    def wait_for_model(self) -> None:
        """Return when the learned recogniser is trained or read from the cache."""
        _ = self._model

    @property
    def _model(self) -> DistressModel | None:
        return self._trained() if self._trained is not None else None

    def vocabulary(self) -> set[str]:
        """Every word of the danger, call, disaster and "now" phrases (so typing them on the wrong layout is repaired)."""
        lists = (self._danger, self._calls, self._disasters, self._now)
        return set().union(*(phrase_list.vocabulary() for phrase_list in lists))

    def is_emergency(self, tokens: list[str], exact: frozenset[int] = frozenset()) -> bool:
        """True when the word lists or the learned recogniser say someone is in danger now."""
        return self.listed(tokens, exact) or self.learned(tokens)

    def listed(self, tokens: list[str], exact: frozenset[int] = frozenset()) -> bool:
        """True when the word lists say someone is in danger now, or the message is a bare call for help,
        and the learned recogniser does not find it clearly calm (`exact`: positions of words the content
        itself uses, never read as typos of others). Kazakh or Russian typed in Latin letters ("komek
        kerek tez") is read in Cyrillic too."""
        if not tokens or not self._listed(tokens, exact):
            return False
        # Every word a call for help ("halp", "сос сос", "s.o.s"): no calm reading of it is worth the risk,
        # and the recogniser may never have seen the spelling.
        if len(self._calls.covered(tokens, exact)) == len(tokens):
            return True
        return self._model is None or self._model.probability(" ".join(tokens)) >= CALM_PROBABILITY

    def learned(self, tokens: list[str]) -> bool:
        """True when the learned recogniser alone is sure someone is in danger now."""
        return bool(tokens) and self._model is not None and self._model.probability(" ".join(tokens)) >= DISTRESS_PROBABILITY

    def _listed(self, tokens: list[str], exact: frozenset[int]) -> bool:
        if self._says_emergency(tokens, exact):
            return True
        # An English function word says the Latin words are English, already read as such above.
        if any(token in self._english for token in tokens):
            return False
        cyrillic = cyrillic_reading(tokens)
        if cyrillic is None:
            return False
        return self._says_emergency(cyrillic, frozenset(i for i in exact if cyrillic[i] == tokens[i]))

    def _says_emergency(self, tokens: list[str], exact: frozenset[int]) -> bool:
        danger = self._danger.covered(tokens, exact)
        disaster = self._disasters.covered(tokens, exact)
        call = self._calls.covered(tokens, exact)
        if not (danger or disaster or call):  # most messages: the other lists need not be read
            return False
        now = self._now.covered(tokens, exact)
        # A word of a danger phrase is not a word of asking about ("есть пострадавшие").
        about = self._about.covered(tokens, exact) - danger
        # "how does the Red Cross help in floods": a question about help, unless it also says who or where;
        # "what to do if someone is choking, first aid": the person is imagined.
        asks_about_help = bool(about) and (not now or bool(self._hypothetical.covered(tokens, exact)))
        if danger and not asks_about_help:
            return True
        # "помогите пожар": a call for help naming a disaster is an emergency as much as either alone.
        if disaster and not about and (now or not self._substantial(tokens, disaster | now | call)):
            return True
        if call and not about:
            return len(self._substantial(tokens, call | now | disaster)) <= CALL_MAX_OTHER_WORDS
        return False

    def _substantial(self, tokens: list[str], covered: set[int]) -> list[str]:
        return [
            token
            for position, token in enumerate(tokens)
            if position not in covered and len(token) > SHORT_WORD and token not in self._quiet and not token.isdigit()
        ]
