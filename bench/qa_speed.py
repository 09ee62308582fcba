"""Time the knowledge engine in-process: index build, and p50/p99 per question, with the real
content and with 10,000 synthetic entries made by recombining the real ones.

    .venv/bin/python bench/qa_speed.py [--repeat N] [--entries N]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bot.knowledge.answer import answer_question  # noqa: E402
from bot.knowledge.loader import read_content  # noqa: E402
from bot.knowledge.model import LANGS, Entry, EntryText, KnowledgeBase  # noqa: E402
from bot.knowledge.search import SearchIndex  # noqa: E402


def eval_questions(eval_dir: Path) -> list[tuple[str, str]]:
    """(question, language) pairs from bench/eval: the questions and the action phrases."""
    pairs = []
    for lang in LANGS:
        path = eval_dir / f"{lang}.yaml"
        if path.is_file():
            pairs += [(str(item["q"]), lang) for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]]
    actions = eval_dir / "actions.yaml"
    if actions.is_file():
        for lang, per_action in (yaml.safe_load(actions.read_text(encoding="utf-8")) or {}).items():
            for name, phrases in (per_action or {}).items():
                pairs += [(str(p["q"] if isinstance(p, dict) else p), lang) for p in phrases or []]
    return pairs


def synthetic(kb: KnowledgeBase, total: int, seed: int = 7) -> KnowledgeBase:
    """The real entries plus recombinations of them (questions, keywords and answer sentences of
    two entries mixed, a distinct id and title) up to `total` entries."""
    rng = random.Random(seed)
    real = list(kb.entries.values())
    entries = dict(kb.entries)
    number = 0
    while len(entries) < total:
        number += 1
        first, second = rng.sample(real, 2)
        texts = {}
        for lang in LANGS:
            a, b = first.text(lang), second.text(lang)
            questions = rng.sample(a.questions, min(4, len(a.questions))) + rng.sample(b.questions, min(3, len(b.questions)))
            sentences = (a.answer + " " + b.answer).split(". ")
            rng.shuffle(sentences)
            texts[lang] = EntryText(
                title=f"{a.title} / {b.title} {number}",
                questions=[f"{q} {number}" if i == 0 else q for i, q in enumerate(questions)],
                answer=". ".join(sentences[: max(3, len(sentences) // 2)]),
            )
        keywords = {lang: first.keywords.get(lang, []) + second.keywords.get(lang, []) for lang in LANGS}
        entry_id = f"{first.id}-x-{second.id}-{number}"
        entries[entry_id] = Entry(
            id=entry_id,
            topic=first.topic,
            reviewed=first.reviewed,
            sources=first.sources,
            related=[first.id, second.id],
            keywords=keywords,
            texts=texts,
        )
    # The same word lists as the real content (synonyms, emergencies, language requests): the same engine.
    return dataclasses.replace(kb, entries=entries)


def time_build(kb: KnowledgeBase, repeat: int) -> tuple[SearchIndex, float]:
    """The index and the best build time in seconds over `repeat` builds."""
    best, index = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        index = SearchIndex.build(kb)
        best = min(best, time.perf_counter() - start)
    return index, best


def time_questions(index: SearchIndex, kb: KnowledgeBase, questions: list[tuple[str, str]], repeat: int) -> dict[str, float]:
    """p50/p99 milliseconds per question: the first pass (cold caches) and all passes."""
    first, everything = [], []
    for round_number in range(repeat):
        for question, lang in questions:
            start = time.perf_counter_ns()
            answer_question(index, kb, question, lang)
            elapsed = (time.perf_counter_ns() - start) / 1e6
            everything.append(elapsed)
            if round_number == 0:
                first.append(elapsed)
    return {
        "cold_p50": _percentile(first, 50),
        "cold_p99": _percentile(first, 99),
        "p50": _percentile(everything, 50),
        "p99": _percentile(everything, 99),
        "max": max(everything),
        "count": len(everything),
    }


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def main(argv: list[str] | None = None) -> int:
    """Print build times and per-question latency for the real and the synthetic content."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=PROJECT / "content")
    parser.add_argument("--eval", type=Path, default=PROJECT / "bench" / "eval")
    parser.add_argument("--repeat", type=int, default=20, help="passes over the questions")
    parser.add_argument("--entries", type=int, default=10_000, help="size of the synthetic knowledge base")
    args = parser.parse_args(argv)
    kb, problems = read_content(args.content)
    if kb is None:
        print("cannot load content:\n" + "\n".join(problems))
        return 0
    questions = eval_questions(args.eval)
    if not questions:
        questions = [(q, lang) for e in kb.entries.values() for lang, t in e.texts.items() for q in t.questions[:2]]
    print(f"{len(questions)} questions x {args.repeat} passes")
    for label, base in (("real", kb), (f"synthetic {args.entries}", None)):
        knowledge = base or synthetic(kb, args.entries)
        index, build = time_build(knowledge, 3 if base else 1)
        start = time.perf_counter()
        index.wait_for_learned_models()
        learned = time.perf_counter() - start
        figures = time_questions(index, knowledge, questions, args.repeat if base else max(1, args.repeat // 4))
        print(
            f"{label:16} entries {len(knowledge.entries):6}  build {build * 1000:7.1f} ms  "
            f"learned models then ready in {learned * 1000:7.1f} ms  "
            f"per question p50 {figures['p50']:.2f} ms  p99 {figures['p99']:.2f} ms  max {figures['max']:.2f} ms  "
            f"(first pass p50 {figures['cold_p50']:.2f} ms, p99 {figures['cold_p99']:.2f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
