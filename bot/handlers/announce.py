"""Staff announcements: /announce → text → audience → preview → send now or schedule; progress; /broadcasts."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationHandlerStop, Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks
from bot.config import LANGUAGES
from bot.context import BotContext
from bot.handlers.staff import staff_only
from bot.news import keyboards
from bot.news.message import send_announcement, text_problem
from bot.news.progress_message import ProgressMessage
from bot.news.when import WhenError, local_text, parse_when
from bot.telegram_html import escape
from storage.broadcasts import Broadcast
from storage.subscriptions import Audience

# Draft steps: what the bot waits for from the staff member.
STEP_TEXT = "text"  # the first version, for everyone (text:<lang> for a language's version)
STEP_VERSIONS = "versions"
STEP_AUDIENCE = "audience"
STEP_PREVIEW = "preview"
STEP_SCHEDULE = "schedule"
RECENT_COUNT = 10


def register(application: Application, input_group: int) -> None:
    """Register the staff's announcement commands, buttons and input (read in input_group)."""
    admins = filters.User(user_id=application.bot_data.settings.admin_ids, allow_empty=False)
    content = (filters.TEXT | filters.PHOTO) & ~filters.COMMAND & filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(admins & content, take_input), group=input_group)
    application.add_handler(CommandHandler("announce", start_draft))
    application.add_handler(CommandHandler("broadcasts", list_broadcasts))
    application.add_handler(CallbackQueryHandler(on_button, pattern=callbacks.pattern(callbacks.ANNOUNCE)))


@staff_only
async def start_draft(update: Update, context: BotContext) -> None:
    """Start a new announcement and ask for its text."""
    repo, admin_id = context.news.broadcasts, update.effective_user.id
    old = await repo.draft(admin_id)
    if old is not None:
        await repo.set_status(old.broadcast_id, "cancelled", only_from=("draft",))
    broadcast_id = await repo.create({}, author_id=admin_id, author_lang=context.lang)
    await repo.set_draft(admin_id, broadcast_id, STEP_TEXT)
    await update.effective_message.reply_text(context.t("news.announce.ask_text"), parse_mode=ParseMode.HTML)


async def take_input(update: Update, context: BotContext) -> None:
    """Take the announcement's text (or photo) or its time, when the staff member's draft waits for one."""
    repo, admin_id, message = context.news.broadcasts, update.effective_user.id, update.effective_message
    draft = await repo.draft(admin_id)
    if draft is None or not (draft.step.startswith(STEP_TEXT) or draft.step == STEP_SCHEDULE):
        return  # not drafting: an ordinary question
    if not context.settings.is_admin(admin_id):
        return
    broadcast = await repo.get(draft.broadcast_id)
    if broadcast is None or broadcast.status != "draft":
        await repo.clear_draft(admin_id)
        return
    if draft.step == STEP_SCHEDULE:
        await _take_time(update, context, broadcast)
    else:
        await _take_text(update, context, broadcast, draft.step)
    raise ApplicationHandlerStop


async def _take_text(update: Update, context: BotContext, broadcast: Broadcast, step: str) -> None:
    message, repo = update.effective_message, context.news.broadcasts
    version = step.split(":", 1)[1] if ":" in step else "any"
    photo = message.photo[-1].file_id if message.photo and version == "any" else None
    # text_html turns the staff member's formatting into tags and escapes what they typed (< & >).
    text = message.text_html if message.text is not None else (message.caption_html if message.caption else "")
    problem = text_problem(text, caption=bool(photo or broadcast.photo_file_id))
    if problem:
        key, params = problem
        params = {k: escape(str(v)) for k, v in params.items()}
        await message.reply_text(context.t(key, **params), parse_mode=ParseMode.HTML)
        return
    await repo.set_text(broadcast.id, version, text, photo)
    await repo.set_draft(update.effective_user.id, broadcast.id, STEP_VERSIONS)
    have = set((await repo.get(broadcast.id)).texts)
    await message.reply_text(
        context.t("news.announce.text_saved"), reply_markup=keyboards.draft_text(context.texts, context.lang, broadcast.id, have)
    )


async def _take_time(update: Update, context: BotContext, broadcast: Broadcast) -> None:
    message, repo = update.effective_message, context.news.broadcasts
    try:
        when = parse_when(message.text or "")
    except WhenError as exc:
        await message.reply_text(context.t(str(exc)))
        return
    utc = when.isoformat(timespec="seconds")
    await repo.schedule(broadcast.id, utc)
    await repo.clear_draft(update.effective_user.id)
    context.news.worker.wake()
    await message.reply_text(
        context.t("news.announce.scheduled", id=broadcast.id, when=local_text(utc)),
        reply_markup=keyboards.scheduled(context.texts, context.lang, broadcast.id),
    )


@staff_only
async def on_button(update: Update, context: BotContext) -> None:
    """Handle a staff button: versions, audience, preview, send, schedule, pause, resume, stop, resend."""
    query = update.callback_query
    raw_id, action, *args = callbacks.parts(query.data)
    broadcast = await context.news.broadcasts.get(int(raw_id)) if raw_id.isdigit() else None
    if broadcast is None:
        await query.answer(context.t("news.announce.gone"), show_alert=True)
        return
    handler = _DRAFT_ACTIONS.get(action) if broadcast.status == "draft" else _RUN_ACTIONS.get((broadcast.status, action))
    if handler is None:
        await query.answer(context.t("news.announce.too_late"), show_alert=True)
        return
    await handler(update, context, broadcast, args)


async def _add_version(update: Update, context: BotContext, broadcast: Broadcast, args: list[str]) -> None:
    if not args or args[0] not in LANGUAGES:
        await update.callback_query.answer()
        return
    await context.news.broadcasts.set_draft(update.effective_user.id, broadcast.id, f"{STEP_TEXT}:{args[0]}")
    await update.callback_query.answer()
    language = context.texts.get(args[0], "language_name")
    await update.effective_message.reply_text(context.t("news.announce.ask_version", language=language))


async def _audience(update: Update, context: BotContext, broadcast: Broadcast, args: list[str]) -> None:
    if "any" not in broadcast.texts:
        await update.callback_query.answer(context.t("news.announce.no_text"), show_alert=True)
        return
    repo, query = context.news.broadcasts, update.callback_query
    await repo.set_draft(update.effective_user.id, broadcast.id, STEP_AUDIENCE)
    audience = broadcast.audience
    if args:  # a change: topic:<t>, lang:<l|all>, region:<code|all>
        kind, value = args[0], args[1] if len(args) > 1 else "all"
        value = None if value == "all" else value
        if kind == "topic" and value:
            audience = Audience(value, audience.lang, audience.region)
        elif kind == "lang":
            audience = Audience(audience.topic, value, audience.region)
        elif kind == "region" and (value is None or context.news.regions.get(value)):
            audience = Audience(audience.topic, audience.lang, value)
        await repo.set_audience(broadcast.id, audience)
    await query.answer()
    count = await context.news.subscriptions.count(audience)
    text = context.t("news.announce.audience", summary=_summary(context, audience), count=count)
    markup = keyboards.audience(context.texts, context.lang, broadcast.id, audience.topic, audience.lang, _region_name(context, audience.region))
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _regions(update: Update, context: BotContext, broadcast: Broadcast, args: list[str]) -> None:
    await update.callback_query.answer()
    markup = keyboards.region_picker(context.texts, context.lang, context.news.regions, callbacks.ANNOUNCE, broadcast.id, "aud", "region")
    await update.callback_query.edit_message_text(context.t("news.announce.choose_region"), reply_markup=markup)


async def _preview(update: Update, context: BotContext, broadcast: Broadcast, args: list[str]) -> None:
    query, chat_id = update.callback_query, update.effective_chat.id
    await context.news.broadcasts.set_draft(update.effective_user.id, broadcast.id, STEP_PREVIEW)
    await query.answer()
    count = await context.news.subscriptions.count(broadcast.audience)
    await query.edit_message_text(context.t("news.announce.preview_below", summary=_summary(context, broadcast.audience)), parse_mode=ParseMode.HTML)
    for version in sorted(broadcast.texts, key=lambda v: (v != "any", v)):
        # The version for everyone is shown as a reader of the staff member's language would get it.
        others = [lang for lang in (context.lang, *LANGUAGES) if lang not in broadcast.texts]
        reader_lang = version if version != "any" else (others[0] if others else context.lang)
        await send_announcement(context.bot, chat_id, broadcast, reader_lang, context.texts)
    versions = ", ".join(context.texts.get(v, "language_name") for v in LANGUAGES if v in broadcast.texts)
    text = context.t("news.announce.confirm", count=count, summary=_summary(context, broadcast.audience))
    if versions:
        text += "\n" + context.t("news.announce.versions", languages=versions)
    await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboards.confirm(context.texts, context.lang, broadcast.id))


async def _send_now(update: Update, context: BotContext, broadcast: Broadcast, args: list[str]) -> None:
    query, news = update.callback_query, context.news
    if not await news.subscriptions.count(broadcast.audience):
        await query.answer(context.t("news.announce.nobody"), show_alert=True)
        return
    await news.broadcasts.schedule(broadcast.id, None)
    await news.broadcasts.clear_draft(update.effective_user.id)
    news.worker.wake()
    await query.answer()
    await query.edit_message_text(context.t("news.announce.queued", id=broadcast.id))


async def _ask_time(update: Update, context: BotContext, broadcast: Broadcast, args: list[str]) -> None:
    await context.news.broadcasts.set_draft(update.effective_user.id, broadcast.id, STEP_SCHEDULE)
    await update.callback_query.answer()
    await update.effective_message.reply_text(context.t("news.announce.ask_time"), parse_mode=ParseMode.HTML)


async def _cancel_draft(update: Update, context: BotContext, broadcast: Broadcast, args: list[str]) -> None:
    repo = context.news.broadcasts
    await repo.set_status(broadcast.id, "cancelled", only_from=("draft",))
    await repo.clear_draft(update.effective_user.id)
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(context.t("news.announce.cancelled"))


async def _control(update: Update, context: BotContext, broadcast: Broadcast, args: list[str]) -> None:
    """Pause, resume, stop a broadcast, cancel a scheduled one, or resend to those it failed for."""
    query, news = update.callback_query, context.news
    action = callbacks.parts(query.data)[1]
    if action == "retry":
        changed = await news.broadcasts.retry_failed(broadcast.id) > 0
    else:
        target = {"pause": "paused", "resume": "sending", "stop": "cancelled", "unschedule": "cancelled"}[action]
        changed = await news.broadcasts.set_status(broadcast.id, target, only_from=(broadcast.status,))
    news.worker.wake()
    await query.answer(context.t(f"news.announce.did_{action}") if changed else context.t("news.announce.too_late"))
    if action == "unschedule" and changed:
        await query.edit_message_text(context.t("news.announce.cancelled"))
    elif changed and broadcast.status == "paused":  # the worker is not on it: show the new state here
        progress = ProgressMessage(context.bot, news.broadcasts, context.users, lambda: context.texts, context.settings.default_language)
        await progress.show(await news.broadcasts.get(broadcast.id))


@staff_only
async def list_broadcasts(update: Update, context: BotContext) -> None:
    """List the recent announcements with their figures."""
    repo = context.news.broadcasts
    items = await repo.recent(RECENT_COUNT)
    if not items:
        await update.effective_message.reply_text(context.t("news.announce.list_empty"))
        return
    lines = [context.t("news.announce.list_title")]
    for item in items:
        counts = await repo.counts(item.id)
        when = local_text(item.scheduled_at if item.status == "scheduled" else (item.started_at or item.created_at))
        lines.append(
            context.t(
                "news.announce.list_line", id=item.id, topic=escape(keyboards.topic_label(context.texts, context.lang, item.topic)),
                status=context.t(f"news.announce.status_{item.status}"), when=when, total=item.total, **counts,
            )
        )
    await update.effective_message.reply_text("\n\n".join(lines), parse_mode=ParseMode.HTML)


def _region_name(context: BotContext, code: str | None) -> str:
    region = context.news.regions.get(code)
    return region.name(context.lang) if region else context.t("news.all_regions")


def _summary(context: BotContext, audience: Audience) -> str:
    language = context.texts.get(audience.lang, "language_name") if audience.lang else context.t("news.announce.all_languages")
    topic = keyboards.topic_label(context.texts, context.lang, audience.topic)
    return escape(f"{topic} · {language} · {_region_name(context, audience.region)}")


_DRAFT_ACTIONS = {
    "more": _add_version,
    "aud": _audience,
    "regions": _regions,
    "preview": _preview,
    "send": _send_now,
    "schedule": _ask_time,
    "cancel": _cancel_draft,
}
_RUN_ACTIONS = {
    ("sending", "pause"): _control,
    ("sending", "stop"): _control,
    ("paused", "resume"): _control,
    ("paused", "stop"): _control,
    ("queued", "stop"): _control,
    ("scheduled", "unschedule"): _control,
    ("done", "retry"): _control,
}
