"""The plan tests' reset (tests/bench/conftest.py, ``_Tables``) under a login that is not
a superuser, which may neither VACUUM FULL a table it does not own nor write pg_class:
a stale empty table is TRUNCATEd and comes back with a fresh table's size and count.
The suite's superuser takes the other path before every plan test."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.bench.conftest import _Tables

# The test database is set up for tests that use it (the test's own connection takes no
# lock here: every statement goes through _Tables' connection).
pytestmark = pytest.mark.django_db

TABLE = "django_session"  # no foreign keys either way, and no test leaves a row in it


def _role() -> str:
    return connection.ops.quote_name(f"{connection.settings_dict['NAME']}_fresh"[:60])


@pytest.fixture
def tables(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tables = _Tables()
    tables._query(f"DROP ROLE IF EXISTS {_role()}")
    tables._query(f"CREATE ROLE {_role()} NOLOGIN NOSUPERUSER NOBYPASSRLS")
    tables._query(f"GRANT USAGE ON SCHEMA public TO {_role()}")
    tables._query(f"GRANT SELECT, TRUNCATE ON ALL TABLES IN SCHEMA public TO {_role()}")
    try:
        yield tables
    finally:
        tables._query("RESET ROLE")
        tables._query(f"DROP OWNED BY {_role()}")
        tables._query(f"DROP ROLE {_role()}")
        tables.raw.close()


def _as_non_superuser(tables: _Tables) -> None:
    tables._query(f"SET ROLE {_role()}")
    (tables.superuser,) = tables._query(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    )[0]
    assert tables.superuser is False


def _file_and_count(tables: _Tables) -> tuple[int, float, int]:
    return tables._query(
        "SELECT relfilenode, reltuples, relpages FROM pg_class WHERE oid = %s::regclass",
        [TABLE],
    )[0]


def test_a_stale_table_is_truncated_back_to_a_fresh_ones_size_and_count(tables):
    _as_non_superuser(tables)
    # Every table at first (none seen yet): the empty ones TRUNCATEd together with the
    # empty tables referencing them, those holding rows (content types) kept out.
    tables.reset()
    assert tables._stale() == set()

    # What a committing test leaves (tests/bench/test_seed_load.py): rows counted by a
    # committed ANALYZE, then deleted; the heap keeps its page, pg_class the count.
    tables._query("RESET ROLE")
    tables._query(
        f"INSERT INTO {TABLE} (session_key, session_data, expire_date) "
        "SELECT 'fresh-tables-' || n, '', now() FROM generate_series(1, 50) AS n"
    )
    tables._query(f"ANALYZE {TABLE}")
    tables._query(f"DELETE FROM {TABLE}")
    before, reltuples, relpages = _file_and_count(tables)
    assert (reltuples, relpages) == (50, 1)

    _as_non_superuser(tables)
    assert TABLE in tables._stale()
    tables.reset()

    after, reltuples, relpages = _file_and_count(tables)
    assert after != before  # TRUNCATE's new file, not a VACUUM FULL (not allowed here)
    assert (reltuples, relpages) == (-1, 0)  # never counted, as in a fresh database
    assert TABLE not in tables._stale()
