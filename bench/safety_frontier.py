"""How the emergency recogniser's threshold (bot/knowledge/emergency.py: DISTRESS_PROBABILITY) trades
distress messages routed for calm ones routed, measured on messages the recogniser never learned from.

Each safety tuning set of bench/eval (the everyday sets too) is left out of
content/emergency_examples.yaml in turn, the recogniser is trained without it (into a temporary cache, so
the bot's own is left alone) and the set is measured at each threshold: distress messages routed,
help-word questions and everyday messages not routed.

    .venv/bin/python bench/safety_frontier.py [--sets safety_tuning7 safety_tuning8]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.eval import SAFETY_TUNING_FILES  # noqa: E402
from bench.eval_safety import evaluate_safety  # noqa: E402
from bot.knowledge import emergency  # noqa: E402
from bot.knowledge.loader import read_content  # noqa: E402
from bot.knowledge.model import LANGS, Emergency, KnowledgeBase  # noqa: E402
from bot.knowledge.search import SearchIndex  # noqa: E402

THRESHOLDS = (0.8, 0.7, 0.6, 0.5, 0.4)
FIGURES = ("distress", "helpwords", "everyday")


def _texts(path: Path) -> set[str]:
    """Every message of a safety file, as the examples would spell it."""
    sets = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        _key(item["q"] if isinstance(item, dict) else item)
        for per_lang in sets.values() for items in (per_lang or {}).values() for item in items or []
    }


def _key(text: object) -> str:
    return str(text).strip().lower()


def without_examples(kb: KnowledgeBase, left_out: set[str]) -> tuple[KnowledgeBase, int]:
    """The content with these messages taken out of the emergency examples, and how many were taken out."""
    found = kb.lexicon.emergency

    def keep(examples: dict[str, list[str]]) -> dict[str, list[str]]:
        return {lang: [text for text in texts if _key(text) not in left_out] for lang, texts in examples.items()}

    smaller = dataclasses.replace(found, distress_examples=keep(found.distress_examples), calm_examples=keep(found.calm_examples))
    return dataclasses.replace(kb, lexicon=dataclasses.replace(kb.lexicon, emergency=smaller)), _count(found) - _count(smaller)


def _count(found: Emergency) -> int:
    return sum(len(texts) for texts in (*found.distress_examples.values(), *found.calm_examples.values()))


def _cells(figures: dict) -> str:
    """'distress kk 58/60  …' for the figures of FIGURES, in every language measured."""
    cells = []
    for figure in FIGURES:
        for lang in LANGS:
            if lang in figures.get(figure, {}):
                passed, total = figures[figure][lang]
                cells.append(f"{figure} {lang} {passed}/{total}")
    return "  ".join(cells)


def _index(kb: KnowledgeBase) -> SearchIndex:
    index = SearchIndex.build(kb)
    index.wait_for_learned_models()
    return index


def main(argv: list[str] | None = None) -> int:
    """Print, per left-out set and threshold, what is routed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=PROJECT / "content")
    parser.add_argument("--eval", type=Path, default=PROJECT / "bench" / "eval")
    parser.add_argument("--sets", nargs="*", help="safety tuning sets to leave out (default: every one)")
    args = parser.parse_args(argv)
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="safety-frontier-")
    kb, problems = read_content(args.content)
    if kb is None:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("distress: routed (want all); helpwords, everyday: NOT routed (want all)")
    whole_index = None
    for name, file_name in SAFETY_TUNING_FILES:
        if args.sets and name not in args.sets:
            continue
        smaller, removed = without_examples(kb, _texts(args.eval / file_name))
        if removed:
            index = _index(smaller)
        else:  # never used as examples: the bot's own recogniser has not learned from it either
            whole_index = whole_index or _index(kb)
            index = whole_index
        print(f"{name} ({removed} of its messages were examples, left out):")
        for threshold in THRESHOLDS:
            # The recogniser reads the module's constant on every message.
            emergency.DISTRESS_PROBABILITY = threshold
            print(f"  >= {threshold}: {_cells(evaluate_safety(index, smaller, args.eval, file_name))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
