"""The regions of Kazakhstan from content/regions.yaml: news alerts and the volunteer form share them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config import LANGUAGES
from bot.yaml_file import read_mapping


class RegionsError(Exception):
    """content/regions.yaml is missing or malformed; the message says where."""


@dataclass(frozen=True)
class Region:
    """One region or city: a stable code (`id` in the file) and its name in each language."""

    code: str
    names: dict[str, str]

    def name(self, lang: str) -> str:
        """The name in `lang` (Russian, then the code, when a name is missing)."""
        return self.names.get(lang) or self.names.get("ru") or self.code


@dataclass(frozen=True)
class Regions:
    """Every region in the file's order, and lookup by code."""

    items: tuple[Region, ...]

    def get(self, code: str | None) -> Region | None:
        """The region with this code, or None."""
        return next((r for r in self.items if r.code == code), None)

    def find(self, typed: str) -> Region | None:
        """The region whose name in any language is what the person typed, or starts with it."""
        folded = typed.strip().casefold()
        if len(folded) < 3:
            return None
        exact = [r for r in self.items if any(n.casefold() == folded for n in r.names.values())]
        if exact:
            return exact[0]
        starts = [r for r in self.items if any(n.casefold().startswith(folded) for n in r.names.values())]
        return starts[0] if len(starts) == 1 else None

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def load_regions(content_dir: Path) -> Regions:
    """Read and check content/regions.yaml."""
    path = Path(content_dir) / "regions.yaml"
    rows = read_mapping(path, RegionsError).get("regions")
    if not isinstance(rows, list) or not rows:
        raise RegionsError(f"{path}: expected a list under 'regions'")
    items, seen = [], set()
    for number, row in enumerate(rows, 1):
        code = row.get("id") if isinstance(row, dict) else None
        if not isinstance(code, str) or not code or code in seen:
            raise RegionsError(f"{path}: region {number} has a missing or repeated id")
        missing = [lang for lang in LANGUAGES if not isinstance(row.get(lang), str) or not row[lang].strip()]
        if missing:
            raise RegionsError(f"{path}: region {code!r} has no name in {', '.join(missing)}")
        seen.add(code)
        items.append(Region(code, {lang: row[lang].strip() for lang in LANGUAGES}))
    return Regions(tuple(items))
