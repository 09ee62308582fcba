"""Ready for a real Society: start-up errors, webhook mode, health, backups, deep links, staff help, CLI details."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from bot.__main__ import main
from storage.db import Database
from tests.conftest import STAFF_ID
from tests.news_helpers import seed_subscribers

PROJECT = Path(__file__).resolve().parent.parent


def _env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH", "WEBHOOK_URL", "WEBHOOK_SECRET", "BOT_CRASH_AT")}
    env["PYTHONPATH"] = str(PROJECT)
    env.update(extra)
    return env


async def _run(tmp_path, *args, timeout=60, **env):
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=_env(**env),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=timeout)
    return process.returncode, out.decode(), err.decode()


async def test_a_rejected_token_is_one_line_without_the_token(emulator, tmp_path):
    token = "123456:THIS-IS-NOT-THE-TOKEN"
    code, out, err = await _run(tmp_path, "run", BOT_TOKEN=token, BOT_API_BASE_URL=emulator.base_url,
                                DATABASE_PATH=str(tmp_path / "bot.sqlite3"))
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].startswith("error: BOT_TOKEN: Telegram refused this token")
    assert token not in out + err and "THIS-IS-NOT" not in out + err and "Traceback" not in err
    assert len(lines) <= 2


async def test_an_unreachable_bot_api_is_retried_with_a_line_each_then_a_clear_exit(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "123456:SECRET-TOKEN-VALUE"
    code, out, err = await _run(tmp_path, "run", BOT_TOKEN=token, BOT_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
                                START_RETRIES="2", DATABASE_PATH=str(tmp_path / "bot.sqlite3"))
    assert code == 2
    assert "cannot reach the Bot API" in err and "try 1 of 2" in err
    assert err.strip().splitlines()[-1].startswith("error: cannot reach the Bot API at 127.0.0.1")
    assert "SECRET-TOKEN" not in out + err and "Traceback" not in err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_mode_receives_updates_with_the_secret_and_stops_cleanly(emulator, tmp_path):
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--webhook", cwd=tmp_path,
        env=_env(BOT_TOKEN=emulator.token, BOT_API_BASE_URL=emulator.base_url, DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
                 WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", WEBHOOK_SECRET="s3cret_value", LISTEN="127.0.0.1",
                 PORT=str(port)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        user = emulator.user(1801, "Arman", language_code="en")
        (reply,) = await user.send("/start")  # delivered by the emulator's POST to the bot's webhook server
        assert reply.plain.startswith("Hello, Arman!")
        webhook = emulator.webhook
        assert webhook is not None and webhook.url.endswith("/telegram") and webhook.secret_token == "s3cret_value"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()
    assert b"Traceback" not in err


def test_a_stopping_bot_does_not_wait_for_a_training_nobody_will_use(tmp_path):
    # A training that would never end: the process must still end when its main code does (CI's restarted
    # bots used to wait for their models to finish training with an empty cache before they could exit).
    script = (
        "import time\n"
        "from pathlib import Path\n"
        "from bot.knowledge import learned\n"
        "from bot.knowledge.loader import load_knowledge\n"
        "learned._train = lambda *args: time.sleep(600)\n"
        f"learned.start_training(load_knowledge(Path({str(PROJECT / 'content')!r})), str, str)\n"
        "print('training started')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stdout.strip()) == (0, "training started"), result.stderr


async def test_health_says_healthy_or_names_the_problem(tmp_path):
    code, out, _ = await _run(tmp_path, "health", DATABASE_PATH=str(tmp_path / "bot.sqlite3"))
    assert code == 0 and out.strip() == "healthy"
    broken = tmp_path / "content"
    shutil.copytree(PROJECT / "content", broken)
    (broken / "ui" / "en.yaml").write_text("menu: [not, a, mapping\n", encoding="utf-8")
    code, _, err = await _run(tmp_path, "health", DATABASE_PATH=str(tmp_path / "bot.sqlite3"), CONTENT_DIR=str(broken))
    assert code == 1 and "unhealthy: content" in err and "en.yaml" in err


async def test_a_backup_from_the_command_line_is_a_database_with_every_row(tmp_path, emulator):
    db_path = tmp_path / "bot.sqlite3"
    await seed_subscribers(db_path, emulator, list(range(1900, 1950)))
    code, out, err = await _run(tmp_path, "backup", str(tmp_path / "copy.sqlite3"), DATABASE_PATH=str(db_path))
    assert code == 0, err
    copy = await Database.open(tmp_path / "copy.sqlite3")
    try:
        assert (await copy.fetchone("SELECT COUNT(*) AS n FROM subscriptions"))["n"] == 50
    finally:
        await copy.close()


async def test_links_for_posters(tmp_path):
    code, out, _ = await _run(tmp_path, "links", BOT_USERNAME="rcsk_bot")
    assert code == 0
    assert "https://t.me/rcsk_bot?start=volunteer" in out and "https://t.me/rcsk_bot?start=subscribe" in out
    assert "https://t.me/rcsk_bot?start=news" in out and "https://t.me/rcsk_bot?start=quiz" in out


def test_command_line_details_are_clear(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    assert main(["ask", ""]) == 2
    assert "the question is empty" in capsys.readouterr().err
    assert main(["news", "send", "--text", "x", "--region", "almaty"]) == 0  # almaty is the region
    capsys.readouterr()
    assert main(["news", "send", "--text", "x", "--region", "almati_city"]) == 2
    err = capsys.readouterr().err
    assert "unknown region 'almati_city'" in err and "almaty_city" in err and "Valid ids:" in err
    assert main(["news", "send", "--text", "x", "--paid"]) == 2
    assert "--topic alerts" in capsys.readouterr().err


async def test_deep_links_open_their_place(bot, emulator, read_db):
    (consent,) = await emulator.user(1811, language_code="en").send("/start volunteer")
    assert "Consent to the processing of personal data" in consent.plain
    (settings,) = await emulator.user(1812, language_code="en").send("/start subscribe")
    assert "✅ 📰 News" in [b for row in settings.buttons for b in row]
    (news,) = await emulator.user(1813, language_code="en").send("/start news")
    assert "latest announcements" in news.plain
    (entry,) = await emulator.user(1814, language_code="en").send("/start first-aid-cpr")
    assert "30" in entry.plain and "112" in entry.plain
    (hello,) = await emulator.user(1815, "Dana", language_code="en").send("/start no-such-place")
    assert hello.plain.startswith("Hello, Dana!")


async def test_news_does_not_invite_a_subscriber_to_subscribe_again(bot, emulator):
    user = emulator.user(1821, language_code="en")
    (before,) = await user.send("/news")
    assert "subscribe: /subscribe" in before.plain
    await user.send("/subscribe")
    await user.press("▫️ 📰 News")
    (after,) = await user.send("/news")
    assert "You are subscribed" in after.plain and "subscribe: /subscribe" not in after.plain


async def test_help_shows_staff_their_commands_and_no_one_else(bot, emulator):
    (public,) = await emulator.user(1831, language_code="en").send("/help")
    assert "/announce" not in public.plain
    (staff,) = await emulator.user(STAFF_ID, language_code="en").send("/help")
    assert "/announce" in staff.plain and "/applications" in staff.plain and "/unanswered" in staff.plain


async def test_a_second_tap_on_a_selected_option_is_a_quiet_no_op(bot, emulator, db_path):
    await seed_subscribers(db_path, emulator, [1841])
    staff = emulator.user(STAFF_ID, language_code="en")
    await staff.send("/announce")
    await staff.send("Quiet taps")
    await staff.press("Next: who gets it")
    await staff.press("✅ All languages")
    await staff.press("✅ 📰 News")
    (language,) = await staff.send("/language")
    (changed,) = await staff.press("English", message=language)
    assert changed.message_id == language.message_id  # the picker turns into the menu in place
    assert not any("went wrong" in m.plain or "Error while handling" in m.plain for m in staff.messages)
    assert bot.bot_data.services.errors == 0
