"""Staff announcements: /announce → text → audience → preview → send now or schedule; controls; /broadcasts."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.access import staff_only
from bot.config import LANGUAGES
from bot.context import BotContext
from bot.news.announcements import (
    STEP_PAID_PRICE, STEP_SCHEDULE, STEP_TEXT, STEP_VALID_UNTIL, Draft, DraftState, as_preview, has_text, is_previewed,
)
from bot.replies import edit, send, show
from bot.telegram_html import escape
from bot.views import announce as views
from bot.views import news as news_views

@staff_only
async def start_draft(update: Update, context: BotContext) -> None:
    """Start a new announcement and ask for its text."""
    await context.services.announcements.start(update.effective_user.id)
    await send(update, context, context.t("news.announce.ask_text"))


async def take_input(update: Update, context: BotContext) -> None:
    """Take the text (or photo) or a time the staff member's draft waits for; other messages go on to Q&A."""
    service = context.services.announcements
    draft = await service.draft(update.effective_user.id)
    if draft is None or not (draft.step.startswith(STEP_TEXT) or draft.step in (STEP_SCHEDULE, STEP_VALID_UNTIL)):
        return  # not writing an announcement: an ordinary question
    message = update.effective_message
    if draft.step == STEP_SCHEDULE:
        broadcast_id, problem = await service.send(draft, context.lang, when=message.text or "")
        if problem:
            await send(update, context, context.t(problem))
        else:
            broadcast = await service.get(broadcast_id)
            await send(update, context, *views.scheduled(context.texts, context.lang, broadcast_id, broadcast.scheduled_at))
    elif draft.step == STEP_VALID_UNTIL:
        state = await service.take_valid_until(draft, message.text or "")
        await _show_audience(update, context, state, new_message=True)
    else:
        # text_html keeps the staff member's formatting as tags and escapes what they typed (< & >).
        text = message.text_html if message.text is not None else (message.caption_html if message.caption else "")
        photo = message.photo[-1].file_id if message.photo else None
        state = await service.take_text(draft, text, photo)
        if state.problem:
            params = {k: escape(str(v)) for k, v in (state.problem_params or {}).items()}
            await send(update, context, context.t(state.problem, **params))
        else:
            await send(update, context, *views.versions(context.texts, context.lang, state.draft))
    raise ApplicationHandlerStop  # the message was the draft's: the Q&A engine must not see it


@staff_only
async def on_draft_button(update: Update, context: BotContext) -> None:
    """A button of the draft: versions, audience, regions, loud/quiet, paid, valid until, preview, send, schedule, cancel."""
    query, parsed, service = update.callback_query, context.callback, context.services.announcements
    action, arg, value = parsed["action"], parsed.get("arg"), parsed.get("value")
    draft = await service.draft(update.effective_user.id)
    if draft is None:
        await query.answer(context.t("news.announce.gone"), show_alert=True)
        return
    # A button must belong to the draft's step: a forged or stale one must not send an empty or unseen draft.
    if action != "cancel" and not has_text(draft):
        await query.answer(context.t("news.announce.no_text"), show_alert=True)
        return
    # A paid alert is sent only from the screen that shows its price.
    paid_unseen = action == "send" and arg == "paid" and draft.step != STEP_PAID_PRICE
    if (action in ("send", "schedule") and not is_previewed(draft)) or paid_unseen:
        await query.answer(context.t("errors.stale_button"))
        return
    texts, lang, regions = context.texts, context.lang, context.content.regions
    if action == "cancel":
        await service.cancel(draft.admin_id)
        await query.answer()
        await edit(update, context, context.t("news.announce.cancelled"))
    elif action == "more":
        if await service.ask_version(draft, arg or "") is None:
            await query.answer(context.t("errors.stale_button"))
            return
        await query.answer()
        await send(update, context, context.t("news.announce.ask_version", language=texts.get(arg, "language_name")))
    elif action == "aud" or (action in ("topic", "lang", "region", "quiet", "paid") and arg):
        state = await service.change(draft, action, arg) if action != "aud" else await service.state(draft)
        if state is None:
            await query.answer(context.t("errors.stale_button"))
            return
        await query.answer()
        if action == "region" and state.draft.topic == "alerts" and arg != "all":
            await edit(update, context, *views.region_picker(texts, lang, state.draft, regions))  # several may be ticked
        else:
            await _show_audience(update, context, state)
    elif action == "regions":
        await query.answer()
        await edit(update, context, *views.region_picker(texts, lang, draft, regions))
    elif action == "until":
        await service.wait_for(draft, STEP_VALID_UNTIL)
        await query.answer()
        await send(update, context, context.t("news.announce.ask_until"))
    elif action == "preview":
        await _preview(update, context, await service.preview(draft))
    elif action == "send" and draft.paid and arg != "paid":
        state = await service.state(await service.wait_for(draft, STEP_PAID_PRICE))
        await query.answer()
        await edit(update, context, *views.confirm_paid(texts, lang, state.count, context.settings.paid_broadcast_stars))
    elif action == "send":
        await _send_now(update, context, draft)
    elif action == "schedule":
        await service.wait_for(draft, STEP_SCHEDULE)
        await query.answer()
        await send(update, context, context.t("news.announce.ask_time"))
    else:
        await query.answer(context.t("errors.stale_button"))


async def _show_audience(update: Update, context: BotContext, state: DraftState, *, new_message: bool = False) -> None:
    text, markup = views.audience(context.texts, context.lang, state.draft, state.count, context.content.regions)
    if state.problem:
        text = f"{context.t(state.problem)}\n\n{text}"
    await show(update, context, text, markup, in_place=not new_message)


async def _preview(update: Update, context: BotContext, state: DraftState) -> None:
    """Show the announcement as readers of each version will get it, then the confirmation."""
    draft, texts, lang = state.draft, context.texts, context.lang
    await update.callback_query.answer()
    summary = views.summary(texts, lang, draft, context.content.regions)
    await edit(update, context, context.t("news.announce.preview_below", summary=summary))
    preview = as_preview(draft)
    for version in sorted(draft.texts, key=lambda v: (v != "any", v)):
        # The version for everyone is shown as a reader of the staff member's language would get it.
        others = [code for code in (lang, *LANGUAGES) if code not in draft.texts]
        reader = version if version != "any" else (others[0] if others else lang)
        message = news_views.announcement(texts, preview, reader)
        if message.photo:
            await context.bot.send_photo(update.effective_chat.id, message.photo, caption=message.text,
                                         parse_mode="HTML", reply_markup=message.markup)
        else:
            await send(update, context, message.text, message.markup)
    await send(update, context, *views.confirm(texts, lang, draft, state.count, context.content.regions))


async def _send_now(update: Update, context: BotContext, draft: Draft) -> None:
    broadcast_id, problem = await context.services.announcements.send(draft, context.lang)
    if problem:
        await update.callback_query.answer(context.t(problem), show_alert=True)
        return
    await update.callback_query.answer()
    await edit(update, context, context.t("news.announce.queued", id=broadcast_id))


@staff_only
async def on_broadcast_button(update: Update, context: BotContext) -> None:
    """Pause, resume or stop a broadcast, cancel a scheduled one, or resend to those it failed for."""
    query, parsed = update.callback_query, context.callback
    action = parsed["action"]
    changed, broadcast = await context.services.announcements.control(parsed["id"], action)
    if broadcast is None:
        await query.answer(context.t("news.announce.gone"), show_alert=True)
        return
    await query.answer(context.t(f"news.announce.did_{action}") if changed else context.t("news.announce.too_late"))
    if changed and action == "unschedule":
        await edit(update, context, context.t("news.announce.cancelled_numbered", id=broadcast.id))


@staff_only
async def list_broadcasts(update: Update, context: BotContext) -> None:
    """List the recent announcements (alerts first) with their figures; scheduled ones can be cancelled here."""
    items = await context.services.announcements.recent()
    text, markup = views.broadcasts(context.texts, context.lang, items)
    await send(update, context, text, markup)
