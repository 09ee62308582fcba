"""The form's content from content/: regions of Kazakhstan and the versioned consent text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import LANGUAGES


class CatalogError(Exception):
    """content/regions.yaml or content/consent/ is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Region:
    """A region or city with its name in each language."""

    id: str
    names: dict[str, str]


@dataclass(frozen=True)
class Consent:
    """The consent text in one language and the version it has."""

    version: str
    text: str


@dataclass(frozen=True)
class Catalog:
    """Regions (in the order shown) and consent texts by language."""

    regions: tuple[Region, ...]
    consent: dict[str, Consent]

    @classmethod
    def load(cls, content_dir: Path) -> "Catalog":
        """Read content/regions.yaml and content/consent/{kk,ru,en}.yaml."""
        return cls(_regions(content_dir / "regions.yaml"), _consents(content_dir / "consent"))

    def region(self, region_id: str | None) -> Region | None:
        """The region with this id, or None."""
        return next((r for r in self.regions if r.id == region_id), None)

    def region_name(self, region_id: str | None, lang: str) -> str:
        """A region's name in a language (the id itself if the region was removed)."""
        region = self.region(region_id)
        return region.names[lang] if region else (region_id or "")

    def find_region(self, typed: str) -> Region | None:
        """The region whose name in any language is what the person typed, or starts with it."""
        folded = typed.strip().casefold()
        if len(folded) < 3:
            return None
        exact = [r for r in self.regions if any(n.casefold() == folded for n in r.names.values())]
        if exact:
            return exact[0]
        starts = [r for r in self.regions if any(n.casefold().startswith(folded) for n in r.names.values())]
        return starts[0] if len(starts) == 1 else None


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{path}: missing") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping")
    return data


def _regions(path: Path) -> tuple[Region, ...]:
    items = _read(path).get("regions")
    if not isinstance(items, list) or not items:
        raise CatalogError(f"{path}: expected a non-empty list under 'regions:'")
    regions, seen = [], set()
    for item in items:
        if not isinstance(item, dict) or not item.get("id") or any(not item.get(lang) for lang in LANGUAGES):
            raise CatalogError(f"{path}: every region needs id, kk, ru and en: {item!r}")
        if item["id"] in seen:
            raise CatalogError(f"{path}: region id {item['id']!r} appears twice")
        seen.add(item["id"])
        regions.append(Region(str(item["id"]), {lang: str(item[lang]) for lang in LANGUAGES}))
    return tuple(regions)


def _consents(folder: Path) -> dict[str, Consent]:
    consents = {}
    for lang in LANGUAGES:
        path = folder / f"{lang}.yaml"
        data = _read(path)
        if not data.get("version") or not data.get("text"):
            raise CatalogError(f"{path}: needs 'version' and 'text'")
        consents[lang] = Consent(str(data["version"]), str(data["text"]).strip())
    return consents
