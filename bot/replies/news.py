"""Showing a person's news settings and the latest announcements (from a command, a button, a link or typed words)."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.replies import show
from bot.views import news as views


async def show_settings(update: Update, context: BotContext, *, in_place: bool = False) -> None:
    """The subscription settings: topics to tap and the region."""
    current = await context.services.subscriptions.settings(update.effective_user.id)
    text, markup = views.settings(context.texts, context.lang, current, context.content.regions)
    await show(update, context, text, markup, in_place=in_place)


async def show_latest(update: Update, context: BotContext, *, in_place: bool = False) -> None:
    """The latest announcements; a subscriber is not invited to subscribe again."""
    services = context.services
    items = await services.subscriptions.latest(context.lang)
    subscribed = bool((await services.subscriptions.settings(update.effective_user.id)).topics)
    text, markup = views.latest(context.texts, context.lang, items, subscribed)
    await show(update, context, text, markup, in_place=in_place)


async def unsubscribe(update: Update, context: BotContext, *, in_place: bool = False) -> None:
    """Stop everything at once and say so, with a way back."""
    await context.services.subscriptions.unsubscribe(update.effective_user.id)
    text, markup = views.unsubscribed(context.texts, context.lang)
    await show(update, context, text, markup, in_place=in_place)
