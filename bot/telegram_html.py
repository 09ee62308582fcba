"""Telegram's HTML parse mode: validation as the server does it, and the visible text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

ERROR_PREFIX = "Bad Request: can't parse entities: "
# Telegram's limits on visible characters: a message's text, and a photo's caption.
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

# Tag name -> MessageEntity type (a, code, pre and blockquote are refined when the tag closes).
ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
# tdlib's is_space: the C string's terminating NUL counts as a space.
_SPACES = " \t\r\n\v\0"
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MAX_CODE_POINT = 0x10FFFF



class HtmlError(ValueError):
    """Text that Telegram would refuse with parse_mode="HTML"; str() is Telegram's description."""


@dataclass(frozen=True)
class OpenTag:
    tag: str
    argument: str


@dataclass(frozen=True)
class CloseTag:
    tag: str


Token = str | OpenTag | CloseTag


def escape(text: str) -> str:
    """Escape user text for an HTML message (& < > only)."""
    return html.escape(text, quote=False)


def html_error(text: str) -> str | None:
    """None when `text` is valid Telegram HTML, else the description Telegram's 400 error would carry."""
    try:
        parse_html(text)
    except HtmlError as error:
        return str(error)
    return None


def parse_html(text: str) -> tuple[str, list[dict]]:
    """The visible text and its MessageEntity dicts (UTF-16 offsets); raises HtmlError if invalid."""
    visible: list[str] = []
    entities: list[dict] = []
    opened: list[tuple[OpenTag, int]] = []
    pre_languages: dict[int, str] = {}
    utf16 = 0
    for token in tokens(text):
        if isinstance(token, str):
            visible.append(token)
            utf16 += _utf16_len(token)
            continue
        if isinstance(token, OpenTag):
            opened.append((token, utf16))
            continue
        tag, start = opened.pop()
        if tag.tag == "code" and tag.argument and opened and opened[-1][0].tag == "pre":
            # <pre><code class="language-x"> is one pre entity with a language, as in tdlib.
            pre_languages[opened[-1][1]] = tag.argument
            continue
        if utf16 > start:
            entity = _entity(tag, start, utf16 - start, "".join(visible))
            if tag.tag == "pre" and start in pre_languages:
                entity["language"] = pre_languages.pop(start)
            entities.append(entity)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(visible), entities


def html_to_text(text: str) -> str:
    """The visible text (tags removed, entities unescaped): what Telegram counts for length limits."""
    try:
        return "".join(t for t in tokens(text) if isinstance(t, str))
    except HtmlError:
        # Invalid markup still deserves a readable approximation (Telegram would refuse to send it).
        return html.unescape(re.sub(r"<[^>]*>", "", text))


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entity(tag: OpenTag, offset: int, length: int, visible: str) -> dict:
    entity: dict = {"type": ENTITY_TYPES[tag.tag], "offset": offset, "length": length}
    if tag.tag == "a":
        entity["url"] = tag.argument or _utf16_slice(visible, offset, length)
    elif tag.tag == "tg-emoji":
        entity["custom_emoji_id"] = tag.argument
    elif tag.tag == "blockquote" and tag.argument:
        entity["type"] = "expandable_blockquote"
    return entity


def _utf16_slice(text: str, offset: int, length: int) -> str:
    units = text.encode("utf-16-le")
    return units[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def _fail(message: str) -> HtmlError:
    return HtmlError(ERROR_PREFIX + message)


def tokens(text: str) -> list[Token]:
    """Split Telegram HTML into text and tags, following tdlib's parser (and its error messages)."""
    s = text + "\0"
    n = len(text)

    def offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8", "surrogatepass"))

    found: list[Token] = []
    chunk: list[str] = []
    stack: list[str] = []
    i = 0
    while i < n:
        c = s[i]
        if c == "&":
            decoded, end = _decode_entity(s, i)
            if decoded is None:
                # tdlib keeps such an "&" as is; Telegram's docs require escaping it, and an unescaped
                # "&" is nearly always user text that was not passed through escape().
                raise _fail(f'Unescaped "&" at byte offset {offset(i)}')
            chunk.append(decoded)
            i = end
            continue
        if c != "<":
            chunk.append(c)
            i += 1
            continue
        begin = i
        i += 1
        if s[i] != "/":
            tag, i = _start_tag(s, n, begin, offset)
            stack.append(tag.tag)
        else:
            if not stack:
                raise _fail(f"Unexpected end tag at byte offset {offset(begin)}")
            while s[i] not in _SPACES and s[i] != ">":
                i += 1
            end_name = s[begin + 2 : i]
            while i < n and s[i] in _SPACES:
                i += 1
            if s[i] != ">":
                raise _fail(f"Unclosed end tag at byte offset {offset(begin)}")
            open_name = stack.pop()
            if end_name and end_name != open_name:
                expected = f'expected "</{open_name}>", found "</{end_name}>"'
                raise _fail(f"Unmatched end tag at byte offset {offset(begin)}, {expected}")
            tag = CloseTag(open_name)
        if chunk:
            found.append("".join(chunk))
            chunk = []
        found.append(tag)
        i += 1  # past ">"
    if chunk:
        found.append("".join(chunk))
    if stack:
        raise _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return found


def _start_tag(s: str, n: int, begin: int, offset: Callable[[int], int]) -> tuple[OpenTag, int]:
    """Parse `<tag attr="value" ...>` starting at `begin`; return the tag and the index of its ">"."""
    i = begin + 1
    while s[i] not in _SPACES and s[i] != ">":
        i += 1
    if i >= n:
        raise _fail(f"Unclosed start tag at byte offset {offset(begin)}")
    name = s[begin + 1 : i].lower()
    if name not in ENTITY_TYPES:
        raise _fail(f'Unsupported start tag "{name}" at byte offset {offset(begin)}')
    argument = ""
    while s[i] != ">":
        while i < n and s[i] in _SPACES:
            i += 1
        if s[i] == ">":
            break
        attribute_begin = i
        while s[i] not in _SPACES and s[i] not in "=>":
            i += 1
        attribute = s[attribute_begin:i]
        if not attribute:
            raise _fail(f'Empty attribute name in the tag "{name}" at byte offset {offset(begin)}')
        while i < n and s[i] in _SPACES:
            i += 1
        if s[i] != "=":
            if name == "blockquote" and attribute == "expandable":
                argument = "expandable"
                continue
            raise _fail(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" at byte offset {offset(begin)}'
            )
        i += 1
        while i < n and s[i] in _SPACES:
            i += 1
        if i >= n:
            raise _fail(f'Unclosed start tag "{name}" at byte offset {offset(begin)}')
        value, i = _attribute_value(s, n, i, begin, offset)
        argument = _tag_argument(name, attribute, value, argument)
    if name == "span" and argument != "spoiler":
        raise _fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset(begin)}')
    if name == "tg-emoji" and not (argument.isdigit() and int(argument) > 0):
        raise _fail("Invalid custom emoji identifier specified")
    return OpenTag(name, argument), i


def _attribute_value(s: str, n: int, i: int, begin: int, offset: Callable[[int], int]) -> tuple[str, int]:
    if s[i] not in "'\"":
        # An unquoted name token: letters, digits, periods, hyphens; case-insensitive.
        token_begin = i
        while (s[i].isascii() and s[i].isalnum()) or s[i] in ".-":
            i += 1
        if s[i] not in _SPACES and s[i] != ">":
            raise _fail(f"Unexpected end of name token at byte offset {offset(token_begin)}")
        return s[token_begin:i].lower(), i
    quote = s[i]
    i += 1
    value: list[str] = []
    while i < n and s[i] != quote:
        if s[i] == "&":
            decoded, end = _decode_entity(s, i)
            if decoded is not None:
                value.append(decoded)
                i = end
                continue
        value.append(s[i])
        i += 1
    if s[i] == quote:
        i += 1
    if i >= n:
        raise _fail(f"Unclosed start tag at byte offset {offset(begin)}")
    return "".join(value), i


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    return current


def _decode_entity(s: str, pos: int) -> tuple[str | None, int]:
    """Decode an HTML entity at `pos` as tdlib does (the ";" is optional); (None, pos) if there is none."""
    end = pos + 1
    if s[end] == "#":
        end += 1
        hexadecimal = s[end] == "x"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while s[end] in digits and s[end] != "\0":
            end += 1
        if start == end:
            return None, pos
        code = int(s[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= _MAX_CODE_POINT or 0xD800 <= code <= 0xDFFF:
            return None, pos
        decoded = chr(code)
    else:
        while s[end].isascii() and s[end].isalpha():
            end += 1
        decoded = _NAMED_ENTITIES.get(s[pos + 1 : end])
        if decoded is None:
            return None, pos
    return decoded, end + 1 if s[end] == ";" else end
