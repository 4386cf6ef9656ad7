"""The flush after a transactional test (``transaction=True``, ``live_server``: every
browser test), by DELETE rather than Django's TRUNCATE of every table.

Django empties the database after each such test with one ``TRUNCATE`` of all ~125
tables: new files for each table, its TOAST table and its indexes (~900 relations), the
old ones unlinked at commit, whatever the test wrote. Measured on this machine (under
load): 4.6 to 8.7 s a flush, where deleting the rows of every table took 0.14 to 0.37 s;
a transactional test writes a few dozen rows, and DELETE costs what it finds.

DELETE must not trip over the order of the foreign keys, nor fire the project's
triggers on rows on their way out (tickets_tagcount's, kept by triggers on
tickets_ticket): ``session_replication_role = replica`` for the flush's transaction
turns both off, as pg_restore does. Only a superuser may set it, which the suite's login
is; under any other login the flush is Django's own TRUNCATE (tests/test_flush.py runs
both). Sequences are not reset either way (no test asks for ``reset_sequences``).

What TRUNCATE did beyond emptying (fresh files, reltuples -1) the plan tests do not take
from it: tests/bench/conftest.py resets the planner's inputs of the tables they read,
whatever ran before, and the rolled-back tests leave dead rows in the same tables anyway.
"""

from __future__ import annotations

from django.db.backends.postgresql.operations import DatabaseOperations

_truncate = DatabaseOperations.sql_flush


def is_superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if not tables or reset_sequences or not is_superuser(self.connection):
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    # execute_sql_flush runs these in one transaction: SET LOCAL ends with it.
    return [
        "SET LOCAL session_replication_role = replica",
        *(f"DELETE FROM {self.quote_name(table)}" for table in sorted(tables)),
    ]


def install() -> None:
    DatabaseOperations.sql_flush = sql_flush
