#!/bin/sh
# One-shot Temporal schema job (deploy/compose.yaml, service temporal-schema), run with the admin-tools image of the
# server's release: creates the two databases if missing, sets up the schema on a new database and applies every
# versioned update on an existing one. Safe to run again on each upgrade of the server.
set -eu
export SQL_PASSWORD="$(cat /run/secrets/temporal_db_password)"
schema=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$schema/temporal/versioned" ;;
    *) dir="$schema/visibility/versioned" ;;
  esac
  temporal-sql-tool --db "$db" create-database || true   # exists already: fine
  temporal-sql-tool --db "$db" setup-schema -v 0.0        # a no-op on a database that has its schema
  temporal-sql-tool --db "$db" update-schema -d "$dir"
done
echo "temporal schema up to date"
