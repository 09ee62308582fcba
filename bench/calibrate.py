"""Calibrate the decision to answer (bot/knowledge/answer.py) on tuning data only: the content's own
questions fold by fold (bench/crossval.py) and the tuning parts of bench/eval (bench/eval/*.yaml and
bench/eval/tuning2/), never the held-out part.
Prints the thresholds that do best when a right answer counts 1, a wrong one -WRONG and an
out-of-scope question answered -OUT_OF_SCOPE (eval questions count TUNING_WEIGHT times: they are
written the way people type).

    .venv/bin/python bench/calibrate.py [--wrong 0.5] [--out-of-scope 10]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.crossval import without_fold  # noqa: E402
from bench.eval import TUNING_PARTS  # noqa: E402
from bot.knowledge import answer  # noqa: E402
from bot.knowledge.loader import read_content  # noqa: E402
from bot.knowledge.model import LANGS  # noqa: E402
from bot.knowledge.search import SearchIndex  # noqa: E402

TUNING_WEIGHT = 3
GRID = {
    "min_score": [0.2, 0.23, 0.25, 0.27, 0.3, 0.33, 0.36],
    "min_margin": [0.0, 0.01, 0.02, 0.04, 0.08],
    "min_matched": [0.0, 0.33, 0.5, 0.67],
    "min_matched_weight": [0.0, 0.2, 0.3],
    "min_known": [0.0, 0.6, 0.65, 0.75, 0.8],
}


def _searched(index, kb, question: str, lang: str) -> answer.Evidence | None:
    """The evidence for a question the engine would search for (None for emergencies, actions…)."""
    if answer.answer_question(index, kb, question, lang).kind not in ("answer", "did_you_mean", "unknown", "out_of_scope"):
        return None
    tokens = index.tokens(question)
    return answer.evidence(index, tokens, index.language_of(tokens, question) or lang)


def collect(content: Path, eval_dir: Path, folds: int) -> list[tuple[float, set[str] | None, answer.Evidence]]:
    """(weight, accepted entry ids or None for out of scope, evidence) for every tuning question."""
    kb, problems = read_content(content)
    if kb is None:
        raise ValueError("\n".join(problems))
    records = []
    for fold in range(folds):
        reduced, asked = without_fold(kb, fold, folds)
        index = SearchIndex.build(reduced)
        for entry_id, lang, question in asked:
            if (found := _searched(index, reduced, question, lang)) is not None:
                records.append((1.0, {entry_id}, found))
    index = SearchIndex.build(kb)
    for (_, folder), lang in itertools.product(TUNING_PARTS, LANGS):
        for item in yaml.safe_load((eval_dir / folder / f"{lang}.yaml").read_text(encoding="utf-8"))["items"]:
            accepted = {item["expect"], *(item.get("accept") or [])} if item.get("expect") else None
            if (found := _searched(index, kb, str(item["q"]), lang)) is not None:
                records.append((TUNING_WEIGHT, accepted, found))
    return records


def utility(records, wrong: float, out_of_scope: float, **thresholds: float) -> tuple[float, dict[str, float]]:
    """The weighted utility of these thresholds, and the shares behind it."""
    total = right = wrong_count = answered_oos = in_scope = oos = 0.0
    for weight, accepted, found in records:
        answers = answer.is_confident(found, **thresholds)
        if accepted is None:
            oos += 1
            answered_oos += answers
            total -= weight * out_of_scope * answers
            continue
        in_scope += weight
        hit = answers and found.hits[0].entry_id in accepted
        right += weight * hit
        wrong_count += weight * (answers and not hit)
        total += weight * (hit - wrong * (answers and not hit))
    return total, {"right": right / in_scope, "wrong": wrong_count / in_scope, "oos answered": answered_oos / max(oos, 1)}


def main(argv: list[str] | None = None) -> int:
    """Print the current thresholds' figures and the best ones on the grid."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=PROJECT / "content")
    parser.add_argument("--eval", type=Path, default=PROJECT / "bench" / "eval")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--wrong", type=float, default=0.5, help="cost of a wrong answer (a right one is 1)")
    parser.add_argument("--out-of-scope", type=float, default=10.0, help="cost of answering an out-of-scope question")
    args = parser.parse_args(argv)
    records = collect(args.content, args.eval, args.folds)
    current = {"min_score": answer.ANSWER_MIN_SCORE, "min_margin": answer.MIN_RELATIVE_MARGIN,
               "min_matched": answer.MIN_MATCHED_SHARE, "min_matched_weight": answer.MIN_MATCHED_WEIGHT,
               "min_known": answer.MIN_KNOWN_TO_ANSWER}
    ranked = sorted(
        ((utility(records, args.wrong, args.out_of_scope, **dict(zip(GRID, values))), dict(zip(GRID, values)))
         for values in itertools.product(*GRID.values())),
        key=lambda item: -item[0][0],
    )
    for label, (score, shares), thresholds in [("current", utility(records, args.wrong, args.out_of_scope, **current), current)] + [
        ("best", *ranked[0]), *(("next", *item) for item in ranked[1:6])
    ]:
        figures = "  ".join(f"{name} {100 * value:5.1f}%" for name, value in shares.items())
        print(f"{label:8} utility {score:8.1f}  {figures}  {thresholds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
