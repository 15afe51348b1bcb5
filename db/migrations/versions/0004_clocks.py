"""deadlines and escalations as rows (overdue filters, clear-to-zero report, reminders); daily digests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_deadlines",
        sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.case_id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("met_at", sa.Date),
        sa.Column("warn_on", sa.Date),
        sa.Column("escalate_after", sa.Date),
    )
    op.create_index("ix_case_deadlines_kind_status_due", "case_deadlines", ["kind", "status", "due"])
    op.create_index("ix_case_deadlines_status_due", "case_deadlines", ["status", "due"])
    op.create_index("ix_case_deadlines_case_status_kind_due", "case_deadlines", ["case_id", "status", "kind", "due"])
    op.create_table(
        "case_escalations",
        sa.Column("case_id", sa.String(40), sa.ForeignKey("cases.case_id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("deadline_kind", sa.String(40), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("addressee_role", sa.String(20), nullable=False),
        sa.Column("addressee", sa.String(40)),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("notice", sa.String(64)),
        sa.UniqueConstraint("case_id", "kind", "deadline_kind", "due", name="uq_case_escalations_alarm"),
    )
    op.create_index("ix_case_escalations_addressee_at", "case_escalations", ["addressee", "at"])
    op.create_index("ix_case_escalations_role_region_at", "case_escalations", ["addressee_role", "region_code", "at"])
    op.create_table(
        "digests",
        sa.Column("region_code", sa.String(6), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("digests")
    op.drop_index("ix_case_escalations_role_region_at", "case_escalations")
    op.drop_index("ix_case_escalations_addressee_at", "case_escalations")
    op.drop_table("case_escalations")
    op.drop_index("ix_case_deadlines_case_status_kind_due", "case_deadlines")
    op.drop_index("ix_case_deadlines_status_due", "case_deadlines")
    op.drop_index("ix_case_deadlines_kind_status_due", "case_deadlines")
    op.drop_table("case_deadlines")
