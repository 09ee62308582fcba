"""Read the staff-edited word lists beside the knowledge base: intents.yaml (greetings, actions),
synonyms.yaml, emergency.yaml and languages.yaml, reporting every problem as a readable line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.knowledge.model import ACTIONS, INTENT_KINDS, LANGS, ActionRule, Emergency, Intents, LanguageNames, Lexicon
from bot.knowledge.normalize import tokenize
from bot.knowledge.yaml_reader import as_strings, read_yaml, unknown_keys

EMERGENCY_NUMBER = "112"  # every emergency reply must give it
_EMERGENCY_LISTS = ("danger", "calls", "disasters", "now", "about", "hypothetical")
EXAMPLES_FILE = "emergency_examples.yaml"  # optional: without it only the word lists recognise emergencies
OUTSIDE_FILE = "out_of_scope_examples.yaml"  # optional: without it the decision to answer keeps to its rules


def read_lexicon(content_dir: Path, problems: list[str]) -> Lexicon | None:
    """Read synonyms.yaml, emergency.yaml and languages.yaml; None when one of them is unusable."""
    count = len(problems)
    synonyms = _read_synonyms(content_dir / "synonyms.yaml", problems)
    emergency = _read_emergency(content_dir / "emergency.yaml", problems)
    if emergency is not None:
        emergency = _with_examples(emergency, content_dir / EXAMPLES_FILE, problems)
    languages = _read_languages(content_dir / "languages.yaml", problems)
    outside = _read_outside(content_dir / OUTSIDE_FILE, problems)
    if len(problems) > count or synonyms is None or emergency is None or languages is None or outside is None:
        return None
    return Lexicon(synonyms=synonyms, emergency=emergency, languages=languages, outside_examples=outside)


def _mapping(path: Path, problems: list[str], keys: tuple[str, ...]) -> dict | None:
    """The file's top-level mapping, its unknown keys reported; None when it is missing or no mapping."""
    label = path.name
    if not path.is_file():
        problems.append(f"{label}: missing")
        return None
    document = read_yaml(path, label, problems)
    if document is None:
        return None
    data, _ = document
    if not isinstance(data, dict):
        problems.append(f"{label}: must be a mapping ({', '.join(keys)})")
        return None
    unknown_keys(data, keys, label, problems)
    return data


def _read_synonyms(path: Path, problems: list[str]) -> dict[str, list[list[str]]] | None:
    """Per language, groups of words or phrases that mean the same to the search."""
    data = _mapping(path, problems, LANGS)
    if data is None:
        return None
    groups: dict[str, list[list[str]]] = {}
    seen: dict[str, int] = {}
    for lang in LANGS:
        raw = data.get(lang, [])
        if not isinstance(raw, list):
            problems.append(f"{path.name}: {lang} must be a list of groups, e.g. [founded, started, established]")
            continue
        groups[lang] = []
        for number, group in enumerate(raw, 1):
            words = as_strings(group)
            if words is None or len(words) < 2 or not all(tokenize(word) for word in words):
                problems.append(f"{path.name}: {lang}: group {number} must list at least two words or phrases")
                continue
            for word in words:
                key = f"{lang}:{' '.join(tokenize(word))}"
                if key in seen and seen[key] != number:
                    problems.append(f"{path.name}: {lang}: {word!r} is in two groups ({seen[key]} and {number})")
                seen[key] = number
            groups[lang].append(words)
    return groups


def _read_emergency(path: Path, problems: list[str]) -> Emergency | None:
    """The emergency phrasings per language, the reply (with 112) and the entries it links to."""
    data = _mapping(path, problems, ("entries", "reply", *_EMERGENCY_LISTS))
    if data is None:
        return None
    label = path.name
    count = len(problems)
    entries = as_strings(data.get("entries"))
    if not entries:
        problems.append(f"{label}: entries must list the ids of the entries the reply links to")
    reply = data.get("reply")
    if not isinstance(reply, dict) or set(reply) != set(LANGS) or not all(isinstance(t, str) for t in reply.values()):
        problems.append(f"{label}: reply must give the text in kk, ru and en")
        reply = {}
    for lang, text in reply.items():
        if EMERGENCY_NUMBER not in text:
            problems.append(f"{label}: reply.{lang} must give the number {EMERGENCY_NUMBER}")
    lists = {name: _per_language(data.get(name), f"{label}: {name}", problems) for name in _EMERGENCY_LISTS}
    if len(problems) > count:
        return None
    return Emergency(entries=entries, reply={k: v.strip() for k, v in reply.items()}, **lists)


def _with_examples(emergency: Emergency, path: Path, problems: list[str]) -> Emergency | None:
    """The emergency lists with the examples of emergency_examples.yaml, when the file is there."""
    examples = _optional_examples(path, ("distress", "calm"), problems)
    if examples is None:
        return None
    return replace(emergency, distress_examples=examples["distress"], calm_examples=examples["calm"])


def _read_outside(path: Path, problems: list[str]) -> dict[str, list[str]] | None:
    """Per language, the questions of out_of_scope_examples.yaml ({} when the file is not there)."""
    examples = _optional_examples(path, ("examples",), problems)
    return examples["examples"] if examples is not None else None


def _optional_examples(path: Path, keys: tuple[str, ...], problems: list[str]) -> dict[str, dict[str, list[str]]] | None:
    """Per key, the per-language lists of an optional examples file (all empty when it is not there);
    None when it is there but unusable."""
    if not path.is_file():
        return {key: {} for key in keys}
    data = _mapping(path, problems, keys)
    if data is None:
        return None
    count = len(problems)
    examples = {key: _per_language(data.get(key), f"{path.name}: {key}", problems) for key in keys}
    return examples if len(problems) == count else None


def _read_languages(path: Path, problems: list[str]) -> LanguageNames | None:
    """Names of each language ("по-русски", "қазақша", "english") and the words of a switch request."""
    data = _mapping(path, problems, ("names", "request_words", "refusals_before", "refusals_after"))
    if data is None:
        return None
    count = len(problems)
    names = _per_language(data.get("names"), f"{path.name}: names", problems)
    if set(names) != set(LANGS):
        problems.append(f"{path.name}: names must list the names of kk, ru and en")
    words = as_strings(data.get("request_words"))
    if not words:
        problems.append(f"{path.name}: request_words must be a list of words")
    if len(problems) > count:
        return None
    refusals = {key: as_strings(data.get(key, [])) for key in ("refusals_before", "refusals_after")}
    for key, value in refusals.items():
        if value is None:
            problems.append(f"{path.name}: {key} must be a list of words or phrases")
    if len(problems) > count:
        return None
    return LanguageNames(names=names, request_words=words, **refusals)


def read_intents(path: Path, problems: list[str]) -> Intents | None:
    """Read intents.yaml: greeting/thanks phrases, fillers and empty words per language, word groups, actions."""
    count = len(problems)
    data = _mapping(path, problems, (*INTENT_KINDS, "fillers", "empty", "words", "actions"))
    if data is None:
        return None
    label = path.name
    phrases = {kind: _per_language(data.get(kind), f"{label}: {kind}", problems) for kind in INTENT_KINDS}
    fillers = _per_language(data.get("fillers", {}), f"{label}: fillers", problems)
    empty = _per_language(data.get("empty", {}), f"{label}: empty", problems)
    words: dict[str, list[str]] = {}
    raw_words = data.get("words")
    if not isinstance(raw_words, dict):
        problems.append(f"{label}: words must map group names to lists of words")
    else:
        for group, items in raw_words.items():
            values = as_strings(items)
            if values is None or not all(v.strip() for v in values):
                problems.append(f"{label}: words.{group} must be a list of non-empty words")
            else:
                words[str(group)] = values
    actions = {}
    raw_actions = data.get("actions")
    if not isinstance(raw_actions, dict):
        problems.append(f"{label}: actions must map {', '.join(ACTIONS)} to their rules")
        raw_actions = {}
    for name in ACTIONS:
        if name not in raw_actions:
            problems.append(f"{label}: actions: missing '{name}'")
    for name, rule in raw_actions.items():
        parsed = _action_rule(rule, f"{label}: actions.{name}", words, problems)
        if name not in ACTIONS:
            problems.append(f"{label}: actions: unknown action {name!r} (known: {', '.join(ACTIONS)})")
        elif parsed is not None:
            actions[name] = parsed
    if len(problems) > count:
        return None
    return Intents(phrases=phrases, fillers=fillers, words=words, actions=actions, empty=empty)


def _per_language(block: Any, name: str, problems: list[str]) -> dict[str, list[str]]:
    if block is None:
        problems.append(f"{name}: missing")
        return {}
    if not isinstance(block, dict) or any(lang not in LANGS for lang in block):
        problems.append(f"{name}: must map kk/ru/en to lists of phrases")
        return {}
    per_lang = {}
    for lang, items in block.items():
        values = as_strings(items)
        if values is None or not all(v.strip() for v in values):
            problems.append(f"{name}.{lang}: must be a list of non-empty phrases")
        else:
            per_lang[lang] = values
    return per_lang


def _action_rule(raw: Any, name: str, words: dict[str, list[str]], problems: list[str]) -> ActionRule | None:
    if not isinstance(raw, dict) or "when" not in raw:
        problems.append(f"{name}: must be a mapping with 'when' (a list of lists of word groups)")
        return None
    unknown_keys(raw, ("when", "not_with", "unless", "max_other_words"), name, problems)
    when = raw["when"]
    if not isinstance(when, list) or not when or not all(as_strings(line) for line in when):
        problems.append(f"{name}: when must be a list of lists of word groups, e.g. [[want, volunteer]]")
        return None
    lines = [as_strings(line) for line in when]
    not_with, unless = as_strings(raw.get("not_with", [])), as_strings(raw.get("unless", []))
    if not_with is None or unless is None:
        problems.append(f"{name}: not_with and unless must be lists of word groups")
        not_with, unless = not_with or [], unless or []
    for group in sorted({g for line in [*lines, not_with, unless] for g in line} - set(words)):
        problems.append(f"{name}: unknown word group {group!r}")
    limit = raw.get("max_other_words", 2)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        problems.append(f"{name}: max_other_words must be a whole number")
        limit = 2
    return ActionRule(when=lines, not_with=not_with, unless=unless, max_other_words=limit)
