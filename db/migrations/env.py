"""Alembic environment: migrations run on a connection handed in by db.migrate (async engines)."""

from __future__ import annotations

from alembic import context

from db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `qingling db upgrade` (db.migrate.upgrade)")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
