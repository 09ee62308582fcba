"""Fit the learned decision to answer (bot/knowledge/answer.py: ANSWER_WEIGHTS, ANSWER_INTERCEPT) on the
tuning parts of bench/eval (bench/eval/*.yaml, tuning2/ to tuning6/), never the held-out part.

A logistic regression over the evidence of each question the engine searches for (the whole message
and, for long ones, each clause): is the best entry an accepted one? Prints, leave one tuning part out
(fitted on the others, measured on it), how many in-scope questions are answered right and wrong and
how many out-of-scope ones are answered, for the rules, for the current constants and for the refit at a
few thresholds; then the refit on every tuning part, as constants to paste into answer.py.

    .venv/bin/python bench/fit_decision.py [--regularisation 0.1] [--per-language]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.eval import TUNING_PARTS  # noqa: E402
from bot.knowledge import answer  # noqa: E402
from bot.knowledge.loader import read_content  # noqa: E402
from bot.knowledge.model import LANGS  # noqa: E402
from bot.knowledge.search import SearchIndex  # noqa: E402

THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


@dataclass
class Question:
    """One tuning question the engine searches for, with the evidence of the message and of its clauses."""

    part: str
    accepted: set[str] | None  # None: out of scope
    whole: answer.Evidence
    clauses: list[answer.Evidence]

    def answered(self, confident: Callable[[answer.Evidence], bool]) -> answer.Evidence | None:
        """The evidence the engine answers from with this decision, as answer.best_evidence picks it."""
        if confident(self.whole):
            return self.whole
        chosen = answer.best_of_clauses(self.whole, self.clauses, confident)
        return chosen if chosen is not self.whole else None


def collect(content: Path, eval_dir: Path) -> list[Question]:
    """Every tuning question the engine searches for (not routed as an emergency, action…) with results."""
    kb, problems = read_content(content)
    if kb is None:
        raise ValueError("\n".join(problems))
    index = SearchIndex.build(kb)
    index.wait_for_learned_models()
    questions = []
    for (part, folder), lang in itertools.product(TUNING_PARTS, LANGS):
        for item in yaml.safe_load((eval_dir / folder / f"{lang}.yaml").read_text(encoding="utf-8"))["items"]:
            text = str(item["q"])
            tokens = index.tokens(text)
            language = index.language_of(tokens, text) or lang
            if answer.route(index, kb, text, tokens, language, lang) is not None:
                continue
            whole = answer.evidence(index, tokens, language)
            if not whole.hits or whole.learned is None:
                continue
            clauses = [found for found in answer.clause_evidence(index, text, tokens, language) if found.hits and found.learned is not None]
            accepted = {item["expect"], *(item.get("accept") or [])} if item.get("expect") else None
            questions.append(Question(part, accepted, whole, clauses))
    return questions


def _rows(questions: list[Question]) -> tuple[np.ndarray, np.ndarray]:
    """Every evidence (message and clauses) as figures, and whether its best entry is right."""
    evidence = [(q.accepted, found) for q in questions for found in (q.whole, *q.clauses)]
    figures = np.array([list(answer.decision_figures(found).values()) for _, found in evidence])
    right = np.array([accepted is not None and found.hits[0].entry_id in accepted for accepted, found in evidence])
    return figures, right


def fit(questions: list[Question], regularisation: float) -> tuple[dict[str, float], float]:
    """The weights and intercept of a logistic regression on standardised figures, in the figures' own units."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    figures, right = _rows(questions)
    scaler = StandardScaler().fit(figures)
    model = LogisticRegression(C=regularisation, max_iter=5000).fit(scaler.transform(figures), right)
    weights = model.coef_[0] / scaler.scale_
    intercept = float(model.intercept_[0] - (weights * scaler.mean_).sum())
    names = list(answer.decision_figures(questions[0].whole))
    return dict(zip(names, (float(w) for w in weights))), intercept


def learned_decision(weights: dict[str, float], intercept: float, threshold: float) -> Callable[[answer.Evidence], bool]:
    """answer.is_confident with these constants."""
    def confident(found: answer.Evidence) -> bool:
        exact = found.hits[0].score >= answer.EXACT_QUESTION_SCORE
        return exact or answer.answer_probability(found, weights, intercept) >= threshold
    return confident


def outcome(questions: list[Question], confident: Callable[[answer.Evidence], bool]) -> tuple[int, int, int, int, int]:
    """(in scope, answered right, answered wrong, out of scope, out of scope answered)."""
    right = wrong = oos_answered = 0
    for question in questions:
        chosen = question.answered(confident)
        if question.accepted is None:
            oos_answered += chosen is not None
        elif chosen is not None:
            right += chosen.hits[0].entry_id in question.accepted
            wrong += chosen.hits[0].entry_id not in question.accepted
    in_scope = sum(q.accepted is not None for q in questions)
    return in_scope, right, wrong, len(questions) - in_scope, oos_answered


def _line(label: str, figures: tuple[int, int, int, int, int]) -> str:
    in_scope, right, wrong, oos, oos_answered = figures
    return (f"{label:32} of {in_scope} in scope: right {right:5} ({100 * right / in_scope:5.1f}%)  wrong {wrong:4} "
            f"({100 * wrong / in_scope:4.1f}%);  of {oos} out of scope: answered {oos_answered:3} ({100 * oos_answered / oos:4.1f}%)")


def main(argv: list[str] | None = None) -> int:
    """Print the leave-one-part-out figures and the refit constants."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=PROJECT / "content")
    parser.add_argument("--eval", type=Path, default=PROJECT / "bench" / "eval")
    parser.add_argument("--regularisation", type=float, default=0.1, help="LogisticRegression's C")
    parser.add_argument("--per-language", action="store_true", help="also each language's leave-one-part-out figures")
    args = parser.parse_args(argv)
    questions = collect(args.content, args.eval)
    parts = sorted({q.part for q in questions})
    rules = lambda found: answer.is_confident(found, answer.ANSWER_RULES)  # noqa: E731
    print(f"{len(questions)} tuning questions reach the search; figures summed over the parts, each measured "
          f"by a decision fitted without it")
    print(_line("rules", outcome(questions, rules)))
    print(_line("current constants", outcome(questions, answer.is_confident)))
    refits = {part: fit([q for q in questions if q.part != part], args.regularisation) for part in parts}
    languages = LANGS if args.per_language else ()
    for threshold in THRESHOLDS:
        total = {lang: np.zeros(5, dtype=int) for lang in (None, *languages)}
        for part, (weights, intercept) in refits.items():
            measured = [q for q in questions if q.part == part]
            for lang in total:
                chosen = [q for q in measured if lang is None or q.whole.hits[0].lang == lang]
                total[lang] += outcome(chosen, learned_decision(weights, intercept, threshold))
        for lang, figures in total.items():
            label = f"refit, probability >= {threshold}" + (f", {lang}" if lang else "")
            print(_line(label, tuple(int(x) for x in figures)))
    weights, intercept = fit(questions, args.regularisation)
    print("\nfitted on every tuning part:")
    print("ANSWER_WEIGHTS = {\n" + "".join(f'    "{name}": {weight:.4f},\n' for name, weight in weights.items()) + "}")
    print(f"ANSWER_INTERCEPT = {intercept:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
