"""Inline keyboards of the news feature, built by pure functions from the UI texts."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.config import LANGUAGES
from bot.i18n import Texts
from bot.regions import Regions
from bot.news.topics import ICONS, TOPICS


def _button(label: str, prefix: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.data(prefix, *parts))


def _menu(texts: Texts, lang: str) -> InlineKeyboardButton:
    return _button(texts.get(lang, "menu.back"), callbacks.MENU, "main")


def topic_label(texts: Texts, lang: str, topic: str) -> str:
    """A topic's name with its icon."""
    return f"{ICONS[topic]} {texts.get(lang, f'news.topic_{topic}')}"


def delivery(texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """Under every announcement: one tap to stop receiving them."""
    return InlineKeyboardMarkup([[_button(texts.get(lang, "news.unsubscribe_button"), callbacks.NEWS, "off", "m")]])


def settings(texts: Texts, lang: str, topics: frozenset[str], region_name: str) -> InlineKeyboardMarkup:
    """A person's subscriptions: a toggle per topic, the region, unsubscribe, latest news, the menu."""
    rows = [
        [_button(("✅ " if t in topics else "▫️ ") + topic_label(texts, lang, t), callbacks.NEWS, "t", t)]
        for t in TOPICS
    ]
    rows.append([_button(texts.get(lang, "news.region_button", region=region_name), callbacks.NEWS, "regions")])
    if topics:
        rows.append([_button(texts.get(lang, "news.unsubscribe_all"), callbacks.NEWS, "off")])
    rows.append([_button(texts.get(lang, "news.latest_button"), callbacks.NEWS, "latest"), _menu(texts, lang)])
    return InlineKeyboardMarkup(rows)


def region_picker(texts: Texts, lang: str, regions: Regions, prefix: str, *head: object) -> InlineKeyboardMarkup:
    """"All of Kazakhstan", then every region two a row; each button's data is prefix:head...:code."""
    rows = [[_button(texts.get(lang, "news.all_regions"), prefix, *head, "all")]]
    items = list(regions)
    for i in range(0, len(items), 2):
        rows.append([_button(r.name(lang), prefix, *head, r.code) for r in items[i : i + 2]])
    return InlineKeyboardMarkup(rows)


def after_unsubscribe(texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """A way back to the settings after unsubscribing, and the menu."""
    return InlineKeyboardMarkup([[_button(texts.get(lang, "news.settings_button"), callbacks.NEWS, "view")], [_menu(texts, lang)]])


def news_view(texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """Under the latest announcements: the subscription settings and the menu."""
    return InlineKeyboardMarkup([[_button(texts.get(lang, "news.settings_button"), callbacks.NEWS, "view")], [_menu(texts, lang)]])


# --- staff -------------------------------------------------------------------------------------


def draft_text(texts: Texts, lang: str, broadcast_id: int, have: set[str]) -> InlineKeyboardMarkup:
    """After a text arrived: add a language version, go on to the audience, or cancel."""
    versions = [
        _button(("✅ " if code in have else "➕ ") + texts.get(code, "language_name"), callbacks.ANNOUNCE, broadcast_id, "more", code)
        for code in LANGUAGES
    ]
    return InlineKeyboardMarkup(
        [
            versions,
            [_button(texts.get(lang, "news.announce.next_audience"), callbacks.ANNOUNCE, broadcast_id, "aud")],
            [_button(texts.get(lang, "news.announce.cancel"), callbacks.ANNOUNCE, broadcast_id, "cancel")],
        ]
    )


def audience(texts: Texts, lang: str, broadcast_id: int, topic: str, for_lang: str | None, region_name: str) -> InlineKeyboardMarkup:
    """Topic, language and region of a draft, then the preview."""
    b = broadcast_id
    topics = [_button(("✅ " if t == topic else "") + topic_label(texts, lang, t), callbacks.ANNOUNCE, b, "aud", "topic", t) for t in TOPICS]
    langs = [_button(("✅ " if for_lang is None else "") + texts.get(lang, "news.announce.all_languages"), callbacks.ANNOUNCE, b, "aud", "lang", "all")]
    langs += [_button(("✅ " if for_lang == c else "") + c.upper(), callbacks.ANNOUNCE, b, "aud", "lang", c) for c in LANGUAGES]
    return InlineKeyboardMarkup(
        [
            topics[:2],
            topics[2:],
            langs,
            [_button(texts.get(lang, "news.announce.region_button", region=region_name), callbacks.ANNOUNCE, b, "regions")],
            [_button(texts.get(lang, "news.announce.preview"), callbacks.ANNOUNCE, b, "preview")],
            [_button(texts.get(lang, "news.announce.cancel"), callbacks.ANNOUNCE, b, "cancel")],
        ]
    )


def confirm(texts: Texts, lang: str, broadcast_id: int) -> InlineKeyboardMarkup:
    """Under the preview: send now, schedule, change the audience, cancel."""
    b = broadcast_id
    return InlineKeyboardMarkup(
        [
            [_button(texts.get(lang, "news.announce.send_now"), callbacks.ANNOUNCE, b, "send")],
            [_button(texts.get(lang, "news.announce.schedule"), callbacks.ANNOUNCE, b, "schedule")],
            [
                _button(texts.get(lang, "news.announce.back_audience"), callbacks.ANNOUNCE, b, "aud"),
                _button(texts.get(lang, "news.announce.cancel"), callbacks.ANNOUNCE, b, "cancel"),
            ],
        ]
    )


def running(texts: Texts, lang: str, broadcast_id: int, paused: bool) -> InlineKeyboardMarkup:
    """Under the progress message: pause or resume, and stop."""
    first = ("resume", "news.announce.resume") if paused else ("pause", "news.announce.pause")
    return InlineKeyboardMarkup(
        [[
            _button(texts.get(lang, first[1]), callbacks.ANNOUNCE, broadcast_id, first[0]),
            _button(texts.get(lang, "news.announce.stop"), callbacks.ANNOUNCE, broadcast_id, "stop"),
        ]]
    )


def finished(texts: Texts, lang: str, broadcast_id: int, failed: int) -> InlineKeyboardMarkup | None:
    """Under the final report: resend to those it failed for, when there are any."""
    if not failed:
        return None
    return InlineKeyboardMarkup([[_button(texts.get(lang, "news.announce.retry_failed", count=failed), callbacks.ANNOUNCE, broadcast_id, "retry")]])


def scheduled(texts: Texts, lang: str, broadcast_id: int) -> InlineKeyboardMarkup:
    """Under a scheduled announcement's confirmation: cancel it."""
    return InlineKeyboardMarkup([[_button(texts.get(lang, "news.announce.cancel_scheduled"), callbacks.ANNOUNCE, broadcast_id, "unschedule")]])
