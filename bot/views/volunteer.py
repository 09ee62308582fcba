"""The volunteer form as the applicant sees it: questions, the summary, their application, its buttons."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot import callbacks
from bot.clock import local_text
from bot.i18n import Texts
from bot.telegram_html import escape
from bot.volunteers import steps
from bot.volunteers.catalog import Catalog
from bot.volunteers.status import EDITABLE_BY_APPLICANT, WITHDRAWABLE
from bot.volunteers.validation import age
from bot.views.common import button, in_rows
from storage.applications import Application

V = callbacks.VOLUNTEER
M = callbacks.MY_APPLICATION
# The fields shown, in order (consent and a minor's guardian consent included).
SHOWN = ("full_name", "birth_date", "guardian_consent", "phone", "region", "interests", "languages",
         "availability", "experience", "consent_at")


def value(app: Application, name: str, catalog: Catalog, texts: Texts, lang: str, today: date) -> str:
    """One answer as the reader sees it, escaped for HTML."""
    raw = app.get(name)
    t = lambda key, **p: texts.get(lang, f"volunteer.{key}", **p)  # noqa: E731
    if raw is None:
        return t("not_answered")
    if name == "birth_date":
        born = date.fromisoformat(raw)
        return t("born", date=born.strftime("%d.%m.%Y"), age=age(born, today))
    if name == "region":
        return escape(catalog.region_name(raw, lang))
    if name in steps.OPTION_GROUPS:
        return ", ".join(t(f"{steps.OPTION_GROUPS[name]}.{o}") for o in steps.split(raw))
    if name in ("consent_at", "guardian_consent"):
        version = f" (v{escape(app.get('consent_version') or '?')})" if name == "consent_at" else ""
        return t("given_on", date=local_text(raw)[:10]) + version
    if name == "experience" and raw == "":
        return t("skipped")
    return escape(raw)


def details(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date) -> str:
    """Every answer, one per line, labelled."""
    lines = []
    for name in SHOWN:
        if name == "guardian_consent" and not steps.minor(app, today):
            continue
        label = texts.get(lang, f"volunteer.label.{name}")
        lines.append(f"<b>{label}:</b> {value(app, name, catalog, texts, lang, today)}")
    return "\n".join(lines)


def question(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date, *,
             problem: str | None = None, problem_params: dict | None = None, notes: tuple[str, ...] = ()):
    """The question the application is at: (text, keyboard); the phone question gets Telegram's share button."""
    step = app.step
    spec = steps.BY_NAME[step]
    asked = [s.name for s in steps.STEPS if steps.applies(s, app, today)]
    head = [texts.get(lang, f"volunteer.{note}") for note in notes]
    if problem:
        head.append(texts.get(lang, f"volunteer.{problem}", **(problem_params or {})))
    progress = texts.get(lang, "volunteer.progress", n=asked.index(step) + 1, total=len(asked))
    body = catalog.consent[app.lang].text if spec.kind == "consent" else texts.get(lang, f"volunteer.q.{step}")
    text = "\n\n".join([*head, f"{progress}\n{body}"])
    if spec.kind == "phone":
        return text, phone_keyboard(texts, lang)
    return text, question_buttons(app, catalog, texts, lang, today, first=asked.index(step) == 0)


def phone_keyboard(texts: Texts, lang: str) -> ReplyKeyboardMarkup:
    """Telegram's "share my number" button, with Back and Cancel, under the text field.

    One-time: tapping any of them hides it, so going back or cancelling needs no extra message.
    """
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(texts.get(lang, "volunteer.share_phone"), request_contact=True)],
            [KeyboardButton(texts.get(lang, "volunteer.back")), KeyboardButton(texts.get(lang, "volunteer.cancel"))],
        ],
        resize_keyboard=True, one_time_keyboard=True,
    )


def question_buttons(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date, *,
                     first: bool) -> InlineKeyboardMarkup:
    """The buttons under a question: its choices, then Back and Cancel; all carry the form's revision."""
    t = lambda key: texts.get(lang, f"volunteer.{key}")  # noqa: E731
    spec = steps.BY_NAME[app.step]
    b = lambda label, action, *value: button(label, V, app.id, app.revision, action, *value)  # noqa: E731
    rows = []
    if spec.kind == "consent":
        rows = [[b(t("agree"), "consent", "yes")], [b(t("disagree"), "consent", "no")]]
    elif spec.kind == "guardian":
        rows = [[b(t("guardian_yes"), "guardian", "yes")]]
    elif spec.kind == "region":
        rows = in_rows([b(r.name(lang), "pick", r.code) for r in catalog.regions], 2)
    elif spec.kind == "multi":
        ticked = steps.ticked(app)
        group = steps.OPTION_GROUPS[app.step]
        for option in steps.options(spec, app, today):
            mark = "☑️ " if option in ticked else "▫️ "
            rows.append([b(mark + t(f"{group}.{option}"), "tick", option)])
        rows.append([b(t("done"), "done")])
    elif spec.kind == "optional_text":
        rows = [[b(t("skip"), "skip")]]
    nav = [] if first else [b(t("back"), "back")]
    rows.append(nav + [b(t("cancel"), "cancel")])
    return InlineKeyboardMarkup(rows)


def answered(app: Application, step: str, catalog: Catalog, texts: Texts, lang: str, today: date) -> str:
    """A question's message once answered by a button: the question and the answer, no buttons."""
    if step == "consent_at":
        return texts.get(lang, "volunteer.consent_given")
    label = texts.get(lang, f"volunteer.label.{step}")
    return f"{texts.get(lang, f'volunteer.q.{step}')}\n\n✓ <b>{label}:</b> {value(app, step, catalog, texts, lang, today)}"


def summary(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date, *,
            problem: str | None = None, notes: tuple[str, ...] = ()) -> tuple[str, InlineKeyboardMarkup]:
    """The check-before-sending page: every answer, an Edit button per answer, Submit, Back and Cancel."""
    head = [texts.get(lang, f"volunteer.{note}") for note in notes] + ([texts.get(lang, f"volunteer.{problem}")] if problem else [])
    text = "\n\n".join([*head, texts.get(lang, "volunteer.summary_title"), details(app, catalog, texts, lang, today),
                        texts.get(lang, "volunteer.summary_hint")])
    b = lambda label, action, *value: button(label, V, app.id, app.revision, action, *value)  # noqa: E731
    edits = [b(texts.get(lang, "volunteer.edit", field=texts.get(lang, f"volunteer.label.{n}")), "edit", n) for n in steps.EDITABLE]
    rows = in_rows(edits, 2)
    rows.append([b(texts.get(lang, "volunteer.submit"), "submit")])
    rows.append([b(texts.get(lang, "volunteer.back"), "back"), b(texts.get(lang, "volunteer.cancel"), "cancel")])
    return text, InlineKeyboardMarkup(rows)


def sent_summary(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date) -> str:
    """The summary once submitted: no hint to tap Submit, no buttons, the number it was sent as."""
    return "\n\n".join([texts.get(lang, "volunteer.sent_title", id=app.id), details(app, catalog, texts, lang, today)])


def confirm_cancel(app: Application, texts: Texts, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """Cancel for sure, or go on with the form."""
    b = lambda label, action: button(label, V, app.id, app.revision, action)  # noqa: E731
    markup = InlineKeyboardMarkup([[b(texts.get(lang, "volunteer.cancel_yes"), "cancel_yes"),
                                    b(texts.get(lang, "volunteer.cancel_no"), "cancel_no")]])
    return texts.get(lang, "volunteer.cancel_confirm"), markup


def application(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date, *,
                notes: tuple[str, ...] = ()) -> tuple[str, InlineKeyboardMarkup | None]:
    """/myapplication: number, status, the answers, and what the applicant may still do."""
    status = texts.get(lang, f"volunteer.status.{app.status}")
    head = [texts.get(lang, f"volunteer.{note}", id=app.id) for note in notes]
    text = "\n\n".join([*head, texts.get(lang, "volunteer.my.title", id=app.id, status=status),
                        details(app, catalog, texts, lang, today)])
    row = []
    if app.status in EDITABLE_BY_APPLICANT:
        row.append(button(texts.get(lang, "volunteer.my.edit_button"), M, "fields", app.id))
    if app.status in WITHDRAWABLE:
        row.append(button(texts.get(lang, "volunteer.my.withdraw_button"), M, "withdraw", app.id))
    return text, InlineKeyboardMarkup([row]) if row else None


def edit_fields(app: Application, texts: Texts, lang: str) -> InlineKeyboardMarkup:
    """Which answer of a sent application to change."""
    edits = [
        button(texts.get(lang, "volunteer.edit", field=texts.get(lang, f"volunteer.label.{n}")), M, "edit", app.id, app.revision, n)
        for n in steps.EDITABLE
    ]
    rows = in_rows(edits, 2)
    rows.append([button(texts.get(lang, "volunteer.my.back_button"), M, "show", app.id)])
    return InlineKeyboardMarkup(rows)


def confirm_withdraw(app: Application, texts: Texts, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """Withdraw for sure, or keep the application."""
    markup = InlineKeyboardMarkup([[
        button(texts.get(lang, "volunteer.my.withdraw_yes"), M, "withdraw_yes", app.id),
        button(texts.get(lang, "volunteer.my.withdraw_no"), M, "show", app.id),
    ]])
    return texts.get(lang, "volunteer.my.withdraw_confirm", id=app.id), markup


def confirm_forget(texts: Texts, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """Erase everything for sure, or keep it."""
    markup = InlineKeyboardMarkup([[
        button(texts.get(lang, "volunteer.forget.erase"), callbacks.FORGET, "yes"),
        button(texts.get(lang, "volunteer.forget.keep"), callbacks.FORGET, "no"),
    ]])
    return texts.get(lang, "volunteer.forget.confirm"), markup
