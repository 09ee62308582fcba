"""The form's content from content/: regions of Kazakhstan and the versioned consent text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config import LANGUAGES
from bot.regions import Region, Regions, load_regions
from bot.yaml_file import read_mapping


class CatalogError(Exception):
    """content/consent/ is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Consent:
    """The consent text in one language and the version it has."""

    version: str
    text: str


@dataclass(frozen=True)
class Catalog:
    """Regions (in the order shown) and consent texts by language."""

    regions: Regions
    consent: dict[str, Consent]

    @classmethod
    def load(cls, content_dir: Path) -> "Catalog":
        """Read content/regions.yaml and content/consent/{kk,ru,en}.yaml."""
        return cls(load_regions(content_dir), _consents(content_dir / "consent"))

    def region(self, region_id: str | None) -> Region | None:
        """The region with this id, or None."""
        return self.regions.get(region_id)

    def region_name(self, region_id: str | None, lang: str) -> str:
        """A region's name in a language (the id itself if the region was removed)."""
        region = self.regions.get(region_id)
        return region.name(lang) if region else (region_id or "")

    def find_region(self, typed: str) -> Region | None:
        """The region whose name in any language is what the person typed, or starts with it."""
        return self.regions.find(typed)


def _consents(folder: Path) -> dict[str, Consent]:
    consents = {}
    for lang in LANGUAGES:
        path = folder / f"{lang}.yaml"
        data = read_mapping(path, CatalogError)
        if not data.get("version") or not data.get("text"):
            raise CatalogError(f"{path}: needs 'version' and 'text'")
        consents[lang] = Consent(str(data["version"]), str(data["text"]).strip())
    return consents
