"""Pure pieces the handlers rely on: callback data, paging, texts and their fallbacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import callbacks, keyboards
from bot.i18n import Texts, language_from_telegram

UI = Path(__file__).resolve().parent.parent / "content" / "ui"


def test_callback_data_over_telegrams_64_bytes_is_refused():
    assert callbacks.data(callbacks.ENTRY, "solferino") == "ent:solferino"
    assert callbacks.parts("fb:down:kk:ihl-what-is") == ["down", "kk", "ihl-what-is"]
    with pytest.raises(ValueError):
        callbacks.data(callbacks.ENTRY, "ә" * 40)


@pytest.mark.parametrize("count, pages", [(0, 1), (1, 1), (8, 1), (9, 2), (23, 3)])
def test_lists_are_paged_eight_to_a_page(count, pages):
    assert keyboards.pages(count) == pages


def test_texts_fall_back_to_the_default_language_then_to_the_key():
    texts = Texts({"kk": {"a": "қазақша {x}"}, "ru": {}, "en": {"b": "english"}}, default_language="kk")
    assert texts.get("ru", "a", x=1) == "қазақша 1"
    assert texts.get("en", "b") == "english"
    assert texts.get("en", "missing.key") == "missing.key"
    assert texts.missing() == ["en: a", "kk: b", "ru: a", "ru: b"]


def test_the_real_ui_texts_have_the_same_keys_in_every_language():
    assert Texts.load(UI, "kk").missing() == []


@pytest.mark.parametrize("code, expected", [("ru", "ru"), ("en-GB", "en"), ("kk", "kk"), ("uk", "kk"), (None, "kk")])
def test_telegram_language_codes_map_to_the_three_languages(code, expected):
    assert language_from_telegram(code, "kk") == expected
