"""console: the web console's signed-in sessions, and the audit view's indexes on the history (api/console)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(40), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], name=op.f("fk_console_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("session_hash", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_user_id"), "console_sessions", ["user_id"])
    op.create_index("ix_case_events_at", "case_events", [sa.text("at DESC"), sa.text("id DESC")])
    op.create_index("ix_case_events_actor_at", "case_events", ["actor", sa.text("at DESC"), sa.text("id DESC")])


def downgrade() -> None:
    op.drop_index("ix_case_events_actor_at", table_name="case_events")
    op.drop_index("ix_case_events_at", table_name="case_events")
    op.drop_index(op.f("ix_console_sessions_user_id"), table_name="console_sessions")
    op.drop_table("console_sessions")
