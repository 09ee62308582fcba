"""The quiz questions: each kind of problem is reported on a small fixture; the real quiz is valid."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.knowledge.loader import read_content
from bot.quiz.content import MAX_OPTION, load_quiz, quiz_self_test, topic_name_problems
from tests.test_content import FORBIDDEN

CONTENT = Path(__file__).resolve().parent.parent / "content"
TOPICS = ("emblems", "history", "ihl", "principles", "society")

CONVENTION = {
    "id": "geneva-convention-1864-date",
    "entry": "geneva-convention-1864",
    "difficulty": "easy",
    "correct": 0,
    "en": {
        "question": "When was the first Geneva Convention signed?",
        "options": ["22 August 1864", "22 September 1864", "12 August 1949"],
        "explanation": "It was signed on 22 August 1864 by 12 states.",
    },
    "ru": {
        "question": "Когда подписана первая Женевская конвенция?",
        "options": ["22 августа 1864 года", "22 сентября 1864 года", "12 августа 1949 года"],
        "explanation": "Её подписали 22 августа 1864 года 12 государств.",
    },
    "kk": {
        "question": "Алғашқы Женева конвенциясына қашан қол қойылды?",
        "options": ["1864 жылғы 22 тамызда", "1864 жылғы 22 қыркүйекте", "1949 жылғы 12 тамызда"],
        "explanation": "Оған 1864 жылғы 22 тамызда 12 мемлекет қол қойды.",
    },
}
SOLFERINO = {
    "id": "solferino-year",
    "entry": "solferino",
    "difficulty": "medium",
    "correct": 1,
    "en": {
        "question": "In which year was the Battle of Solferino?",
        "options": ["1853", "1859", "1863", "1870"],
        "explanation": "The battle was fought on 24 June 1859.",
    },
    "ru": {
        "question": "В каком году была битва при Сольферино?",
        "options": ["1853", "1859", "1863", "1870"],
        "explanation": "Битва произошла 24 июня 1859 года.",
    },
    "kk": {
        "question": "Сольферино шайқасы қай жылы болды?",
        "options": ["1853", "1859", "1863", "1870"],
        "explanation": "Шайқас 1859 жылғы 24 маусымда өтті.",
    },
}
ENTRY_ANSWERS = {
    "geneva-convention-1864": {
        "en": "The first Geneva Convention was adopted on <b>22 August 1864</b>; 12 states signed it.",
        "ru": "Первая Женевская конвенция принята <b>22 августа 1864 года</b>, её подписали 12 государств.",
        "kk": "Алғашқы Женева конвенциясы <b>1864 жылғы 22 тамызда</b> қабылданды, оған 12 мемлекет қол қойды.",
    },
    "solferino": {lang: "<b>24 June 1859</b> — 1859" for lang in ("en", "ru", "kk")},
}


def write_quiz(tmp_path: Path, **topics: list) -> Path:
    """A content folder with one quiz file per topic."""
    quiz = tmp_path / "content" / "quiz"
    quiz.mkdir(parents=True)
    for topic, questions in topics.items():
        text = yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False)
        (quiz / f"{topic}.yaml").write_text(f"# {topic} questions\n{text}", encoding="utf-8")
    return tmp_path / "content"


def broken(change, question: dict = CONVENTION) -> dict:
    """A copy of a valid question with one change applied."""
    question = copy.deepcopy(question)
    change(question)
    return question


def set_options(index: int, **per_lang: str):
    """A change that puts the given text, per language, in option `index`."""
    return lambda question: [question[lang]["options"].__setitem__(index, text) for lang, text in per_lang.items()]


def problems_of(tmp_path: Path, *questions: dict, entry_ids: set[str] | None = None) -> list[str]:
    return load_quiz(write_quiz(tmp_path, history=list(questions)), entry_ids)[1]


def one_problem(problems: list[str], *fragments: str) -> str:
    matching = [p for p in problems if all(f in p for f in fragments)]
    assert matching, f"no problem with {fragments} in:\n" + "\n".join(problems)
    return matching[0]


def test_a_valid_quiz_loads_into_a_bank(tmp_path):
    content = write_quiz(tmp_path, history=[CONVENTION], emblems=[SOLFERINO])
    bank, problems = load_quiz(content, {"geneva-convention-1864", "solferino"})
    assert problems == []
    assert bank.topics == ("emblems", "history")
    assert [q.id for q in bank.by_topic("history")] == ["geneva-convention-1864-date"]
    question = bank.questions["solferino-year"]
    assert (question.entry, question.difficulty, question.correct) == ("solferino", "medium", 1)
    assert question.text("ru").options == ("1853", "1859", "1863", "1870")
    assert question.text("kk").explanation == "Шайқас 1859 жылғы 24 маусымда өтті."
    assert question.source == "quiz/emblems.yaml:3"


def test_an_over_long_option_is_refused_naming_the_file_line_question_language_and_option(tmp_path):
    too_long = "x" * (MAX_OPTION + 1)
    question = broken(set_options(1, ru=too_long))
    bank, problems = load_quiz(write_quiz(tmp_path, history=[SOLFERINO, question]))
    assert problems == [
        f"quiz/history.yaml:31: geneva-convention-1864-date (ru): option 2 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' "
        f"is {MAX_OPTION + 1} characters, at most {MAX_OPTION}"
    ]
    assert list(bank.questions) == ["solferino-year"]


@pytest.mark.parametrize(
    "value, expected",
    [
        (3, "correct is 3, but the options are numbered from 0 to 2"),
        (-1, "correct is -1"),
        ("0", "correct must be a whole number"),
        (True, "correct must be a whole number"),
        (None, "correct must be a whole number"),
    ],
)
def test_correct_must_be_the_index_of_an_option(tmp_path, value, expected):
    problems = problems_of(tmp_path, broken(lambda q: q.update(correct=value)))
    one_problem(problems, "geneva-convention-1864-date:", expected)


def test_one_question_has_one_right_option(tmp_path):
    two_right = broken(lambda q: q.update(correct=[0, 1]))
    one_problem(problems_of(tmp_path, two_right), "geneva-convention-1864-date:", "correct must be a whole number")
    # The right answer again under another spelling would make two options right in that language.
    twice = broken(set_options(2, kk="1864 ЖЫЛҒЫ 22  тамызда"))
    one_problem(problems_of(tmp_path / "twice", twice), "(kk): options 1 and 3 are the same")


def test_check_content_refuses_an_over_long_option_and_two_right_options(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    long_option = broken(set_options(1, en="x" * (MAX_OPTION + 1)))
    two_right = broken(lambda q: q.update(id="two-right", correct=[0, 2]), SOLFERINO)
    (content / "quiz" / "ihl.yaml").write_text(
        yaml.safe_dump({"questions": [long_option, two_right]}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-content"], cwd=CONTENT.parent, capture_output=True, text=True,
        timeout=300, env={**os.environ, "CONTENT_DIR": str(content)},
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    too_long = f"geneva-convention-1864-date (en): option 2 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' is {MAX_OPTION + 1} characters"
    assert [line for line in lines if line.startswith("quiz/ihl.yaml:")] == [
        f"quiz/ihl.yaml:2: {too_long}, at most {MAX_OPTION}",
        "quiz/ihl.yaml:27: two-right: correct must be a whole number (the right option's index from 0), got [0, 2]",
    ]


def test_every_language_needs_the_same_options_in_the_same_order(tmp_path):
    extra = broken(lambda q: q["kk"]["options"].append("1863 жылғы 29 қазанда"))
    one_problem(problems_of(tmp_path, extra), "options count differs across languages", "4 in kk", "3 in ru")
    swapped = broken(lambda q: q["ru"]["options"].reverse())
    message = one_problem(problems_of(tmp_path / "swapped", swapped), "option 1 has different numbers")
    assert "en: 1864 22" in message and "ru: 12 1949" in message


def test_the_same_question_text_twice_is_refused_ignoring_case_and_spaces(tmp_path):
    again = broken(lambda q: q["en"].update(question="  when was the FIRST Geneva  Convention signed? "), SOLFERINO)
    bank, problems = load_quiz(write_quiz(tmp_path, emblems=[CONVENTION], history=[again]))
    assert problems == [
        "quiz/history.yaml:3: solferino-year (en): the same question text as geneva-convention-1864-date"
    ]
    assert list(bank.questions) == ["geneva-convention-1864-date"]


def test_an_explanation_may_have_two_line_breaks_but_not_three(tmp_path):
    two = broken(lambda q: q["en"].update(explanation="22 August 1864.\n12 states signed.\nNot 16."))
    assert problems_of(tmp_path, two) == []
    three = broken(lambda q: q["en"].update(explanation="22 August 1864.\n12 states signed.\nNot 16.\nNot 1865."))
    one_problem(problems_of(tmp_path / "three", three), "(en): explanation has 3 line breaks, at most 2")


def test_an_unknown_entry_is_reported_only_when_the_entry_ids_are_given(tmp_path):
    assert problems_of(tmp_path, CONVENTION) == []
    problems = problems_of(tmp_path / "ids", CONVENTION, entry_ids={"solferino"})
    assert problems == ["quiz/history.yaml:3: geneva-convention-1864-date: unknown entry 'geneva-convention-1864'"]


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda q: q.update(colour="red"), "unknown key(s) colour"),
        (lambda q: q.pop("kk"), "missing language 'kk'"),
        (lambda q: q["ru"].pop("explanation"), "(ru): missing 'explanation'"),
        (lambda q: q["en"].update(hint="1864"), "(en): unknown key(s) hint"),
        (lambda q: q["en"].update(question="Why? " * 61), "(en): question 'Why? Why? Why? Why? Why? Why? …' is 304"),
        (lambda q: q["en"].update(question="  "), "(en): question must be a non-empty text"),
        (lambda q: q["en"].update(options=["1864", "1865"]), "(en): options must be a list of 3-4 texts, got 2"),
        (lambda q: q["en"].update(options=list("12345")), "(en): options must be a list of 3-4 texts, got 5"),
        (set_options(2, en=""), "(en): option 3 must be a non-empty text"),
        (set_options(2, ru="22 Августа  1864 года"), "(ru): options 1 and 3 are the same"),
        (lambda q: q["kk"].update(explanation="ә" * 201), "(kk): explanation 'әәә"),
        (lambda q: q["en"].update(explanation="<b>1864</b>"), "(en): explanation must be plain text"),
        (lambda q: q.update(difficulty="expert"), "unknown difficulty 'expert'"),
        (lambda q: q.update(id="Geneva_1864"), "bad id 'Geneva_1864'"),
    ],
)
def test_each_kind_of_problem_is_reported(tmp_path, change, expected):
    one_problem(problems_of(tmp_path, broken(change)), "quiz/history.yaml:3: ", expected)


def test_duplicate_ids_empty_files_and_yaml_errors_are_reported(tmp_path):
    content = write_quiz(tmp_path, emblems=[CONVENTION], history=[broken(lambda q: q.update(entry="solferino"))])
    (content / "quiz" / "ihl.yaml").write_text("# nothing yet\nquestions: []\n", encoding="utf-8")
    (content / "quiz" / "society.yaml").write_text("questions:\n  - id: x\n    en: [unclosed\n", encoding="utf-8")
    bank, problems = load_quiz(content)
    duplicate = "quiz/history.yaml:3: geneva-convention-1864-date: duplicate id (also at quiz/emblems.yaml:3)"
    one_problem(problems, duplicate)
    one_problem(problems, "quiz/ihl.yaml: no questions")
    one_problem(problems, "quiz/society.yaml:", "YAML syntax error")
    assert list(bank.questions) == ["geneva-convention-1864-date"]


def test_a_topic_file_name_no_button_can_carry_is_reported(tmp_path):
    bank, _ = load_quiz(write_quiz(tmp_path, **{"first-aid": [CONVENTION], "emblems": [SOLFERINO]}))
    names = {f"quiz.topics.{t}": t for t in ("first-aid", "emblems", "mixed")}
    assert topic_name_problems(bank, {"en": names}) == [
        "quiz/first-aid.yaml: the topic name must be 1-20 letters a-z and _ (it goes into buttons and links)"
    ]


def test_the_self_test_catches_a_number_the_entry_does_not_say(tmp_path):
    bank, _ = load_quiz(write_quiz(tmp_path, history=[CONVENTION, SOLFERINO]))
    assert quiz_self_test(bank, ENTRY_ANSWERS) == []
    wrong_year = broken(set_options(0, en="22 August 1865", ru="22 августа 1865 года", kk="1865 жылғы 22 тамызда"))
    bank, _ = load_quiz(write_quiz(tmp_path / "wrong", history=[wrong_year]))
    problems = quiz_self_test(bank, ENTRY_ANSWERS)
    assert len(problems) == 3
    assert (
        "quiz/history.yaml:3: geneva-convention-1864-date (en): the right option says 1865, "
        "which entry geneva-convention-1864 does not say"
    ) in problems


def test_the_self_test_reads_one_number_however_its_thousands_are_written(tmp_path):
    volunteers = broken(set_options(0, en="1,797 volunteers", ru="1 797 добровольцев", kk="1797 ерікті"))
    bank, problems = load_quiz(write_quiz(tmp_path, society=[volunteers]))
    assert problems == []
    said = {"en": "<b>1797</b> volunteers", "ru": "1\u00a0797 добровольцев", "kk": "1,797 ерікті"}
    assert quiz_self_test(bank, {"geneva-convention-1864": said}) == []
    rounded = {lang: "about 1 800, of whom 797 new" for lang in ("en", "ru", "kk")}
    assert len(quiz_self_test(bank, {"geneva-convention-1864": rounded})) == 3


# The real quiz


@pytest.fixture(scope="module")
def real_quiz():
    return load_quiz(CONTENT)


def test_the_real_quiz_has_no_problem_but_entries_still_to_be_written(real_quiz):
    assert real_quiz[1] == []
    kb, _ = read_content(CONTENT)
    _, problems = load_quiz(CONTENT, set(kb.entries) if kb is not None else set())
    assert [p for p in problems if ": unknown entry " not in p] == []


def test_the_real_quiz_has_enough_questions_in_every_topic_and_language(real_quiz):
    bank, _ = real_quiz
    assert bank.topics == TOPICS
    assert len(bank.questions) >= 64
    for topic in TOPICS:
        assert len(bank.by_topic(topic)) >= 12, topic
    for question in bank.questions.values():
        assert set(question.texts) == {"kk", "ru", "en"}, question.id
    difficulties = Counter(question.difficulty for question in bank.questions.values())
    assert difficulties["easy"] >= 0.3 * len(bank.questions) and difficulties["hard"] >= 0.1 * len(bank.questions)


@pytest.mark.parametrize("error, pattern", sorted(FORBIDDEN.items()))
def test_the_real_quiz_states_no_seed_error_except_as_a_wrong_option(real_quiz, error, pattern):
    bank, _ = real_quiz
    regex = re.compile(pattern, re.IGNORECASE)
    offending = [
        f"{question.id} ({lang})"
        for question in bank.questions.values()
        for lang, text in question.texts.items()
        if any(regex.search(t) for t in (text.question, text.options[question.correct], text.explanation))
    ]
    assert offending == [], f"{error}: {offending}"


def test_kazakh_quiz_texts_use_kazakh_letters(real_quiz):
    bank, _ = real_quiz
    kazakh_letters = set("әғқңөұүһі")
    for question in bank.questions.values():
        assert kazakh_letters & set(question.texts["kk"].question.lower()), question.id
