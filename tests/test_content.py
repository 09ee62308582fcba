"""The real content: valid, complete, and free of the errors the fact sheet lists."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.content import load_content
from bot.knowledge.loader import load_knowledge
from bot.knowledge.validate import numbers
from bot.telegram_html import html_to_text

PROJECT = Path(__file__).resolve().parent.parent
CONTENT = PROJECT / "content"

# Errors in the Society's own seed pages (fact sheet, section H) and UNVERIFIED details
# (section I): no answer may state them.
FORBIDDEN = {
    "1864 Convention dated September": r"(22|twenty-second)\s+(september|сентябр|қыркүйек)",
    "16 states signed the 1864 Convention": r"\b16\s+(states|governments|государств\w*|правительств\w*|мемлекет\w*)\s+(signed|подписал\w*|қол қой\w*)"
    r"|(signed|подписал\w*)\s+(by\s+)?16\b",
    "189 or 192 National Societies": r"\b(189|192)\b[^.]{0,30}(national societ|национальн|ұлттық қоғам)",
    "17 million volunteers": r"\b17\s*(million|млн|миллион)",
    "the misspelling Dunan": r"\bDunan\b",  # Russian and Kazakh rightly write Дюнан
    "Iñazio Cassis": r"Iñazio",
    "Mariana Spolaric": r"Mariana|Мариана",
    "International Committees of the Red Cross": r"International Committees|Международные комитеты",
    "a non-existent ICRC name in Kazakh": r"Қызыл [Кк]рест және Қызыл Жарты [Аа]й Халықаралық Комитеті",
    "74 member countries": r"\b74\s+(countries|стран|ел)",
    "5 March 1937 (unverified)": r"\b5\s+(march|марта|наурыз)\w*\s+1937",
    "17 April 1992 (unverified)": r"\b17\s+(april|апреля|сәуір)\w*\s+1992",
    "31 March 1993 (unverified)": r"\b31\s+(march|марта|наурыз)\w*\s+1993",
    "180th IFRC member (unverified)": r"\b180(th|-й|-ші|\s*-?\s*ші)\b",
    "20 November 2003 (unverified)": r"\b20\s+(november|ноября|қараша)\w*\s+2003",
    "a minimum consent age of 14 or 16 (unverified)": r"(from|с|от)\s+1[46]\s+(years|лет)|1[46]\s+жас",
    "an invented phone number": r"\+?\b[78][\s-]?\(?7\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}\b",
}


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(CONTENT)


def check_content(content_dir, default_language):
    checked = load_content(content_dir, default_language)
    return checked.problems, checked.summary


def test_check_content_passes_with_at_least_130_entries_in_every_language():
    problems, summary = check_content(CONTENT, "kk")
    assert problems == []
    total = re.search(r"total: (\d+) entries", summary)
    assert total and int(total.group(1)) >= 130
    assert "quiz: " in summary


def test_check_content_command_prints_a_summary_and_exits_0():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-content"], cwd=PROJECT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "content is valid" in result.stdout
    for topic in ("help", "history", "movement", "principles", "emblems", "ihl", "society", "volunteering"):
        assert f"{topic}:" in result.stdout


def test_check_content_reports_a_broken_region_list_and_consent_text(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "regions.yaml").write_text("regions:\n  - {id: astana, kk: Астана, ru: Астана}\n", encoding="utf-8")
    (content / "consent" / "en.yaml").unlink()
    problems, _ = check_content(content, "kk")
    assert any("regions.yaml" in p and "en" in p for p in problems), problems
    (content / "regions.yaml").write_text((CONTENT / "regions.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    problems, _ = check_content(content, "kk")
    assert any("consent" in p and "en.yaml" in p for p in problems), problems


def test_a_knowledge_topic_no_menu_section_lists_is_refused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    data = yaml.safe_load((content / "knowledge" / "emblems.yaml").read_text(encoding="utf-8"))
    for entry in data["entries"]:
        entry["topic"] = "symbols"
    (content / "knowledge" / "symbols.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (content / "knowledge" / "emblems.yaml").unlink()
    checked = load_content(content, "kk", self_test=False)
    assert checked.content is None
    assert [p for p in checked.problems if "main-menu" in p] == [
        "knowledge/symbols.yaml: no main-menu section lists the topic 'symbols' (SECTION_TOPICS in bot/library.py)"
    ]


def test_every_entry_is_in_three_languages_with_six_phrasings_and_a_linked_source(kb):
    for entry in kb.entries.values():
        assert set(entry.texts) == {"kk", "ru", "en"}, entry.id
        for lang, text in entry.texts.items():
            assert len(text.questions) >= 6, (entry.id, lang)
            assert len(html_to_text(text.answer)) <= 700, (entry.id, lang)
        assert entry.sources and all(s.url.startswith("https://") for s in entry.sources), entry.id
        assert str(entry.reviewed) >= "2026-11-30", entry.id


def test_each_entry_states_the_same_numbers_and_dates_in_every_language(kb):
    differing = [
        entry.id for entry in kb.entries.values()
        if len({frozenset(numbers(html_to_text(t.answer))) for t in entry.texts.values()}) > 1
    ]
    assert differing == []


def test_the_get_help_section_has_the_practical_entries(kb):
    help_ids = {entry.id for entry in kb.by_topic("help")}
    assert {"emergency-numbers", "calling-112", "ask-society-for-help", "restoring-family-links", "donate-safely",
            "blood-donation", "first-aid-bleeding", "first-aid-cpr", "first-aid-recovery-position",
            "first-aid-choking", "first-aid-burns"} <= help_ids
    for entry_id in ("first-aid-bleeding", "first-aid-cpr", "first-aid-choking", "first-aid-burns"):
        for lang, text in kb.get(entry_id).texts.items():
            assert "112" in html_to_text(text.answer), (entry_id, lang)


@pytest.mark.parametrize("error, pattern", sorted(FORBIDDEN.items()))
def test_no_answer_repeats_an_error_from_the_fact_sheet(kb, error, pattern):
    regex = re.compile(pattern, re.IGNORECASE)
    offending = [
        f"{entry.id}/{lang}"
        for entry in kb.entries.values()
        for lang, text in entry.texts.items()
        if regex.search(html_to_text(text.answer)) or regex.search(text.title)
    ]
    assert offending == [], f"{error}: {offending}"


def test_the_key_corrections_are_stated(kb):
    convention = html_to_text(kb.get("geneva-convention-1864").texts["en"].answer)
    assert "22 August 1864" in convention and "12" in convention
    assert "191" in html_to_text(kb.get("movement-today").texts["en"].answer)
    assert "112" in html_to_text(kb.get("safety-note").texts["ru"].answer)
    protocol = html_to_text(kb.get("ihl-weapons").texts["en"].answer).lower()
    assert "bacteriological" in protocol  # the 1925 Protocol bans gases and bacteriological methods
    recognition = html_to_text(kb.get("national-societies").texts["ru"].answer)
    assert "Общество признаёт МККК" not in recognition


def test_kazakh_texts_use_kazakh_letters(kb):
    kazakh_letters = set("әғқңөұүһі")
    for entry in kb.entries.values():
        assert kazakh_letters & set(entry.texts["kk"].answer.lower()), entry.id
