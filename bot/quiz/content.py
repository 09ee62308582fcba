"""Read content/quiz/<topic>.yaml into a QuizBank, checking every question against the poll limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import callbacks
from bot.knowledge.loader import ID_PATTERN
from bot.knowledge.model import LANGS
from bot.knowledge.yaml_reader import check_keys, read_items
from bot.telegram_html import html_to_text

# Telegram's sendPoll limits: question 1-300 characters, option 1-100 characters,
# explanation 0-200 characters with at most 2 line feeds. Telegram accepts up to 12 options;
# the quiz keeps to 3-4 so that a question reads at a glance on a phone.
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
MIN_OPTIONS = 3
MAX_OPTIONS = 4
DIFFICULTIES = ("easy", "medium", "hard")
MIXED = "mixed"  # not a file: a round with questions of every topic

_KEYS = ("id", "entry", "difficulty", "correct", *LANGS)
_TEXT_KEYS = ("question", "options", "explanation")
_HTML_TAG = re.compile(r"<[a-zA-Z/]")
# One number, with thousands separated or not: "1,797", "1 797" and "1797" are the same number.
_NUMBER = re.compile(r"\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+(?!\d)|\d+")
_SEPARATORS = re.compile(r"[ ,\u00a0\u202f]")


@dataclass(frozen=True)
class QuizText:
    """One question's text in one language: the options in the same order in every language."""

    question: str
    options: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class QuizQuestion:
    """One quiz question: the entry it comes from, the index of its right option, its texts."""

    id: str
    topic: str
    entry: str
    difficulty: str
    correct: int
    texts: dict[str, QuizText]
    source: str  # "quiz/<topic>.yaml:<line>", so that problems found later can name the place

    def text(self, lang: str) -> QuizText:
        """The text in `lang`, falling back to the first language present."""
        return self.texts.get(lang) or next(iter(self.texts.values()))


@dataclass(frozen=True)
class QuizBank:
    """The valid questions by id, in file order."""

    questions: dict[str, QuizQuestion]

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics that have questions, in file order."""
        return tuple(dict.fromkeys(question.topic for question in self.questions.values()))

    def by_topic(self, topic: str) -> list[QuizQuestion]:
        """The questions of one topic, in file order."""
        return [question for question in self.questions.values() if question.topic == topic]


def load_quiz(content_dir: Path, entry_ids: set[str] | None = None) -> tuple[QuizBank, list[str]]:
    """Read content/quiz/*.yaml: the bank of the valid questions, and every problem as a readable line."""
    quiz_dir = Path(content_dir) / "quiz"
    problems: list[str] = []
    files = sorted(quiz_dir.glob("*.yaml"))
    if not files:
        problems.append(f"quiz: no *.yaml files in {quiz_dir}")
    questions: dict[str, QuizQuestion] = {}
    seen_texts: dict[tuple[str, str], str] = {}
    for path in files:
        for where, raw in _read_questions(path, problems):
            question = _parse_question(raw, path.stem, where, entry_ids, problems)
            if question is None:
                continue
            if question.id in questions:
                problems.append(f"{where}: {question.id}: duplicate id (also at {questions[question.id].source})")
            elif _is_new_text(question, seen_texts, problems):
                questions[question.id] = question
    return QuizBank(questions), problems


def quiz_self_test(bank: QuizBank, entry_answers: dict[str, dict[str, str]]) -> list[str]:
    """Right options stating a number that their entry's answer, in the same language, does not."""
    problems = []
    for question in bank.questions.values():
        answers = entry_answers.get(question.entry)
        if answers is None:
            continue  # an unknown entry is load_quiz's to report
        for lang, text in question.texts.items():
            stated = set(_numbers(_visible(answers.get(lang, ""))))
            missing = [n for n in _numbers(text.options[question.correct]) if n not in stated]
            if missing:
                problems.append(
                    f"{question.source}: {question.id} ({lang}): the right option says {', '.join(missing)}, "
                    f"which entry {question.entry} does not say"
                )
    return problems


def topic_name_problems(bank: QuizBank, catalogs: dict[str, dict[str, str]]) -> list[str]:
    """Quiz topics (and «mixed») that a UI text file gives no name for, or whose file name no button can carry."""
    # The picker's buttons carry the file name: one that does not fit their data would break /quiz.
    unfit = [
        f"quiz/{topic}.yaml: the topic name must be 1-20 letters a-z and _ (it goes into buttons and links)"
        for topic in bank.topics
        if callbacks.parse(f"{callbacks.QUIZ}:go:{topic}") is None
    ]
    return unfit + [
        f"ui/{lang}.yaml: quiz.topics.{topic} is missing: the name of quiz topic {topic!r}"
        for lang, catalog in catalogs.items()
        for topic in (*bank.topics, MIXED)
        if f"quiz.topics.{topic}" not in catalog
    ]


def _numbers(text: str) -> list[str]:
    """The numbers in `text` as digit strings, in order."""
    return [_SEPARATORS.sub("", match) for match in _NUMBER.findall(text)]


def _read_questions(path: Path, problems: list[str]) -> list[tuple[str, Any]]:
    """The file's questions, each with its place ("quiz/history.yaml:12"); none when the file is unusable."""
    label = f"quiz/{path.name}"
    items = read_items(path, label, "questions", problems)
    if items is None:
        return []
    if not items:
        problems.append(f"{label}: no questions (a topic file needs at least 1)")
    return items


def _parse_question(
    raw: Any, topic: str, where: str, entry_ids: set[str] | None, problems: list[str]
) -> QuizQuestion | None:
    """Check one question; return it, or None when it has any problem."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: a question must be a mapping, got {type(raw).__name__}")
        return None
    question_id = raw.get("id")
    name = f"{where}: {question_id}" if isinstance(question_id, str) else where
    count = len(problems)
    check_keys(raw, _KEYS, name, problems)
    if "id" in raw and (not isinstance(question_id, str) or not ID_PATTERN.match(question_id)):
        problems.append(f"{name}: bad id {question_id!r} (lowercase a-z, 0-9 and '-')")
    entry = raw.get("entry")
    if "entry" in raw and not isinstance(entry, str):
        problems.append(f"{name}: entry must be a knowledge entry id, got {entry!r}")
    elif entry_ids is not None and "entry" in raw and entry not in entry_ids:
        problems.append(f"{name}: unknown entry {entry!r}")
    if "difficulty" in raw and raw["difficulty"] not in DIFFICULTIES:
        problems.append(f"{name}: unknown difficulty {raw['difficulty']!r} (one of {', '.join(DIFFICULTIES)})")
    texts = {}
    for lang in LANGS:
        if lang in raw and (text := _parse_text(raw[lang], f"{name} ({lang})", problems)) is not None:
            texts[lang] = text
    _check_languages_agree(texts, name, problems)
    if "correct" in raw:
        _check_correct(raw["correct"], texts, name, problems)
    if len(problems) > count:
        return None
    return QuizQuestion(
        id=question_id,
        topic=topic,
        entry=entry,
        difficulty=raw["difficulty"],
        correct=raw["correct"],
        texts=texts,
        source=where,
    )


def _parse_text(raw: Any, name: str, problems: list[str]) -> QuizText | None:
    """Check one language's question, options and explanation; return them, or None."""
    if not isinstance(raw, dict):
        problems.append(f"{name}: must be a mapping with question, options and explanation")
        return None
    count = len(problems)
    check_keys(raw, _TEXT_KEYS, name, problems)
    question = _plain_text(raw["question"], "question", MAX_QUESTION, name, problems) if "question" in raw else None
    options = _options(raw["options"], name, problems) if "options" in raw else None
    explanation = (
        _plain_text(raw["explanation"], "explanation", MAX_EXPLANATION, name, problems)
        if "explanation" in raw
        else None
    )
    line_feeds = explanation.count("\n") if explanation is not None else 0
    if line_feeds > MAX_EXPLANATION_LINE_FEEDS:
        problems.append(f"{name}: explanation has {line_feeds} line breaks, at most {MAX_EXPLANATION_LINE_FEEDS}")
    if len(problems) > count:
        return None
    return QuizText(question=question, options=options, explanation=explanation)


def _options(raw: Any, name: str, problems: list[str]) -> tuple[str, ...] | None:
    """Check the options: 3-4 distinct plain texts of at most 100 characters."""
    if not isinstance(raw, list) or not MIN_OPTIONS <= len(raw) <= MAX_OPTIONS:
        got = f"{len(raw)}" if isinstance(raw, list) else repr(raw)
        problems.append(f"{name}: options must be a list of {MIN_OPTIONS}-{MAX_OPTIONS} texts, got {got}")
        return None
    options = [_plain_text(item, f"option {number}", MAX_OPTION, name, problems) for number, item in enumerate(raw, 1)]
    if None in options:
        return None
    first_of: dict[str, int] = {}
    for number, option in enumerate(options, 1):
        first = first_of.setdefault(_fold(option), number)
        if first != number:
            problems.append(f"{name}: options {first} and {number} are the same: {option!r}")
    return tuple(options)


def _plain_text(raw: Any, field: str, limit: int, name: str, problems: list[str]) -> str | None:
    """One non-empty plain text of at most `limit` characters, stripped; None (reported) otherwise."""
    # Numbers and years may stand unquoted; a bare yes/no would become a boolean.
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)) or not str(raw).strip():
        problems.append(f"{name}: {field} must be a non-empty text, got {raw!r}")
        return None
    text = str(raw).strip()
    if len(text) > limit:
        problems.append(f"{name}: {field} {_preview(text)} is {len(text)} characters, at most {limit}")
        return None
    if _HTML_TAG.search(text):
        problems.append(f"{name}: {field} must be plain text: Telegram would show the HTML tags as they are")
        return None
    return text


def _check_languages_agree(texts: dict[str, QuizText], name: str, problems: list[str]) -> None:
    """Same number of options in every language, and the same numbers in each option."""
    counts = {lang: len(text.options) for lang, text in texts.items()}
    if len(set(counts.values())) > 1:
        listed = ", ".join(f"{count} in {lang}" for lang, count in counts.items())
        problems.append(f"{name}: options count differs across languages ({listed}); give the same options in each")
        return
    # Options must be in the same order in every language; numbers are the part that can be compared.
    for index in range(min(counts.values(), default=0)):
        found = {lang: sorted(_numbers(text.options[index])) for lang, text in texts.items()}
        if len({tuple(value) for value in found.values()}) > 1:
            listed = "; ".join(f"{lang}: {' '.join(value) or 'none'}" for lang, value in found.items())
            problems.append(f"{name}: option {index + 1} has different numbers across languages ({listed})")


def _check_correct(correct: Any, texts: dict[str, QuizText], name: str, problems: list[str]) -> None:
    """`correct` is the 0-based index of an option that exists in every language."""
    if isinstance(correct, bool) or not isinstance(correct, int):
        problems.append(f"{name}: correct must be a whole number (the right option's index from 0), got {correct!r}")
        return
    count = min((len(text.options) for text in texts.values()), default=None)
    if correct < 0 or (count is not None and correct >= count):
        upper = f" to {count - 1}" if count else ""
        problems.append(f"{name}: correct is {correct}, but the options are numbered from 0{upper}")


def _is_new_text(question: QuizQuestion, seen: dict[tuple[str, str], str], problems: list[str]) -> bool:
    """Report a question text another question already asks (same language); remember a new question's texts."""
    keys = {lang: (lang, _fold(text.question)) for lang, text in question.texts.items()}
    duplicates = [
        f"{question.source}: {question.id} ({lang}): the same question text as {seen[key]}"
        for lang, key in keys.items()
        if key in seen
    ]
    problems.extend(duplicates)
    if not duplicates:
        seen.update(dict.fromkeys(keys.values(), question.id))
    return not duplicates


def _fold(text: str) -> str:
    """Case- and space-insensitive form of a text, for finding duplicates."""
    return " ".join(text.casefold().split())


def _preview(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:30] + "…")


def _visible(answer: str) -> str:
    """An entry answer without its HTML."""
    return html_to_text(answer)
