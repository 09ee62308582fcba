"""Staff announcements as a service: the /announce draft, sending or scheduling it, and broadcast controls.

A draft is only the staff member's own until it is sent or scheduled; then it becomes a numbered
broadcast that the delivery worker takes over. `news send` on the command line uses the same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from bot.config import LANGUAGES
from bot.news.lifecycle import CONTROLS, BroadcastStatus, FINAL
from bot.news.topics import TOPICS
from bot.news.when import WhenError, parse_when
from bot.regions import Regions
from bot.telegram_html import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, html_error, html_to_text
from storage.broadcasts import Broadcast, BroadcastRepository, Draft, NewBroadcast
from storage.subscriptions import Audience, SubscriptionRepository

# Draft steps: what the bot waits for from the staff member.
STEP_TEXT = "text"  # the version for everyone; text:<lang> for a language's own version
STEP_AUDIENCE = "audience"
STEP_PREVIEW = "preview"
STEP_SCHEDULE = "schedule"
STEP_VALID_UNTIL = "valid_until"
STEP_PAID_PRICE = "paid_price"  # a paid alert's price is on screen: only its confirmation sends it
# An alert is stale after a few hours unless staff say otherwise.
DEFAULT_ALERT_HOURS = 6
# Room kept under Telegram's limits for what an alert adds at its end (112 and a pointer to Get help).
FOOTER_RESERVE = 200


@dataclass(frozen=True)
class DraftState:
    """A draft with the number of people it would reach now, and a problem with the last input."""

    draft: Draft | None
    count: int = 0
    problem: str | None = None  # a UI text key
    problem_params: dict | None = None


def text_problem(text: str, *, caption: bool) -> tuple[str, dict] | None:
    """Why Telegram would refuse this announcement text: (UI text key, params), or None if it is fine."""
    error = html_error(text)
    if error:
        return "news.announce.bad_html", {"error": error}
    visible = html_to_text(text)
    if not visible.strip():
        return "news.announce.empty", {}
    limit = (MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH) - FOOTER_RESERVE
    if len(visible) > limit:
        return "news.announce.too_long", {"length": len(visible), "limit": limit}
    return None


def audience_of(draft: Draft) -> Audience:
    """Who a draft would reach."""
    return Audience.of(draft.topic, draft.lang, draft.regions)


def as_preview(draft: Draft) -> Broadcast:
    """The draft as the broadcast it would become, to show staff exactly what subscribers will get."""
    return Broadcast(
        id=0, topic=draft.topic, lang=draft.lang, regions=draft.regions, photo_file_id=draft.photo_file_id,
        author_id=draft.admin_id, author_lang=None, status=BroadcastStatus.QUEUED, priority=int(draft.topic == "alerts"),
        quiet=is_quiet(draft), paid=draft.paid, valid_until=draft.valid_until, created_at="", scheduled_at=None,
        started_at=None, finished_at=None, total=0, progress_chat_id=None, progress_message_id=None, texts=draft.texts,
    )


def alert_end(topic: str, valid_until: str | None, start: datetime) -> str | None:
    """Until when a broadcast may be delivered: an alert's time as set, else some hours after it starts; other topics never expire."""
    if topic != "alerts":
        return None  # a time set while the draft was an alert must not silently expire news
    return valid_until or (start + timedelta(hours=DEFAULT_ALERT_HOURS)).isoformat(timespec="seconds")


def has_text(draft: Draft) -> bool:
    """Whether the draft has its text for everyone (nothing else can be done with it before)."""
    return "any" in draft.texts


def is_previewed(draft: Draft) -> bool:
    """Whether the last preview showed the draft as it is now (sending or scheduling needs it)."""
    return has_text(draft) and draft.step in (STEP_PREVIEW, STEP_SCHEDULE, STEP_PAID_PRICE)


def is_quiet(draft: Draft) -> bool:
    """Sent without a sound: news, events and trainings by default; alerts ring (staff may override)."""
    return draft.quiet if draft.quiet is not None else draft.topic != "alerts"


class AnnouncementService:
    """The /announce flow and the broadcast controls, for staff."""

    def __init__(self, broadcasts: BroadcastRepository, subscriptions: SubscriptionRepository,
                 regions: Callable[[], Regions], wake_worker: Callable[[], None]) -> None:
        self.broadcasts = broadcasts
        self.subscriptions = subscriptions
        self.regions = regions
        self.wake_worker = wake_worker

    # --- the draft -------------------------------------------------------------------------------

    async def start(self, admin_id: int) -> Draft:
        """Start a new draft (an unfinished one is discarded) and wait for its text."""
        draft = Draft(admin_id, STEP_TEXT)
        await self.broadcasts.save_draft(draft)
        return draft

    async def draft(self, admin_id: int) -> Draft | None:
        """The staff member's draft, or None."""
        return await self.broadcasts.draft(admin_id)

    async def state(self, draft: Draft) -> DraftState:
        """The draft with its audience count now."""
        return DraftState(draft, await self.subscriptions.count(audience_of(draft)))

    async def take_text(self, draft: Draft, text: str, photo_file_id: str | None) -> DraftState:
        """Store the text (and photo) the draft waits for; refuse what Telegram would refuse."""
        version = draft.step.split(":", 1)[1] if ":" in draft.step else "any"
        photo = photo_file_id if version == "any" else None
        problem = text_problem(text, caption=bool(photo or draft.photo_file_id))
        if problem:
            return DraftState(draft, problem=problem[0], problem_params=problem[1])
        updated = replace(
            draft, step=STEP_AUDIENCE, texts={**draft.texts, version: text},
            photo_file_id=photo if version == "any" and photo else draft.photo_file_id,
        )
        await self.broadcasts.save_draft(updated)
        return await self.state(updated)

    async def ask_version(self, draft: Draft, lang: str) -> Draft | None:
        """Wait for the version in one language (None for an unknown language)."""
        if lang not in LANGUAGES or not has_text(draft):
            return None
        updated = replace(draft, step=f"{STEP_TEXT}:{lang}")
        await self.broadcasts.save_draft(updated)
        return updated

    async def change(self, draft: Draft, field: str, value: str) -> DraftState | None:
        """Change who gets the draft and how: topic, lang, region (a toggle for alerts), quiet, paid; None if invalid."""
        if not has_text(draft):
            return None
        regions = self.regions()
        if field == "topic" and value in TOPICS:
            updated = replace(draft, topic=value, quiet=None, paid=False if value != "alerts" else draft.paid,
                              regions=None if (value == "alerts") != (draft.topic == "alerts") else draft.regions)
        elif field == "lang" and value in (*LANGUAGES, "all"):
            updated = replace(draft, lang=None if value == "all" else value)
        elif field == "region" and (value == "all" or regions.get(value) is not None):
            updated = replace(draft, regions=_toggle_region(draft, value))
        elif field == "quiet" and value in ("0", "1"):
            updated = replace(draft, quiet=value == "1")
        elif field == "paid" and value in ("0", "1") and draft.topic == "alerts":
            updated = replace(draft, paid=value == "1")
        else:
            return None
        updated = replace(updated, step=STEP_AUDIENCE)
        await self.broadcasts.save_draft(updated)
        return await self.state(updated)

    async def wait_for(self, draft: Draft, step: str) -> Draft:
        """Wait for staff: a typed time (when to send it, until when an alert is valid) or a paid alert's price confirmed."""
        updated = replace(draft, step=step)
        await self.broadcasts.save_draft(updated)
        return updated

    async def take_valid_until(self, draft: Draft, typed: str) -> DraftState:
        """Set an alert's valid-until time from what the staff member typed (Almaty time)."""
        try:
            until = parse_when(typed)
        except WhenError as exc:
            return DraftState(draft, problem=str(exc))
        updated = replace(draft, valid_until=until.isoformat(timespec="seconds"), step=STEP_AUDIENCE)
        await self.broadcasts.save_draft(updated)
        return await self.state(updated)

    async def preview(self, draft: Draft) -> DraftState:
        """Mark the draft as previewed; the state to show."""
        updated = replace(draft, step=STEP_PREVIEW)
        await self.broadcasts.save_draft(updated)
        return await self.state(updated)

    async def send(self, draft: Draft, author_lang: str, *, when: str | None = None) -> tuple[int | None, str | None]:
        """Queue the draft now, or schedule it for `when` (typed, Almaty time): (its number, or None with a problem key)."""
        if not has_text(draft):
            return None, "news.announce.no_text"
        scheduled_at = None
        if when is not None:
            try:
                scheduled_at = parse_when(when).isoformat(timespec="seconds")
            except WhenError as exc:
                return None, str(exc)
        if not await self.subscriptions.count(audience_of(draft)):
            return None, "news.announce.nobody"
        start = datetime.fromisoformat(scheduled_at) if scheduled_at else datetime.now(timezone.utc)
        valid_until = alert_end(draft.topic, draft.valid_until, start)
        if valid_until is not None and valid_until <= start.isoformat(timespec="seconds"):
            return None, "news.announce.until_before_start"
        new = NewBroadcast(
            texts=draft.texts, topic=draft.topic, lang=draft.lang, regions=draft.regions,
            photo_file_id=draft.photo_file_id, author_id=draft.admin_id, author_lang=author_lang,
            quiet=is_quiet(draft), paid=draft.paid, valid_until=valid_until, scheduled_at=scheduled_at,
        )
        status = BroadcastStatus.SCHEDULED if scheduled_at else BroadcastStatus.QUEUED
        broadcast_id = await self.broadcasts.send_draft(draft.admin_id, new, status)
        if broadcast_id is None:
            return None, "news.announce.gone"
        self.wake_worker()
        return broadcast_id, None

    async def cancel(self, admin_id: int) -> bool:
        """Discard the draft; True if there was one."""
        return await self.broadcasts.delete_draft(admin_id)

    # --- broadcasts ------------------------------------------------------------------------------

    async def queue(self, new: NewBroadcast) -> int:
        """Queue an announcement from the command line (checked by the caller); return its number."""
        new = replace(new, valid_until=alert_end(new.topic, new.valid_until, datetime.now(timezone.utc)))
        broadcast_id = await self.broadcasts.create(new, BroadcastStatus.QUEUED)
        self.wake_worker()
        return broadcast_id

    async def control(self, broadcast_id: int, action: str) -> tuple[bool, Broadcast | None]:
        """Pause, resume, stop, unschedule, or resend to those it failed for: (changed, the broadcast now)."""
        broadcast = await self.broadcasts.get(broadcast_id)
        if broadcast is None or action not in CONTROLS:
            return False, broadcast
        sources, target = CONTROLS[action]
        if action == "retry":
            changed = await self.broadcasts.retry_failed(broadcast_id, sources, target) > 0
        else:
            changed = await self.broadcasts.transition(broadcast_id, target, sources, finished=target in FINAL)
        self.wake_worker()
        return changed, await self.broadcasts.get(broadcast_id)

    async def recent(self, limit: int = 10) -> list[tuple[Broadcast, dict[str, int]]]:
        """The newest broadcasts (alerts first) with their delivery counts."""
        return [(b, await self.broadcasts.counts(b.id)) for b in await self.broadcasts.recent(limit)]

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """One broadcast, or None."""
        return await self.broadcasts.get(broadcast_id)


def _toggle_region(draft: Draft, value: str) -> tuple[str, ...] | None:
    """'all' clears; an alert's regions are a set to toggle; other topics have one region."""
    if value == "all":
        return None
    if draft.topic != "alerts":
        return (value,)
    chosen = list(draft.regions or ())
    chosen = [r for r in chosen if r != value] if value in chosen else [*chosen, value]
    return tuple(chosen) or None
