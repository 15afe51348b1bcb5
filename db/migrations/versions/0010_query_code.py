"""the complainant's query code: the digest of the code printed on the 受理通知书 (api/routes/follow.py)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24

Cases accepted before this have no code: their complainants are told one on a 受理通知书 issued from now on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch: a batch would copy `cases` into a new table and lose its generated columns'
    # VIRTUAL form and the name-search triggers of migration 0003 (as 0006 explains).
    op.add_column("cases", sa.Column("query_digest", sa.String(64), nullable=True))
    op.create_index("ix_cases_query_digest", "cases", ["query_digest"])


def downgrade() -> None:
    op.drop_index("ix_cases_query_digest", table_name="cases")
    op.drop_column("cases", "query_digest")
