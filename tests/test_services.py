"""The services on their own, on a real SQLite file and without Telegram: quick checks of their rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from bot.config import PROJECT_DIR
from bot.delivery.notices import NoticeWorker
from bot.delivery.outgoing import Outcome, Outgoing, Result
from bot.news.announcements import AnnouncementService
from bot.news.lifecycle import CONTROLS, controls_for
from bot.regions import load_regions
from bot.volunteers.catalog import Catalog
from bot.volunteers.form import QUESTION, SUMMARY, Press, VolunteerForm
from bot.volunteers.notices import StaffTargets
from storage.applications import ApplicationRepository
from storage.broadcasts import BroadcastRepository
from storage.db import Database
from storage.notifications import TEXT, Notice, NotificationRepository
from storage.subscriptions import SubscriptionRepository

TODAY = date(2026, 11, 30)
CATALOG = Catalog.load(PROJECT_DIR / "content")


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


@pytest.fixture
def form(db):
    return VolunteerForm(ApplicationRepository(db), lambda: CATALOG, StaffTargets(None, frozenset({9000})), lambda: TODAY)


async def test_the_form_moves_only_with_answers_that_belong_to_the_question(form):
    started = await form.start(1, "en")
    app = started.app
    assert (started.show, app.step) == (QUESTION, "consent_at")
    assert (await form.press(1, Press(app.id, app.revision, "skip"), "en")).outcome == "stale"
    assert (await form.press(1, Press(app.id, app.revision, "pick", "astana"), "en")).outcome == "stale"
    agreed = await form.press(1, Press(app.id, app.revision, "consent", "yes"), "en")
    assert agreed.app.step == "full_name" and agreed.app.revision == app.revision + 1
    again = await form.press(1, Press(app.id, app.revision, "consent", "yes"), "en")  # the same button, once more
    assert again.outcome == "stale" and again.app.revision == agreed.app.revision


async def test_typed_answers_are_checked_and_saved_one_by_one(form):
    app = (await form.start(2, "en")).app
    await form.press(2, Press(app.id, app.revision, "consent", "yes"), "en")
    assert (await form.take_text(2, "Aigerim")).problem == "errors.name_one_word"
    named = await form.take_text(2, "Aigerim Nurlanovna")
    assert named.app.get("full_name") == "Aigerim Nurlanovna" and named.app.step == "birth_date"
    minor = await form.take_text(2, "01.01.2012")
    assert minor.app.step == "guardian_consent"  # 14 on TODAY: a parent's consent comes next


async def test_submit_sends_notices_through_the_outbox_in_the_same_transaction(db, form):
    app = (await form.start(3, "en")).app
    reply = await form.press(3, Press(app.id, app.revision, "consent", "yes"), "en")
    for text in ("Aigerim Nurlanovna", "25.04.2001", "+77011234567"):
        reply = await form.take_text(3, text)
    app = reply.app
    for action, value in (("pick", "astana"), ("tick", "first_aid"), ("done", ""), ("tick", "kk"), ("done", ""),
                          ("tick", "weekends"), ("done", ""), ("skip", "")):
        reply = await form.press(3, Press(app.id, app.revision, action, value), "en")
        app = reply.app
    assert reply.show == SUMMARY
    sent = await form.press(3, Press(app.id, app.revision, "submit"), "en")
    assert sent.outcome == "submitted" and sent.app.status == "submitted"
    pending = await NotificationRepository(db).pending()
    assert [(n.kind, n.chat_id) for n in pending] == [("staff_card", 9000), ("text", 3)]


@dataclass
class RecordingCourier:
    """A courier that answers with the outcomes a test gives it, and remembers what it was asked to send."""

    outcomes: list[Result]
    sent: list[tuple[int, str]] = field(default_factory=list)

    async def send(self, chat_id, message, **options):
        result = self.outcomes.pop(0) if self.outcomes else Result.SENT
        if result is Result.SENT:
            self.sent.append((chat_id, message.text))
        return Outcome(result, message_id=len(self.sent), retry_after=0.0)

    async def edit(self, chat_id, message_id, message):
        return await self.send(chat_id, message)


async def test_the_notices_worker_keeps_a_notice_until_it_is_delivered(db):
    repo = NotificationRepository(db)
    await repo.add([Notice(TEXT, 7, text_key="hello")])
    courier = RecordingCourier([Result.TRANSIENT])
    blocked: list[int] = []

    async def compose(notice):
        return Outgoing(notice.text_key)

    async def on_blocked(chat_id):
        blocked.append(chat_id)

    worker = NoticeWorker(repo, courier, compose, erased_note=lambda n: n, on_blocked=on_blocked)
    assert await worker.flush() is False  # a network problem: it stays pending
    assert [n.attempts for n in await repo.pending()] == [1]
    assert await worker.flush() is True
    assert courier.sent == [(7, "hello")] and await repo.pending() == []
    await repo.add([Notice(TEXT, 8, text_key="bye")])
    courier.outcomes = [Result.BLOCKED]
    assert await worker.flush() is True
    assert blocked == [8] and (await repo.counts())["failed"] == 1  # given up on, and the person marked blocked


async def test_one_transition_table_for_every_broadcast_control(db):
    broadcasts, subscriptions = BroadcastRepository(db), SubscriptionRepository(db)
    regions = load_regions(PROJECT_DIR / "content")
    service = AnnouncementService(broadcasts, subscriptions, lambda: regions, lambda: None)
    assert controls_for("sending") == ["pause", "stop"] and controls_for("scheduled") == ["unschedule"]
    draft = await service.start(9000)
    state = await service.take_text(draft, "Hello", None)
    assert state.problem is None
    assert (await service.send(state.draft, "en"))[1] == "news.announce.nobody"  # no subscriber yet
    await subscriptions.set_topic(5, "news", True, "en")
    broadcast_id, problem = await service.send(state.draft, "en")
    assert problem is None and (await broadcasts.get(broadcast_id)).status == "queued"
    assert await service.draft(9000) is None  # sent: no longer a draft
    changed, broadcast = await service.control(broadcast_id, "pause")
    assert not changed and broadcast.status == "queued"  # only a broadcast being sent can pause
    changed, broadcast = await service.control(broadcast_id, "stop")
    assert changed and broadcast.status == "cancelled" and set(CONTROLS) >= {"stop", "pause"}
