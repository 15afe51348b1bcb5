#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d): the roles and databases
# of Temporal (its schema job creates the tables) and of Qingling — the tables' owner, who runs the migrations, and
# the application role the services connect as (deploy/postgres-grants.sql gives it its rights). Passwords from the
# secret files; there is no default password anywhere.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
  -v temporal_pw="$(cat "$TEMPORAL_PASSWORD_FILE")" \
  -v owner_pw="$(cat "$OWNER_PASSWORD_FILE")" \
  -v app_pw="$(cat "$APP_PASSWORD_FILE")" <<'SQL'
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_pw';
CREATE ROLE qingling_owner LOGIN PASSWORD :'owner_pw';
CREATE ROLE qingling_app LOGIN PASSWORD :'app_pw';
CREATE DATABASE qingling OWNER qingling_owner;
SQL
