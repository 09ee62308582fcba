"""News for everyone: subscribe to topics and a region, unsubscribe in one tap, read the latest."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.replies import edit
from bot.replies.news import show_latest, show_settings, unsubscribe
from bot.views import news as views


async def subscribe(update: Update, context: BotContext) -> None:
    """Show the subscription settings: topics to tap and the region."""
    await show_settings(update, context)


async def unsubscribe_all(update: Update, context: BotContext) -> None:
    """Unsubscribe from every topic at once."""
    await unsubscribe(update, context)


async def latest(update: Update, context: BotContext) -> None:
    """Show the latest announcements."""
    await show_latest(update, context)


async def open_section(update: Update, context: BotContext) -> None:
    """The News section of the main menu: the latest announcements and the way to the settings."""
    await update.callback_query.answer()
    await show_latest(update, context, in_place=True)


async def on_button(update: Update, context: BotContext) -> None:
    """A press in the subscription settings, or the 🔕 under an announcement."""
    query, parsed, services = update.callback_query, context.callback, context.services
    action, value, user_id, lang = parsed["action"], parsed.get("value"), update.effective_user.id, context.lang
    if action == "t":
        changed = await services.subscriptions.toggle(user_id, value, lang)
        if changed is None:
            await query.answer(context.t("errors.stale_button"))
            return
        await query.answer(context.t("news.topic_on" if changed[1] else "news.topic_off"))
        await show_settings(update, context, in_place=True)
    elif action == "r":
        if await services.subscriptions.set_region(user_id, None if value == "all" else value, lang) is None:
            await query.answer(context.t("news.region_gone"), show_alert=True)
            return
        await query.answer(context.t("news.region_set"))
        await show_settings(update, context, in_place=True)
    elif action == "regions":
        await query.answer()
        text, markup = views.region_picker(context.texts, lang, context.content.regions)
        await edit(update, context, text, markup)
    elif action == "off" and value == "m":  # under an announcement: keep the announcement, swap the button
        await services.subscriptions.unsubscribe(user_id)
        await query.answer(context.t("news.unsubscribed"), show_alert=True)
        await query.edit_message_reply_markup(views.after_unsubscribe_under_announcement(context.texts, lang))
    elif action == "off":
        await query.answer()
        await unsubscribe(update, context, in_place=True)
    elif action == "latest":
        await query.answer()
        await show_latest(update, context, in_place=True)
    else:  # "view"
        await query.answer()
        await show_settings(update, context, in_place=True)
