#!/bin/bash
# Roles for row-level security (README, "Security"). Run by the postgres image once,
# when the data directory is created, as POSTGRES_USER (the owner; migrations use it).
#   sportello_app       the application's login: not superuser, not owner, not BYPASSRLS,
#                       so every tenant table's policy binds it;
#   sportello_platform  no login, BYPASSRLS: the application switches to it (SET ROLE)
#                       only for Model.all_accounts queries (operators' admin, sweepers).
set -euo pipefail
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE sportello_app LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE sportello_platform NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS;
GRANT sportello_platform TO sportello_app;
GRANT USAGE ON SCHEMA public TO sportello_app, sportello_platform;
-- Tables and sequences the owner creates later (every migration) are usable by both.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sportello_app, sportello_platform;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO sportello_app, sportello_platform;
SQL
