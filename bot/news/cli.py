"""`python -m bot news send|status`: queue an announcement for the running bot, or report on one."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from bot.config import LANGUAGES, load_settings
from bot.news.message import text_problem
from bot.regions import load_regions
from bot.news.topics import TOPICS
from bot.telegram_html import escape
from storage.broadcasts import BroadcastRepository
from storage.db import Database


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add `news send` and `news status` to the command line."""
    news = commands.add_parser("news", help="queue an announcement or see a broadcast's progress")
    sub = news.add_subparsers(dest="news_command", metavar="ACTION", required=True)
    send = sub.add_parser("send", help="queue an announcement; the running bot delivers it; prints its id")
    send.add_argument("--text", required=True, help="the text, in Telegram HTML (<b>, <i>, <a href>); see --plain")
    send.add_argument("--plain", action="store_true", help="the text is plain: send <, & and > as they are")
    send.add_argument("--topic", choices=TOPICS, default="news", help="who gets it: subscribers of this topic")
    send.add_argument("--lang", choices=LANGUAGES, help="only subscribers who use this language")
    send.add_argument("--region", help="only subscribers in this region (an id from content/regions.yaml)")
    send.set_defaults(handler=_send)
    status = sub.add_parser("status", help="progress and delivery report of a broadcast, as JSON")
    status.add_argument("id", nargs="?", type=int, help="the broadcast's id (default: the newest)")
    status.set_defaults(handler=_status)


def _send(args: argparse.Namespace) -> int:
    settings = load_settings()
    text = escape(args.text) if args.plain else args.text
    problem = text_problem(text, caption=False)
    if problem:
        key, params = problem
        detail = params.get("error") or (f"{params['length']} characters, at most {params['limit']}" if "limit" in params else "empty")
        hint = " (use --plain to send the text as it is)" if "error" in params else ""
        print(f"error: the text can't be sent: {detail}{hint}", file=sys.stderr)
        return 2
    if args.region and load_regions(settings.content_dir).get(args.region) is None:
        print(f"error: unknown region {args.region!r}; see content/regions.yaml", file=sys.stderr)
        return 2

    async def queue() -> int:
        db = await Database.open(settings.database_path)
        try:
            return await BroadcastRepository(db).create(
                {"any": text}, topic=args.topic, lang=args.lang, region=args.region, status="queued"
            )
        finally:
            await db.close()

    print(asyncio.run(queue()))
    return 0


def _status(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def report() -> dict | None:
        db = await Database.open(settings.database_path)
        try:
            repo = BroadcastRepository(db)
            broadcast_id = args.id if args.id is not None else await repo.latest_id()
            broadcast = await repo.get(broadcast_id) if broadcast_id is not None else None
            if broadcast is None:
                return None
            counts = await repo.counts(broadcast.id)
            done = counts["sent"] + counts["failed"] + counts["blocked"]
            return {
                "id": broadcast.id,
                "status": broadcast.status,
                "topic": broadcast.topic,
                "lang": broadcast.lang,
                "region": broadcast.region,
                "languages": sorted(broadcast.texts),
                "photo": broadcast.photo_file_id is not None,
                "author_id": broadcast.author_id,
                "created_at": broadcast.created_at,
                "scheduled_at": broadcast.scheduled_at,
                "started_at": broadcast.started_at,
                "finished_at": broadcast.finished_at,
                "total": broadcast.total,
                "deliveries": counts,
                "progress": round(done / broadcast.total, 4) if broadcast.total else (1.0 if broadcast.status == "done" else 0.0),
                "errors": [{"error": error, "count": count} for error, count in await repo.errors(broadcast.id)],
            }
        finally:
            await db.close()

    result = asyncio.run(report())
    if result is None:
        print("error: no such broadcast" if args.id is not None else "error: no broadcasts yet", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
