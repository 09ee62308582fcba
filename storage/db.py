"""One SQLite file through aiosqlite: WAL, foreign keys, busy timeout, numbered migrations."""

from __future__ import annotations

import asyncio
import re
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
    """An open SQLite database; writes are serialised so transactions never interleave."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str, migrations_dir: Path = MIGRATIONS_DIR) -> "Database":
        """Open (creating if needed) the database file and bring its schema up to date."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; transaction() says BEGIN itself.
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows are overwritten with zeros, so erased personal data is not left in the file.
        await conn.execute("PRAGMA secure_delete = ON")
        db = cls(conn)
        try:
            await db.migrate(migrations_dir)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        """Close the connection (pending writes are already committed)."""
        await self.conn.close()

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate it (after erasing personal data)."""
        async with self._write_lock:
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write statement on its own; return the number of rows changed."""
        async with self._write_lock:
            cursor = await self.conn.execute(sql, tuple(params))
            return cursor.rowcount

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """Return the first row of a query, or None."""
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Return every row of a query."""
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run several statements atomically: all of them are written, or none."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

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
        for version, path in _migration_files(migrations_dir):
            if version in applied:
                continue
            try:
                async with self.transaction() as conn:
                    for statement in _statements(path.read_text(encoding="utf-8")):
                        await conn.execute(statement)
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        (version, path.name, utc_now()),
                    )
            except aiosqlite.Error as exc:
                raise MigrationError(f"migration {path.name} failed: {exc}") from exc
            done.append(version)
        return done


def _migration_files(migrations_dir: Path) -> list[tuple[int, Path]]:
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
