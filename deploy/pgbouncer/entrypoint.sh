#!/bin/sh
# The logins PgBouncer lets through, with the passwords it also uses towards PostgreSQL
# (SCRAM both ways): the application's and the platform's (deploy/postgres/10-app-roles.sh).
set -eu
umask 077
: "${APP_DB_PASSWORD:?}" "${PLATFORM_DB_PASSWORD:?}"
printf '"%s" "%s"\n"%s" "%s"\n' \
    sportello_app "$APP_DB_PASSWORD" sportello_platform "$PLATFORM_DB_PASSWORD" \
    > /tmp/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
