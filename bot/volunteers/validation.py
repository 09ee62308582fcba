"""Checks of the applicant's answers: pure functions that return the clean value or raise Invalid."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers

MAX_NAME_CHARS = 100
MAX_EXPERIENCE_CHARS = 1000
OLDEST_AGE = 100
ADULT_AGE = 18
# Below this a child cannot sensibly fill the form alone; the number is never shown to users
# (the law's consent age is unverified), only a request to check the date or ask a parent.
YOUNGEST_SELF_APPLICANT = 10
DEFAULT_REGION = "KZ"

# A name: letters (any script) with spaces, hyphens, apostrophes and dots between them.
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’\-.]+[^\W\d_]+)*\.?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{1,4})$")
_WORD_DATE = re.compile(r"^(\d{1,2})\s*[./\- ]?\s*([^\W\d_]+)\.?\s*[./\- ]?\s*(\d{1,4})\s*(?:г\.?|ж\.?|год|жыл)?$")
# Month names by their first three letters, in English, Russian (both cases) and Kazakh.
_MONTHS = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)},
    **{m: i for i, m in enumerate(("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"), 1)},
    "мая": 5,
    **{m: i for i, m in enumerate(("қаң", "ақп", "нау", "сәу", "мам", "мау", "шіл", "там", "қыр", "қаз", "қар", "жел"), 1)},
}
_PHONE_CHARS = re.compile(r"^[\d\s()+\-.]+$")
# Letters that show nothing (Hangul fillers, the Mongolian vowel separator, Braille blank) and
# format characters that hide or reverse text (zero-width, bidi overrides): a name made with them
# looks like something else on a staff member's screen.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u200b\u200c\u200d\u2060\ufeff")
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Invalid(ValueError):
    """An answer that cannot be accepted; `code` names the UI text explaining why."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def clean_text(text: str) -> str:
    """Normalise Unicode, drop control characters and collapse runs of spaces."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if c in "\n" or unicodedata.category(c)[0] != "C")
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def full_name(text: str) -> str:
    """A first name and surname in visible letters of any script."""
    if any(c in _INVISIBLE or c in _BIDI_CONTROLS for c in text):
        raise Invalid("name_invisible")
    name = clean_text(text).replace("\n", " ")
    if not name:
        raise Invalid("name_empty")
    if len(name) > MAX_NAME_CHARS:
        raise Invalid("name_too_long", max=MAX_NAME_CHARS)
    if not _NAME.match(name):
        raise Invalid("name_chars")
    if len(name.split()) < 2:
        raise Invalid("name_one_word")
    return name


def birth_date(text: str, today: date) -> date:
    """A date of birth in a common format (31.12.2000, 2000-12-31, 31 December 2000, 31 декабря 2000)."""
    raw = clean_text(text).casefold()
    if not raw:
        raise Invalid("date_format")
    day_month_year = _numeric_date(raw) or _word_date(raw)
    if day_month_year is None:
        raise Invalid("date_format")
    day, month, year = day_month_year
    if year < 100:
        raise Invalid("date_year_digits")
    try:
        born = date(year, month, day)
    except ValueError:
        raise Invalid("date_invalid") from None
    if born > today:
        raise Invalid("date_future")
    years = age(born, today)
    if years > OLDEST_AGE:
        raise Invalid("date_too_old")
    if years < YOUNGEST_SELF_APPLICANT:
        raise Invalid("too_young", age=years)
    return born


def _numeric_date(raw: str) -> tuple[int, int, int] | None:
    match = _NUMERIC_DATE.match(raw)
    if not match:
        return None
    a, b, c = match.groups()
    if len(a) == 4:  # 2000-12-31
        return int(c), int(b), int(a)
    if len(a) > 2 or len(c) == 3:
        return None
    return int(a), int(b), int(c)


def _word_date(raw: str) -> tuple[int, int, int] | None:
    match = _WORD_DATE.match(raw)
    if not match:
        return None
    month = _MONTHS.get(match.group(2)[:3])
    if month is None:
        return None
    return int(match.group(1)), month, int(match.group(3))


def age(born: date, today: date) -> int:
    """Full years between the date of birth and today."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_minor(born: date, today: date) -> bool:
    """True under 18: the volunteering law then asks for a parent's or guardian's consent."""
    return age(born, today) < ADULT_AGE


def phone(text: str, region: str = DEFAULT_REGION) -> str:
    """A valid phone number in E.164 (+77011234567); Kazakhstan is assumed without a country code."""
    raw = clean_text(text)
    if not raw or not _PHONE_CHARS.match(raw) or sum(c.isdigit() for c in raw) < 7:
        raise Invalid("phone_invalid")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise Invalid("phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid("phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def shared_phone(phone_number: str) -> str:
    """A number from Telegram's "share my contact" (it may come without the leading +)."""
    digits = phone_number.strip()
    if digits and not digits.startswith("+"):
        digits = "+" + digits
    return phone(digits)


def experience(text: str) -> str:
    """Free text about earlier volunteering, kept within a length staff can read."""
    cleaned = clean_text(text)
    if not cleaned:
        raise Invalid("experience_empty")
    if len(cleaned) > MAX_EXPERIENCE_CHARS:
        raise Invalid("experience_too_long", max=MAX_EXPERIENCE_CHARS, length=len(cleaned))
    return cleaned
