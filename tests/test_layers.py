"""The shape the code keeps: handlers stay thin, and no module grows past what one reader can hold."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
HANDLERS = sorted((BOT / "handlers").glob("*.py"))
MAX_MODULE_LINES = 400


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # "from . import news" inside bot/handlers/ is another handler too
            module = "bot.handlers" + (f".{node.module}" if node.module else "") if node.level else node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.name)
def test_a_handler_reaches_storage_only_through_services_and_imports_no_other_handler(path):
    imported = _imported_modules(path)
    assert not [name for name in imported if name == "storage" or name.startswith("storage.")]
    others = {name for name in imported if name.startswith("bot.handlers.") and name != "bot.handlers." + path.stem}
    assert not others


def test_no_module_outside_the_sandbox_is_longer_than_400_lines():
    long_modules = {
        str(path.relative_to(BOT)): lines
        for path in BOT.rglob("*.py")
        if "sandbox" not in path.parts and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long_modules == {}
