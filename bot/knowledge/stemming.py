"""Stop words and stemming: Snowball (PyStemmer) for Russian and English, a light suffix
stripper for Kazakh. Everything works on folded tokens (see normalize.fold)."""

from __future__ import annotations

from functools import cache, lru_cache

import Stemmer

from bot.knowledge.normalize import fold, has_cyrillic, has_latin

# Function words that say nothing about the topic. Question words that do (who, when,
# where, how many…) are kept: "when was Dunant born" and "where" are different questions.
_STOP_WORDS_RAW = {
    "en": """a an the is are was were be been being am do does did done of in on at to for from
        by with about as and or but if it its it's this that these those what which i me my you
        your we our us they their them he she his her there here tell please explain info
        information can could should will shall may might must s t d ll re ve m just also so
        then than very really pls plz thanks hi hello hey ok okay about him hers himself herself
        itself themselves myself yourself since still yet even ever actually basically someone
        something anyone anything everything don dont isn isnt aren arent doesn doesnt didn didnt
        wasn wasnt""",
    "ru": """и в во не на с со по о об обо к ко у из за от до для что это эта этот эти такое такой
        такая такие ли же бы а но или то ну мне меня мной я ты вы мы он она оно они его ее их
        был была было были быть есть расскажи расскажите скажи скажите подскажи подскажите
        пожалуйста про вообще можно ли нам вам вас нас им ей ему там тут всё все весь еще уже
        подробнее кратко коротко просто вот либо нибудь интересно объясни объясните чё че чо шо""",
    "kk": """және мен бен пен да де та те ғой ғана бұл осы сол ол сен сіз біз олар туралы деген
        дегеніміз дегенің дегеніңіз деп ма ме ба бе па пе не айтып айтшы айтыңыз айтыңызшы бер
        беріңіз беріңізші түсіндір түсіндіріңіз маған бізге сізге саған қысқаша толығырақ
        білгім келеді білу керек ше шы ші қандай болады болды бола болса болып бар екен еді""",
}


# Question words: kept (they tell "when" from "where"), but they say little about the topic.
# Words of time ("today", "now") are treated alike: any question may come with them, so one of
# them alone must not tie a message to an entry ("is the moon visible tonight").
_QUESTION_WORDS_RAW = """who whom whose what which when where why how many much
    кто кого кому что чем когда где куда откуда почему зачем как какой какая какие каких каким
    сколько чей находится какое какую какого каком
    кім кімге кімдер кімнің не неге неліктен неше нешінші қанша қашан қайда қайдан қалай қандай
    қай қайсы
    today tonight now nowadays currently tomorrow yesterday
    сегодня сегодняшний сейчас нынче ныне завтра вчера
    бүгін бүгінгі бүгінде қазір қазіргі ертең кеше"""


@cache
def question_words() -> frozenset[str]:
    """Folded question words of every language."""
    return frozenset(fold(_QUESTION_WORDS_RAW).split())


@cache
def stop_words(lang: str) -> frozenset[str]:
    """The folded stop words of one language."""
    return frozenset(fold(_STOP_WORDS_RAW.get(lang, "")).split())


@cache
def all_stop_words() -> frozenset[str]:
    """Stop words of every language together."""
    return frozenset().union(*(stop_words(lang) for lang in _STOP_WORDS_RAW))


@cache
def _snowball(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


# Kazakh endings in folded form (plural, possessive, case, common verb and derivation
# suffixes), longest first. Stripped repeatedly from the end while a stem remains.
_KAZAKH_SUFFIXES = sorted(
    set(
        """лар лер дар дер тар тер ымыз имиз мыз миз ыныз иниз ныз низ сыз сиз ым им ын ин сы си
        нын нин дын дин тын тин га ге ка ке на не сына сине ына ине ны ни ды ди ты ти да де та те
        нда нде дан ден тан тен нан нен мен бен пен менен дагы деги тагы теги ндагы ндеги лы ли
        шы ши лык лик дык дик тык тик шылык шилик ган ген кан кен гандар гендер ады еди йды йди
        атын етин ып ип гым гим гысы гиси кысы киси мак мек бак бек пак пек ма ме ба бе па пе
        ынан инен нан нен сын син ында инде сында синде ында дай дей тай тей ша ше гы ги""".split()
    ),
    key=len,
    reverse=True,
)
# One-letter endings, stripped when nothing longer matches; endings before them are stripped too
# ("қоғамдары" → "қоғамдар" → "қоғам"). Not м/н: too many roots end in them ("қоғам", "бүгін").
_SINGLE_LETTER_SUFFIXES = ("ы", "и", "а", "е", "у")
# Shorter stems join unrelated words ("көрінеді" and "қорғау" both became "кор").
_MIN_KAZAKH_STEM = 4


# A final к, қ or п voices before an ending that starts with a vowel ("жақ" → "жағын", "кітап" →
# "кітабы"): the stem gets its plain form back (folded: г → к, б → п).
_VOWELS = frozenset("аеиоуыэюя")
_UNVOICED = {"г": "к", "б": "п"}


@lru_cache(maxsize=65536)
def kazakh_stem(token: str) -> str:
    """Strip Kazakh endings from a folded token ("еріктілерге" → "ерикти", "жағын" → "жак")."""
    stem = token
    before_vowel = False
    for _ in range(4):
        for suffix in _KAZAKH_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= _MIN_KAZAKH_STEM:
                stem = stem[: -len(suffix)]
                before_vowel = suffix[0] in _VOWELS
                break
        else:
            if stem.endswith(_SINGLE_LETTER_SUFFIXES) and len(stem) > _MIN_KAZAKH_STEM:
                stem = stem[:-1]
                before_vowel = True
                continue
            break
    if before_vowel and stem[-1] in _UNVOICED:
        stem = stem[:-1] + _UNVOICED[stem[-1]]
    return stem


@lru_cache(maxsize=65536)
def stem(token: str, lang: str) -> str:
    """The stem of a folded token as text of language `lang` would stem it."""
    if has_latin(token) and not has_cyrillic(token):
        return _snowball("english").stemWord(token)
    if not has_cyrillic(token):
        return token  # numbers
    if lang == "kk":
        return kazakh_stem(token)
    return _snowball("russian").stemWord(token)
