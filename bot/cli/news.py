"""`python -m bot news send|status`: queue an announcement for the running bot, or report on one."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from bot.config import LANGUAGES, load_settings
from bot.news.announcements import AnnouncementService, text_problem
from bot.news.progress import done_count
from bot.news.topics import TOPICS
from bot.news.when import WhenError, parse_when
from bot.regions import load_regions
from bot.telegram_html import escape
from storage.broadcasts import BroadcastRepository, NewBroadcast
from storage.db import Database
from storage.subscriptions import SubscriptionRepository


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add `news send` and `news status` to the command line."""
    news = commands.add_parser("news", help="queue an announcement or see a broadcast's progress")
    sub = news.add_subparsers(dest="news_command", metavar="ACTION", required=True)
    send = sub.add_parser("send", help="queue an announcement; the running bot delivers it (alerts first); prints its id")
    send.add_argument("--text", required=True, help="the text, in Telegram HTML (<b>, <i>, <a href>); see --plain")
    send.add_argument("--plain", action="store_true", help="the text is plain: send <, & and > as they are")
    send.add_argument("--topic", choices=TOPICS, default="news", help="who gets it: subscribers of this topic")
    send.add_argument("--lang", choices=LANGUAGES, help="only subscribers who use this language")
    send.add_argument("--region", help="only subscribers in these regions: ids from content/regions.yaml, comma-separated")
    send.add_argument("--valid-until", help="alerts: not delivered after this time (Almaty), e.g. '30.11.2026 18:00'")
    send.add_argument("--paid", action="store_true", help="alerts: Telegram's paid broadcast (faster; costs Stars)")
    loudness = send.add_mutually_exclusive_group()
    loudness.add_argument("--loud", action="store_true", help="ring even if it is not an alert")
    loudness.add_argument("--quiet", action="store_true", help="no sound even for an alert")
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
        return _fail(f"the text can't be sent: {detail}{hint}")
    regions = tuple(r.strip() for r in (args.region or "").split(",") if r.strip()) or None
    known = load_regions(settings.content_dir)
    for code in regions or ():
        if known.get(code) is None:
            close = [r.code for r in known if code in r.code or r.code in code]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            return _fail(f"unknown region {code!r}{hint} Valid ids: {', '.join(r.code for r in known)}")
    if (args.paid or args.valid_until) and args.topic != "alerts":
        return _fail("--paid and --valid-until are for alerts: add --topic alerts")
    valid_until = None
    if args.valid_until:
        try:
            valid_until = parse_when(args.valid_until).isoformat(timespec="seconds")
        except WhenError as exc:
            return _fail(f"--valid-until {args.valid_until!r}: {_when_problem(str(exc))}")
    quiet = False if args.loud else True if args.quiet else args.topic != "alerts"
    new = NewBroadcast({"any": text}, topic=args.topic, lang=args.lang, regions=regions, quiet=quiet,
                       paid=args.paid, valid_until=valid_until)

    async def queue() -> int:
        db = await Database.open(settings.database_path)
        try:
            service = AnnouncementService(BroadcastRepository(db), SubscriptionRepository(db), lambda: known, lambda: None)
            return await service.queue(new)
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
            done = done_count(counts)
            return {
                "id": broadcast.id, "status": broadcast.status, "topic": broadcast.topic, "lang": broadcast.lang,
                "regions": list(broadcast.regions) if broadcast.regions else None,
                "languages": sorted(broadcast.texts), "photo": broadcast.photo_file_id is not None,
                "quiet": broadcast.quiet, "paid": broadcast.paid, "valid_until": broadcast.valid_until,
                "author_id": broadcast.author_id, "created_at": broadcast.created_at,
                "scheduled_at": broadcast.scheduled_at, "started_at": broadcast.started_at,
                "finished_at": broadcast.finished_at, "total": broadcast.total, "deliveries": counts,
                "progress": round(done / broadcast.total, 4) if broadcast.total else (1.0 if broadcast.status == "done" else 0.0),
                "errors": [{"error": error, "count": count} for error, count in await repo.errors(broadcast.id)],
            }
        finally:
            await db.close()

    result = asyncio.run(report())
    if result is None:
        return _fail("no such broadcast" if args.id is not None else f"no broadcasts yet in {settings.database_path}", code=1)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _when_problem(key: str) -> str:
    return {
        "news.announce.when_bad": "not a date and time; write it like 30.11.2026 18:00 or 18:00 (Almaty time)",
        "news.announce.when_past": "that time has passed",
        "news.announce.when_far": "more than a year ahead",
    }.get(key, key)


def _fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
