"""Check the content folder the way `check-content` reports it: schema, answers, and a self-test
that every listed question brings back its own entry through the real search engine."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.answer import answer_question
from bot.knowledge.loader import read_content
from bot.knowledge.model import LANGS, KnowledgeBase
from bot.knowledge.search import SearchIndex

MAX_VISIBLE_ANSWER = 1000
TELEGRAM_MAX_TEXT = 4096
_TAG = re.compile(r"<[^>]*>")


def find_problems(content_dir: Path) -> tuple[KnowledgeBase | None, list[str]]:
    """Every problem of the content as a readable line; the knowledge base when it could be built."""
    kb, problems = read_content(Path(content_dir))
    if kb is None:
        return None, problems
    problems.extend(answer_problems(kb))
    problems.extend(self_test(SearchIndex.build(kb), kb))
    return kb, problems


def answer_problems(kb: KnowledgeBase) -> list[str]:
    """Answers that are too long or that Telegram would refuse as HTML."""
    html_error, visible_text = _telegram_html()
    problems = []
    for entry in kb.entries.values():
        for lang, text in entry.texts.items():
            name = f"knowledge/{entry.topic}.yaml: {entry.id}: {lang}"
            if html_error is not None and (error := html_error(text.answer)):
                problems.append(f"{name}: answer HTML would be refused by Telegram: {error}")
                continue
            visible = visible_text(text.answer)
            if len(visible) > MAX_VISIBLE_ANSWER:
                problems.append(f"{name}: answer is {len(visible)} visible characters (at most {MAX_VISIBLE_ANSWER})")
            if len(text.answer) > TELEGRAM_MAX_TEXT:
                problems.append(f"{name}: answer is {len(text.answer)} characters (Telegram's limit is {TELEGRAM_MAX_TEXT})")
    return problems


def self_test(index: SearchIndex, kb: KnowledgeBase) -> list[str]:
    """Listed questions that do not bring back their own entry as the answer, and what they bring instead."""
    problems = []
    for entry in kb.entries.values():
        for lang, text in entry.texts.items():
            for question in text.questions:
                result = answer_question(index, kb, question, lang)
                if result.kind == "answer" and result.entry_id == entry.id:
                    continue
                if result.kind == "answer":
                    got = f"the answer {result.entry_id} ({result.score:.2f})"
                elif result.kind == "did_you_mean":
                    got = "did-you-mean " + ", ".join(s["entry_id"] for s in result.suggestions)
                elif result.kind == "action":
                    got = f"the action {result.action}"
                else:
                    got = result.kind
                problems.append(
                    f"knowledge/{entry.topic}.yaml: {entry.id}: {lang}: question {question!r} brings back {got} "
                    f"instead of its own entry"
                )
    return problems


def summary(kb: KnowledgeBase) -> str:
    """Entries per topic and language, and totals, as a few readable lines."""
    lines = []
    total_questions = dict.fromkeys(LANGS, 0)
    for topic in kb.topics:
        entries = kb.by_topic(topic)
        per_lang = []
        for lang in LANGS:
            with_text = [e for e in entries if lang in e.texts]
            questions = sum(len(e.texts[lang].questions) for e in with_text)
            total_questions[lang] += questions
            per_lang.append(f"{lang} {len(with_text)} ({questions} questions)")
        lines.append(f"{topic}: {len(entries)} entries; " + ", ".join(per_lang))
    totals = ", ".join(f"{lang} {count}" for lang, count in total_questions.items())
    lines.append(f"total: {len(kb.entries)} entries in {len(kb.topics)} topics; questions {totals}")
    return "\n".join(lines)


def _telegram_html() -> tuple[Callable[[str], str | None] | None, Callable[[str], str]]:
    """Telegram's HTML checks from bot.telegram_html, or a plain tag stripper when it is absent."""
    try:
        from bot.telegram_html import html_error, html_to_text
    except ImportError:
        return None, lambda text: html.unescape(_TAG.sub("", text))
    return html_error, html_to_text
