"""The form's questions as data, and which one comes next for a given draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.volunteers.validation import is_minor
from storage.applications import Application

INTERESTS = (
    "first_aid", "emergency", "blood", "social", "family_links",
    "migrants", "ihl", "youth", "it", "fundraising",
)
SPOKEN_LANGUAGES = ("kk", "ru", "en", "other")
AVAILABILITY = ("weekdays", "evenings", "weekends", "flexible")
# The volunteering law keeps minors out of emergency response work.
NOT_FOR_MINORS = frozenset({"emergency"})
SUMMARY = "summary"


@dataclass(frozen=True)
class Step:
    """One question: the column it fills, how it is answered, and when it is asked."""

    name: str
    kind: str  # consent | text | date | guardian | phone | region | multi | optional_text
    options: tuple[str, ...] = ()
    only_minors: bool = False
    editable: bool = True  # offered as "Edit" on the summary


# Consent comes first: answers are stored the moment they are given, so not before it.
STEPS = (
    Step("consent_at", "consent", editable=False),
    Step("full_name", "text"),
    Step("birth_date", "date"),
    Step("guardian_consent", "guardian", only_minors=True, editable=False),
    Step("phone", "phone"),
    Step("region", "region"),
    Step("interests", "multi", INTERESTS),
    Step("languages", "multi", SPOKEN_LANGUAGES),
    Step("availability", "multi", AVAILABILITY),
    Step("experience", "optional_text"),
)
BY_NAME = {step.name: step for step in STEPS}
EDITABLE = tuple(step.name for step in STEPS if step.editable)
# Where each multi-choice question's option names are in content/ui: volunteer.<group>.<option>.
OPTION_GROUPS = {"interests": "interest", "languages": "spoken", "availability": "availability"}


def birth(app: Application) -> date | None:
    """The applicant's date of birth, if given."""
    value = app.get("birth_date")
    return date.fromisoformat(value) if value else None


def minor(app: Application, today: date) -> bool:
    """True if the date of birth given makes the applicant under 18."""
    born = birth(app)
    return born is not None and is_minor(born, today)


def applies(step: Step, app: Application, today: date) -> bool:
    """Whether this question is asked of this applicant."""
    return not step.only_minors or minor(app, today)


def next_step(app: Application, today: date) -> str:
    """The first question not yet answered, or SUMMARY when all are."""
    for step in STEPS:
        if applies(step, app, today) and app.get(step.name) is None:
            return step.name
    return SUMMARY


def previous_step(app: Application, current: str, today: date) -> str | None:
    """The question before `current` (None before the first one)."""
    names = [s.name for s in STEPS if applies(s, app, today)]
    if current == SUMMARY:
        return names[-1]
    if current not in names or names.index(current) == 0:
        return None
    return names[names.index(current) - 1]


def options(step: Step, app: Application, today: date) -> tuple[str, ...]:
    """The choices offered for a multi-choice question (emergency work is not offered to minors)."""
    if step.name == "interests" and minor(app, today):
        return tuple(o for o in step.options if o not in NOT_FOR_MINORS)
    return step.options


def split(value: str | None) -> list[str]:
    """A stored multi-choice answer as a list of option ids."""
    return [v for v in (value or "").split(",") if v]


def ticked(app: Application) -> list[str]:
    """The options ticked now on the multi-choice question being asked (its stored answer until a tick)."""
    return app.selection if app.selection is not None else split(app.get(app.step))


def selection_for(app: Application, name: str) -> list[str] | None:
    """The ticks to start from when question `name` is asked (again): its stored answer; None unless multi-choice."""
    return split(app.get(name)) if BY_NAME[name].kind == "multi" else None


def changes_for(step: Step, value: str, app: Application, today: date) -> dict[str, str | None]:
    """The columns to write for an answer, with what it implies for the other answers."""
    changes: dict[str, str | None] = {step.name: value}
    if step.name == "birth_date":
        now_minor = is_minor(date.fromisoformat(value), today)
        if not now_minor:
            changes["guardian_consent"] = None
        elif app.get("interests"):
            kept = [i for i in split(app.get("interests")) if i not in NOT_FOR_MINORS]
            changes["interests"] = ",".join(kept) or None
    return changes
