"""Database tables: the read model (cases), the append-only history, notices, sequences, users.

Money is stored as integer fen so SQLite and PostgreSQL hold it exactly alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

JsonType = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


cases = Table(
    "cases",
    metadata,
    Column("case_id", String(40), primary_key=True),
    Column("case_number", String(64), unique=True),
    Column("stage", String(20), nullable=False, index=True),
    Column("region_code", String(6), nullable=False, index=True),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("employer_name", String(200), nullable=False),
    Column("employer_uscc", String(18), nullable=False, index=True),
    Column("worker_count", Integer, nullable=False),
    Column("owed_fen", BigInteger, nullable=False),
    Column("paid_fen", BigInteger, nullable=False),
    Column("outstanding_fen", BigInteger, nullable=False),
    Column("assignee", String(40)),
    Column("next_due", Date, index=True),
    Column("last_seq", Integer, nullable=False),
    Column("state", JsonType, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(40), ForeignKey("cases.case_id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("actor", String(40), nullable=False),
    Column("actor_role", String(20), nullable=False),
    Column("stage_before", String(20)),
    Column("stage_after", String(20), nullable=False),
    Column("data", JsonType, nullable=False),
    UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),
)

notices = Table(
    "notices",
    metadata,
    Column("notice_id", String(80), primary_key=True),
    Column("case_id", String(40), ForeignKey("cases.case_id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("occurrence", Integer, nullable=False),
    Column("doc_number", String(64), nullable=False, unique=True),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("size", Integer, nullable=False),
    UniqueConstraint("case_id", "kind", "occurrence", name="uq_notices_case_kind_occurrence"),
)

doc_sequences = Table(
    "doc_sequences",
    metadata,
    Column("issuer", String(32), primary_key=True),
    Column("doc_type", String(16), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_value", Integer, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("user_id", String(40), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("regions", JsonType, nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

calendar_years = Table(
    "calendar_years",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("data", JsonType, nullable=False),
    Column("source", Text, nullable=False),
    Column("loaded_at", UtcDateTime(), nullable=False),
)
