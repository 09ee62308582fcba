"""Applications as a file for staff: CSV (UTF-8 with BOM, so Excel shows Cyrillic) or a real .xlsx.

Region and option names are in the staff member's language, times in Almaty time, and cells a
spreadsheet would run as formulas are neutralised.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.clock import LOCAL_ZONE
from bot.i18n import Texts
from bot.volunteers import steps
from bot.volunteers.catalog import Catalog
from bot.volunteers.status import parse_status
from storage.applications import Application

COLUMNS = (
    "id", "status", "submitted_at", "updated_at", "full_name", "birth_date", "guardian_consent",
    "phone", "region", "interests", "languages", "availability", "experience", "bot_language",
    "consent_version", "consent_at", "telegram_user_id",
)
_TIMES = ("submitted_at", "updated_at", "guardian_consent", "consent_at")
# A spreadsheet runs a cell starting with these as a formula; a leading ' keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FREE_TEXT = ("full_name", "experience")
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ExportRequest:
    """Which applications, and in what file."""

    status: str | None = None
    since: date | None = None
    until: date | None = None
    file_format: str = "csv"
    delimiter: str = ","


class ExportWordsError(ValueError):
    """What is wrong with /export's words: the key of its UI text (volunteer.staff.export_problem.<key>) and values."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def parse_date(word: str) -> date:
    """A day as YYYY-MM-DD; ExportWordsError("not_a_date") otherwise."""
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ExportWordsError("not_a_date", word=word) from None


def parse_request(words: list[str], aliases: dict[str, str]) -> ExportRequest:
    """/export's words: a status (any language), up to two dates, csv or xlsx, in any order."""
    status, dates, file_format = None, [], "csv"
    for word in words:
        folded = word.casefold()
        if folded in FORMATS:
            file_format = folded
        elif folded == "all":
            continue
        elif status is None and (found := parse_status(word, aliases)) is not None:
            status = found.value
        else:
            dates.append(parse_date(word))
    if len(dates) > 2:
        raise ExportWordsError("too_many_dates")
    since, until = (dates + [None, None])[:2]
    if since and until and until < since:
        raise ExportWordsError("dates_reversed")
    return ExportRequest(status, since, until, file_format)


def cells(app: Application, catalog: Catalog, texts: Texts, lang: str) -> dict[str, object]:
    """One application as cell values: names in `lang`, times as Almaty datetimes, dates as dates."""
    values: dict[str, object] = {
        "id": app.id,
        "status": texts.get(lang, f"volunteer.status.{app.status}"),
        "region": catalog.region_name(app.get("region"), lang),
        "bot_language": app.lang,
        "telegram_user_id": app.user_id,
        "submitted_at": app.submitted_at,
        "updated_at": app.updated_at,
    }
    for name in ("full_name", "guardian_consent", "phone", "experience", "consent_version", "consent_at"):
        values[name] = app.get(name) or ""
    values["birth_date"] = date.fromisoformat(app.get("birth_date")) if app.get("birth_date") else ""
    for name, group in steps.OPTION_GROUPS.items():
        values[name] = "; ".join(texts.get(lang, f"volunteer.{group}.{o}") for o in steps.split(app.get(name)))
    for name in _TIMES:
        raw = values.get(name)
        values[name] = datetime.fromisoformat(raw).astimezone(LOCAL_ZONE).replace(tzinfo=None) if raw else ""
    return values


def headers(texts: Texts, lang: str) -> list[str]:
    """The column titles in the staff member's language."""
    return [texts.get(lang, f"volunteer.export.{column}") for column in COLUMNS]


def to_csv(apps: list[Application], catalog: Catalog, texts: Texts, lang: str, delimiter: str = ",") -> bytes:
    """The CSV file's bytes: a header, one row per application (Almaty times as text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers(texts, lang))
    for app in apps:
        row = cells(app, catalog, texts, lang)
        writer.writerow([_safe(_text(row[c])) if c in _FREE_TEXT else _text(row[c]) for c in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(apps: list[Application], catalog: Catalog, texts: Texts, lang: str) -> bytes:
    """A real Excel workbook: a bold frozen header, dates and times as Excel dates, text as text."""
    book = Workbook()
    sheet = book.active
    sheet.title = texts.get(lang, "volunteer.export.sheet")[:31]
    sheet.append(headers(texts, lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for app in apps:
        row = cells(app, catalog, texts, lang)
        sheet.append([row[c] for c in COLUMNS])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd.mm.yyyy hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "dd.mm.yyyy"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the applicant typed
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(request: ExportRequest, apps: list[Application], catalog: Catalog, texts: Texts, lang: str,
           today: date) -> tuple[bytes, str]:
    """The file's bytes and its name."""
    name = f"applications-{request.status or 'all'}-{today.isoformat()}.{request.file_format}"
    if request.file_format == "xlsx":
        return to_xlsx(apps, catalog, texts, lang), name
    return to_csv(apps, catalog, texts, lang, request.delimiter), name


def _safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula, kept as text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)
