"""Recognise a request to switch the reply language ("на русском пожалуйста", "қазақша жаз",
"in english please") with the names and request words of content/languages.yaml."""

from __future__ import annotations

from bot.knowledge.model import LanguageNames
from bot.knowledge.phrases import PhraseList

SHORT_WORD = 2


class LanguageRequestMatcher:
    """Tells which language a message asks the bot to speak, if that is all it asks."""

    def __init__(self, languages: LanguageNames, quiet_words: frozenset[str]):
        self._names = {lang: PhraseList(names) for lang, names in languages.names.items()}
        self._request = PhraseList(languages.request_words)
        self._quiet = quiet_words

    def vocabulary(self) -> set[str]:
        """Every word of the names and request words (for keyboard-layout repair)."""
        return self._request.vocabulary().union(*(names.vocabulary() for names in self._names.values()))

    def requested(self, tokens: list[str]) -> str | None:
        """The language the message asks for, or None when it names none, several, or asks more."""
        named = {lang: names.covered(tokens) for lang, names in self._names.items()}
        named = {lang: covered for lang, covered in named.items() if covered}
        if len(named) != 1:
            return None
        ((lang, covered),) = named.items()
        covered = covered | self._request.covered(tokens)
        others = [
            token
            for position, token in enumerate(tokens)
            if position not in covered and len(token) > SHORT_WORD and token not in self._quiet
        ]
        return None if others else lang
