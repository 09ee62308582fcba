"""Measure the knowledge engine against plain BM25 on the tuning parts (bench/eval/*.yaml and the
tuning sets bench/eval/tuning2/ to tuning6/) and the held-out part (bench/eval/heldout/), and on the
safety sets (bench/eval/safety/, the tuning examples in bench/eval/safety_tuning*.yaml and the everyday
messages kept out of the emergency examples, bench/eval/safety_everyday*.yaml).

    .venv/bin/python bench/eval.py [--tuning] [--failures] [--lingua] [--content DIR] [--eval DIR]

Per language: top-1 (answered with an expected entry, also when it follows the emergency numbers)
and declined (out-of-scope questions not answered) for the engine and for plain BM25 (which never
declines), the reply language on the held-out part when the user's chosen language is another one,
and the safety sets. --failures lists the tuning parts' failures only: held-out items are never shown.
--tuning runs the tuning parts alone (what to work against; the held-out part is for reporting only).
--lingua also reports how lingua-language-detector (kk/ru/en only) names the languages, if it is
installed. Always exits 0."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.baseline import PlainBM25  # noqa: E402
from bench.eval_safety import evaluate_safety  # noqa: E402
from bot.knowledge.answer import answer_question  # noqa: E402
from bot.knowledge.loader import read_content  # noqa: E402
from bot.knowledge.model import LANGS  # noqa: E402
from bot.knowledge.search import SearchIndex  # noqa: E402

# The user's chosen language when measuring the reply language: always another one.
OTHER_LANGUAGE = {"kk": "ru", "ru": "kk", "en": "ru"}
# The question sets: (part, folder under bench/eval); failures are listed for the tuning parts only.
TUNING_PARTS = (
    ("tuning", "."), ("tuning2", "tuning2"), ("tuning3", "tuning3"), ("tuning4", "tuning4"), ("tuning5", "tuning5"),
    ("tuning6", "tuning6"),
)
HELDOUT_PART = ("heldout", "heldout")
# The safety tuning sets: (report key, file under bench/eval).
SAFETY_TUNING_FILES = (
    ("safety_tuning", "safety_tuning.yaml"), ("safety_tuning2", "safety_tuning2.yaml"), ("safety_tuning3", "safety_tuning3.yaml"),
    ("safety_tuning4", "safety_tuning4.yaml"), ("safety_tuning5", "safety_tuning5.yaml"),
    ("safety_tuning6", "safety_tuning6.yaml"), ("safety_tuning7", "safety_tuning7.yaml"),
    ("safety_tuning8", "safety_tuning8.yaml"),
    # kept out of the examples: how often everyday chat is taken for danger
    ("safety_everyday", "safety_everyday.yaml"), ("safety_everyday2", "safety_everyday2.yaml"),
)


def evaluate(content_dir: Path, eval_dir: Path, lingua: bool = False, tuning_only: bool = False) -> dict[str, Any]:
    """Run every eval item (the tuning parts' only, with `tuning_only`); return the figures per part
    and language, and the tuning failures."""
    kb, problems = read_content(Path(content_dir))
    if kb is None:
        raise ValueError("content cannot be loaded:\n" + "\n".join(problems))
    index = SearchIndex.build(kb)
    baseline = PlainBM25(kb)
    detector = _lingua() if lingua else None
    eval_dir = Path(eval_dir)
    parts = list(TUNING_PARTS) + ([] if tuning_only else [HELDOUT_PART])
    report: dict[str, Any] = {part: {} for part, _ in (*TUNING_PARTS, HELDOUT_PART)}
    report.update(failures=[], missing_entries=set())
    for part, folder in parts:
        for lang in LANGS:
            path = eval_dir / folder / f"{lang}.yaml"
            if path.is_file():
                items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
                failures = report["failures"] if part != HELDOUT_PART[0] else None
                report[part][lang] = _questions(index, kb, baseline, detector, items, lang, failures, report["missing_entries"])
    _evaluate_actions(index, kb, eval_dir / "actions.yaml", report)
    report["safety"] = {} if tuning_only else evaluate_safety(index, kb, eval_dir / "safety")
    for key, file_name in SAFETY_TUNING_FILES:
        report[key] = evaluate_safety(index, kb, eval_dir, single_file=file_name, failures=report["failures"])
    report["missing_entries"] = sorted(report["missing_entries"])
    return report


def _questions(index, kb, baseline, detector, items, lang, failures, missing) -> dict[str, int]:
    figures = dict.fromkeys(
        ("in_scope", "top1", "search_top1", "bm25_top1", "out_of_scope", "declined", "items", "reply_lang", "rules_lang",
         "lingua_lang"),
        0,
    )
    for item in items:
        question, expect = str(item["q"]), item.get("expect")
        result = answer_question(index, kb, question, lang)
        figures["items"] += 1
        figures["reply_lang"] += answer_question(index, kb, question, OTHER_LANGUAGE[lang]).lang == lang
        figures["rules_lang"] += index.language_of(index.tokens(question), question) == lang
        if detector is not None:
            figures["lingua_lang"] += detector(question) == lang
        if expect is None:
            figures["out_of_scope"] += 1
            figures["declined"] += not result.shows_entry
            if result.shows_entry and failures is not None:
                failures.append(_failure(lang, question, None, result))
            continue
        accepted = {expect, *(item.get("accept") or [])}
        missing.update(a for a in accepted if a not in kb.entries)
        if not accepted & set(kb.entries):
            continue  # its entry is not written yet
        figures["in_scope"] += 1
        figures["bm25_top1"] += baseline.top(question) in accepted
        hits = index.search(question, lang, limit=1)
        figures["search_top1"] += bool(hits) and hits[0].entry_id in accepted
        if result.shows_entry and result.entry_id in accepted:
            figures["top1"] += 1
        elif failures is not None:
            failures.append(_failure(lang, question, expect, result))
    return figures


def _lingua():
    """A function naming a text's language with lingua (kk/ru/en only), or None if not installed."""
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    detector = LanguageDetectorBuilder.from_languages(Language.KAZAKH, Language.RUSSIAN, Language.ENGLISH).build()
    codes = {Language.KAZAKH: "kk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}
    return lambda text: codes.get(detector.detect_language_of(text))


def _evaluate_actions(index: SearchIndex, kb, path: Path, report: dict[str, Any]) -> None:
    if not path.is_file():
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for lang, per_action in data.items():
        figures = report["tuning"].setdefault(lang, {})
        for key in ("actions", "actions_total", "not_actions", "not_actions_total"):
            figures.setdefault(key, 0)
        for action, phrases in (per_action or {}).items():
            for item in phrases or []:
                question = str(item["q"] if isinstance(item, dict) else item)
                result = answer_question(index, kb, question, lang)
                if action == "not_actions":  # knowledge questions using action words: answered, not acted on
                    figures["not_actions_total"] += 1
                    ok = result.kind == "answer" and result.entry_id in {item["expect"], *(item.get("accept") or [])}
                    figures["not_actions"] += ok
                    expect = item["expect"]
                else:
                    figures["actions_total"] += 1
                    ok = result.kind == "action" and result.action == action
                    figures["actions"] += ok
                    expect = f"action:{action}"
                if not ok:
                    report["failures"].append(_failure(lang, question, expect, result))


def _failure(lang: str, question: str, expect: str | None, result) -> dict[str, Any]:
    got = result.entry_id if result.shows_entry else result.action or ",".join(result.suggestions)
    return {"lang": lang, "q": question, "expect": expect, "kind": result.kind, "got": got, "score": result.score}


def share(part: int, whole: int) -> str:
    """"part/whole = NN.N%", or n/a."""
    return f"{part}/{whole} = {100 * part / whole:5.1f}%" if whole else "n/a"


def _print_questions(report: dict[str, Any], lingua: bool) -> None:
    print(f"{'part':8} {'lang':4}  {'engine top-1':20}  {'search top-1':20}  {'plain BM25 top-1':20}  {'BM25 errors removed':20}  "
          f"{'out of scope declined':22}  {'reply language':20}  {'rules name it':20}" + ("  lingua names it" if lingua else ""))
    for part, _ in (*TUNING_PARTS, HELDOUT_PART):
        for lang, f in report[part].items():
            if not f.get("items"):
                continue
            bm25_errors = f["in_scope"] - f["bm25_top1"]
            engine_errors = f["in_scope"] - f["top1"]
            removed = share(bm25_errors - engine_errors, bm25_errors) if bm25_errors else "n/a"
            print(
                f"{part:8} {lang:4}  {share(f['top1'], f['in_scope']):20}  {share(f['search_top1'], f['in_scope']):20}  "
                f"{share(f['bm25_top1'], f['in_scope']):20}  "
                f"{removed:20}  {share(f['declined'], f['out_of_scope']):22}  {share(f['reply_lang'], f['items']):20}  "
                f"{share(f['rules_lang'], f['items']):20}" + (f"  {share(f['lingua_lang'], f['items'])}" if lingua else "")
            )
    for lang, f in report["tuning"].items():
        if f.get("actions_total"):
            print(f"actions  {lang:4}  recognised {share(f['actions'], f['actions_total'])}, "
                  f"knowledge questions with action words answered {share(f['not_actions'], f['not_actions_total'])}")


def _print_safety(label: str, safety: dict[str, dict[str, list[int]]]) -> None:
    names = {
        "distress": "distress routed", "helpwords": "help-word questions NOT routed",
        "helpwords_answered": "help-word questions answered right", "contentfree": "content-free NOT answered",
        "contentfree_kind": "content-free recognised", "switch": "switch requests recognised",
        "everyday": "everyday messages NOT routed",
    }
    for key, name in names.items():
        if key in safety:
            cells = "  ".join(f"{lang} {share(*safety[key][lang])}" for lang in LANGS if lang in safety[key])
            print(f"{label:14} {name:36} {cells}")


def main(argv: list[str] | None = None) -> int:
    """Print the figures (and the tuning part's failures with --failures)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=PROJECT / "content")
    parser.add_argument("--eval", type=Path, default=PROJECT / "bench" / "eval")
    parser.add_argument("--failures", action="store_true", help="list the tuning parts' failures (never held-out ones)")
    parser.add_argument("--tuning", action="store_true", help="the tuning parts only (held-out items are not run)")
    parser.add_argument("--lingua", action="store_true", help="also measure lingua-language-detector, if installed")
    args = parser.parse_args(argv)
    try:
        report = evaluate(args.content, args.eval, lingua=args.lingua, tuning_only=args.tuning)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot evaluate: {exc}")
        return 0
    _print_questions(report, args.lingua)
    print()
    _print_safety("held-out", report["safety"])
    for key, _ in SAFETY_TUNING_FILES:
        _print_safety(key.replace("safety_", ""), report[key])
    if report["missing_entries"]:
        print(f"{len(report['missing_entries'])} expected entries are not in the content yet")
    if args.failures:
        print("\ntuning failures (held-out failures are never shown: they must not steer the tuning):")
        for failure in report["failures"]:
            print(
                f"  [{failure['lang']}] {failure['q']!r}: expected {failure['expect']}, got {failure['kind']} "
                f"{failure['got'] or ''} ({failure['score']:.2f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
