"""`python -m bot ask`: the chat's answer to a question as one JSON-ready dict."""

from __future__ import annotations

from typing import Any

from bot.handlers.knowledge import render_entry
from bot.i18n import Texts
from bot.library import Library

# The UI text the chat shows for each kind of reply that is not an entry.
_REPLY_TEXT = {"did_you_mean": "answer.did_you_mean", "unknown": "answer.unknown", "greeting": "answer.greeting", "thanks": "answer.thanks"}


def ask(library: Library, texts: Texts, question: str, lang: str) -> dict[str, Any]:
    """Answer one question exactly as the chat would, in the design's JSON shape."""
    result = library.answer(question, lang)
    if result.kind == "answer":
        shown = render_entry(library.kb.entries[result.entry_id], result.lang)
    elif result.kind in _REPLY_TEXT:
        shown = texts.get(result.lang, _REPLY_TEXT[result.kind])
    else:
        shown = None
    return {
        "query": result.query,
        "lang": result.lang,
        "answered": result.answered,
        "entry_id": result.entry_id,
        "title": result.title,
        "answer": shown,
        "score": round(float(result.score), 4),
        "suggestions": result.suggestions,
        "action": result.action,
    }
