"""Read a YAML file that staff edit, with one clear message when it is missing or broken."""

from __future__ import annotations

from pathlib import Path

import yaml


def read_mapping(path: Path, error: type[Exception]) -> dict:
    """Return the file's top-level mapping; raise `error` naming the file when that fails."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: missing") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping of keys to values")
    return data
