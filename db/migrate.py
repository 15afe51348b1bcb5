"""Apply Alembic migrations on an async engine (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


class SchemaNotCurrent(RuntimeError):
    """The database is not at this release's schema: a service refuses to start rather than fail mid-case."""


def _revisions(connection: Connection) -> tuple[str | None, str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None  # the package ships its migrations
    return MigrationContext.configure(connection).get_current_revision(), head


async def schema_revisions(engine: AsyncEngine) -> tuple[str | None, str]:
    """The database's revision (None: never migrated) and this release's head."""
    async with engine.connect() as conn:
        return await conn.run_sync(_revisions)


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


async def require_current_schema(engine: AsyncEngine, url: str) -> None:
    """Raise SchemaNotCurrent, naming the command that fixes it, unless the database is at this release's head.
    ``url`` is shown without its password."""
    current, head = await schema_revisions(engine)
    if current == head:
        return
    if current is None:
        raise SchemaNotCurrent(
            f"数据库 {url} 尚未建立表结构（未执行迁移）。请先执行 `qingling db upgrade`（使用相同的 "
            "QINGLING_DATABASE_URL），再启动本服务"
        )
    if current not in known_revisions():
        raise SchemaNotCurrent(
            f"数据库 {url} 的表结构版本 {current} 比本程序更新（本程序为 {head}）：请使用与数据库相同或更新的"
            "版本，切勿用旧版本程序连接已升级的数据库"
        )
    raise SchemaNotCurrent(
        f"数据库 {url} 的表结构版本为 {current}，本程序需要 {head}。请先执行 `qingling db upgrade`"
        "（使用相同的 QINGLING_DATABASE_URL；升级前请备份），再启动本服务"
    )
