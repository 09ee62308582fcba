"""The decision to answer: the learned decision when the learned models are there, the rules without them."""

from __future__ import annotations

import itertools

from bot.knowledge.answer import (
    ANSWER_WEIGHTS, MIN_ANSWER_PROBABILITY, Evidence, Learned, answer_probability, decision_figures, is_confident,
)
from bot.knowledge.search import Hit

# A middling match: the rules alone only suggest it (it neither covers the question nor clearly leads).
HITS = (Hit("red-crystal", 0.34, "kk"), Hit("red-cross-emblem", 0.2, "kk"))


def middling(learned: Learned | None) -> Evidence:
    return Evidence(HITS, known=0.6, matched=0.5, matched_weight=0.4, in_domain=0.6, words=3, learned=learned)


def test_a_middling_match_the_learned_channel_also_picks_is_answered():
    assert is_confident(middling(Learned(top=0.9, best=0.9, second=0.1, agrees=True, reading=lambda: 0.1)))


def test_a_middling_match_the_learned_channel_puts_elsewhere_is_only_suggested():
    assert not is_confident(middling(Learned(top=0.1, best=0.9, second=0.3, agrees=False, reading=lambda: 0.1)))


def test_a_middling_match_is_declined_when_the_question_reads_like_an_out_of_scope_one():
    assert is_confident(middling(Learned(top=0.6, best=0.6, second=0.1, agrees=True, reading=lambda: 0.05)))
    assert not is_confident(middling(Learned(top=0.6, best=0.6, second=0.1, agrees=True, reading=lambda: 0.95)))


def test_without_the_learned_channel_the_rules_decide():
    assert not is_confident(middling(None))
    covered = Evidence(HITS, known=0.9, matched=0.8, matched_weight=0.8, in_domain=0.9, words=3)
    assert is_confident(covered)


def test_a_listed_question_said_exactly_is_answered_whatever_the_learned_channel_says():
    exact = Evidence((Hit("red-crystal", 0.97, "kk"),), 0.0, 0.0, 0.0, 0.0, words=1,
                     learned=Learned(top=0.0, best=0.9, second=0.5, agrees=False, reading=lambda: 0.9))
    assert is_confident(exact)


def test_every_figure_of_the_learned_decision_has_a_weight():
    figures = decision_figures(middling(Learned(0.5, 0.5, 0.1, True, reading=lambda: 0.1)))
    assert set(figures) == set(ANSWER_WEIGHTS)


def test_reading_the_out_of_scope_figure_only_when_needed_decides_as_the_probability_does():
    for top, outside in itertools.product((0.2, 0.5, 0.6, 0.7, 0.9), (0.0, 0.3, 0.6, 1.0)):
        found = middling(Learned(top=top, best=0.9, second=0.1, agrees=top >= 0.9, reading=lambda: outside))
        assert is_confident(found) == (answer_probability(found) >= MIN_ANSWER_PROBABILITY), (top, outside)
