"""Personal data out of what staff read: questions are masked before they are stored."""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "my name is X", "меня зовут X", "менің атым X", "мен X боламын": the next one or two words are a name.
_NAME_INTRO = re.compile(
    r"(?i)\b(my name is|i am called|call me|меня зовут|моё имя|мое имя|менің атым|атым|есімім|я|мен)[\s,]+"
    r"([^\W\d_]{2,})(\s+[^\W\d_]{2,})?"
)
# Long digit runs that are not years: ID numbers (IIN), card numbers.
_LONG_NUMBER = re.compile(r"\b\d[\d -]{9,}\d\b")
_INTRO_ONLY = {"я", "мен"}  # too common alone: masked only before a capitalised word


def mask_personal(text: str, own_names: Iterable[str] = ()) -> str:
    """The text with phone numbers, e-mail addresses, long ID numbers and the asker's own name masked."""
    masked = _EMAIL.sub("[e-mail]", text)
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(masked, "KZ", leniency=phonenumbers.Leniency.POSSIBLE))):
        masked = masked[: match.start] + "[phone]" + masked[match.end :]
    masked = _LONG_NUMBER.sub("[number]", masked)
    masked = _NAME_INTRO.sub(_mask_intro, masked)
    for name in {n.strip() for n in own_names if n and len(n.strip()) >= 2}:
        masked = re.sub(rf"(?i)(?<!\w){re.escape(name)}(?!\w)", "[name]", masked)
    return masked


def _mask_intro(match: re.Match) -> str:
    intro, first = match.group(1), match.group(2)
    if intro.strip(" ,").lower() in _INTRO_ONLY and not first[:1].isupper():
        return match.group(0)
    return f"{intro} [name]"
