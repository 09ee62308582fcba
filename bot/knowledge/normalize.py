"""Text normalisation for search: folding, tokens, keyboard-layout repair, transliteration, language."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

# Kazakh-only letters folded to the Russian-keyboard letters people type instead, and ё → е,
# so "қызыл" and "кызыл" are the same word to the search. (Chained str.replace is several
# times faster than str.translate on Cyrillic text, and index building folds every answer.)
_FOLD_PAIRS = (
    ("ә", "а"), ("ғ", "г"), ("қ", "к"), ("ң", "н"), ("ө", "о"), ("ұ", "у"), ("ү", "у"), ("һ", "х"),
    ("і", "и"), ("ё", "е"),
)
# Rarer letters: Latin accents, dotless i, typographic apostrophes.
_FOLD_RARE = str.maketrans(
    {
        "ı": "i", "á": "a", "à": "a", "â": "a", "ä": "a", "ã": "a", "å": "a", "ç": "c", "é": "e",
        "è": "e", "ê": "e", "ë": "e", "í": "i", "ì": "i", "î": "i", "ï": "i", "ñ": "n", "ń": "n",
        "ó": "o", "ò": "o", "ô": "o", "ö": "o", "õ": "o", "ø": "o", "ú": "u", "ù": "u", "û": "u",
        "ü": "u", "ş": "s", "ğ": "g", "ǵ": "g", "ý": "y", "’": "'", "ʼ": "'", "`": "'",
    }
)
_RARE = re.compile("[" + "".join(chr(code) for code in _FOLD_RARE) + "]")
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_WORD = re.compile(r"[^\W_]+")
# A vowel typed three or more times over, or any letter four or more times, is one letter ("heeelp",
# "помогитеее", "helllllp"): no word spells them so. Three consonants stay: "МККК", "ХҚКК".
_STRETCHED = re.compile(r"([aeiouyаеиоуыэюя])\1{2,}|([^\W\d_])\2{3,}")
# Kazakh case, plural and possessive endings (folded) that follow an abbreviation or a number after a hyphen.
_HYPHEN_ENDING = re.compile(
    r"(?<=[^\W_])-(?:нын|нин|дын|дин|тын|тин|га|ге|ка|ке|на|не|да|де|та|те|дагы|деги|тагы|теги|дан|ден|тан|тен|"
    r"нан|нен|ны|ни|ды|ди|ты|ти|мен|бен|пен|лар|лер|дар|дер|тар|тер|сы|си|ы|и|шы|ши|ншы|нши|ынши|ыншы)(?![^\W_])"
)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)

# The same physical keys on the US and the Russian (ЙЦУКЕН) layouts.
_EN_KEYS = "`qwertyuiop[]asdfghjkl;'zxcvbnm,./"
_RU_KEYS = "ёйцукенгшщзхъфывапролджэячсмитьбю."
_EN_TO_RU = str.maketrans(_EN_KEYS, _RU_KEYS)
_RU_TO_EN = str.maketrans(_RU_KEYS[:-1], _EN_KEYS[:-1])

# Latin transliteration of Kazakh/Russian as people type it ("kyzyl zharty ai", "krasnyi krest").
_TRANSLIT = [
    ("shch", "щ"), ("sch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("gh", "г"), ("ts", "ц"),
    ("ya", "я"), ("yu", "ю"), ("ye", "е"), ("yo", "е"), ("ia", "я"), ("iu", "ю"),
    ("a", "а"), ("b", "б"), ("c", "ц"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "ж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "у"), ("x", "х"), ("y", "ы"), ("z", "з"),
]
_TRANSLIT_RE = re.compile("|".join(re.escape(latin) for latin, _ in _TRANSLIT))
_TRANSLIT_MAP = dict(_TRANSLIT)
# "krasnyi", "takoi", "krasnyy": a final i/y after a vowel is й ("ии" stays: "istorii" → "истории").
_FINAL_SHORT_I = re.compile(r"(?<=[аеоуы])[иы]\b")
# Other readings people may mean: an "i" between a vowel and a consonant is often й ("qoldaisyzdar" →
# "колдайсыздар", but "poisk" → "поиск"), a first "e" of a borrowed word э ("emblema" → "эмблема"), "ng" ң.
_INNER_SHORT_I = re.compile(r"(?<=[аеоуы])и(?=[бвгджзклмнпрстфхцчшщ])")

# Words that only Kazakh uses (folded forms, so they also catch text typed without
# the special letters); Russian has its own. Used when no Kazakh letter settles it.
KAZAKH_MARKERS = frozenset(
    "не ким кимдер калай кашан кайда канша неше неге нешинши кандай кай деген дегенимиз деп "
    "туралы жане мен бен пен бар жок ма ме ба бе па пе бола болады болды болган болу керек "
    "ушин бул осы сол кандай айтып айтшы бериниз бер маган сиз сен биз олар еди екен кайсы "
    "жылы жыл елде кандай калайша кимге нени неден немесе да де та те гой гана "
    "салем рахмет".split()
)
RUSSIAN_MARKERS = frozenset(
    "что кто как где когда почему зачем сколько какой какая какие каким такое такой это ли "
    "и в во на с со по о об про для от до из за у к ко или а но же бы был была было были "
    "есть можно нужно ли мне меня я вы ты он она они его их расскажи скажи подскажите "
    "пожалуйста чем чей который году лет год".split()
)
_KAZAKH_SUFFIX = re.compile(
    r"(дын|дин|нын|нин|тын|тин|дагы|деги|тагы|теги|ндагы|ндеги|лар|лер|дар|дер|тар|тер|"
    r"гым|гим|кым|ким|ган|ген|кан|кен|мыз|миз|сыз|сиз|ушин|шылык|шилик|лык|лик|дык|дик|тык|тик)$"
)


def fold(text: str) -> str:
    """Lowercase and fold Kazakh letters, ё and Latin accents to plain keyboard letters."""
    folded = text.casefold()
    for letter, plain in _FOLD_PAIRS:
        if letter in folded:
            folded = folded.replace(letter, plain)
    return folded.translate(_FOLD_RARE) if _RARE.search(folded) else folded


def tokenize(text: str) -> list[str]:
    """Split folded text into word tokens, dropping punctuation, emoji and Kazakh endings written
    after a hyphen ("ХҚКК-ның", "112-ге": the ending is grammar, not a word)."""
    folded = fold(text)
    if "-" in folded:
        folded = _HYPHEN_ENDING.sub("", folded)
    return _WORD.findall(_STRETCHED.sub(lambda run: run.group()[0], folded))


def normalize(text: str) -> str:
    """The folded tokens of `text` joined by single spaces (for comparing phrases)."""
    return " ".join(tokenize(text))


def has_cyrillic(text: str) -> bool:
    """True when the text contains a Cyrillic letter."""
    return bool(_CYRILLIC.search(text))


def has_latin(text: str) -> bool:
    """True when the text contains a Latin letter."""
    return bool(_LATIN.search(text))


def swap_layout(chunk: str) -> str | None:
    """The same keys read on the other layout (EN→RU for Latin, RU→EN for Cyrillic), or None."""
    lowered = chunk.casefold()
    cyrillic, latin = has_cyrillic(lowered), has_latin(lowered)
    if latin and not cyrillic:
        return lowered.translate(_EN_TO_RU)
    if cyrillic and not latin and not any(ch in KAZAKH_LETTERS for ch in chunk):
        return lowered.translate(_RU_TO_EN)
    return None


@lru_cache(maxsize=1 << 16)
def transliterate(word: str) -> str | None:
    """Latin letters read as Kazakh/Russian transliteration ("kyzyl" → "кызыл"), or None."""
    lowered = fold(word)
    if not has_latin(lowered) or has_cyrillic(lowered):
        return None
    cyrillic = _TRANSLIT_RE.sub(lambda match: _TRANSLIT_MAP[match.group(0)], lowered)
    return _FINAL_SHORT_I.sub("й", cyrillic)


@lru_cache(maxsize=1 << 16)
def transliterations(word: str) -> tuple[str, ...]:
    """`transliterate(word)` and the other readings people may mean by it, likeliest first; () when
    the word has no Latin letter."""
    first = transliterate(word)
    if first is None:
        return ()
    readings = [first, _INNER_SHORT_I.sub("й", first)]
    if "нг" in first:  # Kazakh ң typed as ng ("zhangalyq" → "жаналык"; "kongress" stays as read first)
        readings += [reading.replace("нг", "н") for reading in readings]
    if first.startswith("е"):
        readings += ["э" + reading[1:] for reading in readings]
    return tuple(dict.fromkeys(readings))


def cyrillic_reading(tokens: list[str]) -> list[str] | None:
    """The tokens with every Latin word read as Kazakh/Russian transliteration ("komek kerek" →
    "комек керек"), or None when no token is Latin."""
    if not any(map(has_latin, tokens)):
        return None
    return [transliterate(token) or token for token in tokens]


def repair_tokens(text: str, is_known: Callable[[str], bool]) -> list[str]:
    """Tokens of `text`, reading words typed on the wrong layout or in Latin transliteration the
    way that matches the vocabulary better (`is_known` says whether a folded token is known)."""
    chunks = [(chunk, tokenize(chunk)) for chunk in text.split()]
    chunks = [(chunk, plain) for chunk, plain in chunks if plain]
    known_as_typed = [all(map(is_known, plain)) for _, plain in chunks]
    # A message mostly made of known words is typed right: its odd words are typos or words we
    # don't know ("son" must not become the Kazakh "сон"), not another layout or script.
    typed_right = sum(known_as_typed) * 2 > len(chunks)
    tokens: list[str] = []
    for (chunk, plain), known in zip(chunks, known_as_typed):
        if known or typed_right:
            tokens.extend(plain)
            continue
        best, best_known = plain, sum(map(is_known, plain))
        candidates = [swap_layout(chunk.strip("?!"))]
        if len(plain) == 1:
            candidates.extend(transliterations(plain[0]))
        for candidate_text in candidates:
            if not candidate_text:
                continue
            candidate = tokenize(candidate_text)
            candidate_known = sum(map(is_known, candidate))
            if candidate_known > best_known:
                best, best_known = candidate, candidate_known
        tokens.extend(best)
    return tokens


def script_language(tokens: Iterable[str], raw_text: str = "") -> str | None:
    """The language the letters and marker words point to: "kk", "ru", "en" or None if unclear.
    A Russian sentence naming something in Kazakh ("что такое Қызыл Жарты Ай") is Russian: its
    function words outweigh the Kazakh letters."""
    tokens = list(tokens)
    cyrillic = [t for t in tokens if has_cyrillic(t)]
    kk = sum(t in KAZAKH_MARKERS or bool(_KAZAKH_SUFFIX.search(t)) for t in cyrillic)
    ru = sum(t in RUSSIAN_MARKERS for t in cyrillic)
    if any(ch in KAZAKH_LETTERS for ch in raw_text):
        return "ru" if ru > kk else "kk"
    latin = [t for t in tokens if has_latin(t)]
    if latin and not cyrillic:
        return "en"
    if not cyrillic:
        return None
    if kk > ru:
        return "kk"
    if ru > kk:
        return "ru"
    return None

