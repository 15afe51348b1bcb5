"""Files under var/ are the owner's only: directories 0700, files 0600, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.notices import store_pdf
from config.files import open_private, private_dir, private_file, write_private
from db.migrate import upgrade
from db.session import make_engine
from qingling.dev import ensure_demo_users


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that takes nothing away: the modes must come from chmod, not from the umask."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
async def test_the_sqlite_database_and_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "var" / "data" / "qingling.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("SELECT count(*) FROM users"))).scalar() == 0
            for companion in ("-wal", "-shm"):  # made by SQLite with the database file's mode
                assert mode(path.with_name(path.name + companion)) == 0o600, companion
    finally:
        await engine.dispose()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700


@pytest.mark.usefixtures("open_umask")
async def test_an_existing_database_open_to_others_is_closed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    await engine.dispose()
    for p in [path, *tmp_path.glob("old.db-*")]:
        p.chmod(0o644)
    tmp_path.chmod(0o755)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await engine.dispose()
    assert mode(path) == 0o600 and all(mode(p) == 0o600 for p in tmp_path.glob("old.db-*"))
    assert mode(tmp_path) == 0o755  # not ours to change: the database may sit in a shared directory


@pytest.mark.usefixtures("open_umask")
def test_stored_notices(tmp_path: Path) -> None:
    notice_dir = tmp_path / "var" / "notices"
    digest, path = store_pdf(notice_dir, b"%PDF-1.7 test")
    assert path == notice_dir / digest[:2] / f"{digest}.pdf" and path.read_bytes() == b"%PDF-1.7 test"
    assert mode(path) == 0o600
    assert mode(path.parent) == mode(notice_dir) == mode(notice_dir.parent) == 0o700
    again, _ = store_pdf(notice_dir, b"%PDF-1.7 other")
    assert mode(notice_dir / again[:2] / f"{again}.pdf") == 0o600


@pytest.mark.usefixtures("open_umask")
def test_the_helpers(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    made = private_dir(shared / "a" / "b")
    assert mode(made) == mode(made.parent) == 0o700 and mode(shared) == 0o755
    assert mode(private_dir(shared, tighten=True)) == 0o700

    loose = tmp_path / "loose.txt"
    loose.write_text("x")
    loose.chmod(0o664)
    assert mode(private_file(loose)) == 0o600 and loose.read_text() == "x"  # tightened, not emptied
    assert mode(private_file(tmp_path / "new" / "empty")) == 0o600 and mode(tmp_path / "new") == 0o700

    log = tmp_path / "logs" / "temporal.log"
    with open_private(log) as out:
        out.write(b"one\n")
    with open_private(log) as out:
        out.write(b"two\n")
    assert log.read_bytes() == b"one\ntwo\n" and mode(log) == 0o600 and mode(log.parent) == 0o700

    secret = tmp_path / "tokens" / "dev-tokens.json"
    write_private(secret, b"{}")
    write_private(secret, b'{"a": 1}')
    assert secret.read_bytes() == b'{"a": 1}' and mode(secret) == 0o600 and mode(secret.parent) == 0o700
    assert [p.name for p in secret.parent.iterdir()] == [secret.name]  # no temporary file left


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.usefixtures("open_umask")
async def test_dev_token_file(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> None:
    token_file = tmp_path / "var" / "dev-tokens.json"
    await ensure_demo_users(sessions, token_file)
    assert mode(token_file) == 0o600 and mode(token_file.parent) == 0o700
