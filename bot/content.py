"""Everything the bot says, loaded and checked as one: knowledge, UI texts, regions, consent texts.

`check-content` and /reload run exactly the same checks (load_content), and the bot switches to
new content only as a whole, so no reader ever sees half of an edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.i18n import Texts, TextsError
from bot.knowledge.loader import read_content
from bot.knowledge.model import ContentError
from bot.knowledge.validate import answer_problems, summary
from bot.knowledge.validate import self_test as run_self_test
from bot.library import Library, topic_problems
from bot.quiz.content import QuizBank, load_quiz, quiz_self_test, topic_name_problems
from bot.regions import Regions, RegionsError
from bot.telegram_html import html_error
from bot.volunteers.catalog import Catalog, CatalogError


@dataclass(frozen=True)
class Content:
    """The loaded content; replaced whole on /reload."""

    library: Library
    texts: Texts
    catalog: Catalog
    quiz: QuizBank

    @property
    def regions(self) -> Regions:
        """The regions of Kazakhstan (news alerts and the volunteer form)."""
        return self.catalog.regions


@dataclass(frozen=True)
class Checked:
    """The result of loading: the content if it has no problem, every problem, and a summary."""

    content: Content | None
    problems: list[str]
    summary: str


def load_content(content_dir: Path, default_language: str, taught: Iterable[tuple[str, str, str]] = (), *,
                 self_test: bool = True) -> Checked:
    """Read and check everything in content/ (taught phrasings from staff included); build the index once.

    The self-test asks every listed question through the engine: check-content and /reload run it;
    a start skips it, so a phrasing that needs rewording never keeps the bot from serving.
    """
    content_dir = Path(content_dir)
    kb, problems = read_content(content_dir)
    library = None
    if kb is not None:
        library = Library.build(kb, taught)
        problems += answer_problems(kb) + topic_problems(kb)
        if self_test:
            problems += run_self_test(library.index, kb)
    texts, text_problems = _texts(content_dir / "ui", default_language)
    problems += text_problems
    catalog, catalog_problems = _catalog(content_dir)
    problems += catalog_problems
    quiz, quiz_problems = load_quiz(content_dir, set(kb.entries) if kb is not None else None)
    problems += quiz_problems
    if texts is not None:
        problems += topic_name_problems(quiz, texts.catalogs)
    if kb is not None:
        answers = {e.id: {lang: text.answer for lang, text in e.texts.items()} for e in kb.entries.values()}
        problems += quiz_self_test(quiz, answers)
    report = summary(kb) if kb is not None else "no knowledge base could be built"
    report += f"\nquiz: {len(quiz.questions)} questions in {len(quiz.topics)} topics"
    if problems or library is None or texts is None or catalog is None:
        return Checked(None, problems, report)
    return Checked(Content(library, texts, catalog, quiz), [], report)


def load_or_raise(content_dir: Path, default_language: str) -> Content:
    """Load the content for the bot to start with (no self-test); raise ContentError listing the problems."""
    checked = load_content(content_dir, default_language, self_test=False)
    if checked.content is None:
        raise ContentError(checked.problems)
    return checked.content


def _texts(ui_dir: Path, default_language: str) -> tuple[Texts | None, list[str]]:
    """The UI texts, with missing keys and HTML Telegram would refuse reported."""
    try:
        texts = Texts.load(ui_dir, default_language)
    except TextsError as exc:
        return None, [str(exc)]
    problems = [f"ui/{item} is missing" for item in texts.missing()]
    for lang, catalog in texts.catalogs.items():
        for key, text in catalog.items():
            if error := html_error(text):
                problems.append(f"ui/{lang}.yaml: {key}: HTML would be refused by Telegram: {error}")
    return texts, problems


def _catalog(content_dir: Path) -> tuple[Catalog | None, list[str]]:
    """Regions and consent texts (the volunteer form and news alerts use them)."""
    try:
        return Catalog.load(content_dir), []
    except (RegionsError, CatalogError) as exc:
        return None, [str(exc)]
