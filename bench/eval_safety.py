"""The safety sets of bench/eval.py: distress routed as emergencies, help-word questions and everyday
messages not routed, content-free messages never answered, language-switch requests recognised."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.answer import answer_question
from bot.knowledge.model import LANGS

_FILES = ("distress", "helpwords", "contentfree", "switch")


def evaluate_safety(index, kb, folder: Path, single_file: str | None = None, failures: list | None = None) -> dict[str, Any]:
    """{figure: {lang: [passed, total]}} for the sets in `folder` (or all sets in one file,
    keyed by set name then language); misses go to `failures` when given (never for held-out sets)."""
    figures: dict[str, dict[str, list[int]]] = {}
    if single_file is not None:
        path = Path(folder) / single_file
        sets = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    else:
        sets = {}
        for name in _FILES:
            path = Path(folder) / f"{name}.yaml"
            if path.is_file():
                sets[name] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, per_lang in (sets or {}).items():
        for lang in LANGS:
            for item in (per_lang or {}).get(lang, []) or []:
                _measure(index, kb, name, lang, item, figures, failures)
    return figures


def _measure(index, kb, name: str, lang: str, item: Any, figures: dict, failures: list | None) -> None:
    question = str(item["q"] if isinstance(item, dict) else item)
    result = answer_question(index, kb, question, lang)

    def count(figure: str, ok: bool) -> None:
        cell = figures.setdefault(figure, {}).setdefault(lang, [0, 0])
        cell[0] += ok
        cell[1] += 1
        if not ok and failures is not None:
            failures.append(
                {"lang": lang, "q": question, "expect": figure, "kind": result.kind, "score": result.score,
                 "got": result.entry_id or result.action or result.lang}
            )

    if name == "distress":
        count("distress", result.kind == "emergency")
    elif name == "helpwords":
        count("helpwords", result.kind != "emergency")
        if isinstance(item, dict) and item.get("expect"):
            count("helpwords_answered", result.kind == "answer" and result.entry_id == item["expect"])
    elif name == "contentfree":
        count("contentfree", result.kind not in ("answer", "did_you_mean"))
        count("contentfree_kind", result.kind == "content_free")
    elif name == "switch":
        count("switch", result.kind == "language" and result.lang == item["to"])
    elif name == "everyday":
        count("everyday", result.kind != "emergency")
