"""Search and answers on the small fixture knowledge base, and on the real content when it exists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.answer import answer_question
from bot.knowledge.loader import load_knowledge
from bot.knowledge.search import SearchIndex

PROJECT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "knowledge"
REAL_CONTENT = PROJECT / "content"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """The fixture entries with the real intents.yaml: (index, kb)."""
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(FIXTURE / "knowledge", content / "knowledge")
    shutil.copy(REAL_CONTENT / "intents.yaml", content / "intents.yaml")
    kb = load_knowledge(content)
    return SearchIndex.build(kb), kb


def ask(engine, text, user_lang="ru"):
    index, kb = engine
    return answer_question(index, kb, text, user_lang)


def test_kazakh_without_special_letters_from_a_russian_user_gets_the_kazakh_answer(engine):
    _, kb = engine
    result = ask(engine, "солферино шайкасы кашан болды", user_lang="ru")
    assert (result.kind, result.entry_id, result.lang) == ("answer", "solferino", "kk")
    assert result.answered and result.answer == kb.entries["solferino"].texts["kk"].answer
    assert result.title == "Сольферино шайқасы (1859)"
    assert result.suggestions == [{"entry_id": "henry-dunant", "title": "Анри Дюнан"}]


def test_misspelled_english_question_finds_its_entry(engine):
    result = ask(engine, "wher was henri dunnant born", user_lang="kk")
    assert (result.kind, result.entry_id, result.lang) == ("answer", "henry-dunant", "en")


def test_russian_question_with_a_typo_and_word_forms(engine):
    result = ask(engine, "с какого возраста берут в валантеры", user_lang="en")
    assert (result.kind, result.entry_id, result.lang) == ("answer", "volunteer-who-can", "ru")


def test_wrong_keyboard_layout_is_repaired(engine):
    result = ask(engine, "rnj nfrjq l.yfy", user_lang="en")  # "кто такой дюнан" typed on the EN layout
    assert (result.kind, result.entry_id, result.lang) == ("answer", "henry-dunant", "ru")


def test_ambiguous_language_follows_the_user(engine):
    assert ask(engine, "Сольферино", user_lang="ru").lang == "ru"
    assert ask(engine, "Сольферино", user_lang="kk").lang == "kk"


@pytest.mark.parametrize("text", ["how do i bake a chocolate cake", "курс доллара на сегодня", "ауа райы қандай болады"])
def test_off_topic_question_is_unknown(engine, text):
    result = ask(engine, text)
    assert result.kind == "unknown"
    assert not result.answered and result.answer is None and result.entry_id is None


def test_a_knowledge_question_with_action_words_is_answered_not_acted_on(engine):
    result = ask(engine, "who can be a volunteer?", user_lang="en")
    assert (result.kind, result.entry_id, result.action) == ("answer", "volunteer-who-can", None)
    assert ask(engine, "кто может стать волонтером").entry_id == "volunteer-who-can"


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("хочу стать волонтером", "volunteer"),
        ("i want to volunteer", "volunteer"),
        ("волонтер болгым келеди", "volunteer"),
        ("Ерікті болғым келеді!", "volunteer"),
        ("запишите меня в добровольцы", "volunteer"),
        ("подписаться на новости", "subscribe"),
        ("subscribe me to the news please", "subscribe"),
        ("жаңалықтарға жазылғым келеді", "subscribe"),
        ("отписаться", "unsubscribe"),
        ("stop sending me news", "unsubscribe"),
        ("жаңалық жібермеңіз", "unsubscribe"),
        ("покажи новости", "news"),
        ("latest news", "news"),
        ("соңғы жаңалықтар", "news"),
    ],
)
def test_actions_are_recognised_in_all_three_languages(engine, text, action):
    result = ask(engine, text)
    assert (result.kind, result.action, result.answered) == ("action", action, False)


@pytest.mark.parametrize(
    ("text", "kind", "lang"),
    [
        ("привет", "greeting", "ru"),
        ("ghbdtn", "greeting", "ru"),
        ("salem", "greeting", "kk"),
        ("сәлем", "greeting", "kk"),
        ("Hi!", "greeting", "en"),
        ("спасибо", "thanks", "ru"),
        ("рахмет", "thanks", "kk"),
        ("thanks a lot", "thanks", "en"),
    ],
)
def test_greetings_and_thanks_need_no_search(engine, text, kind, lang):
    result = ask(engine, text, user_lang="en" if lang != "en" else "ru")
    assert (result.kind, result.lang, result.entry_id) == (kind, lang, None)


def test_a_greeting_with_a_question_answers_the_question(engine):
    assert ask(engine, "привет! кто такой дюнан?").entry_id == "henry-dunant"


def test_search_returns_hits_best_first_within_the_limit(engine):
    index, _ = engine
    hits = index.search("red crystal emblem", "en", limit=2)
    assert len(hits) <= 2 and hits[0].entry_id == "red-crystal" and hits[0].lang == "en"
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert index.search("", "en") == [] and index.search("?!", "ru") == []


def test_answer_serialises_to_the_command_line_fields(engine):
    data = ask(engine, "red crystal").to_dict()
    assert set(data) == {
        "query", "lang", "answered", "entry_id", "title", "answer", "score", "suggestions", "action", "kind"
    }


# ---- the real content ---------------------------------------------------------------------

needs_real_content = pytest.mark.skipif(
    not any((REAL_CONTENT / "knowledge").glob("*.yaml")), reason="content/knowledge/ has no files yet"
)


@pytest.fixture(scope="module")
def real_engine():
    from bot.knowledge.loader import read_content

    kb, _ = read_content(REAL_CONTENT)
    if kb is None:
        pytest.skip("the real content cannot be loaded yet")
    return SearchIndex.build(kb), kb


def _require(engine, *entry_ids):
    missing = [e for e in entry_ids if e not in engine[1].entries]
    if missing:
        pytest.skip(f"entries not written yet: {', '.join(missing)}")


@needs_real_content
def test_real_kazakh_question_without_special_letters_gets_the_kazakh_answer(real_engine):
    _require(real_engine, "red-crystal")
    result = ask(real_engine, "кызыл кристалл деген не", user_lang="ru")
    assert (result.kind, result.entry_id, result.lang) == ("answer", "red-crystal", "kk")
    assert result.answer == real_engine[1].entries["red-crystal"].texts["kk"].answer


@needs_real_content
def test_real_misspelled_english_question(real_engine):
    _require(real_engine, "red-crystal")
    result = ask(real_engine, "wat is the red cristal", user_lang="ru")
    assert (result.kind, result.entry_id, result.lang) == ("answer", "red-crystal", "en")


@needs_real_content
def test_real_who_can_volunteer_is_a_question(real_engine):
    _require(real_engine, "volunteer-who-can")
    result = ask(real_engine, "who can be a volunteer?", user_lang="en")
    assert (result.kind, result.entry_id) == ("answer", "volunteer-who-can")


@needs_real_content
@pytest.mark.parametrize("text", ["how to cook plov", "какой курс доллара", "бүгін ауа райы қандай", "who won the football"])
def test_real_off_topic_is_not_answered(real_engine, text):
    result = ask(real_engine, text)
    assert result.kind in ("unknown", "did_you_mean") and not result.answered and result.answer is None


@needs_real_content
@pytest.mark.parametrize(
    "text",
    ["is the crescent moon visible tonight", "бүгін ай толық па", "жарты ай татуировкасы", "полумесяц татуировка значение",
     "крестные родители обязанности", "volunteer at the zoo in berlin", "my cross necklace broke how to fix",
     "ай толған кезде не болады", "женевада оқу гранттары"],
)
def test_real_off_topic_sharing_a_domain_word_is_not_answered(real_engine, text):
    # "crescent", "крест", "ай", "Geneva" alone, or with a word of time ("tonight", "бүгін"), are not a topic.
    result = ask(real_engine, text)
    assert not result.answered, (result.entry_id, result.score)


@needs_real_content
@pytest.mark.parametrize(("text", "lang"), [("icrc", "en"), ("МККК", "ru"), ("ХҚКК", "kk"), ("хккк", "ru")])
def test_real_bare_icrc_acronym_gets_the_icrc_entry(real_engine, text, lang):
    _require(real_engine, "icrc")
    result = ask(real_engine, text, user_lang=lang)
    assert (result.kind, result.entry_id) == ("answer", "icrc")


@needs_real_content
def test_real_the_same_word_form_wins_a_tie_between_entries(real_engine):
    # "эмблемы" (plural) prefers the entry about the emblems over the one about Kazakhstan's emblem.
    _require(real_engine, "emblems-overview")
    hits = real_engine[0].search("эмблемы какие", "ru")
    assert hits[0].entry_id == "emblems-overview"


@needs_real_content
@pytest.mark.parametrize(
    ("text", "action"),
    [("хочу стать волонтером", "volunteer"), ("i want to volunteer", "volunteer"), ("волонтер болгым келеди", "volunteer"),
     ("подписаться на новости", "subscribe"), ("отписаться", "unsubscribe"), ("покажи новости", "news")],
)
def test_real_actions(real_engine, text, action):
    result = ask(real_engine, text)
    assert (result.kind, result.action) == ("action", action)
