"""Engine and session factory.

SQLite runs in WAL mode with a busy timeout, and how a transaction begins depends on what it is for:

* ``async with sessions.begin() as s:`` is a **write** transaction. It starts with ``BEGIN IMMEDIATE``, taking
  the write lock up front: a deferred transaction that reads first and writes later fails with SQLITE_BUSY
  (no waiting) when another writer committed in between, and the activities read-then-write all the time
  (``save_case`` reads ``last_seq`` first, the document sequences read their last value).
* ``async with sessions() as s:`` is a **read** session (the API's requests, loading the calendar). It starts
  with a deferred ``BEGIN``: in WAL mode a reader takes no lock that a writer waits for, and it reads one
  snapshot however long it lasts, so a list's count and its page agree.
* A bare ``engine.begin()`` / ``engine.connect()`` (migrations, the CLI) begins IMMEDIATE, as a writer.

Why by factory method rather than by inspecting the statements: SQLite must be told the kind of transaction
in its very first statement, before the session has run anything, and the caller's choice of ``begin()``
versus ``()`` is the one thing known by then. The read session is bound to the same engine (same pool) with
the execution option ``qingling_sqlite_begin="DEFERRED"``, which the engine's ``begin`` hook reads. A read
session that does write anyway still works on SQLite; it just is not protected against SQLITE_BUSY, so write
with ``sessions.begin()``. PostgreSQL ignores the option: its transactions never block readers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession
from sqlalchemy.ext.asyncio.session import _AsyncSessionContextManager

from config.files import private_file, tighten_file

log = logging.getLogger(__name__)

SQLITE_BEGIN = "qingling_sqlite_begin"
"""Execution option naming the SQLite transaction kind: "IMMEDIATE" (the default) or "DEFERRED"."""
_BEGIN_KINDS = frozenset({"IMMEDIATE", "DEFERRED"})


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see _begin).
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            kind = conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
            if kind not in _BEGIN_KINDS:
                raise ValueError(f"{SQLITE_BEGIN} must be one of {sorted(_BEGIN_KINDS)}, not {kind!r}")
            conn.exec_driver_sql(f"BEGIN {kind}")

        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _ensure_sqlite_dir(url: str) -> None:
    """The database file made private before SQLite opens it: its missing directories are created 0700 and
    the file itself 0600 (created empty, which SQLite takes as an empty database, so that its -wal and -shm
    files, which SQLite creates with the database file's mode, are 0600 too); an existing database file,
    or one of its -wal/-shm files, readable by others is made 0600. An existing directory is left as it is
    (it may be shared); ``qingling dev`` makes its var dir 0700."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    for suffix in ("", *_SQLITE_COMPANIONS):
        target = path.with_name(path.name + suffix)
        try:
            if suffix:
                tighten_file(target)
            else:
                private_file(target)
        except OSError as exc:  # e.g. another user's file: say so; SQLite says if it cannot open it
            log.warning("无法将 %s 的权限设为 0600：%s", target, exc.strerror)


class SessionFactory(async_sessionmaker[AsyncSession]):
    """``factory()`` opens a read session (deferred BEGIN on SQLite), ``factory.begin()`` a write transaction
    (BEGIN IMMEDIATE on SQLite). See the module's docstring for why."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self.write_bind = engine
        self.read_bind = engine.execution_options(**{SQLITE_BEGIN: "DEFERRED"})

    def __call__(self, **local_kw: Any) -> AsyncSession:
        local_kw.setdefault("bind", self.read_bind)
        return super().__call__(**local_kw)

    def begin(self) -> _AsyncSessionContextManager[AsyncSession]:
        session = super().__call__(bind=self.write_bind)
        return session._maker_context_manager()


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return SessionFactory(engine)
