"""Buttons of the volunteer form, /myapplication, /forget_me and the staff card (pure builders)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot import callbacks
from bot.i18n import Texts
from bot.volunteers import status as lifecycle
from bot.volunteers import steps
from bot.volunteers.catalog import Catalog

V = callbacks.VOLUNTEER


def _b(label: str, *parts: object, prefix: str = V) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.data(prefix, *parts))


def _nav(texts: Texts, lang: str, step: str, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [_b(texts.get(lang, "volunteer.back"), "back", step)] if back else []
    return row + [_b(texts.get(lang, "volunteer.cancel"), "cancel", step)]


def apply_button(texts: Texts, lang: str) -> InlineKeyboardButton:
    """The "Apply" button on top of the Volunteer section."""
    return _b(texts.get(lang, "volunteer.apply_button"), "start")


def with_apply_button(texts: Texts, lang: str, markup: InlineKeyboardMarkup) -> InlineKeyboardMarkup:
    """The same keyboard with "Apply" as its first row."""
    return InlineKeyboardMarkup([[apply_button(texts, lang)], *markup.inline_keyboard])


def question(texts: Texts, lang: str, step: str, *, option_ids: tuple[str, ...] = (),
             ticked: list[str] | None = None, catalog: Catalog | None = None,
             first: bool = False) -> InlineKeyboardMarkup:
    """The buttons under a question: its choices, then Back and Cancel."""
    t = lambda key: texts.get(lang, f"volunteer.{key}")  # noqa: E731
    kind = steps.BY_NAME[step].kind
    rows: list[list[InlineKeyboardButton]] = []
    if kind == "consent":
        rows = [[_b(t("agree"), "consent", step, "yes")], [_b(t("disagree"), "consent", step, "no")]]
    elif kind == "guardian":
        rows = [[_b(t("guardian_yes"), "guardian", step, "yes")]]
    elif kind == "region" and catalog is not None:
        buttons = [_b(r.name(lang), "pick", step, r.code) for r in catalog.regions]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    elif kind == "multi":
        group = {"interests": "interest", "languages": "spoken", "availability": "availability"}[step]
        for option in option_ids:
            mark = "☑️ " if option in (ticked or []) else "▫️ "
            rows.append([_b(mark + t(f"{group}.{option}"), "tick", step, option)])
        rows.append([_b(t("done"), "done", step)])
    elif kind == "optional_text":
        rows = [[_b(t("skip"), "skip", step)]]
    rows.append(_nav(texts, lang, step, back=not first))
    return InlineKeyboardMarkup(rows)


def phone_keyboard(texts: Texts, lang: str) -> ReplyKeyboardMarkup:
    """The reply keyboard with Telegram's "share my contact" button, Back and Cancel."""
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(texts.get(lang, "volunteer.share_phone"), request_contact=True)],
            [KeyboardButton(texts.get(lang, "volunteer.back")), KeyboardButton(texts.get(lang, "volunteer.cancel"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def summary(texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """An "Edit" button per answer, then Submit, Back and Cancel."""
    buttons = [
        _b(texts.get(lang, "volunteer.edit", field=texts.get(lang, f"volunteer.label.{name}")), "edit", name)
        for name in steps.EDITABLE
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_b(texts.get(lang, "volunteer.submit"), "submit", steps.SUMMARY)])
    rows.append(_nav(texts, lang, steps.SUMMARY))
    return InlineKeyboardMarkup(rows)


def confirm_cancel(texts: Texts, lang: str, step: str) -> InlineKeyboardMarkup:
    """Cancel for sure, or go on with the form."""
    return InlineKeyboardMarkup([[
        _b(texts.get(lang, "volunteer.cancel_yes"), "cancel_yes", step),
        _b(texts.get(lang, "volunteer.cancel_no"), "cancel_no", step),
    ]])


def my_application(texts: Texts, lang: str, app_id: int, status: str) -> InlineKeyboardMarkup | None:
    """Edit (while not yet reviewed) and Withdraw (while open)."""
    row = []
    if status in lifecycle.EDITABLE_BY_APPLICANT:
        row.append(_b(texts.get(lang, "volunteer.my.edit_button"), "edit", app_id, prefix=callbacks.MY_APPLICATION))
    if status in lifecycle.WITHDRAWABLE:
        row.append(_b(texts.get(lang, "volunteer.my.withdraw_button"), "withdraw", app_id, prefix=callbacks.MY_APPLICATION))
    return InlineKeyboardMarkup([row]) if row else None


def edit_fields(texts: Texts, lang: str, app_id: int) -> InlineKeyboardMarkup:
    """Which answer of a submitted application to change."""
    buttons = [
        _b(texts.get(lang, "volunteer.edit", field=texts.get(lang, f"volunteer.label.{name}")), "edit", name)
        for name in steps.EDITABLE
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_b(texts.get(lang, "volunteer.my.back_button"), "show", app_id, prefix=callbacks.MY_APPLICATION)])
    return InlineKeyboardMarkup(rows)


def confirm_withdraw(texts: Texts, lang: str, app_id: int) -> InlineKeyboardMarkup:
    """Withdraw for sure, or keep the application."""
    return InlineKeyboardMarkup([[
        _b(texts.get(lang, "volunteer.my.withdraw_yes"), "withdraw_yes", app_id, prefix=callbacks.MY_APPLICATION),
        _b(texts.get(lang, "volunteer.my.withdraw_no"), "show", app_id, prefix=callbacks.MY_APPLICATION),
    ]])


def confirm_forget(texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """Erase everything for sure, or keep it."""
    return InlineKeyboardMarkup([[
        _b(texts.get(lang, "volunteer.forget.erase"), "yes", prefix=callbacks.FORGET),
        _b(texts.get(lang, "volunteer.forget.keep"), "no", prefix=callbacks.FORGET),
    ]])


def staff_decisions(texts: Texts, lang: str, app_id: int) -> InlineKeyboardMarkup:
    """Contacted / Accepted / Declined under an application posted for staff."""
    return InlineKeyboardMarkup([[
        _b(texts.get(lang, f"volunteer.staff.button_{s}"), s, app_id, prefix=callbacks.APPLICATION_STATUS)
        for s in lifecycle.STAFF_DECISIONS
    ]])


def status_filter(texts: Texts, lang: str, counts: dict[str, int]) -> InlineKeyboardMarkup:
    """One button per status, with how many applications have it."""
    buttons = [
        _b(f"{texts.get(lang, f'volunteer.status.{s}')} ({counts.get(s, 0)})", s, prefix=callbacks.APPLICATION_LIST)
        for s in lifecycle.STATUSES
        if s != lifecycle.DRAFT
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
