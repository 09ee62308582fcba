"""The command line: python -m bot run | sandbox | ask | check-content | news | applications | backup | health | links | content."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.cli import applications as applications_cli
from bot.cli import maintenance
from bot.cli import news as news_cli
from bot.cli.run import run
from bot.config import LANGUAGES, ConfigError, load_settings
from bot.i18n import TextsError
from bot.knowledge.model import ContentError
from bot.regions import RegionsError
from bot.volunteers.catalog import CatalogError


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except (ConfigError, TextsError, RegionsError, CatalogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print("error: the content has problems; run 'python -m bot check-content':", file=sys.stderr)
        print("\n".join(f"  {problem}" for problem in exc.problems[:20]), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The Red Crescent Telegram bot.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    cmd = commands.add_parser("run", help="serve Telegram users (long polling; --webhook or WEBHOOK_URL for a webhook)")
    cmd.add_argument("--webhook", action="store_true", help="receive updates by webhook (needs WEBHOOK_URL, WEBHOOK_SECRET)")
    cmd.set_defaults(handler=run)

    cmd = commands.add_parser("sandbox", help="chat with the whole bot in the terminal through the emulator (no token, no network)")
    cmd.add_argument("--staff", action="store_true", help="act as a member of staff (an admin)")
    cmd.add_argument("--lang", choices=LANGUAGES, help="your Telegram app's language (default: DEFAULT_LANGUAGE)")
    cmd.add_argument("--user-id", type=int, default=1001, help="your Telegram user id in the sandbox")
    cmd.add_argument("--db", type=Path, default=Path("data/sandbox.sqlite3"), help="the sandbox's database file")
    cmd.add_argument("--fresh", action="store_true", help="start with an empty sandbox database and chat")
    cmd.set_defaults(handler=_sandbox)

    cmd = commands.add_parser("ask", help="answer a question with the chat's engine; prints JSON")
    cmd.add_argument("--lang", choices=LANGUAGES, help="the asking person's language (default: DEFAULT_LANGUAGE)")
    cmd.add_argument("question", help="the question, or - to read one question a line from stdin")
    cmd.set_defaults(handler=_ask)

    cmd = commands.add_parser("check-content", help="validate content/; exit 1 on any problem")
    cmd.set_defaults(handler=_check_content)

    news_cli.add_parser(commands)
    applications_cli.add_parser(commands)
    maintenance.add_parsers(commands)
    return parser


def _sandbox(args: argparse.Namespace) -> int:
    from bot.sandbox.terminal import run_sandbox

    settings = load_settings()
    return asyncio.run(run_sandbox(
        settings, staff=args.staff, user_id=args.user_id, language_code=args.lang or settings.default_language,
        db_path=args.db, fresh=args.fresh,
    ))


def _ask(args: argparse.Namespace) -> int:
    from bot.ask import ask
    from bot.content import load_or_raise

    settings = load_settings()
    content = load_or_raise(settings.content_dir, settings.default_language)
    lang = args.lang or settings.default_language
    if args.question != "-" and not args.question.strip():
        print("error: the question is empty; give a question, or - to read them from stdin", file=sys.stderr)
        return 2
    questions = (line.rstrip("\n") for line in sys.stdin) if args.question == "-" else [args.question]
    for question in questions:
        if question.strip():
            print(json.dumps(ask(content.library, content.texts, question, lang), ensure_ascii=False), flush=True)
    return 0


def _check_content(args: argparse.Namespace) -> int:
    from bot.content import load_content

    settings = load_settings()
    checked = load_content(settings.content_dir, settings.default_language)
    for problem in checked.problems:
        print(problem)
    print(checked.summary)
    print(f"{len(checked.problems)} problem(s)" if checked.problems else "content is valid")
    return 1 if checked.problems else 0


if __name__ == "__main__":
    sys.exit(main())
