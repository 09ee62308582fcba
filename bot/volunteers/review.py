"""After the form: the applicant's own controls and the staff's decisions, as a service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.clock import local_day_bounds
from bot.faults import crash_point
from bot.volunteers import steps
from bot.volunteers.form import APPLICATION, QUESTION, FormReply
from bot.volunteers.notices import StaffTargets, applicant_text, erasure_notices, replace_posts, staff_note
from bot.volunteers.status import EDITABLE_BY_APPLICANT, REVIEWABLE, WITHDRAWABLE, Status, can_staff_set, staff_may_set
from storage.applications import Application, ApplicationRepository, Erased, Event


@dataclass(frozen=True)
class Decision:
    """The result of a staff button: whether it changed anything, and the application now."""

    changed: bool
    app: Application | None
    reason: str | None = None  # gone | same | not_allowed


class ApplicationReview:
    """What applicants and staff do with an application once it is sent."""

    def __init__(self, repo: ApplicationRepository, staff: StaffTargets) -> None:
        self.repo = repo
        self.staff = staff

    async def mine(self, user_id: int) -> Application | None:
        """The user's newest application of any status (a withdrawn one too)."""
        return await self.repo.latest(user_id)

    async def owned(self, user_id: int, app_id: int) -> Application | None:
        """The application if it exists and belongs to this user."""
        app = await self.repo.get(app_id)
        return app if app is not None and app.user_id == user_id else None

    async def begin_edit(self, user_id: int, app_id: int, revision: int, name: str) -> FormReply:
        """Ask one question of a sent application again (until staff start on it)."""
        app = await self.owned(user_id, app_id)
        if app is None or app.status not in EDITABLE_BY_APPLICANT or app.revision != revision or name not in steps.EDITABLE:
            return FormReply(app, APPLICATION, outcome="not_editable" if app else "stale")
        saved = await self.repo.save(app, {}, step=name, selection=steps.selection_for(app, name),
                                     statuses=EDITABLE_BY_APPLICANT)
        return FormReply(saved, QUESTION) if saved else FormReply(app, APPLICATION, outcome="stale")

    async def withdraw(self, user_id: int, app_id: int) -> Decision:
        """Withdraw the user's application while it is open; staff posts are replaced by a note."""
        app = await self.owned(user_id, app_id)
        if app is None:
            return Decision(False, None, "gone")
        posts = [(app.id, post) for post in await self.repo.posts(app.id)]
        notices = replace_posts(posts, "volunteer.staff.withdrawn_post") + staff_note(
            self.staff, "volunteer.staff.withdrawn_post", id=app.id
        )
        changed = await self.repo.change_status(
            app, Status.WITHDRAWN, WITHDRAWABLE, actor="applicant", actor_id=user_id, notices=notices
        )
        return Decision(changed, await self.repo.get(app.id), None if changed else "not_allowed")

    async def erase(self, user_id: int) -> Erased:
        """Delete everything kept about the user; their staff posts are replaced and staff told."""
        open_statuses = (Status.SUBMITTED, Status.CONTACTED)
        erased = await self.repo.erase_user(
            user_id,
            lambda seen, posts: erasure_notices(self.staff, [i for i, s in seen.items() if s in open_statuses], posts),
        )
        crash_point("after_erase")  # erased, staff posts not yet replaced: the outbox must replace them all
        return erased

    async def decide(self, app_id: int, new: str, staff_id: int) -> Decision:
        """Set a staff decision if the lifecycle allows it; the applicant is told through the outbox."""
        app = await self.repo.get(app_id)
        if app is None or app.status == Status.DRAFT:
            return Decision(False, None, "gone")
        if app.status == new:
            return Decision(False, app, "same")
        if not can_staff_set(app.status, new):
            return Decision(False, app, "not_allowed")
        notice = applicant_text(app.user_id, f"volunteer.notify.{new}", app.lang, id=app.id)
        changed = await self.repo.change_status(
            app, new, staff_may_set(new), actor="staff", actor_id=staff_id, notices=[notice]
        )
        return Decision(changed, await self.repo.get(app.id), None if changed else "not_allowed")

    async def card(self, app_id: int) -> tuple[Application, list[Event]] | None:
        """What a staff card shows: the application and its history; None once it is erased or withdrawn
        (a card still waiting in the outbox then: staff get only the note)."""
        app = await self.repo.get(app_id)
        if app is None or app.status == Status.WITHDRAWN:
            return None
        return app, await self.repo.history(app_id)

    async def history(self, app_id: int) -> list[Event]:
        """The application's status changes, oldest first."""
        return await self.repo.history(app_id)

    async def counts(self) -> dict[str, int]:
        """How many applications staff can see in each status."""
        counts = await self.repo.counts()
        return {status: counts.get(status, 0) for status in REVIEWABLE}

    async def listing(self, status: str, limit: int) -> list[Application]:
        """The newest applications with one status."""
        return await self.repo.search((status,), limit=limit)

    async def export(self, status: str | None, since: date | None, until: date | None) -> list[Application]:
        """Applications for a file, by status and by the Almaty day they were sent."""
        start, end = local_day_bounds(since, until)
        return await self.repo.search((status,) if status else REVIEWABLE, start, end)
