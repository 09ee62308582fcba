"""Shared fixtures: the Telegram emulator and the real bot Application talking to it."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.config import load_settings
from bot.content import load_or_raise
from bot.flood import FloodGuard
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.runner import serving
from bot.update_processor import PerUserUpdateProcessor
from storage.db import Database

STAFF_ID = 9000


def emulated_application(emu: TelegramEmulator) -> Application:
    """A bare Application on the emulator, with the bot's update processor (serving() lets it report each update)."""
    return (
        Application.builder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .concurrent_updates(PerUserUpdateProcessor())
        .build()
    )


@pytest.fixture
async def emulator():
    """A running Bot API emulator on 127.0.0.1."""
    async with TelegramEmulator(settle=0.15) as emu:
        emu.user(STAFF_ID, "Staff", language_code="en")  # staff have a chat with the bot
        yield emu


@pytest.fixture
def db_path(tmp_path):
    """The bot's SQLite file for this test."""
    return tmp_path / "bot.sqlite3"


@pytest.fixture
def make_settings(emulator, db_path):
    """Settings pointing the bot at the emulator, with one member of staff."""

    def make(**changes):
        base = load_settings({"ADMIN_IDS": str(STAFF_ID), "DATABASE_PATH": str(db_path)}, env_file=None)
        return base.with_changes(**{"bot_token": emulator.token, "bot_api_base_url": emulator.base_url, **changes})

    return make


@pytest.fixture(scope="session")
def project_content():
    """The project's content, loaded once for every test that does not change it."""
    settings = load_settings({}, env_file=None)
    return load_or_raise(settings.content_dir, settings.default_language)


@pytest.fixture
def running_bot(make_settings, emulator, project_content):
    """Start the real Application against the emulator: `async with running_bot() as app:`.

    Test users type much faster than people, so the flood guard is generous unless a test passes its own.
    """

    @asynccontextmanager
    async def run(flood_guard=None, **changes):
        content = None if "content_dir" in changes else project_content
        guard = flood_guard or FloodGuard(burst=10_000)
        application = build_application(make_settings(**changes), flood_guard=guard, content=content)
        # The bot reports each handled update to the emulator, so waits for replies end exactly.
        async with serving(application, emulator=emulator):
            yield application

    return run


@pytest.fixture
async def bot(running_bot):
    """The bot, serving for the whole test."""
    async with running_bot() as application:
        yield application


@pytest.fixture
async def read_db(db_path):
    """Open the bot's database file on its own, as a member of staff would."""
    opened = []

    async def open_db() -> Database:
        database = await Database.open(db_path)
        opened.append(database)
        return database

    yield open_db
    for database in opened:
        await database.close()
