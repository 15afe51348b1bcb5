"""signals: early warnings from a wage-payment monitoring platform (api/routes/signals.py)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24

One row per (platform, signal id): a signal reported twice is recorded once. Nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.create_table(
        "signals",
        sa.Column("source_user_id", sa.String(40), nullable=False),
        sa.Column("signal_id", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("employer_uscc", sa.String(18), nullable=False),
        sa.Column("project_name", sa.String(100)),
        sa.Column("payload", json_type, nullable=False),
        sa.Column("outcome", sa.String(20)),
        sa.Column("case_id", sa.String(40)),
        sa.Column("resolved_by", sa.String(40)),
        sa.ForeignKeyConstraint(["source_user_id"], ["users.user_id"], name=op.f("fk_signals_source_user_id_users")),
        sa.PrimaryKeyConstraint("source_user_id", "signal_id", name=op.f("pk_signals")),
    )
    op.create_index(op.f("ix_signals_case_id"), "signals", ["case_id"])
    op.create_index("ix_signals_region_outcome_received", "signals", ["region_code", "outcome", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_signals_region_outcome_received", table_name="signals")
    op.drop_index(op.f("ix_signals_case_id"), table_name="signals")
    op.drop_table("signals")
