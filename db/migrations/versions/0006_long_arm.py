"""long arm: the sub-processes' read model (tracks), the notices they issue, the public major-violation list

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

``tracks`` holds one row per sub-process of a case (the blacklist, the criminal referral), written with each of
their history rows; ``ix_tracks_public`` serves the public blacklist (listings whose term runs, newest first).
``notices.track_id`` names the sub-process that issued a notice (NULL: the case itself). ``cases.published_at`` is
when the head decided to publish the case as a major violation (人社部令第29号); ``ix_cases_published`` is the
public list's order. Nothing existing is filled in: no case was published and no sub-process ran before this.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracks",
        sa.Column("track_id", sa.String(80), nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("term_start", sa.Date, nullable=True),
        sa.Column("term_end", sa.Date, nullable=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("state", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], name=op.f("fk_tracks_case_id_cases")),
        sa.PrimaryKeyConstraint("track_id", name=op.f("pk_tracks")),
        sa.UniqueConstraint("case_id", "kind", "number", name="uq_tracks_case_kind_number"),
    )
    op.create_index(op.f("ix_tracks_case_id"), "tracks", ["case_id"])
    op.create_index("ix_tracks_public", "tracks", ["kind", "status", sa.text("term_start DESC"), "track_id"])
    op.add_column("notices", sa.Column("track_id", sa.String(80), nullable=True))
    op.add_column("cases", sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_cases_published", "cases", [sa.text("published_at DESC"), "case_id"])


def downgrade() -> None:
    op.drop_index("ix_cases_published", table_name="cases")
    # Plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35), not a batch: a batch would copy `cases` into a new table
    # and lose its generated columns' VIRTUAL form and the name-search triggers of migration 0003.
    op.drop_column("cases", "published_at")
    op.drop_column("notices", "track_id")
    op.drop_index("ix_tracks_public", table_name="tracks")
    op.drop_index(op.f("ix_tracks_case_id"), table_name="tracks")
    op.drop_table("tracks")
