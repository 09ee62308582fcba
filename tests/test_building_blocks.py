"""Pure pieces the handlers rely on: callback data, paging, texts and their fallbacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import callbacks
from bot.i18n import Texts
from bot.people import language_from_telegram
from bot.views.knowledge import pages as pages_of

UI = Path(__file__).resolve().parent.parent / "content" / "ui"


def test_callback_data_is_built_and_parsed_by_its_shape():
    assert callbacks.data(callbacks.ENTRY, "solferino") == "ent:solferino"
    parsed = callbacks.parse("fb:down:kk:ihl-what-is")
    assert (parsed.prefix, parsed["vote"], parsed["lang"], parsed["entry"]) == ("fb", "down", "kk", "ihl-what-is")
    assert callbacks.parse("vol:12:3:pick:almaty_city").parts == {"app": 12, "rev": 3, "action": "pick", "value": "almaty_city"}
    with pytest.raises(ValueError):
        callbacks.data(callbacks.ENTRY, "a" * 70)  # over Telegram's 64 bytes
    with pytest.raises(ValueError):
        callbacks.data(callbacks.FEEDBACK, "sideways", "kk", "x")  # fits no shape


@pytest.mark.parametrize("data", [
    "vol:skip", "vol:", "vol:1:x:pick", "vol:1:2:pick:a:b", "myapp:show:abc", "myapp:", "forget:yes:extra",
    "news:t:", "fb:up", "lang:xx", "ent:", "ent:UPPER", "vapp:accepted:one", "bc:1:explode", "menu:help:-1",
    "nosuchprefix:1", "", ":", "ent:" + "a" * 61, "teach:1", "quiz",
])
def test_malformed_callback_data_parses_to_nothing(data):
    assert callbacks.parse(data) is None


@pytest.mark.parametrize("count, pages", [(0, 1), (1, 1), (8, 1), (9, 2), (23, 3)])
def test_lists_are_paged_eight_to_a_page(count, pages):
    assert pages_of(count) == pages


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
