"""`python -m bot ask`: the chat's engine on the command line, in the design's JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
FIELDS = {"query", "lang", "answered", "entry_id", "title", "answer", "score", "suggestions", "action"}


def _ask(*args: str, stdin: str | None = None) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args], cwd=PROJECT, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_one_question_prints_one_json_object_with_the_answer_the_chat_shows():
    (answer,) = _ask("--lang", "en", "geneva convension 1864")
    assert set(answer) == FIELDS
    assert answer["answered"] is True and answer["entry_id"] == "geneva-convention-1864"
    assert answer["lang"] == "en"
    assert "22 August 1864" in answer["answer"] and not answer["answer"].startswith(f"<b>{answer['title']}</b>")
    assert "📎 Source:" in answer["answer"] and '<a href="https://' in answer["answer"]  # the answer ends with its source
    assert all(set(s) == {"entry_id", "title"} for s in answer["suggestions"])
    assert answer["action"] is None


def test_questions_from_stdin_one_a_line_with_actions_and_declines():
    lines = _ask("--lang", "ru", "-", stdin="хочу стать волонтером\nкакой курс доллара сегодня\nанри дюнан ким\n")
    volunteer, off_topic, kazakh = lines
    assert volunteer["action"] == "volunteer" and volunteer["answered"] is False
    assert off_topic["answered"] is False and off_topic["entry_id"] is None
    assert kazakh["lang"] == "kk" and kazakh["entry_id"] == "henry-dunant"


def test_an_emergency_that_asks_for_first_aid_carries_the_numbers_then_the_entry():
    (result,) = _ask("--lang", "en", "-", stdin="my friend cut his arm and it is bleeding a lot, how do i stop the bleeding\n")
    assert (result["action"], result["entry_id"], result["answered"]) == ("emergency", "first-aid-bleeding", True)
    assert result["answer"].index("112") < result["answer"].index("tourniquet")


def test_emergency_language_and_content_free_in_the_json():
    emergency, switch, empty = _ask("--lang", "en", "-", stdin="помогите\nна русском пожалуйста\nнет\n")
    assert emergency["action"] == "emergency" and "112" in emergency["answer"] and emergency["answered"] is False
    assert (switch["action"], switch["lang"]) == ("language", "ru")
    assert empty["answered"] is False and empty["entry_id"] is None and empty["suggestions"] == []
