"""The life of an application: its statuses, which may follow which, and who may make the change."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where an application is; the database's CHECK constraint lists the same values."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CONTACTED = "contacted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


# What staff can set with the buttons on a posted application, in button order.
STAFF_DECISIONS = (Status.CONTACTED, Status.ACCEPTED, Status.DECLINED)
# From which statuses staff may move an application to each decision (a wrong tap can be corrected).
_STAFF_FROM = {
    Status.CONTACTED: (Status.SUBMITTED,),
    Status.ACCEPTED: (Status.SUBMITTED, Status.CONTACTED, Status.DECLINED),
    Status.DECLINED: (Status.SUBMITTED, Status.CONTACTED, Status.ACCEPTED),
}
# Statuses in which the person is answering questions (a draft, or an edit before review).
IN_FORM = (Status.DRAFT, Status.SUBMITTED)
# The applicant may change their answers until staff have started on the application.
EDITABLE_BY_APPLICANT = (Status.SUBMITTED,)
WITHDRAWABLE = (Status.SUBMITTED, Status.CONTACTED)
# Shown instead of a new form: in progress, under review, or accepted already.
BLOCKS_NEW_FORM = (Status.SUBMITTED, Status.CONTACTED, Status.ACCEPTED)
# What staff lists and exports show (drafts are the applicant's own business until sent).
REVIEWABLE = tuple(s for s in Status if s is not Status.DRAFT)


def staff_may_set(new: str) -> tuple[Status, ...]:
    """The statuses from which staff may set `new` (empty if staff cannot set it at all)."""
    return _STAFF_FROM.get(new, ())  # a StrEnum key is found by its plain string too


def can_staff_set(current: str, new: str) -> bool:
    """Whether staff may move an application from `current` to `new`."""
    return current in staff_may_set(new)


def parse_status(word: str, aliases: dict[str, str] | None = None) -> Status | None:
    """A reviewable status from its code or one of its words in any language (`aliases`: word -> code), else None."""
    folded = word.strip().casefold()
    code = folded if folded in {s.value for s in REVIEWABLE} else (aliases or {}).get(folded)
    return Status(code) if code in {s.value for s in REVIEWABLE} else None
