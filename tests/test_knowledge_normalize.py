"""Text normalisation: folding, tokens, keyboard-layout repair, transliteration, stems, language."""

from __future__ import annotations

import pytest

from bot.knowledge.normalize import (
    fold,
    normalize,
    repair_tokens,
    script_language,
    swap_layout,
    tokenize,
    transliterate,
    transliterations,
)
from bot.knowledge.stemming import kazakh_stem, stem, stop_words


def test_fold_maps_kazakh_letters_to_what_a_russian_keyboard_types():
    assert fold("Қызыл Жарты Ай ӘҒҚҢӨҰҮҺІ") == "кызыл жарты ай агкноуухи"
    assert fold("Ёлка") == "елка"


def test_tokenize_drops_punctuation_and_emoji():
    assert tokenize("Кто такой Дюнан?!! 🙂 (1828–1910)") == ["кто", "такой", "дюнан", "1828", "1910"]
    assert normalize("  Сольферино,   шайқасы!") == "сольферино шайкасы"


def test_a_letter_held_down_counts_once_and_numbers_are_kept():
    assert tokenize("heeelp помогитеее helllllp") == ["help", "помогите", "help"]
    assert tokenize("МККК ХҚКК") == ["мккк", "хккк"]
    assert tokenize("1000 жылы, 2011") == ["1000", "жылы", "2011"]


def test_swap_layout_reads_keys_on_the_other_layout():
    assert swap_layout("ghbdtn") == "привет"
    assert swap_layout("ltyfy") == "денан"
    assert swap_layout(";bdtn") == "живет"  # ; is the key of ж
    assert swap_layout("ыщдаукштщ") == "solferino"
    assert swap_layout("қызыл") is None  # Kazakh letters are not on the Russian layout


def test_repair_tokens_keeps_what_the_vocabulary_knows_better():
    vocabulary = {"привет", "кто", "такой", "дюнан", "red", "cross", "solferino", "где", "живет"}
    known = vocabulary.__contains__
    assert repair_tokens("ghbdtn", known) == ["привет"]
    assert repair_tokens("rnj nfrjq l.yfy", known) == ["кто", "такой", "дюнан"]
    assert repair_tokens("ult ;bdtn", known) == ["где", "живет"]
    assert repair_tokens("ыщдаукштщ", known) == ["solferino"]
    assert repair_tokens("red cross", known) == ["red", "cross"]  # real English stays
    assert repair_tokens("qwzx", known) == ["qwzx"]  # unknown either way: left as typed


def test_transliteration_of_latin_typed_kazakh_and_russian():
    assert transliterate("kyzyl") == "кызыл"
    assert transliterate("krasnyi") == "красный"
    assert transliterate("takoi") == "такой" and transliterate("istorii") == "истории"
    assert transliterate("zharty") == "жарты"
    assert transliterate("кызыл") is None
    assert transliterate("soghys") == "согыс"  # Kazakh ғ typed as gh


def test_other_readings_of_latin_words_are_offered_likeliest_first():
    assert transliterations("qoldaisyz") == ("колдаисыз", "колдайсыз")  # an inner i after a vowel may be й
    assert transliterations("poisk") == ("поиск", "пойск")  # ...or not: the vocabulary decides
    assert transliterations("emblema") == ("емблема", "эмблема")
    assert transliterations("manyzdy") == ("манызды",) and transliterations("mangyzdy") == ("мангызды", "манызды")  # ң as ng
    assert transliterations("кызыл") == ()


def test_repair_tokens_picks_the_reading_the_vocabulary_knows():
    known = {"кайда", "эмблема", "поиск"}.__contains__
    assert repair_tokens("qaida", known) == ["кайда"]
    assert repair_tokens("emblema", known) == ["эмблема"]
    assert repair_tokens("poisk", known) == ["поиск"]


def test_russian_and_english_stemming_joins_word_forms():
    assert stem("волонтерами", "ru") == stem("волонтер", "ru") == stem("волонтеры", "ru")
    assert stem("volunteers", "en") == stem("volunteering", "en")
    assert stem("1859", "ru") == "1859"


def test_kazakh_suffix_stripping_joins_word_forms_typed_with_or_without_special_letters():
    assert kazakh_stem(fold("еріктілерге")) == kazakh_stem(fold("ерікті")) == kazakh_stem("ериктилердин")
    assert kazakh_stem(fold("шайқасында")) == kazakh_stem("шайкасы")
    assert stem(fold("конвенциясы"), "kk") == stem(fold("конвенцияның"), "kk")
    assert len(kazakh_stem("ай")) == 2  # short words are left alone


def test_kazakh_stems_agree_across_case_possessive_and_plural_endings():
    # A root ending in м/н keeps it ("қоғам" is not "қоға"), and endings stacked after a
    # one-letter ending are stripped too ("қоғамдары").
    forms = ["қоғам", "қоғамы", "қоғамның", "қоғамдары", "қоғамдарының"]
    assert len({kazakh_stem(fold(form)) for form in forms}) == 1
    assert kazakh_stem(fold("бүгінгі")) == kazakh_stem(fold("бүгін"))
    assert kazakh_stem(fold("құрылуы")) == kazakh_stem(fold("құрылған"))
    # Stems are at least four letters: "жетінші" (seventh) is not "жеті" (seven).
    assert kazakh_stem(fold("жетінші")) != kazakh_stem(fold("жеті"))


def test_stop_words_are_folded():
    assert "туралы" in stop_words("kk") and "деген" in stop_words("kk")
    assert "такое" in stop_words("ru") and "the" in stop_words("en")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Қызыл крест дегеніміз не?", "kk"),
        ("кызыл крест деген не", "kk"),  # no special letters: marker words decide
        ("дюнан кашан туылды", "kk"),
        ("Что такое красный крест?", "ru"),
        ("кто такой дюнан", "ru"),
        ("what is the red cross", "en"),
        ("1864", None),
    ],
)
def test_the_letters_and_marker_words_tell_the_language(text, lang):
    assert script_language(tokenize(text), text) == lang
