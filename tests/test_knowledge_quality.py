"""Quality floor on the dev evaluation set (bench/eval) with the real content (speed: bench/qa_speed.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


PROJECT = Path(__file__).resolve().parent.parent
CONTENT = PROJECT / "content"
EVAL_DIR = PROJECT / "bench" / "eval"

# A little under what bench/eval.py measures after merging main's second-edition content
# (tuning: kk 94.4%, ru 88.9%, en 88.9%; held-out: kk 85.8%, ru 77.6%, en 74.7%; held-out out of
# scope declined 70-79%). Raise them as the calibration improves.
TOP1_FLOOR = {"tuning": 0.86, "heldout": 0.72}
DECLINED_FLOOR = {"tuning": 0.95, "heldout": 0.65}


def _evaluate():
    spec = importlib.util.spec_from_file_location("bench_eval", PROJECT / "bench" / "eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.evaluate(CONTENT, EVAL_DIR)


@pytest.fixture(scope="module")
def report():
    if not all((EVAL_DIR / f"{lang}.yaml").is_file() for lang in ("kk", "ru", "en")):
        pytest.skip("bench/eval/{kk,ru,en}.yaml do not exist yet")
    if not any((CONTENT / "knowledge").glob("*.yaml")):
        pytest.skip("content/knowledge/ has no files yet")
    result = _evaluate()
    return result


@pytest.mark.parametrize("part", ["tuning", "heldout"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_top1_accuracy_floor(report, part, lang):
    figures = report[part][lang]
    assert figures["top1"] / figures["in_scope"] >= TOP1_FLOOR[part]


@pytest.mark.parametrize("part", ["tuning", "heldout"])
def test_out_of_scope_declined_floor(report, part):
    languages = report[part].values()
    declined = sum(f["declined"] for f in languages) / sum(f["out_of_scope"] for f in languages)
    assert declined >= DECLINED_FLOOR[part]


def test_no_content_free_message_is_answered(report):
    for lang, (passed, total) in report["safety"]["contentfree"].items():
        assert passed == total, lang


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_action_phrase_is_recognised(report, lang):
    figures = report["tuning"][lang]
    missed = [f["q"] for f in report["failures"] if f["lang"] == lang and str(f["expect"]).startswith("action:")]
    assert figures["actions"] == figures["actions_total"], missed
