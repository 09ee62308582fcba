"""Read one staff-edited YAML file, reporting syntax errors as readable problems with a line number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import LANGS

# libyaml's parser when PyYAML was built with it: several times faster on the knowledge files.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, label: str, problems: list[str], list_key: str = "entries") -> tuple[Any, list[int]] | None:
    """Parse one YAML file; also return the line of each item of its `list_key` list (entries, questions)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{label}: cannot read: {exc}")
        return None
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(f"{label}{line}: YAML syntax error: {reason}")
        return None
    finally:
        loader.dispose()
    lines: list[int] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == list_key and isinstance(value, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in value.value]
    return data, lines


def read_items(path: Path, label: str, key: str, problems: list[str]) -> list[tuple[str, Any]] | None:
    """The items of a file whose top level is `key:` holding a list, each with its place
    ("quiz/history.yaml:12"); None when the file is unusable."""
    document = read_yaml(path, label, problems, list_key=key)
    if document is None:
        return None
    data, lines = document
    if not isinstance(data, dict) or set(data) != {key} or not isinstance(data[key], list):
        problems.append(f"{label}: the top level must be a mapping with one key '{key}' holding a list")
        return None
    return [(f"{label}:{lines[i]}" if i < len(lines) else label, raw) for i, raw in enumerate(data[key])]


def check_keys(raw: dict, required: tuple[str, ...], name: str, problems: list[str], optional: tuple[str, ...] = ()) -> None:
    """Report the keys a mapping lacks ("missing language 'kk'", "missing 'answer'") and those it may not have."""
    for key in required:
        if key not in raw:
            problems.append(f"{name}: missing {'language ' if key in LANGS else ''}'{key}'")
    unknown_keys(raw, required + optional, name, problems)


def unknown_keys(raw: dict, allowed: tuple[str, ...], name: str, problems: list[str]) -> None:
    """Report the keys of a mapping that are not among `allowed`."""
    extra = [str(key) for key in raw if key not in allowed]
    if extra:
        problems.append(f"{name}: unknown key(s) {', '.join(extra)} (allowed: {', '.join(allowed)})")


def as_strings(raw: Any) -> list[str] | None:
    """A list of scalars as strings (numbers such as 1859 are allowed unquoted), else None. YAML reads
    unquoted no/yes/on/off as true or false: such a list is refused rather than searched for "False"."""
    if not isinstance(raw, list) or not all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in raw):
        return None
    return [str(item) for item in raw]
