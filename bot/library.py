"""The knowledge base together with its search index, built and swapped as one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.answer import Answer, answer_question
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.search import SearchIndex

# Which knowledge topics each main-menu section lists, in this order.
SECTION_TOPICS = {
    "help": ("help",),
    "history": ("history", "movement"),
    "ihl": ("ihl",),
    "principles": ("principles",),
    "emblems": ("emblems",),
    "volunteer": ("volunteering",),
    "about": ("society",),
}


def topic_problems(kb: KnowledgeBase) -> list[str]:
    """Knowledge topics no main-menu section lists: opening one of their entries would find no list to return to."""
    listed = {topic for topics in SECTION_TOPICS.values() for topic in topics}
    return [
        f"knowledge/{topic}.yaml: no main-menu section lists the topic {topic!r} (SECTION_TOPICS in bot/library.py)"
        for topic in kb.topics
        if topic not in listed
    ]


@dataclass(frozen=True)
class Library:
    """What the bot answers from; replaced whole on /reload or teaching, so readers never see half of it."""

    kb: KnowledgeBase
    index: SearchIndex

    @classmethod
    def build(cls, kb: KnowledgeBase, taught: Iterable[tuple[str, str, str]] = ()) -> "Library":
        """Index the content with the phrasings staff taught (entry id, language, question)."""
        extra: dict[str, list[tuple[str, str]]] = {}
        for entry_id, lang, question in taught:
            if entry_id in kb.entries:
                extra.setdefault(entry_id, []).append((lang, question))
        return cls(kb, SearchIndex.build(kb, extra))

    def with_taught(self, taught: Iterable[tuple[str, str, str]]) -> "Library":
        """The same content, indexed again with these taught phrasings."""
        return Library.build(self.kb, taught)

    def answer(self, text: str, user_lang: str) -> Answer:
        """Decide how to answer a typed message."""
        return answer_question(self.index, self.kb, text, user_lang)

    def nearest(self, text: str, lang: str, count: int = 3) -> list[str]:
        """The entries nearest to a question (for staff to choose from when teaching the bot)."""
        return [hit.entry_id for hit in self.index.search(text, lang, limit=count)]

    def related(self, entry: Entry) -> list[Entry]:
        """The entries an entry links to, that exist."""
        return [self.kb.entries[r] for r in entry.related if r in self.kb.entries]

    def emergency_reply(self, lang: str) -> str:
        """The reply to someone who may be in danger: 112 first (content/emergency.yaml)."""
        return self.kb.lexicon.emergency.reply[lang]

    def section_entries(self, section: str) -> list[Entry]:
        """The entries a main-menu section lists."""
        return [entry for topic in SECTION_TOPICS.get(section, ()) for entry in self.kb.by_topic(topic)]

    def section_of(self, entry: Entry) -> str:
        """The main-menu section an entry is listed in."""
        return next((s for s, topics in SECTION_TOPICS.items() if entry.topic in topics), "about")
