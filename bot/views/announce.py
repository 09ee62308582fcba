"""What staff see of announcements: the /announce draft screens, the progress message, /broadcasts."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.clock import local_text
from bot.config import LANGUAGES
from bot.i18n import Texts
from bot.news.announcements import is_quiet
from bot.news.lifecycle import FINAL, controls_for
from bot.news.progress import Figures
from bot.news.topics import TOPICS
from bot.regions import Regions
from bot.telegram_html import escape
from bot.views.common import button, in_rows
from bot.views.news import region_name, topic_label
from storage.broadcasts import Broadcast, Draft

D = callbacks.DRAFT
BAR_WIDTH = 12


def versions(texts: Texts, lang: str, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    """After a text arrived: add a version in another language, go on to the audience, or cancel."""
    row = [
        button(("✅ " if code in draft.texts else "➕ ") + texts.get(code, "language_name"), D, "more", code)
        for code in LANGUAGES
    ]
    markup = InlineKeyboardMarkup([
        row,
        [button(texts.get(lang, "news.announce.next_audience"), D, "aud")],
        [button(texts.get(lang, "news.announce.cancel"), D, "cancel")],
    ])
    return texts.get(lang, "news.announce.text_saved"), markup


def _where(texts: Texts, lang: str, draft: Draft, regions: Regions) -> str:
    """The draft's regions by name, or "All of Kazakhstan"."""
    if not draft.regions:
        return texts.get(lang, "news.all_regions")
    return ", ".join(region_name(texts, lang, regions, code) for code in draft.regions)


def summary(texts: Texts, lang: str, draft: Draft, regions: Regions) -> str:
    """Topic · language · regions (· loud/quiet, valid until, paid), escaped."""
    language = texts.get(draft.lang, "language_name") if draft.lang else texts.get(lang, "news.announce.all_languages")
    parts = [topic_label(texts, lang, draft.topic), language, _where(texts, lang, draft, regions),
             texts.get(lang, "news.announce.quiet_on" if is_quiet(draft) else "news.announce.quiet_off")]
    if draft.topic == "alerts":
        until = local_text(draft.valid_until) if draft.valid_until else texts.get(lang, "news.announce.until_default")
        parts.append(texts.get(lang, "news.announce.until_line", when=until))
        if draft.paid:
            parts.append(texts.get(lang, "news.announce.paid_on"))
    return escape(" · ".join(parts))


def audience(texts: Texts, lang: str, draft: Draft, count: int, regions: Regions) -> tuple[str, InlineKeyboardMarkup]:
    """Topic, language and regions of a draft (and an alert's options), then the preview."""
    t = lambda key, **p: texts.get(lang, f"news.announce.{key}", **p)  # noqa: E731
    topics = [button(("✅ " if x == draft.topic else "") + topic_label(texts, lang, x), D, "topic", x) for x in TOPICS]
    langs = [button(("✅ " if draft.lang is None else "") + t("all_languages"), D, "lang", "all")]
    langs += [button(("✅ " if draft.lang == c else "") + c.upper(), D, "lang", c) for c in LANGUAGES]
    where = _where(texts, lang, draft, regions)
    rows = [topics[:2], topics[2:], langs, [button(t("region_button", region=where[:40]), D, "regions")]]
    quiet = is_quiet(draft)
    rows.append([button(t("make_loud") if quiet else t("make_quiet"), D, "quiet", "0" if quiet else "1")])
    if draft.topic == "alerts":
        rows.append([button(t("until_button"), D, "until")])
        rows.append([button(("✅ " if draft.paid else "▫️ ") + t("paid_button"), D, "paid", "0" if draft.paid else "1")])
    rows.append([button(t("preview"), D, "preview")])
    rows.append([button(t("cancel"), D, "cancel")])
    text = t("audience", summary=summary(texts, lang, draft, regions), count=count)
    return text, InlineKeyboardMarkup(rows)


def region_picker(texts: Texts, lang: str, draft: Draft, regions: Regions) -> tuple[str, InlineKeyboardMarkup]:
    """All of Kazakhstan, or regions: one for news, several (ticked) for an alert; then back to the audience."""
    chosen = set(draft.regions or ())
    mark = (lambda code: "✅ " if code in chosen else "") if draft.topic == "alerts" else (lambda code: "")
    rows = [[button(("✅ " if not chosen else "") + texts.get(lang, "news.all_regions"), D, "region", "all")]]
    rows += in_rows([button(mark(r.code) + r.name(lang), D, "region", r.code) for r in regions], 2)
    rows.append([button(texts.get(lang, "news.announce.regions_done"), D, "aud")])
    key = "news.announce.choose_regions_alert" if draft.topic == "alerts" else "news.announce.choose_region"
    return texts.get(lang, key), InlineKeyboardMarkup(rows)


def confirm(texts: Texts, lang: str, draft: Draft, count: int, regions: Regions) -> tuple[str, InlineKeyboardMarkup]:
    """Under the preview: send now, schedule, change the audience, cancel."""
    t = lambda key, **p: texts.get(lang, f"news.announce.{key}", **p)  # noqa: E731
    text = t("confirm", count=count, summary=summary(texts, lang, draft, regions))
    others = [c for c in LANGUAGES if c in draft.texts]
    if others:
        text += "\n" + t("versions", languages=", ".join(texts.get(c, "language_name") for c in others))
    rows = [
        [button(t("send_now"), D, "send")],
        [button(t("schedule"), D, "schedule")],
        [button(t("back_audience"), D, "aud"), button(t("cancel"), D, "cancel")],
    ]
    return text, InlineKeyboardMarkup(rows)


def confirm_paid(texts: Texts, lang: str, count: int, stars_per_message: float) -> tuple[str, InlineKeyboardMarkup]:
    """Paid broadcast: how many messages and what they cost, before anything is sent."""
    t = lambda key, **p: texts.get(lang, f"news.announce.{key}", **p)  # noqa: E731
    price = f"{count * stars_per_message:,.1f}".replace(",", " ")
    text = t("paid_confirm", count=count, price=price, each=f"{stars_per_message:g}")
    rows = [[button(t("paid_send"), D, "send", "paid")], [button(t("back_audience"), D, "aud"), button(t("cancel"), D, "cancel")]]
    return text, InlineKeyboardMarkup(rows)


def scheduled(texts: Texts, lang: str, broadcast_id: int, when_utc: str) -> tuple[str, InlineKeyboardMarkup]:
    """A scheduled announcement's confirmation, with a way to cancel it."""
    markup = InlineKeyboardMarkup([[button(texts.get(lang, "news.announce.cancel_scheduled"), callbacks.BROADCAST, broadcast_id, "unschedule")]])
    return texts.get(lang, "news.announce.scheduled", id=broadcast_id, when=local_text(when_utc)), markup


def bar(done: int, total: int) -> str:
    """A text progress bar such as ▓▓▓▓░░░░ 50%."""
    share = done / total if total else 1.0
    filled = round(share * BAR_WIDTH)
    return "▓" * filled + "░" * (BAR_WIDTH - filled) + f" {share:.0%}"


def duration(seconds: float) -> str:
    """Seconds as 1:05:09 or 4:07."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def progress(texts: Texts, lang: str, broadcast: Broadcast, f: Figures, elapsed: float | None) -> tuple[str, InlineKeyboardMarkup | None]:
    """The staff's progress message while sending or paused, or the final report."""
    t = lambda key, **p: texts.get(lang, f"news.announce.{key}", **p)  # noqa: E731
    figures = t("figures", sent=f.sent, failed=f.failed, blocked=f.blocked, total=f.total)
    if f.expired:
        figures += "\n" + t("expired", count=f.expired)
    if f.status in FINAL:
        lines = [t("report_cancelled" if f.status == "cancelled" else "report_done", id=broadcast.id), bar(f.done, f.total), figures]
        if f.pending:
            lines.append(t("not_sent", count=f.pending))
        if elapsed is not None:
            lines.append(t("elapsed", time=duration(elapsed)))
        retry = f.failed and "retry" in controls_for(f.status)
        markup = InlineKeyboardMarkup([[button(t("retry_failed", count=f.failed), callbacks.BROADCAST, broadcast.id, "retry")]]) if retry else None
        return "\n".join(lines), markup
    if f.waiting_for is not None:
        head = t("waiting_title", id=broadcast.id, alert=f.waiting_for)
    else:
        head = t("paused_title" if f.status == "paused" else "sending_title", id=broadcast.id)
    lines = [head, bar(f.done, f.total), figures]
    if f.status == "sending" and f.waiting_for is None:
        left = t("eta", time=duration(f.pending / f.rate)) if f.rate > 0 and f.pending else ""
        lines.append(t("rate", rate=f"{f.rate:.1f}") + (f" · {left}" if left else ""))
    return "\n".join(lines), controls(texts, lang, broadcast.id, f.status)


def controls(texts: Texts, lang: str, broadcast_id: int, status: str) -> InlineKeyboardMarkup | None:
    """Pause or resume, and stop (or cancel a scheduled one)."""
    labels = {"pause": "pause", "resume": "resume", "stop": "stop", "unschedule": "cancel_scheduled"}
    buttons = [
        button(texts.get(lang, f"news.announce.{labels[action]}"), callbacks.BROADCAST, broadcast_id, action)
        for action in controls_for(status) if action in labels
    ]
    return InlineKeyboardMarkup([buttons]) if buttons else None


def broadcasts(texts: Texts, lang: str, items: list[tuple[Broadcast, dict[str, int]]]) -> tuple[str, InlineKeyboardMarkup | None]:
    """/broadcasts: the recent announcements (alerts first) with their figures; scheduled ones can be cancelled."""
    t = lambda key, **p: texts.get(lang, f"news.announce.{key}", **p)  # noqa: E731
    if not items:
        return t("list_empty"), None
    lines = [t("list_title")]
    cancellable = []
    for item, counts in items:
        when = local_text(item.scheduled_at if item.status == "scheduled" else (item.started_at or item.created_at))
        lines.append(t(
            "list_line", id=item.id, topic=escape(topic_label(texts, lang, item.topic)), status=t(f"status_{item.status}"),
            when=when, total=item.total, **counts,
        ))
        if "unschedule" in controls_for(item.status):
            cancellable.append(button(t("cancel_numbered", id=item.id), callbacks.BROADCAST, item.id, "unschedule"))
    return "\n\n".join(lines), InlineKeyboardMarkup(in_rows(cancellable, 2)) if cancellable else None
