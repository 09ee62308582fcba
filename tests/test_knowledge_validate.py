"""Content validation: each kind of problem is reported on a small broken copy of the fixture."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge.loader import load_knowledge, read_content
from bot.knowledge.model import ContentError
from bot.knowledge.validate import find_problems, summary

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "knowledge"
INTENTS = Path(__file__).resolve().parent.parent / "content" / "intents.yaml"


def fixture_entries(topic: str) -> list[dict]:
    """The fixture's entries of one topic, as plain data to break."""
    return yaml.safe_load((FIXTURE / "knowledge" / f"{topic}.yaml").read_text(encoding="utf-8"))["entries"]


def make_content(tmp_path: Path, **topics: list[dict]) -> Path:
    """A content folder: the fixture, with the given topics' entries replaced."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "knowledge", content / "knowledge")
    for name in ("intents.yaml", "synonyms.yaml", "languages.yaml"):
        shutil.copy(INTENTS.parent / name, content / name)
    emergency = yaml.safe_load((INTENTS.parent / "emergency.yaml").read_text(encoding="utf-8"))
    emergency["entries"] = ["solferino"]  # the fixture's entries, not the real ones
    (content / "emergency.yaml").write_text(yaml.safe_dump(emergency, allow_unicode=True), encoding="utf-8")
    for topic, entries in topics.items():
        text = yaml.safe_dump({"entries": entries}, allow_unicode=True, sort_keys=False)
        (content / "knowledge" / f"{topic}.yaml").write_text(text, encoding="utf-8")
    return content


def problems_of(tmp_path: Path, **topics: list[dict]) -> list[str]:
    return find_problems(make_content(tmp_path, **topics))[1]


def one_problem(problems: list[str], *fragments: str) -> str:
    matching = [p for p in problems if all(f in p for f in fragments)]
    assert matching, f"no problem with {fragments} in:\n" + "\n".join(problems)
    return matching[0]


def test_the_fixture_is_valid_and_passes_the_self_test(tmp_path):
    kb, problems = find_problems(make_content(tmp_path))
    assert problems == []
    assert set(kb.entries) == {"solferino", "henry-dunant", "red-crystal", "volunteer-who-can", "volunteer-how-apply", "volunteer-unpaid"}
    assert kb.topics == ["emblems", "history", "volunteering"]
    assert [e.id for e in kb.by_topic("history")] == ["solferino", "henry-dunant"]
    assert kb.get("solferino").texts["ru"].title == "Битва при Сольферино (1859)"
    assert kb.get("nope") is None


def test_summary_counts_entries_per_topic_and_language(tmp_path):
    kb = load_knowledge(make_content(tmp_path))
    text = summary(kb)
    assert "history: 2 entries; kk 2 (14 questions), ru 2 (14 questions), en 2 (14 questions)" in text
    assert text.splitlines()[-1] == "total: 6 entries in 3 topics; questions kk 42, ru 42, en 42"


def test_yaml_syntax_error_names_the_file_and_line(tmp_path):
    content = make_content(tmp_path)
    (content / "knowledge" / "emblems.yaml").write_text("entries:\n  - id: x\n    topic: [unclosed\n", encoding="utf-8")
    kb, problems = find_problems(content)
    assert "YAML syntax error" in one_problem(problems, "knowledge/emblems.yaml:")
    assert kb is not None  # the other files still load


def test_an_unquoted_no_in_a_word_list_is_refused_not_read_as_false(tmp_path):
    content = make_content(tmp_path)
    languages = content / "languages.yaml"
    languages.write_text(languages.read_text(encoding="utf-8") + "\nrefusals_after: [емес, no]\n", encoding="utf-8")
    _, problems = find_problems(content)
    one_problem(problems, "languages.yaml", "refusals_after must be a list")


def test_schema_problems(tmp_path):
    entries = fixture_entries("history")
    broken = copy.deepcopy(entries)
    del broken[0]["sources"]
    broken[0]["colour"] = "red"
    broken[1]["id"] = "Henry_Dunant"
    problems = problems_of(tmp_path, history=broken)
    one_problem(problems, "knowledge/history.yaml:2: solferino", "missing 'sources'")
    one_problem(problems, "solferino", "unknown key(s) colour")
    one_problem(problems, "Henry_Dunant", "bad id")


def test_wrong_types_topic_and_date(tmp_path):
    broken = copy.deepcopy(fixture_entries("history"))
    broken[0]["topic"] = "emblems"
    broken[0]["reviewed"] = "23.11.2026"
    broken[1]["related"] = "solferino"
    broken[1]["ru"]["questions"] = "одна строка"
    problems = problems_of(tmp_path, history=broken)
    one_problem(problems, "solferino", "does not match the file name")
    one_problem(problems, "solferino", "reviewed must be a date")
    one_problem(problems, "henry-dunant", "related must be a list")
    one_problem(problems, "henry-dunant: ru", "questions must be a list")


def test_missing_language_few_questions_and_long_title(tmp_path):
    broken = copy.deepcopy(fixture_entries("history"))
    del broken[0]["kk"]
    broken[1]["en"]["questions"] = broken[1]["en"]["questions"][:5]
    broken[1]["ru"]["title"] = "Очень длинное название, которое не поместится на кнопку в Телеграме"
    problems = problems_of(tmp_path, history=broken)
    one_problem(problems, "solferino", "missing language 'kk'")
    one_problem(problems, "henry-dunant: en", "only 6 questions (at least 7)".replace("6", "5").replace("7", "6"))
    one_problem(problems, "henry-dunant: ru", "title is", "at most 60")


def test_unknown_related_and_duplicate_ids_and_questions(tmp_path):
    history = copy.deepcopy(fixture_entries("history"))
    history[0]["related"] = ["henry-dunant", "no-such-entry"]
    emblems = copy.deepcopy(fixture_entries("emblems"))
    twin = copy.deepcopy(emblems[0])
    emblems.append(twin)  # same id twice
    emblems[0]["en"]["questions"][1] = "Battle of Solferino?"  # the same question as solferino's, normalised
    problems = problems_of(tmp_path, history=history, emblems=emblems)
    one_problem(problems, "solferino", "related id 'no-such-entry' does not exist")
    one_problem(problems, "red-crystal", "duplicate id")
    one_problem(problems, "question 'battle of solferino' duplicates one of red-crystal")


def test_answers_too_long(tmp_path):
    broken = copy.deepcopy(fixture_entries("emblems"))
    broken[0]["ru"]["answer"] = "<b>Кристалл</b> " + "слово " * 200
    broken[0]["en"]["answer"] = '<a href="https://redcrescent.kz/' + "x" * 4100 + '">link</a>'
    problems = problems_of(tmp_path, emblems=broken)
    one_problem(problems, "red-crystal: ru", "visible characters (at most 700)")
    one_problem(problems, "red-crystal: en", "Telegram's limit is 4096")


def test_html_telegram_would_refuse(tmp_path):
    broken = copy.deepcopy(fixture_entries("emblems"))
    broken[0]["kk"]["answer"] = "<b>Қызыл кристалл</i> <h1>тақырып</h1> & т.б."
    problems = problems_of(tmp_path, emblems=broken)
    one_problem(problems, "red-crystal: kk", "HTML would be refused")


def test_sources_need_a_title_and_a_web_address(tmp_path):
    broken = copy.deepcopy(fixture_entries("history"))
    broken[0]["sources"] = [{"title": "ICRC", "url": "icrc.org/en"}]
    broken[1]["sources"] = ["A2: brknl.de"]
    problems = problems_of(tmp_path, history=broken)
    one_problem(problems, "solferino: source 1", "url must be a web address")
    one_problem(problems, "henry-dunant: source 1", "exactly 'title' and 'url'")


def test_answers_that_read_oddly(tmp_path):
    broken = copy.deepcopy(fixture_entries("history"))
    broken[0]["en"]["answer"] = "Yes. The battle was fought in 1859 at Solferino."
    broken[1]["ru"]["answer"] = broken[1]["ru"]["title"] + "\nРодился в Женеве."
    broken[1]["kk"]["answer"] = "Дюнан Женевада туды, и ол кәсіпкер болды. Kызыл Крест."
    problems = problems_of(tmp_path, history=broken)
    one_problem(problems, "solferino: en", "opens with yes/no")
    one_problem(problems, "henry-dunant: ru", "repeats its title")
    one_problem(problems, "henry-dunant: kk", "Russian word 'и'")
    one_problem(problems, "henry-dunant: kk", "'Kызыл' mixes Latin and Cyrillic")


def test_numbers_must_match_across_languages(tmp_path):
    broken = copy.deepcopy(fixture_entries("history"))
    broken[0]["ru"]["answer"] = broken[0]["ru"]["answer"].replace("1859", "1895")
    problems = problems_of(tmp_path, history=broken)
    assert "ru lacks 1859" in one_problem(problems, "solferino", "different numbers across languages")


def test_self_test_reports_a_question_that_brings_back_another_entry(tmp_path):
    broken = copy.deepcopy(fixture_entries("emblems"))
    broken[0]["en"]["questions"][3] = "henry dunant who was he"
    broken[0]["ru"]["questions"][2] = "хочу стать волонтером"  # an action phrase, never a question
    problems = problems_of(tmp_path, emblems=broken)
    # Said exactly, a listed question finds its own entry; asked as new, its words are Dunant's.
    line = one_problem(problems, "red-crystal: en", "'henry dunant who was he'")
    assert "reads as a question of henry-dunant" in line
    assert "the action volunteer" in one_problem(problems, "red-crystal: ru", "хочу стать волонтером")


def test_intents_problems(tmp_path):
    content = make_content(tmp_path)
    intents = yaml.safe_load(INTENTS.read_text(encoding="utf-8"))
    intents["actions"]["news"]["when"] = [["show", "no_such_group"]]
    intents["actions"]["dance"] = {"when": [["show"]]}
    del intents["thanks"]
    (content / "intents.yaml").write_text(yaml.safe_dump(intents, allow_unicode=True), encoding="utf-8")
    kb, problems = find_problems(content)
    assert kb is None
    one_problem(problems, "intents.yaml", "unknown word group 'no_such_group'")
    one_problem(problems, "intents.yaml", "unknown action 'dance'")
    one_problem(problems, "intents.yaml", "thanks: missing")


@pytest.mark.parametrize(
    ("file_name", "text", "named"),
    [("emergency_examples.yaml", "distress:\n  ru: [\"мама не дышит\"]\ncalm:\n  de: [\"hallo\"]\n", "calm"),
     ("out_of_scope_examples.yaml", "examples:\n  ru: [\"погода завтра\"]\n  de: [\"wetter\"]\n", "examples")],
)
def test_example_files_must_be_lists_of_messages_per_language(tmp_path, file_name, text, named):
    content = make_content(tmp_path)
    (content / file_name).write_text(text, encoding="utf-8")
    kb, problems = find_problems(content)
    assert kb is None
    one_problem(problems, file_name, named)


def test_load_knowledge_raises_content_error_listing_the_problems(tmp_path):
    broken = copy.deepcopy(fixture_entries("history"))
    broken[0]["related"] = ["nowhere"]
    with pytest.raises(ContentError) as raised:
        load_knowledge(make_content(tmp_path, history=broken))
    assert any("nowhere" in p for p in raised.value.problems)
    kb, problems = read_content(tmp_path / "content")
    assert kb is not None and len(problems) == 1  # read_content still gives what can be used


def test_out_of_scope_examples_are_read_per_language(tmp_path):
    content = make_content(tmp_path)
    (content / "out_of_scope_examples.yaml").write_text("examples:\n  ru: [\"погода завтра\"]\n  en: [\"weather tomorrow\"]\n", encoding="utf-8")
    kb, problems = find_problems(content)
    assert problems == [] and kb.lexicon.outside_examples == {"ru": ["погода завтра"], "en": ["weather tomorrow"]}
