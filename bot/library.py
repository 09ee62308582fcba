"""The knowledge base together with its search index, loaded and swapped as one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.answer import Answer, answer_question
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.search import SearchIndex
from bot.knowledge.validate import find_problems

# Which knowledge topics each main-menu section lists, in this order.
SECTION_TOPICS = {
    "history": ("history", "movement"),
    "ihl": ("ihl",),
    "principles": ("principles",),
    "emblems": ("emblems",),
    "volunteer": ("volunteering",),
    "about": ("society",),
}


@dataclass(frozen=True)
class Library:
    """What the bot answers from; replaced whole on /reload so readers never see half of it."""

    kb: KnowledgeBase
    index: SearchIndex

    @classmethod
    def load(cls, content_dir: Path) -> "Library":
        """Read content/knowledge and build the index; raise ContentError on any problem."""
        kb = load_knowledge(content_dir)
        return cls(kb, SearchIndex.build(kb))

    @classmethod
    def reload(cls, content_dir: Path) -> tuple["Library | None", list[str]]:
        """Re-read and fully check the content (self-test included); problems mean no new library."""
        kb, problems = find_problems(content_dir)
        if problems or kb is None:
            return None, problems
        return cls(kb, SearchIndex.build(kb)), []

    def answer(self, text: str, user_lang: str) -> Answer:
        """Decide how to answer a typed message."""
        return answer_question(self.index, self.kb, text, user_lang)

    def section_entries(self, section: str) -> list[Entry]:
        """The entries a main-menu section lists."""
        return [entry for topic in SECTION_TOPICS.get(section, ()) for entry in self.kb.by_topic(topic)]

    def section_of(self, entry: Entry) -> str:
        """The main-menu section an entry is listed in."""
        return next((s for s, topics in SECTION_TOPICS.items() if entry.topic in topics), "about")
