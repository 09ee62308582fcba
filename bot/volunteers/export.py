"""Applications as CSV for staff: UTF-8 with BOM so Excel shows Cyrillic, formula-safe cells."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.volunteers import steps
from bot.volunteers.catalog import Catalog
from storage.applications import Application

COLUMNS = (
    "id", "status", "submitted_at", "updated_at", "full_name", "birth_date", "guardian_consent",
    "phone", "region", "interests", "languages", "availability", "experience", "bot_language",
    "consent_version", "consent_at", "telegram_user_id",
)
# A spreadsheet runs a cell starting with these as a formula; a leading ' keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FREE_TEXT = ("full_name", "experience")


def row(app: Application, catalog: Catalog) -> list[str]:
    """One application as CSV cells (region names and option ids in English)."""
    cells = {
        "id": str(app.id),
        "status": app.status,
        "submitted_at": app.submitted_at or "",
        "updated_at": app.updated_at,
        "region": catalog.region_name(app.get("region"), "en"),
        "bot_language": app.lang,
        "telegram_user_id": str(app.user_id),
    }
    for name in ("full_name", "birth_date", "guardian_consent", "phone", "experience", "consent_version", "consent_at"):
        cells[name] = app.get(name) or ""
    for name in ("interests", "languages", "availability"):
        cells[name] = "; ".join(steps.split(app.get(name)))
    for name in _FREE_TEXT:
        if cells[name].startswith(_FORMULA_START):
            cells[name] = "'" + cells[name]
    return [cells[c] for c in COLUMNS]


def to_csv(applications: list[Application], catalog: Catalog) -> bytes:
    """The CSV file's bytes, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for app in applications:
        writer.writerow(row(app, catalog))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def day_bounds(since: date | None, until: date | None) -> tuple[str | None, str | None]:
    """ISO texts for `submitted_at >= since` and `< the day after until`."""
    start = since.isoformat() if since else None
    end = date.fromordinal(until.toordinal() + 1).isoformat() if until else None
    return start, end
