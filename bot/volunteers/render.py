"""Applications as text: the applicant's summary, the staff card, the status history (HTML)."""

from __future__ import annotations

from datetime import date

from bot.i18n import Texts
from bot.telegram_html import escape
from bot.volunteers import steps
from bot.volunteers.catalog import Catalog
from bot.volunteers.validation import age
from storage.applications import Application, Event

# The fields shown, in order (consent and a minor's guardian consent included).
SHOWN = ("full_name", "birth_date", "guardian_consent", "phone", "region", "interests", "languages",
         "availability", "experience", "consent_at")
_OPTION_GROUPS = {"interests": "interest", "languages": "spoken", "availability": "availability"}


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
    if name in _OPTION_GROUPS:
        return ", ".join(t(f"{_OPTION_GROUPS[name]}.{o}") for o in steps.split(raw))
    if name in ("consent_at", "guardian_consent"):
        version = f" (v{escape(app.get('consent_version') or '?')})" if name == "consent_at" else ""
        return t("given_on", date=raw[:10]) + version
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


def summary(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date) -> str:
    """The check-before-sending page of the form."""
    return "\n\n".join([
        texts.get(lang, "volunteer.summary_title"),
        details(app, catalog, texts, lang, today),
        texts.get(lang, "volunteer.summary_hint"),
    ])


def applicant_view(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date) -> str:
    """/myapplication: number, status and the answers."""
    status = texts.get(lang, f"volunteer.status.{app.status}")
    head = texts.get(lang, "volunteer.my.title", id=app.id, status=status)
    return f"{head}\n\n{details(app, catalog, texts, lang, today)}"


def staff_card(app: Application, catalog: Catalog, texts: Texts, lang: str, today: date,
               history: list[Event], *, updated: bool = False) -> str:
    """The message staff act on: every answer, the status and its history."""
    title = texts.get(lang, "volunteer.staff.updated_title" if updated else "volunteer.staff.card_title", id=app.id)
    who = texts.get(lang, "volunteer.staff.telegram", user_id=app.user_id, bot_lang=app.lang)
    status = texts.get(lang, "volunteer.staff.status_line", status=texts.get(lang, f"volunteer.status.{app.status}"))
    lines = [title, "", details(app, catalog, texts, lang, today), who, "", status]
    for event in history:
        actor = (texts.get(lang, "volunteer.staff.by_applicant") if event.actor == "applicant"
                 else texts.get(lang, "volunteer.staff.by_staff", id=event.actor_id))
        lines.append(texts.get(lang, "volunteer.staff.history_line",
                               status=texts.get(lang, f"volunteer.status.{event.status}"),
                               who=actor, at=event.at.replace("T", " ")[:16]))
    return "\n".join(lines)
