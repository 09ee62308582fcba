"""Read content/knowledge/*.yaml and the word lists beside it into a KnowledgeBase, checking the schema."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from bot.knowledge.model import LANGS, ContentError, Entry, EntryText, KnowledgeBase, Source
from bot.knowledge.normalize import normalize
from bot.knowledge.word_lists import read_intents, read_lexicon
from bot.knowledge.yaml_reader import as_strings, check_keys, read_items

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_QUESTIONS = 6
MAX_TITLE = 60
MAX_RELATED = 4
_REQUIRED_KEYS = ("id", "topic", "reviewed", "sources", "related", *LANGS)
_OPTIONAL_KEYS = ("keywords", "facts")
_FACT_ITEM = re.compile(r"^[A-Z]+\d*[a-z]?$")  # an item of the fact sheet: A1, J12, N3, V2
_TEXT_KEYS = ("title", "questions", "answer")


def load_knowledge(content_dir: Path) -> KnowledgeBase:
    """Read the knowledge base; raise ContentError listing every structural problem."""
    kb, problems = read_content(content_dir)
    if problems or kb is None:
        raise ContentError(problems or [f"{content_dir}: no knowledge entries"])
    return kb


def read_content(content_dir: Path) -> tuple[KnowledgeBase | None, list[str]]:
    """Read what can be read: the knowledge base built from the valid entries, and the problems."""
    content_dir = Path(content_dir)
    problems: list[str] = []
    knowledge_dir = content_dir / "knowledge"
    files = sorted(knowledge_dir.glob("*.yaml"))
    if not files:
        problems.append(f"{knowledge_dir}: no *.yaml files")
    entries: dict[str, Entry] = {}
    all_ids: set[str] = set()  # broken entries too, so `related` pointing at them is not reported twice
    topics: list[str] = []
    for path in files:
        items = read_items(path, f"knowledge/{path.name}", "entries", problems)
        if items is None:
            continue
        topics.append(path.stem)
        for where, raw in items:
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                all_ids.add(raw["id"])
            entry = _parse_entry(raw, path.stem, where, problems)
            if entry is None:
                continue
            if entry.id in entries:
                problems.append(f"{where}: {entry.id}: duplicate id (also in knowledge/{entries[entry.id].topic}.yaml)")
                continue
            entries[entry.id] = entry
    _check_related(entries, all_ids, problems)
    _check_duplicate_questions(entries, problems)
    intents = read_intents(content_dir / "intents.yaml", problems)
    lexicon = read_lexicon(content_dir, problems)
    if not entries or intents is None or lexicon is None:
        return None, problems
    return KnowledgeBase(entries=entries, topics=topics, intents=intents, lexicon=lexicon), problems


def _parse_entry(raw: Any, topic: str, where: str, problems: list[str]) -> Entry | None:
    """Check one entry's schema; return it, or None when it is too broken to use."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: an entry must be a mapping, got {type(raw).__name__}")
        return None
    entry_id = raw.get("id")
    name = f"{where}: {entry_id}" if isinstance(entry_id, str) else where
    count = len(problems)
    check_keys(raw, _REQUIRED_KEYS, name, problems, optional=_OPTIONAL_KEYS)
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        problems.append(f"{name}: bad id {entry_id!r} (lowercase a-z, 0-9 and '-')")
    if "topic" in raw and raw["topic"] != topic:
        problems.append(f"{name}: topic {raw['topic']!r} does not match the file name ({topic!r})")
    reviewed = _date(raw.get("reviewed"))
    if "reviewed" in raw and reviewed is None:
        problems.append(f"{name}: reviewed must be a date YYYY-MM-DD, got {raw.get('reviewed')!r}")
    sources = _sources(raw.get("sources"), name, problems) if "sources" in raw else []
    facts = as_strings(raw.get("facts", []))
    if facts is None or not all(_FACT_ITEM.match(item) for item in facts):
        problems.append(f"{name}: facts must be a list of fact-sheet items such as [A1, J12]")
    related = as_strings(raw.get("related"))
    if "related" in raw and (related is None or not 1 <= len(related) <= MAX_RELATED):
        problems.append(f"{name}: related must be a list of 1-{MAX_RELATED} entry ids")
    keywords = _keywords(raw.get("keywords", {}), name, problems)
    texts = {}
    for lang in LANGS:
        if lang in raw:
            text = _parse_text(raw[lang], f"{name}: {lang}", problems)
            if text is not None:
                texts[lang] = text
    if len(problems) > count:
        return None
    return Entry(
        id=entry_id,
        topic=topic,
        reviewed=reviewed,
        sources=sources,
        related=related,
        keywords=keywords,
        texts=texts,
        facts=facts or [],
    )


def _sources(raw: Any, name: str, problems: list[str]) -> list[Source]:
    """At least one {title, url}; the title is one text or one per language."""
    if not isinstance(raw, list) or not raw:
        problems.append(f"{name}: sources must be a list of at least one {{title, url}}")
        return []
    sources = []
    for number, item in enumerate(raw, 1):
        where = f"{name}: source {number}"
        if not isinstance(item, dict) or set(item) != {"title", "url"}:
            problems.append(f"{where}: must be a mapping with exactly 'title' and 'url'")
            continue
        url, title = item["url"], item["title"]
        if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            problems.append(f"{where}: url must be a web address starting with https://, got {url!r}")
            continue
        if isinstance(title, str) and title.strip():
            titles = {lang: title.strip() for lang in LANGS}
        elif isinstance(title, dict) and set(title) == set(LANGS) and all(isinstance(v, str) and v.strip() for v in title.values()):
            titles = {lang: text.strip() for lang, text in title.items()}
        else:
            problems.append(f"{where}: title must be a text, or a mapping with kk, ru and en")
            continue
        sources.append(Source(titles, url))
    return sources


def _parse_text(raw: Any, name: str, problems: list[str]) -> EntryText | None:
    if not isinstance(raw, dict):
        problems.append(f"{name}: must be a mapping with title, questions and answer")
        return None
    count = len(problems)
    check_keys(raw, _TEXT_KEYS, name, problems)
    title, answer = raw.get("title"), raw.get("answer")
    if "title" in raw:
        if not isinstance(title, str) or not title.strip():
            problems.append(f"{name}: title must be a non-empty string")
        elif len(title.strip()) > MAX_TITLE:
            problems.append(f"{name}: title is {len(title.strip())} characters (at most {MAX_TITLE})")
        elif re.search(r"<[a-zA-Z/]", title):
            problems.append(f"{name}: title must be plain text (no HTML)")
    questions = as_strings(raw.get("questions"))
    if "questions" in raw:
        if questions is None or not all(q.strip() for q in questions):
            problems.append(f"{name}: questions must be a list of non-empty strings")
        elif len(questions) < MIN_QUESTIONS:
            problems.append(f"{name}: only {len(questions)} questions (at least {MIN_QUESTIONS})")
    if "answer" in raw and (not isinstance(answer, str) or not answer.strip()):
        problems.append(f"{name}: answer must be a non-empty string")
    if len(problems) > count:
        return None
    return EntryText(title=title.strip(), questions=[q.strip() for q in questions], answer=answer.strip())


def _keywords(raw: Any, name: str, problems: list[str]) -> dict[str, list[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or any(lang not in LANGS for lang in raw):
        problems.append(f"{name}: keywords must map kk/ru/en to lists of words")
        return {}
    keywords = {}
    for lang, words in raw.items():
        values = as_strings(words)
        if values is None:
            problems.append(f"{name}: keywords.{lang} must be a list of words")
        else:
            keywords[lang] = values
    return keywords


def _date(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def _check_related(entries: dict[str, Entry], all_ids: set[str], problems: list[str]) -> None:
    for entry in entries.values():
        for other in entry.related:
            if other == entry.id:
                problems.append(f"knowledge/{entry.topic}.yaml: {entry.id}: related lists the entry itself")
            elif other not in all_ids:
                problems.append(f"knowledge/{entry.topic}.yaml: {entry.id}: related id {other!r} does not exist")


def _check_duplicate_questions(entries: dict[str, Entry], problems: list[str]) -> None:
    """The same question (after normalising) may not belong to two entries."""
    owner: dict[str, str] = {}
    for entry in entries.values():
        for lang, text in entry.texts.items():
            for question in text.questions:
                key = normalize(question)
                first = owner.setdefault(key, entry.id)
                if first != entry.id:
                    problems.append(
                        f"knowledge/{entry.topic}.yaml: {entry.id}: {lang}: question {question!r} "
                        f"duplicates one of {first}"
                    )
