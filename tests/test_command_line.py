"""The command line as a newcomer uses it: the sandbox with piped input, and `run` for real."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH")}
    env["PYTHONPATH"] = str(PROJECT)
    env.update(extra)
    return env


def _sandbox(tmp_path, typed: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--db", str(tmp_path / "sandbox.sqlite3"), *args],
        input=typed,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=60,
    )


def test_piped_sandbox_prints_the_greeting_and_menu_and_exits_0(tmp_path):
    result = _sandbox(tmp_path, "/start\n9\n", "--lang", "en")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "you> /start" in out
    assert "bot> Hello, Sandbox!" in out
    assert "[1] 🆘 Get help" in out and "[9] ℹ️ About the Society" in out
    assert "bot (edited)> *ℹ️ About the Society*" in out  # "9" pressed the ninth button
    assert "Choose a question:" in out
    assert (tmp_path / "sandbox.sqlite3").is_file()


def test_sandbox_staff_flag_and_contact_sharing(tmp_path):
    result = _sandbox(tmp_path, "/contact +77011234567\n/unanswered\n/quit\n/start\n", "--lang", "ru", "--staff")
    assert result.returncode == 0, result.stderr
    assert "you> /contact +77011234567" in result.stdout
    assert "bot> Здесь я понимаю только текст." in result.stdout
    assert "bot> Пока нет вопросов без ответа." in result.stdout  # a staff command, answered
    assert "/start" not in result.stdout.split("you> /quit")[1]  # nothing is read after /quit


def test_sandbox_shows_the_share_contact_keyboard_and_takes_a_contact(tmp_path):
    result = _sandbox(tmp_path, "/volunteer\n1\nAigerim Sadykova\n12.05.1999\n/contact +77011234567\n", "--lang", "en")
    assert result.returncode == 0, result.stderr
    keyboard_lines = [line for line in result.stdout.splitlines() if "keyboard:" in line]
    assert keyboard_lines and "📱" in keyboard_lines[0]
    assert "+77011234567" in result.stdout.split("you> /contact")[1]


def test_sandbox_without_the_staff_flag_refuses_staff_commands(tmp_path):
    result = _sandbox(tmp_path, "/unanswered\n", "--lang", "en")
    assert "bot> This command is for the Society's staff only." in result.stdout


async def test_run_serves_start_through_the_api_base_url(emulator, tmp_path):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=_env(BOT_TOKEN=emulator.token, BOT_API_BASE_URL=emulator.base_url, DATABASE_PATH=str(tmp_path / "bot.sqlite3")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        user = emulator.user(501, "Arman", language_code="en")
        # The first update waits until the bot has started polling.
        (reply,) = await user.send("/start")
        assert reply.plain.startswith("Hello, Arman!")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
