"""Check the content folder the way `check-content` reports it: schema, answers, and a self-test
that every listed question brings back its own entry through the real search engine."""

from __future__ import annotations

import re
from pathlib import Path

from bot.knowledge.answer import Answer, route
from bot.knowledge.loader import read_content
from bot.knowledge.model import LANGS, Entry, KnowledgeBase
from bot.knowledge.search import SearchIndex
from bot.telegram_html import MAX_TEXT_LENGTH, html_error, html_to_text

# A phone screen shows about this much without scrolling; longer subjects are split into entries.
MAX_VISIBLE_ANSWER = 700
# A digit group; a separator followed by exactly three digits is a thousands separator (1,797 / 1 797).
_NUMBER = re.compile(r"\d+(?:[ ,\u00a0\u202f]\d{3}(?!\d))*")
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|“[^”]*”|„[^“”]*[“”]")
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Russian words that slip into Kazakh text in translation (Kazakh has its own: және, немесе, бұл…).
RUSSIAN_IN_KAZAKH = frozenset(
    "и или что это также который которая которые является являются однако например согласно "
    "вероломство был была были для при года году".split()
)
# Entries of this topic (first aid, emergency numbers) may be reached through the emergency reply,
# which links to them: "person choking on food" should get 112 first.
EMERGENCY_TOPIC = "help"
# Asked as new, a listed question's own entry scores at least this share of the best entry's score
# (on the real content the lowest is three quarters; a question put under the wrong entry, a half).
MISFILED_SHARE = 2 / 3
_YES_NO = re.compile(r"^(yes|no|да|нет|иә|жоқ)\b[\s.,!:;—–-]", re.IGNORECASE)
_YES_NO_QUESTION = {
    "en": re.compile(r"^(is|are|was|were|can|could|do|does|did|may|must|should|will|would|has|have|had)\b", re.I),
    "ru": re.compile(r"(^(можно|может|могут|должен|должна|должны|нужно|надо|правда)\b)|\bли\b", re.I),
    "kk": re.compile(r"\b(ма|ме|ба|бе|па|пе|ғой)\b\s*\??$|\b(ма|ме|ба|бе|па|пе)\?", re.I),
}


def find_problems(content_dir: Path) -> tuple[KnowledgeBase | None, list[str]]:
    """Every problem of the content as a readable line; the knowledge base when it could be built."""
    kb, problems = read_content(Path(content_dir))
    if kb is None:
        return None, problems
    problems.extend(answer_problems(kb))
    problems.extend(
        f"emergency.yaml: entries: {entry_id!r} is not an entry id"
        for entry_id in kb.lexicon.emergency.entries
        if entry_id not in kb.entries
    )
    problems.extend(self_test(SearchIndex.build(kb), kb))
    return kb, problems


def answer_problems(kb: KnowledgeBase) -> list[str]:
    """Answers Telegram would refuse, too long, oddly opened, or saying different numbers per language."""
    problems = []
    for entry in kb.entries.values():
        for lang, text in entry.texts.items():
            name = f"knowledge/{entry.topic}.yaml: {entry.id}: {lang}"
            if error := html_error(text.answer):
                problems.append(f"{name}: answer HTML would be refused by Telegram: {error}")
                continue
            problems.extend(f"{name}: {problem}" for problem in text_problems(entry, lang))
        problems.extend(
            f"knowledge/{entry.topic}.yaml: {entry.id}: {problem}" for problem in number_problems(entry)
        )
    return problems


def text_problems(entry: Entry, lang: str) -> list[str]:
    """What is wrong with one language's answer and title, as short readable phrases."""
    text = entry.texts[lang]
    visible = html_to_text(text.answer).strip()
    problems = []
    if len(visible) > MAX_VISIBLE_ANSWER:
        problems.append(f"answer is {len(visible)} visible characters (at most {MAX_VISIBLE_ANSWER}); split it")
    if len(text.answer) > MAX_TEXT_LENGTH:
        problems.append(f"answer is {len(text.answer)} characters (Telegram's limit is {MAX_TEXT_LENGTH})")
    first_line = visible.splitlines()[0].strip(" .:!") if visible else ""
    if first_line.casefold() == text.title.strip(" .:!").casefold():
        problems.append("answer repeats its title as the first line")
    open_questions = [q for q in text.questions if not _YES_NO_QUESTION[lang].search(q.strip())]
    if _YES_NO.match(visible) and open_questions:
        problems.append(f"answer opens with yes/no, but people also ask it as {open_questions[0]!r}: start with the fact")
    for word in sorted(mixed_script_words(f"{text.title} {visible}")):
        problems.append(f"the word {word!r} mixes Latin and Cyrillic letters")
    if lang == "kk":
        for word in sorted(russian_words(visible)):
            problems.append(f"Russian word {word!r} in the Kazakh text (outside quotes)")
    return problems


def number_problems(entry: Entry) -> list[str]:
    """The answer must give the same numbers in every language (a date or a count lost in translation)."""
    found = {lang: numbers(html_to_text(text.answer)) for lang, text in entry.texts.items()}
    if len({frozenset(values) for values in found.values()}) <= 1:
        return []
    every = set().union(*found.values())
    detail = "; ".join(
        f"{lang} lacks {', '.join(sorted(every - values, key=_numeric))}" for lang, values in found.items() if every - values
    )
    return [f"the answers give different numbers across languages: {detail}"]


def numbers(text: str) -> set[str]:
    """The numbers a text states, normalised (1 797 and 1,797 are 1797; 05 is 5)."""
    return {str(int(re.sub(r"\D", "", match))) for match in _NUMBER.findall(text)}


def mixed_script_words(text: str) -> set[str]:
    """Words that mix Latin and Cyrillic letters (a Latin "a" inside a Russian word, say)."""
    return {w for w in _WORD.findall(text) if _LATIN.search(w) and _CYRILLIC.search(w)}


def russian_words(kazakh_text: str) -> set[str]:
    """Russian words from RUSSIAN_IN_KAZAKH found in Kazakh text outside quotation marks."""
    unquoted = _QUOTED.sub(" ", kazakh_text)
    return {w for w in _WORD.findall(unquoted) if w.casefold() in RUSSIAN_IN_KAZAKH}


def self_test(index: SearchIndex, kb: KnowledgeBase) -> list[str]:
    """Listed questions taken for something else than a question (an action, an emergency: a question
    of an emergency entry or of the help topic may bring back the emergency reply), and listed
    questions whose words point to another entry: said exactly, a listed question finds its entry,
    but asked as new its own entry would score less than MISFILED_SHARE of the other's."""
    problems = []
    by_words = index.by_words_only()
    for entry in kb.entries.values():
        may_be_emergency = entry.topic == EMERGENCY_TOPIC or entry.id in kb.lexicon.emergency.entries
        for lang, text in entry.texts.items():
            for question in text.questions:
                where = f"knowledge/{entry.topic}.yaml: {entry.id}: {lang}: question {question!r}"
                tokens = index.tokens(question)
                routed = route(index, kb, question, tokens, index.language_of(tokens, question) or lang, lang)
                if routed is not None:
                    if not (routed.kind == "emergency" and may_be_emergency):
                        problems.append(f"{where} brings back {_described(routed)} instead of its own entry")
                    continue
                own, best, best_entry = by_words.closeness(tokens, lang, entry.id)
                if own < MISFILED_SHARE * best:
                    problems.append(f"{where} reads as a question of {best_entry}: move it there or reword it")
    return problems


def _described(result: Answer) -> str:
    if result.kind == "action":
        return f"the action {result.action}"
    return result.kind


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


def _numeric(value: str) -> int:
    return int(value)
