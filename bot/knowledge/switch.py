"""Recognise a request to switch the reply language ("на русском пожалуйста", "қазақша жаз",
"in english please", "не понимаю по-казахски, пишите по-русски") with the names, request words
and refusals of content/languages.yaml."""

from __future__ import annotations

from bot.knowledge.model import LanguageNames
from bot.knowledge.phrases import PhraseList

SHORT_WORD = 2
# Kazakh "from" endings on a language's name ("қазақшадан орысшаға"): that is the language to leave.
_KAZAKH_FROM = ("дан", "ден", "тан", "тен", "нан", "нен")


class LanguageRequestMatcher:
    """Tells which language a message asks the bot to speak, if that is all it asks."""

    def __init__(self, languages: LanguageNames, quiet_words: frozenset[str]):
        self._names = {lang: PhraseList(names) for lang, names in languages.names.items()}
        self._request = PhraseList(languages.request_words)
        self._refusals_before = PhraseList(languages.refusals_before)
        self._refusals_after = PhraseList(languages.refusals_after)
        self._quiet = quiet_words

    def vocabulary(self) -> set[str]:
        """Every word of the names, request words and refusals (for keyboard-layout repair)."""
        lists = (self._request, self._refusals_before, self._refusals_after, *self._names.values())
        return set().union(*(phrase_list.vocabulary() for phrase_list in lists))

    def requested(self, tokens: list[str]) -> str | None:
        """The language the message asks for, or None when it names none, several it wants, or asks more."""
        named = {lang: names.covered(tokens) for lang, names in self._names.items()}
        named = {lang: covered for lang, covered in named.items() if covered}
        refused, refusal_words = self._refused(tokens, named)
        wanted = [lang for lang in named if lang not in refused]
        if len(wanted) != 1:
            return None
        covered = set(refusal_words).union(*named.values()) | self._request.covered(tokens)
        others = [
            token
            for position, token in enumerate(tokens)
            if position not in covered and len(token) > SHORT_WORD and token not in self._quiet
        ]
        return None if others else wanted[0]

    def _refused(self, tokens: list[str], named: dict[str, set[int]]) -> tuple[set[str], set[int]]:
        """The named languages the message turns down ("не понимаю по-казахски", "from russian",
        "орысша түсінбеймін", "қазақшадан"), and the positions of the words that do it."""
        if len(named) < 2:
            return set(), set()
        owner = {position: lang for lang, covered in named.items() for position in covered}
        refused: set[str] = set()
        words: set[int] = set()
        for positions, step in ((self._refusals_before.covered(tokens), 1), (self._refusals_after.covered(tokens), -1)):
            for run in _runs(positions):
                lang = _nearest(owner, run[-1] if step == 1 else run[0], step, len(tokens))
                if lang is not None:
                    refused.add(lang)
                    words.update(run)
        refused.update(lang for position, lang in owner.items() if tokens[position].endswith(_KAZAKH_FROM))
        return refused, words


def _runs(positions: set[int]) -> list[list[int]]:
    """Consecutive positions grouped: the words of one refusal ("do not understand")."""
    runs: list[list[int]] = []
    for position in sorted(positions):
        if runs and runs[-1][-1] == position - 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    return runs


def _nearest(owner: dict[int, str], position: int, step: int, length: int) -> str | None:
    """The language named next to a refusal: after it (step 1) or before it (step -1)."""
    position += step
    while 0 <= position < length:
        if position in owner:
            return owner[position]
        position += step
    return None
