#!/bin/bash
# Roles for row-level security (README, "Security"). Run by the postgres image once,
# when the data directory is created, as POSTGRES_USER (the owner; migrations use it).
# Also safe to run by hand against an existing database (the grants cover the tables
# that exist), with PGHOST & co. pointing at it.
#   sportello_app       the application's login: not superuser, not owner, not BYPASSRLS,
#                       and a member of no role at all, so every policy binds it and it
#                       can switch (SET ROLE) to nothing that would lift one;
#   sportello_platform  a login of its own, BYPASSRLS, for what crosses accounts on
#                       purpose (Model.all_accounts: operators' admin, delivery sweeper,
#                       tracking webhooks), reached by DATABASE_PLATFORM_URL only.
# APP_DB_ROLE / PLATFORM_DB_ROLE rename them (tests/security/test_database_roles.py runs
# this script with names of its own).
set -euo pipefail
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set}"
: "${PLATFORM_DB_PASSWORD:?PLATFORM_DB_PASSWORD must be set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_role="${APP_DB_ROLE:-sportello_app}" \
    -v platform_role="${PLATFORM_DB_ROLE:-sportello_platform}" \
    -v app_password="$APP_DB_PASSWORD" -v platform_password="$PLATFORM_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
CREATE ROLE :"platform_role" LOGIN PASSWORD :'platform_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS NOREPLICATION;
-- Deliberately no GRANT of one role to the other: the application can never become
-- the platform, however its SQL is made to read.
GRANT USAGE ON SCHEMA public TO :"app_role", :"platform_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public
    TO :"app_role", :"platform_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role", :"platform_role";
-- Tables and sequences the owner creates later (every migration) are usable by both.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role", :"platform_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app_role", :"platform_role";
SQL
