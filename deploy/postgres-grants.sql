-- Least privilege for Qingling's application role on PostgreSQL (docs/security.md, "Tamper-evident history").
--
-- Two roles. The OWNER of the tables runs `qingling db upgrade` (the migrations) and nothing else. The
-- APPLICATION role is the one the workers and the API connect as (QINGLING_DATABASE_URL): it owns nothing, is
-- no superuser, and gets ordinary rights on every table except the history, `case_events`, which it may only
-- INSERT into and SELECT from — never UPDATE, DELETE or TRUNCATE. (Its rows are also hash-chained, so a change
-- made with the owner's rights is found by `qingling audit verify`.)
--
-- Create the application role once, yourself (this script creates no role and sets no password):
--
--   CREATE ROLE qingling_app LOGIN PASSWORD '…';
--
-- then run this script as the owner (or a superuser), in the application's database, and again after every
-- `qingling db upgrade` (it is idempotent; a migration may have created or recreated tables):
--
--   psql "postgresql://qingling_owner@db.example/qingling" -v app_role=qingling_app -f deploy/postgres-grants.sql
--
\set ON_ERROR_STOP on
BEGIN;

-- Start from nothing, so re-running it takes back anything granted by hand since.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"app_role";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"app_role";

-- Ordinary rights: read and write the read model, notices, users, calendars, digests, …
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- The history is append-only for the application: insert and read, nothing else.
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON case_events FROM :"app_role";

-- The schema's version is the migrations' (the owner's): the application may read it only.
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM :"app_role";

-- Tables and sequences a later migration creates get the ordinary rights until this script is run again.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";

COMMIT;
