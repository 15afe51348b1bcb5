"""Gapless document-number sequences per issuer, type and year.

The increment is an UPDATE … RETURNING inside the caller's transaction: PostgreSQL's row lock
serialises concurrent issuers, SQLite's write lock does the same, and a rolled-back transaction
gives its number back, so numbers are never skipped or reused.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import doc_sequences


async def next_value(session: AsyncSession, issuer: str, doc_type: str, year: int) -> int:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(doc_sequences).values(issuer=issuer, doc_type=doc_type, year=year, last_value=0).on_conflict_do_nothing()
    )
    result = await session.execute(
        update(doc_sequences)
        .where(
            doc_sequences.c.issuer == issuer,
            doc_sequences.c.doc_type == doc_type,
            doc_sequences.c.year == year,
        )
        .values(last_value=doc_sequences.c.last_value + 1)
        .returning(doc_sequences.c.last_value)
    )
    return int(result.scalar_one())
