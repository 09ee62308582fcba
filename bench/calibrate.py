"""Calibrate the rules of the decision to answer (bot/knowledge/answer.py: the decision when the content
has too many entries for the search's learned channel; bench/fit_decision.py fits the learned one) on tuning data only: the content's own
questions fold by fold (bench/crossval.py) and the tuning parts of bench/eval (bench/eval/*.yaml,
bench/eval/tuning2/ to tuning6/), never the held-out part. Among the thresholds of the two rules (the best entry
covers the question, or clearly leads) that leave at most --max-out-of-scope of the tuning
out-of-scope questions answered, prints the ones that do best when a right answer counts 1 and a
wrong one -WRONG (eval questions count TUNING_WEIGHT times: they are written the way people type).

    .venv/bin/python bench/calibrate.py [--wrong 1] [--max-out-of-scope 0.05]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np
import yaml

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.crossval import without_fold  # noqa: E402
from bench.eval import TUNING_PARTS  # noqa: E402
from bot.knowledge import answer  # noqa: E402
from bot.knowledge.loader import read_content  # noqa: E402
from bot.knowledge.model import LANGS  # noqa: E402
from bot.knowledge.search import EXACT_QUESTION_SCORE, SearchIndex  # noqa: E402

TUNING_WEIGHT = 3
COVERS_GRID = {
    "min_score": [0.2, 0.22, 0.25, 0.28, 0.3, 0.33],
    "min_margin": [0.0, 0.01, 0.04],
    "min_matched": [0.3, 0.4, 0.5],
    "min_matched_weight": [0.0, 0.2, 0.3],
    "min_known": [0.6, 0.7, 0.8],
}
LEADS_GRID = {
    "min_score": [0.3, 0.35, 0.4, 0.45, 0.5],
    "min_margin": [0.1, 0.2, 0.3, 0.4],
    "min_matched": [0.4, 0.5, 0.6],
    "min_matched_weight": [0.0, 0.3],
    "min_known": [0.0, 0.5, 0.6],
}


@dataclasses.dataclass
class Records:
    """The evidence of every tuning question, as arrays: one row a question."""

    figures: dict[str, np.ndarray]  # score, margin, matched, matched_weight, known
    weight: np.ndarray
    right: np.ndarray  # the best entry is an accepted one
    out_of_scope: np.ndarray
    tuning: np.ndarray  # an eval question (not a listed one)


def _searched(index, kb, question: str, lang: str) -> answer.Evidence | None:
    """The evidence for a question the engine would search for (None for emergencies, actions…)."""
    if answer.answer_question(index, kb, question, lang).kind not in ("answer", "did_you_mean", "unknown", "out_of_scope"):
        return None
    tokens = index.tokens(question)
    found = answer.evidence(index, tokens, index.language_of(tokens, question) or lang)
    return found if found.hits else None


def collect(content: Path, eval_dir: Path, folds: int) -> Records:
    """The evidence for every tuning question: listed questions fold by fold, then the eval questions."""
    kb, problems = read_content(content)
    if kb is None:
        raise ValueError("\n".join(problems))
    rows: list[tuple[float, set[str] | None, answer.Evidence]] = []
    for fold in range(folds):
        reduced, asked = without_fold(kb, fold, folds)
        index = SearchIndex.build(reduced)
        for entry_id, lang, question in asked:
            if (found := _searched(index, reduced, question, lang)) is not None:
                rows.append((1.0, {entry_id}, found))
    index = SearchIndex.build(kb)
    for (_, folder), lang in itertools.product(TUNING_PARTS, LANGS):
        for item in yaml.safe_load((eval_dir / folder / f"{lang}.yaml").read_text(encoding="utf-8"))["items"]:
            accepted = {item["expect"], *(item.get("accept") or [])} if item.get("expect") else None
            if (found := _searched(index, kb, str(item["q"]), lang)) is not None:
                rows.append((TUNING_WEIGHT, accepted, found))
    figures = {
        "score": np.array([found.hits[0].score for _, _, found in rows]),
        "margin": np.array([found.margin for _, _, found in rows]),
        "matched": np.array([found.matched for _, _, found in rows]),
        "matched_weight": np.array([found.matched_weight for _, _, found in rows]),
        "known": np.array([found.known for _, _, found in rows]),
    }
    return Records(
        figures,
        weight=np.array([weight for weight, _, _ in rows]),
        right=np.array([accepted is not None and found.hits[0].entry_id in accepted for _, accepted, found in rows]),
        out_of_scope=np.array([accepted is None for _, accepted, _ in rows]),
        tuning=np.array([weight == TUNING_WEIGHT for weight, _, _ in rows]),
    )


def holds(records: Records, rule: answer.Rule) -> np.ndarray:
    """Which questions the rule answers (the engine's own test, on every question at once)."""
    return rule.admits(**records.figures)


def shares(records: Records, answers: np.ndarray, wrong_cost: float) -> tuple[float, dict[str, float]]:
    """The weighted utility of answering these questions, and the shares behind it."""
    answers = answers | (records.figures["score"] >= EXACT_QUESTION_SCORE)
    in_scope = ~records.out_of_scope
    right = answers & in_scope & records.right
    wrong = answers & in_scope & ~records.right
    weight = records.weight
    utility = float((weight * right).sum() - wrong_cost * (weight * wrong).sum())
    tuning_in_scope = in_scope & records.tuning
    figures = {
        "right": (weight * right).sum() / (weight * in_scope).sum(),
        "wrong": (weight * wrong).sum() / (weight * in_scope).sum(),
        "tuning right": right[tuning_in_scope].mean(),
        "tuning wrong": wrong[tuning_in_scope].mean(),
        "oos answered": answers[records.out_of_scope].mean(),
    }
    return utility, figures


def main(argv: list[str] | None = None) -> int:
    """Print the current rules' figures and the best ones on the grid."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=PROJECT / "content")
    parser.add_argument("--eval", type=Path, default=PROJECT / "bench" / "eval")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--wrong", type=float, default=1.0, help="cost of a wrong answer (a right one is 1)")
    parser.add_argument("--max-out-of-scope", type=float, default=0.05, help="share of out-of-scope questions that may be answered")
    args = parser.parse_args(argv)
    records = collect(args.content, args.eval, args.folds)
    covers = {rule: holds(records, rule) for rule in _rules(COVERS_GRID)}
    leads = {rule: holds(records, rule) for rule in _rules(LEADS_GRID)}
    allowed = args.max_out_of_scope * records.out_of_scope.sum()
    ranked = []
    for (cover, cover_answers), (lead, lead_answers) in itertools.product(covers.items(), leads.items()):
        answers = cover_answers | lead_answers
        if (answers & records.out_of_scope).sum() <= allowed:
            ranked.append((shares(records, answers, args.wrong), cover, lead))
    ranked.sort(key=lambda item: -item[0][0])
    current = answer.COVERS, answer.LEADS
    rows = [("current", shares(records, holds(records, current[0]) | holds(records, current[1]), args.wrong), *current)]
    rows += [("best" if n == 0 else "next", *item) for n, item in enumerate(ranked[:6])]
    for label, (utility, figures), cover, lead in rows:
        print(f"{label:8} utility {utility:8.1f}  " + "  ".join(f"{name} {100 * value:5.1f}%" for name, value in figures.items()))
        print(f"{'':8} COVERS = {cover}\n{'':8} LEADS = {lead}")
    return 0


def _rules(grid: dict[str, list[float]]) -> list[answer.Rule]:
    return [answer.Rule(**dict(zip(grid, values))) for values in itertools.product(*grid.values())]


if __name__ == "__main__":
    sys.exit(main())
