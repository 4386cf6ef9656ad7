#!/bin/bash
# Restores what deploy/backup/backup.sh wrote into a cluster (README, "Operations" →
# "Restore drill"). Connection: libpq variables for the target cluster's superuser
# (PGHOST, PGPORT, PGUSER). The database named by PGDATABASE must not exist yet.
#   deploy/backup/restore.sh BACKUP_DIR MEDIA_ROOT
# Then set the logins' passwords again (ALTER ROLE sportello_app PASSWORD '…', and
# sportello_platform), point DATABASE_URL / DATABASE_PLATFORM_URL at it and run
# `manage.py migrate` (a no-op on a backup of the running release; it re-checks the
# row-level security policies and same-account keys).
set -euo pipefail
backup_dir=${1:?usage: restore.sh BACKUP_DIR MEDIA_ROOT}
media_root=${2:?usage: restore.sh BACKUP_DIR MEDIA_ROOT}
: "${PGDATABASE:?PGDATABASE must name the database to create}"

# Roles first: the dump's owners and grants name them. The cluster's bootstrap superuser
# already exists: its CREATE ROLE line is left out; every other line must apply.
roles_sql=$(mktemp)
trap 'rm -f "$roles_sql"' EXIT
grep -v -x -F "CREATE ROLE ${PGUSER:-postgres};" "$backup_dir/roles.sql" >"$roles_sql" || true
psql -X -q -v ON_ERROR_STOP=1 --dbname postgres --file "$roles_sql"

createdb "$PGDATABASE"
pg_restore --exit-on-error --dbname "$PGDATABASE" "$backup_dir/database.dump"

mkdir -p "$media_root"
tar -C "$media_root" -xzf "$backup_dir/media.tar.gz"
echo "restored $PGDATABASE and media into $media_root"
