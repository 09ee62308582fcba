"""`python -m bot check-content`: every problem in content/, and a summary."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import Texts, TextsError
from bot.knowledge.validate import find_problems, summary
from bot.regions import RegionsError
from bot.telegram_html import html_error
from bot.volunteers.catalog import Catalog, CatalogError


def check_content(content_dir: Path, default_language: str) -> tuple[list[str], str]:
    """Return the problems (empty when valid) and a summary of what is there."""
    kb, problems = find_problems(content_dir)
    problems += ui_problems(content_dir / "ui", default_language)
    problems += form_problems(content_dir)
    return problems, summary(kb) if kb is not None else "no knowledge base could be built"


def form_problems(content_dir: Path) -> list[str]:
    """Problems in regions.yaml and the consent texts the volunteer form and news alerts use."""
    try:
        Catalog.load(content_dir)
    except (RegionsError, CatalogError) as exc:
        return [str(exc)]
    return []


def ui_problems(ui_dir: Path, default_language: str) -> list[str]:
    """Missing keys and HTML Telegram would refuse in the UI texts."""
    try:
        texts = Texts.load(ui_dir, default_language)
    except TextsError as exc:
        return [str(exc)]
    problems = [f"ui/{item} is missing" for item in texts.missing()]
    for lang, catalog in texts.catalogs.items():
        for key, text in catalog.items():
            if error := html_error(text):
                problems.append(f"ui/{lang}.yaml: {key}: HTML would be refused by Telegram: {error}")
    return problems
