"""Telegram HTML: what the server accepts, the visible text it counts, and the terminal rendering."""

from __future__ import annotations

import pytest

from bot.sandbox.terminal_html import html_to_terminal
from bot.telegram_html import escape, html_error, html_to_text, parse_html

PREFIX = "Bad Request: can't parse entities: "


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "<b>bold</b> <strong>strong</strong> <i>i</i> <em>em</em> <u>u</u> <ins>ins</ins>",
        "<s>s</s> <strike>strike</strike> <del>del</del> <tg-spoiler>x</tg-spoiler>",
        '<span class="tg-spoiler">hidden</span>',
        '<a href="https://redcrescent.kz/?a=1&amp;b=2">site</a>',
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        '<pre><code class="language-python">print("hi")</code></pre>',
        "<blockquote>quote</blockquote> <blockquote expandable>long quote</blockquote>",
        "<b>bold <i>and italic</i></b>",
        "&lt;b&gt; is escaped &amp; &quot;quoted&quot; &#65;&#x42;",
        "1 &gt; 0 and a bare > is fine",
        "<B>upper-case tags</b>",
    ],
)
def test_valid_html_has_no_error(text):
    assert html_error(text) is None


@pytest.mark.parametrize(
    "text, error",
    [
        ("Hello <div>x</div>", 'Unsupported start tag "div" at byte offset 6'),
        ("Привет <div>", 'Unsupported start tag "div" at byte offset 13'),  # bytes, not characters
        ("<b>never closed", "Can't find end tag corresponding to start tag \"b\""),
        ("closed </b> never opened", "Unexpected end tag at byte offset 7"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Eve & Co", 'Unescaped "&" at byte offset 4'),
        ("&nbsp;", 'Unescaped "&" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b x>y</b>", 'Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0'),
    ],
)
def test_invalid_html_gets_telegrams_description(text, error):
    assert html_error(text) == PREFIX + error


def test_escaped_user_text_is_always_valid():
    name = "<b>Eve & Co</b> <3"
    message = f"Hello, <b>{escape(name)}</b>!"
    assert escape(name) == "&lt;b&gt;Eve &amp; Co&lt;/b&gt; &lt;3"
    assert html_error(message) is None
    assert html_to_text(message) == "Hello, <b>Eve & Co</b> <3!"


def test_visible_text_drops_tags_and_unescapes_entities():
    assert html_to_text('<b>Bold</b> <a href="https://x.org">link</a> &lt;3 &amp; &#1178;') == "Bold link <3 & Қ"
    assert len(html_to_text("<b>" + "a" * 4096 + "</b>")) == 4096


def test_entities_have_utf16_offsets():
    text, entities = parse_html('😀 <b>bold</b> <a href="https://x.org">x</a>')
    assert text == "😀 bold x"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 1, "url": "https://x.org"},
    ]


def test_terminal_without_color_marks_styles_links_and_quotes():
    rendered = html_to_terminal(
        'Hi <b>bold</b>, <i>italic</i>, <a href="https://redcrescent.kz">site</a> &amp; more'
        "<blockquote>line one\nline two</blockquote>after",
        color=False,
    )
    assert rendered == "Hi *bold*, _italic_, site (https://redcrescent.kz) & more\n│ line one\n│ line two\nafter"


def test_terminal_with_color_uses_ansi_and_restores_outer_styles():
    rendered = html_to_terminal("<b>bold <i>both</i> still bold</b> plain", color=True)
    assert rendered == "\x1b[1mbold \x1b[3mboth\x1b[0m\x1b[1m still bold\x1b[0m plain"
    assert "*" not in rendered


def test_terminal_shows_a_link_whose_text_is_its_url_once():
    assert html_to_terminal('<a href="https://x.org">https://x.org</a>', color=False) == "https://x.org"


def test_terminal_falls_back_to_text_for_invalid_html():
    assert html_to_terminal("<div>x</div> &amp;", color=False) == "x &"
