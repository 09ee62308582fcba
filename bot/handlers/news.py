"""News for everyone: subscribe to topics and a region, unsubscribe in one tap, read the latest."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.context import BotContext
from bot.handlers import announce
from bot.news import keyboards
from bot.news.topics import TOPICS
from bot.news.when import local_text
from bot.telegram_html import escape, html_to_text

LATEST_COUNT = 5
SNIPPET_CHARS = 400


def register(application: Application, staff_input_group: int) -> None:
    """Register the news handlers (and the staff's announcement handlers)."""
    application.add_handler(CommandHandler("subscribe", subscribe))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe))
    application.add_handler(CommandHandler("news", latest))
    application.add_handler(CallbackQueryHandler(on_button, pattern=callbacks.pattern(callbacks.NEWS)))
    announce.register(application, staff_input_group)


async def subscribe(update: Update, context: BotContext) -> None:
    """Show the subscription settings: topics to tap and the region."""
    text, markup = await _settings_view(update.effective_user.id, context)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def unsubscribe(update: Update, context: BotContext) -> None:
    """Unsubscribe from every topic at once."""
    await context.news.subscriptions.unsubscribe_all(update.effective_user.id)
    await update.effective_message.reply_text(
        context.t("news.unsubscribed"), reply_markup=keyboards.after_unsubscribe(context.texts, context.lang)
    )


async def latest(update: Update, context: BotContext) -> None:
    """Show the latest announcements."""
    await update.effective_message.reply_text(
        await _latest_text(context), parse_mode=ParseMode.HTML, reply_markup=keyboards.news_view(context.texts, context.lang)
    )


async def open_section(update: Update, context: BotContext) -> None:
    """Show the News section of the main menu: the latest announcements and a way to subscribe."""
    await update.callback_query.edit_message_text(
        await _latest_text(context), parse_mode=ParseMode.HTML, reply_markup=keyboards.news_view(context.texts, context.lang)
    )


async def start_action(update: Update, context: BotContext, action: str) -> None:
    """Do what a typed request asked: subscribe, unsubscribe or show the news."""
    handler = {"subscribe": subscribe, "unsubscribe": unsubscribe}.get(action, latest)
    await handler(update, context)


async def on_button(update: Update, context: BotContext) -> None:
    """Handle a press in the subscription settings (or the unsubscribe button under an announcement)."""
    query = update.callback_query
    action, *args = callbacks.parts(query.data)
    user_id, lang, news = update.effective_user.id, context.lang, context.news
    if action == "t" and args and args[0] in TOPICS:
        current = await news.subscriptions.get(user_id)
        on = args[0] not in current.topics
        await news.subscriptions.set_topic(user_id, args[0], on, lang)
        await query.answer(context.t("news.topic_on" if on else "news.topic_off"))
    elif action == "r" and args:
        code = None if args[0] == "all" else args[0]
        if code is not None and news.regions.get(code) is None:
            await query.answer(context.t("news.region_gone"), show_alert=True)
            return
        await news.subscriptions.set_region(user_id, code, lang)
        await query.answer(context.t("news.region_set"))
    elif action == "regions":
        await query.answer()
        await query.edit_message_text(
            context.t("news.choose_region"),
            reply_markup=keyboards.region_picker(context.texts, lang, news.regions, callbacks.NEWS, "r"),
        )
        return
    elif action == "off":
        await news.subscriptions.unsubscribe_all(user_id)
        if args == ["m"]:  # under an announcement: keep the announcement, swap the button
            await query.answer(context.t("news.unsubscribed"), show_alert=True)
            await query.edit_message_reply_markup(keyboards.after_unsubscribe(context.texts, lang))
            return
        await query.answer()
        await query.edit_message_text(context.t("news.unsubscribed"), reply_markup=keyboards.after_unsubscribe(context.texts, lang))
        return
    elif action == "latest":
        await query.answer()
        await query.edit_message_text(
            await _latest_text(context), parse_mode=ParseMode.HTML, reply_markup=keyboards.news_view(context.texts, lang)
        )
        return
    else:  # "view", or a button from an older version of the bot
        await query.answer()
    text, markup = await _settings_view(user_id, context)
    if query.message and (query.message.photo or query.message.caption):
        await query.message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    else:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _settings_view(user_id: int, context: BotContext):
    news, lang, texts = context.news, context.lang, context.texts
    current = await news.subscriptions.get(user_id)
    region = news.regions.get(current.region)
    region_name = region.name(lang) if region else texts.get(lang, "news.all_regions")
    if current.topics:
        chosen = ", ".join(keyboards.topic_label(texts, lang, t) for t in TOPICS if t in current.topics)
        status = texts.get(lang, "news.subscribed_to", topics=escape(chosen))
    else:
        status = texts.get(lang, "news.not_subscribed")
    text = f"{texts.get(lang, 'news.settings_title')}\n\n{status}\n{texts.get(lang, 'news.region_line', region=escape(region_name))}"
    return text, keyboards.settings(texts, lang, current.topics, region_name)


async def _latest_text(context: BotContext) -> str:
    lang, texts = context.lang, context.texts
    items = await context.news.broadcasts.published(lang, LATEST_COUNT)
    lines = [texts.get(lang, "news.latest_title")]
    if not items:
        lines.append(texts.get(lang, "news.latest_empty"))
    for item in items:
        snippet = html_to_text(item.text_for(lang)).strip()
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[: SNIPPET_CHARS - 1].rstrip() + "…"
        when = local_text(item.started_at or item.created_at)
        lines.append(f"<b>{escape(keyboards.topic_label(texts, lang, item.topic))}</b> · {when}\n{escape(snippet)}")
    lines.append(texts.get(lang, "news.latest_footer"))
    return "\n\n".join(lines)

