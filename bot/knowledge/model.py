"""The knowledge base as plain frozen data: entries, their texts per language, and intents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

LANGS: tuple[str, ...] = ("kk", "ru", "en")
INTENT_KINDS: tuple[str, ...] = ("greeting", "thanks")  # recognised from whole-message phrases
ACTIONS: tuple[str, ...] = ("volunteer", "subscribe", "unsubscribe", "news")


class ContentError(Exception):
    """The content folder has problems; `problems` lists each one as a readable line."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} content problem(s):\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class EntryText:
    """One entry's text in one language."""

    title: str
    questions: list[str]
    answer: str


@dataclass(frozen=True)
class Source:
    """Where an answer comes from, shown under it: a title (per language, or one for all) and a link."""

    titles: dict[str, str]
    url: str

    def title(self, lang: str) -> str:
        """The title in `lang`, else English, else any."""
        return self.titles.get(lang) or self.titles.get("en") or next(iter(self.titles.values()))


@dataclass(frozen=True)
class Entry:
    """One knowledge entry with its texts in every language."""

    id: str
    topic: str
    reviewed: date
    sources: list[Source]
    related: list[str]
    keywords: dict[str, list[str]]
    texts: dict[str, EntryText]
    facts: list[str] = field(default_factory=list)  # fact-sheet items the text relies on, for reviewers

    def text(self, lang: str) -> EntryText:
        """The text in `lang`, falling back to the first language present."""
        return self.texts.get(lang) or next(iter(self.texts.values()))


@dataclass(frozen=True)
class ActionRule:
    """When a message asks for an action: a word from every group of one `when` line."""

    when: list[list[str]]
    not_with: list[str] = field(default_factory=list)  # groups that make it a question instead...
    unless: list[str] = field(default_factory=list)  # ...unless the message also has one of these
    max_other_words: int = 2


@dataclass(frozen=True)
class Intents:
    """content/intents.yaml: greeting/thanks phrases and fillers per language, word groups, action rules, empty words."""

    phrases: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    fillers: dict[str, list[str]] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)
    actions: dict[str, ActionRule] = field(default_factory=dict)
    empty: dict[str, list[str]] = field(default_factory=dict)  # words that alone say nothing: yes, no, ok


@dataclass(frozen=True)
class Emergency:
    """content/emergency.yaml: what says someone is in danger now, the reply, and the entries it links to."""

    entries: list[str] = field(default_factory=list)
    reply: dict[str, str] = field(default_factory=dict)
    danger: dict[str, list[str]] = field(default_factory=dict)  # enough alone: "не дышит", "bleeding"
    calls: dict[str, list[str]] = field(default_factory=dict)  # "помогите", "SOS": when little else is said
    disasters: dict[str, list[str]] = field(default_factory=dict)  # "пожар", "flood": with a word of `now`
    now: dict[str, list[str]] = field(default_factory=dict)  # "у нас", "сейчас", "we", people: it is happening
    about: dict[str, list[str]] = field(default_factory=dict)  # "Red Cross", "history": a question about help
    hypothetical: dict[str, list[str]] = field(default_factory=dict)  # "если", "if": a case imagined, not happening
    # content/emergency_examples.yaml: whole messages that teach the learned recogniser (bot/knowledge/distress.py)
    distress_examples: dict[str, list[str]] = field(default_factory=dict)  # someone in danger now
    calm_examples: dict[str, list[str]] = field(default_factory=dict)  # the same words, no emergency now


@dataclass(frozen=True)
class LanguageNames:
    """content/languages.yaml: the words that name each language, and the words of a request to switch."""

    names: dict[str, list[str]] = field(default_factory=dict)  # target language → its names
    request_words: list[str] = field(default_factory=list)  # "говори", "жаз", "speak", "in"...
    # "не понимаю", "don't speak", "from" (before a name); "түсінбеймін" (after it): that language is NOT wanted
    refusals_before: list[str] = field(default_factory=list)
    refusals_after: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Lexicon:
    """The staff-edited word lists besides the entries: synonyms, emergencies, language names, empty words."""

    synonyms: dict[str, list[list[str]]] = field(default_factory=dict)  # language → groups of equivalent words
    emergency: Emergency = field(default_factory=Emergency)
    languages: LanguageNames = field(default_factory=LanguageNames)
    # content/out_of_scope_examples.yaml: questions the content does not answer (bot/knowledge/outside.py)
    outside_examples: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class KnowledgeBase:
    """All entries by id, the topics in file order, the intents and the other word lists."""

    entries: dict[str, Entry]
    topics: list[str]
    intents: Intents = field(default_factory=Intents)
    lexicon: Lexicon = field(default_factory=Lexicon)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self.entries.get(entry_id)

    @cached_property
    def named_numbers(self) -> frozenset[str]:
        """Numbers of three digits or more that are a keyword of an entry by themselves: a service's
        number or a year ("101", "1859"). Asked alone they ask about it; "1" or "16" say nothing."""
        keywords = (str(k).strip() for entry in self.entries.values() for words in entry.keywords.values() for k in words)
        return frozenset(k for k in keywords if k.isdigit() and len(k) >= 3)

    def by_topic(self, topic: str) -> list[Entry]:
        """The entries of one topic, in file order."""
        return [entry for entry in self.entries.values() if entry.topic == topic]
