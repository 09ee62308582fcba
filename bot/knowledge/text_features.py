"""What the learned models read in a folded message (letter groups and words, as scikit-learn's own
analysers give them), and where trained models are cached so that a restart does not train again."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

# Letter groups of 2 to 5 inside words catch typos, word endings and Latin-letter Kazakh; words and word
# pairs catch "не дышит" against "как дышать".
LETTER_GROUPS = (2, 5)
WORD_GROUPS = (1, 2)


def letter_groups(text: str) -> list[str]:
    """The letter groups of each word of a folded text, the word padded with a space on both sides
    (what scikit-learn's "char_wb" analyser gives)."""
    return [gram for word in text.split() for gram in _word_letter_groups(word)]


@lru_cache(maxsize=1 << 15)
def _word_letter_groups(word: str) -> tuple[str, ...]:
    low, high = LETTER_GROUPS
    padded = f" {word} "
    grams: list[str] = []
    for size in range(low, high + 1):
        if size >= len(padded):  # a short word counts once, whole
            grams.append(padded)
            break
        grams.extend(padded[start : start + size] for start in range(len(padded) - size + 1))
    return tuple(grams)


def word_groups(text: str) -> list[str]:
    """The words of a folded text and each two neighbouring words."""
    words = text.split()
    return words + [" ".join(pair) for pair in zip(words, words[1:])]


ANALYSERS: tuple[Callable[[str], list[str]], ...] = (letter_groups, word_groups)


def tfidf_vectorisers() -> list:
    """scikit-learn vectorisers of the letter groups (seen in two texts at least) and of the words."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # here: importing scikit-learn takes a second

    return [
        TfidfVectorizer(analyzer=letter_groups, min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer=word_groups, sublinear_tf=True),
    ]


def default_cache_dir() -> Path:
    """Where trained models are kept: $XDG_CACHE_HOME/redcrescent-bot, else ~/.cache/redcrescent-bot."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "redcrescent-bot"


# Cached models of one kind ("distress-…", "entries-…") kept: each edit of the content makes new ones,
# and the folder would grow by megabytes with every edit.
KEEP_CACHED = 3


def save_whole(path: Path, write: Callable[[Path], None]) -> None:
    """Write a cache file whole or not at all (a crash mid-write leaves no half file to read), and remove
    all but the newest KEEP_CACHED of its kind; a cache that cannot be written is only logged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        write(partial)
        partial.replace(path)
        kind = path.name.split("-")[0]
        cached = sorted(path.parent.glob(f"{kind}-*{path.suffix}"), key=lambda file: file.stat().st_mtime, reverse=True)
        for old in cached[KEEP_CACHED:]:
            old.unlink(missing_ok=True)
    except OSError as error:
        logger.warning("a trained model could not be cached in %s (%s): it is trained at each start", path.parent, error)
