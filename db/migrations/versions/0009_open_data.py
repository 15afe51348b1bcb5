"""open data: when a concluded case was concluded, as a column (the open-data list and figures by month)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

``cases.closed_at`` is filled for the cases already closed or refused from their state's ``closed_at``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch: a batch would copy `cases` into a new table and lose its generated columns'
    # VIRTUAL form and the name-search triggers of migration 0003 (as 0006 explains).
    op.add_column("cases", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_cases_closed", "cases", ["closed_at", "case_id"])
    bind = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("case_id", sa.String),
        sa.column("stage", sa.String),
        sa.column("state", sa.JSON),
        sa.column("closed_at", sa.DateTime(timezone=True)),
    )
    sqlite = bind.dialect.name == "sqlite"
    rows = bind.execute(sa.select(cases.c.case_id, cases.c.state).where(cases.c.stage.in_(["closed", "rejected"])))
    for case_id, state in rows.all():
        raw = state.get("closed_at") if isinstance(state, dict) else None
        if not raw:
            continue
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00")).astimezone(UTC)
        value = moment.replace(tzinfo=None) if sqlite else moment  # as db.tables.UtcDateTime stores it
        bind.execute(sa.update(cases).where(cases.c.case_id == case_id).values(closed_at=value))


def downgrade() -> None:
    op.drop_index("ix_cases_closed", table_name="cases")
    op.drop_column("cases", "closed_at")
