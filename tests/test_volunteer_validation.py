"""Unit tests of the form's pure parts: validation, question order, status lifecycle, CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from bot.volunteers import export, steps, validation
from bot.volunteers import status as lifecycle
from bot.volunteers.catalog import Catalog
from bot.volunteers.validation import Invalid
from storage.applications import ANSWER_FIELDS, Application
from bot.config import PROJECT_DIR
from bot.i18n import Texts
from bot.views.staff import export_usage, status_words

TODAY = date(2026, 11, 23)


def code(fn, *args):
    with pytest.raises(Invalid) as caught:
        fn(*args)
    return caught.value.code


def app(**answers) -> Application:
    values = {name: None for name in ANSWER_FIELDS} | answers
    return Application(1, 5, "draft", "en", None, None, 0, None, values, "2026-11-20T05:00:00+00:00",
                       "2026-11-20T05:00:00+00:00", "2026-11-20T05:00:00+00:00")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("25.04.2001", date(2001, 4, 25)),
        ("5.4.2001", date(2001, 4, 5)),
        ("25/04/2001", date(2001, 4, 25)),
        ("25-04-2001", date(2001, 4, 25)),
        ("2001-04-25", date(2001, 4, 25)),
        (" 25 . 04 . 2001 ", date(2001, 4, 25)),
        ("25 April 2001", date(2001, 4, 25)),
        ("25 apr 2001", date(2001, 4, 25)),
        ("25 апреля 2001 г.", date(2001, 4, 25)),
        ("1 мая 1990", date(1990, 5, 1)),
        ("25 сәуір 2001", date(2001, 4, 25)),
        ("29.02.2000", date(2000, 2, 29)),
    ],
)
def test_dates_in_common_formats_are_read(typed, expected):
    assert validation.birth_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("yesterday", "date_format"),
        ("", "date_format"),
        ("25.04", "date_format"),
        ("25.04.01", "date_year_digits"),
        ("31.02.2001", "date_invalid"),
        ("32.01.2001", "date_invalid"),
        ("29.02.2001", "date_invalid"),
        ("01.01.2030", "date_future"),
        ("24.11.2026", "date_future"),
        ("01.01.1900", "date_too_old"),
        ("23.11.2019", "too_young"),
        ("25 Smarch 2001", "date_format"),
        ("<b>25.04.2001</b>", "date_format"),
        ("'; DROP TABLE applications;--", "date_format"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(typed, problem):
    assert code(validation.birth_date, typed, TODAY) == problem


def test_ages_and_minors():
    assert validation.age(date(2008, 11, 24), TODAY) == 17
    assert validation.age(date(2008, 11, 23), TODAY) == 18
    assert validation.is_minor(date(2008, 11, 24), TODAY)
    assert not validation.is_minor(date(2008, 11, 23), TODAY)
    with pytest.raises(Invalid) as seven:
        validation.birth_date("01.01.2019", TODAY)
    assert seven.value.params == {"age": 7}


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("+7 701 123 45 67", "+77011234567"),
        ("87011234567", "+77011234567"),
        ("8 (701) 123-45-67", "+77011234567"),
        ("7011234567", "+77011234567"),
        ("+7 727 250 00 00", "+77272500000"),
        ("+7 916 123-45-67", "+79161234567"),
        ("+998 90 123 45 67", "+998901234567"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed, e164):
    assert validation.phone(typed) == e164


@pytest.mark.parametrize(
    "typed", ["12345", "", "+7 701 123", "+7 000 000 00 00", "phone: 87011234567", "+77011234567890123", "📞", "<script>"]
)
def test_bad_phone_numbers_are_refused(typed):
    assert code(validation.phone, typed) == "phone_invalid"


def test_a_shared_contact_without_plus_is_accepted():
    assert validation.shared_phone("77011234567") == "+77011234567"


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("", "name_empty"),
        ("   ", "name_empty"),
        ("A" * 4000, "name_too_long"),
        ("Aigerim", "name_one_word"),
        ("<b>Aigerim</b> Nurlanovna", "name_chars"),
        ("Robert'); DROP TABLE applications;--", "name_chars"),
        ("Aigerim 😀 Nurlanovna", "name_chars"),
        ("R2D2 Droid", "name_chars"),
    ],
)
def test_bad_names_are_refused(typed, problem):
    assert code(validation.full_name, typed) == problem


@pytest.mark.parametrize(
    "typed, clean",
    [
        ("  Айгерим   Нұрланқызы ", "Айгерим Нұрланқызы"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("Ivan I. Petrov", "Ivan I. Petrov"),
    ],
)
def test_names_in_any_script_are_cleaned(typed, clean):
    assert validation.full_name(typed) == clean


def test_experience_keeps_any_text_within_the_limit():
    assert validation.experience("  <b>x</b> & '; DROP TABLE x;-- 🙂 ") == "<b>x</b> & '; DROP TABLE x;-- 🙂"
    assert code(validation.experience, "x" * 1001) == "experience_too_long"
    assert code(validation.experience, "\u200b\n") in ("experience_empty",)


def test_questions_come_in_order_and_minors_get_the_consent_question():
    assert steps.next_step(app(), TODAY) == "consent_at"
    adult = app(consent_at="t", full_name="A B", birth_date="2000-01-01")
    assert steps.next_step(adult, TODAY) == "phone"
    minor = app(consent_at="t", full_name="A B", birth_date="2012-01-01")
    assert steps.next_step(minor, TODAY) == "guardian_consent"
    assert steps.previous_step(minor, "phone", TODAY) == "guardian_consent"
    assert steps.previous_step(adult, "phone", TODAY) == "birth_date"
    assert steps.previous_step(adult, "consent_at", TODAY) is None
    full = {name: "x" for name in ANSWER_FIELDS} | {"birth_date": "2000-01-01"}
    assert steps.next_step(app(**full), TODAY) == steps.SUMMARY


def test_minors_are_not_offered_emergency_work_and_lose_it_when_the_date_changes():
    minor = app(birth_date="2012-01-01")
    assert "emergency" not in steps.options(steps.BY_NAME["interests"], minor, TODAY)
    assert "emergency" in steps.options(steps.BY_NAME["interests"], app(birth_date="2000-01-01"), TODAY)
    adult = app(birth_date="2000-01-01", interests="first_aid,emergency", guardian_consent=None)
    changes = steps.changes_for(steps.BY_NAME["birth_date"], "2012-01-01", adult, TODAY)
    assert changes == {"birth_date": "2012-01-01", "interests": "first_aid"}
    back_to_adult = steps.changes_for(steps.BY_NAME["birth_date"], "2000-01-01", minor, TODAY)
    assert back_to_adult["guardian_consent"] is None


def test_status_lifecycle():
    assert lifecycle.can_staff_set("submitted", "contacted")
    assert lifecycle.can_staff_set("contacted", "accepted")
    assert lifecycle.can_staff_set("accepted", "declined")  # a wrong tap can be corrected
    assert not lifecycle.can_staff_set("withdrawn", "accepted")
    assert not lifecycle.can_staff_set("draft", "accepted")
    assert not lifecycle.can_staff_set("submitted", "withdrawn")
    assert lifecycle.staff_may_set("nonsense") == () and not lifecycle.can_staff_set("submitted", "nonsense")


def test_csv_has_a_bom_names_in_the_staff_language_and_keeps_formulas_inert():
    catalog = Catalog.load(PROJECT_DIR / "content")
    texts = Texts.load(PROJECT_DIR / "content" / "ui", "kk")
    row = app(full_name="=HYPERLINK(\"x\")", experience="@SUM(1)", phone="+77011234567", region="astana",
              interests="first_aid,blood", birth_date="2000-01-01")
    data = export.to_csv([row], catalog, texts, "ru", delimiter=";")
    assert data.startswith("\ufeff".encode())
    header, values = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    cells = dict(zip(header, values))
    assert cells["Имя и фамилия"] == "'=HYPERLINK(\"x\")"
    assert cells["Опыт"] == "'@SUM(1)"
    assert cells["Телефон"] == "+77011234567"
    assert cells["Направления"] == "🩹 Первая помощь; 🩸 Популяризация донорства крови"
    assert cells["Регион"] == "г. Астана"
    assert cells["Отправлена (время Алматы)"] == "20.11.2026 10:00"  # 05:00 UTC is 10:00 in Almaty


@pytest.mark.parametrize("words, status, since, until, fmt", [
    (["новые"], "submitted", None, None, "csv"),
    (["accepted", "2026-11-01", "2026-11-30", "xlsx"], "accepted", date(2026, 11, 1), date(2026, 11, 30), "xlsx"),
    (["қабылданған"], "accepted", None, None, "csv"),
    (["all", "2026-11-01"], None, date(2026, 11, 1), None, "csv"),
])
def test_export_words_are_read_in_any_language(words, status, since, until, fmt):
    texts = Texts.load(PROJECT_DIR / "content" / "ui", "kk")
    request = export.parse_request(words, status_words(texts))
    assert (request.status, request.since, request.until, request.file_format) == (status, since, until, fmt)


@pytest.mark.parametrize("words, reason", [
    (["2026-13-01"], "not_a_date"), (["2026-11-30", "2026-11-01"], "dates_reversed"),
    (["1", "2", "3"], "not_a_date"), (["2026-11-01", "2026-11-02", "2026-11-03"], "too_many_dates"),
])
def test_bad_export_words_say_what_is_wrong(words, reason):
    with pytest.raises(export.ExportWordsError) as raised:
        export.parse_request(words, {})
    assert raised.value.key == reason
    texts = Texts.load(PROJECT_DIR / "content" / "ui", "kk")
    for lang in ("kk", "ru", "en"):  # said in the staff member's language, never as the bare key
        assert f"export_problem.{reason}" not in export_usage(texts, lang, reason, raised.value.params)


def test_catalog_has_every_region_in_three_languages():
    catalog = Catalog.load(PROJECT_DIR / "content")
    assert len(catalog.regions) == 20
    assert catalog.find_region("астана").code == "astana"
    assert {c.version for c in catalog.consent.values()} == {"1"}
