"""Cross-validate the engine on the content itself: the listed questions are split into folds, each
fold's questions are removed from the index and asked as new questions. No eval item is used, so
this is tuning data as large as the content (about 1,000 questions per language).

    .venv/bin/python bench/crossval.py [--folds N] [--content DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import zlib
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bot.knowledge.answer import answer_question  # noqa: E402
from bot.knowledge.loader import read_content  # noqa: E402
from bot.knowledge.model import LANGS, KnowledgeBase  # noqa: E402
from bot.knowledge.search import SearchIndex  # noqa: E402
from bot.knowledge.validate import EMERGENCY_TOPIC  # noqa: E402


def fold_of(entry_id: str, position: int, folds: int) -> int:
    """The fold of an entry's question at this position (the same in every language: they are translations)."""
    return zlib.crc32(f"{entry_id}:{position}".encode()) % folds


def without_fold(kb: KnowledgeBase, fold: int, folds: int) -> tuple[KnowledgeBase, list[tuple[str, str, str]]]:
    """The knowledge base without the fold's questions, and those questions as (entry id, language, question)."""
    entries, asked = {}, []
    for entry in kb.entries.values():
        texts = {}
        for lang, text in entry.texts.items():
            kept = []
            for position, question in enumerate(text.questions):
                if fold_of(entry.id, position, folds) == fold:
                    asked.append((entry.id, lang, question))
                else:
                    kept.append(question)
            texts[lang] = dataclasses.replace(text, questions=kept)
        entries[entry.id] = dataclasses.replace(entry, texts=texts)
    return dataclasses.replace(kb, entries=entries), asked


def run(kb: KnowledgeBase, folds: int) -> list[dict]:
    """One record per listed question: its entry, language, the engine's answer and the best search hit."""
    records = []
    for fold in range(folds):
        reduced, asked = without_fold(kb, fold, folds)
        index = SearchIndex.build(reduced)
        for entry_id, lang, question in asked:
            result = answer_question(index, reduced, question, lang)
            hits = index.search(question, lang, limit=1)
            entry = kb.entries[entry_id]
            records.append({
                "entry": entry_id, "lang": lang, "q": question, "kind": result.kind, "got": result.entry_id,
                "score": result.score, "hit": hits[0].entry_id if hits else None,
                "emergency_ok": entry.topic == EMERGENCY_TOPIC or entry_id in kb.lexicon.emergency.entries,
            })
    return records


def main(argv: list[str] | None = None) -> int:
    """Print search top-1, engine top-1, did-you-mean and wrong-answer shares per language."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=PROJECT / "content")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--failures", action="store_true", help="list the questions answered wrongly")
    args = parser.parse_args(argv)
    kb, problems = read_content(args.content)
    if kb is None:
        print("cannot load content:\n" + "\n".join(problems))
        return 0
    records = run(kb, args.folds)
    print(f"{'lang':4}  {'questions':>9}  {'search top-1':>12}  {'engine top-1':>12}  {'did you mean':>12}  {'wrong answer':>12}  {'other':>6}")
    for lang in LANGS:
        mine = [r for r in records if r["lang"] == lang]
        total = len(mine)
        right = sum(r["kind"] == "answer" and r["got"] == r["entry"] or r["kind"] == "emergency" and r["emergency_ok"] for r in mine)
        hit = sum(r["hit"] == r["entry"] for r in mine)
        dym = sum(r["kind"] == "did_you_mean" for r in mine)
        wrong = sum(r["kind"] == "answer" and r["got"] != r["entry"] for r in mine)
        print(f"{lang:4}  {total:9}  {100 * hit / total:11.1f}%  {100 * right / total:11.1f}%  {100 * dym / total:11.1f}%  "
              f"{100 * wrong / total:11.1f}%  {total - right - dym - wrong:6}")
    if args.failures:
        for r in records:
            if r["kind"] == "answer" and r["got"] != r["entry"]:
                print(f"  [{r['lang']}] {r['q']!r}: {r['entry']} → {r['got']} ({r['score']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
