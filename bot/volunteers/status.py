"""The life of an application: which status may follow which, and who may make the change."""

from __future__ import annotations

DRAFT, SUBMITTED, CONTACTED, ACCEPTED, DECLINED, WITHDRAWN = (
    "draft", "submitted", "contacted", "accepted", "declined", "withdrawn",
)
STATUSES = (DRAFT, SUBMITTED, CONTACTED, ACCEPTED, DECLINED, WITHDRAWN)
# What staff can set with the buttons on a posted application, in button order.
STAFF_DECISIONS = (CONTACTED, ACCEPTED, DECLINED)
# From which statuses staff may move an application to each decision (a wrong tap can be corrected).
_STAFF_FROM = {
    CONTACTED: (SUBMITTED,),
    ACCEPTED: (SUBMITTED, CONTACTED, DECLINED),
    DECLINED: (SUBMITTED, CONTACTED, ACCEPTED),
}
# The applicant may change their answers until staff have started on the application.
EDITABLE_BY_APPLICANT = (SUBMITTED,)
WITHDRAWABLE = (SUBMITTED, CONTACTED)
# Shown instead of a new form: in progress, under review, or accepted already.
BLOCKS_NEW_FORM = (SUBMITTED, CONTACTED, ACCEPTED)


def staff_may_set(new: str) -> tuple[str, ...]:
    """The statuses from which staff may set `new` (empty if staff cannot set it at all)."""
    return _STAFF_FROM.get(new, ())


def can_staff_set(current: str, new: str) -> bool:
    """Whether staff may move an application from `current` to `new`."""
    return current in staff_may_set(new)
