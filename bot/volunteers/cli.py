"""`python -m bot applications export [--status S] [--since D] [--until D] [-o FILE]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from bot.volunteers import export
from bot.volunteers import status as lifecycle


def add_applications_command(commands: argparse._SubParsersAction) -> None:
    """Add the `applications` command and its `export` subcommand to the command line."""
    applications = commands.add_parser("applications", help="volunteer applications (export as CSV)")
    actions = applications.add_subparsers(dest="applications_command", metavar="ACTION", required=True)
    export_cmd = actions.add_parser("export", help="write applications as CSV (UTF-8 with BOM)")
    statuses = [s for s in lifecycle.STATUSES if s != lifecycle.DRAFT]
    export_cmd.add_argument("--status", choices=statuses, help="only applications with this status")
    export_cmd.add_argument("--since", type=date.fromisoformat, help="submitted on or after this day (YYYY-MM-DD)")
    export_cmd.add_argument("--until", type=date.fromisoformat, help="submitted on or before this day (YYYY-MM-DD)")
    export_cmd.add_argument("-o", "--output", type=Path, help="the CSV file to write (default: standard output)")
    export_cmd.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from bot.config import load_settings

    settings = load_settings()
    data, count = asyncio.run(export_applications(settings, args.status, args.since, args.until))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(data)
        print(f"{count} application(s) written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


async def export_applications(settings, status: str | None, since: date | None, until: date | None) -> tuple[bytes, int]:
    """The CSV bytes of the matching applications, and how many there are."""
    from bot.volunteers.catalog import Catalog
    from storage.applications import ApplicationRepository
    from storage.db import Database

    catalog = Catalog.load(settings.content_dir)
    db = await Database.open(settings.database_path)
    try:
        start, end = export.day_bounds(since, until)
        apps = await ApplicationRepository(db).search(status, start, end)
    finally:
        await db.close()
    return export.to_csv(apps, catalog), len(apps)
