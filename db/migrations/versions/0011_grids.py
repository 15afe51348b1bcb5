"""routing: grids with their inspectors, the codes they cover, inspectors' absences (rules/routing.py)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24

Empty until `qingling grids load`: until then every complaint goes to its region's queue.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grids",
        sa.Column("grid_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("inspector_id", sa.String(40), nullable=False),
        sa.Column("deputy_id", sa.String(40)),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.user_id"], name=op.f("fk_grids_inspector_id_users")),
        sa.ForeignKeyConstraint(["deputy_id"], ["users.user_id"], name=op.f("fk_grids_deputy_id_users")),
        sa.PrimaryKeyConstraint("grid_id", name=op.f("pk_grids")),
    )
    op.create_table(
        "grid_areas",
        sa.Column("area_code", sa.String(9), nullable=False),
        sa.Column("grid_id", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.grid_id"], name=op.f("fk_grid_areas_grid_id_grids")),
        sa.PrimaryKeyConstraint("area_code", name=op.f("pk_grid_areas")),
    )
    op.create_index(op.f("ix_grid_areas_grid_id"), "grid_areas", ["grid_id"])
    op.create_table(
        "absences",
        sa.Column("user_id", sa.String(40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], name=op.f("fk_absences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "starts_on", name=op.f("pk_absences")),
    )


def downgrade() -> None:
    op.drop_table("absences")
    op.drop_index(op.f("ix_grid_areas_grid_id"), table_name="grid_areas")
    op.drop_table("grid_areas")
    op.drop_table("grids")
