"""`python -m bot applications export [--status S] [--since D] [--until D] [--format csv|xlsx] [-o FILE]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.clock import local_today
from bot.config import LANGUAGES, load_settings
from bot.i18n import Texts
from bot.volunteers import export
from bot.volunteers.catalog import Catalog
from bot.volunteers.review import ApplicationReview
from bot.volunteers.notices import StaffTargets
from bot.volunteers.status import REVIEWABLE
from storage.applications import ApplicationRepository
from storage.db import Database


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add the `applications` command and its `export` subcommand to the command line."""
    applications = commands.add_parser("applications", help="volunteer applications (export as CSV or Excel)")
    actions = applications.add_subparsers(dest="applications_command", metavar="ACTION", required=True)
    cmd = actions.add_parser("export", help="write applications as CSV (UTF-8 with BOM) or .xlsx")
    cmd.add_argument("--status", choices=[s.value for s in REVIEWABLE], help="only applications with this status")
    cmd.add_argument("--since", type=_date, help="sent on or after this day (YYYY-MM-DD, Almaty time)")
    cmd.add_argument("--until", type=_date, help="sent on or before this day (YYYY-MM-DD, Almaty time)")
    cmd.add_argument("--format", choices=export.FORMATS, default="csv", help="csv (default) or xlsx")
    cmd.add_argument("--delimiter", choices=[",", ";"], default=",",
                     help="CSV separator: ';' for Excel in Russian and Kazakh locales")
    cmd.add_argument("--lang", choices=LANGUAGES, help="language of the column titles, regions and options")
    cmd.add_argument("-o", "--output", type=Path, help="the file to write (default: standard output)")
    cmd.set_defaults(handler=_export)


def _date(word: str):
    try:
        return export.parse_date(word)
    except export.ExportWordsError:
        raise argparse.ArgumentTypeError(f"{word!r} is not a date: write it as YYYY-MM-DD, for example 2026-11-30") from None


def _export(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.since and args.until and args.until < args.since:
        print("error: --until is before --since", file=sys.stderr)
        return 2
    request = export.ExportRequest(args.status, args.since, args.until, args.format, args.delimiter)
    lang = args.lang or settings.default_language
    texts = Texts.load(settings.content_dir / "ui", settings.default_language)
    catalog = Catalog.load(settings.content_dir)

    async def load():
        db = await Database.open(settings.database_path)
        try:
            review = ApplicationReview(ApplicationRepository(db), StaffTargets(None, frozenset()))
            return await review.export(request.status, request.since, request.until), await review.counts()
        finally:
            await db.close()

    apps, counts = asyncio.run(load())
    data, _ = export.render(request, apps, catalog, texts, lang, local_today())
    if not apps and not sum(counts.values()):
        # A newcomer who tried the sandbox looks in the wrong file: say which one was read.
        print(f"note: {settings.database_path} has no applications at all (the sandbox keeps its own, "
              "data/sandbox.sqlite3; set DATABASE_PATH to read another file)", file=sys.stderr)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(data)
        print(f"{len(apps)} application(s) written to {args.output}", file=sys.stderr)
    elif args.format == "xlsx" and sys.stdout.isatty():
        print("error: an .xlsx file is binary: give -o FILE", file=sys.stderr)
        return 2
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
