"""tests/flush.py, the flush after each transactional test: both of its paths empty every
table, the superuser's DELETE without firing the project's triggers, and any other
login's TRUNCATE (Django's own). Run inside the test's transaction, rolled back after."""

from __future__ import annotations

import pytest
from django.core.management.color import no_style
from django.db import connection

from tests.factories import make_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _holding_rows() -> set[str]:
    union = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT FROM {connection.ops.quote_name(table)})"  # noqa: S608
        for table in _tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(union)
        return {table for (table,) in cursor.fetchall()}


def _flush() -> list[str]:
    with connection.cursor() as cursor:
        # The test's deferred foreign-key checks now, as a committed test's were: TRUNCATE
        # refuses a table with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    sql = connection.ops.sql_flush(no_style(), _tables())
    connection.ops.execute_sql_flush(sql)
    return sql


@pytest.fixture
def rows(acme, acme_agent, acme_user):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, tags=["vip"])
    assert {"accounts_account", "tickets_ticket", "tickets_tagcount"} <= _holding_rows()


def test_the_superuser_deletes_every_row_with_the_triggers_off(rows):
    sql = _flush()
    assert sql[0] == "SET LOCAL session_replication_role = replica"
    assert all(s.startswith("DELETE FROM ") for s in sql[1:])
    # tickets_ticket's delete trigger would have written a tag count back (-1 for vip).
    assert _holding_rows() == set()
    with connection.cursor() as cursor:
        cursor.execute("RESET session_replication_role")  # the rest of the test's transaction
    assert not Ticket.all_accounts.exists()


def test_another_login_truncates_every_table(rows):
    role = connection.ops.quote_name(f"{connection.settings_dict['NAME']}_flush"[:60])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, TRUNCATE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"SET ROLE {role}")
    try:
        sql = _flush()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert len(sql) == 1 and sql[0].startswith("TRUNCATE ")
    assert _holding_rows() == set()
