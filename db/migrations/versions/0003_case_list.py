"""case list: jurisdiction columns, list-order indexes, name search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Every filter of the case list gets an index that starts with it and continues in the list's order
(received_at desc, case_id), so a page is an index walk that stops after `limit` keys. A user's jurisdiction
is a 2-, 4- or 6-digit region prefix: `province_code` and `city_code` are generated from `region_code`
(so no writer can get them wrong) and indexed like it.

Name search (a substring of the employer's name) uses trigrams over `employer_name_spaced`, the name with "x"
between its characters (db.cases.spaced_name): a two-character query (恒泰, as Chinese trade names often are)
becomes three characters (恒x泰) that a trigram index serves. On SQLite an FTS5 table with the trigram
tokenizer (SQLite >= 3.34), kept in sync with `cases` by triggers; on PostgreSQL a pg_trgm GIN index (pg_trgm
ships in postgresql-contrib, which Debian's server package depends on; it is a trusted extension, so the
database owner may create it; the database's LC_CTYPE must be a UTF-8 one, such as C.UTF-8, for pg_trgm to see
Chinese characters as letters). Where neither can be made the migration logs a warning and the search scans.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# (leading equality column, *the list's order, *the other filters' columns): a walk that tests stage,
# next_due or (unfiltered) the name along the way reads the index alone, never the table
LISTS = {
    "ix_cases_list": ["received_at DESC", "case_id", "stage", "next_due", "employer_name"],
    "ix_cases_stage_list": ["stage", "received_at DESC", "case_id", "next_due"],
    "ix_cases_region_list": ["region_code", "received_at DESC", "case_id", "stage", "next_due"],
    "ix_cases_city_list": ["city_code", "received_at DESC", "case_id", "stage", "next_due"],
    "ix_cases_province_list": ["province_code", "received_at DESC", "case_id", "stage", "next_due"],
    "ix_cases_next_due_list": ["next_due", "received_at DESC", "case_id"],
}
REPLACED = {"ix_cases_stage": "stage", "ix_cases_region_code": "region_code", "ix_cases_next_due": "next_due"}
SEPARATOR = "x"  # db.cases.NAME_SEPARATOR, frozen here as this migration wrote it

FTS = "cases_name_fts"
SQLITE_FTS = [
    # A table of its own (not external content): the cases table has no stable integer key (its rowid may
    # change on VACUUM), so each row carries the case_id it stands for.
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(name_spaced, case_id UNINDEXED, tokenize='trigram')",
    f"INSERT INTO {FTS} (name_spaced, case_id) SELECT employer_name_spaced, case_id FROM cases",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON cases BEGIN
        INSERT INTO {FTS} (name_spaced, case_id) VALUES (new.employer_name_spaced, new.case_id);
    END""",
    # An employer's name is fixed at intake; when it does change the old entry is found by a scan (rare).
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF employer_name_spaced, case_id ON cases
    WHEN old.employer_name_spaced IS NOT new.employer_name_spaced OR old.case_id IS NOT new.case_id BEGIN
        DELETE FROM {FTS} WHERE case_id = old.case_id;
        INSERT INTO {FTS} (name_spaced, case_id) VALUES (new.employer_name_spaced, new.case_id);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON cases BEGIN
        DELETE FROM {FTS} WHERE case_id = old.case_id;
    END""",
]


def upgrade() -> None:
    bind = op.get_bind()
    # Generated columns: VIRTUAL on SQLite (ALTER TABLE cannot add STORED ones; an index on them is stored all
    # the same), STORED on PostgreSQL (18 would make them VIRTUAL by default, and cannot index those).
    stored = bind.dialect.name != "sqlite"
    for name, length in (("province_code", 2), ("city_code", 4)):
        generated = sa.Computed(f"substr(region_code, 1, {length})", persisted=stored)
        op.add_column("cases", sa.Column(name, sa.String(length), generated, nullable=False))
    op.add_column("cases", sa.Column("employer_name_spaced", sa.String(400), nullable=True))
    _fill_spaced_names(bind)
    for name in REPLACED:
        op.drop_index(name, table_name="cases")
    for name, columns in LISTS.items():
        op.create_index(name, "cases", [sa.text(c) if " " in c else c for c in columns])
    if bind.dialect.name == "sqlite":
        _sqlite_name_search(bind)
    elif bind.dialect.name == "postgresql":
        _postgresql_name_search(bind)


def _fill_spaced_names(bind: sa.Connection) -> None:
    cases = sa.table("cases", sa.column("case_id"), sa.column("employer_name"), sa.column("employer_name_spaced"))
    rows = bind.execute(sa.select(cases.c.case_id, cases.c.employer_name)).all()
    update = (
        cases.update().where(cases.c.case_id == sa.bindparam("id")).values(employer_name_spaced=sa.bindparam("spaced"))
    )
    for start in range(0, len(rows), 1000):
        batch = rows[start : start + 1000]
        bind.execute(update, [{"id": r.case_id, "spaced": SEPARATOR.join(r.employer_name)} for r in batch])


def _sqlite_name_search(bind: sa.Connection) -> None:
    try:
        with bind.begin_nested():
            bind.exec_driver_sql(f"CREATE VIRTUAL TABLE temp.{FTS}_probe USING fts5(x, tokenize='trigram')")
            bind.exec_driver_sql(f"DROP TABLE temp.{FTS}_probe")
    except sa.exc.OperationalError as exc:
        log.warning("SQLite without the FTS5 trigram tokenizer (%s): case name search will scan", exc)
        return
    for statement in SQLITE_FTS:
        bind.exec_driver_sql(statement)


def _postgresql_name_search(bind: sa.Connection) -> None:
    available = bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first()
    if available is None:
        log.warning("pg_trgm is not installed (postgresql-contrib): case name search will scan")
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        log.warning("could not create extension pg_trgm (%s): case name search will scan", exc.orig)
        return
    if not bind.exec_driver_sql("SELECT cardinality(show_trgm('恒泰')) > 0").scalar():
        log.warning("pg_trgm sees no letters in Chinese text (LC_CTYPE is not UTF-8): case name search will scan")
    op.create_index(
        "ix_cases_employer_name_trgm",
        "cases",
        ["employer_name_spaced"],
        postgresql_using="gin",
        postgresql_ops={"employer_name_spaced": "gin_trgm_ops"},
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for suffix in ("insert", "update", "delete"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS}")
    elif bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_cases_employer_name_trgm")
    for name in LISTS:
        op.drop_index(name, table_name="cases")
    for name, column in REPLACED.items():
        op.create_index(name, "cases", [column])
    for name in ("employer_name_spaced", "city_code", "province_code"):
        op.drop_column("cases", name)
