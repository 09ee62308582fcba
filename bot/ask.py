"""`python -m bot ask`: the chat's answer to a question as one JSON-ready dict."""

from __future__ import annotations

from typing import Any

from bot.i18n import Texts
from bot.library import Library
from bot.views.knowledge import SHORT_REPLIES, render_entry

# The UI text the chat shows for each kind of reply that is not an entry.
_REPLY_TEXT = {**SHORT_REPLIES, "did_you_mean": "answer.did_you_mean", "language": "language.changed"}


def ask(library: Library, texts: Texts, question: str, lang: str) -> dict[str, Any]:
    """Answer one question exactly as the chat would, in the design's JSON shape."""
    result = library.answer(question, lang)
    entry = library.kb.entries.get(result.entry_id) if result.entry_id else None
    if result.kind == "answer" and entry is not None:
        shown = render_entry(entry, result.lang, texts)
    elif result.kind == "emergency":  # the numbers, then the first aid the message asks about, if any
        shown = library.emergency_reply(result.lang)
        if entry is not None:
            shown += "\n\n" + render_entry(entry, result.lang, texts)
    elif result.kind in _REPLY_TEXT:
        shown = texts.get(result.lang, _REPLY_TEXT[result.kind])
    else:
        shown = None
    action = result.action or ("emergency" if result.kind == "emergency" else None)
    return {
        "query": result.query,
        "lang": result.lang,
        "answered": result.shows_entry,
        "entry_id": result.entry_id,
        "title": entry.text(result.lang).title if entry is not None else None,
        "answer": shown,
        "score": round(float(result.score), 4),
        "suggestions": [
            {"entry_id": e, "title": library.kb.entries[e].text(result.lang).title}
            for e in result.suggestions if e in library.kb.entries
        ],
        "action": action,
    }
