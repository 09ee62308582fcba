"""The volunteer form as a service: the server decides every step.

A button carries the application's id and revision; an action is taken only when the button
belongs to the state the application is in now and the action belongs to the question being
asked. Everything else is refused and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from bot.clock import utc_now_iso, utc_today
from bot.faults import crash_point
from bot.volunteers import steps, validation
from bot.volunteers.catalog import Catalog
from bot.volunteers.notices import StaffTargets, applicant_text, staff_cards
from bot.volunteers.status import BLOCKS_NEW_FORM, IN_FORM, Status
from bot.volunteers.validation import Invalid
from storage.applications import Application, ApplicationRepository

# What to show after an action.
QUESTION, SUMMARY, CONFIRM_CANCEL, APPLICATION, NOTHING = "question", "summary", "confirm_cancel", "application", "nothing"
# Answers typed as text, and the validator for each.
_TYPED = {"text": validation.full_name, "optional_text": validation.experience, "phone": validation.phone}
# Button actions each kind of question accepts, besides back, cancel, cancel_yes and cancel_no.
_ACTIONS_BY_KIND = {
    "consent": {"consent"},
    "guardian": {"guardian"},
    "region": {"pick"},
    "multi": {"tick", "done"},
    "optional_text": {"skip"},
    "text": set(),
    "date": set(),
    "phone": set(),
}
# Telegram cuts a longer paste into messages of 4096 characters sent within a second: a message this
# long is the first part of one, and what comes in the next seconds is its rest, never an answer.
TELEGRAM_MAX_TEXT = 4096
SPLIT_PASTE_SECONDS = 3.0
_NAVIGATION = {"back", "cancel", "cancel_yes", "cancel_no"}


@dataclass(frozen=True)
class Press:
    """A button press on the form, as parsed from its callback data."""

    app_id: int
    revision: int
    action: str
    value: str = ""


@dataclass(frozen=True)
class FormReply:
    """What the applicant sees after an action: the state, a problem with the input, short notes."""

    app: Application | None
    show: str
    problem: str | None = None  # volunteer.errors.<problem>, or volunteer.<problem> for button misuse
    problem_params: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # volunteer.<note> keys shown above, e.g. "resume", "minor_no_emergency"
    outcome: str | None = None  # started, answered, submitted, cancelled, left, no_consent, edit_saved, stale
    answered_step: str | None = None  # the question just answered (a pressed question's message shows the answer)


class VolunteerForm:
    """Start, answer, navigate and submit the form; every change is written as it happens."""

    def __init__(self, repo: ApplicationRepository, catalog: Callable[[], Catalog], staff: StaffTargets,
                 today: Callable[[], date] = utc_today) -> None:
        self.repo = repo
        self.catalog = catalog
        self.staff = staff
        self.today = today
        self._split_paste: dict[int, float] = {}  # user id -> until when a message is the rest of a long paste

    async def in_form(self, user_id: int) -> Application | None:
        """The application whose questions the user is answering now."""
        return await self.repo.in_form(user_id, IN_FORM)

    async def start(self, user_id: int, lang: str) -> FormReply:
        """Start the form, resume the one in progress, or show the application already under way."""
        current = await self.in_form(user_id)
        if current is not None:
            return FormReply(current, self._screen(current), notes=("resume",))
        latest = await self.repo.latest(user_id, excluding=(Status.DRAFT,))
        if latest is not None and latest.status in BLOCKS_NEW_FORM:
            return FormReply(latest, APPLICATION, notes=("existing",))
        created = await self.repo.create(user_id, lang, Status.DRAFT, steps.STEPS[0].name)
        if created is None:  # a second tap raced the first: show what the first made
            return await self.start(user_id, lang)
        return FormReply(created, QUESTION, notes=("intro",), outcome="started")

    async def take_text(self, user_id: int, text: str, *, skip_label: str = "", back_label: str = "",
                        cancel_label: str = "") -> FormReply | None:
        """Take a typed message as the answer to the current question; None when the user is not in the form.

        The phone question's keyboard types its Back and Cancel labels: they navigate as the buttons do.
        """
        app = await self.in_form(user_id)
        if app is None:
            return None
        if text.strip() in (back_label, cancel_label) and text.strip():
            return await self._navigate(app, "back" if text.strip() == back_label else "cancel")
        now = time.monotonic()
        if len(text) >= TELEGRAM_MAX_TEXT:
            self._split_paste[user_id] = now + SPLIT_PASTE_SECONDS
            return FormReply(app, self._screen(app), problem="errors.message_split", problem_params={"max": TELEGRAM_MAX_TEXT})
        if self._split_paste.pop(user_id, 0.0) > now:
            return FormReply(app, self._screen(app), problem="errors.message_rest")
        kind = self._kind(app)
        try:
            if kind == "optional_text" and _means_skip(text, skip_label):
                value = ""
            elif kind == "date":
                value = validation.birth_date(text, self.today()).isoformat()
            elif kind in _TYPED:
                value = _TYPED[kind](text)
            elif kind == "region" and (region := self.catalog().find_region(text)) is not None:
                value = region.code
            else:
                return FormReply(app, self._screen(app), problem="use_buttons")
        except Invalid as invalid:
            return FormReply(app, self._screen(app), problem=f"errors.{invalid.code}", problem_params=invalid.params)
        return await self._record(app, value)

    async def take_contact(self, user_id: int, phone_number: str, contact_user_id: int | None) -> FormReply | None:
        """Take a shared contact as the phone answer; None when the user is not in the form."""
        app = await self.in_form(user_id)
        if app is None:
            return None
        if self._kind(app) != "phone":
            return FormReply(app, self._screen(app), problem="use_buttons")
        if contact_user_id != user_id:
            return FormReply(app, self._screen(app), problem="errors.phone_not_own")
        try:
            value = validation.shared_phone(phone_number)
        except Invalid as invalid:
            return FormReply(app, self._screen(app), problem=f"errors.{invalid.code}")
        return await self._record(app, value)

    async def take_other(self, user_id: int) -> FormReply | None:
        """A photo or sticker while in the form: ask the question again."""
        app = await self.in_form(user_id)
        return None if app is None else FormReply(app, self._screen(app), problem="not_text")

    async def press(self, user_id: int, press: Press, lang: str) -> FormReply:
        """Act on a form button if it was made for the application's current state; otherwise refuse."""
        app = await self.in_form(user_id)
        if app is None or app.id != press.app_id or app.revision != press.revision or not self._allowed(app, press):
            return FormReply(app, self._screen(app) if app else NOTHING, outcome="stale")
        if press.action in _NAVIGATION:
            return await self._navigate(app, press.action)
        if press.action == "consent":
            if press.value != "yes":
                await self.repo.delete(app, (Status.DRAFT,))
                return FormReply(None, NOTHING, outcome="no_consent")
            consent = self.catalog().consent[app.lang]
            return await self._record(app, utc_now_iso(), extra={"consent_version": consent.version})
        if press.action == "guardian":
            return await self._record(app, utc_now_iso())
        if press.action == "pick":
            return await self._record(app, press.value)
        if press.action == "tick":
            return await self._tick(app, press.value)
        if press.action == "done":
            ticked = steps.ticked(app)
            if not ticked:
                return FormReply(app, QUESTION, problem="choose_one")
            return await self._record(app, ",".join(ticked))
        if press.action == "skip":
            return await self._record(app, "")
        if press.action == "edit":
            return await self._edit(app, press.value)
        return await self._submit(app, lang)

    async def cancel(self, user_id: int) -> FormReply:
        """/cancel: ask whether to cancel the form in progress."""
        app = await self.in_form(user_id)
        if app is None:
            return FormReply(None, NOTHING, outcome="nothing_to_cancel")
        return await self._navigate(app, "cancel")

    # --- rules -----------------------------------------------------------------------------------

    def _kind(self, app: Application) -> str:
        return steps.BY_NAME[app.step].kind if app.step in steps.BY_NAME else "summary"

    def _screen(self, app: Application) -> str:
        return SUMMARY if app.step == steps.SUMMARY else QUESTION

    def _allowed(self, app: Application, press: Press) -> bool:
        if press.action in ("cancel_yes", "cancel_no"):
            return app.confirming == "cancel"  # only under the question "cancel the application?"
        if press.action in ("back", "cancel"):
            return True
        if app.step == steps.SUMMARY:
            return press.action == "submit" or (press.action == "edit" and press.value in steps.EDITABLE)
        if press.action not in _ACTIONS_BY_KIND.get(self._kind(app), set()):
            return False
        if press.action == "consent":
            return press.value in ("yes", "no") and app.status == Status.DRAFT
        if press.action == "guardian":
            return press.value == "yes"
        if press.action == "pick":
            return self.catalog().region(press.value) is not None
        if press.action == "tick":
            return press.value in steps.options(steps.BY_NAME[app.step], app, self.today())
        return True

    # --- changes ---------------------------------------------------------------------------------

    async def _record(self, app: Application, value: str, *, extra: dict | None = None) -> FormReply:
        """Save an answer with what it implies, then move to the next question (or finish an edit)."""
        step = app.step
        changes = {**steps.changes_for(steps.BY_NAME[step], value, app, self.today()), **(extra or {})}
        lost_emergency = "interests" in changes and "emergency" in steps.split(app.get("interests"))
        notes = ("minor_no_emergency",) if lost_emergency and "emergency" not in steps.split(changes["interests"]) else ()
        following = steps.next_step(replace(app, answers={**app.answers, **changes}), self.today())
        editing_submitted = app.status == Status.SUBMITTED
        if editing_submitted and following == steps.SUMMARY:
            following = None
        notices = staff_cards(self.staff, app.id, updated=True) if editing_submitted and following is None else []
        saved = await self.repo.save(app, changes, step=following, selection=None, statuses=(app.status,), notices=notices)
        if saved is None:
            return FormReply(await self.in_form(app.user_id), NOTHING, outcome="stale")
        answered = step
        if notices:
            return FormReply(saved, APPLICATION, notes=notes, outcome="edit_saved", answered_step=answered)
        return FormReply(saved, self._screen(saved), notes=notes, outcome="answered", answered_step=answered)

    async def _tick(self, app: Application, option: str) -> FormReply:
        offered = steps.options(steps.BY_NAME[app.step], app, self.today())
        ticked = steps.ticked(app)
        ticked = [o for o in ticked if o != option] if option in ticked else [*ticked, option]
        ticked = [o for o in offered if o in ticked]  # keep the order of the buttons
        saved = await self.repo.save(app, {}, step=app.step, selection=ticked, statuses=(app.status,))
        return FormReply(saved, QUESTION) if saved else FormReply(app, QUESTION, outcome="stale")

    async def _navigate(self, app: Application, action: str) -> FormReply:
        if app.status == Status.SUBMITTED:  # an edit of a sent application: Back or Cancel just stops it
            saved = await self.repo.save(app, {}, step=None, selection=None, statuses=(Status.SUBMITTED,))
            return FormReply(saved or app, APPLICATION, outcome="edit_stopped")
        if action in ("cancel", "cancel_no"):
            saved = await self.repo.save(app, {}, step=app.step, selection=app.selection, statuses=(Status.DRAFT,),
                                         confirming="cancel" if action == "cancel" else None)
            if saved is None:
                return FormReply(app, self._screen(app), outcome="stale")
            return FormReply(saved, CONFIRM_CANCEL if action == "cancel" else self._screen(saved))
        if action == "cancel_yes":
            await self.repo.delete(app, (Status.DRAFT,))
            return FormReply(None, NOTHING, outcome="cancelled")
        previous = steps.previous_step(app, app.step, self.today())
        if previous is None:  # Back on the first question: nothing was given yet, so just leave
            await self.repo.delete(app, (Status.DRAFT,))
            return FormReply(None, NOTHING, outcome="left")
        saved = await self.repo.save(app, {}, step=previous, selection=steps.selection_for(app, previous),
                                     statuses=(Status.DRAFT,))
        return FormReply(saved, QUESTION) if saved else FormReply(app, self._screen(app), outcome="stale")

    async def _edit(self, app: Application, name: str) -> FormReply:
        saved = await self.repo.save(app, {}, step=name, selection=steps.selection_for(app, name), statuses=(Status.DRAFT,))
        return FormReply(saved, QUESTION) if saved else FormReply(app, SUMMARY, outcome="stale")

    async def _submit(self, app: Application, lang: str) -> FormReply:
        """Re-check the whole application, then send it to staff once (cards and thanks go through the outbox)."""
        problem = self.first_problem(app)
        if problem is not None:
            step, code = problem
            saved = await self.repo.save(app, {}, step=step, selection=None, statuses=(Status.DRAFT,))
            return FormReply(saved or app, QUESTION, problem=code)
        notices = [*staff_cards(self.staff, app.id), applicant_text(app.user_id, "volunteer.submitted", lang, id=app.id)]
        sent = await self.repo.change_status(
            app, Status.SUBMITTED, (Status.DRAFT,), actor="applicant", actor_id=app.user_id,
            notices=notices, submitted=True, same_revision=True,
        )
        if not sent:
            return FormReply(await self.in_form(app.user_id), NOTHING, outcome="stale")
        crash_point("after_submit")  # committed, nothing delivered yet: the outbox must deliver it all
        return FormReply(await self.repo.get(app.id), APPLICATION, outcome="submitted")

    def first_problem(self, app: Application) -> tuple[str, str] | None:
        """The first question whose stored answer is missing or no longer valid, with why; None if all are fine."""
        today, catalog = self.today(), self.catalog()
        for step in steps.STEPS:
            if not steps.applies(step, app, today):
                continue
            value = app.get(step.name)
            if value is None:
                return step.name, "recheck_missing"
            try:
                _check_stored(step, value, app, today, catalog)
            except Invalid:
                return step.name, "recheck_invalid"
        return None


def _check_stored(step: steps.Step, value: str, app: Application, today: date, catalog: Catalog) -> None:
    """Raise Invalid if a stored answer would not be accepted today (a forged or outdated value)."""
    if step.kind == "consent":
        if not value or app.get("consent_version") != catalog.consent[app.lang].version:
            raise Invalid("consent_outdated")
    elif step.kind == "guardian":
        if not value:
            raise Invalid("guardian_missing")
    elif step.kind == "date":
        validation.birth_date(date.fromisoformat(value).strftime("%d.%m.%Y"), today)
    elif step.kind == "region":
        if catalog.region(value) is None:
            raise Invalid("region_gone")
    elif step.kind == "multi":
        chosen, offered = steps.split(value), steps.options(step, app, today)
        if not chosen or any(option not in offered for option in chosen):
            raise Invalid("options_invalid")
    elif step.kind == "optional_text":
        if value:
            validation.experience(value)
    else:
        _TYPED[step.kind](value)


def _means_skip(typed: str, skip_label: str) -> bool:
    """True for "-", or the Skip button's words typed instead of pressed."""
    words = typed.strip().strip("-—–➡️ ").casefold()
    return not words or words == skip_label.strip("-—–➡️ ").casefold()
