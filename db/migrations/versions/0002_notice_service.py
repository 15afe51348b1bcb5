"""service (送达) of notices

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("served_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("service_method", sa.String(20), nullable=True))
        batch.add_column(sa.Column("service_recipient", sa.String(200), nullable=True))
        batch.add_column(sa.Column("receipt_id", sa.String(80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("receipt_id")
        batch.drop_column("service_recipient")
        batch.drop_column("service_method")
        batch.drop_column("served_at")
