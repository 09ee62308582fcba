"""`backup`, `health`, `links` and `content taught`: what the people running the bot need."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path

import yaml

from bot.config import Settings, load_settings
from bot.content import load_content
from storage.db import Database, migration_files
from storage.question_log import QuestionLog

# Where a deep link takes people; the sandbox and t.me use the same words (/start <payload>).
LINKS = {
    "volunteer": "apply to volunteer",
    "subscribe": "subscribe to news and alerts",
    "news": "the latest announcements",
    "quiz": "play the quiz",
}


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add backup, health, links and content to the command line."""
    cmd = commands.add_parser("backup", help="a consistent copy of the live database (safe while the bot runs)")
    cmd.add_argument("file", nargs="?", type=Path, help="where to write it (default: backups/bot-YYYYmmdd-HHMMSS.sqlite3)")
    cmd.set_defaults(handler=_backup)
    cmd = commands.add_parser("health", help="exit 0 when the database opens, migrations are current and content loads")
    cmd.set_defaults(handler=_health)
    cmd = commands.add_parser("links", help="the deep links (t.me/<bot>?start=…) for posters and posts")
    cmd.add_argument("--entries", action="store_true", help="also a link to every knowledge entry")
    cmd.set_defaults(handler=_links)
    content = commands.add_parser("content", help="staff-taught phrasings")
    actions = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    cmd = actions.add_parser("taught", help="list the phrasings staff taught from Telegram (--export writes them into the YAML)")
    cmd.add_argument("--export", action="store_true", help="add them to the entries' questions in content/knowledge/*.yaml")
    cmd.set_defaults(handler=_taught)


def _backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.database_path.is_file():
        print(f"error: DATABASE_PATH: {settings.database_path} does not exist", file=sys.stderr)
        return 2
    target = args.file or Path("backups") / f"bot-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"

    async def copy() -> None:
        db = await Database.open(settings.database_path)
        try:
            await db.backup_to(target)
        finally:
            await db.close()

    asyncio.run(copy())
    print(target)
    return 0


def _health(args: argparse.Namespace) -> int:
    settings = load_settings()
    problems = asyncio.run(_database_problems(settings))
    # What a start needs (the self-test of every phrasing is check-content's job, and slow).
    checked = load_content(settings.content_dir, settings.default_language, self_test=False)
    problems += [f"content: {p}" for p in checked.problems[:5]]
    for problem in problems:
        print(f"unhealthy: {problem}", file=sys.stderr)
    if not problems:
        print("healthy")
    return 1 if problems else 0


async def _database_problems(settings: Settings) -> list[str]:
    """Whether the database opens and has every migration (opening applies the missing ones)."""
    try:
        db = await Database.open(settings.database_path)
    except Exception as exc:  # noqa: BLE001 - health reports any failure as one line
        return [f"database {settings.database_path}: {exc}"]
    try:
        newest = migration_files()[-1][0]
        version = await db.schema_version()
        await db.fetchone("SELECT COUNT(*) FROM users")
        return [] if version == newest else [f"database at migration {version}, expected {newest}"]
    finally:
        await db.close()


def _links(args: argparse.Namespace) -> int:
    settings = load_settings()
    username = settings.bot_username or asyncio.run(_username(settings))
    if not username:
        print("error: BOT_USERNAME: not set (and no BOT_TOKEN to ask Telegram for it)", file=sys.stderr)
        return 2
    for payload, what in LINKS.items():
        print(f"https://t.me/{username}?start={payload}\t{what}")
    checked = load_content(settings.content_dir, settings.default_language, self_test=False)
    if checked.content is None:
        return 0
    for topic in checked.content.quiz.topics:
        print(f"https://t.me/{username}?start=quiz_{topic}\tthe quiz on {topic}")
    if args.entries:
        for entry in checked.content.library.kb.entries.values():
            print(f"https://t.me/{username}?start={entry.id}\t{entry.text('en').title}")
    return 0


async def _username(settings: Settings) -> str | None:
    if not settings.bot_token:
        return None
    from telegram import Bot

    async with Bot(settings.bot_token, base_url=settings.bot_api_base_url) as bot:
        return bot.username


def _taught(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def read():
        db = await Database.open(settings.database_path)
        try:
            return await QuestionLog(db).taught()
        finally:
            await db.close()

    taught = asyncio.run(read())
    for item in taught:
        print(f"{item.entry_id}\t{item.lang}\t{item.question}\t(taught {item.created_at[:10]})")
    if not taught:
        print(f"no taught phrasings in {settings.database_path}", file=sys.stderr)
    if args.export and taught:
        changed = export_taught(settings.content_dir, [(t.entry_id, t.lang, t.question) for t in taught])
        print(f"{changed} phrasing(s) added to content/knowledge; review them, run check-content and commit", file=sys.stderr)
    return 0


def export_taught(content_dir: Path, taught: list[tuple[str, str, str]]) -> int:
    """Add taught phrasings to their entries' question lists in the YAML files, keeping the files' layout; how many."""
    added = 0
    for path in sorted((content_dir / "knowledge").glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        before = len(lines)
        for entry_id, lang, question in taught:
            _insert_question(lines, entry_id, lang, question)
        if len(lines) != before:
            added += len(lines) - before
            path.write_text("".join(lines), encoding="utf-8")
    return added


def _insert_question(lines: list[str], entry_id: str, lang: str, question: str) -> None:
    """Append `question` after the last item of the entry's `<lang>: questions:` list, unless it is there."""
    start = next((i for i, line in enumerate(lines) if line.strip() in (f"- id: {entry_id}", f"- id: '{entry_id}'")), None)
    if start is None:
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- id:")), len(lines))
    block = next((i for i in range(start, end) if lines[i].strip() == f"{lang}:"), None)
    header = next((i for i in range(block or end, end) if lines[i].strip() == "questions:"), None)
    if block is None or header is None:
        return
    last = header
    while last + 1 < end and lines[last + 1].lstrip().startswith("- "):
        last += 1
    items = [line.strip()[2:].strip().strip("'\"") for line in lines[header + 1 : last + 1]]
    if question in items:
        return
    indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())] if last > header else " " * 8
    lines.insert(last + 1, f"{indent}- {yaml.safe_dump(question, allow_unicode=True, width=1000).strip().removesuffix('...').strip()}\n")
