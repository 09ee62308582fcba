"""Storage on a real SQLite file: pragmas, migrations, the users repository."""

import shutil

import pytest

from storage.db import MIGRATIONS_DIR, Database, MigrationError
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


async def test_an_older_database_upgrades_in_place_keeping_its_data(tmp_path):
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_users.sql", old_dir)
    path = tmp_path / "bot.sqlite3"
    old = await Database.open(path, migrations_dir=old_dir)
    await UserRepository(old).set_language(42, "ru")
    await old.close()

    new_dir = tmp_path / "new"
    shutil.copytree(old_dir, new_dir)
    (new_dir / "0002_user_note.sql").write_text("ALTER TABLE users ADD COLUMN note TEXT;\nUPDATE users SET note = 'kept';\n")
    upgraded = await Database.open(path, migrations_dir=new_dir)
    try:
        assert await upgraded.schema_version() == 2
        row = await upgraded.fetchone("SELECT language, note FROM users WHERE id = 42")
        assert (row["language"], row["note"]) == ("ru", "kept")
    finally:
        await upgraded.close()


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
