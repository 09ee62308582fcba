"""UI texts per language from content/ui/{lang}.yaml, with a fallback chain."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import LANGUAGES
from bot.yaml_file import read_mapping


class TextsError(Exception):
    """A UI text file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Texts:
    """Every UI text, by language and flat dotted key."""

    catalogs: dict[str, dict[str, str]]
    default_language: str

    @classmethod
    def load(cls, ui_dir: Path, default_language: str) -> "Texts":
        """Read content/ui/{kk,ru,en}.yaml."""
        catalogs = {}
        for lang in LANGUAGES:
            catalogs[lang] = _flatten(read_mapping(ui_dir / f"{lang}.yaml", TextsError))
        return cls(catalogs, default_language)

    def get(self, lang: str | None, key: str, **params: Any) -> str:
        """Return the text in the user's language, else the default language, else the key."""
        for candidate in (lang, self.default_language):
            text = self.catalogs.get(candidate or "", {}).get(key)
            if text is not None:
                return text.format_map(params).strip() if params else text.strip()
        return key

    def missing(self) -> list[str]:
        """List keys present in one language but missing in another."""
        all_keys = set().union(*(set(c) for c in self.catalogs.values()))
        return sorted(
            f"{lang}: {key}" for lang, catalog in self.catalogs.items() for key in all_keys - set(catalog)
        )


def _flatten(data: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat
