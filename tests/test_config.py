"""Settings: defaults, every variable, and one clear line for each bad value."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_API_BASE_URL, ConfigError, load_settings, require_token

PROJECT = Path(__file__).resolve().parent.parent


def test_defaults_match_the_design():
    settings = load_settings({}, env_file=None)
    assert settings.bot_token is None
    assert settings.bot_api_base_url == DEFAULT_API_BASE_URL
    assert settings.database_path == Path("data/bot.sqlite3")
    assert settings.content_dir == PROJECT / "content"
    assert settings.admin_ids == frozenset()
    assert settings.staff_chat_id is None
    assert settings.default_language == "kk"
    assert settings.broadcast_rate == 25.0
    assert (settings.paid_broadcast_rate, settings.paid_broadcast_stars) == (1000.0, 0.1)
    assert (settings.webhook_url, settings.webhook_secret, settings.listen, settings.port) == (None, None, "0.0.0.0", 8443)
    assert (settings.bot_username, settings.start_retries) == (None, 5)


def test_the_webhook_and_start_variables_are_read():
    settings = load_settings(
        {
            "PAID_BROADCAST_RATE": "500",
            "PAID_BROADCAST_STARS": "0",
            "WEBHOOK_URL": "https://bot.redcrescent.kz/telegram",
            "WEBHOOK_SECRET": "s3cret_value",
            "LISTEN": "127.0.0.1",
            "PORT": "8080",
            "BOT_USERNAME": "@rcsk_bot",
            "START_RETRIES": "2",
        },
        env_file=None,
    )
    assert (settings.paid_broadcast_rate, settings.paid_broadcast_stars) == (500.0, 0.0)
    assert (settings.webhook_url, settings.webhook_secret) == ("https://bot.redcrescent.kz/telegram", "s3cret_value")
    assert (settings.listen, settings.port, settings.bot_username, settings.start_retries) == ("127.0.0.1", 8080, "rcsk_bot", 2)


def test_every_variable_is_read(tmp_path):
    settings = load_settings(
        {
            "BOT_TOKEN": "123:abc_DEF-ghi",
            "BOT_API_BASE_URL": "http://localhost:8081/bot",
            "DATABASE_PATH": str(tmp_path / "x.db"),
            "CONTENT_DIR": str(tmp_path),
            "ADMIN_IDS": "11, 22,33",
            "STAFF_CHAT_ID": "-100123",
            "DEFAULT_LANGUAGE": "ru",
            "BROADCAST_RATE": "12.5",
        },
        env_file=None,
    )
    assert settings.bot_token == "123:abc_DEF-ghi"
    assert settings.bot_api_file_url == "http://localhost:8081/file/bot"
    assert settings.database_path == tmp_path / "x.db"
    assert settings.admin_ids == {11, 22, 33}
    assert settings.is_admin(22) and not settings.is_admin(44)
    assert settings.staff_chat_id == -100123
    assert settings.default_language == "ru"
    assert settings.broadcast_rate == 12.5


def test_env_file_is_read_and_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEFAULT_LANGUAGE=en\nADMIN_IDS=5\n")
    settings = load_settings({"ADMIN_IDS": "7"}, env_file=env_file)
    assert settings.default_language == "en"
    assert settings.admin_ids == {7}


@pytest.mark.parametrize(
    "variable, value",
    [
        ("BOT_TOKEN", "not a token"),
        ("BOT_API_BASE_URL", "ftp://example.org"),
        ("CONTENT_DIR", "/no/such/folder"),
        ("ADMIN_IDS", "12,abc"),
        ("STAFF_CHAT_ID", "staff"),
        ("DEFAULT_LANGUAGE", "de"),
        ("BROADCAST_RATE", "fast"),
        ("BROADCAST_RATE", "0"),
        ("BROADCAST_RATE", "-3"),
        ("PAID_BROADCAST_RATE", "2000"),
        ("PAID_BROADCAST_STARS", "101"),
        ("WEBHOOK_URL", "http://bot.redcrescent.kz/telegram"),
        ("WEBHOOK_URL", "https://"),
        ("WEBHOOK_SECRET", "has spaces"),
        ("PORT", "70000"),
        ("BOT_USERNAME", "1bot"),
        ("START_RETRIES", "0"),
    ],
)
def test_bad_value_names_the_variable(variable, value):
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value}, env_file=None)
    assert caught.value.variable == variable
    assert str(caught.value).startswith(variable)


def test_a_webhook_needs_its_secret():
    with pytest.raises(ConfigError) as caught:
        load_settings({"WEBHOOK_URL": "https://bot.redcrescent.kz/telegram"}, env_file=None)
    assert caught.value.variable == "WEBHOOK_SECRET"


def test_missing_token_says_how_to_get_one():
    with pytest.raises(ConfigError) as caught:
        require_token(load_settings({}, env_file=None))
    assert "@BotFather" in str(caught.value)
    assert "make sandbox" in str(caught.value)


def _run_cli(args, env, cwd):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_exits_2_with_one_line(tmp_path):
    result = _run_cli(["run"], {}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "BOT_TOKEN" in lines[0] and "make sandbox" in lines[0]


def test_bad_setting_at_start_exits_2_without_traceback(tmp_path):
    result = _run_cli(["run"], {"BOT_TOKEN": "1:x", "DEFAULT_LANGUAGE": "fr"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == ["error: DEFAULT_LANGUAGE: 'fr' is not one of kk, ru, en"]
