"""The command line: python -m bot run | sandbox | ..."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from bot.config import LANGUAGES, ConfigError, load_settings, require_token
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
        print("\n".join(f"  {problem}" for problem in exc.problems), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The Red Crescent Telegram bot.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="serve Telegram users by long polling (needs BOT_TOKEN)")
    run.set_defaults(handler=_run)

    sandbox = commands.add_parser(
        "sandbox", help="chat with the whole bot in the terminal through the emulator (no token, no network)"
    )
    sandbox.add_argument("--staff", action="store_true", help="act as a member of staff (an admin)")
    sandbox.add_argument("--lang", choices=LANGUAGES, help="your Telegram app's language (default: DEFAULT_LANGUAGE)")
    sandbox.add_argument("--user-id", type=int, default=1001, help="your Telegram user id in the sandbox")
    sandbox.add_argument("--db", type=Path, default=Path("data/sandbox.sqlite3"), help="the sandbox's database file")
    sandbox.add_argument("--fresh", action="store_true", help="start with an empty sandbox database")
    sandbox.set_defaults(handler=_sandbox)

    ask = commands.add_parser("ask", help="answer a question with the chat's engine; prints JSON")
    ask.add_argument("--lang", choices=LANGUAGES, help="the asking user's language (default: DEFAULT_LANGUAGE)")
    ask.add_argument("question", help="the question, or - to read one question a line from stdin")
    ask.set_defaults(handler=_ask)

    check = commands.add_parser("check-content", help="validate content/; exit 1 on any problem")
    check.set_defaults(handler=_check_content)

    from bot.news.cli import add_parser as add_news_parser

    add_news_parser(commands)

    from bot.volunteers.cli import add_applications_command

    add_applications_command(commands)
    return parser


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    require_token(settings)
    from bot.app import build_application

    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    # httpx logs every request at INFO, which would drown the bot's own log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build_application(settings)
    application.run_polling(allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"])
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    from bot.sandbox.terminal import run_sandbox

    settings = load_settings()
    return asyncio.run(
        run_sandbox(
            settings,
            staff=args.staff,
            user_id=args.user_id,
            language_code=args.lang or settings.default_language,
            db_path=args.db,
            fresh=args.fresh,
        )
    )


def _ask(args: argparse.Namespace) -> int:
    from bot.ask import ask
    from bot.i18n import Texts
    from bot.library import Library

    settings = load_settings()
    library = Library.load(settings.content_dir)
    texts = Texts.load(settings.content_dir / "ui", settings.default_language)
    lang = args.lang or settings.default_language
    questions = (line.rstrip("\n") for line in sys.stdin) if args.question == "-" else [args.question]
    for question in questions:
        if question.strip():
            print(json.dumps(ask(library, texts, question, lang), ensure_ascii=False), flush=True)
    return 0


def _check_content(args: argparse.Namespace) -> int:
    from bot.content_check import check_content

    settings = load_settings()
    problems, summary = check_content(settings.content_dir, settings.default_language)
    for problem in problems:
        print(problem)
    print(summary)
    print(f"{len(problems)} problem(s)" if problems else "content is valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
