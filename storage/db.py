"""One SQLite file through aiosqlite: a single writer, a separate reader, numbered migrations.

Writes go through one connection and one lock, so transactions never interleave. Reads go
through a second connection: in WAL mode it sees only committed data, so a task never reads
rows of another task's transaction that may still be rolled back.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Iterable

import aiosqlite

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000


def utc_now() -> str:
    """Return the current time as ISO 8601 UTC text, the format every table uses."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class MigrationError(Exception):
    """A migration file is misnamed or failed; the database is left as it was."""


class Database:
    """An open SQLite database: `execute`/`transaction` write, `fetchone`/`fetchall` read committed data."""

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, path: Path) -> None:
        self._writer = writer
        self._reader = reader
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str, migrations_dir: Path = MIGRATIONS_DIR) -> "Database":
        """Open (creating if needed) the database file and bring its schema up to date."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
        try:
            await _pragma(writer, "PRAGMA journal_mode = WAL")
            db = cls(writer, await _connect(path), path)
        except BaseException:
            await writer.close()
            raise
        try:
            await db.migrate(migrations_dir)
        except BaseException:
            await db.close()
            raise
        return db

    async def close(self) -> None:
        """Close both connections (every write is already committed)."""
        await self._reader.close()
        await self._writer.close()

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate it (after erasing personal data)."""
        async with self._write_lock:
            await _pragma(self._writer, "PRAGMA wal_checkpoint(TRUNCATE)")

    async def backup_to(self, target: Path) -> None:
        """Write a consistent copy of the database to `target` with SQLite's online backup (safe while writing)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        destination = await aiosqlite.connect(partial)
        try:
            await self._reader.backup(destination)
        finally:
            await destination.close()
        shutil.move(partial, target)

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write statement on its own; return the number of rows changed."""
        async with self._write_lock:
            cursor = await self._writer.execute(sql, tuple(params))
            return cursor.rowcount

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """Return the first row of a query over committed data, or None."""
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Return every row of a query over committed data."""
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run several statements atomically: all of them are written, or none.

        Inside, read through the yielded connection: it sees the transaction's own writes.
        """
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")

    async def schema_version(self) -> int:
        """Return the number of the newest migration applied."""
        row = await self.fetchone("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        return int(row["v"]) if row else 0

    async def migrate(self, migrations_dir: Path = MIGRATIONS_DIR) -> list[int]:
        """Apply the migrations not yet recorded, in order, each in its own transaction."""
        await self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = {row["version"] for row in await self.fetchall("SELECT version FROM schema_migrations")}
        done = []
        # A migration may rebuild a table (SQLite's way to change a column); with foreign keys on,
        # dropping the old table would cascade-delete its children. So they are off meanwhile and
        # checked before each commit.
        await self._writer.execute("PRAGMA foreign_keys = OFF")
        try:
            for version, path in migration_files(migrations_dir):
                if version in applied:
                    continue
                try:
                    async with self.transaction() as conn:
                        for statement in _statements(path.read_text(encoding="utf-8")):
                            await conn.execute(statement)
                        broken = await (await conn.execute("PRAGMA foreign_key_check")).fetchall()
                        if broken:
                            raise MigrationError(f"migration {path.name} broke {len(broken)} foreign key(s)")
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                            (version, path.name, utc_now()),
                        )
                except aiosqlite.Error as exc:
                    raise MigrationError(f"migration {path.name} failed: {exc}") from exc
                done.append(version)
        finally:
            await self._writer.execute("PRAGMA foreign_keys = ON")
        return done


async def _connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: no implicit transactions; transaction() says BEGIN itself.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA synchronous = NORMAL")
    # Deleted rows are overwritten with zeros, so erased personal data is not left in the file.
    await conn.execute("PRAGMA secure_delete = ON")
    return conn


async def _pragma(conn: aiosqlite.Connection, sql: str) -> list:
    """Run a pragma that answers with rows, reading them (an unread statement would keep the file locked)."""
    async with conn.execute(sql) as cursor:
        return list(await cursor.fetchall())


def migration_files(migrations_dir: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """The migration files in order of their number."""
    files = []
    for path in migrations_dir.glob("*.sql"):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_what_it_does.sql")
        files.append((int(match.group(1)), path))
    files.sort()
    versions = [v for v, _ in files]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migration files share a number in {migrations_dir}")
    return files


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    leftover = "".join(l for l in current.splitlines(keepends=True) if not l.strip().startswith("--"))
    if leftover.strip():
        raise MigrationError(f"unterminated statement: {leftover.strip()[:60]}")
    return statements
