#!/bin/bash
# A logical backup of one Sportello installation (README, "Operations" → "Backups"):
# the cluster's roles, the database, and the media files (attachments), into one folder.
# For a small installation; a large one takes base backups and archives WAL instead, for
# point-in-time recovery (README). Connection: the usual libpq variables (PGHOST, PGPORT,
# PGUSER = the owner, a superuser, as migrations use; PGPASSWORD or ~/.pgpass), PGDATABASE.
#   deploy/backup/backup.sh BACKUP_DIR MEDIA_ROOT
# writes BACKUP_DIR/roles.sql, BACKUP_DIR/database.dump (pg_dump's custom format) and
# BACKUP_DIR/media.tar.gz. Media are copied after the database: a file whose row came
# later is only extra, while a row whose file is missing would be a broken download.
set -euo pipefail
backup_dir=${1:?usage: backup.sh BACKUP_DIR MEDIA_ROOT}
media_root=${2:?usage: backup.sh BACKUP_DIR MEDIA_ROOT}
: "${PGDATABASE:?PGDATABASE must name the database}"
mkdir -p "$backup_dir"

# Roles are the cluster's, not the database's: without them the restored grants and the
# row-level security the application relies on (sportello_app, sportello_platform) are
# gone. Passwords stay out of the file; the restore sets them again.
pg_dumpall --roles-only --no-role-passwords --file "$backup_dir/roles.sql"
pg_dump --format=custom --file "$backup_dir/database.dump" "$PGDATABASE"
if [ -d "$media_root" ]; then
    tar -C "$media_root" -czf "$backup_dir/media.tar.gz" .
else
    tar -czf "$backup_dir/media.tar.gz" -T /dev/null
fi
echo "backup written to $backup_dir"
