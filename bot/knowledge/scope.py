"""Messages with nothing to answer: yes/no, digits, emoji, laughter, a lone stop word, keyboard mash."""

from __future__ import annotations

import re
from collections.abc import Callable, Container

_VOWELS = set("aeiouyаеёиоуыэюяәөұүі")
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю", "1234567890")
_MASH_RUN = 4  # this many neighbouring keys in a row is mash ("asdf", "фыва")
_LAUGHTER = re.compile(r"(?:[хx][аеиa]|[аa][хx]|h[aei]|[ae]h|ja|[аa]?[хx]{2,})+[хxhаa]?|l[oо]+l|kek|кек|ржу|лол|ыы+|аа+|мм+")


def is_mash(token: str) -> bool:
    """True for keyboard mash: no vowel, a run along one row of keys, or one letter repeated."""
    if not any(ch in _VOWELS for ch in token):
        return True
    if len(set(token)) == 1:
        return True
    for row in _KEYBOARD_ROWS:
        for line in (row, row[::-1]):
            if any(token[i : i + _MASH_RUN] in line for i in range(len(token) - _MASH_RUN + 1)):
                return True
    return False


def is_laughter(token: str) -> bool:
    """True for "хахаха", "ahah", "lol", "ыыы"."""
    return bool(_LAUGHTER.fullmatch(token))


def content_words(tokens: list[str], says_nothing: Callable[[str], bool], is_known: Callable[[str], bool],
                  named_numbers: Container[str] = frozenset()) -> list[str]:
    """The tokens that could carry a question: not empty words, digits (but `named_numbers`: "101"), one
    letter, laughter or mash (`says_nothing` names the empty, stop and filler words; words the content
    knows are never mash)."""
    words = []
    for token in tokens:
        if says_nothing(token) or (token.isdigit() and token not in named_numbers) or len(token) < 2 or is_laughter(token):
            continue
        if not is_known(token) and is_mash(token):
            continue
        words.append(token)
    return words
