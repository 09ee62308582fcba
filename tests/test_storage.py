"""Storage on a real SQLite file: pragmas, migrations, the users repository."""

import asyncio
import shutil

import pytest

from storage.db import MIGRATIONS_DIR, Database, MigrationError, migration_files
from storage.users import UserRepository


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


async def test_database_file_uses_wal_foreign_keys_and_busy_timeout(db, tmp_path):
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
    assert (await db.fetchone("PRAGMA busy_timeout"))[0] >= 1000
    assert (tmp_path / "bot.sqlite3").is_file()


async def test_migrations_are_recorded_and_running_again_changes_nothing(db):
    versions = [row["version"] for row in await db.fetchall("SELECT version FROM schema_migrations ORDER BY version")]
    expected = sorted(int(p.name[:4]) for p in MIGRATIONS_DIR.glob("*.sql"))
    assert versions == expected
    assert await db.migrate() == []
    assert await db.schema_version() == expected[-1]


# Data written at each step of the stairway: what a Society's database held at that version.
STAIRWAY_DATA = {
    1: ["INSERT INTO users (id, language, first_seen, last_seen) VALUES (42, 'ru', 't', 't')"],
    2: ["INSERT INTO question_log (kind, question, lang, created_at) VALUES ('unknown', 'что такое мгп?', 'ru', 't')"],
    3: [
        "INSERT INTO subscribers (user_id, region, language, updated_at) VALUES (42, 'astana', 'ru', 't')",
        "INSERT INTO subscriptions (user_id, topic, created_at) VALUES (42, 'alerts', 't')",
        "INSERT INTO broadcasts (id, topic, region, status, created_at, total) VALUES (1, 'alerts', 'astana', 'done', 't', 1)",
        "INSERT INTO broadcasts (id, topic, status, created_at) VALUES (2, 'news', 'draft', 't')",
        "INSERT INTO broadcast_texts (broadcast_id, lang, text) VALUES (1, 'any', 'Flood warning'), (2, 'any', 'draft')",
        "INSERT INTO deliveries (broadcast_id, user_id, lang, status) VALUES (1, 42, 'ru', 'sent')",
    ],
    4: [
        "INSERT INTO applications (id, user_id, status, lang, full_name, created_at, updated_at, submitted_at)"
        " VALUES (7, 42, 'submitted', 'ru', 'Айгерим Нұрланқызы', 't', 't', 't')",
        "INSERT INTO application_events (application_id, status, actor, actor_id, at) VALUES (7, 'submitted', 'applicant', 42, 't')",
        "INSERT INTO application_posts (application_id, chat_id, message_id) VALUES (7, 9000, 55)",
    ],
}


async def test_a_database_climbs_every_real_migration_keeping_its_data(tmp_path):
    path, steps = tmp_path / "bot.sqlite3", tmp_path / "migrations"
    steps.mkdir()
    for version, migration in migration_files():
        shutil.copy(migration, steps)  # one more real migration, as each release added it
        db = await Database.open(path, migrations_dir=steps)
        try:
            assert await db.schema_version() == version
            for statement in STAIRWAY_DATA.get(version, []):
                await db.execute(statement)
        finally:
            await db.close()
    db = await Database.open(path)
    try:
        assert (await db.fetchone("SELECT language FROM users WHERE id = 42"))["language"] == "ru"
        assert (await db.fetchone("SELECT question FROM question_log"))["question"] == "что такое мгп?"
        broadcasts = await db.fetchall("SELECT id, topic, regions, status, priority FROM broadcasts")
        # The sent alert is kept with its region as a list; the old draft is not a broadcast any more.
        assert [tuple(b) for b in broadcasts] == [(1, "alerts", '["astana"]', "done", 1)]
        assert (await db.fetchone("SELECT status FROM deliveries WHERE user_id = 42"))["status"] == "sent"
        app = await db.fetchone("SELECT * FROM applications WHERE id = 7")
        assert (app["full_name"], app["status"], app["revision"]) == ("Айгерим Нұрланқызы", "submitted", 0)
        assert await db.fetchone("SELECT 1 FROM application_posts WHERE application_id = 7") is not None
        # Numbers are never reused once the applications table counts them (AUTOINCREMENT).
        await db.execute("DELETE FROM applications WHERE id = 7")
        await db.execute("INSERT INTO applications (user_id, status, lang, created_at, updated_at) VALUES (43, 'draft', 'en', 't', 't')")
        assert (await db.fetchone("SELECT MAX(id) AS id FROM applications"))["id"] == 8
    finally:
        await db.close()


async def test_readers_never_see_a_transaction_that_is_later_rolled_back(db):
    inside, release = asyncio.Event(), asyncio.Event()

    async def writer():
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (5, 'a', 'a')")
                inside.set()
                await release.wait()
                raise RuntimeError("rolled back")

    task = asyncio.create_task(writer())
    await inside.wait()
    assert await UserRepository(db).get(5) is None  # another task reads while the transaction is open
    release.set()
    await task
    assert await UserRepository(db).get(5) is None


async def test_a_backup_taken_during_writes_has_every_committed_row(db, tmp_path):
    users = UserRepository(db)
    for user_id in range(1, 201):
        await users.seen(user_id)

    async def keep_writing():
        for user_id in range(201, 401):
            await users.seen(user_id)

    writing = asyncio.create_task(keep_writing())
    await db.backup_to(tmp_path / "backup.sqlite3")
    await writing
    copy = await Database.open(tmp_path / "backup.sqlite3")
    try:
        ids = {row["id"] for row in await copy.fetchall("SELECT id FROM users")}
        assert set(range(1, 201)) <= ids  # everything committed before the backup began
        assert ids <= set(range(1, 401))  # and nothing half-written
    finally:
        await copy.close()


async def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_users.sql", migrations)
    (migrations / "0002_broken.sql").write_text("CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n")
    path = tmp_path / "bot.sqlite3"
    with pytest.raises(MigrationError, match="0002_broken.sql"):
        await Database.open(path, migrations_dir=migrations)
    (migrations / "0002_broken.sql").unlink()
    db = await Database.open(path, migrations_dir=migrations)
    try:
        assert await db.schema_version() == 1
        assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'half'") is None
    finally:
        await db.close()


async def test_users_language_seen_and_blocked(db):
    users = UserRepository(db)
    assert await users.get(7) is None
    await users.seen(7)
    first = await users.get(7)
    assert first.language is None and not first.blocked
    await users.set_language(7, "kk")
    await users.set_blocked(7, True)
    blocked = await users.get(7)
    assert blocked.language == "kk" and blocked.blocked
    await users.seen(7)  # writing to the bot again means they unblocked it
    back = await users.get(7)
    assert not back.blocked and back.first_seen == first.first_seen


async def test_a_bad_language_is_refused_by_the_schema(db):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        await UserRepository(db).set_language(7, "de")


async def test_a_transaction_is_all_or_nothing(db):
    users = UserRepository(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (1, 'a', 'a')")
            raise RuntimeError("stop half-way")
    assert await users.get(1) is None
