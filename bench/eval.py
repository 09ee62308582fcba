"""Measure the knowledge engine on the dev evaluation set (bench/eval/*.yaml).

    .venv/bin/python bench/eval.py [--failures] [--content DIR] [--eval DIR]

Prints per language: top-1 (answered with the expected entry) and top-3 (expected entry among
the first three search results) accuracy on in-scope questions, the share of out-of-scope
questions declined (no knowledge answer), and the action phrases recognised. Always exits 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bot.knowledge.answer import answer_question  # noqa: E402
from bot.knowledge.loader import read_content  # noqa: E402
from bot.knowledge.model import LANGS  # noqa: E402
from bot.knowledge.search import SearchIndex  # noqa: E402


def evaluate(content_dir: Path, eval_dir: Path) -> dict[str, Any]:
    """Run every eval question and action phrase; return the figures per language and the failures."""
    kb, problems = read_content(Path(content_dir))
    if kb is None:
        raise ValueError("content cannot be loaded:\n" + "\n".join(problems))
    index = SearchIndex.build(kb)
    report: dict[str, Any] = {"languages": {}, "failures": [], "missing_entries": set()}
    for lang in LANGS:
        path = Path(eval_dir) / f"{lang}.yaml"
        if not path.is_file():
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
        figures = {"in_scope": 0, "top1": 0, "top3": 0, "out_of_scope": 0, "declined": 0, "skipped": 0}
        for item in items:
            question, expect = str(item["q"]), item.get("expect")
            result = answer_question(index, kb, question, lang)
            if expect is None:
                figures["out_of_scope"] += 1
                if result.kind != "answer":
                    figures["declined"] += 1
                else:
                    report["failures"].append(_failure(lang, question, None, result))
                continue
            accepted = {expect, *(item.get("accept") or [])}
            report["missing_entries"].update(a for a in accepted if a not in kb.entries)
            if not accepted & set(kb.entries):
                figures["skipped"] += 1  # its entry is not written yet
                continue
            figures["in_scope"] += 1
            if result.kind == "answer" and result.entry_id in accepted:
                figures["top1"] += 1
            else:
                report["failures"].append(_failure(lang, question, expect, result))
            hits = index.search(question, lang, limit=3)
            if accepted & {hit.entry_id for hit in hits}:
                figures["top3"] += 1
        report["languages"][lang] = figures
    _evaluate_actions(index, kb, Path(eval_dir) / "actions.yaml", report)
    report["missing_entries"] = sorted(report["missing_entries"])
    return report


def _evaluate_actions(index: SearchIndex, kb, path: Path, report: dict[str, Any]) -> None:
    if not path.is_file():
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for lang, per_action in data.items():
        figures = report["languages"].setdefault(lang, {})
        for key in ("actions", "actions_total", "not_actions", "not_actions_total"):
            figures.setdefault(key, 0)
        for action, phrases in (per_action or {}).items():
            if action == "not_actions":
                # Knowledge questions using action words: must be answered, not taken as actions.
                for item in phrases or []:
                    result = answer_question(index, kb, str(item["q"]), lang)
                    figures["not_actions_total"] += 1
                    if result.kind == "answer" and result.entry_id in {item["expect"], *(item.get("accept") or [])}:
                        figures["not_actions"] += 1
                    else:
                        report["failures"].append(_failure(lang, str(item["q"]), item["expect"], result))
                continue
            for phrase in phrases or []:
                result = answer_question(index, kb, str(phrase), lang)
                figures["actions_total"] += 1
                if result.kind == "action" and result.action == action:
                    figures["actions"] += 1
                else:
                    report["failures"].append(_failure(lang, str(phrase), f"action:{action}", result))


def _failure(lang: str, question: str, expect: str | None, result) -> dict[str, Any]:
    got = result.entry_id if result.kind == "answer" else result.action
    if result.kind == "did_you_mean":
        got = ",".join(s["entry_id"] for s in result.suggestions)
    return {"lang": lang, "q": question, "expect": expect, "kind": result.kind, "got": got, "score": result.score}


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:5.1f}%" if whole else "n/a"


def main(argv: list[str] | None = None) -> int:
    """Print the figures (and the failures with --failures)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=PROJECT / "content")
    parser.add_argument("--eval", type=Path, default=PROJECT / "bench" / "eval")
    parser.add_argument("--failures", action="store_true", help="list every failure")
    args = parser.parse_args(argv)
    try:
        report = evaluate(args.content, args.eval)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot evaluate: {exc}")
        return 0
    print(
        f"{'lang':4}  {'top-1 (answered right)':24}  {'top-3 (search)':22}  {'out of scope declined':22}  "
        f"{'actions recognised':22}  not-actions answered"
    )
    for lang, f in report["languages"].items():
        print(
            f"{lang:4}  {_share(f.get('top1', 0), f.get('in_scope', 0)):24}  {_share(f.get('top3', 0), f.get('in_scope', 0)):22}  "
            f"{_share(f.get('declined', 0), f.get('out_of_scope', 0)):22}  {_share(f.get('actions', 0), f.get('actions_total', 0)):22}  "
            f"{_share(f.get('not_actions', 0), f.get('not_actions_total', 0))}"
        )
    if report["missing_entries"]:
        skipped = sum(f.get("skipped", 0) for f in report["languages"].values())
        print(
            f"{skipped} in-scope questions skipped: their entries are not in the content yet "
            f"({len(report['missing_entries'])} missing ids)"
        )
    if args.failures:
        print("\nfailures:")
        for failure in report["failures"]:
            print(
                f"  [{failure['lang']}] {failure['q']!r}: expected {failure['expect']}, got {failure['kind']} "
                f"{failure['got'] or ''} ({failure['score']:.2f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
