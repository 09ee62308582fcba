"""News for everyone: subscription settings, the latest announcements, an announcement as delivered."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.clock import local_text
from bot.delivery.outgoing import Outgoing
from bot.i18n import Texts
from bot.news.topics import ICONS, TOPICS
from bot.regions import Regions
from bot.telegram_html import escape, html_to_text
from bot.views.common import button, in_rows, to_menu
from storage.broadcasts import Broadcast
from storage.subscriptions import Subscription

SNIPPET_CHARS = 400


def topic_label(texts: Texts, lang: str, topic: str) -> str:
    """A topic's name with its icon."""
    return f"{ICONS[topic]} {texts.get(lang, f'news.topic_{topic}')}"


def region_name(texts: Texts, lang: str, regions: Regions, code: str | None) -> str:
    """A region's name, or "All of Kazakhstan"."""
    region = regions.get(code)
    return region.name(lang) if region else texts.get(lang, "news.all_regions")


def settings(texts: Texts, lang: str, current: Subscription, regions: Regions) -> tuple[str, InlineKeyboardMarkup]:
    """A person's subscriptions: a toggle per topic, the region, unsubscribe, latest news, the menu."""
    where = region_name(texts, lang, regions, current.region)
    if current.topics:
        chosen = ", ".join(topic_label(texts, lang, t) for t in TOPICS if t in current.topics)
        status = texts.get(lang, "news.subscribed_to", topics=escape(chosen))
    else:
        status = texts.get(lang, "news.not_subscribed")
    text = f"{texts.get(lang, 'news.settings_title')}\n\n{status}\n{texts.get(lang, 'news.region_line', region=escape(where))}"
    rows = [
        [button(("✅ " if t in current.topics else "▫️ ") + topic_label(texts, lang, t), callbacks.NEWS, "t", t)]
        for t in TOPICS
    ]
    rows.append([button(texts.get(lang, "news.region_button", region=where), callbacks.NEWS, "regions")])
    if current.topics:
        rows.append([button(texts.get(lang, "news.unsubscribe_all"), callbacks.NEWS, "off")])
    rows.append([button(texts.get(lang, "news.latest_button"), callbacks.NEWS, "latest"), to_menu(texts, lang)])
    return text, InlineKeyboardMarkup(rows)


def region_picker(texts: Texts, lang: str, regions: Regions) -> tuple[str, InlineKeyboardMarkup]:
    """"All of Kazakhstan", then every region two a row."""
    rows = [[button(texts.get(lang, "news.all_regions"), callbacks.NEWS, "r", "all")]]
    rows += in_rows([button(r.name(lang), callbacks.NEWS, "r", r.code) for r in regions], 2)
    return texts.get(lang, "news.choose_region"), InlineKeyboardMarkup(rows)


def unsubscribed(texts: Texts, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """After unsubscribing: a way back to the settings, and the menu."""
    markup = InlineKeyboardMarkup([[button(texts.get(lang, "news.settings_button"), callbacks.NEWS, "view")], [to_menu(texts, lang)]])
    return texts.get(lang, "news.unsubscribed"), markup


def latest(texts: Texts, lang: str, items: list[Broadcast], subscribed: bool) -> tuple[str, InlineKeyboardMarkup]:
    """The latest announcements, with the subscription settings (or an invitation to subscribe) and the menu."""
    lines = [texts.get(lang, "news.latest_title")]
    if not items:
        lines.append(texts.get(lang, "news.latest_empty"))
    for item in items:
        snippet = html_to_text(item.text_for(lang)).strip()
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[: SNIPPET_CHARS - 1].rstrip() + "…"
        when = local_text(item.started_at or item.created_at)
        lines.append(f"<b>{escape(topic_label(texts, lang, item.topic))}</b> · {when}\n{escape(snippet)}")
    lines.append(texts.get(lang, "news.latest_footer_subscribed" if subscribed else "news.latest_footer"))
    markup = InlineKeyboardMarkup([[button(texts.get(lang, "news.settings_button"), callbacks.NEWS, "view")], [to_menu(texts, lang)]])
    return "\n\n".join(lines), markup


def announcement(texts: Texts, broadcast: Broadcast, lang: str) -> Outgoing:
    """An announcement exactly as a subscriber gets it (the preview uses it too); an alert ends with 112 and Get help."""
    text = broadcast.text_for(lang)
    rows = []
    if broadcast.topic == "alerts":
        text = f"{text}\n\n{texts.get(lang, 'news.alert_footer')}"
        rows.append([button(texts.get(lang, "menu.help"), callbacks.MENU, "help")])
    rows.append([button(texts.get(lang, "news.unsubscribe_button"), callbacks.NEWS, "off", "m")])
    return Outgoing(text, InlineKeyboardMarkup(rows), broadcast.photo_file_id)


def after_unsubscribe_under_announcement(texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """The buttons left under an announcement after its 🔕 was tapped."""
    return InlineKeyboardMarkup([[button(texts.get(lang, "news.settings_button"), callbacks.NEWS, "view")]])
