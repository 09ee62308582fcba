"""The messages an application's changes owe people: staff cards, notes to staff, the applicant's news."""

from __future__ import annotations

from dataclasses import dataclass

from storage.applications import Post
from storage.notifications import REPLACE_POST, STAFF_CARD, TEXT, Notice


@dataclass(frozen=True)
class StaffTargets:
    """Where applications go: the staff chat if there is one, else each admin's private chat."""

    staff_chat_id: int | None
    admin_ids: frozenset[int]

    def chats(self) -> list[int]:
        """The chat ids that get application cards and notes."""
        return [self.staff_chat_id] if self.staff_chat_id is not None else sorted(self.admin_ids)


def staff_cards(targets: StaffTargets, application_id: int, *, updated: bool = False) -> list[Notice]:
    """A card per staff chat, drawn from the application when sent (lang None: each chat's own language)."""
    return [
        Notice(STAFF_CARD, chat_id, application_id=application_id, params={"updated": updated})
        for chat_id in targets.chats()
    ]


def staff_note(targets: StaffTargets, text_key: str, **params: object) -> list[Notice]:
    """A short note to every staff chat."""
    return [Notice(TEXT, chat_id, text_key=text_key, params=params) for chat_id in targets.chats()]


def applicant_text(user_id: int, text_key: str, lang: str | None, **params: object) -> Notice:
    """A message to the applicant (their stored language wins over `lang` when they chose one)."""
    return Notice(TEXT, user_id, text_key=text_key, params=params, lang=lang)


def replace_posts(posts: list[tuple[int, Post]], text_key: str) -> list[Notice]:
    """Edit each staff post of an application into a note without the applicant's data."""
    return [
        Notice(REPLACE_POST, post.chat_id, message_id=post.message_id, text_key=text_key, params={"id": app_id})
        for app_id, post in posts
    ]


def erasure_notices(targets: StaffTargets, open_ids: list[int], posts: list[tuple[int, Post]]) -> list[Notice]:
    """Replace every post of the erased applications, and tell staff about those still open."""
    notes = [n for app_id in open_ids for n in staff_note(targets, "volunteer.staff.erased_post", id=app_id)]
    return replace_posts(posts, "volunteer.staff.erased_post") + notes
